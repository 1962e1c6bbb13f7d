"""One JSON record loader for ``render record.json`` and the preview's upload (record_json).

The two callers differ only in how their messages name the source (a path, or
"上传的记录") and in the upload accepting a byte-order mark; the checks are the same.
"""

from __future__ import annotations

import codecs
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dunletters.commands.records import load_record
from dunletters.errors import InputError, RecordError
from dunletters.preview.app import parse_record_upload
from dunletters.record_json import UPLOAD, account_from_json, file_origin


def _bytes(row: dict[str, Any]) -> bytes:
    return json.dumps(row, ensure_ascii=False).encode("utf-8")


def test_a_file_and_an_upload_of_the_same_bytes_give_the_same_account(
    tmp_path: Path, row: dict[str, Any], as_of: date
) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(_bytes(row))
    from_file = load_record(path, as_of)
    assert from_file == parse_record_upload(_bytes(row), as_of)
    assert from_file.account_id == "A00000001"


@pytest.mark.parametrize(
    ("data", "upload_says", "file_says"),
    [
        (b"\xff\xfe{", "上传的记录不是 UTF-8 编码的 JSON 文件", "：不是 UTF-8 编码的 JSON 文件"),
        (b"{\n  not json", "上传的记录第2行不是有效的 JSON（", ":2: 不是有效的 JSON（"),
        (b"[1, 2]", "上传的记录须为一个 JSON 对象", "：须为一个 JSON 对象"),
        (b"[" * 100_000, "上传的记录不是有效的 JSON（数字过长或嵌套过深）", "嵌套过深"),
    ],
)
def test_both_origins_refuse_the_same_bytes_in_their_own_words(
    tmp_path: Path, as_of: date, data: bytes, upload_says: str, file_says: str
) -> None:
    # Braces in a path must reach the message as they are (no str.format on it).
    path = tmp_path / "客户{1}.json"
    with pytest.raises(InputError) as upload:
        account_from_json(data, as_of, UPLOAD)
    with pytest.raises(InputError) as from_file:
        account_from_json(data, as_of, file_origin(path))
    assert str(upload.value).startswith(upload_says)
    assert str(from_file.value).startswith(str(path)) and file_says in str(from_file.value)


def test_only_the_upload_accepts_a_byte_order_mark(
    tmp_path: Path, row: dict[str, Any], as_of: date
) -> None:
    data = codecs.BOM_UTF8 + _bytes(row)
    assert account_from_json(data, as_of, UPLOAD).account_id == "A00000001"
    with pytest.raises(InputError, match="不是有效的 JSON"):
        account_from_json(data, as_of, file_origin(tmp_path / "r.json"))


def test_field_errors_name_the_origin_and_field_never_the_value(
    tmp_path: Path, row: dict[str, Any], as_of: date
) -> None:
    row["mobile"] = "+852 9123 4567"
    for origin, named in ((UPLOAD, "上传的记录"), (file_origin(tmp_path / "r.json"), "r.json")):
        with pytest.raises(RecordError) as caught:
            account_from_json(_bytes(row), as_of, origin)
        message = str(caught.value)
        assert message.startswith(named) or f"{named}：" in message
        assert "字段 mobile" in message
        assert "9123" not in message and "张晓明" not in message
