"""Full-width ASCII to half-width, traditional to simplified Chinese, Taiwan and Hong Kong
words to mainland ones, and written Cantonese to Mandarin, offsets kept: how phrases and
texts are compared."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

__all__ = ["fold", "fold_cantonese", "fold_chinese", "folding_digest"]

_FULLWIDTH_CHARS = (
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ＄－．／＠［］＿｛｝\u3000"
)
"""Full-width letters, digits and code-like symbols; Chinese punctuation (，。：；！？（）)
is how Chinese is written and stays as it is."""

_DATA = ("t2s.txt", "tw2cmn.txt", "yue2cmn.txt")


def _rows(name: str) -> Iterator[list[str]]:
    """A data file's rows, split at tabs, without its comment lines."""
    data = resources.files("dunletters.lint.text").joinpath(name)
    for line in data.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


@cache
def _tables() -> tuple[re.Pattern[str], dict[int, int], dict[int, int]]:
    """The pattern that finds anything to fold, and the two translation tables.

    The pattern also finds a Cantonese-only character, so a text with nothing to fold
    costs one class search, Cantonese fold included."""
    half = {ord(c): (0x20 if c == "\u3000" else ord(c) - 0xFEE0) for c in _FULLWIDTH_CHARS}
    simplified: dict[int, int] = {}
    for traditional, chars in _rows("t2s.txt"):
        simplified.update(zip(map(ord, traditional), map(ord, chars), strict=True))
    gate = _cantonese()[0]
    return (
        re.compile(f"[{_ranges(half.keys() | simplified.keys() | set(map(ord, gate)))}]"),
        half | simplified,
        simplified,
    )


@cache
def _cantonese() -> tuple[str, re.Pattern[str], dict[str, str]]:
    """Cantonese-only characters, the pattern of every word or character the Cantonese
    fold rewrites (longer words first, so a word wins over the characters inside it), and
    what each becomes."""
    gate: list[str] = []
    mandarin: dict[str, str] = {}
    for cantonese, folded, kind, _why in _rows("yue2cmn.txt"):
        if len(cantonese) != len(folded) or (kind == "word") != (len(cantonese) > 1):
            raise ValueError(f"yue2cmn.txt: {cantonese} is not folded length for length")
        if kind == "gate":
            gate.append(cantonese)
        mandarin[cantonese] = folded
    words = sorted((w for w in mandarin if len(w) > 1), key=len, reverse=True)
    chars = "".join(c for c in mandarin if len(c) == 1)
    pattern = re.compile("|".join([*words, f"[{re.escape(chars)}]"]))
    return "".join(gate), pattern, mandarin


@cache
def _mainland() -> tuple[re.Pattern[str], dict[str, str]]:
    """The Taiwan and Hong Kong words that mainland texts write otherwise (tw2cmn.txt),
    and what each becomes."""
    words: dict[str, str] = {}
    for word, mainland, _why in _rows("tw2cmn.txt"):
        if len(word) != len(mainland):
            raise ValueError(f"tw2cmn.txt: {word} is not folded length for length")
        words[word] = mainland
    return re.compile("|".join(sorted(words, key=len, reverse=True))), words


def _fold_words(text: str) -> str:
    """A simplified text's Taiwan and Hong Kong words to mainland ones (tw2cmn.txt)."""
    pattern, words = _mainland()
    if pattern.search(text) is None:
        return text
    return pattern.sub(lambda match: words[match.group()], text)


def _ranges(codes: set[int]) -> str:
    """A character class's body with runs written as ranges (一-龥), so re tests it fast."""
    ordered = sorted(codes)
    body = []
    start = 0
    for index, code in enumerate(ordered):
        if index + 1 == len(ordered) or ordered[index + 1] != code + 1:
            first = re.escape(chr(ordered[start]))
            body.append(first if start == index else f"{first}-{re.escape(chr(code))}")
            start = index + 1
    return "".join(body)


def fold(text: str) -> str:
    """Full-width letters, digits and code-like symbols to half-width, traditional
    Chinese characters to simplified, Taiwan and Hong Kong words to mainland ones, and a
    Cantonese text's words to Mandarin; length unchanged, so offsets still point into the
    original. Phrase lists and frames are folded the same way, so a list written in
    Mandarin finds a text written in traditional characters or in Cantonese (「後果自負」
    is 「后果自负」, 「唔還錢」 is 「不还钱」, 「緊急聯絡人」 is 「紧急联系人」).

    >>> fold("ＤＰＤ　１２，＿＿")
    'DPD 12，__'
    >>> fold("再不還錢，後果自負")
    '再不还钱，后果自负'
    >>> fold("再唔還錢，我哋就上你屋企")
    '再不还钱，我们就去你家里'
    >>> fold("已聯絡您的緊急聯絡人")
    '已联系您的紧急联系人'
    """
    anything, table, _ = _tables()
    if anything.search(text) is None:
        return _fold_words(text)
    folded = _fold_words(text.translate(table))
    gate = _gate()
    if gate.search(folded) is None:
        return folded
    return fold_cantonese(folded)


@cache
def _gate() -> re.Pattern[str]:
    """Any Cantonese-only character: whether a text is folded from Cantonese."""
    return re.compile(f"[{_ranges(set(map(ord, _cantonese()[0])))}]")


def fold_cantonese(text: str) -> str:
    """A simplified text's Cantonese words and characters to Mandarin, whether or not it
    holds a Cantonese-only character (:func:`fold` checks that first); same length."""
    _, pattern, mandarin = _cantonese()
    return pattern.sub(lambda match: mandarin[match.group()], text)


def fold_chinese(pattern: str) -> str:
    """Traditional characters of a regular-expression fragment to simplified, its Taiwan
    and Hong Kong words to mainland ones, and its Cantonese-only characters to Mandarin
    (full-width symbols are left alone: ［ folded to [ would change what the pattern
    means; Cantonese words are left alone: 拉人 is a Mandarin word too, read as 抓人 only
    in a Cantonese text)."""
    folded = pattern.translate(_tables()[2]).translate(_gate_table())
    for word, mainland in _mainland()[1].items():
        folded = folded.replace(word, mainland)
    return folded


@cache
def _gate_table() -> dict[int, int]:
    """Each Cantonese-only character to its Mandarin twin."""
    gate, _, mandarin = _cantonese()
    return {ord(c): ord(mandarin[c]) for c in gate}


@cache
def folding_digest() -> str:
    """The folding tables' digest: caches of folded lists and frames are keyed by it."""
    digest = hashlib.sha256()
    for name in _DATA:
        digest.update(resources.files("dunletters.lint.text").joinpath(name).read_bytes())
    return digest.hexdigest()[:16]
