"""Caps and sequence from the contact history: a pure function the batch calls per account.

The ledger tells what an account (and its phone) already received; the policy says how
much is too much. Checked after the escalation policy's own holds, in this order:
returned mail (an address check first), a stage's letter already sent in this
delinquency cycle, too short a gap since the last letter, a stage skipped (no earlier
stage delivered in this cycle), then the SMS caps per debtor and per phone.

A delinquency cycle starts on the day the account became overdue, or the day after its
latest recorded payment if that is later: a payment or a cured account starts the
sequence again from the first stage.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from dunletters.config import LedgerPolicy
from dunletters.escalation import Decision, Hold, HoldReason
from dunletters.history import HistoryFacts
from dunletters.models import Account
from dunletters.vocabulary import STAGES

__all__ = ["Contact", "History", "contact_facts", "cycle_start", "ledger_holds"]


class Contact(NamedTuple):
    """One document the ledger holds for an account (a tuple: a batch builds one per
    document of every account it decides)."""

    as_of: date
    channel: str
    stage: str
    status: str | None = None


class History(NamedTuple):
    """What the ledger knows of one account before this run's as-of date."""

    contacts: tuple[Contact, ...] = ()
    phone_sms: tuple[date, ...] = ()
    """As-of dates of every SMS to this account's phone (any account), last 30 days."""
    last_paid_on: date | None = None


EMPTY = History()


def cycle_start(account: Account, as_of: date, last_paid_on: date | None) -> date:
    """First day of the account's current delinquency cycle."""
    days = account.days_past_due
    if days is None:
        days = max(0, (as_of - account.due_date).days)
    start = as_of - timedelta(days=days)
    if last_paid_on is not None and last_paid_on >= start:
        start = last_paid_on + timedelta(days=1)
    return start


_NOT_SENT = ("failed", "returned")
"""Receipt statuses of a document that never reached the debtor: not a reminder."""

_NOTHING_SENT = HistoryFacts(checked=True)


def contact_facts(
    history: History, account: Account, as_of: date, start: date | None = None
) -> HistoryFacts:
    """What templates may say of earlier contact: this cycle's documents before ``as_of``.

    Only documents that went out count (a failed SMS or returned letter reminded no
    one), and only before the run's day, so a run never counts itself. ``start``: the
    account's :func:`cycle_start`, when the caller has it already.
    """
    if not history.contacts:
        return _NOTHING_SENT
    if start is None:
        start = cycle_start(account, as_of, history.last_paid_on)
    letters: list[date] = []
    texts: list[date] = []
    for contact in history.contacts:
        if start <= contact.as_of < as_of and contact.status not in _NOT_SENT:
            (letters if contact.channel == "letter" else texts).append(contact.as_of)
    if not letters and not texts:
        return _NOTHING_SENT
    return _facts(
        len(letters),
        len(texts),
        min(letters + texts),
        max(letters) if letters else None,
        max(texts) if texts else None,
    )


@lru_cache(maxsize=4096)
def _facts(
    letters: int, texts: int, first: date, last_letter: date | None, last_text: date | None
) -> HistoryFacts:
    """The facts for these counts and days, shared (frozen) by every account of a run
    with the same history: runs go out on a few days, so most histories repeat."""
    return HistoryFacts(
        checked=True,
        known=True,
        reminders=letters + texts,
        letters=letters,
        sms=texts,
        first_contact_on=first,
        last_letter_on=last_letter,
        last_sms_on=last_text,
    )


def _over(dates: Iterable[date], as_of: date, day: int, week: int, month: int) -> bool:
    """Whether the documents sent on ``dates`` reach a cap: per day, 7 days or 30 days
    up to ``as_of`` (one pass; most debtors have nothing in the last month)."""
    today = seven = thirty = 0
    for sent in dates:
        age = (as_of - sent).days
        if 0 <= age < 30:
            thirty += 1
            if age < 7:
                seven += 1
                if age == 0:
                    today += 1
    return today >= day or seven >= week or thirty >= month


def ledger_holds(
    history: History,
    account: Account,
    decision: Decision,
    policy: LedgerPolicy,
    *,
    as_of: date,
    channels: tuple[str, ...],
    start: date | None = None,
) -> Hold | None:
    """The ledger's hold for a decided account, or None when it may be sent to
    (``start``: the account's :func:`cycle_start`, when the caller has it already)."""
    if not history.contacts and not history.phone_sms and decision.stage == STAGES[0]:
        return None  # the common case in a first run: nothing to check
    if start is None:
        start = cycle_start(account, as_of, history.last_paid_on)
    contacts = [c for c in history.contacts if c.as_of <= as_of]
    cycle = [c for c in contacts if c.as_of >= start]
    if "letter" in channels:
        letters = [c for c in contacts if c.channel == "letter"]
        known = [c for c in letters if c.status is not None]
        if (
            policy.hold_returned_mail
            and known
            and max(known, key=lambda c: c.as_of).status == "returned"
        ):
            return Hold(HoldReason.ADDRESS_CHECK)
        if policy.one_letter_per_stage and any(
            c.channel == "letter" and c.stage == decision.stage for c in cycle
        ):
            return Hold(HoldReason.STAGE_ALREADY_SENT)
        if letters and (as_of - max(c.as_of for c in letters)).days < policy.letter_min_gap_days:
            return Hold(HoldReason.LETTER_GAP)
    rank = STAGES.index(decision.stage)
    if (
        not policy.allow_stage_skip
        and rank > 0
        and not any(
            c.status == "delivered" and STAGES.index(c.stage) < rank
            for c in cycle
            if c.stage in STAGES
        )
    ):
        return Hold(HoldReason.STAGE_SKIPPED)
    if "sms" in channels:
        texts = (c.as_of for c in contacts if c.channel == "sms")
        if _over(texts, as_of, policy.sms_per_day, policy.sms_per_week, policy.sms_per_month):
            return Hold(HoldReason.SMS_CAP)
        if history.phone_sms and _over(
            history.phone_sms,
            as_of,
            policy.phone_sms_per_day,
            policy.phone_sms_per_week,
            policy.phone_sms_per_month,
        ):
            return Hold(HoldReason.PHONE_CAP)
    return None
