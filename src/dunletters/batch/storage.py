"""Where the batch writes: files that exist whole or not at all, the output folder's
lock, and a clear, resumable error when an output can't be written.

A full disk, a file-size limit (``ulimit -f``), a read-only mount, a missing write
permission or a file where a folder should be stop the batch with
:class:`OutputError` (exit status 2). The message is Chinese first, names the path
(for files named after an account, only their folder: the account id is record
data) and the cause, never a record value. Whatever the journal had committed
stays; running the same command again finishes the batch.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import IO

from dunletters.errors import DunlettersError, ExitStatus, InputError

__all__ = [
    "LOCK_NAME",
    "OUTPUT_NAMES",
    "OutputError",
    "atomic_file",
    "atomic_write",
    "journal_error",
    "lock_out",
    "os_reason",
    "remove_stale_temps",
    "sync_folder",
    "unlock_fresh",
    "write_error",
]

_RESUME = "已写好的部分都记在批处理日志中，修复后用相同命令继续即可"

_OS_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EFBIG: "文件超过允许的大小（ulimit -f）",
    errno.EACCES: "没有写权限",
    errno.EPERM: "没有写权限",
    errno.EROFS: "文件系统只读",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EEXIST: "路径中已有同名文件",
    errno.EISDIR: "目标是一个文件夹",
    errno.EIO: "磁盘读写错误",
    errno.ELOOP: "路径是符号链接（为安全起见不跟随）",
}

_SQLITE_REASONS = {
    "SQLITE_FULL": "磁盘空间不足",
    "SQLITE_IOERR": "磁盘读写失败（空间不足、文件大小限制或磁盘故障）",
    "SQLITE_READONLY": "文件或文件夹只读，或没有写权限",
    "SQLITE_CANTOPEN": "无法打开或创建（检查文件夹是否存在、是否有写权限）",
    "SQLITE_PERM": "没有写权限",
    "SQLITE_BUSY": "正被另一个进程使用",
    "SQLITE_LOCKED": "正被另一个进程使用",
}


class OutputError(DunlettersError):
    """An output could not be written (disk full, permissions): the run stops, resumable."""

    exit_status = ExitStatus.USAGE


def os_reason(error: OSError) -> str:
    """The cause of a failed write in Chinese, with the errno name (``磁盘空间不足（ENOSPC）``)."""
    code = error.errno or 0
    name = errno.errorcode.get(code, str(code))
    return f"{_OS_REASONS.get(code, error.strerror or type(error).__name__)}（{name}）"


def write_error(shown: Path | str, error: OSError) -> OutputError:
    """The error for a file or folder that could not be written."""
    return OutputError(f"无法写入 {shown}：{os_reason(error)}。{_RESUME}")


def journal_error(path: Path, error: sqlite3.Error) -> OutputError:
    """The error for a SQLite file (journal, 函号 sequences) that could not be written."""
    name = getattr(error, "sqlite_errorname", None) or type(error).__name__
    base = next((key for key in _SQLITE_REASONS if name.startswith(key)), None)
    reason = _SQLITE_REASONS[base] if base else str(error)
    return OutputError(f"无法写入 {path}：{reason}（{name}）。{_RESUME}")


@contextmanager
def atomic_file(
    path: Path, *, private_name: bool = False, durable: bool = True
) -> Iterator[IO[bytes]]:
    """A file that, once the block ends, exists whole or not at all (temp + fsync + rename).

    Any OS error (disk full, file-size limit, permissions, a file where a folder
    should be) removes the temp file and raises :class:`OutputError` naming the
    path — only its folder when ``private_name`` (a file named after an account).
    ``durable=False`` skips the fsync: the caller makes many files durable at once
    (:func:`sync_folder`) before it records them.
    """
    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.replace(temp, path)
        temp = None
    except OSError as error:
        raise write_error(f"{path.parent}{os.sep}" if private_name else path, error) from None
    finally:
        if temp is not None:
            with suppress(OSError):
                os.unlink(temp)


def atomic_write(
    path: Path, data: bytes, *, private_name: bool = False, durable: bool = True
) -> None:
    """Write a file so that it either exists whole or not at all (see :func:`atomic_file`)."""
    with atomic_file(path, private_name=private_name, durable=durable) as stream:
        stream.write(data)


def sync_folder(folder: Path) -> None:
    """Make everything written under ``folder`` durable: one ``syncfs`` of its filesystem.

    Letters are written without an fsync each (~4 ms of wall time per file on this
    machine's disk, a twenty-fifth of a letter) and made durable together, once per
    journal commit, before the commit that names them: after a power cut a committed
    ``written`` row still has its file. ``syncfs`` (Linux) flushes one filesystem;
    elsewhere :func:`os.sync` flushes them all.
    """
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError as error:
        raise write_error(folder, error) from None
    try:
        syncfs = _syncfs()
        if syncfs is None or syncfs(handle) != 0:
            os.sync()
    finally:
        os.close(handle)


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """libc's ``syncfs``, looked up when first needed (ctypes takes ~10–30 ms to import,
    and a run that writes no letter or quarantined file never syncs)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        function: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    return function


LOCK_NAME = "journal.sqlite.lock"
"""The output folder's lock file (named with the journal: not an output)."""

OUTPUT_NAMES = frozenset(
    {
        "sms.csv",
        "holds.csv",
        "rejects.csv",
        "manifest.jsonl",
        "summary.json",
        "summary.html",
        "journal.sqlite",
        "journal.sqlite-wal",
        "journal.sqlite-shm",
        "journal.sqlite-journal",
        LOCK_NAME,
        "letters",
        "print",
        "quarantine",
        "dry-run",
    }
)
"""What a run writes at the top of its output folder (files, and folders it owns whole)."""


def lock_out(out: Path) -> int:
    """Take the output folder for this run: an exclusive ``flock`` on its lock file.

    A second run on the same folder (a cron overlap, a double start) stops at once
    with the first one's pid and start time instead of mixing two journals (D-14).
    The lock goes with the process: a run that fails or is killed leaves nothing
    locked. Returns the lock file's descriptor (closing it releases the lock).
    """
    import fcntl

    path = out / LOCK_NAME
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise write_error(out, error) from None
    try:
        # O_NOFOLLOW: a symlink planted as the lock file must not get another file truncated.
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        raise write_error(path, error) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(handle, 200, 0).decode("utf-8", "replace").split()
        os.close(handle)
        who = (
            f"进程 {holder[0]}，{holder[1]} 开始"
            if len(holder) >= 2 and holder[0].isdigit()
            else "进程号未知"
        )
        raise InputError(
            f"输出目录 {out} 正被另一批次使用（{who}）：请等它结束后再运行，或换一个 --out 目录"
        ) from None
    except OSError as error:
        os.close(handle)
        raise write_error(path, error) from None
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    os.ftruncate(handle, 0)
    os.pwrite(handle, f"{os.getpid()} {started}\n".encode(), 0)
    return handle


def unlock_fresh(locked: Path, made: list[Path]) -> None:
    """Remove the lock file and the folders a run made for itself when it is refused
    before writing anything: a refused run leaves no output folder behind."""
    (locked / LOCK_NAME).unlink(missing_ok=True)
    for folder in reversed(made):
        try:
            folder.rmdir()  # only when empty: never anything a user put there
        except OSError:
            return


_TEMP = re.compile(r"\.(?P<name>[^/]+)\.[A-Za-z0-9_]{8}\.tmp")
"""A temp file :func:`atomic_file` makes (``mkstemp``: the target's name, 8 random characters)."""


def remove_stale_temps(out: Path) -> None:
    """Temp files of an interrupted write (kill -9 between create and rename) — only ours.

    Only in the folders the run writes, and only named as :func:`atomic_file` names
    them for an output of that folder: a ``.notes.tmp`` of the user's is never
    touched (D-13).
    """
    top = OUTPUT_NAMES.__contains__
    folders: list[tuple[Path, Callable[[str], bool]]] = [
        (out, top),
        (out / "dry-run", top),
        (out / "print", _is_print_file),
        (out / "quarantine", _anything),
    ]
    folders += [(stage, _is_pdf) for stage in _subfolders(out / "letters")]
    for folder, ours in folders:
        for path in _entries(folder):
            found = _TEMP.fullmatch(path.name)
            if found and ours(found["name"]) and path.is_file() and not path.is_symlink():
                with suppress(OSError):
                    path.unlink()


def _is_pdf(name: str) -> bool:
    return name.endswith(".pdf")


def _is_print_file(name: str) -> bool:
    """A print part's PDF or its page list (``print/{stage}-{number:03d}.csv``)."""
    return name.endswith((".pdf", ".csv"))


def _anything(name: str) -> bool:
    return True


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _subfolders(folder: Path) -> list[Path]:
    return [path for path in _entries(folder) if path.is_dir() and not path.is_symlink()]
