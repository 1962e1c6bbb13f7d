"""The text view the rules read: positions, the matching view, sentences and facts.

:class:`TextView` keeps each derived value once computed; the patterns and span
values it uses live in :mod:`.sentences`, :mod:`.figures` and :mod:`.dates`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from dunletters.lint.text.dates import (
    _DATE,
    _RELATIVE_DEADLINE,
    _WEEKDAY,
    _WEEKDAY_FIRST,
    DateSpan,
    _date_window,
)
from dunletters.lint.text.figures import (
    _CAPITAL_NONZERO,
    _CAPITALS,
    _CAPITALS_KEPT,
    _CARD_WORDS,
    _DATED_GROUP,
    _FIGURE_CHARS,
    _GROUP_SEPARATORS,
    _MONEY_SIGNED,
    _NUMBERISH,
    _NUMBERISH_START,
    CapitalsSpan,
    MoneySpan,
    NumberSpan,
    _bare_figure,
    _classify,
    ascii_digits,
    small_number,
)
from dunletters.lint.text.folding import fold
from dunletters.lint.text.sentences import (
    _PARAGRAPH_BREAK,
    _SENTENCE,
    SENTENCE_MARKS,
    Sentence,
    _chunks,
)
from dunletters.zh import within_magnitude

__all__ = ["TextView"]

_WHITESPACE = re.compile(r"\s+")
_NEWLINE = re.compile(r"\n")
_ASCII_ALNUM = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
).__contains__


class TextView:
    """A text with its positions, sentences, paragraphs and extracted facts.

    ``match_text`` is the view phrase lists are matched on: full-width ASCII folded
    to half-width and whitespace next to Chinese removed; ``origin(i)`` maps an index
    in it back to the original text.
    """

    # Every derived value is computed on first use and kept on the instance: a rule
    # asks for what it needs, and an SMS never needs most of what a letter does.
    # Until then the class attribute (None) answers, so a new view sets only its
    # text and two dicts. (Not functools.cached_property: it takes a lock on every
    # first access, a cost paid for every SMS.)
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
        ``str.split`` does the scanning in C (a regex pass is far slower here).
        """
        found = self._match_text
        if found is None:
            found = self._match_text = self._squeezed()
        return found

    def _squeezed(self) -> str:
        tokens = self.folded.split()
        if len(tokens) < 2:  # no whitespace inside (every SMS)
            return tokens[0] if tokens else ""
        parts = [tokens[0]]
        for previous, token in itertools.pairwise(tokens):
            if _ASCII_ALNUM(previous[-1]) and _ASCII_ALNUM(token[0]):
                parts.append(" ")
            parts.append(token)
        return "".join(parts)

    @property
    def folded(self) -> str:
        """The text folded (see :func:`fold`), every offset the original's: what a check
        reads around a match, so 「唔會」 and 「請勿」 read as 不会 and 请勿."""
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
        folded = self.folded
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
            signed = self._amounts(_MONEY_SIGNED.finditer(text))
        else:
            signed = []
        if not signed:
            return self._amounts(self._bare_money())
        found = list(signed)
        starts = [span.start for span in signed]
        for span in self._amounts(self._bare_money()):
            at = bisect.bisect_right(starts, span.start) - 1
            if at < 0 or signed[at].end <= span.start:
                found.append(span)
        found.sort(key=lambda span: span.start)
        return found

    @classmethod
    def _amounts(cls, matches: Iterable[re.Match[str]]) -> list[MoneySpan]:
        """The figures matched, but a run of more digits than any amount has (an ID
        or card number typed after ¥): no money rule may read it as one."""
        spans = (cls._money_span(match) for match in matches)
        return [span for span in spans if within_magnitude(span.amount)]

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
            if _DATED_GROUP.search(text) is not None:
                continue  # a table's row: 「9 2026-10-18 18650」 is a number, a date, an amount
            digits = ascii_digits(_GROUP_SEPARATORS.sub("", text))
            before = self.text[max(0, match.start() - 6) : match.start()]
            if before.endswith("+") and digits.startswith("86") and len(digits) == 13:
                digits = digits[2:]  # +86 139 1234 5678: the country code, then a mobile
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
