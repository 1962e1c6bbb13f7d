"""The contact ledger: every document sent, across runs, and the caps enforced from it.

A database (SQLite by default, PostgreSQL for a shared one) with one row per document
a batch delivered — account, channel, stage, tone, template and its SHA-256, 函号,
output SHA-256, as-of date, run, send time — plus delivery status from receipts and
payments. It keeps no names, card or ID numbers, and mobiles only as an HMAC.
"""

from dunletters.ledger.caps import Contact, History, cycle_start, ledger_holds
from dunletters.ledger.store import Ledger, ledger_url, mobile_hmac, open_ledger

__all__ = [
    "Contact",
    "History",
    "Ledger",
    "cycle_start",
    "ledger_holds",
    "ledger_url",
    "mobile_hmac",
    "open_ledger",
]
