"""Sentences and paragraphs as spans, and a sentence's length in reading units.

Sentences end at 。！？；(and their ASCII forms) and at line breaks; paragraphs at
blank lines. An amount, a date or a phone number reads as one unit (RULES.md DL302).
"""

from __future__ import annotations

import re

__all__ = ["SENTENCE_MARKS", "Sentence", "opening", "reading_length"]

_PARAGRAPH_BREAK = re.compile(r"\n(?=[ \t]*\n)")


# Extractor patterns start with a literal or a character class, which lets ``re``
# skip ahead in C to the next possible start (a pattern that opens with a group,
# an alternation of classes or a lookbehind is tried at every position). Lookbehinds
# therefore follow the first character.
SENTENCE_MARKS = "。！？；!?;"
"""The marks that end a sentence (a line break ends one too)."""
_SENTENCE = re.compile(rf"[^{SENTENCE_MARKS}\s][^{SENTENCE_MARKS}\n]*[{SENTENCE_MARKS}]*")
# A unit run is an optional ¥ then a letter or digit, then more of them and of
# .,:/%-*: written to start with a class (a fast start), the ¥ case checked after it.
_UNIT_RUN = re.compile(r"[0-9A-Za-z¥￥](?:(?<=[¥￥])[0-9A-Za-z]|(?<![¥￥]))[0-9A-Za-z.,:/%\-*]*")


def opening(text: str, start: int, marks: str, low: int = 0) -> int:
    """Where the clause that holds ``start`` opens: just after the last of ``marks``
    between ``low`` and ``start``, or ``low`` when there is none."""
    return max(low, *(text.rfind(mark, low, start) + 1 for mark in marks))


def closing(text: str, start: int, marks: str, high: int | None = None) -> int:
    """Where that clause closes: at the first of ``marks`` between ``start`` and ``high``
    (the text's end when None), or ``high`` when there is none."""
    high = len(text) if high is None else min(high, len(text))
    return min(
        (end for end in (text.find(mark, start, high) for mark in marks) if end >= 0), default=high
    )


def reading_length(text: str) -> int:
    """Length in reading units: a run of digits/Latin (an amount, a date) counts once.

    >>> reading_length("请于2026年12月5日前归还¥16,409.02。")
    13
    """
    runs = _UNIT_RUN.findall(text)
    spaces = len(text) - len(text.replace(" ", "").replace("\t", "").replace("\n", ""))
    return len(text) - sum(len(run) - 1 for run in runs) - spaces


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
