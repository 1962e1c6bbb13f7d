"""The XLSX reader: a workbook's archive checked before openpyxl inflates it, then one
sheet streamed row by row.

Hostile files (an XLSX that inflates to gigabytes, a DTD, broken XML, a missing
sheet part) are a clear error, never an internal one.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from dunletters.batch.headers import (
    HEADER_SCAN,
    NO_ACCOUNT,
    HeaderMap,
    Row,
    account_column,
    find_header,
    foot_row,
    header_note,
)
from dunletters.columns import (
    lookup_table,
)
from dunletters.errors import InputError

__all__ = ["MAX_XLSX_PART", "MAX_XLSX_RATIO", "MAX_XLSX_SHEET", "xlsx_rows"]

MAX_XLSX_SHEET = 1 << 30
"""Largest uncompressed worksheet part (streamed; a sheet of ~1 million rows is ~150 MiB)."""
MAX_XLSX_PART = 128 << 20
"""Largest uncompressed other part (shared strings, styles: openpyxl reads them whole)."""
MAX_XLSX_RATIO = 200
"""Largest compression ratio of a part above 1 MiB: real sheets deflate ~5–20 times;
a zip bomb thousands of times."""


def _check_xlsx_archive(path: Path, source: str) -> list[str]:
    """Refuse zip bombs, DTDs and broken parts before openpyxl inflates anything; the sheet names.

    Returns the sheet names ``xl/workbook.xml`` lists (openpyxl silently skips a sheet
    whose part is missing).
    """
    broken = f"{source}：XLSX 文件损坏或不完整"
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                sheet = info.filename.startswith("xl/worksheets/")
                if info.file_size > (MAX_XLSX_SHEET if sheet else MAX_XLSX_PART) or (
                    info.file_size > 1 << 20
                    and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1)
                ):
                    raise InputError(
                        f"{source}：XLSX 的部件 {info.filename[:80]} 解压后过大"
                        f"（{info.file_size // (1 << 20)} MiB），疑为压缩炸弹，未读取"
                    )
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as part:
                        prolog = _xml_prolog(part)
                    if prolog is None or b"<!DOCTYPE" in prolog.upper():
                        raise InputError(
                            f"{source}：XLSX 的部件 {info.filename[:80]} 含 DTD 或实体声明，"
                            "Excel 不会写出这样的文件，未读取"
                        )
            try:
                workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            except KeyError:
                raise InputError(f"{broken}（缺少 xl/workbook.xml）") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise InputError(f"{broken}（{type(error).__name__}）") from None
    except ElementTree.ParseError:
        raise InputError(f"{broken}（xl/workbook.xml 不是完整的 XML）") from None
    return [
        str(sheet.get("name"))
        for sheet in workbook.iter()
        if sheet.tag.rsplit("}", 1)[-1] == "sheet"
    ]


_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_ROOT = re.compile(rb"<[A-Za-z_]")


def _xml_prolog(part: IO[bytes], limit: int = 1 << 20) -> bytes | None:
    """What comes before an XML part's root element (where a DTD would be; comments
    removed), or None when no root element starts within ``limit`` bytes."""
    data = b""
    while len(data) < limit:
        chunk = part.read(65536)
        data += chunk
        text = _COMMENT.sub(b"", data)
        root = _ROOT.search(text)
        if root is not None:
            return text[: root.start()]
        if not chunk:
            return text
    return None


_XLSX_ERRORS = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    EOFError,
    TypeError,
    SyntaxError,  # xml.etree.ElementTree.ParseError: a truncated or broken part
)


def xlsx_rows(
    path: Path,
    source: str,
    sheet: str | None,
    aliases: Mapping[str, str],
    ignore: Iterable[str],
    header_row: int | None,
    strict: bool = True,
) -> tuple[HeaderMap, Iterator[Row]]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputError("读取 XLSX 需要 openpyxl") from None
    listed = _check_xlsx_archive(path, source)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except _XLSX_ERRORS as error:
        raise InputError(f"{source}：XLSX 文件损坏或不完整（{type(error).__name__}）") from None
    names = "、".join(f"「{name}」" for name in workbook.sheetnames)
    lost = [name for name in listed if name not in workbook.sheetnames]
    if lost:
        workbook.close()
        raise InputError(f"{source}：工作表「{lost[0]}」的数据缺失（文件不完整）")
    notes: list[str] = []
    if sheet:
        if sheet not in workbook.sheetnames:
            workbook.close()
            raise InputError(f"{source}：没有工作表「{sheet}」（现有：{names}）")
        worksheet = workbook[sheet]
    else:
        visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
        if not visible:
            workbook.close()
            raise InputError(f"{source}：没有可见的工作表（现有：{names}），请用 --sheet 选择")
        worksheet = visible[0]
        if len(workbook.worksheets) > 1:
            notes.append(
                f"工作簿有 {len(workbook.worksheets)} 个工作表（{names}），"
                f"只读了「{worksheet.title}」；用 --sheet 选择其他工作表"
            )
    iterator = worksheet.iter_rows(values_only=True)
    try:
        first = list(itertools.islice(iterator, header_row or HEADER_SCAN))
    except _XLSX_ERRORS as error:
        workbook.close()
        raise InputError(f"{source}：XLSX 文件损坏或不完整（{type(error).__name__}）") from None
    if not first:
        workbook.close()
        raise InputError(f"{source}：工作表「{worksheet.title}」为空")
    index = find_header(first, lookup_table(aliases), header_row, source)
    header = ["" if v is None else str(v) for v in first[index]]
    try:
        header_map = HeaderMap.build(
            header, aliases, f"{source}「{worksheet.title}」", ignore, strict=strict
        )
    except InputError:
        workbook.close()
        raise
    header_map.notes[:0] = notes + header_note(index)
    id_index = account_column(header_map)

    def rows() -> Iterator[Row]:
        number, footer = index + 1, False
        try:
            for values in itertools.chain(first[index + 1 :], iterator):
                number += 1
                if all(v is None or (type(v) is str and not v.strip()) for v in values):
                    continue
                account = values[id_index] if len(values) > id_index else None
                if account is None or account in NO_ACCOUNT:
                    footer = foot_row(values, number, footer, header_map.notes)
                    if footer:
                        continue
                yield header_map.typed_row(number, values)
        except _XLSX_ERRORS as error:
            raise InputError(
                f"{source}：XLSX 文件在第{number}行附近损坏或不完整（{type(error).__name__}）"
            ) from None
        finally:
            workbook.close()

    return header_map, rows()
