"""When an output can't be written: one clear line naming the path, and a resumable run.

A full disk, a file-size limit (``ulimit -f``), a read-only mount, a missing write
permission or a file where a folder should be stop the batch with
:class:`OutputError` (exit status 2). The message is Chinese first, names the path
(for files named after an account, only their folder: the account id is record
data) and the cause, never a record value. Whatever the journal had committed
stays; running the same command again finishes the batch.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from dunletters.errors import DunlettersError, ExitStatus

__all__ = ["OutputError", "journal_error", "os_reason", "write_error"]

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
