"""WeasyPrint's warnings as errors: its logger captured per render, URLs redacted.

WeasyPrint logs, rather than raises, missing fonts, bad CSS and unreachable
resources; any warning fails the render, with URLs cut to scheme and host.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Collector", "captured", "redact"]

_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*)://([^/\s'\"]*)[^\s'\"]*")
_DATA_URL = re.compile(r"(?i)\bdata:[^\s'\"]*")


def redact(message: str) -> str:
    """A WeasyPrint message without URL paths, queries or data (they may carry data)."""
    message = _URL.sub(lambda m: f"{m.group(1)}://{m.group(2)}/…", message)
    return _DATA_URL.sub("data:…", message)[:300]


class Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a bad format string in a library message
            text = str(record.msg)
        self.messages.append(f"{record.levelname}: {redact(text)}")


@contextmanager
def captured() -> Iterator[Collector]:
    """Collect the ``weasyprint`` logger's warnings and errors; keep them off stderr."""
    logger = logging.getLogger("weasyprint")
    collector = Collector()
    previous_level, previous_propagate = logger.level, logger.propagate
    logger.addHandler(collector)
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.setLevel(previous_level)
        logger.propagate = previous_propagate
