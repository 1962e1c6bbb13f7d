"""Batch runs end to end: every input format, bad rows, resume after kill -9, workers.

Inputs are generated synthetic accounts (dunletters.samples.generate_accounts).
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import TEST_CONFIG, TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.errors import InputError
from dunletters.samples import generate_accounts
from runinfo import same_batch

AS_OF = date(2026, 11, 28)
N = 24
pytestmark = pytest.mark.slow


def rows(n: int = N, seed: int = 5) -> list[dict[str, str]]:
    return list(generate_accounts(n, seed=seed, as_of=AS_OF))


def run(input_file: Path, out: Path, **options: object) -> dict[str, int]:
    options_ = BatchOptions(input=input_file, out=out, as_of=AS_OF, **options)  # type: ignore[arg-type]
    result = run_batch(TEST_SETTINGS, options_)
    return result.counts


def outputs(out: Path) -> dict[str, bytes]:
    """Everything a run delivers, except the journal (which records the run itself)."""
    return {
        str(path.relative_to(out)): same_batch(path.name, path.read_bytes())
        for path in sorted(out.rglob("*"))
        if path.is_file() and not path.name.startswith("journal.sqlite")
    }


def test_csv_run_produces_every_output(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "accounts.csv", rows())
    counts = run(source, tmp_path / "out", workers=1)
    out = tmp_path / "out"
    assert counts["rejected"] == 0
    written = counts["written"]
    assert written + counts.get("held", 0) == N
    letters = list((out / "letters").rglob("*.pdf"))
    assert len(letters) == written
    with (out / "sms.csv").open(encoding="utf-8-sig") as stream:
        sms = list(csv.DictReader(stream))
    assert len(sms) == written
    assert all(row["text"].startswith("【示范银行】") and int(row["segments"]) <= 2 for row in sms)
    assert all(row["scheduled_at"].endswith("T08:00:00+08:00") for row in sms)
    manifest = [
        json.loads(line)
        for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    numbers = [entry["letter_number"] for entry in manifest]
    assert len(set(numbers)) == len(numbers) == written
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["accounts"]["written"] == written
    # print/{stage}.pdf: every delivered letter of the stage, one page each, in one file
    for stage, count in summary["by_stage"].items():
        info = subprocess.run(
            ["pdfinfo", str(out / "print" / f"{stage}.pdf")],
            capture_output=True,
            text=True,
            check=True,
        )
        assert f"Pages:           {count}" in info.stdout
    assert "<html" in (out / "summary.html").read_text(encoding="utf-8")


def test_formats_and_encodings_agree(tmp_path: Path) -> None:
    data = rows()
    sources = {
        "utf8": write_csv(tmp_path / "a.csv", data),
        "bom": write_csv(tmp_path / "b.csv", data, encoding="utf-8-sig"),
        "gbk": write_csv(tmp_path / "c.csv", data, encoding="gbk", chinese=True),
    }
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data), encoding="utf-8"
    )
    sources["jsonl"] = jsonl
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(data[0]))
    for row in data:
        sheet.append(list(row.values()))
    book.save(tmp_path / "e.xlsx")
    sources["xlsx"] = tmp_path / "e.xlsx"
    results = {}
    for name, source in sources.items():
        run(source, tmp_path / name, channels=("sms",), workers=1)
        results[name] = (tmp_path / name / "sms.csv").read_bytes()
    assert len(set(results.values())) == 1, {k: len(v) for k, v in results.items()}


def test_bad_rows_are_rejected_by_number_and_reason(tmp_path: Path) -> None:
    data = rows(6)
    data[1]["principal"] = "abc"
    data[2]["account_id"] = data[0]["account_id"]
    data[3]["total_due"] = "1.00"
    data[4]["due_date"] = "2026-02-30"
    data[5]["name"] = "<script>alert(1)</script>"
    source = write_csv(tmp_path / "bad.csv", data)
    counts = run(source, tmp_path / "out", workers=1, channels=("sms",))
    with (tmp_path / "out" / "rejects.csv").open(encoding="utf-8-sig") as stream:
        rejects = {int(r["row"]): r for r in csv.DictReader(stream)}
    assert set(rejects) == {3, 4, 5, 6, 7}
    assert rejects[3]["field"] == "principal"
    assert rejects[7]["field"] == "name"  # markup is never a name (D-07)
    assert "重复" in rejects[4]["reason"]
    assert rejects[5]["field"] == "total_due"
    assert rejects[6]["field"] == "due_date"
    text = (tmp_path / "out" / "rejects.csv").read_text(encoding="utf-8-sig")
    assert "abc" not in text and data[0]["account_id"] not in text.replace("account_id", "")
    sms = (tmp_path / "out" / "sms.csv").read_text(encoding="utf-8-sig")
    assert counts["rejected"] == 5
    assert "<script>" not in sms


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="文件为空"):
        run(empty, tmp_path / "o1")
    header = tmp_path / "header.csv"
    header.write_text(",".join(rows(1)[0]) + "\n", encoding="utf-8")
    counts = run(header, tmp_path / "o2", workers=1)
    assert counts.get("written", 0) == 0 and counts["rejected"] == 0


def test_truncated_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(list(rows(1)[0]))
    full = tmp_path / "full.xlsx"
    book.save(full)
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(full.read_bytes()[:600])
    with pytest.raises(InputError, match="XLSX 文件损坏或不完整"):
        run(truncated, tmp_path / "out")


def test_missing_required_column(tmp_path: Path) -> None:
    data = [{k: v for k, v in r.items() if k != "mobile"} for r in rows(2)]
    with pytest.raises(InputError, match="缺少必需的列：手机号（mobile）"):
        run(write_csv(tmp_path / "x.csv", data), tmp_path / "out")


def test_workers_do_not_change_outputs_and_rerun_changes_nothing(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "accounts.csv", rows())
    one, two = tmp_path / "one" / "run", tmp_path / "two" / "run"
    run(source, one, workers=1)
    run(source, two, workers=2)
    assert outputs(one) == outputs(two)
    before = outputs(one)
    run(source, one, workers=2)
    assert outputs(one) == before


def test_another_batch_in_the_same_folder_is_refused(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "a.csv", rows(3))
    run(source, tmp_path / "out", channels=("sms",), workers=1)
    other = write_csv(tmp_path / "b.csv", rows(3, seed=9))
    with pytest.raises(InputError, match="另一批次"):
        run(other, tmp_path / "out", channels=("sms",), workers=1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_and_resume_gives_the_uninterrupted_outputs(tmp_path: Path, seed: int) -> None:
    source = write_csv(tmp_path / "accounts.csv", rows(40, seed=11))
    reference = tmp_path / "ref" / "run"
    run(source, reference, workers=1)
    target = tmp_path / "crash" / "run"
    command = [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG),
               "batch", str(source), "--out", str(target),
               "--as-of", "2026-11-28", "--workers", "2"]  # fmt: skip
    rng = random.Random(seed)
    for _ in range(2):
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        time.sleep(rng.uniform(1.0, 4.0))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr
    assert outputs(target) == outputs(reference)
    assert not list(target.rglob("*.tmp"))


def _threat_overlay(folder: Path) -> Path:
    """The built-in early/courteous SMS with a threat for odd days past due (an error)."""
    from dunletters.registry import Registry

    built_in = next(t for t in Registry.load([]) if t.name == "sms/early.courteous.txt.j2")
    overlay = folder / "templates"
    (overlay / "sms").mkdir(parents=True)
    (overlay / "sms" / "early.courteous.txt.j2").write_text(
        built_in.path.read_text(encoding="utf-8").replace(
            "如已还款请忽略。",
            "如已还款请忽略。{% if account.days_past_due is odd %}再不还款，后果自负！{% endif %}",
        ),
        encoding="utf-8",
    )
    return overlay


def test_sms_only_runs_agree_across_workers(tmp_path: Path) -> None:
    """A run without letters produces each account in its validation job and records it
    once: duplicates, rejects, holds and quarantined SMS come out as with one worker,
    and a re-run changes nothing."""
    data = rows(300, seed=12)
    data[5]["account_id"] = data[4]["account_id"]
    data[7]["total_due"] = "一千"
    source = write_csv(tmp_path / "accounts.csv", data)
    overlay = _threat_overlay(tmp_path)
    one, two = tmp_path / "one" / "run", tmp_path / "two" / "run"
    options = {"channels": ("sms",), "template_dirs": (overlay,), "allow_unreviewed": True}
    counts = run(source, one, workers=1, **options)
    run(source, two, workers=2, **options)
    assert outputs(one) == outputs(two)
    assert counts["rejected"] == 2 and counts["quarantined"] > 0 and counts["held"] > 0
    quarantined = sorted(path.name for path in (one / "quarantine").iterdir())
    assert len(quarantined) == 2 * counts["quarantined"]  # each SMS and its findings
    assert all(name.endswith((".sms.txt", ".findings.json")) for name in quarantined)
    before = outputs(two)
    run(source, two, workers=2, **options)
    assert outputs(two) == before


def _recorded(out: Path) -> int:
    """Accounts a running batch has committed to its journal (0 before it has one)."""
    import sqlite3

    if not (out / "journal.sqlite").exists():
        return 0
    db = sqlite3.connect(out / "journal.sqlite", timeout=30)
    try:
        return int(db.execute("SELECT COUNT(*) FROM accounts").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not created yet
        return 0
    finally:
        db.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sms_only_kill_and_resume_gives_the_uninterrupted_outputs(
    tmp_path: Path, seed: int
) -> None:
    source = write_csv(tmp_path / "accounts.csv", rows(4000, seed=13))
    reference = tmp_path / "ref" / "run"
    run(source, reference, channels=("sms",), workers=1)
    target = tmp_path / "crash" / "run"
    command = [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG),
               "batch", str(source), "--out", str(target),
               "--as-of", "2026-11-28", "--channels", "sms", "--workers", "2"]  # fmt: skip
    rng = random.Random(seed)
    recorded = [0]
    for limit in (2000, 3500):
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        # Killed while it records accounts, not while it starts: once the journal holds
        # a random number of them (up to `limit`), within the next 30 ms.
        wanted = rng.randint(recorded[-1] + 1, limit)
        deadline = time.monotonic() + 60
        while _recorded(target) < wanted and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.03))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        recorded.append(_recorded(target))
    assert 0 < recorded[1] < 4000 and recorded[2] < 4000  # both kills landed mid-run
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr
    assert outputs(target) == outputs(reference)
    assert not list(target.rglob("*.tmp"))
