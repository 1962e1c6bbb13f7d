"""Linting plain drafts (``.txt``, ``.md``, ``.html``), and what every file linter shares.

A plain draft (``.txt``, ``.md``, ``.html``) is linted as text; ``--stage``,
``--tone`` and ``--channel`` say what it is, and without them the rules that need
them are skipped (and the report says so once).

Template drafts are rendered and linted by :mod:`dunletters.drafts` (the linter
never renders); their inline suppressions are in :mod:`dunletters.lint.suppressions`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dunletters.errors import DunlettersError
from dunletters.lint.engine import Linter
from dunletters.lint.extract import html_to_text
from dunletters.lint.findings import Finding
from dunletters.lint.pdftext import STDIN, read_draft_bytes
from dunletters.models import Account

__all__ = ["DraftOptions", "DraftReadError", "PageCounter", "lint_plain", "read_text_file"]

PageCounter = Callable[[str], int]
"""Lays out a letter's HTML and returns its page count (DL301)."""


@dataclass(frozen=True)
class DraftOptions:
    """What the command line says about the files being linted."""

    stage: str | None = None
    tone: str | None = None
    channel: str | None = None
    record: Account | None = None
    as_of: date = field(default_factory=date.today)
    as_of_given: bool = True
    """False when ``as_of`` is only today's date (no --as-of): the DL000 notice says so."""
    template_dirs: tuple[Path, ...] = ()
    page_counter: PageCounter | None = None


class DraftReadError(DunlettersError):
    """A file that cannot be linted (binary, empty, not UTF-8)."""


MAX_DRAFT_BYTES = 4 * 1024 * 1024
"""A larger file is not a letter or an SMS: refused, so one lint stays bounded."""


def read_text_file(path: Path) -> str:
    """A draft's text (a PDF's extracted text); special, oversized, binary, empty and
    non-UTF-8 files are refused with one clear line."""
    try:
        raw = read_draft_bytes(path, MAX_DRAFT_BYTES)
    except OSError as error:
        raise DraftReadError(f"无法读取：{error.strerror}") from None
    if raw.startswith(b"%PDF-"):
        from dunletters.lint.pdftext import PdfTextError, pdf_text

        try:
            return pdf_text(raw)
        except PdfTextError as error:
            raise DraftReadError(str(error)) from None
    if not raw.strip():
        raise DraftReadError("文件为空")
    if b"\x00" in raw[:8192]:
        raise DraftReadError("是二进制文件，不是文本草稿")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "（看起来是 GBK/GB18030 编码，请另存为 UTF-8）"
        except UnicodeDecodeError:
            pass
        line = raw[: error.start].count(b"\n") + 1
        raise DraftReadError(f"不是 UTF-8 编码：第{line}行{hint}") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- plain drafts --------------------------------------------------------------------------


def lint_plain(path: Path, text: str, options: DraftOptions, linter: Linter) -> list[Finding]:
    """A plain draft's findings (HTML read as its text; rules needing what is not given skip)."""
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    return linter.lint(
        text,
        explain_skips=True,
        infer=True,
        suffix=".txt" if str(path) == STDIN else path.suffix,  # standard input is plain text
        as_of_given=options.as_of_given,
        channel=options.channel,
        stage=options.stage,
        tone=options.tone,
        account=options.record,
        as_of=options.as_of,
    )
