"""Chinese text analysis for the linter: positions, sentences, figures, dates, numbers.

What makes Chinese different from the English text most linters were built for:

* no spaces between words, so ``\\b`` never matches inside Chinese — phrases are
  matched as substrings (see ``lexicon.py``), on a *matching view* of the text in
  which full-width ASCII is folded to half-width and whitespace next to Chinese
  characters is removed (a phrase wrapped across lines still matches), with a map
  back to the original offsets;
* sentences end at 。！？；(and their ASCII forms) and at line breaks;
* a sentence's length is counted in reading units: a run of digits or Latin
  letters — an amount, a date, a phone number — reads as one unit (RULES.md DL302).

The extractors find money figures (¥1,004.50, 1004.50元, 人民币1,004.50元, 1.5万元),
大写 amounts, dates (2026年12月5日, 12月5日, 收到本函之日起3日内), and full or masked
ID, card and mobile numbers, each with its span.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property

__all__ = [
    "CapitalsSpan",
    "DateSpan",
    "MoneySpan",
    "NumberSpan",
    "Sentence",
    "TextView",
    "fold",
    "luhn_valid",
    "reading_length",
]

_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WHITESPACE = re.compile(r"\s+")
_NEWLINE = re.compile(r"\n")
_WORD_CHAR = re.compile(r"[^\W_]")


_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")


def fold(text: str) -> str:
    """Full-width ASCII to half-width (Ａ１２ → A12, ＠ → @); the length is unchanged.

    >>> fold("ＤＰＤ　１２，")
    'DPD 12,'
    """
    # str.translate with a table is a per-character Python lookup (≈ 0.1 µs a
    # character): only pay it when there is something to fold.
    if _FULLWIDTH.search(text) is None:
        return text
    return _FULLWIDTH.sub(_fold_char, text)


def _fold_char(match: re.Match[str]) -> str:
    return chr(_FOLD[ord(match.group())])


_SENTENCE_END = re.compile(r"[。！？；!?;]+|\n")
_UNIT_RUN = re.compile(r"[¥￥]?[0-9A-Za-z][0-9A-Za-z.,:/%\-*]*")


def reading_length(text: str) -> int:
    """Length in reading units: a run of digits/Latin (an amount, a date) counts once.

    >>> reading_length("请于2026年12月5日前归还¥16,409.02。")
    13
    """
    return len(_WHITESPACE.sub("", _UNIT_RUN.sub("0", text)))


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence and its span in the original text."""

    text: str
    start: int
    end: int

    @property
    def length(self) -> int:
        """Reading length (see :func:`reading_length`)."""
        return reading_length(self.text)


@dataclass(frozen=True, slots=True)
class MoneySpan:
    """A money figure in the text."""

    amount: Decimal
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class CapitalsSpan:
    """A 大写 amount in the text (possibly malformed: the rules check it)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date in the text; ``value`` is None when the date is impossible (2月30日)."""

    value: date | None
    start: int
    end: int
    text: str
    weekday: str | None = None
    """A weekday written right after the date (星期六 / 周六), to check it."""


@dataclass(frozen=True, slots=True)
class NumberSpan:
    """A full or masked identifier: ``kind`` is id, card or mobile."""

    kind: str
    digits: str
    masked: bool
    start: int
    end: int
    text: str


_MONEY = re.compile(
    r"(?P<prefix>[¥￥]|人民币)\s?(?P<a>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(?P<wan>万)?元?"
    r"|(?<![\d.,])(?P<b>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)\s?(?P<wan2>万)?元"
)
_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖貳參陸"
_CAPITALS = re.compile(
    r"(?:人民币)?[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正貳參陸萬億]*"
    r"[壹贰叁肆伍陆柒捌玖貳參陸][零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正貳參陸萬億]*"
    r"|人民币[一二三四五六七八九十两零百千万亿元角分毛整]+"
    r"|人民币[零拾佰仟万亿元圆角分整正萬億]+"
)
_FULL_DATE = re.compile(r"(?P<y>\d{4})\s?年\s?(?P<m>\d{1,2})\s?月\s?(?P<d>\d{1,2})\s?日")
_SHORT_DATE = re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s?月\s?(?P<d>\d{1,2})\s?[日号]")
_ISO_DATE = re.compile(r"(?<!\d)(?P<y>20\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")
_WEEKDAY = re.compile(r"\s?[（(]?\s?(?:星期|周|礼拜)(?P<w>[一二三四五六日天])\s?[）)]?")
_WEEKDAYS = "一二三四五六日"
_RELATIVE_DEADLINE = re.compile(
    r"(?:收到|接到|签收)本(?:函|通知|信)(?:之日)?(?:起|后)\s?(?P<n>\d+|[一二三四五六七八九十]+)\s?(?:个)?(?:工作日|日|天)内"
)
_ID = re.compile(
    r"(?<![0-9A-Za-z])(?P<n>\d{6}(?:\*{8}|\d{8})\d{3}[\dXx*]|\d{3}\*{11}\d{3}[\dXx])(?![0-9A-Za-z])"
)
_CARD = re.compile(
    r"(?<![0-9A-Za-z*])(?P<n>(?:\d[ -]?){12,18}\d|\d{4,6}\*{4,9}\d{4})(?![0-9A-Za-z*])"
)
_LONG_DIGITS = re.compile(r"\d{4}|\*{4}")
_MOBILE = re.compile(r"(?<!\d)(?P<n>1[3-9]\d{9}|1[3-9]\d\*{4}\d{4})(?!\d)")


def luhn_valid(digits: str) -> bool:
    """Whether a digit string passes the Luhn check (bank card numbers do).

    >>> luhn_valid("79927398713"), luhn_valid("79927398710")
    (True, False)
    """
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _id_valid(number: str) -> bool:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    body = number[:17]
    if not body.isdigit():
        return False
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return number[17].upper() == check


_CN_DIGITS = {
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


def _small_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    if text.endswith("十"):
        return _CN_DIGITS.get(text[0], 0) * 10
    if "十" in text:
        tens, ones = text.split("十", 1)
        return _CN_DIGITS.get(tens, 0) * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS.get(text, 0)


class TextView:
    """A text with its positions, sentences, paragraphs and extracted facts.

    ``match_text`` is the view phrase lists are matched on: full-width ASCII folded
    to half-width and whitespace next to Chinese removed; ``origin(i)`` maps an index
    in it back to the original text.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]
        self._dates: dict[int | None, list[DateSpan]] = {}

    # -- positions -------------------------------------------------------------------

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset in the original text."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    @cached_property
    def _matching(self) -> tuple[str, list[int]]:
        folded = fold(self.text)
        parts: list[str] = []
        origin: list[int] = []
        kept = 0
        for run in _WHITESPACE.finditer(folded):
            start, end = run.span()
            parts.append(folded[kept:start])
            origin.extend(range(kept, start))
            before = folded[start - 1] if start else ""
            after = folded[end] if end < len(folded) else ""
            if before and after and not _is_cjk(before) and not _is_cjk(after):
                parts.append(" ")
                origin.append(start)
            kept = end
        parts.append(folded[kept:])
        origin.extend(range(kept, len(folded)))
        origin.append(len(folded))
        return "".join(parts), origin

    @property
    def match_text(self) -> str:
        """The folded, squeezed view phrase lists match on."""
        return self._matching[0]

    def origin(self, index: int) -> int:
        """Original offset of an index in :attr:`match_text` (end indexes allowed)."""
        return self._matching[1][index]

    def origin_span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of a span in :attr:`match_text`."""
        origin = self._matching[1]
        return origin[start], origin[end - 1] + 1 if end > start else origin[start]

    # -- structure -------------------------------------------------------------------

    @cached_property
    def sentences(self) -> list[Sentence]:
        """Sentences split at 。！？；and line breaks, stripped, non-empty."""
        found: list[Sentence] = []
        start = 0
        for match in _SENTENCE_END.finditer(self.text):
            found.extend(self._sentence(start, match.end()))
            start = match.end()
        found.extend(self._sentence(start, len(self.text)))
        return found

    def _sentence(self, start: int, end: int) -> Iterator[Sentence]:
        chunk = self.text[start:end]
        stripped = chunk.strip()
        if stripped and _WORD_CHAR.search(stripped):
            lead = len(chunk) - len(chunk.lstrip())
            yield Sentence(stripped, start + lead, start + lead + len(stripped))

    @cached_property
    def paragraphs(self) -> list[Sentence]:
        """Paragraphs: blocks separated by blank lines (spans in the original text)."""
        found: list[Sentence] = []
        for match in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", self.text):
            chunk = match.group(0)
            stripped = chunk.strip()
            if stripped:
                lead = len(chunk) - len(chunk.lstrip())
                found.append(
                    Sentence(stripped, match.start() + lead, match.start() + lead + len(stripped))
                )
        return found

    # -- extracted facts -----------------------------------------------------------------

    @cached_property
    def money(self) -> list[MoneySpan]:
        """Money figures: ¥1,004.50 · 人民币1,004.50元 · 1,004.50元 · 1.5万元."""
        found: list[MoneySpan] = []
        for match in _MONEY.finditer(self.text):
            digits = match.group("a") or match.group("b")
            try:
                amount = Decimal(digits.replace(",", ""))
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                continue
            if match.group("wan") or match.group("wan2"):
                amount *= 10000
            found.append(MoneySpan(amount, match.start(), match.end(), match.group(0)))
        return found

    @cached_property
    def capitals(self) -> list[CapitalsSpan]:
        """大写 amounts (runs of capital numerals with a unit), well formed or not."""
        found = []
        for match in _CAPITALS.finditer(self.text):
            text = match.group(0)
            if any(unit in text for unit in "元圆角分") and len(text) >= 2:
                found.append(CapitalsSpan(match.start(), match.end(), text))
        return found

    def dates(self, default_year: int | None = None) -> list[DateSpan]:
        """Dates written 2026年12月5日, 2026-12-05 or (with ``default_year``) 12月5日."""
        cached = self._dates.get(default_year)
        if cached is None:
            cached = self._dates[default_year] = self._find_dates(default_year)
        return cached

    def _find_dates(self, default_year: int | None) -> list[DateSpan]:
        found: list[DateSpan] = []
        taken: list[tuple[int, int]] = []
        for pattern in (_FULL_DATE, _ISO_DATE, _SHORT_DATE):
            for match in pattern.finditer(self.text):
                if any(s <= match.start() < e for s, e in taken):
                    continue
                year = int(match.group("y")) if "y" in match.groupdict() else default_year
                if year is None:
                    continue
                try:
                    value: date | None = date(year, int(match.group("m")), int(match.group("d")))
                except ValueError:
                    value = None
                end = match.end()
                weekday = None
                after = _WEEKDAY.match(self.text, end)
                if after is not None:
                    weekday = after.group("w").replace("天", "日")
                found.append(DateSpan(value, match.start(), end, match.group(0), weekday))
                taken.append((match.start(), end))
        return sorted(found, key=lambda span: span.start)

    @cached_property
    def relative_deadlines(self) -> list[tuple[int, int, int]]:
        """``收到本函之日起N日内`` deadlines: (days, start, end)."""
        return [
            (_small_number(m.group("n")), m.start(), m.end())
            for m in _RELATIVE_DEADLINE.finditer(self.text)
        ]

    @cached_property
    def numbers(self) -> list[NumberSpan]:
        """Full or masked ID, card and mobile numbers (full ones validated)."""
        found: list[NumberSpan] = []
        taken: list[tuple[int, int]] = []
        for match in _ID.finditer(self.text):
            text = match.group("n")
            masked = "*" in text
            if masked or _id_valid(text):
                found.append(
                    NumberSpan(
                        "id", text.replace("*", ""), masked, match.start(), match.end(), text
                    )
                )
                taken.append((match.start(), match.end()))
        for match in _CARD.finditer(self.text) if _LONG_DIGITS.search(self.text) else ():
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            text = match.group("n")
            digits = re.sub(r"[ -]", "", text)
            masked = "*" in text
            if masked or (13 <= len(digits) <= 19 and luhn_valid(digits)):
                found.append(
                    NumberSpan(
                        "card", digits.replace("*", ""), masked, match.start(), match.end(), text
                    )
                )
                taken.append((match.start(), match.end()))
        for match in _MOBILE.finditer(self.text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            text = match.group("n")
            found.append(
                NumberSpan(
                    "mobile", text.replace("*", ""), "*" in text, match.start(), match.end(), text
                )
            )
        return sorted(found, key=lambda span: span.start)

    def line_of(self, offset: int) -> str:
        """The whole line an offset is on."""
        line, _ = self.position(offset)
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)]


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3000 <= code <= 0x303F
        or 0x3400 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
    )
