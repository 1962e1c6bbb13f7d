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
guarded with ASCII-only lookarounds, case-insensitively, so ``M1`` does not fire
inside ``M10``. All literal phrases of a list compile into one trie-shaped regex:
one pass over the text per list, whatever the list's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

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


def _trie_pattern(words: list[str]) -> str:
    """One regex for many literal words, shaped as a trie (longest match first)."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        ends = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return build(trie)


def _guarded(pattern: str, phrase: str) -> str:
    head = "(?<![0-9A-Za-z])" if _ASCII_WORD.match(phrase[0]) else ""
    tail = "(?![0-9A-Za-z])" if _ASCII_WORD.match(phrase[-1]) else ""
    return head + pattern + tail


class CompiledLexicon:
    """A lexicon ready to match: one trie regex for the phrases, one per regex entry."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._by_phrase: dict[str, Entry] = {}
        chinese: list[str] = []
        latin: list[str] = []
        self._regexes: list[tuple[re.Pattern[str], Entry]] = []
        for entry in lexicon.entries:
            if entry.phrase is not None:
                key = fold(entry.phrase).replace(" ", "").lower()
                self._by_phrase.setdefault(key, entry)
                is_latin = _ASCII_WORD.match(key[0]) or _ASCII_WORD.match(key[-1])
                (latin if is_latin else chinese).append(key)
            else:
                assert entry.regex is not None
                self._regexes.append((re.compile(entry.regex, re.IGNORECASE), entry))
        patterns = []
        if chinese:
            patterns.append(_trie_pattern(sorted(set(chinese))))
        patterns.extend(_guarded(re.escape(word), word) for word in sorted(set(latin)))
        self._phrases = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def finditer(self, view: TextView) -> Iterator[LexiconMatch]:
        """Every match in the text, excluding those inside an ``except`` phrase."""
        text = view.match_text
        if self._phrases is not None:
            for match in self._phrases.finditer(text):
                entry = self._by_phrase.get(match.group(0).lower())
                if entry is not None and not _excepted(text, match.start(), match.end(), entry):
                    yield self._located(view, entry, match.start(), match.end())
        for pattern, entry in self._regexes:
            for match in pattern.finditer(text):
                if match.end() > match.start() and not _excepted(
                    text, match.start(), match.end(), entry
                ):
                    yield self._located(view, entry, match.start(), match.end())

    def search(self, view: TextView) -> LexiconMatch | None:
        """The first match, or None."""
        return next(self.finditer(view), None)

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
    return {name: CompiledLexicon(lexicon) for name, lexicon in lists.items()}
