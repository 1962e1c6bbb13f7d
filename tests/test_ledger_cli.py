"""The ledger's commands and its caps as a pure function: imports, history, prune.

The commands run as real processes against a ledger a real batch wrote (SQLite here;
tests/test_ledger.py runs the database layer on PostgreSQL too). Accounts are synthetic.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import TEST_CONFIG, TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.config import LedgerPolicy, LedgerSettings
from dunletters.escalation import Decision, HoldReason
from dunletters.ledger import Contact, History, Ledger, ledger_holds
from dunletters.ledger.store import SECRET_ENV
from dunletters.models import parse_account
from dunletters.samples import generate_accounts

D1 = date(2026, 11, 28)
SECRET = "synthetic-test-key-0123456789"


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)


def dunletters(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG), *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.fixture
def texted(tmp_path: Path) -> tuple[str, list[dict[str, str]]]:
    """A ledger after one SMS batch of 12 synthetic accounts: its URL and the rows."""
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    rows = list(generate_accounts(12, seed=3, as_of=D1))
    settings = TEST_SETTINGS.model_copy(
        update={
            "ledger": LedgerSettings(
                enabled=True, url=url, policy=LedgerPolicy(allow_stage_skip=True)
            )
        }
    )
    source = write_csv(tmp_path / "a.csv", rows)
    run_batch(
        settings, BatchOptions(input=source, out=tmp_path / "run", as_of=D1, channels=("sms",))
    )
    return url, rows


def _sent(url: str) -> list[str]:
    ledger = Ledger(url)
    try:
        with ledger.engine.connect() as connection:
            return sorted(
                r[0] for r in connection.exec_driver_sql("SELECT account_id FROM documents")
            )
    finally:
        ledger.close()


def test_payments_import_rejects_by_row_and_is_idempotent(
    tmp_path: Path, texted: tuple[str, list[dict[str, str]]]
) -> None:
    url, _ = texted
    payments = tmp_path / "还款.csv"
    with payments.open("w", encoding="gbk", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["账号", "还款日期", "还款金额", "流水号"])
        writer.writerow(["A00000001", "2026年12月1日", "1,004.50", "T1"])
        writer.writerow(["A00000002", "2026-12-02", "12.345", "T2"])
        writer.writerow(["A00000003", "明天", "50", "T3"])
        writer.writerow(["A00000004", "2026/12/03", "￥200", ""])
    first = dunletters("ledger", "import-payments", str(payments), "--ledger", url)
    assert first.returncode == 1, first.stderr
    assert "已导入 2 行" in first.stdout and "拒绝 2 行" in first.stdout
    assert "第 3 行 amount：金额最多两位小数" in first.stdout and "第 4 行 date" in first.stdout
    assert "12.345" not in first.stdout and "明天" not in first.stdout  # never the value
    again = dunletters("ledger", "import-payments", str(payments), "--ledger", url)
    assert "已导入 0 行，已存在 2 行" in again.stdout
    shown = json.loads(
        dunletters("history", "A00000001", "--format", "json", "--ledger", url).stdout
    )
    assert shown["payments"] == [
        {"paid_on": "2026-12-01", "amount": "1004.50", "reference": "****"}
    ]


def test_receipts_from_xlsx_mark_documents_and_history_shows_them(
    tmp_path: Path, texted: tuple[str, list[dict[str, str]]]
) -> None:
    url, rows = texted
    sent = _sent(url)
    book = Workbook()
    sheet = book.active
    sheet.append(["客户账号", "渠道", "投递状态", "回执日期"])
    sheet.append([sent[0], "短信", "发送成功", D1])
    sheet.append([sent[1], "短信", "失败", "2026-11-28"])
    sheet.append([sent[2], "传真", "成功", "2026-11-28"])
    sheet.append(["Z99999999", "短信", "成功", "2026-11-28"])
    receipts = tmp_path / "回执.xlsx"
    book.save(receipts)
    result = dunletters("ledger", "import-receipts", str(receipts), "--ledger", url)
    assert result.returncode == 1
    assert "已导入 2 行" in result.stdout
    assert (
        "第 4 行 channel" in result.stdout
        and "第 5 行 account_id：联系记录库中没有" in result.stdout
    )
    assert (
        dunletters("ledger", "import-receipts", str(receipts), "--ledger", url).stdout
        == result.stdout
    )
    text = dunletters("history", sent[0], "--ledger", url)
    assert text.returncode == 0
    assert "短信" in text.stdout and "已送达（2026-11-28）" in text.stdout
    shown = json.loads(dunletters("history", sent[1], "--format", "json", "--ledger", url).stdout)
    assert [d["status"] for d in shown["documents"]] == ["failed"]
    person = next(r for r in rows if r["account_id"] == sent[0])
    for field in ("name", "mobile", "card_number"):
        assert person[field] not in text.stdout


def test_prune_keeps_the_retention_period(texted: tuple[str, list[dict[str, str]]]) -> None:
    url, _ = texted
    refused = dunletters("ledger", "prune", "--before", date.today().isoformat(), "--ledger", url)
    assert refused.returncode == 2 and "保存期限" in refused.stderr
    before = len(_sent(url))
    kept = dunletters("ledger", "prune", "--ledger", url)  # older than 5 years: none here
    assert kept.returncode == 0 and "文书 0 条" in kept.stdout
    assert len(_sent(url)) == before
    ledger = Ledger(url)
    try:
        assert ledger.prune(D1 + timedelta(days=1)) == (before, 0)
    finally:
        ledger.close()


def test_without_a_ledger_the_commands_say_how_to_name_one() -> None:
    result = dunletters("history", "A00000001")
    assert result.returncode == 2 and "--ledger" in result.stderr


# -- caps and sequence as a pure function -----------------------------------------------------

POLICY = LedgerPolicy()
MIDDLE = Decision("middle", "courteous", "中期催收", 7)
EARLY = Decision("early", "courteous", "前期提醒", 7)


def _account(days: int) -> object:
    row = next(generate_accounts(1, seed=1, as_of=D1))
    row = {**row, "days_past_due": str(days), "due_date": (D1 - timedelta(days=days)).isoformat()}
    return parse_account(row, as_of=D1, row=2)


def _holds(
    history: History,
    days: int,
    decision: Decision,
    channels: tuple[str, ...] = ("letter",),
    **policy: object,
) -> object:
    the_policy = POLICY.model_copy(update=policy)
    return ledger_holds(history, _account(days), decision, the_policy, as_of=D1, channels=channels)  # type: ignore[arg-type]


def test_each_rule_holds_and_lets_through() -> None:
    week_ago = D1 - timedelta(days=7)
    early_letter = Contact(week_ago, "letter", "early", "delivered")
    # No stage skipped: a middle letter needs a delivered earlier stage in this cycle.
    assert _holds(History(), 8, MIDDLE).reason == HoldReason.STAGE_SKIPPED  # type: ignore[attr-defined]
    assert _holds(History((early_letter,)), 8, MIDDLE) is None
    assert (
        _holds(History((Contact(week_ago, "letter", "early", None),)), 8, MIDDLE).reason
        == HoldReason.STAGE_SKIPPED
    )  # type: ignore[attr-defined]
    assert _holds(History(), 8, MIDDLE, allow_stage_skip=True) is None
    # One letter per stage per cycle; a payment starts a new cycle.
    assert _holds(History((early_letter,)), 8, EARLY).reason == HoldReason.STAGE_ALREADY_SENT  # type: ignore[attr-defined]
    paid = History((early_letter,), (), week_ago + timedelta(days=1))
    assert _holds(paid, 3, EARLY) is None
    # Minimum gap between letters.
    recent = Contact(D1 - timedelta(days=2), "letter", "early", "delivered")
    assert _holds(History((recent,)), 8, MIDDLE).reason == HoldReason.LETTER_GAP  # type: ignore[attr-defined]
    assert _holds(History((recent,)), 8, MIDDLE, letter_min_gap_days=2) is None
    # Returned mail: an address check, until a later letter is delivered.
    returned = Contact(week_ago, "letter", "early", "returned")
    assert _holds(History((returned,)), 8, MIDDLE).reason == HoldReason.ADDRESS_CHECK  # type: ignore[attr-defined]
    assert (
        _holds(History((returned,)), 8, MIDDLE, hold_returned_mail=False, allow_stage_skip=True)
        is None
    )
    later = Contact(D1 - timedelta(days=3), "sms", "early", "delivered")
    assert _holds(History((returned, later)), 8, MIDDLE, channels=("sms",)) is None  # SMS only


def test_sms_caps_count_the_day_week_and_month() -> None:
    days = [D1 - timedelta(days=n) for n in (1, 3, 5)]
    three = History(tuple(Contact(d, "sms", "early", "delivered") for d in days))
    assert _holds(three, 3, EARLY, ("sms",)).reason == HoldReason.SMS_CAP  # type: ignore[attr-defined]
    assert _holds(three, 3, EARLY, ("sms",), sms_per_week=4) is None
    today = History((Contact(D1, "sms", "early", "delivered"),))
    assert _holds(today, 3, EARLY, ("sms",)).reason == HoldReason.SMS_CAP  # type: ignore[attr-defined]
    month = History(
        tuple(Contact(D1 - timedelta(days=n), "sms", "early", None) for n in range(8, 29, 3))
    )
    assert len(month.contacts) == 7
    assert _holds(month, 3, EARLY, ("sms",), sms_per_month=7).reason == HoldReason.SMS_CAP  # type: ignore[attr-defined]
    assert _holds(month, 3, EARLY, ("sms",)) is None
    phone = History((), (D1 - timedelta(days=1), D1 - timedelta(days=2), D1 - timedelta(days=6)))
    assert _holds(phone, 3, EARLY, ("sms",)).reason == HoldReason.PHONE_CAP  # type: ignore[attr-defined]
    assert _holds(phone, 3, EARLY, ("letter",)) is None
