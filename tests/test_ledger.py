"""The contact ledger, on SQLite and on a real PostgreSQL cluster the tests start themselves.

Batches run end to end against one ledger: the caps and the stage sequence hold across
runs, holds.csv names the reason, re-runs change nothing, and a kill -9 while the ledger
is written is finished exactly by running the batch again. Accounts are synthetic.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import hmac
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from conftest import TEST_CONFIG, TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.config import LedgerPolicy, LedgerSettings, Settings
from dunletters.ledger import Ledger, mobile_hmac
from dunletters.ledger.schema import SCHEMA_VERSION, documents, migrate
from dunletters.ledger.store import SECRET_ENV
from dunletters.samples import generate_accounts
from pgcluster import binaries, cluster, fresh_database

D1 = date(2026, 11, 28)
D2 = D1 + timedelta(days=1)
SECRET = "synthetic-test-key-0123456789"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    if binaries() is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql)")
    with cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    return fresh_database(request.getfixturevalue("pg_server"))


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)


def settings_for(url: str, **policy: Any) -> Settings:
    ledger = LedgerSettings(enabled=True, url=url, policy=LedgerPolicy(**policy))
    return TEST_SETTINGS.model_copy(update={"ledger": ledger})


def dump(url: str) -> list[tuple[Any, ...]]:
    """Every document row but its surrogate id, sorted."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            columns = [c for c in documents.c if c.name != "id"]
            return sorted(tuple(map(str, row)) for row in connection.execute(sa.select(*columns)))
    finally:
        engine.dispose()


def batch(settings: Settings, source: Path, out: Path, as_of: date, **options: Any) -> None:
    run_batch(settings, BatchOptions(input=source, out=out, as_of=as_of, **options))


def holds(out: Path) -> dict[str, str]:
    with (out / "holds.csv").open(encoding="utf-8") as stream:
        return {row["account_id"]: row["reason"] for row in csv.DictReader(stream)}


def next_day(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The same accounts a day later: one more day past due."""
    return [{**row, "days_past_due": str(int(row["days_past_due"]) + 1)} for row in rows]


# -- schema ----------------------------------------------------------------------------------


def test_migrates_an_empty_database_and_the_previous_version(url: str) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        assert migrate(engine, target=SCHEMA_VERSION - 1) == 0
        with engine.begin() as connection:  # a row written by the previous version
            connection.execute(
                sa.text(
                    "INSERT INTO documents (run_id, account_id, channel, stage, tone, template_key,"
                    " template_sha256, output_sha256, as_of) VALUES ('r1', 'A1', 'letter',"
                    " 'early', 'courteous', 'early.courteous', 'aa', 'bb', '2026-11-01')"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO documents (run_id, account_id, channel, stage, tone, template_key,"
                    " template_sha256, output_sha256, as_of, phone_hmac) VALUES ('r1', 'A1', 'sms',"
                    " 'early', 'courteous', 'early.courteous', 'aa', 'cc', '2026-11-01', 'ph1')"
                )
            )
    finally:
        engine.dispose()
    ledger = Ledger(url)
    try:
        with ledger.engine.connect() as connection:
            version = connection.execute(sa.text("SELECT version FROM schema_version")).scalar()
        assert version == SCHEMA_VERSION
        kept, _ = ledger.documents_of("A1")
        assert kept["status"] is None and kept["as_of"] == date(2026, 11, 1)
        # The earlier version's SMS reach the per-phone caps (through the phone pairs).
        other = ledger.histories([("A2", "ph1")], date(2026, 11, 2))
        assert other["A2"].phone_sms == (date(2026, 11, 1),)
        with ledger.engine.connect() as connection:
            found = connection.execute(sa.text("SELECT * FROM phone_accounts")).all()
            assert [tuple(row) for row in found] == [("ph1", "A1")]
            assert not sa.inspect(connection).has_table("recent_sms")
        assert ledger.set_status([("account", "A1", "letter", "delivered", D1)]) == [True]
        assert ledger.add_payments([("A1", D1, __import__("decimal").Decimal("10.00"), "")]) == 1
        assert Ledger(url).count() == 2  # opening again migrates nothing
    finally:
        ledger.close()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    from dunletters.errors import ConfigError

    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    Ledger(url).close()
    db = sqlite3.connect(tmp_path / "ledger.sqlite")
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    with pytest.raises(ConfigError, match="更新"):
        Ledger(url)


def test_sqlite_ledger_is_owner_only(tmp_path: Path) -> None:
    Ledger(f"sqlite:///{tmp_path / 'sub' / 'ledger.sqlite'}").close()
    mode = stat.S_IMODE((tmp_path / "sub" / "ledger.sqlite").stat().st_mode)
    assert mode == 0o600


def test_the_key_is_required(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dunletters.errors import ConfigError

    monkeypatch.delenv(SECRET_ENV)
    settings = TEST_SETTINGS.model_copy(update={"ledger": LedgerSettings(enabled=True)})
    source = write_csv(tmp_path / "a.csv", list(generate_accounts(2, as_of=D1)))
    with pytest.raises(ConfigError, match=SECRET_ENV):
        batch(settings, source, tmp_path / "out", D1, channels=("sms",))


# -- batches against one ledger ----------------------------------------------------------------


@pytest.mark.slow
def test_two_days_of_letters_keep_the_sequence(url: str, tmp_path: Path) -> None:
    day1 = list(generate_accounts(40, seed=19, as_of=D1))
    day2 = next_day(day1)
    assert any(row["days_past_due"] == "6" for row in day2), "an account moves to middle"
    settings = settings_for(url, letter_min_gap_days=0)
    one, two = tmp_path / "d1" / "run", tmp_path / "d2" / "run"
    source1 = write_csv(tmp_path / "d1.csv", day1)
    source2 = write_csv(tmp_path / "d2.csv", day2)
    batch(settings, source1, one, D1)
    first = holds(one)
    early = {r["account_id"] for r in day1 if int(r["days_past_due"]) <= 5}
    later = {r["account_id"] for r in day1} - early
    # An empty ledger: nothing earlier was delivered, so no later stage goes out.
    assert {
        first[a] for a in later if first.get(a) not in ("deceased", "dispute", "promise_pending")
    } == {"stage_skipped"}
    ledger = Ledger(url)
    sent = {row[1] for row in dump(url)}  # account ids
    assert sent and sent <= early
    # Receipts: every document delivered, except one letter returned by the post.
    returned = sorted(
        a for a in sent if a in early and day2[int(a[1:]) - 1]["days_past_due"] != "6"
    )[0]
    ledger.set_status(
        [("account", a, ch, "delivered", D1) for a in sent for ch in ("letter", "sms")]
    )
    ledger.set_status([("account", returned, "letter", "returned", D2)])
    before = dump(url)
    batch(settings, source2, two, D2)
    second = holds(two)
    assert second[returned] == "address_check"
    moved = {r["account_id"] for r in day2 if r["days_past_due"] == "6"} & sent
    assert moved and all(a not in second for a in moved)  # middle after a delivered early
    assert all(second[a] == "stage_already_sent" for a in sent - moved - {returned})
    assert {second[a] for a in later if a in second and first[a] == "stage_skipped"} == {
        "stage_skipped"
    }
    added = [row for row in dump(url) if row not in before]
    assert {(row[1], row[3]) for row in added if row[2] == "letter"} == {
        (a, "middle") for a in moved
    }
    # Re-running either batch changes nothing in the ledger.
    after = dump(url)
    batch(settings, source1, one, D1)
    batch(settings, source2, two, D2)
    assert dump(url) == after
    ledger.close()


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_sms_caps_per_debtor_and_per_phone(url: str, tmp_path: Path, workers: int) -> None:
    day1 = list(generate_accounts(30, seed=7, as_of=D1))
    # A new account on day 2 with the phone of one texted on day 1.
    day2 = [*next_day(day1), {**day1[0], "account_id": "B00000001"}]
    settings = settings_for(url, sms_per_week=1, phone_sms_per_week=1, allow_stage_skip=True)
    one, two = tmp_path / "d1" / "run", tmp_path / "d2" / "run"
    batch(
        settings, write_csv(tmp_path / "d1.csv", day1), one, D1, channels=("sms",), workers=workers
    )
    texted = {row[1] for row in dump(url) if row[2] == "sms"}
    assert "A00000001" in texted
    batch(
        settings, write_csv(tmp_path / "d2.csv", day2), two, D2, channels=("sms",), workers=workers
    )
    second = holds(two)
    assert {second[a] for a in texted} == {"sms_cap"}
    assert second["B00000001"] == "phone_cap"
    rows = dump(url)
    assert not [r for r in rows if r[8] == str(D2)]  # nothing more was sent
    phone = mobile_hmac(SECRET.encode(), "13" + "0" * 9)
    assert all(len(r[11]) == 64 for r in rows) and phone not in {r[11] for r in rows}
    summary = (two / "summary.json").read_text(encoding="utf-8")
    assert "sms_cap" in summary or "该客户的短信已达" in summary


@pytest.mark.parametrize(
    "key", [b"k" * 16, SECRET.encode(), b"x" * 64, b"y" * 65, "密钥-0123456789abcdef".encode()]
)
def test_mobile_hmac_is_hmac_sha256(key: bytes) -> None:
    # Computed from the key's padded states (copied per mobile): the standard digest,
    # for keys shorter than, equal to and longer than SHA-256's 64-byte block.
    for mobile in ("13800000000", "+86 139 0000 0000", ""):
        assert (
            mobile_hmac(key, mobile) == hmac.new(key, mobile.encode(), hashlib.sha256).hexdigest()
        )
    assert mobile_hmac(key, "13800000000") != mobile_hmac(key + b"!", "13800000000")


def test_ledger_keeps_no_personal_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    rows = list(generate_accounts(12, seed=3, as_of=D1))
    batch(settings_for(url, allow_stage_skip=True), write_csv(tmp_path / "a.csv", rows),
          tmp_path / "run", D1, channels=("sms",))  # fmt: skip
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("ledger.sqlite*"))
    assert Ledger(url).count() > 0
    for row in rows:
        for field in ("name", "mobile", "card_number", "address"):
            assert row[field].encode() not in raw, field


# -- kill -9 while the ledger is written -------------------------------------------------------


_ENGINES: dict[str, sa.Engine] = {}


def _count(url: str) -> int:
    """Documents in the ledger (0 before its schema exists): quick, to poll with."""
    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES[url] = sa.create_engine(
            url.replace("postgresql://", "postgresql+psycopg://")
        )
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT count(*) FROM documents")).scalar() or 0)
    except sa.exc.DBAPIError:  # not created yet
        return 0


@pytest.mark.slow
def test_kill_during_the_ledger_write_and_resume(url: str, tmp_path: Path) -> None:
    # ~12,000 SMS: two transactions (10,000 documents each at most), so that a kill can
    # land between them.
    source = write_csv(tmp_path / "a.csv", list(generate_accounts(12_000, seed=13, as_of=D1)))
    config = tmp_path / "dunletters.toml"
    reference_url = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    table = '\n[ledger]\nenabled = true\nurl = "{}"\n[ledger.policy]\nallow_stage_skip = true\n'
    config.write_text(TEST_CONFIG.read_text(encoding="utf-8") + table.format(url), encoding="utf-8")
    batch(settings_for(reference_url, allow_stage_skip=True), source, tmp_path / "ref" / "run", D1,
          channels=("sms",))  # fmt: skip
    expected = len(dump(reference_url))
    assert expected > 10_000
    env = {**os.environ, SECRET_ENV: SECRET}
    for attempt in range(5):
        out = tmp_path / f"crash{attempt}" / "run"
        command = [sys.executable, "-m", "dunletters", "--config", str(config), "batch",
                   str(source), "--out", str(out), "--as-of", D1.isoformat(),
                   "--channels", "sms", "--workers", "1"]  # fmt: skip
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        base = _count(url)
        deadline = time.monotonic() + 120
        while _count(url) == base and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.002)
        with contextlib.suppress(ProcessLookupError):  # it may have finished meanwhile
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        landed = _count(url) - base
        if 0 < landed < expected:
            break
        subprocess.run(command, env=env, capture_output=True, check=True)  # finish, try again
    else:
        pytest.fail("no kill landed while the ledger was written")
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr
    mine = [r for r in dump(url) if r[0] == _run_id(out)]
    assert len(mine) == expected  # no lost row, no doubled one
    strip = lambda rows: sorted(r[1:] for r in rows)  # noqa: E731  (less the run id)
    assert strip(mine) == strip(dump(reference_url))


def _run_id(out: Path) -> str:
    db = sqlite3.connect(out / "journal.sqlite")
    try:
        return str(db.execute("SELECT value FROM run WHERE key = 'run_id'").fetchone()[0])
    finally:
        db.close()


def test_phone_caps_read_the_documents_through_phone_pairs(url: str) -> None:
    ledger = Ledger(url)

    def pairs() -> list[tuple[str, str]]:
        with ledger.engine.connect() as connection:
            query = sa.text("SELECT phone_hmac, account_id FROM phone_accounts ORDER BY account_id")
            return [tuple(row) for row in connection.execute(query)]

    try:

        def sms(run: str, day: date, account: str = "A1") -> dict[str, Any]:
            return {"run_id": run, "account_id": account, "channel": "sms", "stage": "early",
                    "tone": "courteous", "template_key": "early.courteous",
                    "template_sha256": "a" * 64, "letter_number": None, "output_sha256": "b" * 64,
                    "as_of": day, "scheduled_at": None, "phone_hmac": "ph"}  # fmt: skip

        ledger.record([sms("r1", D1)])
        ledger.record([sms("r1", D1)])  # again: nothing doubled
        with pytest.raises(ValueError, match="status"):  # never dropped unseen
            ledger.record([{**sms("r9", D1), "status": "delivered"}])
        assert ledger.count() == 1
        assert ledger.histories([("B1", "ph")], D2)["B1"].phone_sms == (D1,)
        later = D1 + timedelta(days=40)
        ledger.record([sms("r2", later)])
        assert ledger.histories([("B1", "ph")], later)["B1"].phone_sms == (later,)  # 30 days
        ledger.record([sms("r3", later, account="A2")])  # a second debtor on the same phone
        assert ledger.histories([("B1", "ph")], later)["B1"].phone_sms == (later, later)
        assert ledger.histories([("B1", "other")], later) == {}
        assert pairs() == [("ph", "A1"), ("ph", "A2")]  # one row a pair, not one an SMS
        assert ledger.count() == 3
        assert ledger.prune(later) == (1, 0)  # r1 goes; both debtors still have an SMS
        assert pairs() == [("ph", "A1"), ("ph", "A2")]
        assert ledger.prune(later + timedelta(days=1)) == (2, 0)
        assert pairs() == []  # no document left that names the phone
    finally:
        ledger.close()
