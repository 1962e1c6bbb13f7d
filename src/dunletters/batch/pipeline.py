"""The batch run: input file → decisions → letters and SMS → lint → outputs, resumable.

Two stages run interleaved, then one at the end, each restartable from the journal:

1. **intake** (read by the driver, validated in the worker pool): each row is validated
   and decided (stage/tone or hold); the driver rejects duplicate ids and records
   rejects, holds and pending accounts in the journal, a block of rows per
   transaction, then allocates the block's 函号s (:func:`assign_numbers`). Rows
   already in the journal are skipped.
2. **produce** (worker pool), as soon as a block is recorded: each pending account's
   SMS and letter are rendered and linted with the record. Letters go a print part at
   a time (the next :data:`PRINT_PART` of a stage): each is laid out once, written as
   its own PDF and, when delivered, into the part's print file. The driver writes each
   file atomically and then commits the rows that name it. A document with an
   error-severity finding is quarantined with its findings, never delivered.
   A run without letters has no 函号 to allocate before production: its accounts
   are produced in the job that validated them and recorded once, produced.
3. **finish** (workers read the journal a range of rows at a time, the driver
   writes): sms.csv, holds.csv, rejects.csv, manifest.jsonl and the summary, rebuilt
   from the journal in input order — the same bytes every time.

The per-account work is :mod:`dunletters.produce` (a job and the run's spec in, the
journal update and files out) — picklable, run by an :mod:`~dunletters.batch.executor`;
the driver owns the journal and every write. Outputs do not depend on the number of
workers or on where a run was interrupted.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import itertools
import json
import os
import re
import sqlite3
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import IO, Any, NamedTuple

from dunletters import __version__
from dunletters.batch import contacts
from dunletters.batch.contacts import contact_keys
from dunletters.batch.executor import AHEAD, Executor, InProcess, ProcessPool
from dunletters.batch.journal import (
    FINISH_COLUMNS,
    Journal,
    LetterNumbers,
    dumps,
)
from dunletters.batch.readers import HeaderMap, Row, open_records
from dunletters.batch.storage import OutputError, journal_error, os_reason, write_error
from dunletters.batch.summary import Tally, add_tally, new_tally, summarize, summary_html, tally
from dunletters.columns import label
from dunletters.config import CREDITOR_HINT, Settings
from dunletters.errors import ExitStatus, InputError, RecordError
from dunletters.escalation import Decision, Hold, HoldReason, decide
from dunletters.history import HistoryFacts
from dunletters.models import Account, parse_account
from dunletters.produce import (
    Job,
    PartOutcome,
    PrintPart,
    RunSpec,
    produce_many,
    produce_part,
    run_context,
    worker_context,
)
from dunletters.registry import Registry, policy_keys

__all__ = ["BatchOptions", "BatchResult", "OutputError", "atomic_file", "atomic_write", "run_batch"]

PRINT_PART = 100
"""Letters per print file: one file per stage up to this, then numbered parts. A worker
keeps a part's letters laid out until it writes the print file (~0.6 MiB each), so this
bounds its memory; 100 letters share their fonts well enough (~7 KiB a letter)."""
CHUNK = 64
"""Accounts per job sent to a worker (SMS, and rows to validate): each job costs the pool
~0.1–0.3 ms of pickling and bookkeeping, 16 per job doubled an SMS's CPU time with workers."""
INGEST_BLOCK = 500
COMMIT_EVERY = 512
"""SMS accounts are committed to the journal 512 at a time (letters: a print part at a
time): a commit per 16-account chunk cost more than rendering an SMS. What was produced
but not yet committed when a run is killed is produced again on resume (its files are
rewritten identically). Counted, not timed, so a run's journal history is reproducible."""


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
    ignore_columns: tuple[str, ...] = ()
    """Input headers to skip, besides ``[batch] ignore_columns`` (``--ignore-column``)."""
    header_row: int | None = None
    """The header's row number (``--header-row``); None: found among the first rows."""
    demo: bool = False
    """A demonstration: the examples' creditor (or none configured) is allowed."""
    executor: str = "process"
    """Where jobs run: ``process`` (this machine's processes) or ``dask`` (``--executor``)."""
    dask_scheduler: str | None = None
    """``--dask-scheduler``: join this cluster; None: a local cluster of ``workers``."""
    dask_dashboard: bool = False
    """``--dask-dashboard``: serve Dask's dashboard (off by default)."""
    worker_writes: bool = False
    """``--worker-writes``: workers write the files to ``out`` themselves (shared storage);
    the driver checks them before it commits (also ``[batch] worker_writes``)."""
    allow_unreviewed: bool = False
    """Render templates whose body has no approval (``--allow-unreviewed``)."""


@dataclass
class BatchResult:
    """Counts of a finished run, and the exit status they imply."""

    counts: dict[str, int] = field(default_factory=dict)
    out: Path = Path()
    resumed: bool = False
    executor: str = ""
    """Where the jobs ran, and on how many workers (for the closing line)."""

    @property
    def exit_status(self) -> ExitStatus:
        """1 when anything was rejected or quarantined, else 0."""
        if self.counts.get("rejected", 0) or self.counts.get("quarantined", 0):
            return ExitStatus.FINDINGS
        return ExitStatus.OK


@contextmanager
def atomic_file(
    path: Path, *, private_name: bool = False, durable: bool = True
) -> Iterator[IO[bytes]]:
    """A file that, once the block ends, exists whole or not at all (temp + fsync + rename).

    Any OS error (disk full, file-size limit, permissions, a file where a folder
    should be) removes the temp file and raises :class:`OutputError` naming the
    path — only its folder when ``private_name`` (a file named after an account).
    ``durable=False`` skips the fsync: the caller makes many files durable at once
    (:func:`sync_folder`) before it records them.
    """
    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.replace(temp, path)
        temp = None
    except OSError as error:
        raise write_error(f"{path.parent}{os.sep}" if private_name else path, error) from None
    finally:
        if temp is not None:
            with suppress(OSError):
                os.unlink(temp)


def atomic_write(
    path: Path, data: bytes, *, private_name: bool = False, durable: bool = True
) -> None:
    """Write a file so that it either exists whole or not at all (see :func:`atomic_file`)."""
    with atomic_file(path, private_name=private_name, durable=durable) as stream:
        stream.write(data)


def sync_folder(folder: Path) -> None:
    """Make everything written under ``folder`` durable: one ``syncfs`` of its filesystem.

    Letters are written without an fsync each (~4 ms of wall time per file on this
    machine's disk, a twenty-fifth of a letter) and made durable together, once per
    journal commit, before the commit that names them: after a power cut a committed
    ``written`` row still has its file. ``syncfs`` (Linux) flushes one filesystem;
    elsewhere :func:`os.sync` flushes them all.
    """
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError as error:
        raise write_error(folder, error) from None
    try:
        syncfs = _syncfs()
        if syncfs is None or syncfs(handle) != 0:
            os.sync()
    finally:
        os.close(handle)


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """libc's ``syncfs``, looked up when first needed (ctypes takes ~10–30 ms to import,
    and a run that writes no letter or quarantined file never syncs)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        function: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    return function


# -- the per-account work (dunletters.produce, in the workers) ---------------------------------


class Task(NamedTuple):
    """One job for :func:`_produce`: SMS accounts, or one print part's letters."""

    spec: RunSpec
    jobs: list[Job]
    part: PrintPart | None
    out: str | None = None
    """``--worker-writes``: the output folder the worker writes the job's files to (the
    same path on every machine); None: the files travel back to the driver as bytes."""


def _produce(task: Task) -> PartOutcome | StoredPart:
    """A job's :class:`~dunletters.produce.Outcome` s, and for a print part its print file.

    The outputs are worked out here, in the worker (digests, findings tallies, the
    quarantine reports): the driver only writes the files and records the rows —
    or, with ``task.out``, only checks the files the worker wrote (:func:`_stored`).
    """
    ctx = run_context(task.spec)
    if task.part is not None:
        made = produce_part(task.jobs, ctx, task.part)
    else:
        made = PartOutcome(produce_many(task.jobs, ctx), None, None)
    return made if task.out is None else _stored(Path(task.out), made)


# -- --worker-writes: the workers write the files, the driver checks them ------------------------

Stored = tuple[str, str, int]
"""A file a worker wrote (``--worker-writes``): its path in the output folder, SHA-256, size."""


class StoredPart(NamedTuple):
    """A :class:`~dunletters.produce.PartOutcome` whose files the worker wrote: each
    account's journal update with its :data:`Stored` files, and the print part's."""

    outcomes: list[tuple[tuple[Any, ...], list[Stored]]]
    part: PrintPart | None
    print_file: Stored | None
    print_manifest: Stored | None


def _stored(out: Path, made: PartOutcome) -> StoredPart:
    """Write a job's files here, in the worker, as the driver would; return what it wrote.

    The same names (from the account, stage, 函号 or print part, never the attempt),
    the same atomic write (temp name in the folder, rename; owner-only), made durable
    once for the job (:func:`sync_folder`) before the driver hears of them, as the
    driver does before its commit. A job run twice writes the same bytes under the same
    names. The driver commits the rows only after checking every file (:func:`_check_stored`).
    """
    outcomes = [
        (update, [_store(out, path, data) for path, data in files])
        for update, files in made.outcomes
    ]
    printed = pages = None
    if made.part is not None and made.print_file is not None:
        path = _print_path(made.part)
        if made.print_manifest is not None:
            pages = _store(out, path.replace(".pdf", ".csv"), made.print_manifest)
        printed = _store(out, path, made.print_file)
    if printed is not None or any(files for _, files in outcomes):
        sync_folder(out)
    return StoredPart(outcomes, made.part, printed, pages)


def _store(out: Path, path: str, data: bytes) -> Stored:
    """One file written by a worker: its folders made owner-only (the worker's umask is its
    own), the file atomically (``mkstemp``: mode 0600)."""
    target = out / path
    folder = out
    for part in Path(path).parent.parts:
        folder = folder / part
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass
        except OSError as error:
            raise write_error(folder, error) from None
    atomic_write(target, data, private_name=True, durable=False)
    return path, hashlib.sha256(data).hexdigest(), len(data)


CHECK_AGAIN = 1.0
"""Seconds to wait before looking again at a worker's file found missing or different:
shared storage (NFS) may show another machine's new file a moment late."""


def _check_stored(out: Path, stored: Stored) -> None:
    """A worker's file must be there with the size and SHA-256 it reported, or the run
    stops before the rows that name it are committed (resumable: they are produced again)."""
    path, digest, size = stored
    for wait in (0.0, CHECK_AGAIN):
        time.sleep(wait)
        found = _sha256_of(out / path, size)
        if found == digest:
            return
    folder = Path(path).parent.as_posix()
    what = "不存在" if found is None else "大小或 SHA-256 与工作节点报告的不符"
    raise OutputError(
        f"工作节点写入 {out / folder}{os.sep} 的文件{what}：请确认 --out 在每台机器上是"
        "同一个共享目录（同一路径、同一用户可读写）。已写好的部分都记在批处理日志中，"
        "修复后用相同命令继续即可"
    )


def _sha256_of(path: Path, size: int) -> str | None:
    """The file's SHA-256 if it has ``size`` bytes ("" if not), None if it cannot be read."""
    try:
        with path.open("rb") as stream:
            if os.fstat(stream.fileno()).st_size != size:
                return ""
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def _print_path(part: PrintPart) -> str:
    """A print part's file, ``print/{stage}-{number:03d}.pdf`` (renamed ``print/{stage}.pdf``
    at the end when the stage has one part: :func:`_name_print_files`)."""
    return f"print/{part.stage}-{part.number:03d}.pdf"


# -- the driver -------------------------------------------------------------------------------


def _scan_input(path: Path) -> tuple[str, int]:
    """The input file's SHA-256 (the run's identity) and its line count, in one read.

    The line count estimates the rows for the progress bar (a quoted cell may hold
    more lines); it is 0 for XLSX, whose lines mean nothing.
    """
    digest = hashlib.sha256()
    lines = 0
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
                lines += block.count(b"\n")
    except OSError as error:
        raise InputError(f"无法读取输入文件 {path}：{error.strerror}") from None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        lines = 0
    return digest.hexdigest(), lines


def _prints(options: BatchOptions) -> bool:
    """Whether the run writes print files (only a real run with letters can)."""
    return options.print_files and not options.dry_run and "letter" in options.channels


def _identity(
    settings: Settings, options: BatchOptions, registry: Registry, input_sha256: str
) -> dict[str, str]:
    versions = dumps(sorted(f"{t.name}:{t.version}" for t in registry))
    return {
        "input_sha256": input_sha256,
        "as_of": options.as_of.isoformat(),
        "channels": ",".join(options.channels),
        # Options that change the outputs: a resume with others is refused (D-15).
        "print_files": "yes" if _prints(options) else "no",
        "input_options": dumps({"encoding": options.encoding, "sheet": options.sheet}),
        "settings_sha256": hashlib.sha256(_settings_json(settings).encode()).hexdigest(),
        "templates_sha256": hashlib.sha256(versions.encode()).hexdigest(),
        "dunletters": __version__,
    }


def _settings_json(settings: Settings) -> str:
    """The settings that decide the outputs: who writes the files does not (a run may
    resume with or without ``worker_writes``)."""
    return settings.model_dump_json(exclude={"batch": {"worker_writes"}})


Outcome = tuple[Any, ...]
"""What validation made of an input row: ``("reject", row, fields, reasons)`` or
``("account", row, account id, record SHA-256, record JSON, mobile, total due, verdict,
Account or None, Outcome or None)`` (from the row to the total due, the first
:data:`~dunletters.batch.journal.INTAKE_COLUMNS`) — the account object only within one process
(see :class:`~dunletters.produce.Job`), its :class:`~dunletters.produce.Outcome` only in a run without letters (see
:func:`_validate_and_produce`). The verdict is the hold reason (a ``str``) or
``(stage, tone, tone rule)``: plain values, as every account's crosses between processes (a
``Decision`` or ``Hold`` pickles in ~3.5 µs each way, a tuple of strings in ~0.3;
production rebuilds the decision from the stage rule)."""


def _validate(
    task: tuple[list[tuple[int, dict[str, str], Any]], str, bool, bytes],
) -> list[Outcome]:
    """Validate and decide a chunk of input rows (in a worker: the driver only reads and records).

    Pure apart from the per-process settings; the driver still finds duplicate ids
    and allocates 函号s, in input order. Each account's outcome ends with its keyed
    (mobile, name) hashes (:func:`~dunletters.batch.contacts.contact_keys`).
    """
    return _validate_rows(task)[0]


def _validate_rows(
    task: tuple[list[tuple[int, dict[str, str], Any]], str, bool, bytes],
) -> tuple[list[Outcome], dict[int, HistoryFacts]]:
    """:func:`_validate`, plus the ledger's facts of earlier contact read with the caps
    (by outcome index), which a run without letters renders with at once."""
    rows, as_of_text, keep_objects, contact_key = task
    as_of = date.fromisoformat(as_of_text)
    context = worker_context()
    settings, name_check = context.settings, context.name_check
    policy, tolerance = settings.policy, settings.batch.days_tolerance
    outcomes: list[Outcome] = []
    ledger_on = settings.ledger.enabled
    decided: list[tuple[int, Account, Decision]] = []
    for number, cells, problem in rows:
        if problem is not None:
            name, reason = problem
            shown = label(name)
            outcomes.append(
                ("reject", number, name, f"{shown}：{reason}" if shown != name else reason)
            )
            continue
        try:
            account = parse_account(cells, as_of=as_of, row=number, days_tolerance=tolerance)
        except RecordError as error:
            fields = "、".join(name for name, _ in error.problems)
            reasons = "；".join(f"{label(name)}：{reason}" for name, reason in error.problems)
            outcomes.append(("reject", number, fields, reasons))
            continue
        unprintable = name_check(account.name) if name_check else None
        if unprintable:
            outcomes.append(("reject", number, "name", f"{label('name')}：{unprintable}"))
            continue
        decision = decide(account, policy, as_of)
        verdict = (
            str(decision.reason)
            if isinstance(decision, Hold)
            else (decision.stage, decision.tone, decision.tone_rule)
        )
        if not isinstance(decision, Hold) and ledger_on:
            decided.append((len(outcomes), account, decision))
        record_json = account.journal_json()
        outcomes.append(
            ("account", number, account.account_id,
             hashlib.sha256(record_json.encode()).hexdigest(), record_json,
             account.mobile, str(account.total_due), verdict,
             account if keep_objects else None, None,
             contact_keys(contact_key, account.name, account.mobile))
        )  # fmt: skip
    facts: dict[int, HistoryFacts] = {}
    if decided:  # the contact ledger's caps and sequence: one query for the chunk
        from dunletters.ledger.hook import hold_decided  # SQLAlchemy only with a ledger

        held = hold_decided([d[1:] for d in decided], settings, as_of, context.channels)
        for (index, _, _), (hold, known) in zip(decided, held, strict=True):
            if hold is not None:
                outcomes[index] = (*outcomes[index][:7], str(hold.reason), *outcomes[index][8:])
            elif known is not None:
                facts[index] = known
    return outcomes, facts


def _validate_and_produce(
    task: tuple[
        list[tuple[int, dict[str, str], Any]], str, tuple[str, ...], bool, bytes, str | None
    ],
) -> list[Outcome]:
    """Validate, decide and produce a chunk of rows in one job: a run without letters.

    Without letters there is no 函号 to allocate in input order before production, so
    an account need not be recorded as pending first: its SMS is rendered and linted
    in the job that validated it, and the driver records it once, produced. That
    saves each account a journal update and, with workers, a second trip through
    the pool. A duplicate id is still rejected by the driver, its SMS discarded.
    With an output folder (``--worker-writes``) the files (quarantined documents) are
    written here (:func:`_stored`).
    """
    rows, as_of_text, _, _, contact_key, out = task  # channels, dry run: in the worker's RunSpec
    outcomes, facts = _validate_rows((rows, as_of_text, True, contact_key))
    jobs = [
        Job(
            outcome[1],
            outcome[2],
            outcome[7][0],
            outcome[7][1],
            None,
            outcome[4],
            outcome[3],
            outcome[8],
            facts.get(index),
        )
        for index, outcome in enumerate(outcomes)
        if outcome[0] == "account" and not isinstance(outcome[7], str)
    ]
    made = produce_many(jobs, worker_context())
    produced: Iterator[Any] = iter(made)
    if out is not None:
        produced = iter(_stored(Path(out), PartOutcome(made, None, None)).outcomes)
    return [
        (
            *outcome[:8],
            None,
            next(produced) if not isinstance(outcome[7], str) else None,
            outcome[10],
        )
        if outcome[0] == "account"
        else outcome
        for outcome in outcomes
    ]


def _intake(
    journal: Journal,
    settings: Settings,
    options: BatchOptions,
    numbers: LetterNumbers | None,
    pool: Executor,
    produced: Callable[[int], None] | None = None,
) -> Iterator[list[Job]]:
    """Read, validate and decide the input a block at a time, recording each block.

    Yields each block's pending accounts once the block is committed (with their
    函号), so production starts while the rest of the file is still being read.
    With ``produced`` (a run without letters), the rows are also produced in their
    validation job (:func:`_validate_and_produce`) and recorded once, done: the
    blocks are then empty and ``produced`` is told how many accounts each stored.
    Rows are validated in the worker pool (:func:`_validate`); the driver reads,
    rejects duplicate ids and records. Neither the rows nor the ids seen are kept
    (memory is flat for any file size): rows are recorded in input order, so a
    resumed run starts after the last one, and ids are looked up, without case, in
    the journal's index (:meth:`Journal.known_ids`). The header is checked before (see
    :func:`check_input`); what the reader notices is kept for the summary.
    """
    header_map, rows = open_input(settings, options)
    contact_key = contacts.prepare(journal)
    done = journal.last_row()
    letters = "letter" in options.channels
    as_of = options.as_of
    rejects: list[tuple[int, str, str]] = []
    accounts: list[Outcome] = []

    def flush() -> list[Job]:
        taken = journal.known_ids([entry[2] for entry in accounts])
        kept = []
        for entry in accounts:
            if entry[2] in taken:
                rejects.append((entry[1], "account_id", _DUPLICATE))
            else:
                kept.append(entry)
        pending = [entry for entry in kept if not isinstance(entry[7], str)]
        letter_numbers: list[str | None] = [None] * len(pending)
        if letters and pending and numbers is None:  # a dry run: 函号 0, none reserved
            form = settings.letters.number_format
            letter_numbers = [form.format(year=as_of.year, seq=0)] * len(pending)
        items: list[Job] = []
        records: list[tuple[Any, ...]] = []
        contact_rows: list[tuple[int, bytes, bytes]] = []  # every kept account (D-16)
        produced_rows: list[tuple[Any, ...]] = []  # produced with their validation
        wrote = False  # files they name (quarantined documents): synced before the commit
        numbered = iter(letter_numbers)
        for entry in kept:
            common = entry[1:7]  # INTAKE_COLUMNS[:6]
            row, account_id, record_hash, record_json = common[:4]
            verdict, account, done, keys = entry[7:]
            contact_rows.append((row, *keys))
            if isinstance(verdict, str):  # held: neither its record nor its mobile is kept
                records.append((row, account_id, record_hash, None, None, common[5], "held",
                                verdict, None, None, None, None))  # fmt: skip
                continue
            stage, tone, chosen_by = verdict
            if done is not None:
                update, files = done
                wrote = _write_files(options.out, files) or wrote
                # Recorded produced: its record is not kept, its mobile only for sms.csv.
                sent = update[0] == "written" and bool(update[_SMS_TEXT])
                produced_rows.append(
                    (row, account_id, record_hash, None, common[4] if sent else None, common[5],
                     stage, tone, None, chosen_by, *update[:-1])
                )  # fmt: skip  # less its row
                continue
            number = next(numbered)
            records.append((*common, "pending", None, stage, tone, number, chosen_by))
            items.append(
                Job(row, account_id, stage, tone, number, record_json, record_hash, account)
            )
        if wrote:
            sync_folder(options.out)
        with journal.transaction():
            journal.add_rejects(rejects)
            journal.add_accounts(records)
            journal.add_produced(produced_rows)
            contacts.record(journal, contact_rows)
        rejects.clear()
        accounts.clear()
        if produced is not None:
            produced(len(produced_rows))
        if letters and items and numbers is not None:
            # 函号s only once the block is recorded (D-12): a failed commit reserves none.
            issued = assign_numbers(journal, numbers, settings, as_of, [i.row for i in items])
            items = [
                item._replace(letter_number=number)
                for item, number in zip(items, issued, strict=True)
            ]
        return items

    fresh = ((row.number, row.cells, row.problem) for row in rows if row.number > done)
    chunks = _chunks(fresh, CHUNK)
    if produced is None:
        keep = pool.local
        outcomes_of = pool.map(
            _validate, ((chunk, as_of.isoformat(), keep, contact_key) for chunk in chunks)
        )
    else:
        channels, dry_run = options.channels, options.dry_run
        stored_in = _worker_out(settings, options)
        outcomes_of = pool.map(
            _validate_and_produce,
            (
                (chunk, as_of.isoformat(), channels, dry_run, contact_key, stored_in)
                for chunk in chunks
            ),
        )
    ids: set[str] = set()
    for outcomes in outcomes_of:
        for outcome in outcomes:
            if outcome[0] == "reject":
                rejects.append(outcome[1:])
            elif (key := outcome[2].lower()) in ids:
                rejects.append((outcome[1], "account_id", _DUPLICATE))
            else:
                ids.add(key)
                accounts.append(outcome)
        if len(rejects) + len(accounts) >= INGEST_BLOCK:
            ids.clear()
            yield flush()
    if rejects or accounts:
        yield flush()
    _store_notes(journal, header_map)


def open_input(settings: Settings, options: BatchOptions) -> tuple[HeaderMap, Iterator[Row]]:
    """The batch's input, every header accounted for (an unknown one is an InputError)."""
    return open_records(
        options.input,
        encoding=options.encoding,
        sheet=options.sheet,
        aliases=settings.batch.columns,
        ignore=(*settings.batch.ignore_columns, *options.ignore_columns),
        header_row=options.header_row,
    )


def check_input(settings: Settings, options: BatchOptions) -> list[str]:
    """Map the input's header before anything is created: its notes, or an InputError.

    Reads the header and no row (XLSX: the archive is checked, nothing inflated).
    """
    header_map, rows = open_input(settings, options)
    next(rows, None)  # started, so that closing it closes the file (a generator's finally)
    rows.close()  # type: ignore[attr-defined]
    return list(header_map.notes)


_NOTES_KEY = "input_notes"


def _store_notes(journal: Journal, header_map: HeaderMap) -> None:
    """What the reader noticed (no flag columns, title and 合计 rows, sheets), for the summary."""
    with journal.transaction():
        journal.db.execute(
            "INSERT OR REPLACE INTO run VALUES (?, ?)",
            (_NOTES_KEY, json.dumps(header_map.notes, ensure_ascii=False)),
        )


def input_notes(journal: Journal) -> list[str]:
    """The notes :func:`_store_notes` kept (none before intake finished)."""
    stored = journal.run_value(_NOTES_KEY)
    return list(json.loads(stored)) if stored else []


def assign_numbers(
    journal: Journal, numbers: LetterNumbers, settings: Settings, as_of: date, rows: list[int]
) -> list[str]:
    """Reserve and record the 函号s of pending rows already in the journal (input order).

    Called after the rows' intake commit, and again on resume for rows a killed run
    recorded but did not number: the block is keyed by the run and its first row, so a
    block reserved before the kill is given again — no 函号 skipped or shifted (D-12).
    """
    block = numbers.reserve(
        settings.creditor.name, as_of.year, len(rows), f"{journal.run_id}:{rows[0]}"
    )
    form = settings.letters.number_format
    issued = [form.format(year=as_of.year, seq=seq) for seq in block]
    with journal.transaction():
        journal.set_numbers(list(zip(issued, rows, strict=True)))
    return issued


_DUPLICATE = "账号重复：同一账号只处理第一次出现的行"
_PARTLY_HELD = frozenset({HoldReason.NO_ADDRESS, HoldReason.SHARED_MOBILE})
"""Hold reasons of a written account: its letter held, or its SMS."""
_SMS_TEXT = FINISH_COLUMNS.index("sms_text")


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _write_files(out: Path, files: Sequence[tuple[str, bytes] | Stored]) -> bool:
    """Write a produced account's files (see :func:`_outputs`), not yet made durable;
    whether there were any (then they are to be synced before their rows' commit).
    A file a worker wrote (``--worker-writes``) is checked instead (:func:`_check_stored`):
    the worker made it durable.

    ``private_name``: an error names the folder, never the account (its file name).
    """
    wrote = False
    for entry in files:
        if len(entry) == 3:
            _check_stored(out, entry)
        else:
            atomic_write(out / entry[0], entry[1], private_name=True, durable=False)
            wrote = True
    return wrote


def _produce_all(
    journal: Journal,
    settings: Settings,
    options: BatchOptions,
    numbers: LetterNumbers | None,
    pool: Executor,
    spec: RunSpec,
    report: Callable[[int, int], None],
    lines: int,
) -> None:
    """Intake and production, interleaved: workers render while the driver reads on.

    First the accounts an earlier, interrupted run decided but did not produce;
    then the rest of the input, a block at a time (:func:`_intake`). Each chunk's
    results are stored in one transaction.
    """
    in_process = pool.local
    letters = "letter" in options.channels
    printing = letters and options.print_files and not options.dry_run
    if numbers is not None and letters:
        unnumbered = journal.unnumbered()  # a run killed between intake and numbering
        if unnumbered:
            assign_numbers(journal, numbers, settings, options.as_of, unnumbered)
    expected = _ProgressTotal(journal.pending_count(), journal.last_row(), lines)
    report(0, expected.total)  # the bar has its total before the first job is done
    parts = journal.print_part_counts()

    stored_in = _worker_out(settings, options)

    def job(items: list[Job], part: PrintPart | None) -> Task:
        if not in_process:  # the account object stays here; workers read the JSON
            items = [item._replace(account=None) for item in items]
        return Task(spec, items, part, stored_in)

    def next_part(stage: str) -> PrintPart:
        parts[stage] = parts.get(stage, 0) + 1
        return PrintPart(stage, parts[stage], printing)

    def tasks() -> Iterator[Task]:
        resumed = (
            Job(row["row"], row["account_id"], row["stage"], row["tone"], row["letter_number"],
                row["record_json"], row["record_hash"])
            for row in journal.iter_pending()
        )  # fmt: skip
        # Without letters, intake produces too (its blocks come back empty).
        blocks = _intake(journal, settings, options, numbers, pool, None if letters else advance)
        # Letters go out a print part at a time: the next PRINT_PART letters of a stage in
        # input order (resumed accounts first, being earlier rows). Parts are stored in
        # the order they are made, so the parts of a stage a killed run committed are
        # always its first ones, and a resumed run makes the same remaining parts.
        grouped: dict[str, list[Job]] = {}
        for block in itertools.chain([resumed], blocks):
            if not letters:
                for chunk in _chunks(block, CHUNK):
                    yield job(chunk, None)
            else:
                for item in block:
                    group = grouped.setdefault(item.stage, [])
                    group.append(item)
                    if len(group) == PRINT_PART:
                        yield job(grouped.pop(item.stage), next_part(item.stage))
            expected.read(len(block) if isinstance(block, list) else 0, journal.last_row())
        # The stages' last parts, largest first: the workers then finish together.
        for stage in sorted(grouped, key=lambda stage: (-len(grouped[stage]), stage)):
            yield job(grouped[stage], next_part(stage))

    done = 0
    updates: list[tuple[Any, ...]] = []
    wrote = False  # files the updates name: made durable before they are committed

    def advance(count: int) -> None:  # accounts intake produced and stored itself
        nonlocal done
        done += count
        expected.read(count, journal.last_row())
        report(done, max(done, expected.total))

    def commit() -> None:
        nonlocal wrote
        if wrote:
            sync_folder(options.out)
        with journal.transaction():
            journal.finish(updates)
        updates.clear()
        wrote = False

    # A part's results are ~100 PDFs: hold few of them; SMS chunks are small.
    results = pool.map(_produce, tasks(), ahead=2 if letters else AHEAD)
    try:
        for chunk, part, print_file, pages in results:
            for update, files in chunk:
                wrote = _write_files(options.out, files) or wrote
                updates.append(update)
            if part is not None:
                _store_part(journal, options.out, part, (print_file, pages), updates, wrote)
                updates.clear()
                wrote = False
            elif len(updates) >= COMMIT_EVERY:
                commit()
            done += len(chunk)
            report(done, max(done, expected.total))
        commit()
    finally:
        results.close()  # on an error: cancel what has not started, then stop the pool
    if stored_in is not None:  # a worker killed mid-write left its temp file
        _remove_stale_temps(options.out)


def _worker_out(settings: Settings, options: BatchOptions) -> str | None:
    """Where workers write their files themselves (``--worker-writes`` or ``[batch]
    worker_writes``; the same absolute path on every machine), or None: the driver does."""
    if options.worker_writes or settings.batch.worker_writes:
        return os.path.abspath(options.out)
    return None


def _store_part(
    journal: Journal,
    out: Path,
    part: PrintPart,
    printed: tuple[bytes | Stored | None, bytes | Stored | None],
    updates: list[tuple[Any, ...]],
    wrote: bool,
) -> None:
    """Write a part's print file, then commit it with its letters (one transaction).

    Written as ``print/{stage}-{number:03d}.pdf``; a stage with a single print file has
    it renamed to ``print/{stage}.pdf`` when the run finishes (:func:`_name_print_files`).
    A part whose letters were all quarantined (or a run without print files) is recorded
    without a file, so part numbers stay the same in every run of the batch. Beside it,
    ``print/{stage}-{number:03d}.csv`` lists its pages (account, 函号, postcode).
    """
    stage, number, _ = part
    data, pages = printed
    path = digest = None
    if isinstance(data, tuple):  # written and made durable by the worker: checked
        path, digest = data[0], data[1]
        for stored in (pages, data):
            if isinstance(stored, tuple):
                _check_stored(out, stored)
    elif data is not None:
        path = _print_path(part)
        if isinstance(pages, bytes):
            atomic_write(out / path.replace(".pdf", ".csv"), pages, durable=False)
        atomic_write(out / path, data, durable=False)
        digest = hashlib.sha256(data).hexdigest()
        wrote = True
    if wrote:
        sync_folder(out)
    with journal.transaction():
        journal.finish(updates)
        journal.add_print_part(stage, number, path, digest)


def _name_print_files(journal: Journal, out: Path) -> None:
    """``print/{stage}.pdf`` for a stage whose letters fit in one print file.

    Idempotent: a rename done before a kill (journal not yet updated) is recognised.
    """
    for stage, number, path in journal.single_print_files():
        final = f"print/{stage}.pdf"
        if path == final:
            continue
        for old, new in ((path[:-4] + ".csv", final[:-4] + ".csv"), (path, final)):
            if (out / old).exists():  # the page list first: the PDF's name is the mark
                try:
                    os.replace(out / old, out / new)
                except OSError as error:
                    raise write_error(out / new, error) from None
        with journal.transaction():
            journal.set_print_path(stage, number, final)


class _ProgressTotal:
    """How many accounts a run will produce, as best known so far (for the progress bar).

    Pending accounts from an earlier run, plus those read so far, plus one for each
    input row not yet read (estimated from the file's line count, so held and
    rejected rows count until they are read); exact once the input is read.
    """

    def __init__(self, pending: int, last_row: int, lines: int) -> None:
        self.known = pending
        self.last_row = last_row
        self.rows = lines

    def read(self, pending: int, last_row: int) -> None:
        self.known += pending
        self.last_row = max(self.last_row, last_row)

    @property
    def total(self) -> int:
        return self.known + max(0, self.rows - self.last_row)


@contextmanager
def _csv_file(path: Path) -> Iterator[tuple[Any, Callable[[str], int]]]:
    """A CSV written row by row (atomically): UTF-8 with a BOM, so Excel opens it as UTF-8.

    Yields a ``csv.writer`` and the stream's ``write``, for lines already written as the
    writer would write them (see :func:`_csv_field`).
    """
    with atomic_file(path) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        try:
            text.write("\ufeff")
            yield csv.writer(text, lineterminator="\n"), text.write
            text.flush()
        finally:
            text.detach()


def _csv_field(column: str) -> str:
    """SQL for a column's text as :func:`_csv_file`'s writer writes it: quoted, quotes
    doubled, when it holds a comma, a quote or a line feed (the characters that make
    ``csv.writer`` quote with ``lineterminator="\\n"``; a test checks every one)."""
    value = f"coalesce({column}, '')"
    return (
        f"CASE WHEN instr({value}, ',') OR instr({value}, '\"') OR instr({value}, char(10))"
        f" THEN '\"' || replace({value}, '\"', '\"\"') || '\"' ELSE {value} END"
    )


def _sms_schedule(
    settings: Settings, as_of: date, repeated: set[str] | None = None
) -> Callable[[str], str | None]:
    """Send times spread over the window at ``rate_per_minute``, at most ``max_per_day``
    per debtor (by mobile) a day.

    ``repeated``: the mobiles with more than one SMS (``Journal.repeated_mobiles``); only
    those are counted, so memory does not grow with the number of debtors. ``None``
    counts every mobile.

    The SMS of a day fill its window minute by minute, ``rate_per_minute`` to a minute
    (a gateway's pace, and no complaint line flooded at 08:00); a day that is full
    passes the rest to the next. A further SMS to the same mobile goes a day later. None
    is ever scheduled on or after the earliest pay-by date an SMS can name (the
    policy's shortest ``deadline_days``): one sent then would ask for payment by a day
    already past. Those get None — not scheduled, counted in the summary (D-16).
    """
    sms = settings.sms
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(sms.timezone)
    days_allowed = min(rule.deadline_days for rule in settings.policy.stages)
    opening = datetime.combine(as_of, sms.window_start)
    minutes = (datetime.combine(as_of, sms.window_end) - opening) // timedelta(minutes=1)
    per_day = max(1, minutes) * sms.rate_per_minute
    last: dict[str, tuple[int, int]] = {}  # a repeated mobile: its last day, SMS that day
    filled: dict[int, int] = {}  # SMS scheduled on each day of the run
    times: dict[tuple[int, int], str] = {}

    def when(mobile: str) -> str | None:
        counted = repeated is None or mobile in repeated
        day, used = last.get(mobile, (0, 0)) if counted else (0, 0)
        if used >= sms.max_per_day:
            day, used = day + 1, 0
        while filled.get(day, 0) >= per_day:
            day, used = day + 1, 0
        if day >= days_allowed:
            return None
        if counted:
            last[mobile] = (day, used + 1)
        minute = filled.get(day, 0) // sms.rate_per_minute
        filled[day] = filled.get(day, 0) + 1
        found = times.get((day, minute))
        if found is None:
            moment = opening + timedelta(days=day, minutes=minute)
            found = times[day, minute] = moment.replace(tzinfo=zone).isoformat()
        return found

    return when


_APPROVAL = "json(json_extract(?4, '$.\"' || {column} || '\"'))"
"""The approval a template version had when the run started (``?4``: :func:`approvals_json`)."""
_MANIFEST_FIELDS = (  # (key, column), keys in sorted order as dumps writes them
    ("account_id", "account_id"),
    ("as_of", "?1"),
    ("finding_details", "json(coalesce(finding_details, '[]'))"),
    ("findings", "json(coalesce(findings, '{}'))"),
    ("letter_approval", _APPROVAL.format(column="letter_version")),
    ("letter_number", "letter_number"),
    ("letter_path", "letter_path"),
    ("letter_sha256", "letter_sha256"),
    ("letter_template", "letter_template"),
    ("letter_template_sha256", "letter_version"),
    ("record_sha256", "record_hash"),
    ("row", "row"),
    ("sms_approval", _APPROVAL.format(column="sms_version")),
    ("sms_template", "sms_template"),
    ("sms_template_sha256", "sms_version"),
    ("stage", "stage"),
    ("state", "state"),
    ("tone", "tone"),
    ("tone_rule", "tone_rule"),
)
_MANIFEST_QUERY = (
    "SELECT row, account_id, reason, mobile,"
    " CASE WHEN state = 'written' AND sms_text IS NOT NULL AND sms_text != '' THEN "
    + " || ',' || ".join(
        (
            # An id, a mobile and a count as validated hold none of the characters that
            # make csv quote; the SMS text is free text (~1 µs an account less).
            "coalesce(account_id, '')",
            "coalesce(mobile, '')",
            _csv_field("sms_text"),
            "coalesce(sms_segments, '')",
        )
    )
    + " || ',' END,"
    " CASE WHEN state = 'held' THEN NULL ELSE json_object("
    + ", ".join(f"'{key}', {column}" for key, column in _MANIFEST_FIELDS)
    + ") END FROM accounts WHERE row >= ?2 AND row < ?3 ORDER BY row"
)
"""A range of accounts' outputs: its sms.csv line (up to the send time) and manifest
line built by SQLite.

``json_object`` writes what ``dumps`` would (compact, keys in the order given, the
findings' stored JSON kept as it is; text escaped as ``json.dumps(ensure_ascii=False)``
escapes it, which a test checks over every code point), and :func:`_csv_field` what
the csv writer would: C calls instead of a dict, a Python encoder pass and a
``writerow`` (~9 and ~5 µs less an account, measured on 20,000)."""

FINISH_ROWS = 2_000
"""Input rows per finishing job (:func:`_finish_rows`): its lines, ~1.5 MB, travel whole."""

Finished = tuple[bytes, list[tuple[int, str, str]], list[tuple[str, str]], Tally]
"""A range's manifest lines, its holds (row, account id, reason), its SMS lines less
their send times, with each one's mobile (for :func:`_sms_schedule`), and its
:data:`~dunletters.batch.summary.Tally` for the summary."""


def _finish_rows(task: tuple[str, str, int, int, str]) -> Finished:
    """What the outputs say of a range of the journal's rows, in row order.

    Pure reading (the driver writes every file): the finishing pass is shared out
    among the workers like production, the per-row parts of the summary too. It
    had been the driver's alone, after the workers were done: ~2 s of a
    100,000-account run's ~14 s on two workers.
    """
    path, as_of, first, end, approvals = task
    db = sqlite3.connect(path, timeout=30)
    try:
        counted = tally(db, first, end)
        lines: list[str] = []
        holds: list[tuple[int, str, str]] = []
        texts: list[tuple[str, str]] = []
        for number, account_id, reason, mobile, sms_line, line in db.execute(
            _MANIFEST_QUERY, (as_of, first, end, approvals)
        ):
            if line is None:  # held
                holds.append((number, account_id, reason))
                continue
            if reason in _PARTLY_HELD:  # written without its letter, or its SMS
                holds.append((number, account_id, reason))
            lines.append(line)
            if sms_line is not None:
                texts.append((mobile, sms_line))
    finally:
        db.close()
    lines.append("")  # each line ends with a line feed
    return "\n".join(lines).encode() if len(lines) > 1 else b"", holds, texts, counted


def _finish(
    journal: Journal, settings: Settings, options: BatchOptions, pool: Executor, approvals: str
) -> dict[str, int]:
    out = options.out
    # One mobile under different names (D-16): decided once the whole input is recorded.
    shared = contacts.settle_shared(
        journal,
        settings.sms.shared_mobile,
        texting="sms" in options.channels,
        lettering="letter" in options.channels,
    )
    when = _sms_schedule(settings, options.as_of, journal.repeated_mobiles())
    # Written a range of rows at a time as the workers read the journal: memory stays
    # flat for any batch size, and the files are in row order (pool.map keeps it).
    target = out / "dry-run" if options.dry_run else out
    path, as_of = os.path.abspath(journal.path), options.as_of.isoformat()
    ranges = range(0, journal.last_row() + 1, FINISH_ROWS)
    tasks = ((path, as_of, first, first + FINISH_ROWS, approvals) for first in ranges)
    with ExitStack() as files:
        sms_write = None
        if not options.dry_run and "sms" in options.channels:
            sms_csv, sms_write = files.enter_context(_csv_file(target / "sms.csv"))
            sms_csv.writerow(["account_id", "phone", "text", "segments", "scheduled_at"])
        holds, _ = files.enter_context(_csv_file(target / "holds.csv"))
        holds.writerow(["row", "account_id", "reason", "说明"])
        manifest = files.enter_context(atomic_file(target / "manifest.jsonl"))
        counted = new_tally()
        capped: list[str] = []  # SMS to a mobile past its schedule's cap (not in sms.csv)
        # Workers on other machines cannot read this machine's journal: then it is read here.
        ranges_of = (
            pool.map(_finish_rows, tasks, ahead=2)
            if pool.same_machine
            else map(_finish_rows, tasks)
        )
        for data, held, texts, part in ranges_of:
            add_tally(counted, part)
            manifest.write(data)
            for number, account_id, reason in held:
                hold = HoldReason(reason)
                holds.writerow([number, account_id, hold.value, hold.label])
            if sms_write is not None:
                for mobile, text in texts:
                    at = when(mobile)
                    if at is None:
                        capped.append(text.split(",", 1)[0])  # the account id: no comma
                    else:
                        sms_write(text + at + "\n")
    if settings.ledger.enabled and not options.dry_run:
        from dunletters.ledger.hook import record_run  # SQLAlchemy only with a ledger

        schedule = _sms_schedule(settings, options.as_of, journal.repeated_mobiles())
        record_run(
            settings, journal.path, journal.run_id, options.as_of, options.channels, schedule
        )
    with _csv_file(target / "rejects.csv") as (rejects, _):
        rejects.writerow(["row", "field", "reason"])
        rejects.writerows([r["row"], r["field"], r["reason"]] for r in journal.rejects())
    if options.print_files and not options.dry_run and "letter" in options.channels:
        _name_print_files(journal, out)
    summary = summarize(journal, options.as_of, options.channels, counted)
    summary["input_notes"] = input_notes(journal)
    summary["execution"] = execution(settings, options, pool)
    if capped:
        summary["sms_not_scheduled"] = {
            "reason": "短信过多（同一手机号的短信，或每日按 rate_per_minute 排满的发送量）：再发就晚于短信中的还款期限，未列入 sms.csv",
            "count": len(capped),
            "account_ids": capped,
        }
    if shared:
        summary["shared_mobile"] = shared
    atomic_write(
        target / "summary.json", (json.dumps(summary, ensure_ascii=False, indent=2) + "\n").encode()
    )
    atomic_write(target / "summary.html", summary_html(summary, settings).encode())
    counts = journal.counts()
    if capped:
        counts["sms_not_scheduled"] = len(capped)
    if shared:
        counts["shared_mobile"] = shared.get("sms_held", shared.get("sms_sent", 0))
    return counts


def execution(settings: Settings, options: BatchOptions, pool: Executor) -> dict[str, Any]:
    """How this run was executed, for the summary: the one part of the outputs that
    describes the run rather than the batch (a resumed or re-run batch has the last
    run's): the engine, its workers, the tasks run again, who wrote the files."""
    return {
        "executor": options.executor,
        "description": pool.describe(),
        "workers": pool.workers,
        "retries": pool.retried,
        "worker_writes": _worker_out(settings, options) is not None,
    }


def run_spec(settings: Settings, options: BatchOptions) -> RunSpec:
    """What every worker builds its run context from (picklable)."""
    secret = ""
    if settings.ledger.enabled:
        from dunletters.ledger.store import secret_of  # SQLAlchemy only with a ledger

        secret = secret_of(settings.ledger).decode()
    return RunSpec(
        settings.model_dump_json(),
        tuple(str(d) for d in options.template_dirs),
        options.as_of,
        options.channels,
        pdf="letter" in options.channels and not options.dry_run,  # SMS only: no WeasyPrint
        ledger_secret=secret,
    )


def make_executor(spec: RunSpec, options: BatchOptions) -> Executor:
    """The engine for ``--executor`` and ``--workers``: this process alone, a pool of
    processes, or a Dask cluster."""
    if options.executor == "dask":
        from dunletters.batch.cluster import DaskExecutor

        return DaskExecutor(
            spec,
            workers=options.workers,
            scheduler=options.dask_scheduler,
            dashboard=options.dask_dashboard,
        )
    if options.workers <= 1:
        return InProcess(spec)
    return ProcessPool(spec, options.workers)


def run_batch(
    settings: Settings,
    options: BatchOptions,
    report: Callable[[int, int], None] | None = None,
    status: Callable[[str], None] | None = None,
) -> BatchResult:
    """Run (or resume, or re-run) a batch; returns its counts.

    Everything the run creates — folders, journal, outputs — is owner-only (umask
    077 for its duration: they hold personal data), and one output folder serves one
    run at a time (:func:`lock_out`).
    """
    check_creditor(settings, demo=options.demo)
    check_input_file(options.input)
    check_out(options)
    for note in check_input(settings, options):  # before the output folder is made
        print(f"dunletters: 注意：{note}", file=sys.stderr, flush=True)
    letters = not options.dry_run and "letter" in options.channels
    if settings.ledger.enabled:
        from dunletters.ledger.hook import prepare_ledger  # SQLAlchemy only with a ledger

        settings = prepare_ledger(settings, _numbers_file(options))  # opened owner-only
    umask = os.umask(0o077)
    lock = None
    spec = run_spec(settings, options)
    pool = make_executor(spec, options)
    journal = numbers = None
    try:
        # A dry run writes only under dry-run/, and may run beside the real run.
        lock = lock_out(options.out / "dry-run" if options.dry_run else options.out)
        say = status or (lambda text: None)
        if not letters:
            pool.start()  # the workers start while the templates are checked
        say("检查模板")
        registry = Registry.load(options.template_dirs)
        if isinstance(pool, InProcess):
            pool.registry = registry  # this process renders with it: not loaded twice
        problems = registry.check(
            make_environment(registry),
            settings.policy,
            context_models=_context_models(),
            channels=options.channels,
            cache=True,
        )
        if problems:
            raise InputError("模板检查未通过：" + "；".join(str(p) for p in problems[:5]))
        check_approvals(registry, settings, options)
        journal_path = _journal_path(options)
        if letters:
            # Build (or find) the derived fonts once here, not in every worker at once.
            from dunletters.pdf.fonts import ensure_fonts

            say("准备字体")
            ensure_fonts()
            say("启动工作进程（加载模板、字体与排版引擎）")
            pool.start()
        journal = Journal(journal_path)
        say("读取输入")
        input_sha256, lines = _scan_input(options.input)
        resumed = journal.bind(_identity(settings, options, registry, input_sha256))
        if letters:
            numbers = LetterNumbers(_numbers_file(options))
        if resumed:
            _remove_stale_temps(options.out)
        say("生成中")
        _produce_all(
            journal,
            settings,
            options,
            numbers,
            pool,
            spec,
            report or (lambda done, total: None),
            lines,
        )
        say("整理输出（短信清单、暂停与拒绝清单、摘要）")
        counts = _finish(journal, settings, options, pool, approvals_json(registry))
        journal.compact()
    except sqlite3.OperationalError as error:
        # The journal could not be written (LetterNumbers reports its own file): the
        # failed transaction was rolled back, the committed ones stay — resumable.
        raise journal_error(_journal_path(options, create=False), error) from None
    finally:
        pool.close()
        if journal is not None:
            journal.close()
        if numbers is not None:
            numbers.close()
        if lock is not None:
            os.close(lock)  # after the workers are gone: forked ones share the lock
        os.umask(umask)
    executor = pool.describe()
    if _worker_out(settings, options) is not None:
        executor += "，文件由工作进程写入"
    return BatchResult(counts=counts, out=options.out, resumed=resumed, executor=executor)


def _numbers_file(options: BatchOptions) -> Path:
    """The 函号 allocator's file (the contact ledger's default home is beside it)."""
    return options.numbers_file or options.out.parent / "letter-numbers.sqlite"


LOCK_NAME = "journal.sqlite.lock"
"""The output folder's lock file (named with the journal: not an output)."""

OUTPUT_NAMES = frozenset(
    {
        "sms.csv",
        "holds.csv",
        "rejects.csv",
        "manifest.jsonl",
        "summary.json",
        "summary.html",
        "journal.sqlite",
        "journal.sqlite-wal",
        "journal.sqlite-shm",
        "journal.sqlite-journal",
        LOCK_NAME,
        "letters",
        "print",
        "quarantine",
        "dry-run",
    }
)
"""What a run writes at the top of its output folder (files, and folders it owns whole)."""


def check_approvals(registry: Registry, settings: Settings, options: BatchOptions) -> None:
    """Refuse a run that could send a wording nobody approved (unless told to allow it)."""
    unapproved = registry.unapproved(policy_keys(settings.policy, options.channels))
    if not unapproved:
        return
    listing = "、".join(t.name for t in unapproved)
    if options.allow_unreviewed:
        print(f"dunletters: 注意：使用未审核的模板：{listing}", file=sys.stderr, flush=True)
        return
    raise InputError(
        f"{len(unapproved)}个模板未审核（正文或其版式、宏文件与审核记录不符）：{listing}。"
        "请审核（dunletters templates approve 阶段.语气 --by 审核人）后再运行，"
        "或确认后加 --allow-unreviewed"
    )


def approvals_json(registry: Registry) -> str:
    """Each template version's approval, for the manifest (``{version: approval}``)."""
    return json.dumps(
        {t.version: t.approval.to_json() for t in registry if t.approval is not None},
        ensure_ascii=False,
    )


def check_input_file(path: Path) -> None:
    """The input must be a regular file: a FIFO would block the run, a device never end.

    Checked before the output folder is touched, so a mistyped path leaves nothing behind.
    """
    try:
        found = path.stat()
    except FileNotFoundError:
        raise InputError(f"找不到输入文件 {path}") from None
    except OSError as error:
        raise InputError(f"无法读取输入文件 {path}：{os_reason(error)}") from None
    if not stat.S_ISREG(found.st_mode):
        kind = "文件夹" if stat.S_ISDIR(found.st_mode) else "管道、设备或套接字"
        raise InputError(
            f"输入文件 {path} 不是普通文件（是{kind}）：请给出 CSV、XLSX 或 JSONL 文件"
        )


def check_out(options: BatchOptions) -> None:
    """Refuse an output folder where the run would overwrite its own input (D-13)."""
    source = options.input.resolve()
    try:
        inside = source.relative_to(options.out.resolve())
    except ValueError:
        inside = None
    numbers = (options.numbers_file or options.out.parent / "letter-numbers.sqlite").resolve()
    if (inside is not None and inside.parts[0] in OUTPUT_NAMES) or source == numbers:
        clash = inside.parts[0] if inside is not None else numbers.name
        raise InputError(
            f"输入文件 {options.input} 与本批次的输出 {clash} 同名、位置相同，会被覆盖："
            "请把输入文件移到别处，或换一个 --out 目录"
        )


def lock_out(out: Path) -> int:
    """Take the output folder for this run: an exclusive ``flock`` on its lock file.

    A second run on the same folder (a cron overlap, a double start) stops at once
    with the first one's pid and start time instead of mixing two journals (D-14).
    The lock goes with the process: a run that fails or is killed leaves nothing
    locked. Returns the lock file's descriptor (closing it releases the lock).
    """
    import fcntl

    path = out / LOCK_NAME
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise write_error(out, error) from None
    try:
        # O_NOFOLLOW: a symlink planted as the lock file must not get another file truncated.
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        raise write_error(path, error) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(handle, 200, 0).decode("utf-8", "replace").split()
        os.close(handle)
        who = (
            f"进程 {holder[0]}，{holder[1]} 开始"
            if len(holder) >= 2 and holder[0].isdigit()
            else "进程号未知"
        )
        raise InputError(
            f"输出目录 {out} 正被另一批次使用（{who}）：请等它结束后再运行，或换一个 --out 目录"
        ) from None
    except OSError as error:
        os.close(handle)
        raise write_error(path, error) from None
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    os.ftruncate(handle, 0)
    os.pwrite(handle, f"{os.getpid()} {started}\n".encode(), 0)
    return handle


def check_creditor(settings: Settings, *, demo: bool) -> None:
    """Refuse a real run for a creditor nobody configured (letters in a fictional bank's name)."""
    status = settings.creditor_status
    if status == "configured" or demo:
        return
    if status == "missing":
        raise InputError(
            "未配置债权机构：没有找到 [creditor] 配置，不能以内置示范机构"
            f"「{settings.creditor.name}」的名义生成催收文书。{CREDITOR_HINT}；仅作演示时加 --demo"
        )
    raise InputError(
        f"配置中的债权机构「{settings.creditor.name}」是示例（{settings.source} 的 [creditor] 中"
        f"有 example = true），不能用于真实批次。{CREDITOR_HINT}，并删去 example 一行；"
        "仅作演示时加 --demo（make demo 即如此）"
    )


def _journal_path(options: BatchOptions, *, create: bool = True) -> Path:
    """Where the run's journal lives, its folder made (a dry run starts a fresh one)."""
    if options.dry_run:
        journal_path = options.out / "dry-run" / "journal.sqlite"
        if create:
            try:
                journal_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                for suffix in ("", "-wal", "-shm"):
                    Path(str(journal_path) + suffix).unlink(missing_ok=True)
            except OSError as error:
                raise write_error(journal_path.parent, error) from None
        return journal_path
    journal_path = options.out / "journal.sqlite"
    if create:
        try:
            options.out.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise write_error(options.out, error) from None
        if options.resume and not journal_path.exists():
            raise InputError(f"--resume：{options.out} 中没有批处理日志，无从继续")
    return journal_path


_TEMP = re.compile(r"\.(?P<name>[^/]+)\.[A-Za-z0-9_]{8}\.tmp")
"""A temp file :func:`atomic_file` makes (``mkstemp``: the target's name, 8 random characters)."""


def _remove_stale_temps(out: Path) -> None:
    """Temp files of an interrupted write (kill -9 between create and rename) — only ours.

    Only in the folders the run writes, and only named as :func:`atomic_file` names
    them for an output of that folder: a ``.notes.tmp`` of the user's is never
    touched (D-13).
    """
    top = OUTPUT_NAMES.__contains__
    folders: list[tuple[Path, Callable[[str], bool]]] = [
        (out, top),
        (out / "dry-run", top),
        (out / "print", _is_pdf),
        (out / "quarantine", _anything),
    ]
    folders += [(stage, _is_pdf) for stage in _subfolders(out / "letters")]
    for folder, ours in folders:
        for path in _entries(folder):
            found = _TEMP.fullmatch(path.name)
            if found and ours(found["name"]) and path.is_file() and not path.is_symlink():
                with suppress(OSError):
                    path.unlink()


def _is_pdf(name: str) -> bool:
    return name.endswith(".pdf")


def _anything(name: str) -> bool:
    return True


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _subfolders(folder: Path) -> list[Path]:
    return [path for path in _entries(folder) if path.is_dir() and not path.is_symlink()]


def _context_models() -> dict[str, Any]:
    from dunletters.rendering import CONTEXT_MODELS

    return dict(CONTEXT_MODELS)


def make_environment(registry: Registry) -> Any:
    """The run's Jinja environment, for the template check (rendering loads when needed)."""
    from dunletters.rendering import make_environment as environment

    return environment(registry)


class _PlainProgress:
    """Progress as log lines (when stderr is not a terminal): one per 512 accounts and at the end.

    Jobs finish 16 SMS or a print part of up to 100 letters at a time, so a line is
    printed whenever a multiple of 512 has been passed, not only when hit exactly.
    """

    EVERY = 512

    def __init__(self) -> None:
        self.printed = 0

    def __call__(self, done: int, total: int) -> None:
        if done == total or done // self.EVERY > self.printed // self.EVERY:
            self.printed = done
            print(f"dunletters: 已生成 {done}/{total}", file=sys.stderr, flush=True)


def plain_progress() -> Callable[[int, int], None]:
    """A progress reporter that writes log lines (see :class:`_PlainProgress`)."""
    return _PlainProgress()
