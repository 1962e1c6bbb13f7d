"""Whether the accelerator is on for the render in progress (a renderer sets it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["active", "enabled"]

_ACTIVE: ContextVar[bool] = ContextVar("dunletters_pdf_accel", default=False)


def active() -> bool:
    """True inside :func:`enabled` (True): patched code takes its fast path."""
    return _ACTIVE.get()


@contextmanager
def enabled(on: bool) -> Iterator[None]:
    """Turn the installed patches on (or off) for the code run inside."""
    token = _ACTIVE.set(on)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
