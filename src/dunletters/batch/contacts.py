"""One mobile, different names: an SMS that would reach someone other than the debtor (D-16).

Several accounts on one mobile under one name are one debtor's accounts, and allowed.
The same mobile under two different names is a wrong or placeholder number, or a
relative's phone: an SMS naming a debt would then be disclosed to a third party.
Across the whole run — resumed runs included — such a mobile's SMS are held
(``shared_mobile``, letters still produced) or, with ``[sms] shared_mobile = "warn"``,
sent and listed in the summary.

The journal keeps no name once an account is produced and a mobile only where
``sms.csv`` lists it, so intake records, per account, a keyed BLAKE2b hash of the
mobile and of the normalised name (never either in clear). The key is random per run
and kept in the journal (owner-only): it survives a resume, and the hashes are of no
use outside that journal.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from typing import Any

from dunletters.batch.journal import Journal
from dunletters.escalation import HoldReason

__all__ = ["contact_keys", "normal_name", "prepare", "settle_shared", "shared_groups"]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS contact_keys"
    " (row INTEGER PRIMARY KEY, mobile_key BLOB NOT NULL, name_key BLOB NOT NULL)"
)
_KEY = "contact_key"
"""The run table's entry holding the per-run hash key (hex)."""

_DOTS = re.compile("[·•・‧･.．]")
"""Middle dots a name may be typed with (艾力·买买提): one and the same."""


def prepare(journal: Journal) -> bytes:
    """The run's hash key (made at the first run, kept for resumes) and the table ready."""
    journal.db.execute(SCHEMA)
    stored = journal.run_value(_KEY)
    if stored is not None:
        return bytes.fromhex(stored)
    key = secrets.token_bytes(32)
    with journal.transaction():
        journal.db.execute("INSERT OR REPLACE INTO run VALUES (?, ?)", (_KEY, key.hex()))
    return key


def normal_name(name: str) -> str:
    """A name as compared for one debtor: full-width forms, spaces, dots and case ignored."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(char for char in text if not char.isspace())
    return _DOTS.sub("·", text).casefold()


def contact_keys(key: bytes, name: str, mobile: str) -> tuple[bytes, bytes]:
    """The keyed hashes (mobile, name) intake records for an account."""
    mobile_key = hashlib.blake2b(mobile.encode(), key=key, digest_size=16, person=b"dl-mobile")
    name_key = hashlib.blake2b(
        normal_name(name).encode(), key=key, digest_size=16, person=b"dl-name"
    )
    return mobile_key.digest(), name_key.digest()


def record(journal: Journal, rows: list[tuple[int, bytes, bytes]]) -> None:
    """Store accounts' (row, mobile hash, name hash) — inside the intake's transaction."""
    journal.db.executemany("INSERT OR REPLACE INTO contact_keys VALUES (?, ?, ?)", rows)


_SHARED_KEYS = (
    "SELECT mobile_key FROM contact_keys GROUP BY mobile_key HAVING MIN(name_key) != MAX(name_key)"
)
"""The mobiles recorded under two or more different names (MIN/MAX: cheaper than DISTINCT)."""
_SHARED = f"(SELECT row FROM contact_keys WHERE mobile_key IN ({_SHARED_KEYS}))"
"""Their rows."""


def shared_groups(journal: Journal) -> list[list[tuple[int, str]]]:
    """The accounts (row, account id) of each mobile recorded under different names,
    groups in the order of their first row, accounts in row order."""
    journal.db.execute(SCHEMA)  # a journal of a run that recorded none
    keys = [key for (key,) in journal.db.execute(_SHARED_KEYS)]
    if not keys:
        return []  # the usual case: one pass over the table, no join
    groups: dict[bytes, list[tuple[int, str]]] = {}
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        query = (
            "SELECT c.mobile_key, a.row, a.account_id FROM contact_keys AS c"
            f" JOIN accounts AS a USING (row) WHERE c.mobile_key IN ({', '.join('?' * len(part))})"
        )
        for mobile_key, row, account_id in journal.db.execute(query, part):
            groups.setdefault(mobile_key, []).append((int(row), str(account_id)))
    ordered = [sorted(group) for group in groups.values()]
    return sorted(ordered, key=lambda group: group[0][0])


_HOLD = (
    "UPDATE accounts SET reason = ?1, sms_text = NULL, sms_segments = NULL, mobile = NULL,"
    # No letter either (held for no address, or a run without letters): nothing goes
    # out, the account is held.
    " state = CASE WHEN reason = ?2 OR NOT ?3 THEN 'held' ELSE state END"
    f" WHERE row IN {_SHARED} AND state = 'written' AND coalesce(sms_text, '') != ''"
)
_SENT = (
    "SELECT COUNT(*) FROM accounts"
    f" WHERE row IN {_SHARED} AND state = 'written' AND coalesce(sms_text, '') != ''"
)

LISTED = 1000
"""Groups the summary lists by account id (the rest are counted)."""


def settle_shared(
    journal: Journal, mode: str, *, texting: bool, lettering: bool
) -> dict[str, Any] | None:
    """Hold (or, with ``warn``, only report) the SMS of every account on a shared mobile.

    Run when the whole input is recorded (the finishing pass), so the verdict covers
    every row of the run; idempotent, so a re-run or resumed finish gives the same.
    Returns the summary's ``shared_mobile`` entry, or None when no mobile is shared.
    """
    groups = shared_groups(journal) if texting else []
    if not groups:
        return None
    hold = HoldReason.SHARED_MOBILE
    if mode == "hold":
        with journal.transaction():
            journal.db.execute(_HOLD, (hold.value, HoldReason.NO_ADDRESS.value, lettering))
        query = f"SELECT COUNT(*) FROM accounts WHERE reason = '{hold.value}'"
        explained = hold.label
    else:
        query = _SENT
        explained = '同一手机号对应不同姓名：短信照发（[sms] shared_mobile = "warn"），请核实手机号'
    return {
        "mode": mode,
        "reason": explained,
        "mobiles": len(groups),
        "sms_held" if mode == "hold" else "sms_sent": int(journal.db.execute(query).fetchone()[0]),
        "groups": [[account_id for _, account_id in group] for group in groups[:LISTED]],
    }
