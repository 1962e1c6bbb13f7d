"""pydyf 0.13: a Flate level per file instead of level 9 for every stream.

Single letters are written at :data:`LETTER_FLATE_LEVEL`, print files at
:data:`PRINT_FLATE_LEVEL`; level 9 costs several times level 3 for ~1 % of size
(benchmarks/NOTES.md, "compression"). pydyf has no option for it, so its ``zlib``
is wrapped; outside :func:`flate_level` streams keep pydyf's own level.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

__all__ = ["LETTER_FLATE_LEVEL", "PRINT_FLATE_LEVEL", "flate_level", "install"]

LETTER_FLATE_LEVEL = 3
PRINT_FLATE_LEVEL = 6

_LEVEL: ContextVar[int | None] = ContextVar("dunletters_flate_level", default=None)


class Zlib:
    """pydyf's view of :mod:`zlib`: ``compressobj`` capped at the level in force."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        cap = _LEVEL.get()
        return zlib.compressobj(level if cap is None else min(level, cap), *args, **kwargs)


@contextmanager
def flate_level(level: int) -> Iterator[None]:
    """Compress the streams pydyf writes inside at most at ``level``."""
    token = _LEVEL.set(level)
    try:
        yield
    finally:
        _LEVEL.reset(token)


def current_level() -> int | None:
    """The cap in force (None: pydyf's own level)."""
    return _LEVEL.get()


def install() -> None:
    """Point pydyf at :class:`Zlib` (process-wide; other pydyf users are unaffected)."""
    import pydyf

    if not isinstance(pydyf.zlib, Zlib):
        pydyf.zlib = Zlib()
