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
) -> Iterator[dict[str, Any]]:
    """The ledger rows of a run's delivered documents, in input order.

    ``when`` is the run's SMS schedule, called in the order sms.csv was written, so
    each SMS gets the send time sms.csv gave it; one the schedule dropped (too many
    for one phone) was not sent and is not recorded.
    """
    db = sqlite3.connect(journal, timeout=30)
    try:
        for (account_id, stage, tone, number, letter_key, letter_version, letter_sha256,
             sms_key, sms_version, sms_text, mobile) in db.execute(_QUERY):  # fmt: skip
            common = {"run_id": run_id, "account_id": account_id, "stage": stage, "tone": tone,
                      "as_of": as_of}  # fmt: skip
            if "letter" in channels and letter_sha256:
                yield {
                    **common,
                    "channel": "letter",
                    "template_key": letter_key,
                    "template_sha256": letter_version,
                    "letter_number": number,
                    "output_sha256": letter_sha256,
                    "scheduled_at": as_of.isoformat(),
                    "phone_hmac": None,
                }
            if "sms" in channels and sms_text:
                at = when(mobile or "")
                if at is None:
                    continue
                yield {
                    **common,
                    "channel": "sms",
                    "template_key": sms_key,
                    "template_sha256": sms_version,
                    "letter_number": None,
                    "output_sha256": hashlib.sha256(sms_text.encode()).hexdigest(),
                    "scheduled_at": at,
                    "phone_hmac": mobile_hmac(secret, mobile) if mobile else None,
                }
    finally:
        db.close()
