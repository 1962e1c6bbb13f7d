"""The batch's two touch points: holds from the ledger at decision time, records at the end."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from dunletters.config import Settings
from dunletters.escalation import Decision, Hold
from dunletters.ledger.caps import EMPTY, cycle_start, ledger_holds
from dunletters.ledger.record import run_documents
from dunletters.ledger.store import SECRET_ENV, ledger_url, mobile_hmac, open_ledger, secret_of
from dunletters.models import Account

__all__ = ["hold_decided", "prepare_ledger", "record_run"]


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


def hold_decided(
    decided: Sequence[tuple[Account, Decision]],
    settings: Settings,
    as_of: date,
    channels: tuple[str, ...],
) -> list[Hold | None]:
    """The ledger's verdict on each decided account of a chunk: a hold or None (one query)."""
    if not decided or not settings.ledger.enabled or settings.ledger.url is None:
        return [None] * len(decided)
    secret = secret_of(settings.ledger)
    texting = "sms" in channels
    keys = [
        (account.account_id, mobile_hmac(secret, account.mobile) if texting else None)
        for account, _ in decided
    ]
    policy = settings.ledger.policy
    # The earliest day any rule of this chunk looks at: a cycle start, a cap's window
    # (30 days) or the letter gap. Older documents are not read.
    reach = max(30, policy.letter_min_gap_days)
    since = min(
        min(cycle_start(account, as_of, None) for account, _ in decided),
        as_of - timedelta(days=reach),
    )
    found = open_ledger(settings.ledger.url).histories(keys, as_of, since)
    return [
        ledger_holds(
            found.get(account.account_id, EMPTY),
            account,
            decision,
            policy,
            as_of=as_of,
            channels=channels,
        )
        for account, decision in decided
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
