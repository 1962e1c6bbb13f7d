"""One run per output folder, resumes that change nothing, personal data at rest (issue 15).

The red-team review's repros D-06, D-12–D-16 and new-user friction 3, 15 and 16,
each run for real (real processes, real SQLite files, real file modes). Synthetic
accounts only.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import AS_OF, TEST_CONFIG, TEST_CONFIG_TABLE, TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.contacts import normal_name
from dunletters.batch.journal import LetterNumbers
from dunletters.batch.pipeline import LOCK_NAME, BatchOptions, OutputError, run_batch
from dunletters.config import settings_from_mapping
from dunletters.errors import InputError
from dunletters.samples import generate_accounts
from runinfo import same_batch

pytestmark = pytest.mark.slow


def accounts(n: int, seed: int = 11) -> list[dict[str, str]]:
    return list(generate_accounts(n, seed=seed, as_of=AS_OF))


def options(source: Path, out: Path, **more: object) -> BatchOptions:
    return BatchOptions(input=source, out=out, as_of=AS_OF, workers=1, **more)  # type: ignore[arg-type]


def command(source: Path, out: Path, *more: str) -> list[str]:
    return [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG), "batch",
            str(source), "--out", str(out), "--as-of", AS_OF.isoformat(), *more]  # fmt: skip


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- D-06 / friction 16: owner-only files, and no record kept once it is produced -----------


def test_every_file_and_folder_of_a_run_is_owner_only_under_umask_022(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "accounts.csv", accounts(6))
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        run_batch(TEST_SETTINGS, options(source, out, channels=("letter", "sms")))
        run_batch(TEST_SETTINGS, options(source, tmp_path / "dry", dry_run=True))
    finally:
        os.umask(old)
    made = [out, *out.rglob("*"), tmp_path / "letter-numbers.sqlite"]
    made += [tmp_path / "dry", *(tmp_path / "dry").rglob("*")]
    assert any(p.name == "journal.sqlite" for p in made)
    assert any(p.parent.name == "dry-run" and p.name == "journal.sqlite" for p in made)
    for path in made:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert os.umask(0o022) == 0o022  # the run gave the umask back
    os.umask(old)


def test_the_journal_keeps_no_record_once_produced(tmp_path: Path) -> None:
    rows = accounts(30)
    source = write_csv(tmp_path / "accounts.csv", rows)
    out = tmp_path / "out"
    run_batch(TEST_SETTINGS, options(source, out, channels=("sms",)))
    journal = out / "journal.sqlite"
    db = sqlite3.connect(journal)
    try:
        assert (
            db.execute("SELECT COUNT(*) FROM accounts WHERE record_json IS NOT NULL").fetchone()[0]
            == 0
        )
        with_mobile = db.execute(
            "SELECT COUNT(*) FROM accounts WHERE mobile IS NOT NULL"
        ).fetchone()[0]
        sent = db.execute(
            "SELECT COUNT(*) FROM accounts WHERE state = 'written' AND sms_text != ''"
        ).fetchone()[0]
        assert with_mobile == sent > 0
    finally:
        db.close()
    raw = b"".join(p.read_bytes() for p in out.glob("journal.sqlite*"))
    # Names, card numbers and addresses are in no journal file, not even in freed pages.
    for row in rows:
        for field in ("name", "card_number", "address"):
            value = row[field].replace(" ", "")
            if len(value) >= 3:
                assert value.encode() not in raw, field


def test_a_resumed_letter_run_still_reads_its_pending_records(tmp_path: Path) -> None:
    """Pending rows keep their record until produced: a killed letter run resumes exactly."""
    rows = accounts(12)
    source = write_csv(tmp_path / "accounts.csv", rows)
    reference = tmp_path / "ref"
    run_batch(TEST_SETTINGS, options(source, reference, channels=("letter",), print_files=False))
    out = tmp_path / "out"
    run_batch(TEST_SETTINGS, options(source, out, channels=("letter",), print_files=False))
    db = sqlite3.connect(out / "journal.sqlite")
    with db:  # as a kill after intake leaves it: every account pending, with its record back
        db.execute("UPDATE accounts SET state = 'pending', record_json = NULL WHERE row = 0")
    db.close()
    for folder in (reference, out):
        (folder / "summary.json").unlink()
    assert run_batch(TEST_SETTINGS, options(source, out, channels=("letter",), print_files=False))


# -- D-14: one run per output folder -------------------------------------------------------


def test_a_second_run_on_the_same_folder_names_the_first_ones_pid(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "accounts.csv", accounts(3000))
    out = tmp_path / "out"
    first = subprocess.Popen(
        command(source, out, "--channels", "sms", "--workers", "1"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (out / LOCK_NAME).exists() or not (out / LOCK_NAME).read_text().strip():
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.05)
        first.send_signal(signal.SIGSTOP)  # still running (not finished) while the second tries
        try:
            second = subprocess.run(
                command(source, out, "--channels", "sms", "--workers", "1"),
                capture_output=True, text=True, check=False,
            )  # fmt: skip
        finally:
            first.send_signal(signal.SIGCONT)
        assert second.returncode == 2
        assert "正被另一批次使用" in second.stderr and f"进程 {first.pid}" in second.stderr
        assert "开始" in second.stderr and second.stderr.count("\n") == 1
    finally:
        assert first.wait(timeout=300) == 0
    # The first run was not disturbed: every account once, no duplicate rejects.
    with (out / "sms.csv").open(encoding="utf-8-sig") as stream:
        sent = len(list(csv.DictReader(stream)))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert sent == summary["accounts"]["written"] > 0
    with (out / "rejects.csv").open(encoding="utf-8-sig") as stream:
        assert not any("账号重复" in line for line in stream)


def test_a_killed_run_leaves_the_folder_unlocked(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "accounts.csv", accounts(3000))
    out = tmp_path / "out"
    run = command(source, out, "--channels", "sms", "--workers", "1")
    process = subprocess.Popen(run, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not (out / "journal.sqlite").exists():
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    again = subprocess.run(run, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr


# -- friction 3: a run that failed before its first row does not hold the folder ------------


def test_a_run_that_failed_on_its_input_can_be_rerun_fixed(tmp_path: Path) -> None:
    rows = accounts(4)
    broken = tmp_path / "accounts.csv"
    broken.write_text("账号,姓名\nA1,张伟\n", encoding="utf-8")  # required columns missing
    out = tmp_path / "out"
    with pytest.raises(InputError):
        run_batch(TEST_SETTINGS, options(broken, out, channels=("sms",)))
    assert not (out / "journal.sqlite").exists()  # the header is checked before anything is made
    write_csv(broken, rows)  # fixed: a different input file now
    result = run_batch(TEST_SETTINGS, options(broken, out, channels=("sms",)))
    assert result.counts["written"] + result.counts.get("held", 0) == len(rows)


def test_a_journal_with_rows_is_not_taken_over_and_the_message_names_what_changed(
    tmp_path: Path,
) -> None:
    source = write_csv(tmp_path / "accounts.csv", accounts(4))
    out = tmp_path / "out"
    run_batch(TEST_SETTINGS, options(source, out, channels=("sms",)))
    with pytest.raises(InputError, match=r"另一批次（渠道（--channels）") as caught:
        run_batch(TEST_SETTINGS, options(source, out, channels=("letter", "sms")))
    assert "sha256" not in str(caught.value)


# -- D-15: flags that change the outputs are part of the run -----------------------------------


def test_resume_with_a_different_no_print_is_refused(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "accounts.csv", accounts(3))
    out = tmp_path / "out"
    run_batch(TEST_SETTINGS, options(source, out, channels=("letter",)))
    with pytest.raises(InputError, match=r"印刷合并文件（--no-print）不同"):
        run_batch(TEST_SETTINGS, options(source, out, channels=("letter",), print_files=False))
    with pytest.raises(InputError, match=r"输入选项"):
        run_batch(TEST_SETTINGS, options(source, out, channels=("letter",), encoding="gbk"))
    # SMS only: there are no print files, so --no-print changes nothing and is accepted.
    sms = tmp_path / "sms"
    run_batch(TEST_SETTINGS, options(source, sms, channels=("sms",)))
    assert run_batch(
        TEST_SETTINGS, options(source, sms, channels=("sms",), print_files=False)
    ).resumed


# -- D-13: the input is never overwritten, the user's temp files never deleted --------------


def test_an_input_named_like_an_output_in_the_out_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "io"
    folder.mkdir()
    source = write_csv(folder / "sms.csv", accounts(3))
    before = source.read_bytes()
    with pytest.raises(InputError, match=r"同名.*--out"):
        run_batch(TEST_SETTINGS, options(source, folder, channels=("sms",)))
    assert source.read_bytes() == before
    # Another name in the same folder is fine: nothing the run writes is called that.
    other = write_csv(folder / "逾期明细.csv", accounts(3))
    assert run_batch(TEST_SETTINGS, options(other, folder, channels=("sms",))).counts["written"]


def test_resume_deletes_only_its_own_temp_files(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "accounts.csv", accounts(3))
    out = tmp_path / "out"
    run_batch(TEST_SETTINGS, options(source, out, channels=("letter", "sms")))
    theirs = [out / ".notes.tmp", out / "sub" / ".draft.tmp", out / ".report.docx.abcd1234.tmp"]
    theirs.append(out / "print" / ".notes.txt.abcd1234.tmp")
    ours = [out / ".sms.csv.abcd1234.tmp", out / "letters" / "late" / ".A1.pdf.x_y9z0w1.tmp"]
    ours.append(out / "print" / ".early-001.csv.k9Zq_x2a.tmp")  # a print part's page list
    for path in theirs + ours:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    assert run_batch(TEST_SETTINGS, options(source, out, channels=("letter", "sms"))).resumed
    assert all(path.exists() for path in theirs)
    assert not any(path.exists() for path in ours)


# -- D-12: a failed intake commit neither skips nor shifts a 函号 ----------------------------


def file_size_limit(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def test_numbers_of_a_block_the_journal_could_not_record_are_reused(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "accounts.csv", accounts(60))
    out = tmp_path / "uf" / "out"
    run = command(source, out, "--channels", "letter", "--no-print", "--workers", "1")
    failed = subprocess.run(
        run, capture_output=True, text=True, check=False, preexec_fn=file_size_limit(240 << 10)
    )
    assert failed.returncode == 2 and "journal.sqlite" in failed.stderr
    numbers = sqlite3.connect(out.parent / "letter-numbers.sqlite")
    # The journal could not record the block: no 函号 was reserved for it.
    assert numbers.execute("SELECT last FROM sequences").fetchone() is None
    numbers.close()
    done = subprocess.run(run, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    lines = [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]
    issued = sorted(line["letter_number"] for line in lines if line.get("letter_number"))
    assert issued[0] == "示银信催〔2026〕第000001号"
    assert issued == [f"示银信催〔2026〕第{n:06d}号" for n in range(1, len(issued) + 1)]


def test_a_block_key_gets_the_same_numbers_again(tmp_path: Path) -> None:
    numbers = LetterNumbers(tmp_path / "n.sqlite")
    try:
        first = numbers.reserve("示范银行", 2026, 5, "run:1")
        assert numbers.reserve("示范银行", 2026, 5, "run:1") == first == range(1, 6)
        assert numbers.reserve("示范银行", 2026, 5, "run:7") == range(6, 11)
        assert numbers.reserve("示范银行", 2026, 3) == range(11, 14)
        assert numbers.reserve("示范银行", 2026, 4, "run:1") == range(14, 18)  # other count
    finally:
        numbers.close()


# -- D-16: no SMS scheduled after the pay-by date it names ------------------------------------


def test_sms_to_one_mobile_stop_before_the_deadline_with_a_warning(tmp_path: Path) -> None:
    rows = accounts(9, seed=3)
    for index, row in enumerate(rows):  # one debtor (one name), nine accounts
        row.update(mobile="13800138000", days_past_due="18", due_date="2026-11-10",
                   dispute="否", deceased="否", promise_to_pay_until="", hardship="否",
                   account_id=f"S{index + 1}", name="欧阳 晓明" if index % 2 else "欧阳晓明",
                   gender="男")  # fmt: skip
    source = write_csv(tmp_path / "same.csv", rows)
    out = tmp_path / "out"
    result = run_batch(TEST_SETTINGS, options(source, out, channels=("sms",)))
    with (out / "sms.csv").open(encoding="utf-8-sig") as stream:
        sms = list(csv.DictReader(stream))
    shortest = min(rule.deadline_days for rule in TEST_SETTINGS.policy.stages)
    assert len(sms) == shortest == 5
    assert [row["scheduled_at"][:10] for row in sms] == [
        f"2026-{day}" for day in ("11-28", "11-29", "11-30", "12-01", "12-02")
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    capped = summary["sms_not_scheduled"]
    assert capped["count"] == 4 and capped["account_ids"] == ["S6", "S7", "S8", "S9"]
    assert "短信未排入 sms.csv" in (out / "summary.html").read_text(encoding="utf-8")
    assert result.counts["sms_not_scheduled"] == 4
    assert "shared_mobile" not in summary and "shared_mobile" not in result.counts


def _debtors(rows: list[dict[str, str]], prefix: str) -> list[dict[str, str]]:
    """Rows every one of which gets documents (late stage, no hold flag), ids ``prefix1…``."""
    for index, row in enumerate(rows):
        row.update(days_past_due="20", due_date="2026-11-08", dispute="否", deceased="否",
                   promise_to_pay_until="", hardship="否", account_id=f"{prefix}{index + 1}")  # fmt: skip
    return rows


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as stream:
        return list(csv.DictReader(stream))


def test_one_mobile_under_two_names_holds_the_sms_of_both_and_sends_the_letters(
    tmp_path: Path,
) -> None:
    rows = _debtors(accounts(4, seed=5), "M")
    rows[0].update(name="周晓梅", gender="女", mobile="13900139000")
    rows[2].update(name="郑国强", gender="男", mobile="13900139000")  # another person, one phone
    source = write_csv(tmp_path / "shared.csv", rows)
    out = tmp_path / "out"
    result = run_batch(TEST_SETTINGS, options(source, out))
    assert result.counts["written"] == 4 and result.counts["shared_mobile"] == 2
    sent = [row["account_id"] for row in _csv_rows(out / "sms.csv")]
    assert sent == ["M2", "M4"]
    holds = _csv_rows(out / "holds.csv")
    assert [(h["row"], h["account_id"], h["reason"]) for h in holds] == [
        ("2", "M1", "shared_mobile"),
        ("4", "M3", "shared_mobile"),
    ]
    assert all(h["说明"].startswith("同一手机号对应不同姓名") for h in holds)
    # The letters still go out (they are posted to the debtor's own address).
    assert sorted(p.name for p in (out / "letters").rglob("*.pdf")) == [
        f"M{n}.pdf" for n in range(1, 5)
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["holds_by_reason"] == {"shared_mobile": 2}
    shared = summary["shared_mobile"]
    assert shared["mode"] == "hold" and shared["mobiles"] == 1 and shared["sms_held"] == 2
    assert shared["groups"] == [["M1", "M3"]]
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "1 个手机号对应不同姓名" in page and "M1、M3" in page
    # Neither the names nor the mobile are kept in clear for it: only keyed hashes.
    db = sqlite3.connect(out / "journal.sqlite")
    try:
        dumped = "\n".join(db.iterdump())
    finally:
        db.close()
    assert "13900139000" not in dumped and "周晓梅" not in dumped and "郑国强" not in dumped
    # A re-run changes nothing.
    before = {p: p.read_bytes() for p in out.rglob("*.csv")}
    run_batch(TEST_SETTINGS, options(source, out))
    assert {p: p.read_bytes() for p in out.rglob("*.csv")} == before


def test_in_a_run_without_letters_a_shared_mobile_leaves_its_accounts_held(
    tmp_path: Path,
) -> None:
    """Nothing goes out for them at all: held, not counted as written."""
    rows = _debtors(accounts(3, seed=9), "H")
    rows[0].update(name="吴秀英", mobile="13300133000")
    rows[1].update(name="吴秀兰", mobile="13300133000")
    source = write_csv(tmp_path / "sms-only.csv", rows)
    out = tmp_path / "out"
    result = run_batch(TEST_SETTINGS, options(source, out, channels=("sms",)))
    assert (result.counts["written"], result.counts["held"]) == (1, 2)
    assert [row["account_id"] for row in _csv_rows(out / "sms.csv")] == ["H3"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["holds_by_reason"] == {"shared_mobile": 2}
    assert summary["accounts"]["held"] == 2 and summary["sms"]["count"] == 1
    manifest = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["account_id"] for line in manifest] == ["H3"]


def test_names_differing_only_in_spaces_width_or_dots_are_one_debtor(tmp_path: Path) -> None:
    assert normal_name("艾力 · 买买提") == normal_name("艾力•买买提") == normal_name("艾力・买买提")
    assert normal_name("ＬＩ　Ｍｉｎｇ") == normal_name("Li Ming") == normal_name("li ming")
    assert normal_name("王芳") != normal_name("王方")
    rows = _debtors(accounts(3, seed=6), "W")
    for row, name in zip(rows, ("Li Ming", "LI MING", "Li  Ming"), strict=True):
        row.update(name=name, gender="男", mobile="13700137000")
    source = write_csv(tmp_path / "same.csv", rows)
    out = tmp_path / "out"
    result = run_batch(TEST_SETTINGS, options(source, out, channels=("sms",)))
    assert result.counts["written"] == 3 and "shared_mobile" not in result.counts
    assert len(_csv_rows(out / "sms.csv")) == 3
    assert _csv_rows(out / "holds.csv") == []


def test_warn_sends_the_sms_of_a_shared_mobile_and_lists_it(tmp_path: Path) -> None:
    settings = settings_from_mapping({**TEST_CONFIG_TABLE, "sms": {"shared_mobile": "warn"}}, "t")
    rows = _debtors(accounts(3, seed=7), "V")
    rows[0].update(name="孙丽华", mobile="13600136000")
    rows[1].update(name="钱志远", mobile="13600136000")
    source = write_csv(tmp_path / "warn.csv", rows)
    out = tmp_path / "out"
    result = run_batch(settings, options(source, out, channels=("sms",)))
    assert len(_csv_rows(out / "sms.csv")) == 3 and _csv_rows(out / "holds.csv") == []
    shared = json.loads((out / "summary.json").read_text(encoding="utf-8"))["shared_mobile"]
    assert shared["mode"] == "warn" and shared["sms_sent"] == 2
    assert shared["groups"] == [["V1", "V2"]] and result.counts["shared_mobile"] == 2


def test_a_killed_and_resumed_run_keeps_the_shared_mobile_verdict(tmp_path: Path) -> None:
    """The first name is recorded long before the kill, the second long after: the
    verdict needs the hash kept in the journal across the resume."""
    rows = _debtors(accounts(3000, seed=8), "K")
    rows[1].update(name="冯建军", gender="男", mobile="13500135000")
    rows[2990].update(name="陈淑芬", gender="女", mobile="13500135000")
    rows[5].update(name="冯建军", gender="男", mobile="13500135001")
    rows[2995].update(name="冯 建军", gender="男", mobile="13500135001")  # one debtor
    source = write_csv(tmp_path / "accounts.csv", rows)
    reference = tmp_path / "ref" / "run"
    run_batch(TEST_SETTINGS, options(source, reference, channels=("sms",)))
    target = tmp_path / "crash" / "run"
    process = subprocess.Popen(
        command(source, target, "--channels", "sms", "--workers", "2"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while _recorded(target) < 600 and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert 0 < _recorded(target) < 2990  # killed between the two names
    finished = subprocess.run(
        command(source, target, "--channels", "sms", "--workers", "2"),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    assert "短信已暂停" in finished.stderr
    for name in ("sms.csv", "holds.csv", "manifest.jsonl", "summary.json"):
        got, want = ((folder / name).read_bytes() for folder in (target, reference))
        assert same_batch(name, got) == same_batch(name, want), name
    holds = _csv_rows(target / "holds.csv")
    assert [(h["account_id"], h["reason"]) for h in holds if h["reason"] == "shared_mobile"] == [
        ("K2", "shared_mobile"),
        ("K2991", "shared_mobile"),
    ]


def _recorded(out: Path) -> int:
    """Accounts a running batch has committed to its journal (0 before it has one)."""
    if not (out / "journal.sqlite").exists():
        return 0
    db = sqlite3.connect(out / "journal.sqlite", timeout=30)
    try:
        return int(db.execute("SELECT COUNT(*) FROM accounts").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not created yet
        return 0
    finally:
        db.close()


def test_pending_rows_a_killed_run_left_unnumbered_get_the_same_numbers(tmp_path: Path) -> None:
    """Killed between the intake commit and the numbering: resume numbers them, and a block
    reserved before the kill is given again (its key), so the letters are the same."""
    from dunletters.models import parse_account

    rows = accounts(8, seed=4)
    for row in rows:
        row.update(dispute="否", deceased="否", promise_to_pay_until="")
    source = write_csv(tmp_path / "accounts.csv", rows)
    reference, out = tmp_path / "ref" / "out", tmp_path / "run" / "out"
    for folder in (reference, out):
        run_batch(TEST_SETTINGS, options(source, folder, channels=("letter",), print_files=False))
    by_id = {row["account_id"]: row for row in rows}
    db = sqlite3.connect(out / "journal.sqlite")
    with db:  # as the kill leaves it: recorded, pending, not numbered, nothing produced
        for number, account_id in db.execute(
            "SELECT row, account_id FROM accounts WHERE state != 'held'"
        ).fetchall():
            record = parse_account(by_id[account_id], as_of=AS_OF).journal_json()
            db.execute(
                "UPDATE accounts SET state = 'pending', letter_number = NULL, record_json = ?,"
                " letter_path = NULL, letter_sha256 = NULL WHERE row = ?",
                (record, number),
            )
    db.close()
    for letter in (out / "letters").rglob("*.pdf"):
        letter.unlink()
    result = run_batch(TEST_SETTINGS, options(source, out, channels=("letter",), print_files=False))
    assert result.resumed and result.counts.get("pending", 0) == 0
    for name in ("manifest.jsonl", "summary.json"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    ours = sorted(p.relative_to(out) for p in (out / "letters").rglob("*.pdf"))
    assert ours == sorted(p.relative_to(reference) for p in (reference / "letters").rglob("*.pdf"))
    for path in ours:
        assert (out / path).read_bytes() == (reference / path).read_bytes()


def test_a_symlink_planted_as_the_lock_file_is_not_followed(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "accounts.csv", accounts(2))
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (out / LOCK_NAME).symlink_to(victim)
    with pytest.raises(OutputError, match=LOCK_NAME.replace(".", r"\.")):
        run_batch(TEST_SETTINGS, options(source, out, channels=("sms",)))
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_a_journal_of_an_earlier_version_is_named_as_such(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "accounts.csv", accounts(3))
    out = tmp_path / "out"
    run_batch(TEST_SETTINGS, options(source, out, channels=("sms",)))
    db = sqlite3.connect(out / "journal.sqlite")
    with db:  # as a journal written before these keys were part of a run
        db.execute("DELETE FROM run WHERE key IN ('print_files', 'input_options')")
    db.close()
    with pytest.raises(InputError, match=r"（dunletters 版本不同）") as caught:
        run_batch(TEST_SETTINGS, options(source, out, channels=("sms",)))
    assert "--no-print" not in str(caught.value)
