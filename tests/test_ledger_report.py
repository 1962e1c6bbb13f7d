"""History and the report on a generated year of activity: 10,000 accounts, 12 monthly runs.

The year is written through the ledger's own API (what 12 batches would record, with
receipts and payments), on SQLite: the report must take under 10 s of CPU, and its HTML
opens as a plain file in a real browser (Debian's chromium) with its chart and table.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from conftest import TEST_CONFIG
from dunletters.ledger import Ledger
from dunletters.ledger.history import history_json, history_text
from dunletters.ledger.report import SMALL, report_html, report_rows, wilson

pytestmark = pytest.mark.slow

START = date(2025, 12, 1)
ACCOUNTS = 10_000
STAGES = ("early", "middle", "late", "final")
CHROMIUM = Path("/usr/bin/chromium")


def _run_dates() -> list[date]:
    return [
        date(START.year + (START.month - 1 + m) // 12, (START.month - 1 + m) % 12 + 1, 1)
        for m in range(12)
    ]


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int, int]:
    """A ledger with a year of documents, receipts and payments; its URL and two counts."""
    path = tmp_path_factory.mktemp("year") / "ledger.sqlite"
    url = f"sqlite:///{path}"
    ledger = Ledger(url)
    rng = random.Random(2026)
    rows: list[dict[str, Any]] = []
    payments: list[tuple[str, date, Decimal, str]] = []
    for month, day in enumerate(_run_dates()):
        for index in range(1, ACCOUNTS + 1):
            if rng.random() < 0.35:
                continue  # not overdue this month
            account = f"A{index:08d}"
            stage = STAGES[min(3, (index + month) % 5)]
            tone = "firm" if index % 7 == 0 else "courteous"
            for channel in ("sms", "letter") if stage != "early" else ("sms",):
                rows.append({
                    "run_id": f"run{month:02d}", "account_id": account, "channel": channel,
                    "stage": stage, "tone": tone, "template_key": f"{stage}.{tone}",
                    "template_sha256": ("a" if month < 6 else "b") * 64,
                    "letter_number": f"N{month:02d}{index:06d}" if channel == "letter" else None,
                    "output_sha256": "0" * 64, "as_of": day, "scheduled_at": day.isoformat(),
                    "phone_hmac": None, "status": "delivered" if rng.random() < 0.93 else "returned",
                    "status_on": day + timedelta(days=3),
                })  # fmt: skip
            if rng.random() < 0.3:
                paid_on = day + timedelta(days=rng.randint(1, 40))
                payments.append(
                    (account, paid_on, Decimal(rng.randint(100, 900000)) / 100, f"T{month}-{index}")
                )
    ledger.record(
        [{k: v for k, v in row.items() if k not in ("status", "status_on")} for row in rows]
    )
    with ledger.engine.begin() as connection:  # the receipts (record takes no status)
        connection.execute(
            sa.text(
                "UPDATE documents SET status = :status, status_on = :status_on"
                " WHERE run_id = :run_id AND account_id = :account_id AND channel = :channel"
            ),
            [
                {**{k: row[k] for k in ("status", "run_id", "account_id", "channel")},
                 "status_on": row["status_on"].isoformat()}
                for row in rows
            ],
        )  # fmt: skip
    ledger.add_payments(payments)
    ledger.close()
    return url, len(rows), len(payments)


def test_report_of_a_year_is_quick_and_consistent(year: tuple[str, int, int]) -> None:
    url, documents, _ = year
    ledger = Ledger(url)
    try:
        assert ledger.count() == documents > 120_000
        started = time.process_time()
        groups = report_rows(ledger, START, _run_dates()[-1])
        page = report_html(groups, START, _run_dates()[-1])
        spent = time.process_time() - started
    finally:
        ledger.close()
    assert spent < 10, f"report took {spent:.1f} s of CPU"
    assert sum(g.documents for g in groups) == documents
    delivered = sum(g.delivered for g in groups)
    assert 0.9 * documents < delivered < 0.96 * documents  # 93 % of them, the rest returned
    # stage × tone × channel × two template revisions
    assert {(g.stage, g.revision) for g in groups} >= {("final", "a" * 12), ("final", "b" * 12)}
    for group in groups:
        assert group.paid[7] <= group.paid[14] <= group.paid[30] <= group.documents
        assert group.delivered <= group.documents
    assert "<svg" in page and "Wilson" in page and "<script" not in page


def test_wilson_interval() -> None:
    low, high = wilson(0, 10)
    assert low == 0 and 0.27 < high < 0.28
    low, high = wilson(50, 100)
    assert 0.40 < low < 0.41 and 0.59 < high < 0.60
    assert wilson(0, 0) == (0.0, 0.0)


def test_small_groups_are_marked(tmp_path: Path) -> None:
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite'}")
    try:
        ledger.record(
            {"run_id": "r", "account_id": f"A{i}", "channel": "sms", "stage": "early",
             "tone": "courteous", "template_key": "early.courteous", "template_sha256": "c" * 64,
             "letter_number": None, "output_sha256": "0" * 64, "as_of": START,
             "scheduled_at": None, "phone_hmac": None}
            for i in range(SMALL - 1)
        )  # fmt: skip
        ledger.add_payments([("A1", START + timedelta(days=10), Decimal("5.00"), "")])
        [group] = report_rows(ledger, START, START)
    finally:
        ledger.close()
    assert group.small and group.paid == {7: 0, 14: 1, 30: 1}
    assert group.recovered == Decimal("5.00")
    assert "样本太少" in report_html([group], START, START)


def test_history_of_an_account_over_the_year(year: tuple[str, int, int]) -> None:
    url, _, _ = year
    ledger = Ledger(url)
    try:
        shown = json.loads(history_json(ledger, "A00000007"))
        text = history_text(ledger, "A00000007")
    finally:
        ledger.close()
    assert 4 <= len(shown["documents"]) <= 24
    assert [d["as_of"] for d in shown["documents"]] == sorted(
        d["as_of"] for d in shown["documents"]
    )
    assert all(d["tone"] == "firm" for d in shown["documents"])
    assert text.count("\n") >= len(shown["documents"])


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_report_html_opens_as_a_plain_file_in_the_browser(
    year: tuple[str, int, int], tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    url, _, _ = year
    out = tmp_path / "report.html"
    result = subprocess.run(
        [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG), "report",
         "--from", START.isoformat(), "--to", _run_dates()[-1].isoformat(), "--out", str(out),
         "--ledger", url],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "最后通知" in result.stdout
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            page = browser.new_page()
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(out.as_uri())
            assert page.title().startswith("催收效果报告")
            rows = page.locator("tbody tr").count()
            assert rows == page.locator("svg rect").count() > 8
            box = page.locator("svg").bounding_box()
            assert box is not None and box["width"] > 300
            assert requests == [out.as_uri()]  # nothing else fetched
        finally:
            browser.close()
