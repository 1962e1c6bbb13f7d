"""Full-width ASCII to half-width and traditional to simplified Chinese, offsets kept: how
phrases and texts are compared."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

__all__ = ["fold", "fold_chinese"]

_FULLWIDTH_CHARS = (
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ＄－．／＠［］＿｛｝\u3000"
)
"""Full-width letters, digits and code-like symbols; Chinese punctuation (，。：；！？（）)
is how Chinese is written and stays as it is."""


@cache
def _tables() -> tuple[re.Pattern[str], dict[int, int], dict[int, int]]:
    """The pattern that finds anything to fold, and the two translation tables."""
    half = {ord(c): (0x20 if c == "\u3000" else ord(c) - 0xFEE0) for c in _FULLWIDTH_CHARS}
    simplified: dict[int, int] = {}
    data = resources.files("dunletters.lint.text").joinpath("t2s.txt")
    for line in data.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            traditional, chars = line.split("\t")
            simplified.update(zip(map(ord, traditional), map(ord, chars), strict=True))
    return (
        re.compile(f"[{_ranges(half.keys() | simplified.keys())}]"),
        half | simplified,
        simplified,
    )


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
    """Full-width letters, digits and code-like symbols to half-width, and traditional
    Chinese characters to simplified; length unchanged, so offsets still point into the
    original. Phrase lists and frames are folded the same way, so a list written in either
    script finds a text written in either (「後果自負」 is 「后果自负」).

    >>> fold("ＤＰＤ　１２，＿＿")
    'DPD 12，__'
    >>> fold("再不還錢，後果自負")
    '再不还钱，后果自负'
    """
    anything, table, _ = _tables()
    if anything.search(text) is None:
        return text
    return text.translate(table)


def fold_chinese(pattern: str) -> str:
    """Traditional characters of a regular-expression fragment to simplified (full-width
    symbols are left alone: ［ folded to [ would change what the pattern means)."""
    return pattern.translate(_tables()[2])
