"""dunletters: Chinese collection letters and SMS from overdue-account records.

Data flows one way — record → decision (stage, tone or hold) → rendered document →
lint findings → written artifact — and each step is a plain function that can be
called and tested alone. The names below are the public API (pinned by
``tests/test_exported_members.py``); one record from Python::

    >>> from datetime import date
    >>> import dunletters
    >>> record = dunletters.sample_account("late", as_of=date(2026, 11, 28))
    >>> letter = dunletters.produce_record(record, as_of=date(2026, 11, 28), pdf=False)
    >>> letter.letter.template.name, [f.code for f in letter.letter_findings]
    ('letters/late.firm.html.j2', [])

The names are loaded on first use, so ``import dunletters`` (and every command
line start) stays as light as the module it needs; type checkers see them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from dunletters.batch.pipeline import BatchOptions, BatchResult, run_batch
    from dunletters.config import Settings, load_settings
    from dunletters.errors import (
        AccountHeld,
        ConfigError,
        DunlettersError,
        ExitStatus,
        InputError,
        LintUsageError,
        PdfError,
        RecordError,
        SmsError,
        TemplateError,
    )
    from dunletters.escalation import Decision, Hold, decide
    from dunletters.lint.engine import Linter, lint_document
    from dunletters.lint.extract import html_to_text
    from dunletters.lint.findings import Finding, Severity
    from dunletters.models import Account, Creditor, parse_account
    from dunletters.pdf import PdfRenderer
    from dunletters.produce import (
        Documents,
        Job,
        Outcome,
        RunContext,
        RunSpec,
        produce_documents,
        produce_record,
    )
    from dunletters.registry import Registry
    from dunletters.rendering import Renderer
    from dunletters.samples import sample_account

    from . import produce

_EXPORTS: dict[str, str] = {
    "Account": "dunletters.models",
    "AccountHeld": "dunletters.errors",
    "BatchOptions": "dunletters.batch.pipeline",
    "BatchResult": "dunletters.batch.pipeline",
    "ConfigError": "dunletters.errors",
    "Creditor": "dunletters.models",
    "Decision": "dunletters.escalation",
    "Documents": "dunletters.produce",
    "DunlettersError": "dunletters.errors",
    "ExitStatus": "dunletters.errors",
    "Finding": "dunletters.lint.findings",
    "Hold": "dunletters.escalation",
    "InputError": "dunletters.errors",
    "Job": "dunletters.produce",
    "LintUsageError": "dunletters.errors",
    "Linter": "dunletters.lint.engine",
    "Outcome": "dunletters.produce",
    "PdfError": "dunletters.errors",
    "PdfRenderer": "dunletters.pdf",
    "RecordError": "dunletters.errors",
    "Registry": "dunletters.registry",
    "Renderer": "dunletters.rendering",
    "RunContext": "dunletters.produce",
    "RunSpec": "dunletters.produce",
    "Settings": "dunletters.config",
    "Severity": "dunletters.lint.findings",
    "SmsError": "dunletters.errors",
    "TemplateError": "dunletters.errors",
    "decide": "dunletters.escalation",
    "html_to_text": "dunletters.lint.extract",
    "lint_document": "dunletters.lint.engine",
    "load_settings": "dunletters.config",
    "parse_account": "dunletters.models",
    "produce": "",
    "produce_documents": "dunletters.produce",
    "produce_record": "dunletters.produce",
    "run_batch": "dunletters.batch.pipeline",
    "sample_account": "dunletters.samples",
}
"""Each public name and the module that defines it ("": the name is a module itself).

``produce`` is the module of the per-account step (``dunletters.produce.produce(job,
ctx)``): a function of that name here would be replaced by the submodule the first
time anything imports it."""

__all__ = [
    "Account",
    "AccountHeld",
    "BatchOptions",
    "BatchResult",
    "ConfigError",
    "Creditor",
    "Decision",
    "Documents",
    "DunlettersError",
    "ExitStatus",
    "Finding",
    "Hold",
    "InputError",
    "Job",
    "LintUsageError",
    "Linter",
    "Outcome",
    "PdfError",
    "PdfRenderer",
    "RecordError",
    "Registry",
    "Renderer",
    "RunContext",
    "RunSpec",
    "Settings",
    "Severity",
    "SmsError",
    "TemplateError",
    "__version__",
    "decide",
    "html_to_text",
    "lint_document",
    "load_settings",
    "parse_account",
    "produce",
    "produce_documents",
    "produce_record",
    "run_batch",
    "sample_account",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dunletters' has no attribute {name!r}")
    if not module:
        return importlib.import_module(f"dunletters.{name}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
