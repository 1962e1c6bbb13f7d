"""``--executor dask`` on a real LocalCluster of worker processes (issue #18).

The same bytes as the process pool, a worker SIGKILLed mid-run, the driver killed
and resumed, a worker with other templates refused. Synthetic accounts only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, LocalCluster

from conftest import TEST_CONFIG, TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch import files, intake, run
from dunletters.batch.cluster import ClusterError, DaskExecutor, dashboard_options
from dunletters.batch.fingerprint import HASHES_NAME, _KnownHashes, fingerprint
from dunletters.batch.pipeline import BatchOptions, BatchResult, OutputError, run_batch, run_spec
from dunletters.registry import BUILTIN_TEMPLATES
from dunletters.samples import generate_accounts
from runinfo import same_batch

AS_OF = date(2026, 11, 28)


def _source(folder: Path, n: int, seed: int) -> Path:
    rows = [{k: str(v) for k, v in r.items()} for r in generate_accounts(n, seed=seed, as_of=AS_OF)]
    return write_csv(folder / "accounts.csv", rows)


def _run(source: Path, out: Path, **options: Any) -> BatchResult:
    return run_batch(TEST_SETTINGS, BatchOptions(input=source, out=out, as_of=AS_OF, **options))


def _outputs(out: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(out)): same_batch(path.name, path.read_bytes())
        for path in sorted(out.rglob("*"))
        if path.is_file() and not path.name.startswith("journal")
    }


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """A cluster the tests own (so they can stop its workers): two single-threaded
    worker processes, each watched by a nanny that restarts it."""
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        silence_logs=logging.ERROR,
        **dashboard_options(False),
    ) as started:
        yield started


def test_dask_writes_the_bytes_of_the_process_pool(tmp_path: Path) -> None:
    """Letters and SMS; the executor starts and closes its own LocalCluster."""
    source = _source(tmp_path, 24, seed=31)
    process = _run(source, tmp_path / "process" / "out", workers=2)
    dask = _run(source, tmp_path / "dask" / "out", workers=2, executor="dask")
    assert _outputs(tmp_path / "dask" / "out") == _outputs(tmp_path / "process" / "out")
    assert dask.counts == process.counts and dask.counts["written"] > 10
    assert dask.executor == "Dask 本地集群（2 个工作进程，任务重试 0 次）"
    assert process.executor == "本机进程池（2 个工作进程）"


@pytest.mark.parametrize("worker_writes", [False, True], ids=["driver-writes", "worker-writes"])
def test_a_worker_killed_mid_run_leaves_every_account_produced_once(
    tmp_path: Path, cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch, worker_writes: bool
) -> None:
    monkeypatch.setattr(run, "PRINT_PART", 4)  # many small jobs: the kill lands mid-run
    source = _source(tmp_path, 40, seed=32)
    reference = tmp_path / "ref" / "out"
    _run(source, reference, workers=2)
    with Client(cluster) as client:
        pids = dict(client.run(os.getpid))
    victim = sorted(pids.values())[0]
    killed: list[int] = []

    def report(done: int, total: int) -> None:
        if done and not killed:
            os.kill(victim, signal.SIGKILL)
            killed.append(done)

    out = tmp_path / "dask" / "out"
    options = BatchOptions(
        input=source,
        out=out,
        as_of=AS_OF,
        workers=2,
        executor="dask",
        dask_scheduler=cluster.scheduler_address,
        worker_writes=worker_writes,
    )
    result = run_batch(TEST_SETTINGS, options, report)
    assert killed and killed[0] < result.counts["written"]  # killed before the end
    assert _outputs(out) == _outputs(reference)
    execution = json.loads((out / "summary.json").read_text(encoding="utf-8"))["execution"]
    assert execution["executor"] == "dask" and execution["workers"] == 2
    assert execution["worker_writes"] is worker_writes
    assert execution["retries"] >= 1  # the victim's task(s), run again on the other worker
    assert f"任务重试 {execution['retries']} 次" in result.executor
    assert _private(out)
    manifest = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["account_id"] for line in manifest]
    assert (
        len(ids) == len(set(ids)) == result.counts["written"] + result.counts.get("quarantined", 0)
    )
    assert not list(out.rglob("*.tmp"))
    with Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        assert victim not in dict(client.run(os.getpid)).values()


@pytest.mark.parametrize("worker_writes", [False, True], ids=["driver-writes", "worker-writes"])
def test_the_driver_killed_resumes_to_the_uninterrupted_outputs(
    tmp_path: Path, cluster: LocalCluster, worker_writes: bool
) -> None:
    source = _source(tmp_path, 40, seed=33)
    reference = tmp_path / "ref" / "out"
    _run(source, reference, workers=2)
    out = tmp_path / "crash" / "out"
    command = [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG),
               "batch", str(source), "--out", str(out), "--as-of", "2026-11-28",
               "--workers", "2", "--executor", "dask",
               "--dask-scheduler", cluster.scheduler_address]  # fmt: skip
    command += ["--worker-writes"] if worker_writes else []
    driver = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with _journal_held_mid_run(out / "journal.sqlite", driver):
            # The driver cannot record a letter now, so it cannot finish: its first
            # part's files appear (written, not yet committed) and it is killed there.
            deadline = time.monotonic() + 120
            while not any((out / "letters").rglob("*.pdf")):
                assert time.monotonic() < deadline and driver.poll() is None
                time.sleep(0.05)
            driver.send_signal(signal.SIGKILL)
            driver.wait()
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait()
    assert not (out / "manifest.jsonl").exists(), "the run ended before the kill"
    # A worker killed between its temp file and the rename leaves one like this behind.
    letter = next((out / "letters").rglob("*.pdf"))
    orphan = letter.with_name(f".{letter.name}.k9Zq_x2a.tmp")
    orphan.write_bytes(letter.read_bytes()[:1000])
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr
    assert "执行：Dask 集群 tcp://" in finished.stdout
    assert ("文件由工作进程写入" in finished.stdout) is worker_writes
    assert _outputs(out) == _outputs(reference)
    assert not list(out.rglob("*.tmp"))
    assert _private(out)


@contextmanager
def _journal_held_mid_run(path: Path, driver: subprocess.Popen[bytes]) -> Iterator[None]:
    """The run's journal write-locked once intake is over (its last write, the input's
    notes, is in) and accounts are still pending: the driver's next write is a part it
    has produced, so it is held mid-run however fast it is (it waits for the lock; its
    busy timeout is 30 s)."""
    deadline = time.monotonic() + 120
    # Not a lock of ours until the driver has made the journal and put it in WAL mode
    # (its -wal file): a lock taken while it sets the journal up fails its start.
    wal = path.with_name(path.name + "-wal")
    while not wal.exists():
        assert time.monotonic() < deadline and driver.poll() is None
        time.sleep(0.01)
    db = sqlite3.connect(path, isolation_level=None, timeout=0.05)
    pending_sql = (
        "SELECT COUNT(*) FROM accounts WHERE state = 'pending'"
        " AND EXISTS (SELECT 1 FROM run WHERE key = ?)"
    )
    try:
        while True:
            assert time.monotonic() < deadline and driver.poll() is None
            try:  # read first (a WAL reader never blocks the driver), then lock and re-read
                pending = db.execute(pending_sql, (intake._NOTES_KEY,)).fetchone()[0]
                if pending:
                    db.execute("BEGIN IMMEDIATE")
                    pending = db.execute(pending_sql, (intake._NOTES_KEY,)).fetchone()[0]
            except sqlite3.OperationalError:  # locked, or the schema not made yet
                pending = 0
            if pending:
                break
            if db.in_transaction:
                db.execute("ROLLBACK")
            time.sleep(0.01)
        yield
        db.execute("ROLLBACK")
    finally:
        db.close()


def test_a_worker_with_other_templates_is_refused_before_any_output(
    tmp_path: Path, cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The template folder is relative: a worker started in another folder reads another
    copy of it, as a machine with other files would. The driver's copy is the built-in
    one; the worker's has one SMS template changed by a word."""
    sms = "sms/early.courteous.txt.j2"
    here, there = tmp_path / "driver", tmp_path / "worker"
    for folder in (here, there):
        (folder / "overlay" / "sms").mkdir(parents=True)
        shutil.copyfile(BUILTIN_TEMPLATES / sms, folder / "overlay" / sms)
    changed = (there / "overlay" / sms).read_text(encoding="utf-8").replace("。", "！", 1)
    (there / "overlay" / sms).write_text(changed, encoding="utf-8")
    source = _source(tmp_path, 6, seed=34)

    scheduler = LocalCluster(
        n_workers=0, processes=True, silence_logs=logging.ERROR, **dashboard_options(False)
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", scheduler.scheduler_address,
         "--nthreads", "1", "--no-dashboard", "--no-nanny"],
        cwd=there, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        monkeypatch.chdir(here)
        options = BatchOptions(
            input=source,
            out=tmp_path / "out",
            as_of=AS_OF,
            channels=("sms",),
            workers=1,
            template_dirs=(Path("overlay"),),
            executor="dask",
            dask_scheduler=scheduler.scheduler_address,
        )
        with pytest.raises(ClusterError, match=r"与本机不一致（template 0:sms/early\.courteous"):
            run_batch(TEST_SETTINGS, options)
        assert not (tmp_path / "out" / "sms.csv").exists()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        scheduler.close()


def _threats(overlay: Path) -> Path:
    """The built-in early, courteous letter and SMS with a threat for odd days past due."""
    threat = "{% if account.days_past_due is odd %}再不还款，后果自负！{% endif %}"
    for name, anchor in (
        ("letters/early.courteous.html.j2", "<p>再次感谢您的理解与配合。</p>"),
        ("sms/early.courteous.txt.j2", "如已还款请忽略。"),
    ):
        text = (BUILTIN_TEMPLATES / name).read_text(encoding="utf-8")
        assert anchor in text
        (overlay / name).parent.mkdir(parents=True, exist_ok=True)
        (overlay / name).write_text(text.replace(anchor, anchor + threat), encoding="utf-8")
    return overlay


def _private(out: Path) -> bool:
    """Every file the run made is owner-only (0600), every folder 0700 (personal data)."""
    modes = {
        path.relative_to(out).as_posix(): stat.S_IMODE(path.stat().st_mode)
        for path in out.rglob("*")
    }
    wrong = {name: oct(mode) for name, mode in modes.items() if mode not in (0o600, 0o700)}
    assert not wrong, wrong
    return bool(modes)


@pytest.mark.parametrize("channels", [("letter", "sms"), ("sms",)], ids=["letters", "sms-only"])
def test_worker_writes_are_the_bytes_of_the_driver_writing(
    tmp_path: Path, cluster: LocalCluster, channels: tuple[str, ...]
) -> None:
    """Workers write letters, print files and quarantined documents to the output folder
    themselves; the driver only checks them. A threat in the early, courteous wordings
    (odd days past due) quarantines some letters and SMS."""
    source = _source(tmp_path, 30, seed=38)
    common: dict[str, Any] = {
        "workers": 2,
        "channels": channels,
        "template_dirs": (_threats(tmp_path / "templates"),),
        "allow_unreviewed": True,  # wordings made to fail their lint: never approved
    }
    reference = tmp_path / "ref" / "out"
    expected = _run(source, reference, **common)
    out = tmp_path / "dask" / "out"
    result = _run(
        source,
        out,
        executor="dask",
        dask_scheduler=cluster.scheduler_address,
        worker_writes=True,
        **common,
    )
    assert result.counts == expected.counts and result.counts["written"] > 10
    assert result.counts["quarantined"] > 0 and any((out / "quarantine").iterdir())
    assert _outputs(out) == _outputs(reference)
    assert result.executor.endswith("，文件由工作进程写入")
    execution = json.loads((out / "summary.json").read_text(encoding="utf-8"))["execution"]
    assert execution == {
        "executor": "dask",
        "description": f"Dask 集群 {cluster.scheduler_address}（2 个工作进程，任务重试 0 次）",
        "workers": 2,
        "retries": 0,
        "worker_writes": True,
    }
    assert _private(out)


def test_worker_writes_with_the_process_pool(tmp_path: Path) -> None:
    """Accepted with ``--executor process`` too (the pool's processes write): same bytes."""
    source = _source(tmp_path, 24, seed=39)
    reference = tmp_path / "ref" / "out"
    _run(source, reference, workers=2)
    out = tmp_path / "pool" / "out"
    result = _run(source, out, workers=2, worker_writes=True)
    assert result.executor == "本机进程池（2 个工作进程），文件由工作进程写入"
    assert _outputs(out) == _outputs(reference)
    assert _private(out)


def test_a_worker_file_that_is_not_what_it_reported_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Missing, short or changed: an OutputError naming the folder (never the account,
    whose id is the file's name), before any row names the file."""
    monkeypatch.setattr(files, "CHECK_AGAIN", 0.0)
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    stored = files.store(out, "letters/early/ZX0012345.pdf", b"%PDF-1.7 synthetic")
    files.check_stored(out, stored)  # as reported
    for damage in (b"%PDF-1.7 synthetiC", b"%PDF-1.7", None):
        target = out / stored.path
        if damage is None:
            target.unlink()
        else:
            target.write_bytes(damage)
        with pytest.raises(OutputError) as caught:
            files.check_stored(out, stored)
        message = str(caught.value)
        assert f"{out / 'letters' / 'early'}{os.sep}" in message
        assert "ZX0012345" not in message
        assert ("不存在" in message) is (damage is None)


def test_the_local_cluster_leaves_port_8787_alone(tmp_path: Path) -> None:
    """No dashboard unless asked: its web server on a free port of this machine only, so
    a second run (or anything else on 8787) neither clashes nor makes Dask warn."""
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    with suppress(OSError):  # taken already: all the better
        holder.bind(("127.0.0.1", 8787))
        holder.listen()
    options = BatchOptions(input=tmp_path / "x.csv", out=tmp_path, as_of=AS_OF, channels=("sms",))
    executor = DaskExecutor(run_spec(TEST_SETTINGS, options), workers=1)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            executor.start()
        link = executor._cluster.dashboard_link
        assert link.startswith("http://127.0.0.1:") and ":8787/" not in link
        assert not [w for w in caught if "8787" in str(w.message)]
        with pytest.raises(urllib.error.HTTPError):  # the server is up, the dashboard is not
            urllib.request.urlopen(link, timeout=10)
    finally:
        executor.close()
        holder.close()


def test_a_font_file_rewritten_in_place_is_hashed_again(tmp_path: Path) -> None:
    """The remembered hashes are keyed by the file's stat, change time included: a rewrite
    of the same size with its modification time put back is still noticed."""
    face = tmp_path / "face.otf"
    face.write_bytes(b"OTTO" + bytes(range(256)) * 64)
    known = _KnownHashes(tmp_path / HASHES_NAME)
    first = known.sha256(face)
    assert first == hashlib.sha256(face.read_bytes()).hexdigest()
    known.save()
    assert _KnownHashes(tmp_path / HASHES_NAME).sha256(face) == first
    before = face.stat()
    time.sleep(0.01)
    face.write_bytes(b"OTTP" + bytes(range(256)) * 64)
    os.utime(face, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = _KnownHashes(tmp_path / HASHES_NAME).sha256(face)
    assert again == hashlib.sha256(face.read_bytes()).hexdigest() != first


def test_the_workers_profiler_is_paused_for_the_run_only(
    tmp_path: Path, cluster: LocalCluster
) -> None:
    def profiling(dask_worker: Any) -> bool:
        return bool(dask_worker.periodic_callbacks["profile"].is_running())

    options = BatchOptions(input=tmp_path / "x.csv", out=tmp_path, as_of=AS_OF, channels=("sms",))
    executor = DaskExecutor(
        run_spec(TEST_SETTINGS, options), workers=2, scheduler=cluster.scheduler_address
    )
    with Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        assert set(client.run(profiling).values()) == {True}
        try:
            executor.start()
            assert set(client.run(profiling).values()) == {False}
        finally:
            executor.close()
        assert set(client.run(profiling).values()) == {True}


def test_the_fingerprint_names_files_by_place_not_by_path(tmp_path: Path) -> None:
    """Machines compare fingerprints: keys hold no machine path, values are hashes."""
    options = BatchOptions(input=tmp_path / "x.csv", out=tmp_path, as_of=AS_OF, channels=("sms",))
    found = fingerprint(run_spec(TEST_SETTINGS, options))
    assert found["dunletters"]
    assert any(key.startswith("template 0:sms/") for key in found)
    assert not any(str(tmp_path) in key or key.startswith("template 0:/") for key in found)


def test_the_scheduler_gone_is_an_interrupted_run_said_in_one_line(tmp_path: Path) -> None:
    source = _source(tmp_path, 40, seed=35)
    scheduler = LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        silence_logs=logging.ERROR,
        **dashboard_options(False),
    )
    out = tmp_path / "out"
    command = [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG),
               "batch", str(source), "--out", str(out), "--as-of", "2026-11-28",
               "--executor", "dask", "--dask-scheduler", scheduler.scheduler_address]  # fmt: skip
    driver = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not any((out / "letters").rglob("*.pdf")) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.close()
    _, stderr = driver.communicate(timeout=120)
    assert driver.returncode == 3, stderr
    lines = stderr.splitlines()
    assert lines[-1] == "dunletters: 错误: Dask 调度器已断开：已提交的结果保留，可用相同命令继续"
    assert all(line.startswith("dunletters: 已生成 ") for line in lines[:-1]), stderr
    assert not (out / "manifest.jsonl").exists()


def test_without_the_extra_dask_is_one_line_naming_it(tmp_path: Path) -> None:
    """``distributed`` hidden from the import system, as on an install without the extra."""
    source = _source(tmp_path, 3, seed=36)
    script = (
        "import sys; sys.modules['distributed'] = None\n"
        "from dunletters.cli import main\n"
        f"main(['--config', {str(TEST_CONFIG)!r}, 'batch', {str(source)!r}, '--out',"
        f" {str(tmp_path / 'out')!r}, '--as-of', '2026-11-28', '--executor', 'dask'])\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert ran.returncode == 2
    assert ran.stderr == (
        "dunletters: 错误: --executor dask 需要 Dask：pip install 'dunletters[dask]'\n"
    )


def test_dask_options_without_the_dask_executor_are_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from dunletters.cli import main

    source = _source(tmp_path, 3, seed=37)
    with pytest.raises(SystemExit) as caught:
        main(["--config", str(TEST_CONFIG), "batch", str(source), "--out", str(tmp_path / "out"),
              "--as-of", "2026-11-28", "--dask-scheduler", "tcp://127.0.0.1:8786"])  # fmt: skip
    _, err = capsys.readouterr()
    assert caught.value.code == 2
    assert "--dask-scheduler 与 --dask-dashboard 只用于 --executor dask" in err
    assert not (tmp_path / "out").exists()
