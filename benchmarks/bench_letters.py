"""Letters end to end (issue #20): the accelerated engine against the unmodified one.

One run measures, on a generated input (``bench_batch.write_input``, seeded) run through
``dunletters batch --demo`` as a user would (a subprocess, fresh output folder):

* **cpu** — letters + SMS + lint with one worker (everything in the one process, so its
  CPU time from ``wait4`` is exact and does not move when other jobs share the box):
  letters per CPU-second, KiB per letter PDF and per page of the print files, with the
  accelerator on and off (``DUNLETTERS_PDF_ACCEL=0``), and the naive loop —
  ``HTML(string=…).render(stylesheets=[theme]).write_pdf()`` per letter on the same
  HTML, a fresh process with WeasyPrint's own fonts — on the first ``--naive`` letters
  (PDF only: no SMS, no lint);
* **scaling** — wall time of the same batch with one worker and with two, alternated
  ``--runs`` times, with the load average (1 minute) before and after each run: on a
  shared box the ratio is only as good as the second core was free;
* **rss** — peak RSS of the driver (``wait4``) and of the largest worker (``VmHWM``,
  sampled) with ``--rss-workers`` workers at each ``--rss`` size;
* **memory** — one batch of ``--memory`` accounts with one worker (in-process: the
  one process lays out every letter), its RSS and high-water mark after
  ``--checkpoints`` letters, with the sizes of the renderer's caches (block memo:
  results and once-seen keys; computed styles; parsed skeletons) — whether a worker
  stays flat as a batch grows, and which cache does not;
* **startup** — fonts already cached: a one-account batch (wall and CPU, median of
  ``--runs``), and the first letter of a new process (``import dunletters`` then
  ``dunletters.produce_record``: the fixed cost before any letter).

Usage: ``python benchmarks/bench_letters.py`` (everything, ~15 min alone on 2 cores);
``--only scaling`` for the two-worker measurement alone (run it on a quiet machine);
``--compare-with OLD/src`` adds a cpu row for another version (``git archive`` its
``src`` and ``templates``), run by this interpreter with ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import AS_OF, run_batch, write_input

PARTS = ("cpu", "scaling", "rss", "memory", "startup")


def _letters_of(out: Path) -> tuple[int, float, float]:
    """Letter PDFs written, mean KiB a letter, and KiB a page of the print files."""
    pdfs = list((out / "letters").rglob("*.pdf"))
    size = statistics.mean(p.stat().st_size for p in pdfs) / 1024 if pdfs else 0.0
    printed = sum(p.stat().st_size for p in (out / "print").glob("*.pdf"))
    return len(pdfs), size, printed / max(len(pdfs), 1) / 1024


def _batch(
    source: Path, root: Path, name: str, workers: int, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """One batch in a fresh folder (its own 函号 file): figures, then the folder removed."""
    out = root / name / "run"
    shutil.rmtree(out.parent, ignore_errors=True)
    load = os.getloadavg()[0]
    wall, cpu, driver, worker = run_batch(source, out, "letter,sms", workers, env)
    letters, kib, print_kib = _letters_of(out)
    shutil.rmtree(out.parent)
    return {
        "wall": wall,
        "cpu": cpu,
        "driver_kib": driver,
        "worker_kib": worker,
        "letters": letters,
        "kib": kib,
        "print_kib": print_kib,
        "load": (load, os.getloadavg()[0]),
    }


def _letter_html(accounts: int, count: int) -> list[str]:
    """The HTML of the batch's first ``count`` letters (same input, same templates)."""
    from dunletters.config import Settings
    from dunletters.escalation import Hold, decide
    from dunletters.models import parse_account
    from dunletters.registry import Registry
    from dunletters.rendering import Renderer
    from dunletters.samples import generate_accounts

    settings = Settings()
    renderer = Renderer(settings, Registry.load())
    found = []
    for number, row in enumerate(generate_accounts(accounts, seed=20261128, as_of=AS_OF)):
        account = parse_account({k: v for k, v in row.items() if v}, as_of=AS_OF)
        decision = decide(account, settings.policy, AS_OF)
        if not isinstance(decision, Hold):
            found.append(renderer.letter_html(account, decision, AS_OF, str(number)).html)
        if len(found) == count:
            break
    return found


def _naive_worker(letters: list[str], base: str, css: str, queue: Any) -> None:
    from weasyprint import CSS, HTML

    cpu = time.process_time()
    sizes = [
        len(HTML(string=html, base_url=base).render(stylesheets=[CSS(string=css)]).write_pdf())
        for html in letters
    ]
    queue.put({"cpu": time.process_time() - cpu, "kib": statistics.mean(sizes) / 1024})


def _naive(accounts: int, count: int) -> dict[str, float]:
    """The naive loop on the batch's first letters, in a fresh (``spawn``) process."""
    from dunletters.pdf import PdfRenderer
    from dunletters.registry import Registry

    engine = PdfRenderer.for_registry(Registry.load())
    letters = _letter_html(accounts, count)
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(
        target=_naive_worker,
        args=(letters, engine._base_url, engine.stylesheet or "", queue),
    )
    process.start()
    result: dict[str, float] = queue.get()
    process.join()
    return {**result, "letters": len(letters)}


def _per_cpu(row: dict[str, Any]) -> str:
    return f"{row['letters'] / row['cpu']:.1f}" if row["cpu"] else "—"


def _cpu(source: Path, root: Path, accounts: int, naive: int, others: list[str]) -> None:
    rows = [
        ("accelerator on", _batch(source, root, "on", 1)),
        ("accelerator off (`DUNLETTERS_PDF_ACCEL=0`)", _batch(source, root, "off", 1, {"DUNLETTERS_PDF_ACCEL": "0"})),
    ]  # fmt: skip
    for number, other in enumerate(others):
        env = {"PYTHONPATH": str(Path(other).resolve())}
        rows.append((f"`{other}`, accelerator on", _batch(source, root, f"other{number}", 1, env)))
    print(f"\n### Letters + SMS + lint, one worker, {accounts:,} accounts\n")
    print(
        "| engine | letters | CPU | letters per CPU-second | CPU ms a letter | KiB a letter "
        "| print KiB a letter | peak RSS | load before → after |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, row in rows:
        print(
            f"| {name} | {row['letters']:,} | {row['cpu']:.1f} s | **{_per_cpu(row)}** "
            f"| {1000 * row['cpu'] / row['letters']:.1f} | {row['kib']:.0f} "
            f"| {row['print_kib']:.1f} | {row['driver_kib'] / 1024:.0f} MiB "
            f"| {row['load'][0]:.1f} → {row['load'][1]:.1f} |",
            flush=True,
        )
    if naive:
        found = _naive(accounts, naive)
        print(
            f"| naive WeasyPrint loop, PDF only (first {found['letters']:.0f} letters) "
            f"| {found['letters']:.0f} | {found['cpu']:.1f} s "
            f"| **{found['letters'] / found['cpu']:.1f}** "
            f"| {1000 * found['cpu'] / found['letters']:.1f} | {found['kib']:.0f} | | | |"
        )
    on, off = rows[0][1], rows[1][1]
    print(
        f"\naccelerator on / off, CPU a letter: {off['cpu'] / off['letters'] / (on['cpu'] / on['letters']):.2f}×"
    )


def _scaling(source: Path, root: Path, accounts: int, runs: int) -> None:
    print(
        f"\n### Two workers against one, {accounts:,} accounts (wall clock), {os.cpu_count()} cores\n"
    )
    print("| run | workers | wall | letters/s | load before → after |")
    print("|---|---:|---:|---:|---|")
    walls: dict[int, list[float]] = {1: [], 2: []}
    for run in range(runs):
        for workers in (1, 2):
            row = _batch(source, root, f"scaling-{workers}", workers)
            walls[workers].append(row["wall"])
            print(
                f"| {run + 1} | {workers} | {row['wall']:.1f} s | {row['letters'] / row['wall']:.1f} "
                f"| {row['load'][0]:.1f} → {row['load'][1]:.1f} |",
                flush=True,
            )
    one, two = statistics.median(walls[1]), statistics.median(walls[2])
    print(
        f"\nmedian wall: one worker {one:.1f} s, two {two:.1f} s: **{one / two:.2f}×** (target ≥ 1.8×)"
    )


def _rss(root: Path, sizes: list[int], workers: int) -> None:
    print(f"\n### Peak RSS, letters + SMS, {workers} worker(s)\n")
    print(
        "| accounts | letters | wall | peak RSS driver | peak RSS largest worker | load before → after |"
    )
    print("|---:|---:|---:|---:|---:|---|")
    for size in sizes:
        source = root / f"rss-{size}.csv"
        write_input(source, size)
        row = _batch(source, root, f"rss-{size}", workers)
        source.unlink()
        worker = f"{row['worker_kib'] / 1024:.0f} MiB" if row["worker_kib"] else "(in driver)"
        print(
            f"| {size:,} | {row['letters']:,} | {row['wall']:.0f} s | {row['driver_kib'] / 1024:.0f} MiB "
            f"| {worker} | {row['load'][0]:.1f} → {row['load'][1]:.1f} |",
            flush=True,
        )


_MEMORY = """
import json, sys
from dunletters.cli import main
from dunletters.pdf import renderer
from dunletters.pdf.accel import html

checkpoints = set(json.loads(sys.argv[1]))
lay_out = renderer.PdfRenderer.lay_out
count = 0


def status():
    found = {}
    with open("/proc/self/status") as lines:
        for line in lines:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    return found


def counted(self, markup):
    global count
    laid = lay_out(self, markup)
    count += 1
    if count in checkpoints:
        blocks, styles = self._blocks, self._styles
        print(json.dumps({"letters": count, **status(), "results": len(blocks.results),
                          "seen": len(blocks.seen), "pristine": len(styles.pristine),
                          "cascades": len(styles.cascades), "skeletons": len(html._SKELETONS)}),
              flush=True)
    return laid


renderer.PdfRenderer.lay_out = counted
sys.argv = ["dunletters", *sys.argv[2:]]
try:
    main()
except SystemExit:
    pass
"""


def _memory(root: Path, accounts: int, checkpoints: list[int]) -> None:
    import json

    source = root / f"memory-{accounts}.csv"
    write_input(source, accounts)
    out = root / "memory" / "run"
    load = os.getloadavg()[0]
    command = [sys.executable, "-c", _MEMORY, json.dumps(checkpoints), "batch", str(source),
               "--out", str(out), "--as-of", AS_OF.isoformat(), "--channels", "letter,sms",
               "--workers", "1", "--demo"]  # fmt: skip
    found = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    shutil.rmtree(out.parent)
    source.unlink()
    print(f"\n### Memory of one worker by letters laid out, {accounts:,} accounts\n")
    print(
        "| letters | RSS | high-water mark | block memo: results / once-seen | "
        "styles: pristine / cascades | skeletons |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for line in found.splitlines():
        if not line.startswith("{"):
            continue  # the batch's own summary
        row = json.loads(line)
        print(
            f"| {row['letters']:,} | {row['VmRSS'] / 1024:.0f} MiB | {row['VmHWM'] / 1024:.0f} MiB "
            f"| {row['results']} / {row['seen']:,} | {row['pristine']:,} / {row['cascades']} "
            f"| {row['skeletons']} |"
        )
    print(f"\nload average (1 min) before → after: {load:.1f} → {os.getloadavg()[0]:.1f}")


_FIRST_LETTER = """
import datetime, time
start = time.perf_counter()
import dunletters
from dunletters.samples import generate_accounts
imported = time.perf_counter()
day = datetime.date(2026, 11, 28)
row = next(generate_accounts(1, seed=20261128, as_of=day))
letter = dunletters.produce_record(row, as_of=day)
assert letter.letter_pdf and letter.pages == 1
print(imported - start, time.perf_counter() - start, time.process_time())
"""


def _startup(root: Path, runs: int) -> None:
    source = root / "one.csv"
    write_input(source, 1)
    batches = [_batch(source, root, "one", 1) for _ in range(runs)]
    firsts = []
    for _ in range(runs):
        start = time.perf_counter()
        output = subprocess.run(
            [sys.executable, "-c", _FIRST_LETTER], check=True, capture_output=True, text=True
        ).stdout.split()
        firsts.append((time.perf_counter() - start, *map(float, output)))
    print(f"\n### Start-up, fonts cached (median of {runs})\n")
    print("| what | wall | CPU |")
    print("|---|---:|---:|")
    print(
        f"| `dunletters batch` of one account (letter, SMS, print file, journal, summary) "
        f"| {statistics.median(b['wall'] for b in batches):.2f} s "
        f"| {statistics.median(b['cpu'] for b in batches):.2f} s |"
    )
    wall, imported, _inside, cpu = (statistics.median(f[i] for f in firsts) for i in range(4))
    print(
        f"| first letter of a new process: `import dunletters` ({imported:.2f} s), then "
        f"`produce_record` | {wall:.2f} s | {cpu:.2f} s |"
    )
    print(f"\nload average (1 min) now: {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--accounts", type=int, default=1000, help="accounts of the cpu and scaling runs"
    )
    parser.add_argument("--naive", type=int, default=20, help="letters of the naive loop (0: none)")
    parser.add_argument(
        "--runs", type=int, default=3, help="runs of the scaling and start-up figures"
    )
    parser.add_argument(
        "--rss", type=int, nargs="+", default=[1000, 10000], help="accounts (sizes)"
    )
    parser.add_argument("--rss-workers", type=int, default=2)
    parser.add_argument("--memory", type=int, default=10000, help="accounts of the memory run")
    parser.add_argument(
        "--checkpoints",
        type=int,
        nargs="+",
        default=[100, 500, 1000, 2000, 5000, 9000],
        help="letters after which the memory run reports",
    )
    parser.add_argument(
        "--compare-with",
        nargs="*",
        default=[],
        metavar="SRC",
        help="another version's src folder (with its templates beside it): one more cpu row",
    )
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    args = parser.parse_args()
    import weasyprint

    import dunletters

    print(
        f"dunletters {dunletters.__version__}, WeasyPrint {weasyprint.__version__}, "
        f"{os.cpu_count()} cores, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = root / "input.csv"
        write_input(source, args.accounts)
        if "startup" in args.only:
            _startup(root, args.runs)
        if "cpu" in args.only:
            _cpu(source, root, args.accounts, args.naive, args.compare_with)
        if "scaling" in args.only:
            _scaling(source, root, args.accounts, args.runs)
        if "rss" in args.only:
            _rss(root, args.rss, args.rss_workers)
        if "memory" in args.only:
            _memory(root, args.memory, args.checkpoints)


if __name__ == "__main__":
    main()
