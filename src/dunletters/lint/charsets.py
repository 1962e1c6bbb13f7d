"""The one seam where the linter reaches into the standard library's ``re``: character
classes optimised once per process, not once per pattern.

Compiling a Chinese character class (``[\\u4e00-\\u9fff]``) costs ``re`` about a
millisecond: ``re._compiler._optimize_charset`` marks the class's 21,000 characters in a
bitmap one by one, in Python. The linter's rules, lists and frames write the same few
classes hundreds of times, and a single draft's start-up paid for each of them.
:func:`install` wraps that function so that a class seen before reuses the
result: the function is pure for a case-sensitive class (no ``fixup``), and its result
is only read by the compiler, so every compiled pattern is the same as without it.

Off switch: ``DUNLETTERS_RE_ACCEL=0`` (or ``false``, ``no``, ``off``) before the linter
is imported. The seam does nothing on a Python whose ``re`` has no such function.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

ENVIRONMENT_VARIABLE = "DUNLETTERS_RE_ACCEL"
_OFF = {"0", "false", "no", "off"}
_LIMIT = 4096
"""Distinct classes remembered (the built-in rules hold about 600)."""

Optimise = Callable[..., tuple[list[Any], bool]]


def requested() -> bool:
    """Whether the environment leaves the seam on (the default)."""
    return os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() not in _OFF


def remembering(optimise: Optimise) -> Optimise:
    """``optimise`` with its case-sensitive results remembered by the class's items."""
    known: dict[tuple[Any, ...], tuple[list[Any], bool]] = {}

    def optimise_once(
        charset: list[Any], iscased: Any = None, fixup: Any = None, fixes: Any = None
    ) -> tuple[list[Any], bool]:
        if fixup is not None:  # a case-insensitive class depends on more than its items
            return optimise(charset, iscased, fixup, fixes)
        try:
            key = tuple(charset)
            found = known.get(key)
        except TypeError:  # an item that cannot be hashed: never the case in 3.11–3.13
            return optimise(charset, iscased, fixup, fixes)
        if found is None:
            if len(known) >= _LIMIT:
                known.clear()
            found = known[key] = optimise(charset, iscased, fixup, fixes)
        items, cased = found
        return list(items), cased

    optimise_once.__wrapped__ = optimise  # type: ignore[attr-defined]
    return optimise_once


def install() -> bool:
    """Wrap ``re``'s class optimiser once, unless switched off; whether it is wrapped."""
    if not requested():
        return False
    try:
        from re import _compiler as compiler  # type: ignore[attr-defined]
    except ImportError:
        return False
    current = getattr(compiler, "_optimize_charset", None)
    if current is None:
        return False
    if not hasattr(current, "__wrapped__"):
        compiler._optimize_charset = remembering(current)
    return True
