"""Progress of a batch run: the expected total as the input is read, and a reporter
that writes log lines (for a stderr that is not a terminal)."""

from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["ProgressTotal", "plain_progress"]


class ProgressTotal:
    """How many accounts a run will produce, as best known so far (for the progress bar).

    Pending accounts from an earlier run, plus those read so far, plus one for each
    input row not yet read (estimated from the file's line count, so held and
    rejected rows count until they are read); exact once the input is read.
    """

    def __init__(self, pending: int, last_row: int, lines: int) -> None:
        self.known = pending
        self.last_row = last_row
        self.rows = lines

    def read(self, pending: int, last_row: int) -> None:
        self.known += pending
        self.last_row = max(self.last_row, last_row)

    @property
    def total(self) -> int:
        return self.known + max(0, self.rows - self.last_row)


class _PlainProgress:
    """Progress as log lines (when stderr is not a terminal): one per 512 accounts and at the end.

    Jobs finish 16 SMS or a print part of up to 100 letters at a time, so a line is
    printed whenever a multiple of 512 has been passed, not only when hit exactly.
    """

    EVERY = 512

    def __init__(self) -> None:
        self.printed = 0

    def __call__(self, done: int, total: int) -> None:
        if done == total or done // self.EVERY > self.printed // self.EVERY:
            self.printed = done
            print(f"dunletters: 已生成 {done}/{total}", file=sys.stderr, flush=True)


def plain_progress() -> Callable[[int, int], None]:
    """A progress reporter that writes log lines (see :class:`_PlainProgress`)."""
    return _PlainProgress()
