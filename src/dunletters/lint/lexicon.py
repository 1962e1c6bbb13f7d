"""Phrase lists (lexicons): YAML data a compliance team extends without code.

Each file under ``lint/lexicons/`` is one list (Vale's *existence* and
*substitution* styles): the rule that uses it, a description and its basis, the
entries — a ``phrase`` (substring) or a ``regex`` — each with an optional
``suggest`` replacement, an ``except`` list of legitimate longer phrases, and an
``example`` the entry must match; and ``pass_examples`` no entry may match. The
tests run every example, so an entry that stops matching its own example fails CI.

Matching is on :attr:`TextView.match_text` (full-width folded, whitespace next to
Chinese removed). Chinese phrases match as substrings — ``\\b`` never matches
inside Chinese — while a phrase that starts or ends with a Latin letter or digit is
guarded with ASCII-only neighbours, case-insensitively, so ``M1`` does not fire
inside ``M10``. All literal phrases of all lists are found in one pass over the
text (:class:`PhraseScanner`), whatever the lists' length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import ahocorasick
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dunletters.errors import ConfigError
from dunletters.lint.text import TextView, fold

__all__ = ["CompiledLexicon", "Entry", "Lexicon", "LexiconMatch", "load_lexicon", "load_lexicons"]

_ASCII_WORD = re.compile(r"[0-9A-Za-z]")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Entry(BaseModel):
    """One phrase (or pattern) of a list."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    phrase: str | None = Field(default=None, min_length=1)
    regex: str | None = Field(default=None, min_length=1)
    suggest: str | None = None
    except_: tuple[str, ...] = Field(default=(), alias="except")
    example: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_of(self) -> Entry:
        if (self.phrase is None) == (self.regex is None):
            raise ValueError("每个条目须有且只有 phrase 或 regex 之一")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as error:
                raise ValueError(f"regex 无效：{error}") from None
        return self

    @property
    def label(self) -> str:
        """The phrase, or the pattern, for messages and docs."""
        return self.phrase if self.phrase is not None else f"/{self.regex}/"


class Lexicon(BaseModel):
    """A phrase list file."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str = Field(alias="list", pattern=r"^[a-z][a-z0-9_]*$")
    rule: str = Field(pattern=r"^DL\d{3}$")
    description: str
    source: str
    entries: tuple[Entry, ...] = Field(min_length=1)
    pass_examples: tuple[str, ...] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class LexiconMatch:
    """An entry matched at a span of the original text."""

    entry: Entry
    start: int
    end: int
    text: str


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _without_names(pattern: str) -> str:
    """A user's regex with its named groups unnamed (they would clash when combined)."""
    return re.sub(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>", "(?:", pattern)


def _lower(text: str) -> str:
    """Lower-case for matching, keeping every offset (str.lower can lengthen 'İ')."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


def _key(phrase: str) -> str:
    """How a phrase is compared: folded, without spaces, lower-cased."""
    return _lower(fold(phrase).replace(" ", ""))


class PhraseScanner:
    """Finds every literal phrase of every list in one pass over a text.

    An Aho–Corasick automaton (pyahocorasick, in C) over all phrases of all lists:
    one pass per document whatever the lists' size, results cached on the
    :class:`TextView`. (A trie-shaped regex per list was slower — Python's regex
    engine still tries alternatives position by position; see benchmarks/.)
    """

    def __init__(self) -> None:
        self._targets: dict[str, list[tuple[str, Entry, bool, bool]]] = {}
        self._automaton: ahocorasick.Automaton | None = None

    def add(self, lexicon: str, entry: Entry) -> None:
        """Index one phrase entry of a list."""
        assert entry.phrase is not None
        key = _key(entry.phrase)
        guard_head = _ASCII_WORD.match(key[0]) is not None
        guard_tail = _ASCII_WORD.match(key[-1]) is not None
        self._targets.setdefault(key, []).append((lexicon, entry, guard_head, guard_tail))
        self._automaton = None

    def _built(self) -> ahocorasick.Automaton:
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for key in self._targets:
                automaton.add_word(key, key)
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def scan(self, view: TextView) -> dict[str, list[tuple[int, int, Entry]]]:
        """Matches by list name, as spans of :attr:`TextView.match_text`."""
        cache: dict[int, dict[str, list[tuple[int, int, Entry]]]] = view.__dict__.setdefault(
            "_phrase_cache", {}
        )
        found = cache.get(id(self))
        if found is not None:
            return found
        found = {}
        if self._targets:
            text = _lower(view.match_text)
            length = len(text)
            for last, key in self._built().iter(text):
                end = last + 1
                start = end - len(key)
                for lexicon, entry, guard_head, guard_tail in self._targets[key]:
                    if guard_head and start and _ASCII_WORD.match(text[start - 1]):
                        continue
                    if guard_tail and end < length and _ASCII_WORD.match(text[end]):
                        continue
                    found.setdefault(lexicon, []).append((start, end, entry))
            for matches in found.values():
                matches.sort(key=lambda match: (match[0], -match[1]))
        cache[id(self)] = found
        return found


class CompiledLexicon:
    """A lexicon ready to match: its phrases in a shared scanner, its regexes compiled."""

    def __init__(self, lexicon: Lexicon, scanner: PhraseScanner | None = None) -> None:
        self.lexicon = lexicon
        self.scanner = scanner or PhraseScanner()
        patterns: list[str] = []
        self._by_group: dict[str, Entry] = {}
        for index, entry in enumerate(lexicon.entries):
            if entry.phrase is not None:
                self.scanner.add(lexicon.name, entry)
            else:
                assert entry.regex is not None
                # One alternation per list: a regex pass costs ~30 ns a character
                # here, whatever the pattern, so one pass beats one per entry.
                group = f"e{index}"
                self._by_group[group] = entry
                patterns.append(f"(?P<{group}>{_without_names(entry.regex)})")
        # Alternation takes the first alternative that matches at a position, so
        # within a list an earlier regex entry wins (write XX月XX日 before XX月).
        self._regex = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def finditer(self, view: TextView) -> Iterator[LexiconMatch]:
        """Every match in the text, excluding those inside an ``except`` phrase."""
        text = view.match_text
        for start, end, entry in self.scanner.scan(view).get(self.lexicon.name, ()):
            if not _excepted(text, start, end, entry):
                yield self._located(view, entry, start, end)
        if self._regex is not None:
            for match in self._regex.finditer(text):
                entry = self._by_group[match.lastgroup or ""]
                if match.end() > match.start() and not _excepted(
                    text, match.start(), match.end(), entry
                ):
                    yield self._located(view, entry, match.start(), match.end())

    def search(self, view: TextView) -> LexiconMatch | None:
        """The first match, or None."""
        return next(self.finditer(view), None)

    def exists(self, view: TextView) -> bool:
        """Whether anything matches — without locating it in the original text.

        Required-element rules (deadline, contact, channel …) only ask this; locating
        a match means building the offset map, which a clean letter never needs.
        """
        text = view.match_text
        for start, end, entry in self.scanner.scan(view).get(self.lexicon.name, ()):
            if not _excepted(text, start, end, entry):
                return True
        if self._regex is not None:
            for match in self._regex.finditer(text):
                entry = self._by_group[match.lastgroup or ""]
                if match.end() > match.start() and not _excepted(
                    text, match.start(), match.end(), entry
                ):
                    return True
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


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate one YAML list; errors name the file and the entry."""
    try:
        # libyaml's C loader: the pure-Python one alone would cost a quarter second
        # of every `dunletters lint` start-up.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"词表 {path.name} 无法读取：{error}") from None
    try:
        lexicon = Lexicon.model_validate(data)
    except ValidationError as error:
        detail = "；".join(
            f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}"
            for item in error.errors(include_url=False, include_input=False)
        )
        raise ConfigError(f"词表 {path.name} 无效：{detail}") from None
    if lexicon.name != path.stem:
        raise ConfigError(f"词表 {path.name} 的 list 应为 {path.stem}")
    return lexicon


def _builtin_dir() -> Path:
    return Path(str(resources.files("dunletters.lint") / "lexicons"))


@cache
def load_lexicons(extra_dirs: tuple[Path, ...] = ()) -> dict[str, CompiledLexicon]:
    """The built-in lists, extended by same-named lists in ``extra_dirs``.

    An extra file with the same list name adds its entries and pass examples to the
    built-in list (a compliance team extends, it does not have to copy).
    """
    lists: dict[str, Lexicon] = {}
    for directory in (_builtin_dir(), *extra_dirs):
        for path in sorted(Path(directory).glob("*.yml")):
            lexicon = load_lexicon(path)
            if lexicon.name in lists:
                base = lists[lexicon.name]
                lexicon = base.model_copy(
                    update={
                        "entries": base.entries + lexicon.entries,
                        "pass_examples": base.pass_examples + lexicon.pass_examples,
                    }
                )
            lists[lexicon.name] = lexicon
    scanner = PhraseScanner()
    return {name: CompiledLexicon(lexicon, scanner) for name, lexicon in lists.items()}
