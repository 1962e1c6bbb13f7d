"""Frames: rules over a clause — who does what to whom, under what condition — as data.

A phrase list (lint/lexicon/) finds fixed wordings. Collectors write the same act in
many words: 「我行将向您的工作单位核实您的在职情况」, 「本函将抄送您的工作单位」 and
「您的欠款信息将同步给您所在单位」 share no phrase, but each is an act (核实 / 抄送 /
同步) directed at a party other than the debtor (单位). A frame names such slots — each
a list of words a compliance team edits — and the orders in which they make a
finding, within one clause and a few characters of each other.

Each file under ``lint/frames/`` holds the frames of one rule::

    rule: DL604
    words:                      # the slots' vocabularies, shared by the file's frames
      act: [联系, 通知, 抄送, 同步, 致函, 核实]
      party: [单位, 同事, 家人, 村委会]
    frames:
      - name: act-on-third-party
        description: 把债务告知、抄送、同步给第三人
        patterns:               # each a sequence of slots (or literal words in quotes)
          - [act, party]        # 抄送您的工作单位
          - ["向", party, act]  # 向您的工作单位核实
        gap: 8                  # at most this many characters between two parts
        within: phrase          # no comma between the parts (default: sentence)
        unless: [委托.{0,12}催收]   # a clause matching one of these is allowed
        requires: [欠款, 逾期]      # optional: found only in a text that says one of these
        fail: [本函将抄送您的工作单位。]   # each must be found (tested)
        pass: [我行不会联系您的单位。]     # none may be found (tested)

A slot's list may name a shared vocabulary, ``'@kin'``, from ``frames/shared/words.yml``:
the same people (a debtor's family, friends) are named in several rules' frames, and a
compliance team adds a word for all of them in one place.

A part is a slot name or a literal word in quotes (``'"向"'``, ``'"的"?'`` when it may
be left out); a word is a regular
expression fragment, usually a plain word. Parts stay within one clause (no 。！？；
or line break between them). A negation just before the match — 不会、不再、绝不、
不得… (the file's ``negations`` add to these) — silences it, as does an ``unless``
pattern anywhere in the clause. A frame with ``requires`` is found only in a text that
matches one of them somewhere (a call-back request to a relative is a disclosure only
when the message names the debt).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import ahocorasick_rs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dunletters.errors import ConfigError, describe_validation
from dunletters.lint.anchors import reads_parser, required_literals
from dunletters.lint.lexicon import lexicon_cache_dir
from dunletters.lint.text import TextView, closing, fold_chinese, folding_digest, opening

__all__ = [
    "CompiledFrames",
    "Frame",
    "FrameFile",
    "FrameMatch",
    "FrameSet",
    "builtin_frames",
    "frame_hits",
    "frames_for",
]

_CLAUSE_END = "。！？!?；;\n"
_NEGATIONS = (
    "不会", "不再", "不得", "绝不", "决不", "从不", "从未", "不要", "无需", "无须", "并不", "不予",
    "禁止", "严禁", "切勿", "请勿", "不曾", "未曾", "不安排", "不派", "不可以", "不准", "不允许",
)  # fmt: skip
"""Words that, just before a frame's match, say the act will not happen."""
_ASKING = re.compile("要不要|会不会|用不用|需不需要")
"""A yes-no question holds a negation word but denies nothing (「要不要我跟你老板说一声」)."""
_CLAUSE_REACH = 200
"""How far a clause reaches at most, either side of a match (a sentence is shorter)."""
_NEGATION_REACH = 12
"""How far before the match, within its comma-delimited phrase, a negation counts
(「我行不会主动联系您的单位」; not 「再不还款，将通知您的单位」)."""
_WORTH_CACHE = 4096
"""Distinct sets of anchors remembered per rule (a batch has a handful; a corpus run a few
hundred)."""


class Frame(BaseModel):
    """One frame: slot sequences that make a finding, with examples."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    description: str = Field(min_length=1)
    patterns: tuple[tuple[str, ...], ...] = Field(min_length=1)
    gap: int = Field(default=8, ge=0, le=40)
    within: Literal["sentence", "phrase"] = "sentence"
    """How far the parts may spread: one sentence, or one phrase (no comma between)."""
    unless: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    """Found only in a text one of these matches somewhere (any clause)."""
    fail: tuple[str, ...] = Field(min_length=1)
    passes: tuple[str, ...] = Field(default=(), alias="pass")


class FrameFile(BaseModel):
    """A rule's frames and the vocabularies of their slots."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str = Field(pattern=r"^DL\d{3}$")
    description: str = Field(min_length=1)
    words: dict[str, tuple[str, ...]]
    negations: tuple[str, ...] = ()
    frames: tuple[Frame, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _slots_known(self) -> FrameFile:
        for frame in self.frames:
            for pattern in frame.patterns:
                for part in pattern:
                    if not _is_literal(part) and part not in self.words:
                        raise ValueError(f"框架 {frame.name} 用了未定义的词槽「{part}」")
        return self


@dataclass(frozen=True, slots=True)
class FrameMatch:
    """A frame found at a span of the original text."""

    frame: Frame
    start: int
    end: int
    text: str


def _is_literal(part: str) -> bool:
    """A literal part: ``"向|对"``, or ``"的"?`` when it may be left out."""
    body = part[:-1] if part.endswith('"?') else part
    return len(body) >= 2 and body[0] == body[-1] == '"'


class CompiledFrames:
    """A rule's frames, each pattern compiled to one regular expression."""

    def __init__(
        self,
        source: FrameFile,
        literals: dict[str, int] | None = None,
        anchors: dict[str, list[str] | None] | None = None,
        parts: dict[str, str] | None = None,
    ) -> None:
        """``literals``: the anchor numbering shared by the rules' frames (one
        Aho–Corasick pass serves them all, see :class:`FrameSet`); None for its own.
        ``parts``: each part's regex as an earlier process built it (the cache)."""
        self.source = source
        self.negations = _NEGATIONS + tuple(map(fold_chinese, source.negations))
        # Patterns as text, compiled when a text first holds one of their anchors: a
        # `dunletters lint` run on a clean draft compiles none of them.
        self._regexes: dict[str, re.Pattern[str]] = {}
        self._parts: dict[str, str] = dict(parts) if parts else {}
        # A pattern runs only where each of its parts has one of its required literals
        # (anchors.py) in the text — found for all patterns in one Aho–Corasick pass.
        # Most letters hold an act (联系, 通知) but no third party, so most run nothing.
        own = literals is None
        literals = {} if literals is None else literals
        self._patterns: list[tuple[Frame, str, str | None, tuple[int, ...]]] = []
        """Every pattern, in frame order: its frame, regex, unless-regex, and one bit
        mask per part of the anchors (numbered as in ``literals``) one of which every
        match of that part contains — the part with the fewest anchors first."""
        masks_of: dict[str, int | None] = {}  # a slot's mask is the same in every pattern
        for frame in source.frames:
            stops = _CLAUSE_END + ("，,、：:" if frame.within == "phrase" else "：:")
            between = f"[^{stops}]{{0,{frame.gap}}}?"
            unless = (
                "|".join(f"(?:{fold_chinese(u)})" for u in frame.unless) if frame.unless else None
            )
            for pattern in frame.patterns:
                part_masks = []
                for part in pattern:
                    if part.endswith('"?'):
                        continue  # may be left out: no literal is required
                    if part not in masks_of:
                        required = self._part_literals(part, anchors)
                        masks_of[part] = (
                            None
                            if required is None
                            else sum(1 << literals.setdefault(k, len(literals)) for k in required)
                        )
                    mask = masks_of[part]
                    if mask is not None:
                        part_masks.append(mask)
                regex = between.join(self._part(part) for part in pattern)
                rarest_first = sorted(part_masks, key=lambda mask: mask.bit_count())
                self._patterns.append((frame, regex, unless, tuple(rarest_first)))
        self._search = _automaton(literals) if own else None
        # By anchor: the patterns whose first (rarest) part has it, so a text's few
        # anchors name the few patterns worth a look; () parts: always looked at.
        self._worth_by_mask: dict[int, tuple[int, ...]] = {}
        self._by_anchor: dict[int, list[int]] = {}
        self._unanchored: list[int] = []
        for index, (_, _, _, masks) in enumerate(self._patterns):
            if not masks:
                self._unanchored.append(index)
                continue
            rest = masks[0]
            while rest:  # each set bit, lowest first
                lowest = rest & -rest
                self._by_anchor.setdefault(lowest.bit_length() - 1, []).append(index)
                rest ^= lowest

    def _part_literals(
        self, part: str, anchors: dict[str, list[str] | None] | None
    ) -> frozenset[str] | None:
        """A part's required literals: a slot's are its words' together (worked out
        word by word, which stays exact however many words a slot has)."""
        if _is_literal(part):  # read as written: the anchors do not depend on how it opens
            body, optional = _quoted(part)
            return _literals(f"(?:{body})" + ("?" if optional else ""), anchors)
        found: set[str] = set()
        for word in self.source.words[part]:
            literals = _literals(fold_chinese(word), anchors)
            if literals is None:
                return None
            found |= literals
        return frozenset(found)

    def _part(self, part: str) -> str:
        """A part's regex: built once, as slots recur across a rule's patterns."""
        built = self._parts.get(part)
        if built is None:
            built = self._parts[part] = self._build_part(part)
        return built

    def _build_part(self, part: str) -> str:
        if _is_literal(part):
            body, optional = _quoted(part)
            return f"(?:{opening_on_a_character(body)})" + ("?" if optional else "")
        words = sorted(map(fold_chinese, self.source.words[part]), key=len, reverse=True)
        return "(?:" + "|".join(map(opening_on_a_character, words)) + ")"

    def find(self, view: TextView, present: Anchors | None = None) -> list[FrameMatch]:
        """Every frame's matches in the text (on the folded, space-free match text).

        ``present``: the anchors the shared pass found (:class:`FrameSet`); without it,
        frames numbered in a shared set look at every pattern (tests, docs)."""
        text = view.match_text
        if present is None and self._search is not None:
            present = _anchors_in(self._search, text)
        candidates = range(len(self._patterns)) if present is None else self._worth(present)
        found: list[FrameMatch] = []
        for index in candidates:
            frame, pattern, unless, _ = self._patterns[index]
            if frame.requires and not self._required_in(frame, text):
                continue
            for match in self._regex(pattern).finditer(text):
                if self._silenced(text, match.start(), match.end(), unless):
                    continue
                start, end = view.origin_span(match.start(), match.end())
                found.append(FrameMatch(frame, start, end, view.text[start:end]))
        return found

    def _worth(self, present: Anchors) -> tuple[int, ...]:
        """The patterns every part of which has an anchor among ``present``, in frame
        order: worked out once per distinct set of anchors, as a batch's texts of one
        template share theirs."""
        mask, numbers = present
        known = self._worth_by_mask.get(mask)
        if known is not None:
            return known
        chosen = set(self._unanchored)
        for number in numbers:
            chosen.update(self._by_anchor.get(number, ()))
        worth = tuple(
            index
            for index in sorted(chosen)
            if all(part & mask for part in self._patterns[index][3])
        )
        if len(self._worth_by_mask) >= _WORTH_CACHE:
            self._worth_by_mask.clear()  # a long run of distinct drafts: start again
        self._worth_by_mask[mask] = worth
        return worth

    def _required_in(self, frame: Frame, text: str) -> bool:
        """Whether the text says one of the frame's ``requires`` anywhere."""
        return self._regex("|".join(f"(?:{r})" for r in frame.requires)).search(text) is not None

    def compile_all(self) -> None:
        """Compile every pattern now (a frames file's check): raises ``re.error``."""
        for frame, pattern, unless, _ in self._patterns:
            self._regex(pattern)
            if frame.requires:
                self._required_in(frame, "")
            if unless is not None:
                self._regex(unless)

    def _regex(self, pattern: str) -> re.Pattern[str]:
        compiled = self._regexes.get(pattern)
        if compiled is None:
            compiled = self._regexes[pattern] = re.compile(pattern)
        return compiled

    def _silenced(self, text: str, start: int, end: int, unless: str | None) -> bool:
        """A negation just before (or inside) the match, or a permitted wording in its clause.

        The clause is looked for within ``_CLAUSE_REACH`` characters either side, so a
        long text without a full stop costs the same per match as a letter."""
        low = max(0, start - _CLAUSE_REACH)
        clause_start = opening(text, start, _CLAUSE_END, low)
        # 、 lists the objects of one negated act (「不会在朋友圈、微信群发布」): not a new phrase
        phrase_start = opening(text, start, "，,", clause_start)
        # up to the match's second character: 不会 in 「不会上门」 when the match is 会上门
        before = text[max(phrase_start, start - _NEGATION_REACH) : start + 1]
        before = _ASKING.sub("", before)
        if any(word in before for word in self.negations):
            return True
        if unless is None:
            return False
        clause_end = closing(text, end, _CLAUSE_END, end + _CLAUSE_REACH)
        return self._regex(unless).search(text, clause_start, clause_end) is not None


_LOOKBEHIND = r"\(\?<(?P<sign>[!=])(?P<body>\[[^\]\\]+\]|[^()\[\]\\|?*+{}.^$]+)\)"
_OPENING = re.compile(f"(?P<behind>(?:{_LOOKBEHIND})+)(?P<first>[^()\\[\\]\\\\|?*+{{}}.^$])")
_STRUCTURE = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]|[()|]")
"""What shapes a regex's alternatives: an escape or a class (skipped whole), a paren, a bar."""
_LEADING_GROUP = re.compile(
    f"(?P<behind>(?:{_LOOKBEHIND})*)\\(\\?:(?P<inner>(?:[^()\\[\\]\\\\]|\\((?!\\?[<=!P])[^()]*\\))*)\\)(?P<optional>\\?(?![?+]))?(?![?*+{{])"
)
"""A word that opens on a group of alternatives (after any lookbehinds), at most optional."""
_COPIES = 1500
"""At most this many characters copied to open a word's options on a character: a word
whose rest is long (the party slot's 「父母、朋友、同事」 list) stays as written, as its
copies would cost more to compile at start-up than its search costs a batch."""


def opening_on_a_character(word: str) -> str:
    """``(?<![机社])会`` written as ``会(?<![机社]会)``, ``(?:你|您)的`` as ``你的|您的`` and
    ``(?:与债务)?无关`` as ``与债务无关|无关``:
    the same matches, but ``re`` looks for a slot's first characters with a fast filter
    only when every word opens on one, and a slot that opens a frame is otherwise tried
    at every character of a letter."""
    if "(" not in word:  # a plain word opens on its character already
        return word
    alternatives = _alternatives(word)
    if len(alternatives) > 1:
        return "|".join(map(opening_on_a_character, alternatives))
    grouped = _LEADING_GROUP.match(word)
    if grouped is not None:
        rest = word[grouped.end() :]
        options = _alternatives(grouped["inner"]) + ([""] if grouped["optional"] else [])
        if (len(options) - 1) * len(rest) <= _COPIES:
            behind = grouped["behind"]
            return "|".join(opening_on_a_character(behind + each + rest) for each in options)
    opened = _OPENING.match(word)
    if opened is None:
        return word
    first = opened["first"]
    behind = "".join(
        f"(?<{each['sign']}{each['body']}{first})"
        for each in re.finditer(_LOOKBEHIND, opened["behind"])
    )
    return first + behind + word[opened.end() :]


def _quoted(part: str) -> tuple[str, bool]:
    """A quoted part's regex (folded) and whether it is optional (``'"的人|里的人"?'``)."""
    optional = part.endswith("?")
    return fold_chinese(part[1 : -2 if optional else -1]), optional


def _alternatives(regex: str) -> list[str]:
    """A regex's top-level alternatives: its ``|`` outside groups and character classes."""
    if "|" not in regex:  # most slot words: nothing to split
        return [regex]
    found: list[str] = []
    depth, start = 0, 0
    for token in _STRUCTURE.finditer(regex):
        mark = token.group()
        if mark == "(":
            depth += 1
        elif mark == ")":
            depth -= 1
        elif mark == "|" and depth == 0:
            found.append(regex[start : token.start()])
            start = token.end()
    found.append(regex[start:])
    return found


def _frames_dir() -> Path:
    return Path(str(resources.files("dunletters.lint") / "frames"))


def _shared_path() -> Path:
    return _frames_dir() / "shared" / "words.yml"


def _read_yaml(path: Path) -> object:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"框架文件 {path.name} 无法读取：{error}") from None


def load_shared_words(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """The vocabularies frames files share (``'@kin'`` in a slot), by name."""
    path = _shared_path() if path is None else path
    data = _read_yaml(path)
    if not isinstance(data, dict) or not all(
        isinstance(words, list) and all(isinstance(w, str) for w in words)
        for words in data.values()
    ):
        raise ConfigError(f"共用词表 {path.name} 无效：应为「名称: [词, …]」的映射")
    return {str(name): tuple(words) for name, words in data.items()}


def _expand(data: object, shared: dict[str, tuple[str, ...]], name: str) -> object:
    """A frames file's data with each ``'@name'`` in its slots replaced by that shared
    vocabulary (a word listed twice is kept once, where it first appears)."""
    if not isinstance(data, dict) or not isinstance(data.get("words"), dict):
        return data  # the model's validation reports what is wrong
    words: dict[str, object] = {}
    for slot, entries in data["words"].items():
        if not isinstance(entries, list):
            words[slot] = entries
            continue
        expanded: list[object] = []
        for entry in entries:
            if isinstance(entry, str) and entry.startswith("@"):
                if entry[1:] not in shared:
                    raise ConfigError(
                        f"框架文件 {name} 的词槽 {slot} 用了未定义的共用词表「{entry}」"
                    )
                expanded.extend(shared[entry[1:]])
            else:
                expanded.append(entry)
        words[slot] = list(dict.fromkeys(expanded))
    return {**data, "words": words}


def load_frame_file(path: Path, shared: dict[str, tuple[str, ...]] | None = None) -> FrameFile:
    """Read and validate one frames file; errors name the file and the key."""
    data = _read_yaml(path)
    try:
        source = FrameFile.model_validate(
            _expand(data, load_shared_words() if shared is None else shared, path.name)
        )
    except ValidationError as error:
        raise ConfigError(describe_validation(error, f"框架文件 {path.name} 无效：")) from None
    try:
        CompiledFrames(source, {}, {}).compile_all()
    except re.error as error:
        raise ConfigError(f"框架文件 {path.name} 无效：正则表达式错误：{error}") from None
    return source


def _literals(fragment: str, table: dict[str, list[str] | None] | None) -> frozenset[str] | None:
    """A part's required literals, from ``table`` (the cache) or worked out and added."""
    if table is not None and fragment in table:
        known = table[fragment]
        return None if known is None else frozenset(known)
    found = required_literals(fragment)
    if table is not None:
        table[fragment] = None if found is None else sorted(found)
    return found


def _automaton(literals: dict[str, int]) -> ahocorasick_rs.AhoCorasick | None:
    keys = sorted(literals, key=literals.__getitem__)
    return ahocorasick_rs.AhoCorasick(keys) if keys else None


Anchors = tuple[int, frozenset[int]]
"""The anchors found in a text: as a bit mask, and as their numbers."""


def _anchors_in(search: ahocorasick_rs.AhoCorasick | None, text: str) -> Anchors:
    """The anchors that occur in ``text`` (lower-cased, as anchors are)."""
    if search is None:
        return 0, frozenset()
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text  # 'İ' lengthens; the anchors are lower-case ASCII or Chinese
    numbers = frozenset(m[0] for m in search.find_matches_as_indexes(lowered, overlapping=True))
    mask = 0
    for number in numbers:
        mask |= 1 << number
    return mask, numbers


class FrameSet:
    """Every rule's frames, with one anchor pass per text for all of them."""

    def __init__(
        self,
        sources: Sequence[FrameFile],
        anchors: dict[str, list[str] | None] | None = None,
        parts: dict[str, dict[str, str]] | None = None,
    ) -> None:
        literals: dict[str, int] = {}
        built = parts or {}
        self.by_code = {
            source.rule: CompiledFrames(source, literals, anchors, built.get(source.rule))
            for source in sources
        }
        self._search = _automaton(literals)

    def find(self, view: TextView, code: str) -> list[FrameMatch]:
        """The frames of rule ``code`` found in the text."""
        frames = self.by_code.get(code)
        if frames is None:
            return []
        present = view.scans.get(id(self))
        if present is None:
            present = view.scans[id(self)] = _anchors_in(self._search, view.match_text)
        return frames.find(view, present)


@cache
def _builtin_set() -> FrameSet:
    """The built-in frames: parsed from YAML once, then read from the user cache (as
    the phrase lists are, see lint/lexicon/loading.py), keyed by the files' digests."""
    paths = sorted(_frames_dir().glob("*.yml"))
    sources = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}
    sources["shared/words.yml"] = hashlib.sha256(_shared_path().read_bytes()).hexdigest()
    # This module's own text is in the key: it decides how a part's regex is written and
    # what the cache holds, so any change to it (the cache's format included) is a new key.
    builder = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    parts = [reads_parser(), folding_digest(), builder, sorted(sources.items())]
    key = json.dumps(parts).encode("utf-8")
    cached = lexicon_cache_dir() / f"frames-{hashlib.sha256(key).hexdigest()[:32]}.json"
    try:
        data = json.loads(cached.read_text(encoding="utf-8"))
        if data.get("sources") == sources:
            files = [FrameFile.model_validate(item) for item in data["files"]]
            return FrameSet(files, data["anchors"], data["parts"])
    except (OSError, ValueError, KeyError, ValidationError):
        pass
    shared = load_shared_words()
    files = [load_frame_file(path, shared) for path in paths]
    anchors: dict[str, list[str] | None] = {}
    built: dict[str, dict[str, str]] = {}
    for source in files:  # fills ``anchors`` with every part's literals, and builds the parts
        built[source.rule] = CompiledFrames(source, {}, anchors)._parts
    document = {
        "sources": sources,
        "files": [f.model_dump(mode="json", by_alias=True) for f in files],
        "anchors": anchors,
        "parts": built,
    }
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, cached)
    except OSError:
        pass  # a read-only home: parse the YAML files on every run instead
    return FrameSet(files, anchors, built)


def builtin_frames() -> dict[str, CompiledFrames]:
    """The built-in frames, by rule code."""
    return _builtin_set().by_code


def frames_for(code: str) -> CompiledFrames | None:
    """A rule's frames, or None."""
    return builtin_frames().get(code)


def frame_hits(view: TextView, code: str) -> Sequence[FrameMatch]:
    """The frames of rule ``code`` found in the text (one anchor pass for all rules)."""
    return _builtin_set().find(view, code)
