"""Version gates for the few speed-ups that lean on a library's internals.

A speed-up that reads or sets a library's private attributes is right only for the
versions it was written against; pyproject pins the same ranges. Outside them the
caller takes the library's plain public path, and :func:`stand_down` says so with a
warning: the output stays the same, only slower, and an upgrade must not make every
batch slower without a word.
"""

from __future__ import annotations

import re
import warnings

__all__ = ["LibraryVersionWarning", "stand_down", "within"]

_NUMBERS = re.compile(r"\d+(?:\.\d+)*")


class LibraryVersionWarning(UserWarning):
    """A library's version is outside a speed-up's range: its plain path runs instead."""


def _parts(version: str) -> tuple[int, ...]:
    """The leading numbers of a version (``"3.1.6"`` → (3, 1, 6); ``"2.15.0b1"`` → (2, 15, 0))."""
    found = _NUMBERS.match(version.strip())
    return tuple(int(part) for part in found[0].split(".")) if found else ()


def within(version: str, lowest: str, below: str) -> bool:
    """Whether ``lowest <= version < below`` (release numbers only).

    >>> within("3.1.6", "3.1.4", "3.2"), within("3.2.0", "3.1.4", "3.2"), within("x", "1", "2")
    (True, False, False)
    """
    parts = _parts(version)
    return bool(parts) and _parts(lowest) <= parts < _parts(below)


def stand_down(what: str, library: str, version: str, lowest: str, below: str) -> None:
    """Warn that ``what`` runs the library's plain path for this version."""
    warnings.warn(
        f"{library} {version}：{what}只适用于 {lowest} 及以上、低于 {below} 的版本，"
        "现改用该库的常规做法（结果相同，只是较慢）",
        LibraryVersionWarning,
        stacklevel=3,
    )
