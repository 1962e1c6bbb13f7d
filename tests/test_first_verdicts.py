"""scripts/first_verdicts.py: the first verdicts file reads and writes back unchanged, and
a replay in a past commit's own tree lints as this tree does when the trees are the same."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def script() -> Any:
    sys.path.insert(0, str(ROOT / "scripts"))
    import first_verdicts

    return first_verdicts


def _dev(*ids: str) -> list[dict[str, Any]]:
    with (ROOT / "tests" / "corpus" / "dev.jsonl").open(encoding="utf-8") as handle:
        items = {item["id"]: item for item in map(json.loads, filter(str.strip, handle))}
    return [items[key] for key in ids]


def test_the_file_reads_and_writes_back_byte_for_byte(
    script: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = script.VERDICTS.read_text(encoding="utf-8")
    rows = script.read()
    assert len(rows) > 1000
    monkeypatch.setattr(script, "VERDICTS", tmp_path / "first_verdicts.jsonl")
    assert script.read() == {}
    script.write(rows)
    assert script.VERDICTS.read_text(encoding="utf-8") == original


def test_a_replay_in_this_commits_own_tree_gives_this_trees_verdicts(script: Any) -> None:
    head = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"],
        capture_output=True,
        text=True,
        check=False,
    )
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    if head.stdout.strip():
        pytest.skip("src has uncommitted changes: HEAD's tree is not this tree")
    items = _dev("d-0005", "d-0007", "s-0004", "d-4350")
    here = script.lint_here(items)
    assert script.lint_at("HEAD", items) == here
    assert "DL503" in here["d-0007"]  # 征信黑名单: the file would record it
    assert "DL607" in here["d-4350"]  # labelled an SMS, with no 【】 to infer it from
