"""Delivery receipts and payments into the ledger: CSV or XLSX with Chinese headers.

A row that cannot be used is rejected with its row number, the field and the reason,
never the value. Both imports are idempotent: a receipt sets a document's status (the
same again changes nothing), a payment is unique per account, day, amount and reference.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from dunletters.batch.readers import detect_encoding
from dunletters.errors import InputError
from dunletters.ledger.store import Ledger
from dunletters.models import parse_amount, parse_date

__all__ = ["Imported", "import_payments", "import_receipts", "read_table"]

RECEIPT_HEADERS = {
    "账号": "account_id", "客户账号": "account_id", "account_id": "account_id",
    "渠道": "channel", "channel": "channel",
    "函号": "letter_number", "letter_number": "letter_number",
    "状态": "status", "投递状态": "status", "回执状态": "status", "status": "status",
    "日期": "date", "回执日期": "date", "退回日期": "date", "状态日期": "date", "date": "date",
}  # fmt: skip
PAYMENT_HEADERS = {
    "账号": "account_id", "客户账号": "account_id", "account_id": "account_id",
    "还款日期": "date", "日期": "date", "入账日期": "date", "date": "date",
    "还款金额": "amount", "金额": "amount", "入账金额": "amount", "amount": "amount",
    "流水号": "reference", "交易流水号": "reference", "reference": "reference",
}  # fmt: skip
CHANNELS = {"信函": "letter", "信件": "letter", "letter": "letter", "短信": "sms", "sms": "sms"}
STATUSES = {
    "已送达": "delivered", "送达": "delivered", "成功": "delivered", "发送成功": "delivered",
    "delivered": "delivered",
    "失败": "failed", "发送失败": "failed", "failed": "failed",
    "退回": "returned", "退信": "returned", "查无此人": "returned", "地址不详": "returned",
    "returned": "returned",
}  # fmt: skip
FIELD_NAMES = {"account_id": "账号", "channel": "渠道", "letter_number": "函号", "status": "状态",
               "date": "日期", "amount": "金额", "reference": "流水号"}  # fmt: skip


@dataclass
class Imported:
    """What an import did: rows applied, rows already there, and rejects (row, field, reason)."""

    applied: int = 0
    unchanged: int = 0
    rejects: list[tuple[int, str, str]] = field(default_factory=list)


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


def read_table(path: Path, headers: dict[str, str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, canonical cells) of a CSV or XLSX file whose header row is the first."""
    if not path.is_file():
        raise InputError(f"找不到文件：{path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx(path)
    else:
        raw = path.read_bytes()
        text = raw.decode(detect_encoding(raw[:65536]), errors="replace")
        rows = iter(csv.reader(io.StringIO(text, newline="")))
    header = next(rows, None)
    if header is None:
        raise InputError(f"{path.name} 是空文件")
    known = {_key(name): canonical for name, canonical in headers.items()}
    columns = [known.get(_key(str(name or ""))) for name in header]
    for number, cells in enumerate(rows, start=2):
        values = {
            c: str(v if v is not None else "").strip()
            for c, v in zip(columns, cells, strict=False)
            if c
        }
        if any(values.values()):
            yield number, values


def _xlsx(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        book.close()


def _cell(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return "" if value is None else str(value)


def _day(cells: dict[str, str], number: int, result: Imported) -> date | None:
    """The row's date, or None with the row rejected (the batch's own date reader)."""
    try:
        return parse_date(cells.get("date", ""))
    except ValueError as error:
        result.rejects.append((number, "date", str(error)))
        return None


def _require(needed: tuple[str, ...], present: set[str], path: Path) -> None:
    missing = [FIELD_NAMES[name] for name in needed if name not in present]
    if missing:
        raise InputError(f"{path.name} 缺少列：{'、'.join(missing)}")


def import_receipts(ledger: Ledger, path: Path) -> Imported:
    """Mark documents delivered, failed or returned (by 函号, or by account and channel)."""
    result = Imported()
    updates: list[tuple[str, str, str, str, date]] = []
    numbers: list[int] = []
    seen_header = False
    for number, cells in read_table(path, RECEIPT_HEADERS):
        if not seen_header:
            _require(("status", "date"), set(cells), path)
            seen_header = True
        status = STATUSES.get(_key(cells.get("status", "")))
        if status is None:
            result.rejects.append((number, "status", "状态应为 已送达、失败 或 退回"))
            continue
        day = _day(cells, number, result)
        if day is None:
            continue
        if cells.get("letter_number"):
            updates.append(("number", cells["letter_number"], "letter", status, day))
        elif cells.get("account_id"):
            channel = CHANNELS.get(_key(cells.get("channel", "")))
            if channel is None:
                result.rejects.append((number, "channel", "按账号匹配时须写明渠道：信函 或 短信"))
                continue
            updates.append(("account", cells["account_id"], channel, status, day))
        else:
            result.rejects.append((number, "letter_number", "须有 函号，或 账号 与 渠道"))
            continue
        numbers.append(number)
    for number, matched in zip(numbers, ledger.set_status(updates), strict=True):
        if matched:
            result.applied += 1
        else:
            result.rejects.append((number, "account_id", "联系记录库中没有对应的文书"))
    return result


def import_payments(ledger: Ledger, path: Path) -> Imported:
    """Record payments (account, day, amount, reference)."""
    result = Imported()
    rows: list[tuple[str, date, Decimal, str]] = []
    seen_header = False
    for number, cells in read_table(path, PAYMENT_HEADERS):
        if not seen_header:
            _require(("account_id", "date", "amount"), set(cells), path)
            seen_header = True
        if not cells.get("account_id"):
            result.rejects.append((number, "account_id", "缺少账号"))
            continue
        day = _day(cells, number, result)
        if day is None:
            continue
        try:
            amount = parse_amount(cells.get("amount", ""))
        except ValueError as error:
            result.rejects.append((number, "amount", str(error) or "不是有效金额"))
            continue
        if amount <= 0:
            result.rejects.append((number, "amount", "还款金额须大于零"))
            continue
        rows.append(
            (cells["account_id"], day, amount.quantize(Decimal("0.01")), cells.get("reference", ""))
        )
    result.applied = ledger.add_payments(rows)
    result.unchanged = len(rows) - result.applied
    return result
