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
import itertools
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from dunletters.checksums import id_valid, luhn_valid

__all__ = [
    "CN_DIGITS",
    "SENTENCE_MARKS",
    "CapitalsSpan",
    "DateSpan",
    "MoneySpan",
    "NumberSpan",
    "Sentence",
    "TextView",
    "fold",
    "reading_length",
    "small_number",
]

_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WHITESPACE = re.compile(r"\s+")
_NEWLINE = re.compile(r"\n")
_ASCII_ALNUM = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
).__contains__
_PARAGRAPH_BREAK = re.compile(r"\n(?=[ \t]*\n)")


_FULLWIDTH = re.compile(
    "[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff04\uff0d\uff0e\uff0f\uff20\uff3b\uff3d\uff3f\uff5b\uff5d\u3000]"
)


def fold(text: str) -> str:
    """Full-width letters, digits and code-like symbols to half-width; length unchanged.

    Chinese punctuation (，。：；！？（）) is left alone: it is how Chinese is written,
    and folding it would cost a callback per comma. Phrase lists are folded the same way.

    >>> fold("ＤＰＤ　１２，＿＿")
    'DPD 12，__'
    """
    if _FULLWIDTH.search(text) is None:
        return text
    return _FULLWIDTH.sub(_fold_char, text)


def _fold_char(match: re.Match[str]) -> str:
    return chr(_FOLD[ord(match.group())])


# Extractor patterns start with a literal or a character class, which lets ``re``
# skip ahead in C to the next possible start (a pattern that opens with a group,
# an alternation of classes or a lookbehind is tried at every position: 100–150 µs a
# letter instead of a few). Lookbehinds therefore follow the first character.
SENTENCE_MARKS = "。！？；!?;"
"""The marks that end a sentence (a line break ends one too)."""
_SENTENCE = re.compile(rf"[^{SENTENCE_MARKS}\s][^{SENTENCE_MARKS}\n]*[{SENTENCE_MARKS}]*")
# A unit run is an optional ¥ then a letter or digit, then more of them and of
# .,:/%-*: written to start with a class (a fast start), the ¥ case checked after it.
_UNIT_RUN = re.compile(r"[0-9A-Za-z¥￥](?:(?<=[¥￥])[0-9A-Za-z]|(?<![¥￥]))[0-9A-Za-z.,:/%\-*]*")


def reading_length(text: str) -> int:
    """Length in reading units: a run of digits/Latin (an amount, a date) counts once.

    >>> reading_length("请于2026年12月5日前归还¥16,409.02。")
    13
    """
    runs = _UNIT_RUN.findall(text)
    spaces = len(text) - len(text.replace(" ", "").replace("\t", "").replace("\n", ""))
    return len(text) - sum(len(run) - 1 for run in runs) - spaces


# The extracted spans are named tuples: a letter has dozens of them, and a frozen
# dataclass's __init__ (one object.__setattr__ per field) costs three times as much.


class Sentence:
    """A sentence (or paragraph) and its span in the original text.

    A plain slotted class, not a frozen dataclass: a letter has dozens of these and
    a frozen dataclass's ``__init__`` costs twice as much. Treat it as immutable.
    """

    __slots__ = ("_length", "end", "start", "text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        self._length = -1

    def __repr__(self) -> str:
        return f"Sentence({self.text!r}, {self.start}, {self.end})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sentence):
            return NotImplemented
        return (self.text, self.start, self.end) == (other.text, other.start, other.end)

    def __hash__(self) -> int:
        return hash((self.text, self.start, self.end))

    @property
    def length(self) -> int:
        """Reading length (see :func:`reading_length`), computed on first use.

        Never more than ``len(text)``: length rules compare that first and most
        sentences of a letter never need counting.
        """
        if self._length < 0:
            self._length = reading_length(self.text)
        return self._length


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


class DateSpan(NamedTuple):
    """A date in the text; ``value`` is None when the date is impossible (2月30日)."""

    value: date | None
    start: int
    end: int
    text: str
    weekday: str | None = None
    """A weekday written right after the date (星期六 / 周六), to check it."""


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
# Runs of 11 characters or more only: the shortest kind, a mobile number, has 11 digits.
_NUMBERISH = re.compile(
    r"[\d*](?<![0-9A-Za-z*][\d*])(?:[\d*]|[ -](?=[\d*])){9,}[\dXx*]?(?![0-9A-Za-z*])"
)
# How every _NUMBERISH match starts (ten characters of digits, stars and single
# separators): a cheaper pattern that rules out the usual text with no long number.
_NUMBERISH_START = re.compile(r"[\d*][\d* -]{9}")
_GROUP_SEPARATORS = re.compile(r"[ -]")
_MASKED_ID = re.compile(r"\d{3}\*{11}\d{3}[\dXx]|\d{6}\*{8}\d{3}[\dXx*]")
_MOBILE = re.compile(r"1[3-9]\d{9}|1[3-9]\d\*{4}\d{4}")
_MASKED_CARD = re.compile(r"\d{4,6}\*{4,9}\d{4}")


_FIGURES = "0123456789.,"


def _bare_figure(text: str, start: int, at: int) -> re.Match[str] | None:
    """``_MONEY_BARE.search(text, start, at + 1)``: the figure ending at the 元 at ``at``.

    Read backwards the match is deterministic — 元, then 万 or not, then one white
    space or not, then a run of digits, commas and dots — and its lookbehind lets it
    start only where that run begins. So the one place to try is found with
    ``str.rstrip`` and tried anchored (0.5 µs instead of searching the window,
    2–3 µs per 元). A run that reaches past a digit ``rstrip`` does not know (a
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
    if digits.isdigit() and 13 <= len(digits) <= 19 and luhn_valid(digits):
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


def _chunks(text: str, bounds: list[tuple[int, int]]) -> list[Sentence]:
    """The stripped, non-empty chunks of ``text`` between ``bounds``, as spans."""
    found: list[Sentence] = []
    for start, end in bounds:
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            begin = start + len(chunk) - len(chunk.lstrip())
            found.append(Sentence(stripped, begin, begin + len(stripped)))
    return found


class TextView:
    """A text with its positions, sentences, paragraphs and extracted facts.

    ``match_text`` is the view phrase lists are matched on: full-width ASCII folded
    to half-width and whitespace next to Chinese removed; ``origin(i)`` maps an index
    in it back to the original text.
    """

    # Every derived value is computed on first use and kept on the instance: a rule
    # asks for what it needs, and an SMS never needs most of what a letter does.
    # Until then the class attribute (None) answers, so a new view sets only its
    # text and two dicts. (Not functools.cached_property: its per-first-access lock
    # cost about 1 µs each, some 10 µs of a 90-character SMS's lint.)
    _capitals: list[CapitalsSpan] | None = None
    _folded_text: str | None = None
    _line_starts: list[int] | None = None
    _match_text: str | None = None
    _money: list[MoneySpan] | None = None
    _numbers: list[NumberSpan] | None = None
    _paragraphs: list[Sentence] | None = None
    _relative_deadlines: list[tuple[int, int, int]] | None = None
    _sentences: list[Sentence] | None = None
    _shifts: tuple[list[int], list[int]] | None = None

    def __init__(self, text: str) -> None:
        self.text = text
        self._dates: dict[int | None, list[DateSpan]] = {}
        self.scans: dict[int, Any] = {}
        """Phrase-list scans of this text, by scanner (see ``lexicon.PhraseScanner``)."""

    # -- positions -------------------------------------------------------------------

    @property
    def line_starts(self) -> list[int]:
        """Offsets where lines begin (only findings need positions)."""
        starts = self._line_starts
        if starts is None:
            starts = self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset in the original text."""
        starts = self.line_starts
        if len(starts) == 1:  # one line (every SMS)
            return 1, offset + 1
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    @property
    def match_text(self) -> str:
        """The folded, squeezed view phrase lists match on.

        Whitespace is dropped, except one space between two ASCII letters/digits
        ("call 95099"), so a Chinese phrase wrapped across lines still matches.
        ``str.split`` does the scanning in C (a regex pass costs ~30 µs here).
        """
        found = self._match_text
        if found is None:
            found = self._match_text = self._squeezed()
        return found

    def _squeezed(self) -> str:
        tokens = self._folded.split()
        if len(tokens) < 2:  # no whitespace inside (every SMS)
            return tokens[0] if tokens else ""
        parts = [tokens[0]]
        for previous, token in itertools.pairwise(tokens):
            if _ASCII_ALNUM(previous[-1]) and _ASCII_ALNUM(token[0]):
                parts.append(" ")
            parts.append(token)
        return "".join(parts)

    @property
    def _folded(self) -> str:
        """The text with full-width ASCII folded (see :func:`fold`); same offsets."""
        folded = self._folded_text
        if folded is None:
            folded = self._folded_text = fold(self.text)
        return folded

    def _shift_table(self) -> tuple[list[int], list[int]]:
        """How far each stretch of :attr:`match_text` lies from the original text.

        ``starts[k]`` is the match-text index where stretch k begins and ``shifts[k]``
        the characters removed before it: one entry per whitespace run, built only
        when a match is located (a clean letter mostly never needs it).
        """
        if self._shifts is not None:
            return self._shifts
        starts, shifts = [0], [0]
        removed = 0
        folded = self._folded
        length = len(folded)
        for run in _WHITESPACE.finditer(folded):
            start, end = run.span()
            # match_text keeps one space between two ASCII letters or digits
            kept = (
                start > 0
                and end < length
                and _ASCII_ALNUM(folded[start - 1])
                and _ASCII_ALNUM(folded[end])
            )
            removed += end - start - (1 if kept else 0)
            starts.append(end - removed)
            shifts.append(removed)
        self._shifts = starts, shifts
        return starts, shifts

    def origin(self, index: int) -> int:
        """Original offset of an index in :attr:`match_text` (end indexes allowed)."""
        starts, shifts = self._shift_table()
        if len(starts) == 1:  # no whitespace removed
            return index
        return index + shifts[bisect.bisect_right(starts, index) - 1]

    def origin_span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of a span in :attr:`match_text`."""
        return self.origin(start), self.origin(end - 1) + 1 if end > start else self.origin(start)

    # -- structure -------------------------------------------------------------------

    @property
    def sentences(self) -> list[Sentence]:
        """Sentences split at 。！？；and line breaks, stripped, non-empty.

        A sentence runs from its first non-blank character to the next mark or line
        break and keeps its closing marks (。！). Runs without a word character (a
        lone ——) are dropped.
        """
        found = self._sentences
        if found is None:
            found = self._sentences = self._find_sentences()
        return found

    def _find_sentences(self) -> list[Sentence]:
        found: list[Sentence] = []
        text = self.text
        if " " not in text and text.isprintable():
            # No white space at all (every SMS: white space other than " " is not
            # printable): after the leading marks the sentences tile the text, each
            # starting where the one before ends, and none has white space to strip.
            # So no match objects are needed (~3 k of ~35 k instructions an SMS).
            start = len(text) - len(text.lstrip(SENTENCE_MARKS))
            for sentence in _SENTENCE.findall(text):
                if sentence[0].isalnum() or any(map(str.isalnum, sentence)):
                    found.append(Sentence(sentence, start, start + len(sentence)))
                start += len(sentence)
            return found
        for match in _SENTENCE.finditer(text):
            sentence = match.group().rstrip()  # the same string when nothing trails
            if sentence[0].isalnum() or any(map(str.isalnum, sentence)):
                start = match.start()
                found.append(Sentence(sentence, start, start + len(sentence)))
        return found

    @property
    def paragraphs(self) -> list[Sentence]:
        """Paragraphs: blocks separated by blank lines (spans in the original text)."""
        found = self._paragraphs
        if found is None:
            found = self._paragraphs = self._find_paragraphs()
        return found

    def _find_paragraphs(self) -> list[Sentence]:
        text = self.text
        bounds: list[tuple[int, int]] = []
        previous = 0
        for match in _PARAGRAPH_BREAK.finditer(text):
            bounds.append((previous, match.start()))
            previous = match.end()
        bounds.append((previous, len(text)))
        return _chunks(text, bounds)

    # -- extracted facts -----------------------------------------------------------------

    @property
    def money(self) -> list[MoneySpan]:
        """Money figures: ¥1,004.50 · 人民币1,004.50元 · 1,004.50元 · 1.5万元.

        A bare figure inside a signed one (the 1,004.50元 of ¥1,004.50元) is the same
        amount: it is dropped, as one left-to-right alternation would have done.
        """
        found = self._money
        if found is None:
            found = self._money = self._find_money()
        return found

    def _find_money(self) -> list[MoneySpan]:
        text = self.text
        if "¥" in text or "￥" in text or "人民币" in text:  # how a signed figure starts
            signed = [self._money_span(m) for m in _MONEY_SIGNED.finditer(text)]
        else:
            signed = []
        if not signed:
            return [self._money_span(m) for m in self._bare_money()]
        found = list(signed)
        starts = [span.start for span in signed]
        for match in self._bare_money():
            at = bisect.bisect_right(starts, match.start()) - 1
            if at < 0 or signed[at].end <= match.start():
                found.append(self._money_span(match))
        found.sort(key=lambda span: span.start)
        return found

    def _bare_money(self) -> Iterator[re.Match[str]]:
        """Bare figures (1,004.50元), as one left-to-right scan would find them.

        Each match ends at a 元 and holds no other, so the leftmost match ending at
        each 元, searched between it and the previous one, is what a scan over the
        whole text finds — without trying the pattern at every digit of the letter.
        """
        text = self.text
        floor = 0
        at = text.find("元")
        while at != -1:
            before = text[at - 1] if at else ""
            if before.isdigit() or before == "万" or before.isspace():
                start = max(floor, at - 32)
                while start > floor and text[start - 1] in _FIGURE_CHARS:
                    start -= 1  # a longer figure: take it whole
                match = _bare_figure(text, start, at)
                if match is not None:
                    yield match
            floor = at + 1
            at = text.find("元", floor)

    @staticmethod
    def _money_span(match: re.Match[str]) -> MoneySpan:
        figure, wan = match.group("n", "wan")
        amount = Decimal(figure.replace(",", ""))
        if wan:
            amount *= 10000
        start, end = match.span()
        return MoneySpan(amount, start, end, match.group())

    @property
    def capitals(self) -> list[CapitalsSpan]:
        """大写 amounts (runs of capital numerals with a unit), well formed or not."""
        found = self._capitals
        if found is None:
            found = self._capitals = self._find_capitals()
        return found

    def _find_capitals(self) -> list[CapitalsSpan]:
        # A kept run holds 人 or a non-zero capital numeral (below), so a text with
        # neither has none: one class search instead of trying every 元 and 万.
        if _CAPITALS_KEPT.search(self.text) is None:
            return []
        found = []
        for match in _CAPITALS.finditer(self.text):
            text = match.group(0)
            if text[0] != "人" and _CAPITAL_NONZERO.isdisjoint(text):
                continue
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
        text = self.text
        start, end = _date_window(text)
        if start < 0:
            return found
        for match in _DATE.finditer(text, start, end):
            first, y1, m1, d1, y2, m2, d2, m3, d3 = match.groups()  # in _DATE's order
            if m1:
                year: int | None = int(first + y1)
                month, day = m1, d1
            elif m2:
                year = int(first + y2)
                month, day = m2, d2
            else:
                year = default_year
                month, day = first + m3, d3
            if year is None:
                continue
            try:
                value: date | None = date(year, int(month), int(day))
            except ValueError:
                value = None
            end = match.end()
            weekday = None
            follower = text[end : end + 1]
            if follower and (follower in _WEEKDAY_FIRST or follower.isspace()):
                after = _WEEKDAY.match(text, end)
                if after is not None:
                    weekday = after.group("w").replace("天", "日")
            found.append(DateSpan(value, match.start(), end, match.group(), weekday))
        return found

    @property
    def relative_deadlines(self) -> list[tuple[int, int, int]]:
        """``收到本函之日起N日内`` deadlines: (days, start, end)."""
        found = self._relative_deadlines
        if found is None:
            found = self._relative_deadlines = self._find_relative_deadlines()
        return found

    def _find_relative_deadlines(self) -> list[tuple[int, int, int]]:
        if "本" not in self.text:  # 收到本函…: the pattern's one required character
            return []
        return [
            (small_number(m.group("n")), m.start(), m.end())
            for m in _RELATIVE_DEADLINE.finditer(self.text)
        ]

    @property
    def numbers(self) -> list[NumberSpan]:
        """Full or masked ID, card and mobile numbers (full ones validated).

        One scan finds every run of digits and stars (spaces or hyphens allowed
        between digit groups); each run is then classified by its shape.
        """
        found = self._numbers
        if found is None:
            found = self._numbers = self._find_numbers()
        return found

    def _find_numbers(self) -> list[NumberSpan]:
        found: list[NumberSpan] = []
        if _NUMBERISH_START.search(self.text) is None:
            return found
        for match in _NUMBERISH.finditer(self.text):
            text = match.group(0)
            digits = _GROUP_SEPARATORS.sub("", text)
            before = self.text[max(0, match.start() - 6) : match.start()]
            kind = _classify(digits, _CARD_WORDS.search(before) is not None)
            if kind is not None:
                found.append(
                    NumberSpan(
                        kind,
                        digits.replace("*", ""),
                        "*" in digits,
                        match.start(),
                        match.end(),
                        text,
                    )
                )
        return found

    def line_of(self, offset: int) -> str:
        """The whole line an offset is on."""
        line, _ = self.position(offset)
        start = self.line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)]
