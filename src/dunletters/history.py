"""What the contact ledger knows of an account, as templates and the linter see it.

A template that tells the debtor 「经多次提醒」 or 「我行已于…向您寄送催收函」 states a
fact; :class:`HistoryFacts` is that fact, counted from the ledger (the batch) or
invented to match a sample (``render --sample``, previews). Without a ledger the
facts are unknown (``checked`` False, zero counts): templates then word it neutrally,
and the linter (DL206) can only warn that a claim cannot be checked.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

__all__ = ["UNKNOWN", "HistoryFacts", "sample_history"]


class HistoryFacts(BaseModel):
    """Earlier documents of this delinquency cycle, before the run's as-of date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    checked: bool = False
    """A ledger answered for this account: the counts are facts, zeros included."""
    known: bool = False
    """The ledger holds at least one earlier document of this cycle for the account."""
    reminders: int = 0
    """Documents sent (not failed or returned) on any channel: letters plus SMS."""
    letters: int = 0
    sms: int = 0
    first_contact_on: date | None = None
    last_letter_on: date | None = None
    last_sms_on: date | None = None


UNKNOWN = HistoryFacts()
"""No ledger (or none consulted): nothing may be asserted about earlier contact."""

_SAMPLES = {"middle": (1, 1, 10, 9, 10), "late": (2, 2, 22, 9, 10), "final": (3, 3, 41, 16, 17)}
"""Per stage: letters and SMS a sample account already received, and how many days
before the as-of date the first contact, the last letter and the last SMS were (inside
the samples' days overdue: 12, 24 and 45)."""


def sample_history(stage: str, as_of: date) -> HistoryFacts:
    """Invented facts matching a stage's sample account: a letter and an SMS per earlier stage."""
    if stage not in _SAMPLES:
        return HistoryFacts(checked=True)  # the first stage: nothing sent before
    letters, sms, first, letter, text = _SAMPLES[stage]
    return HistoryFacts(
        checked=True,
        known=True,
        reminders=letters + sms,
        letters=letters,
        sms=sms,
        first_contact_on=as_of - timedelta(days=first),
        last_letter_on=as_of - timedelta(days=letter),
        last_sms_on=as_of - timedelta(days=text),
    )
