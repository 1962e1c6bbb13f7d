"""Exceptions of dunletters, and the exit status each one maps to.

The tree (every error a user can meet is a :class:`DunlettersError`)::

    DunlettersError
    ├── ConfigError          dunletters.toml / [tool.dunletters] is wrong (exit 2)
    ├── RecordError          an account or creditor record is invalid (exit 2)
    ├── InputError           an input file can't be read at all (exit 2)
    ├── TemplateError        a template is missing, malformed or fails to render (exit 2)
    ├── PdfError             WeasyPrint could not produce a safe, correct PDF (exit 2)
    ├── SmsError             an SMS breaks its length budget or format (exit 2)
    ├── LintUsageError       the linter was asked something it cannot do (exit 2)
    ├── UsageError           a command's options do not fit together (exit 2, with its usage)
    └── AccountHeld          asked to render an account the policy holds (exit 1)

Messages are Chinese-first and never contain personal data: an error names the
field, the row and the template line, never the value that was in it
(《个人信息保护法》第六条、第十条 — minimisation; cookiecutter's habit of printing the
whole context on error is exactly what we must not do).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails


class ExitStatus(enum.IntEnum):
    """Documented exit codes of the ``dunletters`` command."""

    OK = 0
    """Clean: nothing rejected, quarantined or found at error severity."""
    FINDINGS = 1
    """Lint errors found, or a batch rejected or quarantined something."""
    USAGE = 2
    """Bad usage, configuration, template or input: the job could not run."""
    INTERRUPTED = 3
    """Stopped by the user (Ctrl-C); a batch can be resumed."""
    INTERNAL = 4
    """A bug in dunletters: please report it with the ``-v`` traceback."""


class DunlettersError(Exception):
    """Base of every error dunletters reports to a user as one clear line."""

    exit_status: ExitStatus = ExitStatus.USAGE


class ConfigError(DunlettersError):
    """The configuration is invalid: names the key, never a secret value."""


class RecordError(DunlettersError):
    """A record failed validation.

    ``problems`` holds ``(field, reason)`` pairs; ``row`` is the 1-based data row
    when the record came from a file. Neither ever contains the field's value.
    """

    def __init__(
        self,
        problems: list[tuple[str, str]],
        *,
        row: int | None = None,
        source: str | None = None,
    ) -> None:
        self.problems = problems
        self.row = row
        self.source = source
        where = ""
        if source:
            where += f"{source}："
        if row is not None:
            where += f"第{row}行："
        detail = "；".join(f"字段 {field}：{reason}" for field, reason in problems)
        super().__init__(f"{where}记录无效 — {detail}")


class InputError(DunlettersError):
    """An input file cannot be read (encoding, truncation, wrong format)."""


class TemplateError(DunlettersError):
    """A template is missing, has bad metadata, or fails to render.

    The message names the template file, the line and the field involved.
    """


class PdfError(DunlettersError):
    """WeasyPrint reported a problem (missing font, blocked URL, no subsetting)."""


class SmsError(DunlettersError):
    """An SMS is over its segment budget or breaks the carriers' format rules."""


class LintUsageError(DunlettersError):
    """The linter could not run on an input (binary, unreadable, bad flags)."""


class UsageError(DunlettersError):
    """A command's options do not fit together: the command line shows it with the
    command's usage line, as for any option error."""


class AccountHeld(DunlettersError):
    """A single render was asked for an account the policy holds (deceased, dispute …)."""

    exit_status = ExitStatus.FINDINGS


def validation_items(error: ValidationError, top: str = "") -> list[tuple[str, ErrorDetails]]:
    """Each of pydantic's errors with the dotted key it blames (``top`` for the whole),
    read without the input: pydantic's own text echoes the value, which may be personal."""
    return [
        (".".join(str(part) for part in item["loc"]) or top, item)
        for item in error.errors(include_input=False, include_url=False)
    ]


def pydantic_reason(item: ErrorDetails) -> str:
    """pydantic's own reason for one error (it names no input value)."""
    return str(item["msg"])


def key_reason(item: ErrorDetails) -> str:
    """pydantic's reason, with an unknown key said in Chinese."""
    return "未知的键" if item["type"] == "extra_forbidden" else str(item["msg"])


def describe_validation(
    error: ValidationError,
    where: str,
    *,
    reason: Callable[[ErrorDetails], str] = pydantic_reason,
    separator: str = ": ",
    top: str = "",
) -> str:
    """A validation error as one value-free line: ``where`` then each key and reason."""
    items = validation_items(error, top)
    return where + "；".join(f"{key}{separator}{reason(item)}" for key, item in items)
