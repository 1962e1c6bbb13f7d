"""Readers for the batch input: CSV (UTF-8, BOM, GBK/GB18030), XLSX and JSON Lines.

Each reader streams rows — memory stays flat whether the file has a thousand rows or
ten million — and yields :class:`Row` values with the 1-based row number a person
sees in a spreadsheet (the header is row 1, so the first account is row 2; in JSON
Lines the line number). Headers are mapped to the canonical column names through
the built-in Chinese aliases (账号, 姓名, 本金 …) and a project's own (``[batch.columns]``
in the settings, checked by :func:`check_aliases`). A header matches whatever its
case, surrounding spaces and full-width/half-width form (NFKC), in CSV, XLSX and
JSON Lines keys alike. Columns that map to nothing are ignored and reported once; a
required column that is missing, or two columns that mean the same (``name`` and
``姓名``), stop the run before any letter is written.

A cell that cannot be decoded (a wrong encoding) becomes a per-row problem, not a
crash: the row is rejected with its number and the rest of the file goes on.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from dunletters.errors import InputError

__all__ = [
    "BUILTIN_ALIASES",
    "CANONICAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "HeaderMap",
    "Row",
    "check_aliases",
    "detect_encoding",
    "open_records",
]

CANONICAL_COLUMNS = (
    "account_id",
    "name",
    "gender",
    "card_number",
    "mobile",
    "address",
    "principal",
    "interest",
    "fees",
    "total_due",
    "due_date",
    "days_past_due",
    "dispute",
    "deceased",
    "hardship",
    "promises_broken",
    "promise_to_pay_until",
)
REQUIRED_COLUMNS = ("account_id", "name", "card_number", "mobile", "principal", "due_date")

BUILTIN_ALIASES: Mapping[str, str] = {
    "账号": "account_id",
    "账户号": "account_id",
    "客户号": "account_id",
    "姓名": "name",
    "客户姓名": "name",
    "性别": "gender",
    "卡号": "card_number",
    "贷款合同号": "card_number",
    "合同号": "card_number",
    "手机号": "mobile",
    "手机号码": "mobile",
    "手机": "mobile",
    "地址": "address",
    "通讯地址": "address",
    "本金": "principal",
    "利息": "interest",
    "违约金": "fees",
    "欠款总额": "total_due",
    "应还总额": "total_due",
    "到期日": "due_date",
    "到期还款日": "due_date",
    "逾期天数": "days_past_due",
    "争议": "dispute",
    "已故": "deceased",
    "困难": "hardship",
    "爽约次数": "promises_broken",
    "承诺还款日": "promise_to_pay_until",
}
"""The usual Chinese headers of a core-system export (issue: batch generation)."""


def header_key(title: str) -> str:
    """How headers are compared: NFKC (full-width → half-width), trimmed, case-folded.

    >>> header_key("  Ｍｏｂｉｌｅ "), header_key("\ufeff账号")
    ('mobile', '账号')
    """
    return unicodedata.normalize("NFKC", title.lstrip("\ufeff")).strip().casefold()


def _builtin_lookup() -> dict[str, str]:
    lookup = {header_key(name): name for name in CANONICAL_COLUMNS}
    lookup.update((header_key(alias), canonical) for alias, canonical in BUILTIN_ALIASES.items())
    return lookup


_BUILTIN_LOOKUP = _builtin_lookup()


def check_aliases(aliases: Mapping[str, str]) -> dict[str, str]:
    """Validate a project's header aliases (header in the file → canonical column).

    Raises :class:`ValueError` naming the header when the target is not a canonical
    column, when two headers of the table are the same header once normalised
    (:func:`header_key`) but mean different columns, or when a header already
    means another column built in (``姓名`` is ``name``; ``"姓名" = "address"``
    would silently change every file that uses it).

    >>> check_aliases({"客户名称": "name"})
    {'客户名称': 'name'}
    >>> check_aliases({"姓名": "address"})
    Traceback (most recent call last):
    ...
    ValueError: 「姓名」已是内置列名或别名，表示 name，不能改为 address
    """
    seen: dict[str, tuple[str, str]] = {}
    for header, target in aliases.items():
        key = header_key(header)
        if not key:
            raise ValueError("别名的表头不能为空")
        if target not in CANONICAL_COLUMNS:
            raise ValueError(
                f"「{header}」的目标列 {target!r} 不是已知列（可用：{'、'.join(CANONICAL_COLUMNS)}）"
            )
        builtin = _BUILTIN_LOOKUP.get(key)
        if builtin is not None and builtin != target:
            raise ValueError(f"「{header}」已是内置列名或别名，表示 {builtin}，不能改为 {target}")
        if key in seen and seen[key][1] != target:
            other, meaning = seen[key]
            raise ValueError(
                f"「{other}」与「{header}」是同一个表头（不计大小写、空格与全角半角），"
                f"却分别表示 {meaning} 与 {target}"
            )
        seen[key] = (header, target)
    return dict(aliases)


def _lookup(aliases: Mapping[str, str]) -> dict[str, str]:
    """Normalised header → canonical column: the built-in names and aliases, then the project's."""
    return _BUILTIN_LOOKUP | {header_key(alias): canonical for alias, canonical in aliases.items()}


@dataclass(slots=True)
class Row:
    """One data row: its number in the file, the canonical cells, or why it is unreadable.

    Not ``frozen``: a frozen dataclass sets each field through ``object.__setattr__``,
    ~1.8 µs a row of the ~10 µs a CSV row costs to read. Nothing changes a row.
    """

    number: int
    cells: dict[str, str]
    problem: tuple[str, str] | None = None
    """``(field, reason)`` when the row cannot be read at all (bad JSON, bad bytes)."""


@dataclass
class HeaderMap:
    """How the file's columns map to canonical names."""

    columns: list[str | None]
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, header: list[str], aliases: Mapping[str, str], source: str) -> HeaderMap:
        """Map a header row; missing required or duplicated columns are errors."""
        lookup = _lookup(aliases)
        columns: list[str | None] = []
        ignored: list[str] = []
        seen: dict[str, str] = {}
        for raw in header:
            title = (raw or "").lstrip("\ufeff").strip()
            canonical = lookup.get(header_key(title))
            if canonical is None:
                columns.append(None)
                if title:
                    ignored.append(title)
                continue
            if canonical in seen:
                raise InputError(
                    f"{source}：列「{seen[canonical]}」与「{title}」都表示 {canonical}，"
                    "请删去或改名其中一列"
                )
            seen[canonical] = title
            columns.append(canonical)
        missing = [name for name in REQUIRED_COLUMNS if name not in seen]
        if missing:
            raise InputError(f"{source}：缺少必需的列：{'、'.join(missing)}")
        return cls(columns, ignored)

    def cells(self, values: list[Any]) -> dict[str, str]:
        """Canonical cells of a data row; empty cells are absent (pydantic defaults apply)."""
        cells: dict[str, str] = {}
        for name, value in zip(self.columns, values, strict=False):
            if name is None:
                continue
            # CSV and JSON Lines cells are text already: skip _cell_text's type checks.
            text = value.strip() if type(value) is str else _cell_text(value)
            if text:
                cells[name] = text
        return cells


def _cell_text(value: Any) -> str:
    """A cell as text; Excel floats via their shortest repr, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel keeps numbers as binary floats; repr gives the shortest decimal that
        # round-trips (1004.5), which is what the person typed.
        return str(Decimal(repr(value))) if value != int(value) else str(int(value))
    return str(value).strip()


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, as Chinese Excel exports CSV.

    >>> detect_encoding("账号,姓名".encode("utf-8")), detect_encoding("账号,姓名".encode("gbk"))
    ('utf-8', 'gb18030')
    >>> detect_encoding(codecs.BOM_UTF8 + b"a,b")
    'utf-8-sig'
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    try:
        # A sample may end inside a multi-byte character: allow an incomplete tail.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _csv_rows(
    handle: IO[bytes], source: str, encoding: str | None, aliases: Mapping[str, str]
) -> tuple[HeaderMap, Iterator[Row]]:
    sample = handle.read(65536)
    if not sample.strip():
        raise InputError(f"{source}：文件为空")
    chosen = encoding or detect_encoding(sample)
    handle.seek(0)
    try:
        text = io.TextIOWrapper(handle, encoding=chosen, errors="surrogateescape", newline="")
    except LookupError:
        raise InputError(f"{source}：未知编码 {chosen}") from None
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{source}：文件为空") from None
    except csv.Error as error:
        raise InputError(f"{source}：CSV 格式错误（{error}）") from None
    if any(_undecodable(cell) for cell in header):
        raise InputError(f"{source}：表头无法按 {chosen} 解码，请用 --encoding 指定编码")
    header_map = HeaderMap.build(header, aliases, source)
    # What HeaderMap.cells does, for text cells and a full row: ~3 µs a row less.
    mapped = [(index, name) for index, name in enumerate(header_map.columns) if name]
    width = len(header_map.columns)

    def rows() -> Iterator[Row]:
        number = 1
        while True:
            try:
                values = next(reader)
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
                yield Row(
                    number, {}, (bad or "(整行)", f"无法按 {chosen} 编码解码，请检查文件编码")
                )
                continue
            if len(values) < width:
                yield Row(number, header_map.cells(values))
                continue
            yield Row(number, {name: text for i, name in mapped if (text := values[i].strip())})

    return header_map, rows()


# Bytes the chosen encoding could not decode, kept as lone surrogates (surrogateescape).
_UNDECODED = re.compile("[\udc80-\udcff]")


def _undecodable(value: str) -> bool:
    return _UNDECODED.search(value) is not None


def _encodable(text: str) -> bool:
    """No surrogate at all: UTF-8 encodes it. A C loop, ~0.2 µs a row where the
    search for ``_UNDECODED`` walks a character class (~1.2 µs): it runs only after."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _jsonl_rows(
    handle: IO[bytes], source: str, aliases: Mapping[str, str]
) -> tuple[HeaderMap, Iterator[Row]]:
    header_map = HeaderMap(columns=[])
    lookup = _lookup(aliases)

    def rows() -> Iterator[Row]:
        empty = True
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            empty = False
            try:
                data = json.loads(raw.decode("utf-8-sig"))
            except UnicodeDecodeError:
                yield Row(number, {}, ("(整行)", "不是 UTF-8 编码"))
                continue
            except json.JSONDecodeError as error:
                yield Row(number, {}, ("(整行)", f"不是有效的 JSON（{error.msg}）"))
                continue
            if not isinstance(data, dict):
                yield Row(number, {}, ("(整行)", "每行须为一个 JSON 对象"))
                continue
            cells: dict[str, str] = {}
            keys: dict[str, str] = {}
            clash = None
            for key, value in data.items():
                canonical = lookup.get(header_key(str(key)))
                if canonical is None:
                    if key not in header_map.ignored:
                        header_map.ignored.append(str(key))
                    continue
                if canonical in keys:
                    clash = (canonical, f"键「{keys[canonical]}」与「{key}」都表示 {canonical}")
                    break
                keys[canonical] = str(key)
                text = _cell_text(value)
                if text:
                    cells[canonical] = text
            if clash is not None:
                yield Row(number, {}, clash)
                continue
            yield Row(number, cells)
        if empty:
            raise InputError(f"{source}：文件为空")

    return header_map, rows()


def _xlsx_rows(
    path: Path, source: str, sheet: str | None, aliases: Mapping[str, str]
) -> tuple[HeaderMap, Iterator[Row]]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputError("读取 XLSX 需要 openpyxl") from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InputError(f"{source}：XLSX 文件损坏或不完整（{type(error).__name__}）") from None
    try:
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    except KeyError:
        raise InputError(
            f"{source}：没有工作表「{sheet}」（现有：{'、'.join(workbook.sheetnames)}）"
        ) from None
    iterator = worksheet.iter_rows(values_only=True)
    try:
        header = next(iterator)
    except StopIteration:
        raise InputError(f"{source}：工作表为空") from None
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError(f"{source}：XLSX 文件损坏或不完整（{type(error).__name__}）") from None
    header_map = HeaderMap.build([_cell_text(v) for v in header], aliases, source)

    def rows() -> Iterator[Row]:
        number = 1
        try:
            for values in iterator:
                number += 1
                if all(v is None or str(v).strip() == "" for v in values):
                    continue
                yield Row(number, header_map.cells(list(values)))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise InputError(
                f"{source}：XLSX 文件在第{number}行附近损坏或不完整（{type(error).__name__}）"
            ) from None
        finally:
            workbook.close()

    return header_map, rows()


def open_records(
    path: Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> tuple[HeaderMap, Iterator[Row]]:
    """Open an input file by its suffix and stream its rows."""
    source = path.name
    aliases = aliases or {}
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"找不到输入文件：{path}")
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, source, sheet, aliases)
    handle = path.open("rb")
    if suffix in (".jsonl", ".ndjson"):
        return _jsonl_rows(handle, source, aliases)
    if suffix in (".csv", ".txt", ".tsv"):
        return _csv_rows(handle, source, encoding, aliases)
    handle.close()
    raise InputError(f"{source}：不支持的输入格式（支持 .csv、.xlsx、.jsonl）")
