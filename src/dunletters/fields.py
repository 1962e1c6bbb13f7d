"""Field readers: a record's cell, as a person typed it, read as a typed value or refused.

The before-validators of :class:`~dunletters.models.Account` and the cell fast path of
:func:`~dunletters.models.parse_account` share them: money as an exact
:class:`~decimal.Decimal` (never a float), dates as Chinese spreadsheets write them,
是/否 flags, genders, names and free text. A refusal is a :class:`ValueError` whose
reason names no value (《个人信息保护法》: the cell may be personal data).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from dunletters import zh
from dunletters.cells import EXCEL_ERRORS

__all__ = [
    "CONTROL",
    "MAX_AMOUNT",
    "Gender",
    "parse_amount",
    "parse_bool",
    "parse_date",
    "read_count",
    "read_gender",
    "read_name",
    "read_optional_date",
    "read_optional_int",
    "read_text",
]

MAX_AMOUNT = zh.MAX_CAPITALS
"""The largest amount 大写 can express (万亿); anything larger is surely an input error."""

Gender = Literal["male", "female"]

_GENDER_WORDS: dict[str, Gender] = {
    "male": "male",
    "m": "male",
    "男": "male",
    "先生": "male",
    "female": "female",
    "f": "female",
    "女": "female",
    "女士": "female",
}

_TRUE_WORDS = {"是", "y", "yes", "true", "t", "1", "有"}
_FALSE_WORDS = {"否", "n", "no", "false", "f", "0", "无", ""}

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters no field may hold (tab, line feed and carriage return aside)."""
_INTEGER = re.compile(r"-?\d+")
_PLAIN_AMOUNT = re.compile(r"\s*(\d{1,13}(?:\.\d{1,2})?)\s*", re.ASCII)
_AMOUNT_TEXT = re.compile(r"([-]?)[¥]?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?元?", re.ASCII)
"""The one form of an amount: digits, thousands commas only every three digits, at most
two decimals, an optional ¥ or 元 — never an exponent, underscore or decimal comma
(``1000,00`` read as 100,000 yuan; ``1.23457E+11`` is a number Excel mangled)."""
_FEN_DIGITS = re.compile(r"(\.\d\d)\d+")
_EXCEL_ERROR = EXCEL_ERRORS
_LETTER = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007\U00020000-\U000323af"
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
)
_NAME = re.compile(f"[{_LETTER}](?:[{_LETTER}·•・‧\uff65 ]*[{_LETTER}])?")
"""What a person's name can hold: CJK ideographs (extensions included), Latin letters,
the middle dots (阿卜杜热合曼·买买提) and single spaces between parts, — no digits, markup, controls, bidi or zero-width characters (D-07, D-08)."""
_SPACES = re.compile(r"\s+")
_BREAKS = re.compile(r"[^\S \u3000\u00a0]|[\x00-\x1f\x7f-\x9f]")
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff]) (?=[\u3400-\u9fff\uf900-\ufaff])")
_MIN_DATE, _MAX_DATE = date(1990, 1, 1), date(2099, 12, 31)


def parse_bool(value: object) -> bool:
    """Read a yes/no cell as Chinese Excel files write it.

    >>> parse_bool("是"), parse_bool("N"), parse_bool(""), parse_bool(1)
    (True, False, False, True)
    """
    if isinstance(value, str):  # the usual cell first
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    elif isinstance(value, bool):
        return value
    elif value is None:
        return False
    elif isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError("应为 是/否、Y/N、true/false 或 1/0")


def parse_amount(value: object) -> Decimal:
    """Read an amount of money as an exact :class:`Decimal` in yuan.

    Accepts text with thousands separators and an optional ¥/￥ or 元, integers and
    Decimals; refuses floats (binary fractions are not money), negatives and more
    than two decimals (a fen is the smallest unit).

    >>> parse_amount("1,004.50"), parse_amount("¥12"), parse_amount(Decimal("0.05"))
    (Decimal('1004.50'), Decimal('12'), Decimal('0.05'))
    """
    if type(value) is str:
        plain = _PLAIN_AMOUNT.fullmatch(value)
        if plain is not None:
            # The usual cell ("4009.17"): finite, non-negative, at most two decimals and
            # at most 13 integer digits (≤ MAX_AMOUNT) by its form — skip the checks.
            return Decimal(plain[1])
    if isinstance(value, bool | float):
        raise ValueError("金额须以文本或整数给出，不能是浮点数")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        amount = _amount_text(value)
    else:
        raise ValueError("不是有效的金额")
    if not amount.is_finite():
        raise ValueError("不是有效的金额数字")
    if amount < 0:
        raise ValueError("金额不能为负数")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError("金额最多两位小数（精确到分）")
    if amount > MAX_AMOUNT:
        raise ValueError("金额超出可处理范围（万亿元以内）")
    return amount


def _amount_text(value: str) -> Decimal:
    """An amount typed as text, in the one accepted form (see :data:`_AMOUNT_TEXT`)."""
    text = value.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # ￥, full-width digits and commas
    if not text:
        raise ValueError("金额为空")
    if _EXCEL_ERROR.search(text):
        raise ValueError("是 Excel 错误值（如 #N/A），请先修正公式")
    found = _AMOUNT_TEXT.fullmatch(text)
    if found is None and _AMOUNT_TEXT.fullmatch(_FEN_DIGITS.sub(r"\1", text)):
        raise ValueError("金额最多两位小数（精确到分）")
    if found is None:
        raise ValueError(
            "金额格式不正确（应为 1234.56 或 1,234.56，不能用科学计数法或逗号作小数点）"
        )
    if found[1]:
        raise ValueError("金额不能为负数")
    return Decimal(found[2].replace(",", "") + (found[3] or ""))


_DATE_FORMS = re.compile(
    r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]00:00(?::00)?)?"
    r"|(\d{4})(\d{2})(\d{2})"
    r"|(\d{4})年(\d{1,2})月(\d{1,2})日",
    re.ASCII,
)
"""2026-11-28, 2026/11/28, 2026.11.28 (a day's midnight too), 20261128 (exactly eight
digits: 2026111 could be January 11 or November 1) and 2026年11月28日."""
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})\s*", re.ASCII)
"""The usual form, read without ``strptime``, which is slow for a per-cell step
(benchmarks/NOTES.md#records): the same dates, the same refusals (an impossible day is a
ValueError from ``date`` as from ``strptime``)."""


def parse_date(value: object) -> date:
    """Read a date as Chinese spreadsheets write it, between 1990 and 2099.

    >>> parse_date("2026-11-28"), parse_date("2026/1/5"), parse_date("2026年1月5日")
    (datetime.date(2026, 11, 28), datetime.date(2026, 1, 5), datetime.date(2026, 1, 5))
    """
    day = _read_date(value)
    if not _MIN_DATE <= day <= _MAX_DATE:
        # 0001-01-01 or 1900-01-01 is an empty cell's placeholder, not a due date (D-10).
        raise ValueError("日期超出合理范围（应在1990年至2099年之间）")
    return day


def _read_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        iso = _ISO_DATE.fullmatch(value)
        if iso is not None:
            try:
                return date(int(iso[1]), int(iso[2]), int(iso[3]))
            except ValueError:
                pass  # 2026-02-30: refused below, with the reason
        found = _DATE_FORMS.fullmatch(value.strip())
        if found is not None:
            year, month, day = (int(part) for part in found.groups() if part and part.isdigit())
            try:
                return date(year, month, day)
            except ValueError:
                raise ValueError("不是有效日期（没有这一天）") from None
    raise ValueError("不是有效日期（应为 2026-11-28、2026/11/28、20261128 或 2026年11月28日）")


def read_optional_date(value: object) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value)


def read_optional_int(value: object) -> object:
    if type(value) is str and value.isdecimal():
        # The usual cell ("23"): isdecimal is \d's class (Unicode Nd), nothing to strip.
        return int(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not _INTEGER.fullmatch(text):
            raise ValueError("应为整数")
        return int(text)
    return value


def read_count(value: object) -> object:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    return read_optional_int(value)


def read_gender(value: object) -> Gender | None:
    if value is None:
        return None
    if isinstance(value, str):
        word = value.strip().lower()
        if not word:
            return None
        if word in _GENDER_WORDS:
            return _GENDER_WORDS[word]
    raise ValueError("应为 男/女（或 male/female）")


def read_text(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        if CONTROL.search(value):
            raise ValueError("含有控制字符")
        if "#" in value and _EXCEL_ERROR.search(value):
            raise ValueError("是 Excel 错误值（如 #N/A），请先修正公式")
    return value


def read_name(value: object) -> object:
    """A person's name: letters of a name only; spaces collapsed, none between two hanzi."""
    if type(value) is str and _NAME.fullmatch(value):
        return value if " " not in value else _spaced(value)
    if isinstance(value, str):
        if _BREAKS.search(value):
            raise ValueError("含有换行、制表符或控制字符")
        value = _SPACES.sub(" ", value.strip())
        if not value:
            return value  # "不能为空" from the length check
        if _EXCEL_ERROR.search(value):
            raise ValueError("是 Excel 错误值（如 #N/A），请先修正公式")
        if not _NAME.fullmatch(value):
            raise ValueError(_name_reason(value))
        return _spaced(value)
    return value


def _spaced(name: str) -> str:
    return _CJK_SPACE.sub("", _SPACES.sub(" ", name))


def _name_reason(name: str) -> str:
    """Why a name is refused, most specific first (on the failure path only)."""
    if CONTROL.search(name):
        return "含有控制字符"
    if any(unicodedata.category(c) in ("Cf", "Cc", "Co", "Cs") for c in name):
        return "含有不可见字符或改变文字方向的字符"
    if any(c.isdigit() for c in name):
        return "含有数字（姓名中不会有数字）"
    if any(c in "<>{}[]&#=@%$\\/" for c in name):
        return "含有标记或符号（如 <b>、{{ }}）"
    return "含有姓名中不应出现的字符（只允许汉字、拉丁字母、间隔号·和空格）"
