"""``--executor dask`` against ``--executor process`` on the same machine, in the same run.

Generates a reproducible input (``dunletters.samples.generate_accounts``, seeded) and
runs ``dunletters batch`` as a user would (a subprocess, a fresh output folder each
time, letters and SMS) with each executor on 1 and 2 workers, alternating them run by
run so that the machine's load falls on both alike. Reports wall time, accounts/s,
Dask's throughput relative to the pool's and its extra wall time per job (a print part
of letters is one job), and checks that both executors wrote the same bytes.

Usage: ``python benchmarks/bench_executor.py --accounts 1000 --workers 1 2 --runs 1``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from dunletters.batch.pipeline import PRINT_PART
from dunletters.samples import generate_accounts

AS_OF = date(2026, 11, 28)
CONFIG = Path(__file__).resolve().parents[1] / "tests" / "dunletters.toml"


def write_input(path: Path, n: int) -> None:
    rows = list(generate_accounts(n, seed=20261128, as_of=AS_OF))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def digest(out: Path) -> str:
    """One hash over every output file (the journal aside): equal runs, equal digests."""
    total = hashlib.sha256()
    for path in sorted(out.rglob("*")):
        if path.is_file() and not path.name.startswith("journal"):
            total.update(str(path.relative_to(out)).encode())
            total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def run(source: Path, folder: Path, executor: str, workers: int) -> tuple[float, str, int]:
    """Wall seconds, the outputs' digest and the letter jobs (print parts), for one batch."""
    out = folder / "out"  # its own parent: its own 函号 file, so the runs number alike
    command = [
        sys.executable, "-m", "dunletters", "--config", str(CONFIG), "batch", str(source),
        "--out", str(out), "--as-of", AS_OF.isoformat(), "--workers", str(workers),
        "--executor", executor,
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - started
    parts = sum(1 for _ in (out / "print").glob("*.pdf"))
    return wall, digest(out), parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-executor-") as temp:
        root = Path(temp)
        source = root / "accounts.csv"
        write_input(source, args.accounts)
        print(f"{args.accounts} accounts, letters + SMS; {PRINT_PART} letters a job")
        print("workers  executor  wall s (median)  accounts/s")
        for workers in args.workers:
            walls: dict[str, list[float]] = {"process": [], "dask": []}
            digests: set[str] = set()
            jobs = 0
            for number in range(args.runs):
                for executor in ("process", "dask"):
                    folder = root / f"{executor}-{workers}-{number}"
                    wall, found, jobs = run(source, folder, executor, workers)
                    walls[executor].append(wall)
                    digests.add(found)
            for executor, times in walls.items():
                wall = statistics.median(times)
                print(f"{workers:>7}  {executor:<8}  {wall:>15.1f}  {args.accounts / wall:>10.1f}")
            process, dask = (statistics.median(walls[e]) for e in ("process", "dask"))
            print(
                f"         dask/process throughput {process / dask:.2f}; "
                f"extra wall per letter job {(dask - process) / max(jobs, 1):+.2f} s ({jobs} jobs); "
                f"outputs {'identical' if len(digests) == 1 else 'DIFFERENT'}"
            )


if __name__ == "__main__":
    main()
