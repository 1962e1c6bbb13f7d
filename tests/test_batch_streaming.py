"""The batch driver keeps nothing per account in memory (batch issue: flat RSS at 100,000).

What used to grow with the batch — every pending record, every worker result, every
output row, every id and mobile seen — is now read from the journal a page at a
time or written as it goes; these tests pin the pieces (the figures themselves are in
benchmarks/README.md, from bench_batch.py). Synthetic accounts only.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from conftest import TEST_SETTINGS
from dunletters.batch.executor import AHEAD, InProcess, ProcessPool
from dunletters.batch.journal import FINISH_COLUMNS, INTAKE_COLUMNS, Journal
from dunletters.batch.pipeline import BatchOptions, make_executor, run_batch, run_spec
from dunletters.config import Settings
from dunletters.models import parse_account
from dunletters.samples import generate_accounts
from runinfo import same_batch

AS_OF = date(2026, 11, 28)


def test_the_pool_takes_jobs_only_as_they_are_needed(tmp_path: Path) -> None:
    pulled: list[int] = []

    def jobs() -> Iterator[int]:
        for number in range(-200, 0):
            pulled.append(number)
            yield number

    options = BatchOptions(
        input=tmp_path / "x.csv", out=tmp_path, as_of=AS_OF, channels=("sms",), workers=2
    )
    pool = make_executor(run_spec(Settings(), options), options)
    try:
        results = pool.map(abs, jobs())
        assert next(results) == 200
        assert len(pulled) <= 2 * AHEAD + 1
        assert list(results) == list(range(199, 0, -1))
    finally:
        pool.close()


def _slow_job(number: int) -> tuple[int, int]:
    """A job that takes a while (module level: a forked worker finds it by name)."""
    import os
    import time

    time.sleep(0.002)
    return number, os.getpid()


def test_the_process_pool_runs_every_job_in_its_workers_in_job_order(tmp_path: Path) -> None:
    """Two workers are two forkserver processes; the driver runs no job itself."""
    import os

    options = BatchOptions(
        input=tmp_path / "x.csv", out=tmp_path, as_of=AS_OF, channels=("sms",), workers=2
    )
    pool = make_executor(run_spec(Settings(), options), options)
    assert isinstance(pool, ProcessPool)
    try:
        results = list(pool.map(_slow_job, range(300)))
    finally:
        pool.close()
    assert [number for number, _ in results] == list(range(300))
    by_pid = {pid for _, pid in results}
    assert os.getpid() not in by_pid
    assert len(by_pid) == 2
    assert pool.describe() == "本机进程池（2 个工作进程）"
    one = BatchOptions(input=tmp_path / "x.csv", out=tmp_path, as_of=AS_OF, workers=1)
    assert isinstance(make_executor(run_spec(Settings(), one), one), InProcess)


def test_pending_pages_survive_commits_between_them(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite")
    with journal.transaction():
        journal.add_accounts(
            [
                (row, f"A{row}", "", "{}", "", "0", "pending" if row % 7 else "held")
                + (None,) * (len(INTAKE_COLUMNS) - 7)
                for row in range(2, 52)
            ]
        )
    seen = []
    for found in journal.iter_pending(page=4):
        seen.append(found["row"])
        with journal.transaction():
            journal.finish([("written",) + (None,) * (len(FINISH_COLUMNS) - 1) + (found["row"],)])
    assert seen == [row for row in range(2, 52) if row % 7]
    assert journal.pending_count() == 0
    assert journal.last_row() == 51
    assert journal.known_ids(["A9", "A99", "A50"]) == {"A9", "A50"}
    journal.close()


def test_one_sms_a_day_per_mobile_without_counting_every_mobile(tmp_path: Path) -> None:
    rows = list(generate_accounts(12, seed=3, as_of=AS_OF))
    for row in rows:
        row.update(dispute="否", deceased="否", promise_to_pay_until="", days_past_due="9")
        row["due_date"] = "2026-11-19"  # nine days before AS_OF: the days must agree
    shared = rows[0]["mobile"]
    for row in rows[3:6]:
        # one debtor, four accounts (one name: a mobile under two names is held)
        row.update(mobile=shared, name=rows[0]["name"], gender=rows[0]["gender"])
    source = tmp_path / "accounts.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run_batch(
        TEST_SETTINGS,
        BatchOptions(input=source, out=tmp_path / "out", as_of=AS_OF, channels=("sms",)),
    )
    with (tmp_path / "out" / "sms.csv").open(encoding="utf-8-sig") as stream:
        sms = list(csv.DictReader(stream))
    assert len(sms) == 12
    days = [row["scheduled_at"][:10] for row in sms if row["phone"] == shared]
    assert days == ["2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01"]
    others = {row["scheduled_at"] for row in sms if row["phone"] != shared}
    assert others == {"2026-11-28T08:00:00+08:00"}


def test_a_journal_record_altered_since_intake_is_validated_again(tmp_path: Path) -> None:
    """Pending accounts are read back without validation only while their hash matches."""
    import json
    import sqlite3

    source = tmp_path / "accounts.csv"
    rows = list(generate_accounts(6, seed=4, as_of=AS_OF))
    for row in rows:
        row.update(dispute="否", deceased="否", promise_to_pay_until="", days_past_due="9")
        row["due_date"] = "2026-11-19"  # nine days before AS_OF: the days must agree
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out"
    options = BatchOptions(input=source, out=out, as_of=AS_OF, channels=("sms",))
    run_batch(TEST_SETTINGS, options)
    db = sqlite3.connect(out / "journal.sqlite")
    # A produced row keeps no record (only its hash): put back what intake wrote.
    by_id = {row["account_id"]: row for row in rows}
    records = {
        number: parse_account(by_id[account_id], as_of=AS_OF).journal_json()
        for number, account_id in db.execute(
            "SELECT row, account_id FROM accounts ORDER BY row LIMIT 2"
        )
    }
    (renamed_row, renamed), (broken_row, broken) = records.items()
    db.executemany(
        "UPDATE accounts SET state = 'pending', record_json = ? WHERE row = ?",
        [
            (json.dumps({**json.loads(renamed), "name": "欧阳测名"}), renamed_row),
            (json.dumps({**json.loads(broken), "mobile": "12345"}), broken_row),
        ],
    )
    db.commit()
    db.close()
    result = run_batch(TEST_SETTINGS, BatchOptions(**{**options.__dict__, "resume": True}))
    assert result.counts["quarantined"] == 1
    with (out / "sms.csv").open(encoding="utf-8-sig") as stream:
        texts = {row["account_id"]: row["text"] for row in csv.DictReader(stream)}
    assert "欧阳" in texts[json.loads(renamed)["account_id"]]
    report = json.loads(
        (out / "quarantine" / f"{json.loads(broken)['account_id']}.findings.json").read_text()
    )
    assert "日志中的记录无法读取" in report["error"]


def test_sqlite_quotes_text_as_the_json_module_does() -> None:
    """The manifest's lines are built by SQLite (``json_object``): its escaping of text
    must be ``json.dumps(ensure_ascii=False)``'s for every code point a journal can hold
    (all but the surrogates), so the manifest is the same whichever wrote it."""
    import json
    import sqlite3

    db = sqlite3.connect(":memory:")
    block = 2048
    for first in range(0, 0x110000, block):
        text = "".join(
            chr(code) for code in range(first, first + block) if not 0xD800 <= code < 0xE000
        )
        if text:
            quoted = db.execute("SELECT json_quote(?)", (text,)).fetchone()[0]
            assert quoted == json.dumps(text, ensure_ascii=False), hex(first)
    db.close()


def test_sqlite_writes_csv_fields_as_the_csv_module_does() -> None:
    """sms.csv's lines are built by SQLite (``csv_field``): each field as ``csv.writer``
    (``lineterminator="\\n"``) writes it, for every code point and for fields that are
    empty, NULL, a number, all quotes or have a comma, a quote or a line break."""
    import csv
    import io
    import sqlite3

    from dunletters.batch.finish import csv_field

    def written(value: object) -> str:
        stream = io.StringIO()
        csv.writer(stream, lineterminator="\n").writerow([value, "x"])
        return stream.getvalue()[: -len(",x\n")]

    db = sqlite3.connect(":memory:")
    query = f"SELECT {csv_field('?1')} || ','"  # as in a line: a number becomes text
    texts: list[object] = ["", None, 7, '"', '""', ",", "\n", "\r", "\r\n", " a ", 'a,"b"\nc']
    # Every other code point, 2,048 at a time: quoted by neither (else they would differ).
    others = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and chr(c) not in ',"\n']
    texts += ["".join(others[start : start + 2048]) for start in range(0, len(others), 2048)]
    for text in texts:
        assert db.execute(query, (text,)).fetchone()[0] == written(text) + ",", repr(text)
    db.close()


def test_plain_progress_prints_each_512_passed_and_the_end(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from dunletters.batch.pipeline import plain_progress

    report = plain_progress()
    for done in (100, 200, 300, 400, 500, 600, 700, 1000, 1100, 1234):
        report(done, 1234)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"dunletters: 已生成 {done}/1234" for done in (600, 1100, 1234)]


@pytest.mark.parametrize("workers", [1, 2])
def test_finishing_in_ranges_writes_what_one_pass_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """The outputs are written a range of rows at a time (read, and the summary's
    amounts and counts tallied, in the workers): ranges of 7 rows give the bytes one
    range gives, holds, rejects, SMS send times and the summary included."""
    import dunletters.batch.finish as finish

    rows = list(generate_accounts(60, seed=21, as_of=AS_OF))
    rows[3]["principal"] = "不是金额"  # a reject between ranges
    for row in rows[10:14]:  # one debtor's five SMS (one name): spread over days
        row.update(mobile=rows[9]["mobile"], name=rows[9]["name"], gender=rows[9]["gender"])
    source = tmp_path / "accounts.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    def run(out: Path) -> dict[str, bytes]:
        options = BatchOptions(
            input=source, out=out, as_of=AS_OF, channels=("sms",), workers=workers
        )
        result = run_batch(TEST_SETTINGS, options)
        assert result.counts["rejected"] == 1 and result.counts["held"] > 0
        return {
            path.name: same_batch(path.name, path.read_bytes())
            for path in sorted(out.iterdir())
            if path.is_file() and not path.name.startswith("journal")
        }

    whole = run(tmp_path / "whole")
    monkeypatch.setattr(finish, "FINISH_ROWS", 7)
    assert run(tmp_path / "ranges") == whole
    assert b"T08:00:00+08:00" in whole["sms.csv"] and b"2026-12-02T" in whole["sms.csv"]


def test_workers_always_start_from_the_fork_server(tmp_path: Path) -> None:
    """With or without letters, with or without another thread: the fork server, and
    the outputs of two workers are those of one."""
    import threading

    rows = list(generate_accounts(150, seed=23, as_of=AS_OF))
    source = tmp_path / "accounts.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    def start_method(channels: tuple[str, ...]) -> str:
        options = BatchOptions(
            input=source, out=tmp_path / "x", as_of=AS_OF, channels=channels, workers=2
        )
        pool = ProcessPool(run_spec(Settings(), options), 2)
        try:
            return str(pool._executor()._mp_context.get_start_method())  # type: ignore[attr-defined]
        finally:
            pool.close()

    def outputs(workers: int, name: str) -> dict[str, bytes]:
        out = tmp_path / name
        options = BatchOptions(
            input=source, out=out, as_of=AS_OF, channels=("sms",), workers=workers
        )
        run_batch(TEST_SETTINGS, options)
        return {
            path.name: same_batch(path.name, path.read_bytes())
            for path in sorted(out.iterdir())
            if path.is_file() and not path.name.startswith("journal")
        }

    assert start_method(("sms",)) == "forkserver"
    assert start_method(("letter", "sms")) == "forkserver"
    reference = outputs(1, "one")
    assert outputs(2, "two") == reference
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert start_method(("sms",)) == "forkserver"
    finally:
        stop.set()
        other.join()
