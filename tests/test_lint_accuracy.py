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
