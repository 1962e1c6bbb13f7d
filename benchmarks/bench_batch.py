"""Batch throughput and memory: the numbers behind the batch issue's targets.

Generates a reproducible input (``dunletters.samples.generate_accounts``, seeded),
runs ``dunletters batch`` as a user would (a subprocess, fresh output folder) and
reports accounts/s, letters/s, SMS/s, bytes per letter PDF and the peak RSS of the
driver (the ``dunletters`` process itself, exact: ``wait4``) and of the largest worker
(``VmHWM`` of each child process, sampled every 50 ms from ``/proc`` while it runs).
Baseline in the same run: the straightforward in-process loop — validate, decide,
render the SMS — with no journal, no lint and no files, so the ratio shows what
resumability, auditing and linting cost.

Usage: ``python benchmarks/bench_batch.py --sms 10000 --letters 200 --workers 1 2``;
the memory figures of the batch issue (flat from 10,000 to 100,000 accounts):
``python benchmarks/bench_batch.py --sms 10000 100000 --letters 0 --workers 2 --runs 3
--no-baseline``. Several ``--runs`` print one row per run and the medians.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from dunletters.config import Settings
from dunletters.escalation import Decision, decide
from dunletters.models import parse_account
from dunletters.registry import Registry
from dunletters.rendering import Renderer
from dunletters.samples import generate_accounts

AS_OF = date(2026, 11, 28)


def write_input(path: Path, n: int) -> None:
    rows = generate_accounts(n, seed=20261128, as_of=AS_OF)
    first = next(rows)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(first))
        writer.writeheader()
        writer.writerow(first)
        writer.writerows(rows)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    found = [int(child) for child in text.split()]
    return found + [grandchild for child in found for grandchild in _children(child)]


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_batch(
    source: Path, out: Path, channels: str, workers: int, env: dict[str, str] | None = None
) -> tuple[float, float | None, int, int]:
    """Wall seconds, CPU seconds, peak RSS of the driver (KiB) and of the largest worker (KiB).

    CPU is exact for ``--workers 1`` (everything runs in the one process): accounts per
    CPU-second is then the per-core rate, which unlike wall time does not move when
    other jobs share the box. An SMS-only run forks its workers from the driver (its
    output is not a terminal: no progress-bar thread), which reaps them, so ``wait4``
    counts their CPU too: accounts per CPU-second is then the rate per core busy. With
    letters it is None: the workers come from a fork server, which ``wait4`` does not
    account for. ``--demo``: the built-in example creditor writes the letters. ``env`` is
    added to this process's environment (``DUNLETTERS_PDF_ACCEL=0``).
    """
    exe = str(Path(sys.executable).with_name("dunletters"))
    start = time.perf_counter()
    process = subprocess.Popen(
        [exe, "batch", str(source), "--out", str(out), "--as-of", AS_OF.isoformat(),
         "--channels", channels, "--workers", str(workers), "--demo"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=None if env is None else {**os.environ, **env},
    )  # fmt: skip
    peaks: dict[int, int] = {}
    stop = threading.Event()

    def sample() -> None:
        # VmHWM is each process's own high-water mark: sampling only has to see a
        # worker once near its end, not at its peak.
        while not stop.wait(0.05):
            for child in _children(process.pid):
                peaks[child] = max(peaks.get(child, 0), _hwm_kib(child))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(
            f"dunletters batch failed ({os.waitstatus_to_exitcode(status)}) on {source}"
        )
    cpu = usage.ru_utime + usage.ru_stime if workers == 1 or channels == "sms" else None
    return elapsed, cpu, usage.ru_maxrss, max(peaks.values(), default=0)


def baseline_sms(source: Path) -> tuple[float, int]:
    settings = Settings()
    renderer = Renderer(settings, Registry.load())
    start = time.perf_counter()
    count = 0
    with source.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            cells = {k: v for k, v in row.items() if v}
            account = parse_account(cells, as_of=AS_OF)
            decision = decide(account, settings.policy, AS_OF)
            if isinstance(decision, Decision):
                renderer.sms(account, decision, AS_OF)
                count += 1
    return time.perf_counter() - start, count


def _cpu(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds:.1f} s"


def _per_cpu(count: int, seconds: float | None, digits: int) -> str:
    return "—" if seconds is None else f"{count / seconds:,.{digits}f}"


def _mib(kib: float) -> str:
    return f"{kib / 1024:.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sms", type=int, nargs="*", default=[10000], help="accounts for SMS-only runs (sizes)"
    )
    parser.add_argument("--letters", type=int, default=200, help="accounts for the letters+SMS run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=1, help="runs of each configuration")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the in-process baseline loop"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(
            f"input: {', '.join(f'{n:,}' for n in args.sms)} accounts (SMS-only runs), "
            f"{args.letters} accounts (letters + SMS); {args.runs} run(s) each\n"
        )
        print(
            "| run | accounts | workers | wall | accounts/s | produced/s | CPU | per CPU-second "
            "| bytes/letter | peak RSS driver | peak RSS worker |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in args.sms:
            sms_input = root / f"sms-{n}.csv"
            write_input(sms_input, n)
            if not args.no_baseline:
                base_time, base_count = baseline_sms(sms_input)
                print(
                    f"| baseline loop: validate, decide, render SMS (no journal, lint, files) | {n:,} | 1 | {base_time:.1f} s | {n / base_time:,.0f} | {base_count / base_time:,.0f} SMS/s | | | | | |"
                )
            for workers in args.workers:
                rows = []
                for index in range(args.runs):
                    out = root / f"sms-{n}-{workers}-{index}" / "run"
                    elapsed, cpu, driver, worker = run_batch(sms_input, out, "sms", workers)
                    sms = sum(1 for _ in (out / "sms.csv").open(encoding="utf-8-sig")) - 1
                    rows.append((elapsed, sms / elapsed, cpu, driver, worker))
                    shutil.rmtree(out.parent)
                    print(
                        f"| batch --channels sms | {n:,} | {workers} | {elapsed:.1f} s | {n / elapsed:,.0f} | {sms / elapsed:,.0f} SMS/s | {_cpu(cpu)} | {_per_cpu(n, cpu, 0)} accounts | | {_mib(driver)} | {_mib(worker) if worker else '(in driver)'} |",
                        flush=True,
                    )
                if args.runs > 1:
                    wall, rate, driver, worker = (
                        statistics.median(c)
                        for c in zip(*[(r[0], r[1], r[3], r[4]) for r in rows], strict=True)
                    )
                    cpus = [r[2] for r in rows if r[2] is not None]
                    cpu = statistics.median(cpus) if cpus else None
                    print(
                        f"| **median of {args.runs}** | {n:,} | {workers} | {wall:.1f} s | {n / wall:,.0f} | {rate:,.0f} SMS/s | {_cpu(cpu)} | {_per_cpu(n, cpu, 0)} accounts | | {_mib(driver)} | {_mib(worker) if worker else '(in driver)'} |",
                        flush=True,
                    )
            sms_input.unlink()
        if args.letters:
            letter_input = root / "letters.csv"
            write_input(letter_input, args.letters)
            for workers in args.workers:
                out = root / f"letters-{workers}" / "run"
                elapsed, cpu, driver, worker = run_batch(letter_input, out, "letter,sms", workers)
                pdfs = list((out / "letters").rglob("*.pdf"))
                size = statistics.mean(p.stat().st_size for p in pdfs) if pdfs else 0
                printed = sum(p.stat().st_size for p in (out / "print").glob("*.pdf"))
                print(
                    f"| batch letters + SMS | {args.letters:,} | {workers} | {elapsed:.1f} s | {args.letters / elapsed:,.1f} | {len(pdfs) / elapsed:,.1f} letters/s | {_cpu(cpu)} | {_per_cpu(len(pdfs), cpu, 1)} letters | {size / 1024:.0f} KiB (print {printed / max(len(pdfs), 1) / 1024:.1f} KiB) | {_mib(driver)} | {_mib(worker) if worker else '(in driver)'} |"
                )


if __name__ == "__main__":
    main()
