"""Matching the lists on a text: one shared phrase scan, then each list's entries.

All literal phrases of all lists, and the required literals of their patterns
(:mod:`dunletters.lint.anchors`), are found in one Aho–Corasick pass over
:attr:`TextView.match_text <dunletters.lint.text.TextView.match_text>`;
:class:`CompiledLexicon` turns a list's share of that scan into its matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from dunletters.lint.anchors import required_literals
from dunletters.lint.lexicon.schema import Entry, Lexicon
from dunletters.lint.text import TextView, fold, fold_chinese

__all__ = ["CompiledLexicon", "LexiconMatch", "PhraseScanner"]

_ASCII_WORD = re.compile(r"[0-9A-Za-z]")
_UNSEARCHED: Any = object()
"""An entry not yet searched for (``None`` is one that matches nowhere further on)."""


@dataclass(frozen=True, slots=True)
class LexiconMatch:
    """An entry matched at a span of the original text."""

    entry: Entry
    start: int
    end: int
    text: str


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _lower(text: str) -> str:
    """Lower-case for matching, keeping every offset (str.lower can lengthen 'İ')."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


def _key(phrase: str) -> str:
    """How a phrase is compared: folded, without spaces, lower-cased."""
    return _lower(fold(phrase).replace(" ", ""))


class PhraseScanner:
    """Finds every literal phrase of every list, and every regex anchor, in one pass.

    One Aho–Corasick automaton (ahocorasick_rs, in Rust) over all phrases of all
    lists and the required literals of their regex entries (:mod:`anchors`): one
    overlapping pass per document whatever the lists' size, results cached on the
    :class:`TextView`. (pyahocorasick took six times as long here on Chinese text —
    its nodes search their children one by one — and a trie-shaped regex longer
    still; see benchmarks/README.md.)
    """

    def __init__(self) -> None:
        self._targets: dict[str, list[tuple[str, Entry, bool, bool]]] = {}
        # Required literals of regex entries (see anchors.py): key → (list, entry index).
        self._anchors: dict[str, list[tuple[str, int]]] = {}
        self._automaton: _Automaton | None = None
        # One bit per list, for the set of lists a text has keys of (_Scan.lists).
        self._bits: dict[str, int] = {}

    def add(self, lexicon: str, entry: Entry) -> None:
        """Index one phrase entry of a list."""
        assert entry.phrase is not None
        key = _key(entry.phrase)
        guard_head = _ASCII_WORD.match(key[0]) is not None
        guard_tail = _ASCII_WORD.match(key[-1]) is not None
        targets = self._targets.setdefault(key, [])
        if any(name == lexicon for name, *_ in targets):
            return  # the list's same phrase in the other script (後果自負): one finding
        targets.append((lexicon, entry, guard_head, guard_tail))
        self._own(lexicon)
        self._automaton = None

    def add_anchors(self, lexicon: str, index: int, literals: frozenset[str]) -> None:
        """Index the literals one of which every match of a regex entry contains."""
        for literal in literals:
            self._anchors.setdefault(literal, []).append((lexicon, index))
        self._own(lexicon)
        self._automaton = None

    def _built(self) -> _Automaton:
        if self._automaton is None:
            keys = sorted(self._targets.keys() | self._anchors.keys())
            phrase_keys: dict[str, set[int]] = {}
            anchor_keys: dict[str, dict[int, list[int]]] = {}
            targets: list[tuple[tuple[str, Entry, bool, bool], ...]] = []
            masks: list[int] = []  # by key: the bits of the lists that have it
            bits = self._bits
            no_targets: tuple[tuple[str, Entry, bool, bool], ...] = ()
            for number, key in enumerate(keys):  # one pass: built in every process
                mask = 0
                found = self._targets.get(key)
                if found:
                    for lexicon, *_ in found:
                        phrase_keys.setdefault(lexicon, set()).add(number)
                        mask |= bits[lexicon]
                    targets.append(tuple(found))
                else:
                    targets.append(no_targets)
                for lexicon, index in self._anchors.get(key, ()):
                    anchor_keys.setdefault(lexicon, {}).setdefault(number, []).append(index)
                    mask |= bits[lexicon]
                masks.append(mask)
            self._automaton = _Automaton(
                ahocorasick_rs.AhoCorasick(keys) if keys else None,
                targets,
                {lexicon: frozenset(numbers) for lexicon, numbers in phrase_keys.items()},
                anchor_keys,
                bits,
                masks,
            )
        return self._automaton

    def bit(self, lexicon: str) -> int:
        """The list's bit in :attr:`_Scan.lists` (0 for a list with no key at all).

        Given when the list's first key is added and never changed, so a list may
        keep it (see :meth:`CompiledLexicon.may_match`).
        """
        return self._bits.get(lexicon, 0)

    def _own(self, lexicon: str) -> None:
        if lexicon not in self._bits:
            self._bits[lexicon] = 1 << len(self._bits)

    def scan(self, view: TextView) -> _Scan:
        """Every key occurrence in :attr:`TextView.match_text`, once per text.

        Only the occurrences are collected here; which of them belong to a list is
        worked out when that list asks (:meth:`phrases`, :meth:`anchored`) — in a
        clean letter most lists share no key with the text at all.
        """
        cache = view.scans
        found = cache.get(id(self))
        if found is None:
            text = _lower(view.match_text)
            automaton = self._built()
            search = automaton.search
            matches = (
                search.find_matches_as_indexes(text, overlapping=True)
                if search is not None and text
                else []
            )
            present = {match[0] for match in matches}
            lists = 0
            masks = automaton.masks
            for number in present:
                lists |= masks[number]
            found = cache[id(self)] = _Scan(text, matches, present, lists)
        return found

    def phrases(self, scan: _Scan, lexicon: str) -> list[tuple[int, int, Entry]]:
        """A list's phrase matches, as spans of :attr:`TextView.match_text`, in order."""
        found = scan.phrases.get(lexicon)
        if found is not None:
            return found
        automaton = self._built()
        numbers = automaton.phrase_keys.get(lexicon)
        found = []
        if numbers is not None and not numbers.isdisjoint(scan.present):
            text, length = scan.text, len(scan.text)
            for number, start, end in scan.matches:
                if number not in numbers:
                    continue
                for owner, entry, guard_head, guard_tail in automaton.targets[number]:
                    if owner != lexicon:
                        continue
                    if guard_head and start and _ASCII_WORD.match(text[start - 1]):
                        continue
                    if guard_tail and end < length and _ASCII_WORD.match(text[end]):
                        continue
                    found.append((start, end, entry))
            found.sort(key=lambda match: (match[0], -match[1]))
        scan.phrases[lexicon] = found
        return found

    def anchored(self, scan: _Scan, lexicon: str) -> set[int]:
        """A list's regex entries (indexes) one of whose required literals occurs."""
        by_number = self._built().anchor_keys.get(lexicon)
        if not by_number or by_number.keys().isdisjoint(scan.present):
            return set()
        found: set[int] = set()
        for number, _start, _end in scan.matches:
            indexes = by_number.get(number)
            if indexes is not None:
                found.update(indexes)
        return found


@dataclass(frozen=True, slots=True)
class _Automaton:
    """The compiled search; by key number, its phrase targets; by list, its keys."""

    search: ahocorasick_rs.AhoCorasick | None
    targets: list[tuple[tuple[str, Entry, bool, bool], ...]]
    phrase_keys: dict[str, frozenset[int]]
    anchor_keys: dict[str, dict[int, list[int]]]
    bits: dict[str, int]
    """By list: one bit, for :attr:`_Scan.lists`."""
    masks: list[int]
    """By key number: the bits of the lists that have it as a phrase or an anchor."""


class _Scan:
    """One pass's result: key occurrences (number, start, end), the keys present, and
    each list's phrase matches once asked for.

    A plain slotted class (made once per document: a frozen dataclass's ``__init__``
    costs more). Treat it as immutable but for the ``phrases`` memo.
    """

    __slots__ = ("lists", "matches", "phrases", "present", "text")

    def __init__(
        self, text: str, matches: list[tuple[int, int, int]], present: set[int], lists: int
    ) -> None:
        self.text = text
        self.matches = matches
        self.present = present
        self.lists = lists
        """The bits (:meth:`PhraseScanner.bit`) of the lists with at least one key in the
        text: the others can match only through a regex entry without anchors."""
        self.phrases: dict[str, list[tuple[int, int, Entry]]] = {}


class CompiledLexicon:
    """A lexicon ready to match: its phrases in a shared scanner, its regexes compiled.

    Regex entries keep the semantics of one alternation per list — leftmost match
    first, and at the same position the earlier entry wins (write ``XX月XX日``
    before ``XX月``) — but each is compiled alone and run only when the shared
    scanner saw one of its required literals (:mod:`anchors`). A pattern without a
    provable literal always runs.
    """

    def __init__(
        self,
        lexicon: Lexicon,
        scanner: PhraseScanner | None = None,
        anchors: dict[str, list[str] | None] | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.scanner = scanner or PhraseScanner()
        self._regexes: dict[int, re.Pattern[str]] = {}
        self._always: set[int] = set()
        known = anchors if anchors is not None else {}
        for index, entry in enumerate(lexicon.entries):
            if entry.phrase is not None:
                self.scanner.add(lexicon.name, entry)
                continue
            assert entry.regex is not None
            if entry.regex in known:
                literals = known[entry.regex]
                found = None if literals is None else frozenset(literals)
            else:
                found = required_literals(fold_chinese(entry.regex))
            if found is None:
                self._always.add(index)
            else:
                self.scanner.add_anchors(lexicon.name, index, found)
        self._bit = self.scanner.bit(lexicon.name)

    @property
    def scan_bit(self) -> int:
        """The list's bit in a scan's lists (:meth:`PhraseScanner.scan`), or 0 when a
        scan cannot rule the list out (a pattern without anchors always runs)."""
        return 0 if self._always else self._bit

    def may_match(self, view: TextView) -> bool:
        """False when the list certainly has no match in the text: none of its phrases
        or regex anchors occurs, and it has no pattern that must always run.

        The shared scan answers this for every list at once, so a rule whose hits all
        come from lists can be skipped on a clean document for a set lookup.
        """
        if self._always:
            return True
        return bool(self.scanner.scan(view).lists & self._bit)

    def _regex(self, index: int) -> re.Pattern[str]:
        """An entry's pattern, compiled on first use: most never run in a given text."""
        pattern = self._regexes.get(index)
        if pattern is None:
            regex = self.lexicon.entries[index].regex
            assert regex is not None
            pattern = self._regexes[index] = re.compile(fold_chinese(regex), re.IGNORECASE)
        return pattern

    def _regex_matches(self, view: TextView, scan: _Scan) -> Iterator[tuple[int, int, Entry]]:
        """Regex matches as one alternation of the candidate entries would find them."""
        anchored = self.scanner.anchored(scan, self.lexicon.name)
        candidates = sorted(self._always | anchored)
        if not candidates:
            return
        text = view.match_text
        entries = self.lexicon.entries
        pending: dict[int, re.Match[str] | None] = {}
        position = 0
        while position <= len(text):
            best: re.Match[str] | None = None
            best_index = -1
            for index in candidates:
                # An entry's next match is searched again only once the sweep
                # has moved past it; None means it matches nowhere further on.
                match = pending.get(index, _UNSEARCHED)
                if match is _UNSEARCHED or (match is not None and match.start() < position):
                    match = pending[index] = self._regex(index).search(text, position)
                if match is not None and (best is None or match.start() < best.start()):
                    best, best_index = match, index
            if best is None:
                return
            if best.end() > best.start():
                yield best.start(), best.end(), entries[best_index]
                position = best.end()
            else:
                position = best.start() + 1

    def _matches(self, view: TextView) -> Iterator[tuple[int, int, Entry]]:
        scan = self.scanner.scan(view)
        if not scan.lists & self._bit and not self._always:
            return
        text = view.match_text
        for start, end, entry in self.scanner.phrases(scan, self.lexicon.name):
            if not _excepted(text, start, end, entry):
                yield start, end, entry
        for start, end, entry in self._regex_matches(view, scan):
            if not _excepted(text, start, end, entry):
                yield start, end, entry

    def finditer(self, view: TextView) -> Iterator[LexiconMatch]:
        """Every match in the text, excluding those inside an ``except`` phrase."""
        for start, end, entry in self._matches(view):
            yield self._located(view, entry, start, end)

    def search(self, view: TextView) -> LexiconMatch | None:
        """The first match, or None."""
        return next(self.finditer(view), None)

    def exists(self, view: TextView) -> bool:
        """Whether anything matches — without locating it in the original text.

        Required-element rules (deadline, contact, channel …) only ask this; locating
        a match means building the offset map, which a clean letter never needs.
        """
        scan = self.scanner.scan(view)
        if not scan.lists & self._bit and not self._always:
            return False
        text = view.match_text
        for start, end, entry in self.scanner.phrases(scan, self.lexicon.name):
            if not _excepted(text, start, end, entry):
                return True
        # Any entry's match will do, so no need to order them as an alternation would.
        entries = self.lexicon.entries
        anchored = self.scanner.anchored(scan, self.lexicon.name)
        for index in self._always | anchored:
            pattern = self._regex(index)
            match = pattern.search(text)
            while match is not None:
                if match.end() > match.start() and not _excepted(
                    text, match.start(), match.end(), entries[index]
                ):
                    return True
                match = pattern.search(text, match.start() + 1)
        return False

    @staticmethod
    def _located(view: TextView, entry: Entry, start: int, end: int) -> LexiconMatch:
        origin_start, origin_end = view.origin_span(start, end)
        return LexiconMatch(entry, origin_start, origin_end, view.text[origin_start:origin_end])


def _excepted(text: str, start: int, end: int, entry: Entry) -> bool:
    for phrase in entry.except_:
        folded = fold(phrase).replace(" ", "")
        window_start = max(0, end - len(folded))
        index = text.find(folded, window_start, start + len(folded))
        while index != -1 and index <= start:
            if index + len(folded) >= end:
                return True
            index = text.find(folded, index + 1, start + len(folded))
    return False
