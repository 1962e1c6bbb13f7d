"""The batch's public entry: :func:`run_batch` and what its callers pass and get back.

A run goes through stages, each in its own module: :mod:`~dunletters.batch.checks`
(before anything is created), :mod:`~dunletters.batch.intake` (read, validate,
decide, record), :mod:`~dunletters.batch.run` (production in print parts and commits,
resume), :mod:`~dunletters.batch.finish` (the outputs rebuilt from the journal), with
:mod:`~dunletters.batch.storage` and :mod:`~dunletters.batch.files` writing the files
and :mod:`~dunletters.batch.progress` reporting.
"""

from __future__ import annotations

from dunletters.batch.options import BatchOptions, BatchResult
from dunletters.batch.progress import plain_progress
from dunletters.batch.run import make_executor, run_batch, run_spec
from dunletters.batch.storage import LOCK_NAME, OutputError, atomic_file, atomic_write

__all__ = [
    "LOCK_NAME",
    "BatchOptions",
    "BatchResult",
    "OutputError",
    "atomic_file",
    "atomic_write",
    "make_executor",
    "plain_progress",
    "run_batch",
    "run_spec",
]
