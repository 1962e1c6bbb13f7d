"""One account from a JSON object's bytes: the loader behind ``render record.json``,
``preview --record`` and the preview server's upload.

The checks are the same wherever the bytes came from; only the words naming the
source differ (a file's path, or "上传的记录"). Errors name the line or the field,
never a value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dunletters.cells import record_cells
from dunletters.errors import InputError
from dunletters.models import Account, parse_account

__all__ = ["UPLOAD", "RecordOrigin", "account_from_json", "file_origin"]


@dataclass(frozen=True)
class RecordOrigin:
    """Where a record's bytes came from, as its error messages name it."""

    source: str
    """Names the record in field errors (the path, or 上传的记录)."""
    encoding: str
    not_utf8: str
    bad_json: Callable[[int, str], str]
    """The message for a syntax error at a line, with the JSON parser's own words."""
    too_deep: str
    not_object: str


def file_origin(path: Path) -> RecordOrigin:
    """A record file named on the command line: messages start with its path."""
    return RecordOrigin(
        source=str(path),
        encoding="utf-8",
        not_utf8=f"{path}：不是 UTF-8 编码的 JSON 文件",
        bad_json=lambda line, reason: f"{path}:{line}: 不是有效的 JSON（{reason}）",
        too_deep=f"{path}：不是有效的 JSON（数字过长或嵌套过深）",
        not_object=f"{path}：须为一个 JSON 对象（一条账户记录）",
    )


UPLOAD = RecordOrigin(
    source="上传的记录",
    encoding="utf-8-sig",
    not_utf8="上传的记录不是 UTF-8 编码的 JSON 文件",
    bad_json=lambda line, reason: f"上传的记录第{line}行不是有效的 JSON（{reason}）",
    too_deep="上传的记录不是有效的 JSON（数字过长或嵌套过深）",
    not_object="上传的记录须为一个 JSON 对象（一条账户记录）",
)
"""A record uploaded to the preview server (a byte-order mark from Notepad is accepted)."""


def account_from_json(data: bytes, as_of: date, origin: RecordOrigin) -> Account:
    """A JSON object's bytes → an account, checked as a batch checks a row."""
    try:
        payload = json.loads(data.decode(origin.encoding))
    except UnicodeDecodeError:
        raise InputError(origin.not_utf8) from None
    except json.JSONDecodeError as error:
        raise InputError(origin.bad_json(error.lineno, error.msg)) from None
    except (ValueError, RecursionError):
        # A number of thousands of digits, or nesting thousands deep (D-31).
        raise InputError(origin.too_deep) from None
    if not isinstance(payload, dict):
        raise InputError(origin.not_object)
    cells = record_cells(payload, source=origin.source)
    return parse_account(cells, as_of=as_of, source=origin.source)
