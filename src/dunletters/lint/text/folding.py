"""Full-width ASCII folded to half-width, offsets kept: how phrases and texts are compared."""

from __future__ import annotations

import re

__all__ = ["fold"]

_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


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
