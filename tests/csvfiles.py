"""Writing the test inputs: one CSV writer for every batch and reader test."""

from __future__ import annotations

import csv
from pathlib import Path

from dunletters.batch.readers import BUILTIN_ALIASES


def write_csv(
    path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8", chinese: bool = False
) -> Path:
    """``rows`` as a CSV file; ``chinese``: under the built-in Chinese headers."""
    names = list(rows[0])
    if chinese:
        reverse: dict[str, str] = {}
        for alias, canonical in BUILTIN_ALIASES.items():
            reverse.setdefault(canonical, alias)
        header = [reverse.get(name, name) for name in names]
    else:
        header = names
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row[name] for name in names])
    return path
