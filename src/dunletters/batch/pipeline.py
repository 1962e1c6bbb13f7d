"""The batch run: input file → decisions → letters and SMS → lint → outputs, resumable.

Three phases, each restartable from the journal:

1. **ingest** (driver, streaming): read a row, validate it, decide it (stage/tone or
   hold), allocate its 函号; record reject, hold or pending in the journal, in
   transactions of a few hundred rows. Rows already in the journal are skipped.
2. **produce** (process pool): render each pending account's letter (PDF) and SMS,
   lint them with the record, and hand the bytes back; the driver writes each file
   atomically and then commits its journal row. A document with an error-severity
   finding is quarantined with its findings, never delivered as a letter.
3. **finish** (driver): sms.csv, holds.csv, rejects.csv, manifest.jsonl and the
   summary, rebuilt from the journal in input order — the same bytes every time.

The per-account work is a pure function of (record, decision, number, settings) —
picklable, so the same seam can later run on Dask; the driver owns the journal and
every write. Outputs do not depend on the number of workers.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import os
import sqlite3
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import IO, Any

from dunletters import __version__
from dunletters.batch.journal import Journal, LetterNumbers, dumps
from dunletters.batch.readers import open_records
from dunletters.batch.storage import OutputError, journal_error, write_error
from dunletters.config import Settings
from dunletters.errors import DunlettersError, ExitStatus, InputError, RecordError
from dunletters.escalation import Hold, decide, decision_for
from dunletters.models import parse_account
from dunletters.registry import Registry

__all__ = ["BatchOptions", "BatchResult", "OutputError", "atomic_file", "atomic_write", "run_batch"]

PRINT_PART = 400
"""Letters per print file: one file per stage up to this, then numbered parts (bounded memory)."""
CHUNK = 16
"""Accounts per task sent to a worker: large enough to amortise IPC, small enough to resume."""
INGEST_BLOCK = 500
AHEAD = 8
"""Jobs per worker submitted ahead of the one the driver is storing: keeps the workers busy
while the driver's memory stays bounded (all jobs at once held every result until stored)."""


@dataclass(frozen=True)
class BatchOptions:
    """What ``dunletters batch`` was asked to do."""

    input: Path
    out: Path
    as_of: date
    channels: tuple[str, ...] = ("letter", "sms")
    workers: int = 1
    template_dirs: tuple[Path, ...] = ()
    encoding: str | None = None
    sheet: str | None = None
    dry_run: bool = False
    resume: bool = False
    numbers_file: Path | None = None
    print_files: bool = True
    """Also write print/{stage}.pdf: the stage's letters in one file for mass mailing."""


@dataclass
class BatchResult:
    """Counts of a finished run, and the exit status they imply."""

    counts: dict[str, int] = field(default_factory=dict)
    out: Path = Path()
    resumed: bool = False

    @property
    def exit_status(self) -> ExitStatus:
        """1 when anything was rejected or quarantined, else 0."""
        if self.counts.get("rejected", 0) or self.counts.get("quarantined", 0):
            return ExitStatus.FINDINGS
        return ExitStatus.OK


@contextmanager
def atomic_file(path: Path, *, private_name: bool = False) -> Iterator[IO[bytes]]:
    """A file that, once the block ends, exists whole or not at all (temp + fsync + rename).

    Any OS error (disk full, file-size limit, permissions, a file where a folder
    should be) removes the temp file and raises :class:`OutputError` naming the
    path — only its folder when ``private_name`` (a file named after an account).
    """
    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
        temp = None
    except OSError as error:
        raise write_error(f"{path.parent}{os.sep}" if private_name else path, error) from None
    finally:
        if temp is not None:
            with suppress(OSError):
                os.unlink(temp)


def atomic_write(path: Path, data: bytes, *, private_name: bool = False) -> None:
    """Write a file so that it either exists whole or not at all (see :func:`atomic_file`)."""
    with atomic_file(path, private_name=private_name) as stream:
        stream.write(data)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- the per-account work (runs in workers) ---------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(
    settings_json: str, template_dirs: tuple[str, ...], dry_run: bool, letters: bool = True
) -> None:
    from dunletters.lint.engine import Linter
    from dunletters.rendering import Renderer

    settings = Settings.model_validate_json(settings_json)
    registry = Registry.load([Path(d) for d in template_dirs])
    _WORKER["settings"] = settings
    _WORKER["renderer"] = Renderer(settings, registry)
    _WORKER["linter"] = Linter(settings)
    _WORKER["pdf"] = None
    if letters and not dry_run:
        from dunletters.pdf import PdfRenderer

        _WORKER["pdf"] = PdfRenderer.for_registry(registry)
    # Everything built so far lives as long as the worker: keep it out of the cyclic
    # collector's full passes, which then walk only per-account garbage (gc.freeze's
    # documented use; measured here: the linter runs ~20 % faster with a large heap).
    gc.collect()
    gc.freeze()


def _produce(task: tuple[list[dict[str, Any]], str, tuple[str, ...], bool]) -> list[dict[str, Any]]:
    """Render and lint a chunk of accounts; pure apart from the per-process caches."""
    from dunletters.documents import letter_pdf_metadata
    from dunletters.lint.extract import html_to_text
    from dunletters.models import Account

    items, as_of_text, channels, dry_run = task
    as_of = date.fromisoformat(as_of_text)
    settings: Settings = _WORKER["settings"]
    renderer = _WORKER["renderer"]
    linter = _WORKER["linter"]
    results = []
    for item in items:
        account = Account.model_validate_json(item["record_json"])
        decision = decision_for(settings.stage_rule(item["stage"]), item["tone"])
        result: dict[str, Any] = {"row": item["row"], "findings": [], "error": None}
        try:
            if "letter" in channels:
                document = renderer.letter_html(account, decision, as_of, item["letter_number"])
                result["letter_template"] = document.template.name
                result["letter_version"] = document.template.version
                pages = None
                if not dry_run and _WORKER["pdf"] is not None:
                    pdf = _WORKER["pdf"].render(
                        document.html, letter_pdf_metadata(settings, document)
                    )
                    result["letter_pdf"] = pdf.data
                    pages = pdf.pages
                else:
                    result["letter_html"] = document.html
                text = html_to_text(document.html)
                result["findings"] += [
                    {"channel": "letter", **f.to_json()}
                    for f in linter.lint(
                        text,
                        channel="letter",
                        stage=decision.stage,
                        tone=decision.tone,
                        account=account,
                        as_of=as_of,
                        pages=pages,
                    )
                ]
            if "sms" in channels:
                sms = renderer.sms(account, decision, as_of, item["letter_number"] or "")
                result["sms_template"] = sms.template.name
                result["sms_version"] = sms.template.version
                result["sms_text"] = sms.sms.text
                result["sms_segments"] = sms.sms.segments
                result["findings"] += [
                    {"channel": "sms", **f.to_json()}
                    for f in linter.lint(
                        sms.sms.text,
                        channel="sms",
                        stage=decision.stage,
                        tone=decision.tone,
                        account=account,
                        as_of=as_of,
                    )
                ]
        except DunlettersError as error:
            result["error"] = str(error)
        results.append(result)
    return results


# -- the driver -------------------------------------------------------------------------------


def _input_sha256(path: Path) -> str:
    try:
        return _file_sha256(path)
    except OSError as error:
        raise InputError(f"无法读取输入文件 {path}：{error.strerror}") from None


def _identity(settings: Settings, options: BatchOptions, registry: Registry) -> dict[str, str]:
    versions = dumps(sorted(f"{t.name}:{t.version}" for t in registry))
    return {
        "input_sha256": _input_sha256(options.input),
        "as_of": options.as_of.isoformat(),
        "channels": ",".join(options.channels),
        "settings_sha256": hashlib.sha256(settings.model_dump_json().encode()).hexdigest(),
        "templates_sha256": hashlib.sha256(versions.encode()).hexdigest(),
        "dunletters": __version__,
    }


def _ingest(
    journal: Journal, settings: Settings, options: BatchOptions, numbers: LetterNumbers | None
) -> None:
    _, rows = open_records(
        options.input,
        encoding=options.encoding,
        sheet=options.sheet,
        aliases=settings.batch.columns,
    )
    # Neither the rows nor the ids seen are kept in memory (flat for any file size): rows
    # are recorded in input order, and ids are looked up in the journal's unique index.
    done = journal.last_row()
    buffer: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
    buffer_ids: set[str] = set()

    def flush() -> None:
        needing = sum(
            1 for kind, _, data in buffer if kind == "pending" and "letter" in options.channels
        )
        numbers_iter: Iterator[int] = iter(())
        if needing:
            if numbers is None:
                numbers_iter = iter([0] * needing)
            else:
                numbers_iter = iter(
                    numbers.reserve(settings.creditor.name, options.as_of.year, needing)
                )
        with journal.transaction():
            for kind, key, data in buffer:
                if kind == "reject":
                    journal.add_reject(*key)
                    continue
                if kind == "pending" and "letter" in options.channels:
                    data["letter_number"] = settings.letters.number_format.format(
                        year=options.as_of.year, seq=next(numbers_iter)
                    )
                journal.add_account(*key, **data)
        buffer.clear()
        buffer_ids.clear()

    for row in rows:
        if row.number <= done:
            continue
        if row.problem is not None:
            buffer.append(("reject", (row.number, *row.problem), {}))
        else:
            try:
                account = parse_account(row.cells, as_of=options.as_of, row=row.number)
            except RecordError as error:
                fields = "、".join(name for name, _ in error.problems)
                reasons = "；".join(f"{name}：{reason}" for name, reason in error.problems)
                buffer.append(("reject", (row.number, fields, reasons), {}))
            else:
                if account.account_id in buffer_ids or journal.has_id(account.account_id):
                    buffer.append(
                        (
                            "reject",
                            (row.number, "account_id", "账号重复：同一账号只处理第一次出现的行"),
                            {},
                        )
                    )
                else:
                    buffer_ids.add(account.account_id)
                    record_json = account.model_dump_json()
                    common = {
                        "record_json": record_json,
                        "record_hash": hashlib.sha256(record_json.encode()).hexdigest(),
                        "mobile": account.mobile,
                        "total_due": str(account.total_due),
                    }
                    decision = decide(account, settings.policy, options.as_of)
                    if isinstance(decision, Hold):
                        buffer.append(
                            (
                                "held",
                                (row.number, account.account_id, "held"),
                                {**common, "reason": str(decision.reason)},
                            )
                        )
                    else:
                        buffer.append(
                            (
                                "pending",
                                (row.number, account.account_id, "pending"),
                                {**common, "stage": decision.stage, "tone": decision.tone},
                            )
                        )
        if len(buffer) >= INGEST_BLOCK:
            flush()
    if buffer:
        flush()


_TASK_KEYS = ("row", "record_json", "stage", "tone", "letter_number")


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _store(journal: Journal, out: Path, result: dict[str, Any], account: Any) -> None:
    errors = [f for f in result["findings"] if f["severity"] == "error"]
    account_id = account["account_id"]
    updates: dict[str, Any] = {
        key: result.get(key)
        for key in (
            "letter_template",
            "letter_version",
            "sms_template",
            "sms_version",
            "sms_text",
            "sms_segments",
        )
    }
    counts: dict[str, int] = {}
    for finding in result["findings"]:
        counts[finding["code"]] = counts.get(finding["code"], 0) + 1
    updates["findings"] = dumps(counts)
    if result["error"] is not None or errors:
        folder = out / "quarantine"
        report = {
            "account_id": account_id,
            "error": result["error"],
            "findings": result["findings"],
        }
        # private_name: an error names the folder, never the account (its file name)
        atomic_write(
            folder / f"{account_id}.findings.json",
            (dumps(report) + "\n").encode(),
            private_name=True,
        )
        if result.get("letter_pdf"):
            atomic_write(folder / f"{account_id}.pdf", result["letter_pdf"], private_name=True)
        elif result.get("letter_html"):
            atomic_write(
                folder / f"{account_id}.html", result["letter_html"].encode(), private_name=True
            )
        if result.get("sms_text"):
            atomic_write(
                folder / f"{account_id}.sms.txt",
                (result["sms_text"] + "\n").encode(),
                private_name=True,
            )
        updates["state"] = "quarantined"
        updates["reason"] = result["error"] or "、".join(sorted({f["code"] for f in errors}))
    else:
        if result.get("letter_pdf"):
            path = Path("letters") / account["stage"] / f"{account_id}.pdf"
            atomic_write(out / path, result["letter_pdf"], private_name=True)
            updates["letter_path"] = path.as_posix()
            updates["letter_sha256"] = hashlib.sha256(result["letter_pdf"]).hexdigest()
            updates["letter_bytes"] = len(result["letter_pdf"])
        updates["state"] = "written"
    journal.update(result["row"], **updates)


def _produce_all(
    journal: Journal, options: BatchOptions, pool: _Pool, report: Callable[[int, int], None]
) -> None:
    total = journal.pending_count()
    if not total:
        return
    # Accounts sent to the workers and not yet stored: bounded by the pool's window.
    in_flight: dict[int, dict[str, Any]] = {}

    def tasks() -> Iterator[tuple[list[dict[str, Any]], str, tuple[str, ...], bool]]:
        for chunk in _chunks(journal.iter_pending(), CHUNK):
            for row in chunk:
                in_flight[row["row"]] = {"account_id": row["account_id"], "stage": row["stage"]}
            items = [{key: row[key] for key in _TASK_KEYS} for row in chunk]
            yield (items, options.as_of.isoformat(), options.channels, options.dry_run)

    done = 0
    results = pool.map(_produce, tasks())
    try:
        for chunk in results:
            with journal.transaction():
                for result in chunk:
                    _store(journal, options.out, result, in_flight.pop(result["row"]))
            done += len(chunk)
            report(done, total)
    finally:
        results.close()  # on an error: cancel what has not started, then stop the pool


@contextmanager
def _csv_file(path: Path) -> Iterator[Any]:
    """A CSV written row by row (atomically): UTF-8 with a BOM, so Excel opens it as UTF-8."""
    with atomic_file(path) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        try:
            text.write("\ufeff")
            yield csv.writer(text, lineterminator="\n")
            text.flush()
        finally:
            text.detach()


def _sms_schedule(
    settings: Settings, as_of: date, repeated: set[str] | None = None
) -> Callable[[str], str]:
    """Send times inside the window, at most ``max_per_day`` per debtor (by mobile) a day.

    ``repeated``: the mobiles with more than one SMS (``Journal.repeated_mobiles``); only
    those are counted, so memory does not grow with the number of debtors. ``None``
    counts every mobile.
    """
    sent: dict[str, int] = {}
    start = settings.sms.window_start
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(settings.sms.timezone)

    def when(mobile: str) -> str:
        index = sent.get(mobile, 0)
        if repeated is None or mobile in repeated:
            sent[mobile] = index + 1
        day = as_of + timedelta(days=index // settings.sms.max_per_day)
        return datetime.combine(day, start, tzinfo=zone).isoformat()

    return when


PrintJob = tuple[str, str, str, list[tuple[str, str, str]]]
"""(file name, stage, as-of date, [(record JSON, tone, 函号)]) — one print file."""


def _print_part(job: PrintJob) -> tuple[str, bytes]:
    """Lay out one print file's letters (in a worker) and write them as one PDF."""
    from dunletters.documents import letter_pdf_metadata
    from dunletters.models import Account
    from dunletters.pdf import PdfMetadata

    name, stage, as_of_text, letters = job
    as_of = date.fromisoformat(as_of_text)
    settings: Settings = _WORKER["settings"]
    rule = settings.stage_rule(stage)
    items = []
    for record_json, tone, number in letters:
        account = Account.model_validate_json(record_json)
        decision = decision_for(rule, tone)
        document = _WORKER["renderer"].letter_html(account, decision, as_of, number)
        items.append((document.html, letter_pdf_metadata(settings, document)))
    meta = PdfMetadata(
        title=f"{rule.name}信函（印刷合并文件）",
        author=settings.creditor.name,
        subject=f"{as_of_text} {stage} {len(letters)}封",
        created=items[0][1].created,
    )
    return name, _WORKER["pdf"].combine(items, meta)


def _print_files(journal: Journal, options: BatchOptions, pool: _Pool) -> None:
    """print/{stage}.pdf: the stage's delivered letters in input order, fonts shared.

    Re-laid out from the journal's records (the same HTML, so the same pages), in
    parts of :data:`PRINT_PART` letters so memory stays bounded for any batch size;
    the parts are laid out in the worker pool, written by the driver.
    """
    counts = journal.letter_counts()
    if not counts:
        return

    def jobs() -> Iterator[PrintJob]:
        for stage, count in sorted(counts.items()):
            letters = journal.letters(stage)
            parts = -(-count // PRINT_PART)
            for number in range(1, parts + 1):
                part = [tuple(row) for row in islice(letters, PRINT_PART)]
                name = f"{stage}.pdf" if parts == 1 else f"{stage}-{number:03d}.pdf"
                yield (name, stage, options.as_of.isoformat(), part)

    for name, data in pool.map(_print_part, jobs()):
        atomic_write(options.out / "print" / name, data)


class _Pool:
    """The run's workers, started once and shared by the produce and print phases.

    With one worker everything runs in this process (no pickling, no start-up).
    """

    def __init__(self, settings: Settings, options: BatchOptions) -> None:
        self.args = (
            settings.model_dump_json(),
            tuple(str(d) for d in options.template_dirs),
            options.dry_run,
            "letter" in options.channels,  # an SMS-only run never loads WeasyPrint
        )
        self.workers = options.workers
        self.executor: ProcessPoolExecutor | None = None
        self.local = False

    def map(
        self, function: Callable[[Any], Any], jobs: Iterable[Any]
    ) -> Generator[Any, None, None]:
        """Results in job order; closing the generator cancels what has not started.

        Jobs are taken from ``jobs`` as they are needed, :data:`AHEAD` per worker in
        flight, so neither the jobs nor their results pile up in the driver.
        """
        if self.workers <= 1:
            if not self.local:
                _init_worker(*self.args)
                self.local = True
            yield from map(function, jobs)
            return
        if self.executor is None:
            import multiprocessing

            self.executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=self.args,
            )
        queued = iter(jobs)
        futures: deque[Future[Any]] = deque()
        try:
            for job in islice(queued, self.workers * AHEAD):
                futures.append(self.executor.submit(function, job))
            while futures:
                result = futures.popleft().result()
                for job in islice(queued, 1):
                    futures.append(self.executor.submit(function, job))
                yield result
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        """Stop the workers."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


def _finish(
    journal: Journal, settings: Settings, options: BatchOptions, pool: _Pool
) -> dict[str, int]:
    out = options.out
    from dunletters.batch.summary import summarize, summary_html

    when = _sms_schedule(settings, options.as_of, journal.repeated_mobiles())
    from dunletters.escalation import HoldReason

    # Written row by row as the journal is read: memory stays flat for any batch size.
    target = out / "dry-run" if options.dry_run else out
    with ExitStack() as files:
        sms_csv = None
        if not options.dry_run and "sms" in options.channels:
            sms_csv = files.enter_context(_csv_file(target / "sms.csv"))
            sms_csv.writerow(["account_id", "phone", "text", "segments", "scheduled_at"])
        holds = files.enter_context(_csv_file(target / "holds.csv"))
        holds.writerow(["row", "account_id", "reason", "说明"])
        manifest = files.enter_context(atomic_file(target / "manifest.jsonl"))
        for row in journal.accounts():
            if row["state"] == "held":
                reason = HoldReason(row["reason"])
                holds.writerow([row["row"], row["account_id"], reason.value, reason.label])
                continue
            entry = {
                "row": row["row"],
                "account_id": row["account_id"],
                "state": row["state"],
                "stage": row["stage"],
                "tone": row["tone"],
                "letter_number": row["letter_number"],
                "record_sha256": row["record_hash"],
                "letter_template": row["letter_template"],
                "letter_template_sha256": row["letter_version"],
                "letter_path": row["letter_path"],
                "letter_sha256": row["letter_sha256"],
                "sms_template": row["sms_template"],
                "sms_template_sha256": row["sms_version"],
                "findings": json.loads(row["findings"] or "{}"),
                "as_of": options.as_of.isoformat(),
            }
            manifest.write((dumps(entry) + "\n").encode())
            if sms_csv is not None and row["state"] == "written" and row["sms_text"]:
                sms_csv.writerow(
                    [
                        row["account_id"],
                        row["mobile"],
                        row["sms_text"],
                        row["sms_segments"],
                        when(row["mobile"]),
                    ]
                )
    with _csv_file(target / "rejects.csv") as rejects:
        rejects.writerow(["row", "field", "reason"])
        rejects.writerows([r["row"], r["field"], r["reason"]] for r in journal.rejects())
    if options.print_files and not options.dry_run and "letter" in options.channels:
        _print_files(journal, options, pool)
    summary = summarize(journal, options.as_of, options.channels)
    atomic_write(
        target / "summary.json", (json.dumps(summary, ensure_ascii=False, indent=2) + "\n").encode()
    )
    atomic_write(target / "summary.html", summary_html(summary, settings).encode())
    return journal.counts()


def run_batch(
    settings: Settings, options: BatchOptions, report: Callable[[int, int], None] | None = None
) -> BatchResult:
    """Run (or resume, or re-run) a batch; returns its counts."""
    registry = Registry.load(options.template_dirs)
    problems = registry.check(settings.policy, context_models=_context_models())
    if problems:
        raise InputError("模板检查未通过：" + "；".join(str(p) for p in problems[:5]))
    if options.dry_run:
        journal_path = options.out / "dry-run" / "journal.sqlite"
        try:
            journal_path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(str(journal_path) + suffix).unlink(missing_ok=True)
        except OSError as error:
            raise write_error(journal_path.parent, error) from None
    else:
        try:
            options.out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise write_error(options.out, error) from None
        journal_path = options.out / "journal.sqlite"
        if options.resume and not journal_path.exists():
            raise InputError(f"--resume：{options.out} 中没有批处理日志，无从继续")
    if not options.dry_run and "letter" in options.channels:
        # Build (or find) the derived fonts once here, not in every worker at once.
        from dunletters.fonts import ensure_fonts

        ensure_fonts()
    journal = Journal(journal_path)
    pool = _Pool(settings, options)
    numbers = None
    try:
        resumed = journal.bind(_identity(settings, options, registry))
        if not options.dry_run and "letter" in options.channels:
            numbers = LetterNumbers(
                options.numbers_file or options.out.parent / "letter-numbers.sqlite"
            )
        if resumed:
            _remove_stale_temps(journal_path.parent)
        _ingest(journal, settings, options, numbers)
        _produce_all(journal, options, pool, report or (lambda done, total: None))
        counts = _finish(journal, settings, options, pool)
    except sqlite3.OperationalError as error:
        # The journal could not be written (LetterNumbers reports its own file): the
        # failed transaction was rolled back, the committed ones stay — resumable.
        raise journal_error(journal_path, error) from None
    finally:
        pool.close()
        journal.close()
        if numbers is not None:
            numbers.close()
    return BatchResult(counts=counts, out=options.out, resumed=resumed)


def _remove_stale_temps(out: Path) -> None:
    """Temp files of an interrupted write (kill -9 between create and rename) — never outputs."""
    for temp in out.rglob(".*.tmp"):
        with suppress(OSError):
            temp.unlink()


def _context_models() -> dict[str, Any]:
    from dunletters.rendering import CONTEXT_MODELS

    return dict(CONTEXT_MODELS)


def plain_progress(done: int, total: int) -> None:
    """Progress as log lines (when stderr is not a terminal)."""
    if done == total or done % (CHUNK * 32) == 0:
        print(f"dunletters: 已生成 {done}/{total}", file=sys.stderr, flush=True)
