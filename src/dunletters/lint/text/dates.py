"""Dates (2026年12月5日, 2026-12-05, 12月5日), the weekday after one, and relative
deadlines (收到本函之日起3日内): the patterns and the span value of a date.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

__all__ = ["DateSpan"]


class DateSpan(NamedTuple):
    """A date in the text; ``value`` is None when the date is impossible (2月30日)."""

    value: date | None
    start: int
    end: int
    text: str
    weekday: str | None = None
    """A weekday written right after the date (星期六 / 周六), to check it."""


_DATE = re.compile(
    # One pass for the three forms: 2026年12月5日, 2026-12-05, (12)月5日. Each form's
    # first digit is matched before the alternation (a fast start), so the groups
    # hold the rest of the first number and its lookbehinds look past that digit.
    r"(?P<first>\d)(?:"
    r"(?P<y1>\d{3})\s?年\s?(?P<m1>\d{1,2})\s?月\s?(?P<d1>\d{1,2})\s?日"
    r"|(?<![\d]\d)(?<=2)(?P<y2>0\d{2})[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})(?!\d)"
    r"|(?<![\d年]\d)(?P<m3>\d?)\s?月\s?(?P<d3>\d{1,2})\s?[日号])"
)
_WEEKDAY = re.compile(r"\s?[（(]?\s?(?:星期|周|礼拜)(?P<w>[一二三四五六日天])\s?[）)]?")
_WEEKDAYS = "一二三四五六日"
_WEEKDAY_FIRST = "（(星周礼"
"""What a _WEEKDAY match starts with, besides white space."""
# A 2026-12-05 date starts as this does (the year is 20xx: _DATE's (?<=2)0\d{2}).
_ISO_DATE_START = re.compile(r"20\d\d[-/.]")
_RELATIVE_DEADLINE = re.compile(
    r"(?:收到|接到|签收)本(?:函|通知|信|短信|通知书)(?:之日)?(?:起|后)\s?(?P<n>\d+|[一二三四五六七八九十]+)\s?(?:个)?(?:工作日|日|天)内"
)


def _date_window(text: str) -> tuple[int, int]:
    """The stretch of ``text`` every _DATE match lies in; (-1, -1) when there is none.

    ``re`` tries _DATE at every digit, and an SMS's card tail, amount and days
    overdue come before its date, its hotline after. Every match holds a 月 at most
    ten characters after its start and five before its end (2026 年 12 月 5 日,
    spaces allowed), or starts as _ISO_DATE_START does. Lookbehinds still see the
    text before the start; the end is used only when no ISO date can occur, as
    only that form looks ahead (``(?!\\d)``), which a shortened string would fool.
    """
    month = text.find("月")
    iso = _ISO_DATE_START.search(text)
    if iso is None:
        if month < 0:
            return -1, -1
        return max(0, month - 10), min(len(text), text.rfind("月") + 6)
    start = iso.start() if month < 0 else max(0, min(month - 10, iso.start()))
    return start, len(text)
