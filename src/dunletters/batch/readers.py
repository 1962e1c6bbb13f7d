"""Readers for the batch input: CSV (UTF-8, BOM, UTF-16, GBK/GB18030), XLSX and JSON Lines.

The header mapping lives in :mod:`dunletters.batch.headers` and the XLSX reader in
:mod:`dunletters.batch.xlsx`; :func:`open_records` picks the reader by the file's suffix.

Each reader streams rows — memory stays flat whether the file has a thousand rows or
ten million — and yields :class:`Row` values with the 1-based row number a person
sees in a spreadsheet (the header is row 1, so the first account is row 2; in JSON
Lines the line number). Every header is accounted for (:mod:`dunletters.columns`):
a canonical column, a built-in or project alias, or explicitly ignored; an unknown
header, a required column missing, or two columns that mean the same (``name`` and
``姓名``) stop the run before any letter is written. The header row is found among
the first :data:`HEADER_SCAN` rows (title rows above it skipped) unless given, and
a 合计/总计 row is recognised and reported once, not rejected as an account.

A cell that cannot be used — bytes the encoding cannot decode, an Excel error value
(``#N/A``), a card or ID number Excel stored as a number (its last digits are lost),
a JSON value of the wrong type — becomes a per-row problem, not a crash: the row is
rejected with its number and field and the rest of the file goes on. Hostile
files (an XLSX that inflates to gigabytes, a DTD, broken XML, NaN in JSON) are a
clear error, never an internal one.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

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
from dunletters.batch.xlsx import xlsx_rows
from dunletters.cells import EXCEL_ERROR_REASON, excel_error, json_cells
from dunletters.columns import (
    BUILTIN_ALIASES,
    CANONICAL_COLUMNS,
    REQUIRED_COLUMNS,
    check_aliases,
    header_key,
    ignored_keys,
    lookup_table,
)
from dunletters.errors import InputError

__all__ = [
    "BUILTIN_ALIASES",
    "CANONICAL_COLUMNS",
    "HEADER_SCAN",
    "REQUIRED_COLUMNS",
    "HeaderMap",
    "Row",
    "check_aliases",
    "detect_encoding",
    "header_key",
    "open_records",
]


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_GBK_PAIR = re.compile(rb"[\x81-\xfe][\x40-\xfe]")
_GB2312_PAIR = re.compile(rb"[\xa1-\xf7][\xa1-\xfe]")


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030, as Chinese Excel exports CSV.

    A sample that is UTF-8 but for a few bad bytes stays UTF-8 (the rows with them are
    rejected); UTF-16 without a BOM and text that is neither UTF-8 nor GBK (Big5,
    Latin-1) are errors that ask for ``--encoding``.

    >>> detect_encoding("账号,姓名".encode("utf-8")), detect_encoding("账号,姓名".encode("gbk"))
    ('utf-8', 'gb18030')
    >>> detect_encoding(codecs.BOM_UTF8 + b"a,b")
    'utf-8-sig'
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if sample.count(b"\x00") * 4 > len(sample):
        raise ValueError(
            "看起来是不带 BOM 的 UTF-16 编码，请用 --encoding utf-16-le（或 utf-16-be）"
        )
    try:
        # A sample may end inside a multi-byte character: allow an incomplete tail.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    good = len(_UTF8_MULTIBYTE.findall(sample))
    bad = sample.decode("utf-8", "replace").count("\ufffd")
    if good > bad:  # GBK text forms UTF-8 sequences by chance: ~1 for 6 bad ones
        return "utf-8"  # UTF-8 with a few corrupt bytes: those rows are rejected, by line
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
    except UnicodeDecodeError:
        raise ValueError("既不是有效的 UTF-8 也不是 GBK 编码，请用 --encoding 指定") from None
    pairs = _GBK_PAIR.findall(sample)
    if pairs and len(_GB2312_PAIR.findall(b"".join(pairs))) * 5 < len(pairs) * 4:
        # Big5 (or Latin-1) text decodes as GB18030 too, into other characters.
        raise ValueError("看起来不是 GBK 编码（可能是 Big5 或 Latin-1），请用 --encoding 指定")
    return "gb18030"


def _delimiter(sample: bytes, encoding: str) -> str:
    """Comma, or the tab or semicolon a header line uses instead (a TSV, a European Excel)."""
    line = sample.decode(encoding, "replace").lstrip("\ufeff").split("\n", 1)[0]
    if "," in line:
        return ","
    return max(("\t", ";"), key=line.count) if ("\t" in line or ";" in line) else ","


def _csv_rows(
    handle: IO[bytes],
    source: str,
    encoding: str | None,
    aliases: Mapping[str, str],
    ignore: Iterable[str],
    header_row: int | None,
    strict: bool = True,
) -> tuple[HeaderMap, Iterator[Row]]:
    sample = handle.read(65536)
    if not sample.strip():
        raise InputError(f"{source}：文件为空")
    try:
        chosen = encoding or detect_encoding(sample)
        codecs.lookup(chosen)
    except LookupError:
        raise InputError(f"{source}：未知编码 {encoding}") from None
    except ValueError as error:
        raise InputError(f"{source}：{error}") from None
    complete = _ends_with_newline(handle)
    handle.seek(0)
    text = io.TextIOWrapper(handle, encoding=chosen, errors="surrogateescape", newline="")
    reader = csv.reader(text, delimiter=_delimiter(sample, chosen))
    try:
        first = list(itertools.islice(reader, header_row or HEADER_SCAN))
    except csv.Error as error:
        raise InputError(f"{source}：CSV 格式错误（{error}）") from None
    if not first:
        raise InputError(f"{source}：文件为空")
    index = find_header(first, lookup_table(aliases), header_row, source)
    header = first[index]
    if any(_undecodable(cell) for cell in header):
        raise InputError(f"{source}：表头无法按 {chosen} 解码，请用 --encoding 指定编码")
    header_map = HeaderMap.build(header, aliases, source, ignore, strict=strict)
    header_map.notes[:0] = header_note(index)
    # What HeaderMap.cells does, for text cells and a full row, without its checks.
    mapped = [(index, name) for index, name in enumerate(header_map.columns) if name]
    width = len(header_map.columns)
    id_index = account_column(header_map)
    records: Iterator[list[str]] = itertools.chain(first[index + 1 :], reader)
    if not complete:
        records = _flag_cut_last(records, width)

    def rows() -> Iterator[Row]:
        number, footer = index + 1, False
        while True:
            try:
                values = next(records)
            except StopIteration:
                return
            except csv.Error as error:
                number = reader.line_num
                yield Row(number, {}, ("(整行)", f"CSV 格式错误：{error}"))
                continue
            number += 1
            line = "".join(values)
            if not line.strip():  # no cell with anything but spaces in it
                continue
            if not _encodable(line) and _undecodable(line):  # per row, cells only if needed
                bad = next(
                    (
                        c
                        for c, v in zip(header_map.columns, values, strict=False)
                        if _undecodable(v)
                    ),
                    None,
                )
                reason = f"无法按 {chosen} 编码解码，请检查文件编码"
                yield Row(number, {}, (bad or "(整行)", reason))
                continue
            if "#" in line and excel_error(line):
                columns = zip(header_map.columns, values, strict=False)
                bad = next((c for c, v in columns if c and excel_error(v)), None)
                if bad is not None:
                    yield Row(number, {}, (bad, EXCEL_ERROR_REASON))
                    continue
            if len(values) <= id_index or values[id_index].strip() in NO_ACCOUNT:
                footer = foot_row(values, number, footer, header_map.notes)
                if footer:
                    continue
            if len(values) < width:
                if type(values) is _CutRow:
                    yield Row(number, {}, ("(整行)", "最后一行不完整（文件可能被截断）"))
                    continue
                yield Row(number, header_map.cells(values))
                continue
            yield Row(number, {name: text for i, name in mapped if (text := values[i].strip())})

    return header_map, rows()


class _CutRow(list[str]):
    """A last row that ends before the header does, in a file without a final line break."""


def _ends_with_newline(handle: IO[bytes]) -> bool:
    """Whether the file's last byte ends a line (a file cut short usually does not)."""
    position = handle.tell()
    try:
        handle.seek(-1, io.SEEK_END)
        return handle.read(1) in (b"\n", b"\r", b"\x00")  # UTF-16: ends in \n\0 or \0\n
    except OSError:
        return True
    finally:
        handle.seek(position)


def _flag_cut_last(records: Iterator[list[str]], width: int) -> Iterator[list[str]]:
    """The rows, the last one marked when it is short: a file cut inside its last row.

    Only for a file without a final line break; a short row elsewhere is a row whose
    trailing cells were left empty.
    """
    previous: list[str] | None = None
    for values in records:
        if previous is not None:
            yield previous
        previous = values
    if previous is not None:
        yield _CutRow(previous) if len(previous) < width else previous


# Bytes the chosen encoding could not decode, kept as lone surrogates (surrogateescape).
_UNDECODED = re.compile("[\udc80-\udcff]")


def _undecodable(value: str) -> bool:
    return _UNDECODED.search(value) is not None


def _encodable(text: str) -> bool:
    """No surrogate at all: UTF-8 encodes it. A C loop, cheaper than the search for
    ``_UNDECODED`` (a character class), which runs only after."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _no_constants(name: str) -> Any:
    raise ValueError(f"含 {name}（不是有效的数字）")


def _json_line(raw: bytes) -> tuple[Any, str | None]:
    """A JSON Lines line's value, or why it is unusable (any failure: never an internal error)."""
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=_no_constants), None
    except UnicodeDecodeError:
        return None, "不是 UTF-8 编码"
    except json.JSONDecodeError as error:
        return None, f"不是有效的 JSON（第{error.colno}列）"
    except RecursionError:
        return None, "JSON 嵌套过深"
    except ValueError as error:  # NaN/Infinity, an integer of thousands of digits
        reason = str(error) if str(error).startswith("含 ") else "含过长的整数"
        return None, f"不是有效的 JSON（{reason}）"


def _jsonl_rows(
    handle: IO[bytes],
    source: str,
    aliases: Mapping[str, str],
    ignore: Iterable[str],
    strict: bool = True,
) -> tuple[HeaderMap, Iterator[Row]]:
    """JSON Lines: the first object's keys are the header (checked like a CSV's); a later
    line with a key no column knows is rejected by row, naming the key."""
    lookup, skip = lookup_table(aliases), ignored_keys(ignore)
    lines = enumerate(handle, start=1)
    first: list[tuple[int, bytes]] = []
    for number, raw in lines:
        first.append((number, raw))
        if raw.strip():
            break
    if not first or not first[-1][1].strip():
        raise InputError(f"{source}：文件为空")
    data, _ = _json_line(first[-1][1])
    keys = [str(key) for key in data] if isinstance(data, dict) else []
    named = {lookup.get(header_key(key)) for key in keys}
    # A line may leave out a required key (that row is rejected): only unknown keys stop the run.
    extra = [name for name in REQUIRED_COLUMNS if name not in named]
    header_map = HeaderMap.build(keys + extra, aliases, source, ignore, strict=strict)
    header_map.columns, header_map.headers = [], keys

    def rows() -> Iterator[Row]:
        for number, raw in itertools.chain(first, lines):
            if not raw.strip():
                continue
            data, problem = _json_line(raw)
            if problem is not None:
                yield Row(number, {}, ("(整行)", problem))
                continue
            if not isinstance(data, dict):
                yield Row(number, {}, ("(整行)", "每行须为一个 JSON 对象"))
                continue
            yield _json_row(number, data, lookup, skip)

    return header_map, rows()


def _json_row(
    number: int, data: dict[str, Any], lookup: Mapping[str, str], skip: frozenset[str]
) -> Row:
    cells, problem = json_cells(data, lookup, skip)
    return Row(number, cells, problem)


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(len(magic)) == magic
    except OSError:
        return False


def open_records(
    path: Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    aliases: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
    header_row: int | None = None,
    strict: bool = True,
) -> tuple[HeaderMap, Iterator[Row]]:
    """Open an input file by its suffix, map its header and stream its rows."""
    source = path.name
    aliases = aliases or {}
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"找不到输入文件，或不是普通文件：{path}")
    if suffix in (".xlsx", ".xlsm"):
        if _starts_with(path, b"\xd0\xcf\x11\xe0"):  # an OLE compound file, not a zip
            raise InputError(
                f"{source}：这是加密的工作簿或旧的 .xls 格式，请在 Excel 中取消密码"
                "并“另存为” .xlsx 后再处理"
            )
        return xlsx_rows(path, source, sheet, aliases, ignore, header_row, strict)
    if suffix in (".xls", ".et"):
        raise InputError(
            f"{source}：不支持旧的 Excel 97–2003 格式（.xls）；请在 Excel 或 WPS 中"
            "“另存为” .xlsx（或 CSV UTF-8）后再处理"
        )
    try:
        handle = path.open("rb")
    except OSError as error:
        raise InputError(f"无法读取输入文件 {source}：{error.strerror}") from None
    if suffix in (".jsonl", ".ndjson"):
        return _jsonl_rows(handle, source, aliases, ignore, strict)
    if suffix in (".csv", ".txt", ".tsv"):
        return _csv_rows(handle, source, encoding, aliases, ignore, header_row, strict)
    handle.close()
    raise InputError(f"{source}：不支持的输入格式（支持 .csv、.xlsx、.jsonl）")
