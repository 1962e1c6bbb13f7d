"""Code comments point at benchmarks/NOTES.md for their figures: every pointer must land."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POINTER = re.compile(r"benchmarks/NOTES\.md#([a-z0-9-]+)")


def _anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces → -."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_every_pointer_to_the_benchmark_notes_names_a_section() -> None:
    notes = (ROOT / "benchmarks" / "NOTES.md").read_text(encoding="utf-8")
    anchors = {_anchor(line[3:]) for line in notes.splitlines() if line.startswith("## ")}
    pointers = {
        (path.relative_to(ROOT).as_posix(), found)
        for path in sorted((ROOT / "src").rglob("*.py"))
        for found in POINTER.findall(path.read_text(encoding="utf-8"))
    }
    assert pointers, "no code comment points at benchmarks/NOTES.md"
    assert sorted(p for p in pointers if p[1] not in anchors) == []
