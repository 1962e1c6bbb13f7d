"""What a finished batch adds to the ledger: one row per document sent, from its journal."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from dunletters.ledger.store import mobile_hmac

__all__ = ["run_documents"]

_QUERY = (
    "SELECT account_id, stage, tone, letter_number, letter_template, letter_version,"
    " letter_sha256, sms_template, sms_version, sms_text, mobile FROM accounts"
    " WHERE state = 'written' ORDER BY row"
)


def run_documents(
    journal: Path,
    run_id: str,
    as_of: date,
    channels: tuple[str, ...],
    when: Callable[[str], str | None],
    secret: bytes,
) -> Iterator[tuple[Any, ...]]:
    """The ledger rows of a run's delivered documents, in input order (RECORD_COLUMNS).

    ``when`` is the run's SMS schedule, called in the order sms.csv was written, so
    each SMS gets the send time sms.csv gave it; one the schedule dropped (too many
    for one phone) was not sent and is not recorded.
    """
    db = sqlite3.connect(journal, timeout=30)
    texting, lettering, mailed = "sms" in channels, "letter" in channels, as_of.isoformat()
    try:
        for (account_id, stage, tone, number, letter_key, letter_version, letter_sha256,
             sms_key, sms_version, sms_text, mobile) in db.execute(_QUERY):  # fmt: skip
            # In RECORD_COLUMNS order: run, account, channel, stage, tone, template key and
            # SHA-256, 函号, output SHA-256, as-of date, send time, phone HMAC.
            if lettering and letter_sha256:
                yield (run_id, account_id, "letter", stage, tone, letter_key, letter_version,
                       number, letter_sha256, as_of, mailed, None)  # fmt: skip
            if texting and sms_text:
                at = when(mobile or "")
                if at is None:
                    continue
                yield (run_id, account_id, "sms", stage, tone, sms_key, sms_version, None,
                       hashlib.sha256(sms_text.encode()).hexdigest(), as_of, at,
                       mobile_hmac(secret, mobile) if mobile else None)  # fmt: skip
    finally:
        db.close()
