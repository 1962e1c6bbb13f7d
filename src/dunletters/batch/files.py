"""A produced account's files, and each print part's: written by the driver, or by the
workers themselves (``--worker-writes``) and checked by the driver before it commits.

Either way a file is written atomically under a name that depends on the account,
stage, 函号 or print part, never on the attempt: a job run twice writes the same bytes
under the same names.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from dunletters.batch.journal import Journal
from dunletters.batch.storage import OutputError, atomic_write, sync_folder, write_error
from dunletters.produce import PartOutcome, PrintPart

__all__ = [
    "CHECK_AGAIN",
    "StoredFile",
    "StoredPart",
    "check_stored",
    "name_print_files",
    "print_path",
    "store",
    "stored",
    "write_files",
]


class StoredFile(NamedTuple):
    """A file a worker wrote (``--worker-writes``): its path in the output folder, SHA-256, size."""

    path: str
    sha256: str
    size: int


class StoredPart(NamedTuple):
    """A :class:`~dunletters.produce.PartOutcome` whose files the worker wrote: each
    account's journal update with its :class:`StoredFile` s, and the print part's."""

    outcomes: list[tuple[tuple[Any, ...], list[StoredFile]]]
    part: PrintPart | None
    print_file: StoredFile | None
    print_manifest: StoredFile | None


def stored(out: Path, made: PartOutcome) -> StoredPart:
    """Write a job's files here, in the worker, as the driver would; return what it wrote.

    The same names (from the account, stage, 函号 or print part, never the attempt),
    the same atomic write (temp name in the folder, rename; owner-only), made durable
    once for the job (:func:`sync_folder`) before the driver hears of them, as the
    driver does before its commit. A job run twice writes the same bytes under the same
    names. The driver commits the rows only after checking every file (:func:`check_stored`).
    """
    outcomes = [
        (update, [store(out, path, data) for path, data in files])
        for update, files in made.outcomes
    ]
    printed = pages = None
    if made.part is not None and made.print_file is not None:
        path = print_path(made.part)
        if made.print_manifest is not None:
            pages = store(out, path.replace(".pdf", ".csv"), made.print_manifest)
        printed = store(out, path, made.print_file)
    if printed is not None or any(files for _, files in outcomes):
        sync_folder(out)
    return StoredPart(outcomes, made.part, printed, pages)


def store(out: Path, path: str, data: bytes) -> StoredFile:
    """One file written by a worker: its folders made owner-only (the worker's umask is its
    own), the file atomically (``mkstemp``: mode 0600)."""
    target = out / path
    folder = out
    for part in Path(path).parent.parts:
        folder = folder / part
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass
        except OSError as error:
            raise write_error(folder, error) from None
    atomic_write(target, data, private_name=True, durable=False)
    return StoredFile(path, hashlib.sha256(data).hexdigest(), len(data))


CHECK_AGAIN = 1.0
"""Seconds to wait before looking again at a worker's file found missing or different:
shared storage (NFS) may show another machine's new file a moment late."""


def check_stored(out: Path, file: StoredFile) -> None:
    """A worker's file must be there with the size and SHA-256 it reported, or the run
    stops before the rows that name it are committed (resumable: they are produced again)."""
    for wait in (0.0, CHECK_AGAIN):
        time.sleep(wait)
        found = _sha256_of(out / file.path, file.size)
        if found == file.sha256:
            return
    folder = Path(file.path).parent.as_posix()
    what = "不存在" if found is None else "大小或 SHA-256 与工作节点报告的不符"
    raise OutputError(
        f"工作节点写入 {out / folder}{os.sep} 的文件{what}：请确认 --out 在每台机器上是"
        "同一个共享目录（同一路径、同一用户可读写）。已写好的部分都记在批处理日志中，"
        "修复后用相同命令继续即可"
    )


def _sha256_of(path: Path, size: int) -> str | None:
    """The file's SHA-256 if it has ``size`` bytes ("" if not), None if it cannot be read."""
    try:
        with path.open("rb") as stream:
            if os.fstat(stream.fileno()).st_size != size:
                return ""
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def print_path(part: PrintPart) -> str:
    """A print part's file, ``print/{stage}-{number:03d}.pdf`` (renamed ``print/{stage}.pdf``
    at the end when the stage has one part: :func:`name_print_files`)."""
    return f"print/{part.stage}-{part.number:03d}.pdf"


def write_files(out: Path, files: Sequence[tuple[str, bytes] | StoredFile]) -> bool:
    """Write a produced account's files (see :func:`~dunletters.produce.outputs`), not yet made durable;
    whether there were any (then they are to be synced before their rows' commit).
    A file a worker wrote (``--worker-writes``) is checked instead (:func:`check_stored`):
    the worker made it durable.

    ``private_name``: an error names the folder, never the account (its file name).
    """
    wrote = False
    for entry in files:
        if isinstance(entry, StoredFile):
            check_stored(out, entry)
        else:
            path, data = entry
            atomic_write(out / path, data, private_name=True, durable=False)
            wrote = True
    return wrote


def name_print_files(journal: Journal, out: Path) -> None:
    """``print/{stage}.pdf`` for a stage whose letters fit in one print file.

    Idempotent: a rename done before a kill (journal not yet updated) is recognised.
    """
    for stage, number, path in journal.single_print_files():
        final = f"print/{stage}.pdf"
        if path == final:
            continue
        for old, new in ((path[:-4] + ".csv", final[:-4] + ".csv"), (path, final)):
            if (out / old).exists():  # the page list first: the PDF's name is the mark
                try:
                    os.replace(out / old, out / new)
                except OSError as error:
                    raise write_error(out / new, error) from None
        with journal.transaction():
            journal.set_print_path(stage, number, final)
