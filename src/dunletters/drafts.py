"""Linting files: plain drafts and template drafts, one report per file.

A plain draft (``.txt``, ``.md``, ``.html``, ``.pdf``, standard input) goes straight to
:func:`dunletters.lint.drafts.lint_plain`; a template draft (``*.html.j2``,
``*.txt.j2``) to :mod:`dunletters.template_drafts`, imported only then, so linting a
plain draft on every save never loads Jinja, the registry and the renderer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from dunletters.config import Settings
from dunletters.errors import DunlettersError
from dunletters.lint.drafts import DraftOptions, DraftReadError, lint_plain, read_text_file
from dunletters.lint.engine import Linter
from dunletters.lint.findings import Finding
from dunletters.lint.pdftext import STDIN
from dunletters.lint.reporters import FileReport

__all__ = ["lint_path", "lint_paths"]


def lint_path(path: Path, settings: Settings, options: DraftOptions, linter: Linter) -> FileReport:
    """Lint one file; a file that cannot be read becomes a report with an error."""
    shown = str(path)
    try:
        text = read_text_file(path)
        if path.name.endswith((".html.j2", ".txt.j2")):
            from dunletters.template_drafts import lint_template

            findings = lint_template(path, text, settings, options, linter)
        elif str(path) == STDIN or path.suffix.lower() in (".txt", ".md", ".html", ".htm", ".pdf"):
            findings = lint_plain(path, text, options, linter)
        else:
            raise DraftReadError(
                "不支持的文件类型（支持 .html.j2、.txt.j2、.txt、.md、.html、.pdf）"
            )
    except DunlettersError as error:
        return FileReport(shown, error=str(error))
    findings.sort(key=Finding.sort_key)
    return FileReport(shown, findings)


def lint_paths(
    paths: Iterable[Path],
    settings: Settings,
    options: DraftOptions,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> list[FileReport]:
    """Lint files and folders (folders: every draft inside, sorted)."""
    linter = Linter(settings, select=select, ignore=ignore)
    reports = []
    for path in paths:
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.name.endswith((".j2", ".txt", ".md", ".html", ".pdf"))
                and not p.name.startswith("_")
            )
        else:
            files = [path]
        for file in files:
            reports.append(lint_path(file, settings, options, linter))
    return reports
