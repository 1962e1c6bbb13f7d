"""Benchmark: the PDF engine (dunletters.pdf) against the straightforward WeasyPrint loop.

Usage::

    .venv/bin/python benchmarks/bench_pdf.py            # 40 letters, 3 rounds
    .venv/bin/python benchmarks/bench_pdf.py -n 100 --rounds 5 --seed 7

Reproducible: the letters are generated from ``--seed`` (names with compound surnames
and characters outside GB 2312 such as 堃 喆 玥 彧 祎 珺, addresses, amounts and their
大写) with ``benchmarks/sample_letter/`` (a one-page A4 letter: serif + sans, regular +
bold). Each configuration runs in fresh processes (``spawn``), so the baseline never
sees the engine's font configuration or its WeasyPrint patches, and each worker's peak
RSS is its own. Rounds interleave the configurations — this box's timings drift by
±20 % between minutes — and the table shows medians:

* **baseline** — ``HTML(string=…).write_pdf(stylesheets=[CSS(string=…)])`` per letter:
  a new ``FontConfiguration`` each time, system Noto CJK collections, WeasyPrint's
  HarfBuzz subsetting. One process.
* **engine ×1** — ``PdfRenderer.render_many`` in one process.
* **engine ×2** — the letters split in two halves, one process each, started together
  after both renderers are built (start-up is reported apart).

It also checks that every PDF has one page and that the 1- and 2-process outputs are
byte-identical, and reports the combined print file (``PdfRenderer.combine``). Beside
wall-clock throughput it reports each configuration's CPU time per letter (the
workers' own ``process_time``): when other jobs share the box, wall time suffers
first (the "2 busy processes vs 1" row shows how much of a second core there was).

Layout costs measured while writing the sample letter (medians, this box): flexbox in
the letterhead/closing ~+15 ms per letter, floats without explicit widths (shrink-to-
fit) ~+8 ms, automatic table layout ~+2 ms, a page margin box (footer) with an auto
width ~+5 ms (WeasyPrint measures its min-/max-content width per page; give it the
width auto resolves to), a linked 200-line stylesheet ~+9 ms when parsed per letter
(the renderer now parses a template's one linked sheet once). Template authors:
prefer floats with widths, ``table-layout: fixed`` and margin boxes with widths.

Latest, on a quiet box (2026-11-29 06:22, ``-n 40 --rounds 3``, medians)::

    configuration              letters/s  ms/letter  CPU ms/letter  bytes/letter  peak RSS
    baseline loop (1 process)        2.0        494            495       634 KiB  1707 MiB
    engine (1 process)              15.0         67             67       139 KiB   238 MiB
    engine (2 processes)            22.4         89             87       139 KiB   228 MiB
    engine ×1 / baseline 7.4×; combined print file 8.9 KiB/letter.

Earlier the same day on this project's 2-core box (``-n 40 --rounds 3``; the box was
shared with another engineer's jobs — its second core mostly busy — and timings drift
±20 % from minute to minute; three runs within 20 minutes, CPU time from runs 2–3)::

    configuration              letters/s       ms/letter     CPU ms/letter  bytes/letter  peak RSS
    baseline loop (1 process)  2.2/2.0/2.1     464/507/485   505/460        634 KiB       1701 MiB
    engine (1 process)         12.5/11.6/11.4  80/86/88      82/87          139 KiB        238 MiB
    engine (2 processes)       11.5/10.8/11.2  174/184/179   89/90          139 KiB        228 MiB
    engine ×1 / baseline 5.8×/5.9×/5.5× (CPU time 6.2×/5.3×); combined print file
    8.9 KiB/letter; outputs identical across 1 and 2 processes; every PDF one page.
    Two free cores at ~90 CPU ms a letter would give ~22 letters/s: not measurable on
    the shared box.

2026-11-28, before the style memo, kept line layouts and preprocessed faces: 7.6
letters/s (132 ms), 15.3 on two processes, 3.6× the baseline, 142 KiB, 127 MiB. Per
letter (CPU) then: layout ~55–65 ms, write ~50 ms (draw ~18, HarfBuzz subsets 4 × ~3,
pydyf ~8, Flate ~7).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import os
import platform
import random
import resource
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "sample_letter"
SHANGHAI = timezone(timedelta(hours=8))

SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "慕容", "东方", "皇甫", "尉迟")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文婷玉兰晓雪梅春燕浩宇子轩欣怡"
RARE = "堃喆玥彧祎珺"
CITIES = (
    "北京市海淀区",
    "上海市浦东新区",
    "广州市天河区",
    "成都市武侯区",
    "杭州市西湖区",
    "武汉市洪山区",
    "西安市雁塔区",
    "南京市鼓楼区",
    "郑州市金水区",
    "长沙市岳麓区",
)
STREETS = (
    "中关村南大街",
    "世纪大道",
    "天河路",
    "人民南路",
    "文三路",
    "珞喻路",
    "长安南路",
    "中山北路",
    "花园路",
    "麓山南路",
)

Letter = tuple[str, tuple[str, str, str, str]]
"""(html, (title, author, subject, created ISO date-time))."""


# --- the letters -----------------------------------------------------------------------


def rmb_upper(amount: Decimal) -> str:
    """人民币大写 of an amount (benchmark data only; the product's is in dunletters.zh)."""
    digits = "零壹贰叁肆伍陆柒捌玖"
    cents = int((amount * 100).quantize(Decimal(1), ROUND_HALF_UP))
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)

    def section(n: int) -> str:
        out, zero = "", False
        for power, unit in ((3, "仟"), (2, "佰"), (1, "拾"), (0, "")):
            digit = n // 10**power % 10
            if digit == 0:
                zero = bool(out)
            else:
                out += ("零" if zero else "") + digits[digit] + unit
                zero = False
        return out

    text = ""
    if yuan:
        groups = []
        while yuan:
            groups.append(yuan % 10000)
            yuan //= 10000
        pending_zero = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                pending_zero = bool(text)
                continue
            if text and (pending_zero or group < 1000):
                text += "零"
            text += section(group) + ("", "万", "亿")[index]
            pending_zero = False
        text += "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += digits[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += digits[fen] + "分"
    return text


def _name(rnd: random.Random) -> str:
    surname = rnd.choice(COMPOUND_SURNAMES) if rnd.random() < 0.2 else rnd.choice(SURNAMES)
    pool = GIVEN + RARE * 3
    return surname + "".join(rnd.choice(pool) for _ in range(rnd.randint(1, 2)))


def make_letters(count: int, seed: int) -> list[Letter]:
    """``count`` letters (HTML and metadata), the same for the same seed."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string((SAMPLE / "letter.html.j2").read_text(encoding="utf-8"))
    rnd = random.Random(seed)
    letters = []
    for index in range(count):
        day = date(2026, 11, 28) - timedelta(days=rnd.randint(0, 20))
        principal = Decimal(rnd.randint(50_000, 30_000_000)) / 100
        interest = (principal * Decimal("0.0005") * rnd.randint(6, 90)).quantize(Decimal("0.01"))
        fees = Decimal(rnd.choice((0, 35, 50, 120)))
        total = principal + interest + fees
        number = f"DL-{day.year}-{index + 1:06d}"
        city = rnd.choice(CITIES)
        name = _name(rnd)
        html = template.render(
            title="逾期还款催收函",
            creditor="示例银行股份有限公司",
            creditor_address="上海市浦东新区示例大道100号",
            creditor_postcode="200120",
            number=number,
            date=f"{day.year}年{day.month}月{day.day}日",
            name=name,
            honorific=rnd.choice(("先生", "女士")),
            address=f"{city}{rnd.choice(STREETS)}{rnd.randint(1, 300)}号"
            f"{rnd.randint(1, 30)}栋{rnd.randint(1, 6)}单元{rnd.randint(101, 2802)}室",
            postcode=f"{rnd.randint(100000, 860000)}",
            card_tail=f"{rnd.randint(0, 9999):04d}",
            account_id=f"A{rnd.randint(0, 10**8 - 1):08d}",
            as_of=f"{day.year}年{day.month}月{day.day}日",
            days=rnd.randint(6, 90),
            principal=f"{principal:,.2f}",
            interest=f"{interest:,.2f}",
            fees=f"{fees:,.2f}",
            total=f"{total:,.2f}",
            total_upper=rmb_upper(total),
            due_date=f"{day.year}年{day.month}月{rnd.randint(1, 28)}日",
            deadline=f"{(day + timedelta(days=14)).year}年{(day + timedelta(days=14)).month}月"
            f"{(day + timedelta(days=14)).day}日",
        )
        created = datetime.combine(day, datetime.min.time(), SHANGHAI).isoformat()
        letters.append((html, ("逾期还款催收函", "示例银行股份有限公司", number, created)))
    return letters


# --- workers (each in its own process) -------------------------------------------------


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _baseline_worker(letters: list[Letter], css: str, queue: Any) -> None:
    from weasyprint import CSS, HTML

    base_url = SAMPLE.as_uri() + "/"
    sizes, pages = [], []
    start, cpu = time.monotonic(), time.process_time()
    for html, _ in letters:
        document = HTML(string=html, base_url=base_url).render(stylesheets=[CSS(string=css)])
        pages.append(len(document.pages))
        sizes.append(len(document.write_pdf()))
    elapsed = time.monotonic() - start
    queue.put(
        {
            "cpu": time.process_time() - cpu,
            "elapsed": elapsed,
            "start": start,
            "end": start + elapsed,
            "sizes": sizes,
            "pages": pages,
            "rss": _peak_rss_mib(),
        }
    )


def _metadata(raw: tuple[str, str, str, str]) -> Any:
    from dunletters.pdf import PdfMetadata

    title, author, subject, created = raw
    return PdfMetadata(title, author, subject, datetime.fromisoformat(created))


def _engine_worker(
    letters: list[Letter],
    css: str,
    barrier: Any,
    queue: Any,
    combine: bool,
    part: int,
    accelerate: bool = True,
) -> None:
    from dunletters.pdf import PdfMetadata, PdfRenderer

    started = time.monotonic()
    renderer = PdfRenderer(SAMPLE, stylesheet=css, accelerate=accelerate)
    items = [(html, _metadata(meta)) for html, meta in letters]
    for _ in range(2):  # warm: first-use costs (font data copy, faces preprocessed for
        renderer.render(*items[0])  # HarfBuzz at their second subset) are start-up
    startup = time.monotonic() - started
    barrier.wait()
    start, cpu = time.monotonic(), time.process_time()
    results = renderer.render_many(items)
    end = time.monotonic()
    report: dict[str, Any] = {
        "cpu": time.process_time() - cpu,
        "part": part,
        "start": start,
        "end": end,
        "elapsed": end - start,
        "startup": startup,
        "sizes": [len(r.data) for r in results],
        "pages": [r.pages for r in results],
        "hashes": [hashlib.sha256(r.data).hexdigest() for r in results],
    }
    if combine:
        meta = PdfMetadata("催收函合并打印", "示例银行股份有限公司", "print", items[0][1].created)
        begun = time.monotonic()
        combined = renderer.combine(items, meta)
        report["combined"] = len(combined)
        report["combine_seconds"] = time.monotonic() - begun
    report["rss"] = _peak_rss_mib()
    queue.put(report)


def _burn(barrier: Any, queue: Any, loops: int) -> None:
    """Pure-Python CPU work: how well two processes really run in parallel here."""
    barrier.wait()
    start = time.monotonic()
    total = 0
    for i in range(loops):
        total += i * i
    end = time.monotonic()
    queue.put(
        {"start": start, "end": end, "elapsed": end - start, "cpu": 0.0, "sizes": [], "rss": 0.0}
    )


def _cpu_scaling(loops: int = 15_000_000) -> float:
    """Throughput of two busy processes over one (2.0 = two full cores)."""
    one = _run(_burn, [(loops,)], with_barrier=True)[0]["elapsed"]
    two = _run(_burn, [(loops,), (loops,)], with_barrier=True)
    span = max(r["end"] for r in two) - min(r["start"] for r in two)
    return 2 * one / span


def _run(target: Any, arguments: list[tuple[Any, ...]], with_barrier: bool) -> list[dict[str, Any]]:
    context = mp.get_context("spawn")
    queue = context.Queue()
    barrier = context.Barrier(len(arguments)) if with_barrier else None
    processes = []
    for args in arguments:
        if target is _burn:
            full = (barrier, queue, *args)
        elif with_barrier:
            full = (*args[:2], barrier, queue, *args[2:])
        else:
            full = (*args, queue)
        process = context.Process(target=target, args=full)
        process.start()
        processes.append(process)
    reports = [queue.get() for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"worker failed with exit code {process.exitcode}")
    return reports


# --- reporting -------------------------------------------------------------------------


@dataclass
class Series:
    rates: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)

    def add(self, reports: list[dict[str, Any]], count: int) -> None:
        span = max(r["end"] for r in reports) - min(r["start"] for r in reports)
        self.rates.append(count / span)
        self.cpu.append(1000 * sum(r["cpu"] for r in reports) / count)
        self.sizes = [s for r in reports for s in r["sizes"]]
        self.rss.extend(r["rss"] for r in reports)


def _versions() -> dict[str, str]:
    import cffi
    import fontTools
    import pydyf
    import weasyprint
    from weasyprint.text.ffi import pango

    ffi = cffi.FFI()
    ffi.cdef("const char * hb_version_string (void);")
    harfbuzz = ffi.string(ffi.dlopen("libharfbuzz.so.0").hb_version_string()).decode()
    pango_version = pango.pango_version()
    return {
        "Python": platform.python_version(),
        "WeasyPrint": weasyprint.__version__,
        "pydyf": pydyf.__version__,
        "fontTools": fontTools.version,
        "HarfBuzz": harfbuzz,
        "Pango": f"{pango_version // 10000}.{pango_version // 100 % 100}.{pango_version % 100}",
        "CPU": f"{os.cpu_count()} cores, {platform.machine()}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--letters", type=int, default=40, help="letters per round")
    parser.add_argument(
        "--baseline-letters",
        type=int,
        default=None,
        help="letters for the (slow) baseline loop (default: same)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.letters < 2:
        parser.error("--letters must be at least 2")

    from dunletters.pdf.fonts import ensure_fonts, font_cache_dir

    began = time.monotonic()
    ensure_fonts()
    font_seconds = time.monotonic() - began
    letters = make_letters(args.letters, args.seed)
    baseline_letters = letters[: args.baseline_letters or args.letters]
    css = (SAMPLE / "letter.css").read_text(encoding="utf-8")
    half = len(letters) // 2

    scaling = [_cpu_scaling()]
    baseline, single, double, plain = Series(), Series(), Series(), Series()
    combined: list[float] = []
    startups: list[float] = []
    identical = True
    pages_ok = True
    for round_ in range(args.rounds):
        print(f"round {round_ + 1}/{args.rounds} …", file=sys.stderr)
        reports = _run(_baseline_worker, [(baseline_letters, css)], with_barrier=False)
        baseline.add(reports, len(baseline_letters))
        pages_ok &= all(p == 1 for r in reports for p in r["pages"])
        one = _run(_engine_worker, [(letters, css, round_ == 0, 0)], with_barrier=True)
        single.add(one, len(letters))
        off = _run(_engine_worker, [(letters, css, False, 0, False)], with_barrier=True)
        plain.add(off, len(letters))
        two = _run(
            _engine_worker,
            [(letters[:half], css, False, 0), (letters[half:], css, False, 1)],
            with_barrier=True,
        )
        two.sort(key=lambda r: r["part"])
        double.add(two, len(letters))
        identical &= one[0]["hashes"] == two[0]["hashes"] + two[1]["hashes"]
        pages_ok &= all(p == 1 for r in (*one, *two) for p in r["pages"])
        startups.extend(r["startup"] for r in (*one, *two))
        if "combined" in one[0]:
            combined.append(one[0]["combined"] / len(letters))
        scaling.append(_cpu_scaling())

    def rate(series: Series) -> float:
        return statistics.median(series.rates)

    def kib(values: list[int] | list[float]) -> str:
        return f"{statistics.mean(values) / 1024:.0f} KiB"

    speedup = rate(single) / rate(baseline)
    rows = [
        ("baseline loop (1 process)", baseline, ""),
        ("engine, accelerator off (1 process)", plain, ""),
        ("engine (1 process)", single, "≥ 12 letters/s"),
        ("engine (2 processes)", double, "≥ 22 letters/s"),
    ]
    print(
        f"\n## PDF engine benchmark — {args.letters} letters × {args.rounds} rounds, "
        f"seed {args.seed}\n"
    )
    print(
        "| configuration | letters/s (median) | ms/letter | CPU ms/letter (median) "
        "| rounds (letters/s) | bytes/letter | peak RSS/worker | target |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---|")
    for label, series, target in rows:
        workers = 2 if "2 processes" in label else 1
        print(
            f"| {label} | {rate(series):.1f} | {1000 * workers / rate(series):.0f} "
            f"| {statistics.median(series.cpu):.0f} "
            f"| {', '.join(f'{r:.1f}' for r in series.rates)} | {kib(series.sizes)} "
            f"| {max(series.rss):.0f} MiB | {target} |"
        )
    print()
    print("| fact | value | target |")
    print("|---|---|---|")
    print(f"| engine ×1 / baseline | {speedup:.1f}× | ≥ 4× |")
    cpu_speedup = statistics.median(baseline.cpu) / statistics.median(single.cpu)
    print(f"| engine ×1 / baseline, CPU time per letter | {cpu_speedup:.1f}× | |")
    accel_speedup = statistics.median(plain.cpu) / statistics.median(single.cpu)
    print(f"| accelerator on / off, CPU time per letter | {accel_speedup:.1f}× | |")
    print(
        f"| combined print file | {statistics.mean(combined) / 1024:.1f} KiB/letter "
        f"| ≤ 10 KiB/letter |"
    )
    print(
        f"| this box: 2 busy processes vs 1 (pure Python) | "
        f"{', '.join(f'{x:.2f}×' for x in scaling)} | 2.00× = two full cores |"
    )
    print(f"| engine ×2 / engine ×1 | {rate(double) / rate(single):.2f}× | |")
    print(f"| every PDF one page | {'yes' if pages_ok else 'NO'} | yes |")
    print(f"| 1- and 2-process outputs byte-identical | {'yes' if identical else 'NO'} | yes |")
    print(f"| engine start-up (renderer + first letter) | {statistics.median(startups):.2f} s | |")
    print(
        f"| derived fonts ({font_cache_dir()}) | "
        f"{'built in' if font_seconds > 1 else 'cached,'} {font_seconds:.1f} s | < 60 s |"
    )
    print()
    print("| component | version |")
    print("|---|---|")
    for name, version in _versions().items():
        print(f"| {name} | {version} |")
    return 0 if pages_ok and identical else 1


if __name__ == "__main__":
    sys.exit(main())
