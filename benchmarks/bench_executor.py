"""``--executor dask`` against ``--executor process`` on the same machine, in the same run.

Generates a reproducible input (``dunletters.samples.generate_accounts``, seeded) and
runs ``dunletters batch`` as a user would (a subprocess, a fresh output folder each
time, letters and SMS) with each executor on 1 and 2 workers, alternating them run by
run so that the machine's load falls on both alike. Reports, as medians: wall time,
accounts/s, CPU seconds of the run's processes (the driver and every process under
it: a figure the machine's load moves far less than wall time) and CPU ms per letter; Dask's
throughput relative to the pool's; its fixed cost per run (the same runs on a one-account
input: importing Dask, starting and closing the cluster, the fingerprints) and, the fixed
cost aside, its extra wall time per job (a print part of letters is one job). Checks that
every run wrote the same bytes (``summary.json`` less its ``execution`` block, which
names the executor) and prints the 1-minute load average seen during the runs.

Usage: ``python benchmarks/bench_executor.py --accounts 1000 --workers 1 2 --runs 3``
(``--worker-writes`` adds Dask with ``--worker-writes``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import NamedTuple

import psutil

from dunletters.batch.run import PRINT_PART
from dunletters.samples import generate_accounts

AS_OF = date(2026, 11, 28)
CONFIG = Path(__file__).resolve().parents[1] / "tests" / "dunletters.toml"
MODES = {"process": [], "dask": ["--executor", "dask"]}


class Run(NamedTuple):
    wall: float
    cpu: float
    digest: str
    jobs: int
    letters: int
    retries: int
    load: float


def write_input(path: Path, n: int) -> None:
    rows = list(generate_accounts(n, seed=20261128, as_of=AS_OF))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def digest(out: Path) -> str:
    """One hash over every output file (the journal aside, and summary.json's
    ``execution`` block): equal runs, equal digests."""
    total = hashlib.sha256()
    for path in sorted(out.rglob("*")):
        if path.is_file() and not path.name.startswith("journal"):
            data = path.read_bytes()
            if path.name == "summary.json":
                summary = json.loads(data)
                summary.pop("execution", None)
                data = json.dumps(summary, sort_keys=True).encode()
            total.update(str(path.relative_to(out)).encode())
            total.update(hashlib.sha256(data).digest())
    return total.hexdigest()


def tree_cpu(command: list[str]) -> float:
    """Run ``command``; the CPU seconds of it and every process under it (the pool's
    workers, Dask's nannies, workers and scheduler), sampled every 50 ms from ``/proc``
    (a fork-server's children are never reaped by the driver, so ``RUSAGE_CHILDREN``
    misses them). A process's last 50 ms may be missed."""
    seen: dict[int, float] = {}
    with psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as driver:
        while driver.poll() is None:
            with suppress(psutil.Error):
                for process in [driver, *driver.children(recursive=True)]:
                    with suppress(psutil.Error):
                        used = process.cpu_times()
                        seen[process.pid] = used.user + used.system
            time.sleep(0.05)
        if driver.returncode != 0:
            raise SystemExit(driver.stderr.read().decode() if driver.stderr else "failed")
    return sum(seen.values())


def run(source: Path, folder: Path, mode: list[str], workers: int) -> Run:
    """One batch, in a subprocess: its wall and CPU time, outputs' digest, jobs and letters."""
    out = folder / "out"  # its own parent: its own 函号 file, so the runs number alike
    command = [
        sys.executable, "-m", "dunletters", "--config", str(CONFIG), "batch", str(source),
        "--out", str(out), "--as-of", AS_OF.isoformat(), "--workers", str(workers), *mode,
    ]  # fmt: skip
    started = time.perf_counter()
    cpu = tree_cpu(command)
    wall = time.perf_counter() - started
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    parts = sum(1 for _ in (out / "print").glob("*.pdf"))
    return Run(
        wall,
        cpu,
        digest(out),
        parts,
        summary["letters"]["count"],
        summary["execution"]["retries"],
        os.getloadavg()[0],
    )


def measure(
    source: Path, root: Path, modes: dict[str, list[str]], workers: int, runs: int
) -> dict[str, list[Run]]:
    """Each mode ``runs`` times, alternated run by run."""
    found: dict[str, list[Run]] = {name: [] for name in modes}
    for number in range(runs):
        for name, mode in modes.items():
            folder = root / f"{source.stem}-{name}-{workers}-{number}"
            found[name].append(run(source, folder, mode, workers))
            done = found[name][-1]
            print(f"  # {source.stem} {name} {workers} worker(s) run {number + 1}: wall "
                  f"{done.wall:.1f} s, CPU {done.cpu:.1f} s, {done.letters} letters, "
                  f"load {done.load:.1f}", file=sys.stderr, flush=True)  # fmt: skip
    return found


def median(runs: list[Run], field: str) -> float:
    return statistics.median(float(getattr(r, field)) for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker-writes", action="store_true")
    args = parser.parse_args()
    modes = dict(MODES)
    if args.worker_writes:
        modes["dask-ww"] = ["--executor", "dask", "--worker-writes"]
    with tempfile.TemporaryDirectory(prefix="bench-executor-") as temp:
        root = Path(temp)
        source, tiny = root / "accounts.csv", root / "one.csv"
        write_input(source, args.accounts)
        write_input(tiny, 1)
        print(f"{args.accounts} accounts, letters + SMS; {PRINT_PART} letters a job; "
              f"medians of {args.runs} runs; load average at start {os.getloadavg()[0]:.1f}")  # fmt: skip
        print("workers  executor  wall s  accounts/s  CPU s  CPU ms/letter  fixed s  retries")
        for workers in args.workers:
            found = measure(source, root, modes, workers, args.runs)
            fixed = measure(tiny, root, modes, workers, args.runs)
            digests = {r.digest for runs in found.values() for r in runs}
            loads = [r.load for runs in found.values() for r in runs]
            for name, runs in found.items():
                wall, cpu = median(runs, "wall"), median(runs, "cpu")
                letters = median(runs, "letters")
                print(
                    f"{workers:>7}  {name:<8}  {wall:>6.1f}  {args.accounts / wall:>10.1f}  "
                    f"{cpu:>5.1f}  {1000 * cpu / max(letters, 1):>13.1f}  "
                    f"{median(fixed[name], 'wall'):>7.1f}  {sum(r.retries for r in runs):>7}"
                )
            process = median(found["process"], "wall")
            jobs = int(median(found["process"], "jobs"))
            for name in modes:
                if name == "process":
                    continue
                dask = median(found[name], "wall")
                extra_fixed = median(fixed[name], "wall") - median(fixed["process"], "wall")
                per_job = (dask - process - extra_fixed) / max(jobs, 1)
                print(
                    f"         {name}/process throughput {process / dask:.2f}; fixed cost "
                    f"{extra_fixed:+.1f} s a run; the rest {per_job:+.2f} s per letter job "
                    f"({jobs} jobs); load {min(loads):.1f}–{max(loads):.1f}"
                )
            print(f"         outputs {'identical' if len(digests) == 1 else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
