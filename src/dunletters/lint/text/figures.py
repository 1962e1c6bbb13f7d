"""Money figures, 大写 amounts, ID/card/mobile numbers and small Chinese numerals.

The patterns :class:`~dunletters.lint.text.view.TextView` extracts figures with, the
span values it returns, and the pure helpers it classifies them by. Each pattern
starts with a literal or a character class (a fast start; see :mod:`.sentences`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from dunletters.checksums import id_valid, luhn_valid

__all__ = ["CN_DIGITS", "CapitalsSpan", "MoneySpan", "NumberSpan", "small_number"]

# The extracted spans are named tuples: a letter has dozens of them, and a frozen
# dataclass's __init__ (one object.__setattr__ per field) costs three times as much.


class MoneySpan(NamedTuple):
    """A money figure in the text."""

    amount: Decimal
    start: int
    end: int
    text: str


class CapitalsSpan(NamedTuple):
    """A 大写 amount in the text (possibly malformed: the rules check it)."""

    start: int
    end: int
    text: str


class NumberSpan(NamedTuple):
    """A full or masked identifier: ``kind`` is id, card or mobile."""

    kind: str
    digits: str
    masked: bool
    start: int
    end: int
    text: str


# Money in two passes, each with a fast start: after a sign (¥1,004.50 · 人民币1,004.50元),
# and bare figures followed by 元 (1,004.50元, not part of a longer number).
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)"
_MONEY_SIGNED = re.compile(rf"(?:¥|￥|人民币)\s?(?P<n>{_NUMBER})(?P<wan>万)?元?")
# A bare figure ends in 元, and 元 is rare: the pattern is tried only in the stretch
# before each 元 (see TextView._bare_money), ending exactly there. It is _NUMBER
# after (?<![\d.,]), written to start with its first digit (a fast start: the
# window is searched digit to digit, not tried at every character).
_MONEY_BARE = re.compile(
    r"(?P<n>\d(?<![\d.,]\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d{1,2})?|\d*(?:\.\d{1,2})?))"
    r"\s?(?P<wan>万)?元$"
)
_FIGURE_CHARS = frozenset("0123456789.,")
_CAPITAL_CHARS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正貳參陸萬億"
_CAPITAL_NONZERO = frozenset("壹贰叁肆伍陆柒捌玖貳參陸")
_CAPITALS_KEPT = re.compile("[人壹贰叁肆伍陆柒捌玖貳參陸]")
# A run of capital characters, or 人民币 followed by capitals, lower-case numerals
# (人民币一千元, which the rules flag) or units alone; a run without a non-zero
# numeral is no amount (checked in Python).
_CAPITALS = re.compile(
    rf"[人{_CAPITAL_CHARS}]"
    rf"(?:(?<=人)民币(?:[{_CAPITAL_CHARS}]*[壹贰叁肆伍陆柒捌玖貳參陸][{_CAPITAL_CHARS}]*"
    r"|[一二三四五六七八九十两零百千万亿元角分毛整]+"
    r"|[零拾佰仟万亿元圆角分整正萬億]+)"
    rf"|(?<!人)[{_CAPITAL_CHARS}]*)"
)
# Runs of 11 characters or more only: the shortest kind, a mobile number, has 11 digits.
_NUMBERISH = re.compile(
    r"[\d*](?<![0-9A-Za-z*][\d*])(?:[\d*]|[ -](?=[\d*])){9,}[\dXx*]?(?![0-9A-Za-z*])"
)
# How every _NUMBERISH match starts (ten characters of digits, stars and single
# separators): a cheaper pattern that rules out the usual text with no long number.
_NUMBERISH_START = re.compile(r"[\d*][\d* -]{9}")
_GROUP_SEPARATORS = re.compile(r"[ -]")
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９Ｘｘ＊", "0123456789Xx*")


def ascii_digits(run: str) -> str:
    """A number's full-width digits read as ASCII (a full-width ID's check character
    compares with ASCII ones)."""
    return run.translate(_ASCII_DIGITS)


_DATED_GROUP = re.compile(
    r"(?<![\d*])(?:19|20)\d\d-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])(?![\d*])"
)
"""A date among a run's groups (2026-10-18): no card, ID or mobile is written so."""
_MASKED_ID = re.compile(r"\d{3}\*{11}\d{3}[\dXx]|\d{6}\*{8}\d{3}[\dXx*]")
_MOBILE = re.compile(r"1[3-9]\d{9}|1[3-9]\d\*{4}\d{4}|09\d{8}")
"""A mainland mobile (11 digits), whole or masked, or a Taiwan one (09 and 8 digits: a
mainland landline of a 09xx area code has 11 digits)."""
_MASKED_CARD = re.compile(r"\d{4,6}\*{4,9}\d{4}")


_FIGURES = "0123456789.,"


def _bare_figure(text: str, start: int, at: int) -> re.Match[str] | None:
    """``_MONEY_BARE.search(text, start, at + 1)``: the figure ending at the 元 at ``at``.

    Read backwards the match is deterministic — 元, then 万 or not, then one white
    space or not, then a run of digits, commas and dots — and its lookbehind lets it
    start only where that run begins. So the one place to try is found with
    ``str.rstrip`` and tried anchored, not searched for across the window. A run that reaches past a digit ``rstrip`` does not know (a
    full-width one) is searched as before.
    """
    end = at
    if end > start and text[end - 1] == "万":
        end -= 1
    if end > start and text[end - 1].isspace():
        end -= 1
    run = start + len(text[start:end].rstrip(_FIGURES))
    if run > start and text[run - 1].isdecimal():
        return _MONEY_BARE.search(text, start, at + 1)
    return _MONEY_BARE.match(text, run, at + 1) if run < end else None


_CARD_WORDS = re.compile(r"卡号|卡")
"""Before a long number: a card's. (A 账号 may be a corporate account of 17–19 digits.)"""


def _classify(digits: str, card_context: bool = False) -> str | None:
    """``id``, ``mobile``, ``card`` or None for a run of digits and stars.

    ``card_context``: the run follows 卡号 / 账户 …, so a long run of digits is a card
    number even when its Luhn check digit is wrong (a record's card may be).
    """
    if len(digits) == 18 and (
        _MASKED_ID.fullmatch(digits) or (digits[:17].isdigit() and id_valid(digits))
    ):
        return "id"
    if _MOBILE.fullmatch(digits):
        return "mobile"
    if _MASKED_CARD.fullmatch(digits):
        return "card"
    # No payment card starts with 0: such a run is a landline with its extension.
    if digits.isdigit() and 13 <= len(digits) <= 19 and digits[0] != "0" and luhn_valid(digits):
        return "card"
    if card_context and digits.isdigit() and 15 <= len(digits) <= 19 and digits[0] != "0":
        return "card"  # a full card number is one whatever its check digit
    return None


CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def small_number(text: str) -> int:
    """一…九十九 or digits as an int (0: not a number)."""
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN_DIGITS.get(text[1:], 0)
    if text.endswith("十"):
        return CN_DIGITS.get(text[0], 0) * 10
    if "十" in text:
        tens, ones = text.split("十", 1)
        return CN_DIGITS.get(tens, 0) * 10 + CN_DIGITS.get(ones, 0)
    return CN_DIGITS.get(text, 0)
