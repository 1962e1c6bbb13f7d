"""The batch journal: an embedded SQLite database that makes a run resumable and auditable.

Every account of the input gets one row — its state (``pending``, ``written``,
``held``, ``rejected``, ``quarantined``), its decision, its 函号, the template ids
and versions, and every output's path and SHA-256 — so that:

* a run killed at any moment (Ctrl-C, ``kill -9``, power loss) is finished by
  running the same command again: rows already decided are not decided again,
  documents already written are not written again, and no 函号 is allocated twice;
* a finished run re-run changes nothing;
* the journal *is* the audit trail of what was generated, from which record, with
  which template version, on which as-of date.

SQLite in WAL mode with ``synchronous=NORMAL``: a committed transaction survives the
process being killed; an uncommitted one vanishes whole; a power cut can take back
the last commits, which a resumed run then redoes. Output files are written
atomically (temp file + rename, made durable together by one ``syncfs``) *before*
the row that names them is committed, so a committed ``written`` row always has its
file. 函号s are reserved in their own database with ``synchronous=FULL``: none is
reused, whatever happens. A write that fails (disk full, a file-size limit, a
read-only disk) rolls its transaction back and stops the run with
:class:`~dunletters.batch.storage.OutputError`; what was committed stays. 函号s are
reserved for a block of accounts only once the block is recorded, and with a key (the
run's id and the block's first row): a run killed between the reservation and the
numbering gets the same numbers when it is run again.

Personal data: an account's full record is kept only while it is pending — what a
resumed run needs to produce it exactly; once produced, only its SHA-256 stays, and
its mobile only where ``sms.csv`` lists it. The files are owner-only.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from dunletters.batch.storage import journal_error
from dunletters.errors import InputError

__all__ = ["FINISH_COLUMNS", "INTAKE_COLUMNS", "PRODUCED_COLUMNS", "Journal", "LetterNumbers"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS run (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    row INTEGER PRIMARY KEY,
    account_id TEXT UNIQUE,
    state TEXT NOT NULL,
    reason TEXT,
    stage TEXT,
    tone TEXT,
    letter_number TEXT,
    record_hash TEXT,
    record_json TEXT,
    letter_template TEXT,
    letter_version TEXT,
    letter_path TEXT,
    letter_sha256 TEXT,
    letter_bytes INTEGER,
    sms_template TEXT,
    sms_version TEXT,
    sms_text TEXT,
    sms_segments INTEGER,
    mobile TEXT,
    total_due TEXT,
    findings TEXT,
    tone_rule TEXT,
    finding_details TEXT
);
CREATE TABLE IF NOT EXISTS rejects (row INTEGER PRIMARY KEY, field TEXT NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS print_parts (
    stage TEXT NOT NULL,
    number INTEGER NOT NULL,
    path TEXT,
    sha256 TEXT,
    PRIMARY KEY (stage, number)
);
"""


INTAKE_COLUMNS = (
    "row",
    "account_id",
    "record_hash",
    "record_json",
    "mobile",
    "total_due",
    "state",
    "reason",
    "stage",
    "tone",
    "letter_number",
    "tone_rule",
)
"""What intake records for each decided or held account (:meth:`Journal.add_accounts`)."""

PRODUCED_COLUMNS = (
    "letter_template",
    "letter_version",
    "sms_template",
    "sms_version",
    "sms_text",
    "sms_segments",
)
"""The produced documents' facts as the workers report them (same names in the result)."""

FINISH_COLUMNS = (
    "state",
    "reason",
    *PRODUCED_COLUMNS,
    "findings",
    "letter_path",
    "letter_sha256",
    "letter_bytes",
    "finding_details",
)
"""What production records for each account (:meth:`Journal.finish`), then the row."""

_INSERT_INTAKE = (
    f"INSERT INTO accounts ({', '.join(INTAKE_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(INTAKE_COLUMNS))})"
)
_UPDATE_FINISH = (
    "UPDATE accounts SET "
    + ", ".join(f"{c} = ?{i}" for i, c in enumerate(FINISH_COLUMNS, 1))
    # Once produced, the record is no longer needed (resume reads pending rows only):
    # only its hash stays, and the mobile only where sms.csv names it (issue 15, item 6).
    + ", record_json = NULL, mobile = CASE WHEN ?1 = 'written' AND coalesce(?"
    + str(FINISH_COLUMNS.index("sms_text") + 1)
    + ", '') != '' THEN mobile END"
    + f" WHERE row = ?{len(FINISH_COLUMNS) + 1}"
)
_PRODUCED_COLUMNS = (
    *INTAKE_COLUMNS[:6],
    "stage",
    "tone",
    "letter_number",
    "tone_rule",
    *FINISH_COLUMNS,
)
_INSERT_PRODUCED = (
    f"INSERT INTO accounts ({', '.join(_PRODUCED_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(_PRODUCED_COLUMNS))})"
)
_IDENTITY_NAMES = {
    "input_sha256": "输入文件内容",
    "input_options": "输入选项（--encoding、--sheet）",
    "as_of": "基准日（--as-of）",
    "channels": "渠道（--channels）",
    "print_files": "印刷合并文件（--no-print）",
    "settings_sha256": "配置",
    "templates_sha256": "模板",
    "dunletters": "dunletters 版本",
}
"""The run identity's keys as a user knows them (the message names what changed)."""

PRIVATE_FILE = 0o600
"""Journal files hold personal data: owner-only, whatever the umask (D-06)."""

_MAX_PARAMETERS = 999
"""Bound parameters per statement in SQLite builds before 3.32 (newer allow 32,766)."""


def _add_missing_columns(db: sqlite3.Connection) -> None:
    """A journal an earlier version made gets the columns added since (resumable still)."""
    present = {row[1] for row in db.execute("PRAGMA table_info(accounts)")}
    for column in ("tone_rule", "finding_details"):
        if column not in present:
            db.execute(f"ALTER TABLE accounts ADD COLUMN {column} TEXT")


class Journal:
    """The run's SQLite journal (``DIR/journal.sqlite``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
            # 16 KiB pages (a new journal's; an existing one keeps its own): an account's
            # row grows from ~0.6 to ~1.2 KiB when its documents are recorded, and on
            # 4 KiB pages those growing rows split pages and fill the WAL with them:
            # ~20 % less CPU for the journal's writes (measured on 20,000 rows).
            self.db.execute("PRAGMA page_size=16384")
            self.db.execute("PRAGMA journal_mode=WAL")
            # WAL with synchronous=NORMAL: a commit survives the process being killed
            # (kill -9 included) and the file is never corrupt; only a power cut or an
            # OS crash can take back the last commits, and a resumed run then simply
            # produces those accounts again (same files; 函号s come from LetterNumbers,
            # which stays FULL, so none is reused). FULL fsynced every commit: ~4 ms
            # each, 0.3–0.4 s of a 10,000-account SMS run's ~4 s.
            self.db.execute("PRAGMA synchronous=NORMAL")
            # A produced row's record is cleared (see _UPDATE_FINISH): overwrite the freed
            # bytes in its page too, where that costs no extra I/O.
            self.db.execute("PRAGMA secure_delete=FAST")
            self.db.executescript(SCHEMA)
            _add_missing_columns(self.db)
            _owner_only(path)
        except sqlite3.OperationalError as error:
            raise journal_error(path, error) from None
        except sqlite3.DatabaseError as error:
            raise InputError(f"批处理日志 {path} 无法打开：{error}") from None
        self.db.row_factory = sqlite3.Row
        self._nocase_index = False

    def close(self) -> None:
        """Close the database (everything committed stays)."""
        self.db.close()

    def compact(self) -> None:
        """Fold the write-ahead log into the journal and empty it (a finished run's
        cleared records then survive in neither file)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- run identity ------------------------------------------------------------------

    def run_value(self, key: str) -> str | None:
        """A stored fact about the run (input hash, as-of date, …)."""
        found = self.db.execute("SELECT value FROM run WHERE key = ?", (key,)).fetchone()
        return None if found is None else str(found[0])

    def bind(self, identity: dict[str, str]) -> bool:
        """Record the run's identity, or check it matches; True when resuming.

        A journal belongs to one batch: the same input file, as-of date, channels,
        settings and template versions. Anything else would mix two batches in one
        audit trail, so it is refused — unless the journal recorded no row yet (a run
        that failed before its first account, e.g. on a missing column): then it is
        simply taken over by the corrected run (new-user friction 3).
        """
        stored = {row[0]: row[1] for row in self.db.execute("SELECT key, value FROM run")}
        differs = sorted(key for key in identity if stored.get(key) != identity[key])
        if stored and differs and self.last_row() > 0:
            if any(key not in stored for key in differs):  # written by an earlier version
                differs = sorted({*[k for k in differs if k in stored], "dunletters"})
            names = "、".join(_IDENTITY_NAMES.get(key, key) for key in differs)
            raise InputError(
                f"输出目录中的批处理日志属于另一批次（{names}不同），其中已有记录，不能混入本批次："
                "请换一个 --out 目录，或恢复原来的输入与选项后续跑"
            )
        if not stored or differs:
            run_id = stored.get("run_id") or uuid.uuid4().hex
            with self.transaction():
                self.db.execute("DELETE FROM run")
                self.db.executemany(
                    "INSERT INTO run VALUES (?, ?)",
                    sorted({**identity, "run_id": run_id}.items()),
                )
            return False
        return True

    @property
    def run_id(self) -> str:
        """A random id of this batch, fixed when its journal is first bound (函号 blocks)."""
        return self.run_value("run_id") or ""

    # -- rows --------------------------------------------------------------------------------

    def transaction(self) -> _Transaction:
        """``with journal.transaction():`` — all or nothing."""
        return _Transaction(self.db)

    def last_row(self) -> int:
        """The last input row recorded (0 for none).

        Intake records rows in input order, a block per transaction, so every row up to
        this one is known: a resumed intake starts after it, without a set of every row.
        """
        found = self.db.execute(
            "SELECT MAX(last) FROM (SELECT MAX(row) AS last FROM accounts"
            " UNION ALL SELECT MAX(row) FROM rejects)"
        ).fetchone()
        return int(found[0] or 0)

    def known_ids(self, account_ids: list[str]) -> set[str]:
        """Which of these account ids are already recorded, compared without case.

        ``a1.pdf`` and ``A1.pdf`` are one file on a case-insensitive disk (macOS, an SMB
        share), so ids differing only in case are duplicates (D-28). Ids are ASCII, which
        SQLite's NOCASE compares; its index keeps this one query per intake block.
        """
        if not self._nocase_index:  # made at the first intake block, once per journal
            self.db.execute(
                "CREATE INDEX IF NOT EXISTS accounts_id_nocase"
                " ON accounts (account_id COLLATE NOCASE)"
            )
            self._nocase_index = True
        found: set[str] = set()
        for start in range(0, len(account_ids), _MAX_PARAMETERS):
            part = account_ids[start : start + _MAX_PARAMETERS]
            marks = ", ".join("?" * len(part))
            query = (
                "SELECT lower(account_id) FROM accounts"
                f" WHERE account_id COLLATE NOCASE IN ({marks})"
            )
            found.update(str(r[0]) for r in self.db.execute(query, part))
        return {account_id for account_id in account_ids if account_id.lower() in found}

    def add_rejects(self, rejects: Sequence[tuple[int, str, str]]) -> None:
        """Rows that could not be used: (row, field, reason); a reason never holds the value."""
        self.db.executemany("INSERT OR REPLACE INTO rejects VALUES (?, ?, ?)", rejects)

    def add_accounts(self, records: list[tuple[Any, ...]]) -> None:
        """Decided (pending) or held accounts, as tuples in :data:`INTAKE_COLUMNS` order."""
        self.db.executemany(_INSERT_INTAKE, records)

    def add_produced(self, records: list[tuple[Any, ...]]) -> None:
        """Accounts recorded once, produced (a run without letters): the first six
        :data:`INTAKE_COLUMNS`, stage, tone, 函号, tone rule, then :data:`FINISH_COLUMNS`."""
        self.db.executemany(_INSERT_PRODUCED, records)

    def finish(self, updates: list[tuple[Any, ...]]) -> None:
        """Produced accounts' outcomes, as tuples in :data:`FINISH_COLUMNS` order + row."""
        self.db.executemany(_UPDATE_FINISH, updates)

    def set_numbers(self, numbered: list[tuple[str, int]]) -> None:
        """Pending accounts' 函号s, as (函号, row) pairs."""
        self.db.executemany("UPDATE accounts SET letter_number = ? WHERE row = ?", numbered)

    def unnumbered(self) -> list[int]:
        """Pending rows without a 函号 yet (recorded, then the run stopped), in order."""
        return [
            int(r[0])
            for r in self.db.execute(
                "SELECT row FROM accounts WHERE state = 'pending' AND letter_number IS NULL"
                " ORDER BY row"
            )
        ]

    def pending_count(self) -> int:
        """How many accounts are decided but not yet produced."""
        found = self.db.execute("SELECT COUNT(*) FROM accounts WHERE state = 'pending'")
        return int(found.fetchone()[0])

    def iter_pending(self, page: int = 1024) -> Iterator[sqlite3.Row]:
        """Pending accounts in input order, read a page at a time (memory stays flat).

        Pages are read by row number, not through one open cursor, so the driver can
        commit results between pages; a row stored meanwhile is behind the page mark.
        """
        last = 0
        while True:
            rows = self.db.execute(
                "SELECT * FROM accounts WHERE state = 'pending' AND row > ? ORDER BY row LIMIT ?",
                (last, page),
            ).fetchall()
            if not rows:
                return
            yield from rows
            last = int(rows[-1]["row"])

    def repeated_mobiles(self) -> set[str]:
        """Mobiles that get more than one SMS in this batch (the send schedule spreads them)."""
        return {
            str(r[0])
            for r in self.db.execute(
                "SELECT mobile FROM accounts WHERE state = 'written' AND sms_text IS NOT NULL"
                " AND sms_text != '' GROUP BY mobile HAVING COUNT(*) > 1"
            )
        }

    def select(self, query: str, parameters: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        """A read-only query's rows as plain tuples (the outputs and summary read this way).

        Naming the columns a step needs, instead of ``SELECT *`` into ``sqlite3.Row``,
        keeps the records' JSON (most of a row's bytes) out of steps that never read it.
        """
        cursor = self.db.cursor()
        cursor.row_factory = None
        return iter(cursor.execute(query, parameters))

    def print_part_counts(self) -> dict[str, int]:
        """Print parts made so far, by stage (letters are produced a part at a time)."""
        return {
            str(r[0]): int(r[1])
            for r in self.db.execute("SELECT stage, COUNT(*) FROM print_parts GROUP BY stage")
        }

    def add_print_part(self, stage: str, number: int, path: str | None, sha256: str | None) -> None:
        """A produced part: its print file (None when none of its letters was delivered)."""
        self.db.execute(
            "INSERT OR REPLACE INTO print_parts VALUES (?, ?, ?, ?)", (stage, number, path, sha256)
        )

    def single_print_files(self) -> list[tuple[str, int, str]]:
        """(stage, part, path) of the stages that have exactly one print file."""
        return [
            (str(r[0]), int(r[1]), str(r[2]))
            for r in self.db.execute(
                "SELECT stage, MIN(number), MIN(path) FROM print_parts WHERE path IS NOT NULL"
                " GROUP BY stage HAVING COUNT(*) = 1 ORDER BY stage"
            )
        ]

    def set_print_path(self, stage: str, number: int, path: str) -> None:
        """Record a print file's final name."""
        self.db.execute(
            "UPDATE print_parts SET path = ? WHERE stage = ? AND number = ?", (path, stage, number)
        )

    def rejects(self) -> Iterator[sqlite3.Row]:
        """Rejected rows, in input order."""
        return iter(self.db.execute("SELECT * FROM rejects ORDER BY row"))

    def counts(self) -> dict[str, int]:
        """Accounts by state, plus rejects."""
        counts = {
            str(r[0]): int(r[1])
            for r in self.db.execute("SELECT state, COUNT(*) FROM accounts GROUP BY state")
        }
        counts["rejected"] = int(self.db.execute("SELECT COUNT(*) FROM rejects").fetchone()[0])
        return counts


def _owner_only(path: Path) -> None:
    """Make a SQLite file and its -wal/-shm owner-only (a journal made by an older
    version, or under a umask that let others read it)."""
    for suffix in ("", "-wal", "-shm"):
        with suppress(OSError):  # absent, or not ours to change: the writes will say
            os.chmod(f"{path}{suffix}", PRIVATE_FILE)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error:
                self._rollback()  # a failed COMMIT may leave the transaction open
                raise
        else:
            self._rollback()

    def _rollback(self) -> None:
        # After an I/O error SQLite may already have rolled back; a second ROLLBACK
        # would raise and hide the error that matters.
        if self.db.in_transaction:
            with suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")


class LetterNumbers:
    """函号 sequences per creditor and year, shared by every run that uses the file.

    Numbers are reserved in blocks inside an IMMEDIATE transaction, so two runs at
    once never get the same number; a run killed mid-block leaves a gap, never a
    duplicate (a 函号 is never reused).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = sqlite3.connect(path, isolation_level=None, timeout=60)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS sequences (creditor TEXT, year INTEGER,"
                " last INTEGER NOT NULL, PRIMARY KEY (creditor, year))"
            )
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS blocks (key TEXT PRIMARY KEY, creditor TEXT,"
                " year INTEGER, first INTEGER NOT NULL, count INTEGER NOT NULL)"
            )
            _owner_only(path)
        except sqlite3.OperationalError as error:
            raise journal_error(path, error) from None

    def reserve(self, creditor: str, year: int, count: int, key: str | None = None) -> range:
        """The next ``count`` sequence numbers for a creditor and year.

        ``key`` names the block (the run's id and its first row): asked again with the
        same key, creditor, year and count — a run resumed after it was killed before
        recording the numbers — it gets the same numbers, so no 函号 is skipped or
        shifted (D-12).
        """
        try:
            with _Transaction(self.db):
                if key is not None:
                    found = self.db.execute(
                        "SELECT first FROM blocks WHERE key = ? AND creditor = ? AND year = ?"
                        " AND count = ?",
                        (key, creditor, year, count),
                    ).fetchone()
                    if found is not None:
                        return range(int(found[0]), int(found[0]) + count)
                found = self.db.execute(
                    "SELECT last FROM sequences WHERE creditor = ? AND year = ?", (creditor, year)
                ).fetchone()
                last = int(found[0]) if found else 0
                self.db.execute(
                    "INSERT OR REPLACE INTO sequences VALUES (?, ?, ?)",
                    (creditor, year, last + count),
                )
                if key is not None:
                    self.db.execute(
                        "INSERT OR REPLACE INTO blocks VALUES (?, ?, ?, ?, ?)",
                        (key, creditor, year, last + 1, count),
                    )
        except sqlite3.OperationalError as error:
            raise journal_error(self.path, error) from None
        return range(last + 1, last + count + 1)

    def close(self) -> None:
        """Close the file."""
        self.db.close()


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dumps(value: Any) -> str:
    """Stable JSON for journal columns (and the quarantine reports).

    One encoder for the process: ``json.dumps`` with options builds a new one per
    call, and this runs for every account with findings.
    """
    return _ENCODER.encode(value)
