"""The ledger database: open (and migrate), record a run's documents, read histories.

One :class:`Ledger` per process. SQLite files are created owner-only and used in WAL
mode; PostgreSQL is reached through psycopg 3. Every write is idempotent: a document
is unique per (run, account, channel), a payment per (account, day, amount, reference),
so a batch or an import killed half way is finished by running it again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from dunletters.config import LedgerSettings
from dunletters.errors import ConfigError
from dunletters.ledger.caps import Contact, History
from dunletters.ledger.schema import documents, migrate, payments

__all__ = [
    "RECORD_COLUMNS",
    "SECRET_ENV",
    "Ledger",
    "ledger_url",
    "mobile_hmac",
    "open_ledger",
    "secret_of",
]

SECRET_ENV = "DUNLETTERS_LEDGER_SECRET"
"""Environment variable for the HMAC key (wins over ``[ledger] secret``)."""

PRIVATE_FILE = 0o600

_CHUNK = 500
"""Accounts per history query and payments per insert (under SQLite's parameter limit)."""

RECORD_COLUMNS = (
    "run_id", "account_id", "channel", "stage", "tone", "template_key", "template_sha256",
    "letter_number", "output_sha256", "as_of", "scheduled_at", "phone_hmac",
)  # fmt: skip
_RECORD_SET = frozenset(RECORD_COLUMNS)
_RECORD = (
    f"INSERT INTO documents ({', '.join(RECORD_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(RECORD_COLUMNS))}) ON CONFLICT DO NOTHING"
)
"""Driver-level SQL: recording is on every batch's path (SQLAlchemy's per-row work is not)."""

_PAIR = "INSERT INTO phone_accounts VALUES (?, ?) ON CONFLICT DO NOTHING"
"""A (phone HMAC, account) pair: in a monthly run almost all are there already, and a
pair found is not written (no page dirtied)."""

_RECORD_BLOCK = 10_000
"""Documents per transaction when a run is recorded: each commit writes every page
the block touched in the indexes (keyed by account and by phone, so spread over the
file), and fewer, larger commits write each page once (benchmarks/README.md)."""


_DOCUMENT_KEY = itemgetter(1, 9, 2, 0)
"""A record tuple's unique key: account, as-of day, channel, run."""


def ledger_url(settings: LedgerSettings, numbers_file: Path) -> str:
    """The configured URL, or ``ledger.sqlite`` beside the 函号 allocator's file."""
    if settings.url:
        return settings.url
    return f"sqlite:///{numbers_file.resolve().parent / 'ledger.sqlite'}"


def secret_of(settings: LedgerSettings) -> bytes:
    """The HMAC key for mobiles: the environment first, then the configuration."""
    value = os.environ.get(SECRET_ENV) or (
        settings.secret.get_secret_value() if settings.secret is not None else ""
    )
    if len(value) < 16:
        raise ConfigError(
            f"联系记录库需要至少 16 个字符的密钥（环境变量 {SECRET_ENV} 或 [ledger] secret），"
            "用来对手机号做 HMAC：库中不保存手机号本身"
        )
    return value.encode()


def mobile_hmac(secret: bytes, mobile: str) -> str:
    """The keyed hash of a mobile: per-phone caps work without keeping the number.

    HMAC-SHA256 (RFC 2104) from the key's two padded states, hashed once per key and
    copied per mobile: the same digest as :func:`hmac.new`, without setting up the key
    again for every account of every batch.
    """
    inner, outer = _pads(secret)
    first = inner.copy()
    first.update(mobile.encode())
    second = outer.copy()
    second.update(first.digest())
    return second.hexdigest()


@lru_cache(maxsize=4)
def _pads(secret: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """SHA-256 states after the key XOR ipad and the key XOR opad (RFC 2104)."""
    key = hashlib.sha256(secret).digest() if len(secret) > _BLOCK else secret
    key = key.ljust(_BLOCK, b"\0")
    return (
        hashlib.sha256(bytes(byte ^ 0x36 for byte in key)),
        hashlib.sha256(bytes(byte ^ 0x5C for byte in key)),
    )


_BLOCK = 64
"""SHA-256's block size in bytes: HMAC pads (or first hashes) the key to it."""


def _sqlite_file(url: str) -> Path | None:
    path = url.removeprefix("sqlite:///")
    return None if path in ("", ":memory:") or path == url else Path(path)


def _on_connect(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: a large ledger's indexes stay in memory
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def _engine(url: str) -> sa.Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        file = _sqlite_file(url)
        if file is not None:
            file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(file, os.O_CREAT | os.O_RDWR, PRIVATE_FILE))
            os.chmod(file, PRIVATE_FILE)
        # Pooled (closing a WAL connection checkpoints it); open_ledger keeps one engine
        # per process, so forked batch workers never share a connection.
        engine = sa.create_engine(url)
        sa.event.listen(engine, "connect", _on_connect)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _record_tuple(row: dict[str, Any]) -> tuple[Any, ...]:
    """A document dict as a tuple in :data:`RECORD_COLUMNS` order; other keys refused."""
    extra = row.keys() - _RECORD_SET
    if extra:
        raise ValueError(
            f"联系记录库不接受这些列：{'、'.join(sorted(extra))}（回执状态用 set_status 写入）"
        )
    return tuple(row[column] for column in RECORD_COLUMNS)


class Ledger:
    """The contact ledger behind one URL, migrated to the current schema on open."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._reader: Any = None
        try:
            self.engine = _engine(url)
            migrate(self.engine)
        except sa.exc.OperationalError as error:
            raise ConfigError(f"打不开联系记录库（{_where(url)}）：{_cause(error)}") from None
        file = _sqlite_file(url) if url.startswith("sqlite") else None
        if file is not None:
            for suffix in ("", "-wal", "-shm"):
                if (side := Path(f"{file}{suffix}")).exists():
                    os.chmod(side, PRIVATE_FILE)

    def close(self) -> None:
        """Release the connections."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self.engine.dispose()

    def _insert(self, table: sa.Table) -> Any:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(table)

    # -- writing ----------------------------------------------------------------------------

    def record(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add documents (dicts of :data:`RECORD_COLUMNS`); ones already there are left alone.

        Any other key is an error, not dropped: a delivery status, say, is set with
        :meth:`set_status`, and a row that carried one would otherwise lose it unseen.
        """
        self.record_rows(_record_tuple(row) for row in rows)

    def record_rows(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Add documents as tuples in :data:`RECORD_COLUMNS` order, a block per transaction.

        A plain executemany, without RETURNING: the batch does not need the count, and
        counting costs every document of every run. Re-recorded ones are skipped.
        """
        sqlite_dates = self.engine.dialect.name == "sqlite"
        statement, pair = self._sql(_RECORD), self._sql(_PAIR)
        for block in chunks(rows, _RECORD_BLOCK):
            if sqlite_dates:  # stored as ISO text, as SQLAlchemy's Date does
                text = {day: day.isoformat() for day in {row[9] for row in block}}
                block = [(*row[:9], text[row[9]], *row[10:]) for row in block]
            # In key order: neighbouring inserts land on the same pages of the unique
            # index (account, day, channel, run) and of phone_accounts, whatever the input's order.
            block.sort(key=_DOCUMENT_KEY)
            pairs = sorted({(r[11], r[1]) for r in block if r[11] is not None})
            with self.engine.begin() as connection:
                connection.exec_driver_sql(statement, block)
                if pairs:
                    connection.exec_driver_sql(pair, pairs)

    def _sql(self, text: str) -> str:
        """A driver-level statement written with ``?`` placeholders, for this database."""
        return text if self.engine.dialect.name == "sqlite" else text.replace("?", "%s")

    def _day(self, value: Any) -> date:
        return value if isinstance(value, date) else date.fromisoformat(value)

    def _write(self, statement: Any, block: list[dict[str, Any]]) -> int:
        with self.engine.begin() as connection:
            # The rows RETURNING names: a skipped duplicate returns none (a rowcount of
            # an executemany is -1 on psycopg).
            return len(connection.execute(statement, block).all())

    def count(self) -> int:
        """Documents in the ledger."""
        with self.engine.connect() as connection:
            return int(
                connection.execute(sa.select(sa.func.count()).select_from(documents)).scalar() or 0
            )

    # -- reading ----------------------------------------------------------------------------

    def histories(
        self,
        accounts: Sequence[tuple[str, str | None]],
        as_of: date,
        since: date | Mapping[str, date] | None = None,
    ) -> dict[str, History]:
        """Each account's history from ``since`` up to ``as_of`` (accounts as (id, mobile HMAC)).

        ``since``: the earliest day a rule looks at, for all the accounts or per account
        id (its cycle start or the caps' window): older documents are not read, so an
        account's history does not depend on the others asked with it.
        """
        found: dict[str, History] = {}
        if not isinstance(since, Mapping):
            since = dict.fromkeys((account_id for account_id, _ in accounts), since or date.min)
        for first in range(0, len(accounts), _CHUNK):
            found.update(self._histories(accounts[first : first + _CHUNK], as_of, since))
        return found

    def _read(self, text: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Rows of a driver-level query on this process's reading connection.

        Kept open and in autocommit: a batch asks once per chunk of 64 accounts, and
        a pooled checkout per query cost more than the query.
        """
        if self._reader is None:
            self._reader = self.engine.raw_connection()
            if self.engine.dialect.name == "postgresql":
                self._reader.driver_connection.autocommit = True
        cursor = self._reader.cursor()
        try:
            cursor.execute(self._sql(text), parameters)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def _documents(self, ids: Sequence[str], since: date, as_of: date) -> list[tuple[Any, ...]]:
        """(account, as_of, channel, stage, status) of the accounts' documents in the window."""
        low: Any = since
        high: Any = as_of
        if self.engine.dialect.name == "sqlite":
            low, high = since.isoformat(), as_of.isoformat()
        return self._read(
            (
                "SELECT account_id, as_of, channel, stage, status FROM documents"
                f" WHERE account_id IN ({', '.join('?' * len(ids))}) AND as_of >= ? AND as_of <= ?"
            ),
            (*ids, low, high),
        )

    def _histories(
        self, accounts: Sequence[tuple[str, str | None]], as_of: date, since: Mapping[str, date]
    ) -> dict[str, History]:
        ids = [account_id for account_id, _ in accounts]
        marks = ", ".join("?" * len(ids))
        sqlite_dates = self.engine.dialect.name == "sqlite"
        high = as_of.isoformat() if sqlite_dates else as_of
        day = self._day
        # Most accounts of a chunk share one window start (the caps' 30 days): one query
        # for them, one for the rest from the earliest of theirs; each account then keeps
        # only its own window's documents.
        starts = [since[account_id] for account_id in ids]
        common = max(set(starts), key=starts.count)
        rest = [
            account_id for account_id, start in zip(ids, starts, strict=True) if start != common
        ]
        rows = self._documents([i for i in ids if since[i] == common], common, as_of)
        if rest:
            rows += self._documents(rest, min(since[i] for i in rest), as_of)
        days: dict[Any, date] = {}  # a chunk's documents fall on a few days: parse each once
        contacts: dict[str, list[Contact]] = {}
        for account_id, when, channel, stage, status in rows:
            sent = days.get(when)
            if sent is None:
                sent = days[when] = day(when)
            if sent >= since[account_id]:
                found = contacts.get(account_id)
                if found is None:
                    found = contacts[account_id] = []
                found.append(Contact(sent, channel, stage, status))
        paid = {
            account_id: day(last)
            for account_id, last in self._read(
                (
                    "SELECT account_id, max(paid_on) FROM payments"
                    f" WHERE account_id IN ({marks}) AND paid_on <= ? GROUP BY account_id"
                ),
                (*ids, high),
            )
        }
        phones = sorted({phone for _, phone in accounts if phone})
        by_phone: dict[str, list[date]] = {}
        if phones:
            month = as_of - timedelta(days=30)
            for phone, when in self._read(
                (
                    "SELECT p.phone_hmac, d.as_of FROM phone_accounts p JOIN documents d"
                    " ON d.account_id = p.account_id"
                    f" WHERE p.phone_hmac IN ({', '.join('?' * len(phones))})"
                    " AND d.as_of > ? AND d.as_of <= ? AND d.channel = 'sms'"
                    " AND d.phone_hmac = p.phone_hmac"
                ),
                (*phones, month.isoformat() if sqlite_dates else month, high),
            ):
                sent = days.get(when)
                if sent is None:
                    sent = days[when] = day(when)
                by_phone.setdefault(phone, []).append(sent)
        return {
            account_id: History(
                tuple(contacts.get(account_id, ())),
                tuple(by_phone.get(phone, ())) if phone else (),
                paid.get(account_id),
            )
            for account_id, phone in accounts
            if account_id in contacts or account_id in paid or (phone and phone in by_phone)
        }

    def documents_of(self, account_id: str) -> list[dict[str, Any]]:
        """Every document of one account, oldest first."""
        query = (
            sa.select(documents)
            .where(documents.c.account_id == account_id)
            .order_by(documents.c.as_of, documents.c.channel, documents.c.id)
        )
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def payments_of(self, account_id: str) -> list[dict[str, Any]]:
        """Every recorded payment of one account, oldest first."""
        query = (
            sa.select(payments.c.paid_on, payments.c.amount, payments.c.reference)
            .where(payments.c.account_id == account_id)
            .order_by(payments.c.paid_on, payments.c.id)
        )
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    # -- outcomes ---------------------------------------------------------------------------

    def add_payments(self, rows: Iterable[tuple[str, date, Decimal, str]]) -> int:
        """Record payments (account, day, amount, reference); re-imported ones are skipped."""
        statement = (
            self._insert(payments)
            .on_conflict_do_nothing(index_elements=["account_id", "paid_on", "amount", "reference"])
            .returning(payments.c.id)
        )
        values = [
            {"account_id": a, "paid_on": d, "amount": m, "reference": r} for a, d, m, r in rows
        ]
        added = 0
        for first in range(0, len(values), _CHUNK):
            added += self._write(statement, values[first : first + _CHUNK])
        return added

    def set_status(self, updates: Iterable[tuple[str, str, str, str, date]]) -> list[bool]:
        """Mark documents (key kind ``number`` or ``account``+channel, key, channel, status, day).

        Returns, per update, whether a document matched. An account key marks that
        account's latest document on the channel sent on or before the day.
        """
        matched: list[bool] = []
        with self.engine.begin() as connection:
            for kind, key, channel, status, day in updates:
                if kind == "number":
                    target = documents.c.letter_number == key
                else:
                    latest = (
                        sa.select(sa.func.max(documents.c.id))
                        .where(
                            documents.c.account_id == key,
                            documents.c.channel == channel,
                            documents.c.as_of <= day,
                        )
                        .scalar_subquery()
                    )
                    target = documents.c.id == latest
                result = connection.execute(
                    sa.update(documents).where(target).values(status=status, status_on=day)
                )
                matched.append(bool(result.rowcount))
        return matched

    def prune(self, before: date) -> tuple[int, int]:
        """Delete documents and payments dated before ``before`` (and the phone pairs no
        document keeps any more); returns both counts."""
        with self.engine.begin() as connection:
            gone = connection.execute(sa.delete(documents).where(documents.c.as_of < before))
            connection.execute(
                sa.text(
                    "DELETE FROM phone_accounts WHERE NOT EXISTS (SELECT 1 FROM documents d"
                    " WHERE d.account_id = phone_accounts.account_id"
                    " AND d.phone_hmac = phone_accounts.phone_hmac)"
                )
            )
            paid = connection.execute(sa.delete(payments).where(payments.c.paid_on < before))
        return int(gone.rowcount or 0), int(paid.rowcount or 0)


def _where(url: str) -> str:
    """The database named without its password."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(无效的地址)"


def _cause(error: sa.exc.OperationalError) -> str:
    return str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__


def open_ledger(url: str) -> Ledger:
    """This process's ledger for a URL, opened once per process (workers fork)."""
    return _open(url, os.getpid())


@lru_cache(maxsize=4)
def _open(url: str, _pid: int) -> Ledger:
    return Ledger(url)


def chunks(items: Iterable[Any], size: int = _CHUNK) -> Iterator[list[Any]]:
    """Items in lists of ``size``."""
    block: list[Any] = []
    for item in items:
        block.append(item)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block
