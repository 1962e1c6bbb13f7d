"""Cells: a typed value from a spreadsheet or JSON record, read as the text a person typed.

The record layer's reading of values before :mod:`dunletters.models` validates them,
shared by the batch readers (XLSX, JSON Lines) and the one-record commands (``render``,
``preview --record``, an upload): Excel error values (``#N/A``) refused in any field,
amounts within 1e-6 of a fen taken as that fen (Excel's float noise), card and ID
numbers stored as numbers refused above 15 digits (Excel has already lost the rest),
Excel serial dates read in date columns, JSON values of the wrong type refused —
each a reason naming no value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dunletters.columns import header_key, ignored_keys, label, lookup_table
from dunletters.errors import RecordError

__all__ = [
    "EXCEL_ERRORS",
    "EXCEL_ERROR_REASON",
    "CellError",
    "cell_text",
    "excel_error",
    "json_cells",
    "record_cells",
]

EXCEL_ERRORS = re.compile(r"#(?:N/A|REF!|VALUE!|DIV/0!|NAME\?|NULL!|NUM!|GETTING_DATA)")
"""Excel's error values, as openpyxl and a CSV export give them (a failed VLOOKUP: #N/A)."""
_NUMBER_TEXT_COLUMNS = frozenset({"card_number", "id_number"})
_DATE_COLUMNS = frozenset({"due_date", "promise_to_pay_until"})
_AMOUNT_COLUMNS = frozenset({"principal", "interest", "fees", "total_due"})
_INTEGER_COLUMNS = frozenset({"days_past_due", "promises_broken", "account_id", "mobile"})
_FLAG_COLUMNS = frozenset({"dispute", "deceased", "hardship"})
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIALS = range(32874, 73051)
"""Excel serial dates read as dates in date columns: 1990-01-01 to 2099-12-31."""


def excel_error(text: str) -> bool:
    """Whether a cell holds an Excel error value (a failed VLOOKUP's ``#N/A`` …).

    >>> excel_error("#N/A"), excel_error("#DIV/0!"), excel_error("A#1")
    (True, True, False)
    """
    return EXCEL_ERRORS.search(text) is not None


EXCEL_ERROR_REASON = "是 Excel 错误值（如 #N/A、#REF!），请先修正公式"


class CellError(ValueError):
    """A cell that cannot be used, with the reason (never its value)."""


def cell_text(value: Any, column: str) -> str:
    """A typed cell as the text a person typed, or :class:`CellError` saying why not.

    Excel keeps numbers as binary floats: an amount within 1e-6 of a fen is that fen
    (a computed 11488.429999999998 is 11488.43); a card or ID number above 15 digits
    has lost its last digits in Excel and is refused; a date cell is its ISO date.
    """
    if type(value) is str:
        text = value.strip()
        if "#" in text and excel_error(text):
            raise CellError(EXCEL_ERROR_REASON)
        return text
    if value is None:
        return ""
    if isinstance(value, bool):
        if column in _FLAG_COLUMNS:
            return "是" if value else "否"
        raise CellError("应为文本，不能是 是/否 值")
    if isinstance(value, datetime):
        if column not in _DATE_COLUMNS:
            raise CellError("应为文本，不能是日期")
        if value.time() != datetime.min.time():
            raise CellError("日期带有时刻，请只填日期")
        return value.date().isoformat()
    if isinstance(value, date):
        if column not in _DATE_COLUMNS:
            raise CellError("应为文本，不能是日期")
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return _number_text(value, column)
    raise CellError("应为文本或数字")


def _number_text(value: int | float | Decimal, column: str) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise CellError("不是有效的数字")
    if column in _NUMBER_TEXT_COLUMNS:
        if value != int(value) or len(str(abs(int(value)))) > 15:
            raise CellError("须以文本格式存储（Excel 的数字只保留15位有效数字，后几位已丢失）")
        return str(int(value))
    if column in _AMOUNT_COLUMNS:
        if isinstance(value, float):
            fen = round(value, 2)
            if abs(value - fen) < 1e-6:  # float noise of a sum computed in Excel
                return f"{Decimal(repr(fen)):f}"
            raise CellError("金额最多两位小数（精确到分）")
        return f"{value:f}" if isinstance(value, Decimal) else str(value)
    if column in _DATE_COLUMNS:
        if value == int(value) and int(value) in _SERIALS:
            return (_EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
        if value == int(value) and len(str(int(value))) == 8:
            return str(int(value))  # 20261128, typed as a number
        raise CellError("不是有效日期")
    if column in _INTEGER_COLUMNS or column in _FLAG_COLUMNS:  # a flag as 1/0
        if value != int(value):
            raise CellError("应为整数")
        return str(int(value))
    raise CellError("应为文本，不能是数字")


Problem = tuple[str, str]
"""``(field, reason)``: why a record cannot be used, naming no value."""


def json_cells(
    data: Mapping[str, Any], lookup: Mapping[str, str], skip: frozenset[str]
) -> tuple[dict[str, str], Problem | None]:
    """A JSON object's canonical text cells, or the first problem (an unknown key, a wrong type)."""
    cells: dict[str, str] = {}
    keys: dict[str, str] = {}
    for key, value in data.items():
        canonical = lookup.get(header_key(key))
        if canonical is None:
            if header_key(key) in skip:
                continue
            return {}, ("(整行)", f"键「{key[:40]}」不是已知的列")
        if canonical in keys:
            return {}, (canonical, f"键「{keys[canonical]}」与「{key}」都表示 {label(canonical)}")
        keys[canonical] = key
        if isinstance(value, dict | list):
            return {}, (canonical, "应为文本，不能是列表或对象")
        try:
            text = cell_text(value, canonical)
        except CellError as error:
            return {}, (canonical, str(error))
        if text:
            cells[canonical] = text
    return cells, None


def record_cells(
    data: Mapping[str, Any], *, aliases: Mapping[str, str] | None = None, source: str | None = None
) -> dict[str, str]:
    """One JSON record (``render``, ``preview --record``, an upload) read as the batch reads a
    JSON Lines line: the same Chinese keys and the same checks of each value."""
    cells, problem = json_cells(data, lookup_table(aliases or {}), ignored_keys(()))
    if problem is not None:
        raise RecordError([problem], source=source)
    return cells
