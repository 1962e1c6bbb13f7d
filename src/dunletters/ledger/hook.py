"""The batch's two touch points: holds from the ledger at decision time, records at the end."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from dunletters.config import LedgerPolicy, Settings
from dunletters.escalation import Decision, Hold
from dunletters.history import HistoryFacts
from dunletters.ledger.caps import EMPTY, contact_facts, cycle_start, ledger_holds
from dunletters.ledger.record import run_documents
from dunletters.ledger.store import SECRET_ENV, ledger_url, mobile_hmac, open_ledger, secret_of
from dunletters.models import Account

__all__ = ["history_facts", "hold_decided", "prepare_ledger", "record_run"]


def prepare_ledger(settings: Settings, numbers_file: Path) -> Settings:
    """The run's settings with the ledger's URL resolved, the ledger opened and migrated.

    The HMAC key goes to the worker processes through the environment (the settings
    they receive as JSON hide secrets).
    """
    if not settings.ledger.enabled:
        return settings
    secret = secret_of(settings.ledger)
    os.environ[SECRET_ENV] = secret.decode()
    url = ledger_url(settings.ledger, numbers_file)
    open_ledger(url)  # migrates, and reports a database it cannot open before any work
    return settings.model_copy(update={"ledger": settings.ledger.model_copy(update={"url": url})})


def _since(accounts: Sequence[Account], policy: LedgerPolicy, as_of: date) -> dict[str, date]:
    """The earliest day any rule looks at for each account: its cycle start, a cap's
    window (30 days) or the letter gap, whichever is earlier. Older documents are not read."""
    window = as_of - timedelta(days=max(30, policy.letter_min_gap_days))
    return {
        account.account_id: min(cycle_start(account, as_of, None), window) for account in accounts
    }


def hold_decided(
    decided: Sequence[tuple[Account, Decision]],
    settings: Settings,
    as_of: date,
    channels: tuple[str, ...],
) -> list[tuple[Hold | None, HistoryFacts | None]]:
    """The ledger's verdict on each decided account of a chunk (a hold or None), and
    what its documents may say of earlier contact (None: no ledger). One query."""
    if not decided or not settings.ledger.enabled or settings.ledger.url is None:
        return [(None, None)] * len(decided)
    secret = secret_of(settings.ledger)
    texting = "sms" in channels
    keys = [
        (account.account_id, mobile_hmac(secret, account.mobile) if texting else None)
        for account, _ in decided
    ]
    policy = settings.ledger.policy
    since = _since([account for account, _ in decided], policy, as_of)
    found = open_ledger(settings.ledger.url).histories(keys, as_of, since)
    verdicts: list[tuple[Hold | None, HistoryFacts | None]] = []
    for account, decision in decided:
        history = found.get(account.account_id, EMPTY)
        start = cycle_start(account, as_of, history.last_paid_on)
        hold = ledger_holds(
            history, account, decision, policy, as_of=as_of, channels=channels, start=start
        )
        verdicts.append((hold, contact_facts(history, account, as_of, start)))
    return verdicts


def history_facts(
    url: str, policy: LedgerPolicy, accounts: Sequence[Account], as_of: date
) -> list[HistoryFacts]:
    """Each account's earlier contact from the ledger at ``url`` (one query for them all)."""
    if not accounts:
        return []
    keys = [(account.account_id, None) for account in accounts]
    found = open_ledger(url).histories(keys, as_of, _since(accounts, policy, as_of))
    return [
        contact_facts(found.get(account.account_id, EMPTY), account, as_of) for account in accounts
    ]


def record_run(
    settings: Settings,
    journal: Path,
    run_id: str,
    as_of: date,
    channels: tuple[str, ...],
    when: Callable[[str], str | None],
) -> None:
    """Add a finished run's documents to the ledger (idempotent)."""
    if not settings.ledger.enabled or settings.ledger.url is None:
        return
    rows = run_documents(journal, run_id, as_of, channels, when, secret_of(settings.ledger))
    open_ledger(settings.ledger.url).record_rows(rows)
