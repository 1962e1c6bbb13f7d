"""What crosses the per-account step's boundary (:mod:`dunletters.produce`).

A run's :class:`RunSpec` (small, picklable) and the :class:`RunContext` a process
builds from it once; a :class:`Job` in, its :class:`Documents`, and the
:class:`Outcome` out; a print part and its :class:`PartOutcome`. The values are
NamedTuples so they cross process boundaries (a process pool today, a distributed
worker later).
"""

from __future__ import annotations

import dataclasses
import gc
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from dunletters.config import Settings
from dunletters.history import HistoryFacts
from dunletters.lint.engine import Linter
from dunletters.lint.findings import Finding, Severity
from dunletters.models import Account
from dunletters.registry import Registry
from dunletters.rendering import LetterDocument, Renderer, SmsDocument
from dunletters.vocabulary import CHANNELS

if TYPE_CHECKING:
    from dunletters.pdf import LaidOut, PdfRenderer

__all__ = [
    "Documents",
    "Job",
    "Outcome",
    "PartOutcome",
    "PrintPart",
    "RunContext",
    "RunSpec",
    "init_worker",
    "run_context",
    "worker_context",
]


class RunSpec(NamedTuple):
    """What a process needs to build its :class:`RunContext`: small and picklable."""

    settings_json: str
    template_dirs: tuple[str, ...]
    as_of: date
    channels: tuple[str, ...] = CHANNELS
    pdf: bool = True
    """Lay letters out as PDF (off for a dry run or a run without letters: no WeasyPrint)."""
    ledger_secret: str = ""
    """The contact ledger's HMAC key, which the settings JSON hides (empty: no ledger)."""


@dataclass(frozen=True)
class RunContext:
    """What a run renders and lints with; built once per process (not picklable)."""

    settings: Settings
    renderer: Renderer
    linter: Linter
    as_of: date
    channels: tuple[str, ...] = CHANNELS
    pdf: PdfRenderer | None = None
    sms_budget: bool = True
    """Refuse an SMS over ``[sms] max_segments`` (a preview shows it, and DL6xx says so)."""
    page_counter: Callable[[str], int] | None = None
    """Without ``pdf``: counts a letter's pages for DL301 without writing a PDF (drafts)."""
    name_check: Callable[[str], str | None] | None = None
    """For a batch's intake: why a name cannot be printed in its letters, or None."""
    hold_without_address: bool = False
    """A batch: no letter for an account without a usable address (``no_address``)."""
    history_of: Callable[[Sequence[Account]], list[HistoryFacts]] | None = None
    """The contact ledger's facts for accounts (one query for them all), for jobs that
    do not carry their own; None: no ledger, the facts are :data:`UNKNOWN`."""

    @classmethod
    def create(
        cls,
        settings: Settings,
        registry: Registry,
        *,
        as_of: date,
        channels: Sequence[str] = CHANNELS,
        pdf: bool = False,
        linter: Linter | None = None,
    ) -> RunContext:
        """A context for one settings object and registry (``pdf``: load WeasyPrint)."""
        pdf_renderer = None
        if pdf and "letter" in channels:
            from dunletters.pdf import PdfRenderer  # WeasyPrint loads only for PDFs

            pdf_renderer = PdfRenderer.for_registry(registry, variant=settings.letters.pdf_variant)
        return cls(
            settings=settings,
            renderer=Renderer(settings, registry),
            linter=linter or Linter(settings, batch=True),
            as_of=as_of,
            channels=tuple(channels),
            pdf=pdf_renderer,
            history_of=_ledger_facts(settings, as_of),
        )


def _ledger_facts(
    settings: Settings, as_of: date
) -> Callable[[Sequence[Account]], list[HistoryFacts]] | None:
    """The ledger's facts look-up for a context, when the settings name an opened ledger."""
    if not settings.ledger.enabled or settings.ledger.url is None:
        return None
    from dunletters.ledger.hook import history_facts  # SQLAlchemy loads only with a ledger

    url = settings.ledger.url
    return lambda accounts: history_facts(url, settings.ledger.policy, accounts, as_of)


_CONTEXTS: dict[RunSpec, RunContext] = {}
_current: RunContext | None = None


def run_context(spec: RunSpec, registry: Registry | None = None) -> RunContext:
    """The context for a spec, built on first use and then reused by the process.

    ``registry``: one the caller has already loaded from the spec's folders (the
    batch driver working in-process), so it is not loaded twice.
    """
    found = _CONTEXTS.get(spec)
    if found is None:
        settings = Settings.model_validate_json(spec.settings_json)
        if spec.ledger_secret:  # a worker started before the driver's environment had it
            from dunletters.ledger.store import SECRET_ENV

            os.environ[SECRET_ENV] = spec.ledger_secret
        if registry is None:
            registry = Registry.load([Path(folder) for folder in spec.template_dirs])
        names = None
        if "letter" in spec.channels:  # a name no face can print is a reject, not a failed letter
            from dunletters.pdf import name_check

            names = name_check(registry)
        found = dataclasses.replace(
            RunContext.create(
                settings, registry, as_of=spec.as_of, channels=spec.channels, pdf=spec.pdf
            ),
            hold_without_address=True,
            name_check=names,
        )
        _CONTEXTS.clear()  # a process works for one run at a time
        _CONTEXTS[spec] = found
    return found


def init_worker(spec: RunSpec, registry: Registry | None = None) -> None:
    """Ready a worker process: its context built now, the garbage collector tuned."""
    global _current
    _current = run_context(spec, registry)
    # What is built so far lives as long as the worker: keep it out of the cyclic
    # collector's full passes, and collect every 10,000 new containers instead of 700
    # (per-account garbage is short-lived). See benchmarks/HISTORY.md for the figures.
    gc.freeze()
    gc.set_threshold(10_000)


def worker_context() -> RunContext:
    """The context :func:`init_worker` built in this process."""
    if _current is None:
        raise RuntimeError("init_worker() has not run in this process")
    return _current


class Job(NamedTuple):
    """One decided account to produce."""

    row: int
    account_id: str
    stage: str
    tone: str
    letter_number: str | None
    record_json: str
    record_hash: str
    account: Account | None = None
    """The validated account when the job stays in the process; else read from the JSON."""
    history: HistoryFacts | None = None
    """Earlier contact, when already read with the decision; else the context looks it up."""


class Documents(NamedTuple):
    """One account's rendered documents and their findings (or the error that stopped them)."""

    row: int
    error: str | None = None
    letter: LetterDocument | None = None
    letter_pdf: bytes | None = None
    pages: int | None = None
    layout: LaidOut | None = None
    """The laid-out letter, kept for a print file (in the producing process only)."""
    letter_html: str | None = None
    """The letter's HTML as an output, in a context that makes no PDFs (a dry run)."""
    letter_text: str | None = None
    letter_findings: tuple[Finding, ...] = ()
    sms: SmsDocument | None = None
    sms_findings: tuple[Finding, ...] = ()
    letter_held: bool = False
    """No letter: the account has no usable address (its SMS, if any, still goes)."""

    @property
    def findings(self) -> list[dict[str, object]]:
        """Every finding as the manifest stores it: the letter's, then the SMS's."""
        return [{"channel": "letter", **f.to_json()} for f in self.letter_findings] + [
            {"channel": "sms", **f.to_json()} for f in self.sms_findings
        ]

    @property
    def delivered(self) -> bool:
        """Whether the documents go out (else they are quarantined): no error at all."""
        return self.error is None and not any(
            f.severity is Severity.ERROR for f in (*self.letter_findings, *self.sms_findings)
        )


class Outcome(NamedTuple):
    """A produced account's journal update and the files it names (path, bytes)."""

    update: tuple[Any, ...]
    """``Journal.finish``'s columns (FINISH_COLUMNS), then the row."""
    files: list[tuple[str, bytes]]


class PrintPart(NamedTuple):
    """A letter job: the next print part of a stage, and whether to write its file."""

    stage: str
    number: int
    write_file: bool


class PartOutcome(NamedTuple):
    """A print part's accounts and its print file (None when none was delivered)."""

    outcomes: list[Outcome]
    part: PrintPart | None
    print_file: bytes | None
    print_manifest: bytes | None = None
    """The print file's pages for the mail house (CSV: page, account, 函号, postcode)."""
