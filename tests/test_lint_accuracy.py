"""The linter's precision and recall on the real-text corpus never drop below the
figures last recorded in benchmarks/lint_accuracy.json (benchmarks/lint_accuracy.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import lint_accuracy  # noqa: E402


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, float | int]]:
    return lint_accuracy.figures(lint_accuracy.measure())


@pytest.mark.parametrize("split", lint_accuracy.SPLITS)
def test_precision_and_recall_hold(split: str, measured: dict[str, dict[str, float | int]]) -> None:
    recorded = json.loads(lint_accuracy.RECORDED.read_text(encoding="utf-8"))[split]
    now = measured[split]
    if now["items"] == 0:
        pytest.skip("the corpus is not in this checkout")
    assert now["precision"] >= recorded["precision"], (split, now, recorded)
    assert now["recall"] >= recorded["recall"], (split, now, recorded)
    assert now["clean_documents_with_error"] <= recorded["clean_documents_with_error"], (
        split,
        now,
        recorded,
    )


def test_new_since_scores_only_the_items_a_revision_lacked() -> None:
    """The first commit that holds the corpus has fewer items than now, and none the
    corpus has since dropped; an unknown revision is refused by name."""
    import subprocess

    first = subprocess.run(
        [
            "git",
            "-C",
            str(BENCHMARKS.parent),
            "log",
            "--diff-filter=A",
            "--format=%H",
            "--",
            "tests/corpus/dev.jsonl",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    if not first:
        pytest.skip("not a git checkout with the corpus's history")
    old = lint_accuracy.ids_at(first[-1], "dev")
    now = {item["id"] for item in lint_accuracy.load("dev")}
    if old == now:
        pytest.skip("a shallow clone: its first commit is this one")
    assert old and old <= now
    assert lint_accuracy.measure(new_since=first[-1])["dev"].items == len(now - old)
    with pytest.raises(SystemExit, match="no-such-revision"):
        lint_accuracy.ids_at("no-such-revision", "dev")


def test_first_sight_scores_each_recorded_verdict_once_per_round_and_in_all() -> None:
    rows = [
        json.loads(line)
        for line in (lint_accuracy.CORPUS / "first_verdicts.jsonl").read_text("utf-8").splitlines()
    ]
    rows = [row for row in rows if row["fired"] is not None]
    scores = lint_accuracy.first_sight()
    total = scores.pop("all")
    assert total.items == len(rows) == sum(s.items for s in scores.values())
    assert set(scores) == {row["commit"] for row in rows}
    for counts in ("hits", "misses", "false"):
        summed = sum((getattr(s, counts) for s in scores.values()), start=type(total.hits)())
        assert summed == getattr(total, counts)
    dev = {item["id"]: item for item in lint_accuracy.load("dev")}
    right = {row["id"] for row in rows if set(row["fired"]) == set(dev[row["id"]]["expect"])}
    assert right and not right & {item_id for item_id, _, _ in total.wrong}
    assert total.clean_documents == 0  # a first verdict records codes, not severities
    table = lint_accuracy.first_sight_table(lint_accuracy.first_sight())
    assert "| **all rounds** | " + str(len(rows)) + " |" in table


def test_new_pages_scores_the_held_out_items_whose_page_dev_never_quotes() -> None:
    quoted = {lint_accuracy.page(item) for item in lint_accuracy.load("dev")}
    held = lint_accuracy.load("heldout")
    fresh = [item for item in held if lint_accuracy.page(item) not in quoted]
    assert 0 < len(fresh) < len(held)
    assert lint_accuracy.new_pages().items == len(fresh)
    assert lint_accuracy.page({"id": "s-1", "source": {"url": "", "title": "t"}}) == "t"
