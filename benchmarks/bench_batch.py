"""Batch throughput and memory: the numbers behind the batch issue's targets.

Generates a reproducible input (``dunletters.samples.generate_accounts``, seeded),
runs ``dunletters batch`` as a user would (a subprocess, fresh output folder) and
reports accounts/s, letters/s, SMS/s, bytes per letter PDF and the peak RSS of the
largest process (driver or worker). Baseline in the same run: the straightforward
in-process loop — validate, decide, render the SMS — with no journal, no lint and no
files, so the ratio shows what resumability, auditing and linting cost.

Usage: ``python benchmarks/bench_batch.py --sms 10000 --letters 200 --workers 1 2``.
"""

from __future__ import annotations

import argparse
import csv
import resource
import statistics
import subprocess
import sys
import tempfile
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


def run_batch(source: Path, out: Path, channels: str, workers: int) -> tuple[float, int]:
    exe = str(Path(sys.executable).with_name("dunletters"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [exe, "batch", str(source), "--out", str(out), "--as-of", AS_OF.isoformat(),
         "--channels", channels, "--workers", str(workers)],
        check=False, capture_output=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return elapsed, peak


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sms", type=int, default=10000, help="accounts for the SMS-only run")
    parser.add_argument("--letters", type=int, default=200, help="accounts for the letters+SMS run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sms_input, letter_input = root / "sms.csv", root / "letters.csv"
        write_input(sms_input, args.sms)
        write_input(letter_input, args.letters)
        base_time, base_count = baseline_sms(sms_input)
        print(
            f"input: {args.sms} accounts (SMS-only runs), {args.letters} accounts (letters + SMS)\n"
        )
        print("| run | workers | wall | accounts/s | produced/s | bytes/letter | peak RSS |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        print(
            f"| baseline loop: validate, decide, render SMS (no journal, lint, files) | 1 | {base_time:.1f} s | {args.sms / base_time:,.0f} | {base_count / base_time:,.0f} SMS/s | | |"
        )
        for workers in args.workers:
            out = root / f"sms-{workers}" / "run"
            elapsed, peak = run_batch(sms_input, out, "sms", workers)
            sms = sum(1 for _ in (out / "sms.csv").open(encoding="utf-8-sig")) - 1
            print(
                f"| batch --channels sms | {workers} | {elapsed:.1f} s | {args.sms / elapsed:,.0f} | {sms / elapsed:,.0f} SMS/s | | {peak / 1024:.0f} MiB |"
            )
        for workers in args.workers:
            out = root / f"letters-{workers}" / "run"
            elapsed, peak = run_batch(letter_input, out, "letter,sms", workers)
            pdfs = list((out / "letters").rglob("*.pdf"))
            size = statistics.mean(p.stat().st_size for p in pdfs) if pdfs else 0
            print(
                f"| batch letters + SMS | {workers} | {elapsed:.1f} s | {args.letters / elapsed:,.1f} | {len(pdfs) / elapsed:,.1f} letters/s | {size / 1024:.0f} KiB | {peak / 1024:.0f} MiB |"
            )


if __name__ == "__main__":
    main()
