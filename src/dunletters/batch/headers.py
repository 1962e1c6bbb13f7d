"""The header row of a batch input file: found, mapped to canonical columns, and its foot.

Every header is accounted for (:mod:`dunletters.columns`): a canonical column, a
built-in or project alias, or explicitly ignored; an unknown header, a required
column missing, or two columns that mean the same (``name`` and ``姓名``) stop the
run before any letter is written. The header row is found among the first
:data:`HEADER_SCAN` rows (title rows above it skipped) unless given, and a 合计/总计
row is recognised and reported once, not rejected as an account. Shared by the CSV,
JSON Lines and XLSX readers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dunletters.cells import CellError, cell_text
from dunletters.columns import (
    FIELD_LABELS,
    HOLD_FLAG_COLUMNS,
    REQUIRED_COLUMNS,
    header_key,
    ignored_keys,
    label,
    lookup_table,
    unknown_message,
)
from dunletters.errors import InputError

__all__ = [
    "HEADER_SCAN",
    "NO_ACCOUNT",
    "HeaderMap",
    "Row",
    "account_column",
    "find_header",
    "foot_row",
    "header_note",
]

HEADER_SCAN = 10
"""Rows searched for the header when it is not on the first (a title or two above it)."""

_TOTAL_WORDS = frozenset({"合计", "总计", "合计:", "总计:", "合计：", "总计：", "小计"})
NO_ACCOUNT = _TOTAL_WORDS | {""}


@dataclass(slots=True)
class Row:
    """One data row: its number in the file, the canonical cells, or why it is unreadable.

    Not ``frozen``: a frozen dataclass sets each field through ``object.__setattr__``,
    a real share of reading a CSV row. Nothing changes a row.
    """

    number: int
    cells: dict[str, str]
    problem: tuple[str, str] | None = None
    """``(field, reason)`` when the row cannot be read at all (bad JSON, bad bytes)."""


@dataclass
class HeaderMap:
    """How the file's columns map to canonical names, and what the reader noticed."""

    columns: list[str | None]
    ignored: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    """Canonical column → the header as the file writes it."""
    notes: list[str] = field(default_factory=list)
    """What a user should know about the file (no flag columns, title rows, sheets, 合计)."""
    headers: list[str] = field(default_factory=list)
    """The header row as the file writes it (trimmed)."""
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Unknown headers and missing required columns: only in a map built not ``strict``."""

    @classmethod
    def build(
        cls,
        header: list[str],
        aliases: Mapping[str, str],
        source: str,
        ignore: Iterable[str] = (),
        *,
        strict: bool = True,
    ) -> HeaderMap:
        """Map a header row; unknown, missing required or duplicated columns are errors.

        Not ``strict`` (``dunletters columns``), unknown and missing columns are kept
        on the map instead; two columns meaning one are still an error.
        """
        lookup, skip = lookup_table(aliases), ignored_keys(ignore)
        columns: list[str | None] = []
        ignored: list[str] = []
        unknown: list[str] = []
        seen: dict[str, str] = {}
        for raw in header:
            title = (raw or "").lstrip("\ufeff").strip()
            key = header_key(title)
            canonical = lookup.get(key)
            if canonical is None:
                columns.append(None)
                if key in skip:
                    ignored.append(title)
                elif title:
                    unknown.append(title)
                continue
            if canonical in seen:
                raise InputError(
                    f"{source}：列「{seen[canonical]}」与「{title}」都表示 {label(canonical)}，"
                    "请删去其中一列，或用 --ignore-column 忽略其一"
                )
            seen[canonical] = title
            columns.append(canonical)
        missing = [name for name in REQUIRED_COLUMNS if name not in seen]
        titles = [(raw or "").lstrip("\ufeff").strip() for raw in header]
        if not strict:
            return cls(columns, ignored, seen, _flag_notes(seen), titles, unknown, missing)
        if unknown:
            message = unknown_message(source, unknown)
            if missing:
                message += f"\n  另缺少必需的列：{'、'.join(label(name) for name in missing)}"
            raise InputError(message)
        if missing:
            raise InputError(
                f"{source}：缺少必需的列：{'、'.join(label(name) for name in missing)}"
                "（表头可用中文，如 账号、姓名；自己的表头请在 [batch.columns] 中对应）"
            )
        return cls(columns, ignored, seen, _flag_notes(seen), titles)

    def cells(self, values: list[Any]) -> dict[str, str]:
        """Canonical cells of a row of text; empty cells are absent (pydantic defaults apply)."""
        cells: dict[str, str] = {}
        for name, value in zip(self.columns, values, strict=False):
            if name is None:
                continue
            text = value.strip() if type(value) is str else str(value).strip()
            if text:
                cells[name] = text
        return cells

    def typed_row(self, number: int, values: Iterable[Any]) -> Row:
        """A row of typed cells (XLSX, JSON Lines): each read as text by its column's rules."""
        cells: dict[str, str] = {}
        for name, value in zip(self.columns, values, strict=False):
            if name is None:
                continue
            try:
                text = cell_text(value, name)
            except CellError as error:
                return Row(number, {}, (name, str(error)))
            if text:
                cells[name] = text
        return Row(number, cells)


def _flag_notes(seen: Mapping[str, str]) -> list[str]:
    """The hold-flag columns a file lacks: every account is then read as without that flag."""
    flags = [name for name in HOLD_FLAG_COLUMNS if name not in seen]
    if not flags:
        return []
    words = "、".join(FIELD_LABELS[name] for name in flags)
    return [f"输入中没有{words}列：全部账户按无此情形处理（不会因此暂停）"]


def find_header(
    first: list[list[Any]], lookup: Mapping[str, str], header_row: int | None, source: str
) -> int:
    """The index of the header among the first rows: given, or the first naming two known columns."""
    if header_row is not None:
        if not 1 <= header_row <= len(first):
            raise InputError(f"{source}：没有第{header_row}行（--header-row）")
        return header_row - 1
    for index, values in enumerate(first):
        known = sum(1 for v in values if isinstance(v, str) and header_key(v) in lookup)
        if known >= 2:
            return index
    return 0


def header_note(index: int) -> list[str]:
    """The note saying title rows above the header were skipped (none when it is first)."""
    if index == 0:
        return []
    return [f"表头在第{index + 1}行，其上 {index} 行（标题）已跳过"]


def account_column(header_map: HeaderMap) -> int:
    """Where the account id is read (a row without one may be the sheet's foot)."""
    columns = header_map.columns
    return columns.index("account_id") if "account_id" in columns else 0


def _total_row(values: Iterable[Any]) -> bool:
    """A 合计/总计 row at the foot of a sheet (looked for only in rows without an account id)."""
    return any(isinstance(v, str) and v.strip() in _TOTAL_WORDS for v in values)


def foot_row(values: Iterable[Any], number: int, after_total: bool, notes: list[str]) -> bool:
    """Whether a row without an account id is the sheet's foot: its 合计 row, or any row
    after it (制表人、审核人 …), each reported in ``notes`` rather than rejected."""
    if _total_row(values):
        notes.append(f"第{number}行是合计行，未作为账户处理")
        return True
    if after_total:
        notes.append(f"第{number}行在合计行之后且没有账号（表尾），未作为账户处理")
    return after_total
