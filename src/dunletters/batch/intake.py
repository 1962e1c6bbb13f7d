"""Intake: the input read, each row validated and decided, a block at a time recorded.

The driver reads the rows and sends them in chunks to the workers (:func:`validate`),
which parse, check and decide each one; back in the driver, duplicate ids are
rejected, the block is recorded in one transaction, and its pending accounts are
given their 函号s (:func:`assign_numbers`) and handed on to production. A run without
letters produces each account in the job that validated it
(:func:`validate_and_produce`) and records it once, produced.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

from dunletters.batch import contacts
from dunletters.batch.contacts import contact_keys
from dunletters.batch.executor import Executor
from dunletters.batch.files import stored, write_files
from dunletters.batch.journal import FINISH_COLUMNS, Journal, LetterNumbers
from dunletters.batch.options import BatchOptions, worker_out
from dunletters.batch.readers import HeaderMap, Row, open_records
from dunletters.batch.storage import sync_folder
from dunletters.columns import label
from dunletters.config import Settings
from dunletters.errors import InputError, RecordError
from dunletters.escalation import Decision, Hold, decide
from dunletters.history import HistoryFacts
from dunletters.models import Account, parse_account
from dunletters.produce import Job, Outcome, PartOutcome, produce_many, worker_context

__all__ = [
    "CHUNK",
    "INGEST_BLOCK",
    "IntakeTask",
    "Rejected",
    "Validated",
    "assign_numbers",
    "check_input",
    "chunks",
    "input_notes",
    "intake",
    "open_input",
    "scan_input",
    "unused_policy_columns",
    "validate",
    "validate_and_produce",
]

CHUNK = 64
"""Accounts per job sent to a worker (SMS, and rows to validate): each job costs the pool
~0.1–0.3 ms of pickling and bookkeeping, 16 per job doubled an SMS's CPU time with workers."""
INGEST_BLOCK = 500
"""Input rows recorded per intake transaction (then the block's 函号s are allocated)."""

_DUPLICATE = "账号重复：同一账号只处理第一次出现的行"
_SMS_TEXT = FINISH_COLUMNS.index("sms_text")
_NOTES_KEY = "input_notes"

RawRow = tuple[int, dict[str, str], tuple[str, str] | None]
"""An input row as it travels to a worker: its number, its cells, why it is unreadable."""


class IntakeTask(NamedTuple):
    """A chunk of input rows for :func:`validate` or :func:`validate_and_produce`."""

    rows: list[RawRow]
    as_of: str
    keep_objects: bool
    """Keep each :class:`~dunletters.models.Account` (the job stays in this process)."""
    contact_key: bytes
    out: str | None = None
    """``--worker-writes``: the folder :func:`validate_and_produce` writes the files to."""


class Rejected(NamedTuple):
    """An input row refused (a line of rejects.csv): its row, the fields and why."""

    row: int
    field: str
    reason: str


class Validated(NamedTuple):
    """A valid input row; from ``row`` to ``total_due`` the first six
    :data:`~dunletters.batch.journal.INTAKE_COLUMNS`."""

    row: int
    account_id: str
    record_hash: str
    record_json: str
    mobile: str
    total_due: str
    verdict: str | tuple[str, str, str]
    """The hold reason, or ``(stage, tone, tone rule)``: plain strings, as every account's
    crosses between processes (a tuple of strings pickles far faster than a ``Decision``;
    production rebuilds the decision from the stage rule)."""
    account: Account | None
    """Only within one process (see :class:`~dunletters.produce.Job`)."""
    produced: Outcome | None
    """Only in a run without letters (:func:`validate_and_produce`)."""
    contact: tuple[bytes, bytes]
    """Keyed (mobile, name) hashes (:func:`~dunletters.batch.contacts.contact_keys`)."""

    def sent_back(self, produced: Outcome | None) -> Validated:
        """This row as a job returns it to the driver: produced, without its account object."""
        return Validated(
            self.row,
            self.account_id,
            self.record_hash,
            self.record_json,
            self.mobile,
            self.total_due,
            self.verdict,
            None,
            produced,
            self.contact,
        )


Checked = Rejected | Validated
"""What validation made of an input row."""


def validate(task: IntakeTask) -> list[Checked]:
    """Validate and decide a chunk of input rows (in a worker: the driver only reads and records).

    Pure apart from the per-process settings; the driver still finds duplicate ids
    and allocates 函号s, in input order.
    """
    return _validate_rows(task)[0]


def _validate_rows(task: IntakeTask) -> tuple[list[Checked], dict[int, HistoryFacts]]:
    """:func:`validate`, plus the ledger's facts of earlier contact read with the caps
    (by outcome index), which a run without letters renders with at once."""
    as_of = date.fromisoformat(task.as_of)
    keep_objects, contact_key = task.keep_objects, task.contact_key
    context = worker_context()
    settings, name_check = context.settings, context.name_check
    policy, tolerance = settings.policy, settings.batch.days_tolerance
    outcomes: list[Checked] = []
    ledger_on = settings.ledger.enabled
    decided: list[tuple[int, Account, Decision]] = []
    for number, cells, problem in task.rows:
        if problem is not None:
            name, reason = problem
            shown = label(name)
            outcomes.append(
                Rejected(number, name, f"{shown}：{reason}" if shown != name else reason)
            )
            continue
        try:
            account = parse_account(cells, as_of=as_of, row=number, days_tolerance=tolerance)
        except RecordError as error:
            fields = "、".join(name for name, _ in error.problems)
            reasons = "；".join(f"{label(name)}：{reason}" for name, reason in error.problems)
            outcomes.append(Rejected(number, fields, reasons))
            continue
        unprintable = name_check(account.name) if name_check else None
        if unprintable:
            outcomes.append(Rejected(number, "name", f"{label('name')}：{unprintable}"))
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
            Validated(
                number,
                account.account_id,
                hashlib.sha256(record_json.encode()).hexdigest(),
                record_json,
                account.mobile,
                str(account.total_due),
                verdict,
                account if keep_objects else None,
                None,
                contact_keys(contact_key, account.name, account.mobile),
            )
        )
    facts: dict[int, HistoryFacts] = {}
    if decided:  # the contact ledger's caps and sequence: one query for the chunk
        from dunletters.ledger.hook import hold_decided  # SQLAlchemy only with a ledger

        held = hold_decided(
            [(account, decision) for _, account, decision in decided],
            settings,
            as_of,
            context.channels,
        )
        for (index, _, _), (hold, known) in zip(decided, held, strict=True):
            if hold is not None:
                outcome = outcomes[index]
                assert isinstance(outcome, Validated)
                outcomes[index] = outcome._replace(verdict=str(hold.reason))
            elif known is not None:
                facts[index] = known
    return outcomes, facts


def validate_and_produce(task: IntakeTask) -> list[Checked]:
    """Validate, decide and produce a chunk of rows in one job: a run without letters.

    Without letters there is no 函号 to allocate in input order before production, so
    an account need not be recorded as pending first: its SMS is rendered and linted
    in the job that validated it, and the driver records it once, produced. That
    saves each account a journal update and, with workers, a second trip through
    the pool. A duplicate id is still rejected by the driver, its SMS discarded.
    With an output folder (``--worker-writes``) the files (quarantined documents) are
    written here (:func:`~dunletters.batch.files.stored`).
    """
    outcomes, facts = _validate_rows(task._replace(keep_objects=True))
    decided = [
        (index, outcome, outcome.verdict)
        for index, outcome in enumerate(outcomes)
        if isinstance(outcome, Validated) and not isinstance(outcome.verdict, str)
    ]
    jobs = [
        Job(
            outcome.row,
            outcome.account_id,
            stage,
            tone,
            None,
            outcome.record_json,
            outcome.record_hash,
            outcome.account,
            facts.get(index),
        )
        for index, outcome, (stage, tone, _) in decided
    ]
    made = produce_many(jobs, worker_context())
    produced: Iterator[Any] = iter(made)
    if task.out is not None:
        produced = iter(stored(Path(task.out), PartOutcome(made, None, None)).outcomes)
    return [
        outcome.sent_back(None if isinstance(outcome.verdict, str) else next(produced))
        if isinstance(outcome, Validated)
        else outcome
        for outcome in outcomes
    ]


def intake(
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
    validation job (:func:`validate_and_produce`) and recorded once, done: the
    blocks are then empty and ``produced`` is told how many accounts each stored.
    Rows are validated in the worker pool (:func:`validate`); the driver reads,
    rejects duplicate ids and records. Neither the rows nor the ids seen are kept
    (memory is flat for any file size): rows are recorded in input order, so a
    resumed run starts after the last one, and ids are looked up, without case, in
    the journal's index (:meth:`Journal.known_ids`). The header is checked before (see
    :func:`check_input`); what the reader notices is kept for the summary.
    """
    header_map, rows = open_input(settings, options)
    contact_key = contacts.prepare(journal)
    done = journal.last_row()
    rejects: list[Rejected] = []
    accounts: list[Validated] = []

    def flush() -> list[Job]:
        items, stored = _record_block(journal, settings, options, numbers, rejects, accounts)
        rejects.clear()
        accounts.clear()
        if produced is not None:
            produced(stored)
        return items

    fresh = ((row.number, row.cells, row.problem) for row in rows if row.number > done)
    as_of, stored_in = options.as_of.isoformat(), worker_out(settings, options)
    if produced is None:
        keep = pool.local
        tasks = (IntakeTask(chunk, as_of, keep, contact_key) for chunk in chunks(fresh, CHUNK))
        outcomes_of = pool.map(validate, tasks)
    else:
        tasks = (
            IntakeTask(chunk, as_of, True, contact_key, stored_in) for chunk in chunks(fresh, CHUNK)
        )
        outcomes_of = pool.map(validate_and_produce, tasks)
    ids: set[str] = set()
    for outcomes in outcomes_of:
        for outcome in outcomes:
            if isinstance(outcome, Rejected):
                rejects.append(outcome)
            elif (key := outcome.account_id.lower()) in ids:
                rejects.append(Rejected(outcome.row, "account_id", _DUPLICATE))
            else:
                ids.add(key)
                accounts.append(outcome)
        if len(rejects) + len(accounts) >= INGEST_BLOCK:
            ids.clear()
            yield flush()
    if rejects or accounts:
        yield flush()
    _store_notes(journal, header_map)


def _record_block(
    journal: Journal,
    settings: Settings,
    options: BatchOptions,
    numbers: LetterNumbers | None,
    rejects: list[Rejected],
    accounts: list[Validated],
) -> tuple[list[Job], int]:
    """Record a block of rows in one transaction, then number its pending letters.

    Returns the pending accounts to produce (with their 函号s), and how many accounts
    were recorded already produced (a run without letters).
    """
    letters, as_of = "letter" in options.channels, options.as_of
    taken = journal.known_ids([entry.account_id for entry in accounts])
    kept = []
    for entry in accounts:
        if entry.account_id in taken:
            rejects.append(Rejected(entry.row, "account_id", _DUPLICATE))
        else:
            kept.append(entry)
    pending = sum(not isinstance(entry.verdict, str) for entry in kept)
    letter_numbers: list[str | None] = [None] * pending
    if letters and pending and numbers is None:  # a dry run: 函号 0, none reserved
        form = settings.letters.number_format
        letter_numbers = [form.format(year=as_of.year, seq=0)] * pending
    items: list[Job] = []
    records: list[tuple[Any, ...]] = []
    contact_rows: list[tuple[int, bytes, bytes]] = []  # every kept account (D-16)
    produced_rows: list[tuple[Any, ...]] = []  # produced with their validation
    wrote = False  # files they name (quarantined documents): synced before the commit
    numbered = iter(letter_numbers)
    for entry in kept:
        row, account_id, record_hash = entry.row, entry.account_id, entry.record_hash
        verdict = entry.verdict
        contact_rows.append((row, *entry.contact))
        if isinstance(verdict, str):  # held: neither its record nor its mobile is kept
            records.append((row, account_id, record_hash, None, None, entry.total_due, "held",
                            verdict, None, None, None, None))  # fmt: skip
            continue
        stage, tone, chosen_by = verdict
        if entry.produced is not None:
            update, files = entry.produced
            wrote = write_files(options.out, files) or wrote
            # Recorded produced: its record is not kept, its mobile only for sms.csv.
            # ``update`` is FINISH_COLUMNS then the row (:class:`~dunletters.produce.Outcome`).
            sent = update[0] == "written" and bool(update[_SMS_TEXT])
            mobile = entry.mobile if sent else None
            produced_rows.append(
                (row, account_id, record_hash, None, mobile, entry.total_due,
                 stage, tone, None, chosen_by, *update[:-1])
            )  # fmt: skip  # less its row
            continue
        number = next(numbered)
        records.append((row, account_id, record_hash, entry.record_json, entry.mobile,
                        entry.total_due, "pending", None, stage, tone, number,
                        chosen_by))  # fmt: skip
        items.append(Job(row, account_id, stage, tone, number, entry.record_json, record_hash,
                         entry.account))  # fmt: skip
    if wrote:
        sync_folder(options.out)
    with journal.transaction():
        journal.add_rejects(rejects)
        journal.add_accounts(records)
        journal.add_produced(produced_rows)
        contacts.record(journal, contact_rows)
    if letters and items and numbers is not None:
        # 函号s only once the block is recorded (D-12): a failed commit reserves none.
        issued = assign_numbers(journal, numbers, settings, as_of, [i.row for i in items])
        items = [
            item._replace(letter_number=number) for item, number in zip(items, issued, strict=True)
        ]
    return items, len(produced_rows)


def open_input(settings: Settings, options: BatchOptions) -> tuple[HeaderMap, Iterator[Row]]:
    """The batch's input, every header accounted for (an unknown one is an InputError)."""
    header_map, rows = open_records(
        options.input,
        encoding=options.encoding,
        sheet=options.sheet,
        aliases=settings.batch.columns,
        ignore=(*settings.batch.ignore_columns, *options.ignore_columns),
        header_row=options.header_row,
    )
    header_map.notes.extend(unused_policy_columns(settings, header_map))
    return header_map, rows


def unused_policy_columns(settings: Settings, header_map: HeaderMap) -> list[str]:
    """A 语气 or 客群 column that no tone rule reads: said, since it changes no account."""
    rules = settings.policy.tone_rules
    unused = {
        "tone": not any(rule.requested for rule in rules),
        "segment": not any(rule.segments for rule in rules),
    }
    return [
        f"输入的「{header_map.titles.get(column, column)}」列没有语气规则读取"
        f"（[[policy.tone_rules]] 的 {'requested' if column == 'tone' else 'segments'}），"
        "不改变任何账户的语气"
        for column, idle in unused.items()
        if idle and column in header_map.columns
    ]


def check_input(settings: Settings, options: BatchOptions) -> list[str]:
    """Map the input's header before anything is created: its notes, or an InputError.

    Reads the header and no row (XLSX: the archive is checked, nothing inflated).
    """
    header_map, rows = open_input(settings, options)
    next(rows, None)  # started, so that closing it closes the file (a generator's finally)
    rows.close()  # type: ignore[attr-defined]
    return list(header_map.notes)


def scan_input(path: Path) -> tuple[str, int]:
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


def _store_notes(journal: Journal, header_map: HeaderMap) -> None:
    """What the reader noticed (no flag columns, title and 合计 rows, sheets), for the summary."""
    with journal.transaction():
        journal.db.execute(
            "INSERT OR REPLACE INTO run VALUES (?, ?)",
            (_NOTES_KEY, json.dumps(header_map.notes, ensure_ascii=False)),
        )


def input_notes(journal: Journal) -> list[str]:
    """The notes :func:`intake` kept (none before intake finished)."""
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


def chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``rows`` in lists of ``size`` (the last one shorter)."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk
