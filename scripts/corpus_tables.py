"""Rewrite the generated tables of tests/corpus/README.md from the corpus files.

The counts line, the per-code, per-category and per-source-type tables under "## Counts"
and the "## Sources" table are generated; the prose around them (known gaps, each round's
description) is written by people and kept. Run after adding or relabelling items:
``python scripts/corpus_tables.py`` (``--check`` exits 1 when the README is stale).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
CONTENT = ("DL402", "DL502", "DL503", "DL601", "DL602", "DL603", "DL604", "DL605", "DL606")


def _items() -> list[tuple[str, dict]]:
    return [
        (split, json.loads(line))
        for split in ("dev", "heldout")
        for line in (CORPUS / f"{split}.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def counts(items: list[tuple[str, dict]]) -> str:
    """The generated head of the "## Counts" section (up to "### Known gaps")."""
    sentences = sum(item["kind"] == "sentence" for _, item in items)
    clean = sum(item["clean"] for _, item in items)
    splits = Counter(split for split, _ in items)
    head = (
        f"{len(items)} items: {sentences} sentences and {len(items) - sentences} documents; "
        f"{clean} clean ({round(100 * clean / len(items))} %); {splits['dev']} in dev, "
        f"{splits['heldout']} in heldout."
    )
    per_code = []
    for code in CONTENT:
        hits = [(split, item) for split, item in items if code in item["expect"]]
        per_code.append(
            [
                code,
                sum(item["kind"] == "sentence" for _, item in hits),
                sum(item["kind"] == "document" for _, item in hits),
                sum(split == "dev" for split, _ in hits),
                sum(split == "heldout" for split, _ in hits),
            ]
        )
    return (
        head + "\n\nPositive items per content code (an item counts once per code in its "
        "`expect`):\n\n" + _table(["code", "sentences", "documents", "dev", "heldout"], per_code)
    )


def breakdowns(items: list[tuple[str, dict]]) -> str:
    """The per-category and per-source-type tables (after the known gaps' prose)."""
    category: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for split, item in items:
        row = category[item.get("category") or "-"]
        row[0] += 1
        row[1] += item["clean"]
        row[2 if split == "dev" else 3] += 1
    types = Counter(item["source"]["type"] for _, item in items)
    return (
        "Per category:\n\n"
        + _table(
            ["category", "items", "clean", "dev", "heldout"],
            [[name, *row] for name, row in sorted(category.items())],
        )
        + "\n\nPer source type:\n\n"
        + _table(["source type", "items"], [list(pair) for pair in sorted(types.items())])
    )


def sources(items: list[tuple[str, dict]]) -> str:
    """The "## Sources" table: one row per distinct source, with its item count."""
    seen: Counter[tuple[str, ...]] = Counter()
    for _, item in items:
        s = item["source"]
        seen[
            (
                s["type"],
                s.get("title", ""),
                s.get("publisher", ""),
                s.get("date", ""),
                s.get("url", ""),
            )
        ] += 1
    return _table(
        ["type", "title", "publisher", "date", "url", "items"],
        [[*key, n] for key, n in sorted(seen.items())],
    )


def rewrite(text: str, items: list[tuple[str, dict]]) -> str:
    text = re.sub(
        r"(## Counts\n\n).*?(\n\n### Known gaps)",
        lambda m: m[1] + counts(items) + m[2],
        text,
        count=1,
        flags=re.S,
    )
    text = re.sub(
        r"Per category:\n\n.*?\n\nPer source type:\n\n(\|.*?\n)+",
        lambda m: breakdowns(items) + "\n",
        text,
        count=1,
        flags=re.S,
    )
    return re.sub(
        r"(## Sources\n\n)(\|.*\n?)+", lambda m: m[1] + sources(items) + "\n", text, count=1
    )


def main() -> int:
    path = CORPUS / "README.md"
    old = path.read_text("utf-8")
    new = rewrite(old, _items())
    if "--check" in sys.argv[1:]:
        return int(new != old)
    path.write_text(new, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
