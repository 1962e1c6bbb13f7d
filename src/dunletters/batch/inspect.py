"""``dunletters columns FILE``: how each header of an input file maps, without running anything.

The same mapping the batch makes (:func:`dunletters.batch.readers.open_records`), shown
header by header — canonical column, ignored, or unknown with the closest known
column — so a user fixes ``[batch.columns]`` before a run instead of after one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path

from dunletters.batch.readers import open_records
from dunletters.columns import BUILTIN_IGNORED, FIELD_LABELS, header_key, label, suggest
from dunletters.config import Settings

__all__ = ["column_report"]


def _width(text: str) -> int:
    """Columns a header takes in a terminal (a hanzi takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_BUILTIN_IGNORED_KEYS = frozenset(header_key(title) for title in BUILTIN_IGNORED)


def column_report(
    path: Path,
    settings: Settings,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    ignore: Iterable[str] = (),
    header_row: int | None = None,
) -> tuple[list[str], bool]:
    """Lines describing each header's mapping, and whether a batch would accept the header."""
    header_map, rows = open_records(
        path,
        encoding=encoding,
        sheet=sheet,
        aliases=settings.batch.columns,
        ignore=(*settings.batch.ignore_columns, *ignore),
        header_row=header_row,
        strict=False,
    )
    rows.close()  # type: ignore[attr-defined]
    width = max((_width(title) for title in header_map.headers), default=0)
    mapped = {title: name for name, title in header_map.titles.items()}
    lines = [f"{path.name} 的表头："]
    for title in header_map.headers:
        text = title or "（空表头）"
        shown = f"  {text}{' ' * (width - _width(text))}"
        if title in mapped:
            lines.append(f"{shown} → {label(mapped[title])}")
        elif title in header_map.unknown:
            column = suggest(title)
            hint = (
                f'最接近 {label(column)}？在 [batch.columns] 中加一行 "{title}" = "{column}"'
                if column
                else "不是已知的列"
            )
            lines.append(f"{shown} ✗ 不认识：{hint}；若无用，用 --ignore-column {title} 忽略")
        elif header_key(title) in _BUILTIN_IGNORED_KEYS:
            lines.append(f"{shown} – 忽略（内置）")
        elif title:
            lines.append(f"{shown} – 忽略（[batch] ignore_columns 或 --ignore-column）")
        else:
            lines.append(f"{shown} – 忽略（没有表头）")
    if header_map.missing:
        lines.append(f"缺少必需的列：{'、'.join(label(name) for name in header_map.missing)}")
    unused = [name for name in FIELD_LABELS if name not in header_map.titles]
    if unused:
        lines.append(f"未提供的列（用缺省值）：{'、'.join(label(name) for name in unused)}")
    lines.extend(f"注意：{note}" for note in header_map.notes)
    ok = not header_map.unknown and not header_map.missing
    lines.append(
        "全部表头都有着落，可以运行 dunletters batch。"
        if ok
        else "有表头没有着落或缺少必需的列：dunletters batch 会在生成任何文书前停止（退出码 2）。"
    )
    return lines, ok
