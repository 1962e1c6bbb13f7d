"""The finishing pass: sms.csv, holds.csv, rejects.csv, manifest.jsonl and the summary,
rebuilt from the journal in input order — the same bytes every time.

The workers read the journal a range of rows at a time (:func:`finish_rows`); the
driver writes every file, in row order, and schedules the SMS.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from dunletters.batch import contacts
from dunletters.batch.executor import Executor
from dunletters.batch.files import name_print_files
from dunletters.batch.intake import input_notes
from dunletters.batch.journal import Journal
from dunletters.batch.options import BatchOptions, prints, worker_out
from dunletters.batch.storage import atomic_file, atomic_write
from dunletters.batch.summary import Tally, add_tally, new_tally, summarize, summary_html, tally
from dunletters.config import Settings
from dunletters.escalation import HoldReason
from dunletters.registry import Registry

__all__ = [
    "FINISH_ROWS",
    "FinishTask",
    "FinishedRange",
    "approvals_json",
    "csv_field",
    "execution",
    "finish_outputs",
    "finish_rows",
    "sms_schedule",
]

_PARTLY_HELD = frozenset({HoldReason.NO_ADDRESS, HoldReason.SHARED_MOBILE})
"""Hold reasons of a written account: its letter held, or its SMS."""


@contextmanager
def _csv_file(path: Path) -> Iterator[tuple[Any, Callable[[str], int]]]:
    """A CSV written row by row (atomically): UTF-8 with a BOM, so Excel opens it as UTF-8.

    Yields a ``csv.writer`` and the stream's ``write``, for lines already written as the
    writer would write them (see :func:`csv_field`).
    """
    with atomic_file(path) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        try:
            text.write("\ufeff")
            yield csv.writer(text, lineterminator="\n"), text.write
            text.flush()
        finally:
            text.detach()


def csv_field(column: str) -> str:
    """SQL for a column's text as :func:`_csv_file`'s writer writes it: quoted, quotes
    doubled, when it holds a comma, a quote or a line feed (the characters that make
    ``csv.writer`` quote with ``lineterminator="\\n"``; a test checks every one)."""
    value = f"coalesce({column}, '')"
    return (
        f"CASE WHEN instr({value}, ',') OR instr({value}, '\"') OR instr({value}, char(10))"
        f" THEN '\"' || replace({value}, '\"', '\"\"') || '\"' ELSE {value} END"
    )


def sms_schedule(
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
            # make csv quote; the SMS text is free text.
            "coalesce(account_id, '')",
            "coalesce(mobile, '')",
            csv_field("sms_text"),
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
escapes it, which a test checks over every code point), and :func:`csv_field` what
the csv writer would: C calls instead of a dict, a Python encoder pass and a
``writerow`` (figures in benchmarks/HISTORY.md)."""

FINISH_ROWS = 2_000
"""Input rows per finishing job (:func:`finish_rows`): its lines, ~1.5 MB, travel whole."""


class FinishTask(NamedTuple):
    """A range of the journal's rows for :func:`finish_rows` to read."""

    journal: str
    """The journal's absolute path."""
    as_of: str
    first: int
    end: int
    approvals: str
    """Each template version's approval (:func:`approvals_json`)."""


class FinishedRange(NamedTuple):
    """What the outputs say of a range of rows (:func:`finish_rows`)."""

    manifest: bytes
    """Its manifest.jsonl lines."""
    holds: list[tuple[int, str, str]]
    """Its holds.csv rows: row, account id, hold reason."""
    texts: list[tuple[str, str]]
    """Its sms.csv lines less their send times, with each one's mobile (for
    :func:`sms_schedule`)."""
    tally: Tally
    """Its part of the summary's counts."""


def finish_rows(task: FinishTask) -> FinishedRange:
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
    manifest = "\n".join(lines).encode() if len(lines) > 1 else b""
    return FinishedRange(manifest, holds, texts, counted)


def finish_outputs(
    journal: Journal, settings: Settings, options: BatchOptions, pool: Executor, approvals: str
) -> dict[str, int]:
    """Write the run's outputs from the journal (sms.csv, holds, rejects, manifest,
    summary); the counts for the closing line."""
    out = options.out
    # One mobile under different names (D-16): decided once the whole input is recorded.
    shared = contacts.settle_shared(
        journal,
        settings.sms.shared_mobile,
        texting="sms" in options.channels,
        lettering="letter" in options.channels,
    )
    when = sms_schedule(settings, options.as_of, journal.repeated_mobiles())
    # Written a range of rows at a time as the workers read the journal: memory stays
    # flat for any batch size, and the files are in row order (pool.map keeps it).
    target = out / "dry-run" if options.dry_run else out
    path, as_of = os.path.abspath(journal.path), options.as_of.isoformat()
    ranges = range(0, journal.last_row() + 1, FINISH_ROWS)
    tasks = (FinishTask(path, as_of, first, first + FINISH_ROWS, approvals) for first in ranges)
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
            pool.map(finish_rows, tasks, ahead=2) if pool.same_machine else map(finish_rows, tasks)
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

        schedule = sms_schedule(settings, options.as_of, journal.repeated_mobiles())
        record_run(
            settings, journal.path, journal.run_id, options.as_of, options.channels, schedule
        )
    with _csv_file(target / "rejects.csv") as (rejects, _):
        rejects.writerow(["row", "field", "reason"])
        rejects.writerows([r["row"], r["field"], r["reason"]] for r in journal.rejects())
    if prints(options):
        name_print_files(journal, out)
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
        "worker_writes": worker_out(settings, options) is not None,
    }


def approvals_json(registry: Registry) -> str:
    """Each template version's approval, for the manifest (``{version: approval}``)."""
    return json.dumps(
        {t.version: t.approval.to_json() for t in registry if t.approval is not None},
        ensure_ascii=False,
    )
