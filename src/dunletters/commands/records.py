"""Files of the one-record commands: a record read from JSON, a document written owner-only.

Shared by ``render``, ``preview --record`` and ``lint --record``.
"""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

from dunletters.errors import InputError
from dunletters.models import Account
from dunletters.record_json import account_from_json, file_origin

__all__ = ["RECORD_FILE_LIMIT", "load_record", "write_private"]


def write_private(path: Path, data: bytes) -> None:
    """Write a rendered document owner-only (0600, whatever the umask or an existing
    file's mode): it holds a record's name and account facts (D-33)."""
    from dunletters.batch.storage import write_error

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), 0o600)
            stream.write(data)
    except OSError as error:
        raise write_error(path, error) from None


RECORD_FILE_LIMIT = 1_000_000
"""Largest record file (bytes): one account is a few hundred (the preview's upload limit)."""


def _read_record_file(path: Path) -> bytes:
    """A record file's bytes: a regular file of bounded size (a FIFO would block, a device
    or a huge file never end)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # before opening: a FIFO's open blocks
            raise InputError(f"{path}：不是普通文件（管道或设备），请给出 JSON 文件")
        with path.open("rb") as stream:
            data = stream.read(RECORD_FILE_LIMIT + 1)
    except OSError as error:
        raise InputError(f"无法读取记录文件 {path}：{error.strerror}") from None
    if len(data) > RECORD_FILE_LIMIT:
        raise InputError(f"{path}：记录文件过大（一条账户记录应在 1 MB 以内）")
    return data


def load_record(path: Path, as_of: date) -> Account:
    """One account from a JSON object file; errors name the file and fields only."""
    return account_from_json(_read_record_file(path), as_of, file_origin(path))
