"""What a batch run is asked to do (:class:`BatchOptions`) and what it reports back."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dunletters.config import Settings
from dunletters.errors import ExitStatus

__all__ = ["BatchOptions", "BatchResult", "numbers_file", "prints", "worker_out"]


@dataclass(frozen=True)
class BatchOptions:
    """What ``dunletters batch`` was asked to do."""

    input: Path
    out: Path
    as_of: date
    channels: tuple[str, ...] = ("letter", "sms")
    workers: int = 1
    template_dirs: tuple[Path, ...] = ()
    encoding: str | None = None
    sheet: str | None = None
    dry_run: bool = False
    resume: bool = False
    numbers_file: Path | None = None
    print_files: bool = True
    """Also write print/{stage}.pdf: the stage's letters in one file for mass mailing."""
    ignore_columns: tuple[str, ...] = ()
    """Input headers to skip, besides ``[batch] ignore_columns`` (``--ignore-column``)."""
    header_row: int | None = None
    """The header's row number (``--header-row``); None: found among the first rows."""
    demo: bool = False
    """A demonstration: the examples' creditor (or none configured) is allowed."""
    executor: str = "process"
    """Where jobs run: ``process`` (this machine's processes) or ``dask`` (``--executor``)."""
    dask_scheduler: str | None = None
    """``--dask-scheduler``: join this cluster; None: a local cluster of ``workers``."""
    dask_dashboard: bool = False
    """``--dask-dashboard``: serve Dask's dashboard (off by default)."""
    worker_writes: bool = False
    """``--worker-writes``: workers write the files to ``out`` themselves (shared storage);
    the driver checks them before it commits (also ``[batch] worker_writes``)."""
    allow_unreviewed: bool = False
    """Render templates whose body has no approval (``--allow-unreviewed``)."""


@dataclass
class BatchResult:
    """Counts of a finished run, and the exit status they imply."""

    counts: dict[str, int] = field(default_factory=dict)
    out: Path = Path()
    resumed: bool = False
    executor: str = ""
    """Where the jobs ran, and on how many workers (for the closing line)."""

    @property
    def exit_status(self) -> ExitStatus:
        """1 when anything was rejected or quarantined, else 0."""
        if self.counts.get("rejected", 0) or self.counts.get("quarantined", 0):
            return ExitStatus.FINDINGS
        return ExitStatus.OK


def prints(options: BatchOptions) -> bool:
    """Whether the run writes print files (only a real run with letters can)."""
    return options.print_files and not options.dry_run and "letter" in options.channels


def worker_out(settings: Settings, options: BatchOptions) -> str | None:
    """Where workers write their files themselves (``--worker-writes`` or ``[batch]
    worker_writes``; the same absolute path on every machine), or None: the driver does."""
    if options.worker_writes or settings.batch.worker_writes:
        return os.path.abspath(options.out)
    return None


def numbers_file(options: BatchOptions) -> Path:
    """The 函号 allocator's file (the contact ledger's default home is beside it)."""
    return options.numbers_file or options.out.parent / "letter-numbers.sqlite"
