"""A write that fails stops the batch with one clear line; the same command then finishes it.

Real failing filesystems, no mocks: a file-size limit (``RLIMIT_FSIZE``, with SIGXFSZ
ignored, so writes fail with EFBIG — works without privileges), a file where a folder
should be (ENOTDIR), a folder where a file should be (EISDIR), and — as root, where
mounting is allowed — a full tmpfs (ENOSPC) that is then enlarged. After each failure:
exit status 2 (OutputError), a Chinese-first last line on stderr naming the path and
the cause, no traceback and no record value; the journal passes SQLite's integrity
check and every row it calls written has its file; re-running without the fault gives
outputs byte-identical to an uninterrupted run. Synthetic accounts only.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from conftest import TEST_CONFIG, TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.samples import generate_accounts
from runinfo import same_batch

AS_OF = date(2026, 11, 28)
pytestmark = pytest.mark.slow


def accounts(n: int) -> list[dict[str, str]]:
    return list(generate_accounts(n, seed=11, as_of=AS_OF))


def outputs(out: Path) -> dict[str, bytes]:
    """Everything a run delivers, except the journal (which records the run itself)."""
    return {
        str(path.relative_to(out)): same_batch(path.name, path.read_bytes())
        for path in sorted(out.rglob("*"))
        if path.is_file() and not path.name.startswith("journal.sqlite")
    }


def batch(
    source: Path, out: Path, channels: str, preexec: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG),
               "batch", str(source), "--out", str(out),
               "--as-of", AS_OF.isoformat(), "--channels", channels, "--workers", "2"]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, check=False, preexec_fn=preexec)


def file_size_limit(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails: EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def error_line(result: subprocess.CompletedProcess[str], rows: list[dict[str, str]]) -> str:
    """The failed run's message: exit 2, one error line last, no traceback, no record value."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    *progress, last = result.stderr.strip().splitlines()
    assert all(line.startswith("dunletters: 已生成 ") for line in progress), progress
    assert last.startswith("dunletters: 错误: 无法写入 ")
    assert "用相同命令继续" in last
    for row in rows:
        for field in ("account_id", "name", "mobile", "card_number", "principal", "total_due"):
            assert row[field] not in last, field
    return last


def journal_states(out: Path) -> dict[str, int]:
    """Check the journal is consistent and return its accounts by state."""
    db = sqlite3.connect(out / "journal.sqlite")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        states: dict[str, int] = {}
        for state, path, digest in db.execute(
            "SELECT state, letter_path, letter_sha256 FROM accounts"
        ):
            states[state] = states.get(state, 0) + 1
            assert state in ("pending", "written", "held", "quarantined")
            if state == "written" and path is not None:
                data = (out / path).read_bytes()  # a committed letter always has its file
                assert hashlib.sha256(data).hexdigest() == digest
        rows = {r[0] for r in db.execute("SELECT row FROM accounts")}
        assert not rows & {r[0] for r in db.execute("SELECT row FROM rejects")}
    finally:
        db.close()
    assert not list(out.rglob("*.tmp")), "a failed write left its temp file"
    return states


@pytest.fixture(scope="module")
def letter_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]], Path]:
    """Input, its rows and an uninterrupted letters + SMS run of it."""
    root = tmp_path_factory.mktemp("letters")
    rows = accounts(24)
    source = write_csv(root / "accounts.csv", rows)
    reference = root / "ref" / "run"
    run_batch(TEST_SETTINGS, BatchOptions(input=source, out=reference, as_of=AS_OF, workers=1))
    return source, rows, reference


def test_file_size_limit_stops_the_run_and_the_same_command_finishes_it(tmp_path: Path) -> None:
    rows = accounts(2000)  # produced accounts are committed 512 at a time
    source = write_csv(tmp_path / "accounts.csv", rows)
    reference = tmp_path / "ref" / "run"
    run_batch(
        TEST_SETTINGS,
        BatchOptions(input=source, out=reference, as_of=AS_OF, channels=("sms",), workers=1),
    )
    phases = {}
    # 256 KiB: the journal is created (~210 KiB of 16 KiB pages) but its first block of
    # accounts fails; 1 MiB: a later block, after the first ones were committed (the
    # write-ahead log reaches ~1.6 MiB: produced rows keep no record).
    for limit in (256 << 10, 1024 << 10):
        out = tmp_path / f"limit-{limit}" / "run"
        failed = batch(source, out, "sms", file_size_limit(limit))
        line = error_line(failed, rows)
        assert f"{out / 'journal.sqlite'}：磁盘读写失败" in line
        phases[limit] = journal_states(out)
        finished = batch(source, out, "sms")
        assert finished.returncode == 0, finished.stderr
        assert outputs(out) == outputs(reference)
        journal_states(out)
    assert phases[256 << 10] == {}  # nothing committed: the run starts afresh
    # A run without letters records each account once, produced: none is left pending.
    assert phases[1024 << 10].get("written", 0) > 0 and "pending" not in phases[1024 << 10]


def test_a_file_or_folder_in_the_way_stops_the_run_and_the_same_command_finishes_it(
    tmp_path: Path, letter_run: tuple[Path, list[dict[str, str]], Path]
) -> None:
    source, rows, reference = letter_run
    out = tmp_path / "run"
    out.mkdir()
    (out / "letters").write_bytes(b"")  # a file where the letters folder goes: ENOTDIR
    (out / "sms.csv").mkdir()  # a folder where sms.csv goes: EISDIR
    failed = batch(source, out, "letter,sms")
    line = error_line(failed, rows)
    assert f"{out / 'letters'}" in line and "路径中有一段是文件而不是文件夹（ENOTDIR）" in line
    states = journal_states(out)
    assert "written" not in states and states["pending"] > 0
    (out / "letters").unlink()
    failed = batch(source, out, "letter,sms")
    line = error_line(failed, rows)
    assert f"无法写入 {out / 'sms.csv'}：目标是一个文件夹（EISDIR）" in line
    assert "pending" not in journal_states(out)
    (out / "sms.csv").rmdir()
    finished = batch(source, out, "letter,sms")
    assert finished.returncode == 0, finished.stderr
    assert outputs(out) == outputs(reference)


def test_an_output_folder_inside_a_file_is_a_clear_error(tmp_path: Path) -> None:
    rows = accounts(3)
    source = write_csv(tmp_path / "accounts.csv", rows)
    (tmp_path / "taken").write_bytes(b"")
    failed = batch(source, tmp_path / "taken" / "run", "sms")
    assert f"无法写入 {tmp_path / 'taken' / 'run'}：" in error_line(failed, rows)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (root, where mounting is allowed); enlarge it with ``mount -o remount``."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs is not allowed here")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_full_disk_stops_the_run_and_the_same_command_finishes_it(
    small_disk: Path, letter_run: tuple[Path, list[dict[str, str]], Path]
) -> None:
    source, rows, reference = letter_run
    out = small_disk / "run"
    failed = batch(source, out, "letter,sms")
    line = error_line(failed, rows)
    assert "磁盘空间不足" in line and str(out) in line
    journal_states(out)
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    finished = batch(source, out, "letter,sms")
    assert finished.returncode == 0, finished.stderr
    assert outputs(out) == outputs(reference)


def test_letters_are_made_durable_together(tmp_path: Path) -> None:
    """Letters skip their own fsync; one syncfs of the output's filesystem per commit."""
    from dunletters.batch import storage
    from dunletters.batch.storage import OutputError

    if sys.platform.startswith("linux"):
        assert storage._syncfs() is not None  # the one-call path, not os.sync()
    storage.atomic_write(tmp_path / "a.pdf", b"%PDF", durable=False)
    storage.sync_folder(tmp_path)
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF"
    with pytest.raises(OutputError) as caught:
        storage.sync_folder(tmp_path / "missing")
    assert "missing" in str(caught.value)
