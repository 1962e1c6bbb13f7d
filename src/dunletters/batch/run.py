"""The batch run: input file → decisions → letters and SMS → lint → outputs, resumable.

Two stages run interleaved, then one at the end, each restartable from the journal:

1. **intake** (:mod:`~dunletters.batch.intake`; read by the driver, validated in the
   worker pool): each row is validated and decided (stage/tone or hold); the driver
   rejects duplicate ids and records rejects, holds and pending accounts in the
   journal, a block of rows per transaction, then allocates the block's 函号s
   (:func:`~dunletters.batch.intake.assign_numbers`). Rows already in the journal are
   skipped.
2. **produce** (this module; worker pool), as soon as a block is recorded: each
   pending account's SMS and letter are rendered and linted with the record. Letters
   go a print part at a time (the next :data:`PRINT_PART` of a stage): each is laid
   out once, written as its own PDF and, when delivered, into the part's print file.
   The driver writes each file atomically and then commits the rows that name it. A
   document with an error-severity finding is quarantined with its findings, never
   delivered. A run without letters has no 函号 to allocate before production: its
   accounts are produced in the job that validated them and recorded once, produced.
3. **finish** (:mod:`~dunletters.batch.finish`; workers read the journal a range of
   rows at a time, the driver writes): sms.csv, holds.csv, rejects.csv, manifest.jsonl
   and the summary, rebuilt from the journal in input order — the same bytes every time.

The per-account work is :mod:`dunletters.produce` (a job and the run's spec in, the
journal update and files out) — picklable, run by an :mod:`~dunletters.batch.executor`;
the driver owns the journal and every write. Outputs do not depend on the number of
workers or on where a run was interrupted.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from dunletters import __version__
from dunletters.batch.checks import (
    check_approvals,
    check_creditor,
    check_input_file,
    check_out,
    check_templates,
)
from dunletters.batch.executor import AHEAD, Executor, InProcess, ProcessPool
from dunletters.batch.files import (
    StoredFile,
    StoredPart,
    check_stored,
    print_path,
    stored,
    write_files,
)
from dunletters.batch.finish import approvals_json, finish_outputs
from dunletters.batch.intake import CHUNK, assign_numbers, check_input, chunks, intake, scan_input
from dunletters.batch.journal import Journal, LetterNumbers, dumps
from dunletters.batch.options import BatchOptions, BatchResult, numbers_file, prints, worker_out
from dunletters.batch.progress import ProgressTotal
from dunletters.batch.storage import (
    atomic_write,
    journal_error,
    lock_out,
    remove_stale_temps,
    sync_folder,
    unlock_fresh,
    write_error,
)
from dunletters.config import Settings
from dunletters.errors import InputError
from dunletters.produce import (
    Job,
    PartOutcome,
    PrintPart,
    RunSpec,
    produce_many,
    produce_part,
    run_context,
)
from dunletters.registry import Registry

__all__ = ["COMMIT_EVERY", "PRINT_PART", "Task", "make_executor", "run_batch", "run_spec"]

PRINT_PART = 100
"""Letters per print file: one file per stage up to this, then numbered parts. A worker
keeps a part's letters laid out until it writes the print file (~0.6 MiB each), so this
bounds its memory; 100 letters share their fonts well enough (~7 KiB a letter)."""
COMMIT_EVERY = 512
"""SMS accounts are committed to the journal 512 at a time (letters: a print part at a
time): a commit per 16-account chunk cost more than rendering an SMS. What was produced
but not yet committed when a run is killed is produced again on resume (its files are
rewritten identically). Counted, not timed, so a run's journal history is reproducible."""


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

        settings = prepare_ledger(settings, numbers_file(options))  # opened owner-only
    umask = os.umask(0o077)
    lock = None
    spec = run_spec(settings, options)
    pool = make_executor(spec, options)
    journal = numbers = None
    # A dry run writes only under dry-run/, and may run beside the real run.
    locked = options.out / "dry-run" if options.dry_run else options.out
    made = [folder for folder in (options.out, locked) if not folder.exists()]
    try:
        lock = lock_out(locked)
        say = status or (lambda text: None)
        if not letters:
            pool.start()  # the workers start while the templates are checked
        say("检查模板")
        registry = Registry.load(options.template_dirs)
        if isinstance(pool, InProcess):
            pool.registry = registry  # this process renders with it: not loaded twice
        check_templates(registry, settings, options)
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
        input_sha256, lines = scan_input(options.input)
        resumed = journal.bind(_identity(settings, options, registry, input_sha256))
        if letters:
            numbers = LetterNumbers(numbers_file(options))
        if resumed:
            remove_stale_temps(options.out)
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
        counts = finish_outputs(journal, settings, options, pool, approvals_json(registry))
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
            if journal is None and made:  # refused before the journal, in a new folder
                unlock_fresh(locked, made)  # while still holding the lock
            os.close(lock)  # after the workers are gone: forked ones share the lock
        os.umask(umask)
    executor = pool.describe()
    if worker_out(settings, options) is not None:
        executor += "，文件由工作进程写入"
    return BatchResult(counts=counts, out=options.out, resumed=resumed, executor=executor)


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
    then the rest of the input, a block at a time
    (:func:`~dunletters.batch.intake.intake`). Each chunk's results are stored in one
    transaction.
    """
    in_process = pool.local
    letters = "letter" in options.channels
    printing = prints(options)
    if numbers is not None and letters:
        unnumbered = journal.unnumbered()  # a run killed between intake and numbering
        if unnumbered:
            assign_numbers(journal, numbers, settings, options.as_of, unnumbered)
    expected = ProgressTotal(journal.pending_count(), journal.last_row(), lines)
    report(0, expected.total)  # the bar has its total before the first job is done
    parts = journal.print_part_counts()

    stored_in = worker_out(settings, options)

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
        blocks = intake(journal, settings, options, numbers, pool, None if letters else advance)
        # Letters go out a print part at a time: the next PRINT_PART letters of a stage in
        # input order (resumed accounts first, being earlier rows). Parts are stored in
        # the order they are made, so the parts of a stage a killed run committed are
        # always its first ones, and a resumed run makes the same remaining parts.
        grouped: dict[str, list[Job]] = {}
        for block in itertools.chain([resumed], blocks):
            if not letters:
                for chunk in chunks(block, CHUNK):
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
                wrote = write_files(options.out, files) or wrote
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
        remove_stale_temps(options.out)


def _store_part(
    journal: Journal,
    out: Path,
    part: PrintPart,
    printed: tuple[bytes | StoredFile | None, bytes | StoredFile | None],
    updates: list[tuple[Any, ...]],
    wrote: bool,
) -> None:
    """Write a part's print file, then commit it with its letters (one transaction).

    Written as ``print/{stage}-{number:03d}.pdf``; a stage with a single print file has
    it renamed to ``print/{stage}.pdf`` when the run finishes (:func:`~dunletters.batch.files.name_print_files`).
    A part whose letters were all quarantined (or a run without print files) is recorded
    without a file, so part numbers stay the same in every run of the batch. Beside it,
    ``print/{stage}-{number:03d}.csv`` lists its pages (account, 函号, postcode).
    """
    stage, number, _ = part
    data, pages = printed
    path = digest = None
    if isinstance(data, StoredFile):  # written and made durable by the worker: checked
        path, digest = data.path, data.sha256
        for file in (pages, data):
            if isinstance(file, StoredFile):
                check_stored(out, file)
    elif data is not None:
        path = print_path(part)
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
    or, with ``task.out``, only checks the files the worker wrote (:func:`~dunletters.batch.files.stored`).
    """
    ctx = run_context(task.spec)
    if task.part is not None:
        made = produce_part(task.jobs, ctx, task.part)
    else:
        made = PartOutcome(produce_many(task.jobs, ctx), None, None)
    return made if task.out is None else stored(Path(task.out), made)


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


def _identity(
    settings: Settings, options: BatchOptions, registry: Registry, input_sha256: str
) -> dict[str, str]:
    versions = dumps(sorted(f"{t.name}:{t.version}" for t in registry))
    return {
        "input_sha256": input_sha256,
        "as_of": options.as_of.isoformat(),
        "channels": ",".join(options.channels),
        # Options that change the outputs: a resume with others is refused (D-15).
        "print_files": "yes" if prints(options) else "no",
        "input_options": dumps({"encoding": options.encoding, "sheet": options.sheet}),
        "settings_sha256": hashlib.sha256(_settings_json(settings).encode()).hexdigest(),
        "templates_sha256": hashlib.sha256(versions.encode()).hexdigest(),
        "dunletters": __version__,
    }


def _settings_json(settings: Settings) -> str:
    """The settings that decide the outputs: who writes the files does not (a run may
    resume with or without ``worker_writes``)."""
    return settings.model_dump_json(exclude={"batch": {"worker_writes"}})


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
