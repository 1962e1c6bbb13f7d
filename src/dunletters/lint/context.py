"""What a rule sees: the text, what kind of document it is, and the record behind it.

Rules are pure functions of a :class:`LintContext`. Everything optional here is
optional on purpose: a plain draft has no record (so amount rules are skipped), a
draft without ``--stage`` has no stage (so stage rules are skipped, and the linter
says so once), an HTML render has no page count (so DL301 waits for the PDF).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dunletters.history import HistoryFacts
from dunletters.lint.lexicon import CompiledLexicon
from dunletters.lint.text import TextView
from dunletters.models import Account, Creditor

__all__ = ["LintContext"]


@dataclass(slots=True)
class LintContext:
    """The input of every rule."""

    view: TextView
    lexicons: dict[str, CompiledLexicon]
    channel: str | None = None
    """``letter``, ``sms``, or None when unknown (a plain draft without --channel)."""
    stage: str | None = None
    tone: str | None = None
    account: Account | None = None
    creditor: Creditor | None = None
    as_of: date | None = None
    """The letter's date (the run's as-of date): deadlines must not precede it."""
    pages: int | None = None
    """Rendered PDF page count (letters), for DL301."""
    scheduled: datetime | None = None
    """When an SMS is scheduled to be sent (aware), for DL608."""
    sent_today: int = 0
    """Collection SMS already scheduled to this debtor on that day, for DL608."""
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per-rule parameters from configuration (e.g. ``{"DL302": {"max_warning": 60}}``)."""
    sms_window: tuple[Any, Any] | None = None
    """(start, end) ``datetime.time`` of the send window, with ``sms_timezone``."""
    sms_timezone: str = "Asia/Shanghai"
    sms_max_per_day: int = 1
    sms_max_segments: int = 2
    link_allowlist: tuple[str, ...] = ()
    """Official domains a document may link to (the creditor's website)."""
    sender: Creditor | None = None
    """The settings' creditor, configured or the demos' example: only ever used to
    *accept* a document quickly (its hotline or account is there), never to fault one
    — that is ``creditor``'s, which is None without a configured creditor."""
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False)
    """Each rule's message templates by code, from the rules' YAML data (the Linter's)."""
    history: HistoryFacts | None = None
    """Earlier contact from the ledger, for DL206 (None: a draft, nothing to check against)."""
    text: str = field(init=False, repr=False, compare=False)
    """The document text (``view.text``): a field, not a property, because rules read
    it a dozen times per document and a property call costs five attribute reads."""

    def __post_init__(self) -> None:
        self.text = self.view.text

    def param(self, code: str, name: str, default: Any) -> Any:
        """A rule parameter from configuration, or its default."""
        return self.params.get(code, {}).get(name, default)

    def lexicon(self, name: str) -> CompiledLexicon:
        """A phrase list by name."""
        return self.lexicons[name]
