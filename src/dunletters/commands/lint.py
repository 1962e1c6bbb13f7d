"""``dunletters lint``: files in, a report out, an exit status that CI can act on.

Exit status: 0 no error-severity finding; 1 at least one; 2 a file or the record
could not be read (the other files are still linted and reported).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dunletters.config import Settings
from dunletters.drafts import lint_paths
from dunletters.errors import DunlettersError, ExitStatus, UsageError
from dunletters.lint.drafts import DraftOptions, PageCounter, read_text_file
from dunletters.lint.findings import Finding, Severity
from dunletters.lint.pdftext import STDIN
from dunletters.lint.reporters import FileReport, render_report
from dunletters.lint.rule import Rule
from dunletters.lint.rules import RULES
from dunletters.models import Account

__all__ = ["LintRun", "apply_fixes", "exit_status", "run_lint"]


@dataclass(frozen=True)
class LintRun:
    """What ``dunletters lint`` did: the reports, the fixes written, the report text."""

    reports: list[FileReport]
    output: str
    """The report in the chosen format, for standard output."""
    status: int
    """The exit status (see :func:`exit_status`)."""
    fixed: list[tuple[str, int]] = field(default_factory=list)
    """Each file ``--fix`` rewrote, with the number of substitutions."""


_MONEY_LIKE = re.compile(r"[¥￥元]|\d[\d,]*\.\d{2}")


class _LazyPageCounter:
    """Lays letters out with WeasyPrint — imported and set up only when a letter needs it.

    Plain drafts never pay WeasyPrint's start-up (most of a second), so linting a
    draft on every save stays fast.
    """

    def __init__(self, template_dirs: Sequence[Path]) -> None:
        self.template_dirs = tuple(template_dirs)
        self._count: PageCounter | None = None

    def __call__(self, html: str) -> int:
        if self._count is None:
            from dunletters.pdf import PdfRenderer
            from dunletters.registry import Registry

            self._count = PdfRenderer.for_registry(Registry.load(self.template_dirs)).page_count
        return self._count(html)


def apply_fixes(
    text: str, findings: Sequence[Finding], rules: Sequence[Rule] = RULES
) -> tuple[str, int]:
    """Apply the suggestions of the fixable rules (``Rule.fixable``, safe substitutions)
    at the findings' lines; never inside an amount."""
    fixable = {rule.code for rule in rules if rule.fixable}
    lines = text.split("\n")
    fixes = sorted(
        (f for f in findings if f.code in fixable and f.suggestion and f.match),
        key=lambda f: (f.line, f.column),
        reverse=True,
    )
    applied = 0
    for finding in fixes:
        if _MONEY_LIKE.search(finding.match):
            continue
        index = finding.line - 1
        if not 0 <= index < len(lines):
            continue
        line = lines[index]
        start = finding.column - 1
        if line[start : start + len(finding.match)] != finding.match:
            start = line.find(finding.match)
            if start < 0:
                continue
        assert finding.suggestion is not None
        lines[index] = line[:start] + finding.suggestion + line[start + len(finding.match) :]
        applied += 1
    return "\n".join(lines), applied


def run_lint(
    settings: Settings,
    paths: Sequence[Path],
    *,
    record: Path | None,
    stage: str | None,
    tone: str | None,
    channel: str | None,
    fmt: str,
    select: Sequence[str],
    ignore: Sequence[str],
    fix: bool,
    use_pdf: bool,
    as_of: date,
    template_dirs: Sequence[Path],
    as_of_given: bool = True,
) -> LintRun:
    """Lint, optionally fix (writing the files), and render the report."""
    if fix and any(str(path) == STDIN for path in paths):
        raise UsageError("--fix 要改写文件，不能用于标准输入（-）：请给出文件路径")
    extra_reports: list[FileReport] = []
    account: Account | None = None
    if record is not None:
        from dunletters.commands.records import load_record

        try:
            account = load_record(record, as_of)
        except DunlettersError as error:
            extra_reports.append(FileReport(str(record), error=str(error)))
    options = DraftOptions(
        stage=stage,
        tone=tone,
        channel=channel,
        record=account,
        as_of=as_of,
        as_of_given=as_of_given,
        template_dirs=tuple(template_dirs),
        page_counter=_LazyPageCounter(template_dirs) if use_pdf else None,
    )
    reports = extra_reports + lint_paths(paths, settings, options, select=select, ignore=ignore)
    written: list[tuple[str, int]] = []
    if fix:
        for report in reports:
            if report.error is None and report.findings:
                path = Path(report.path)
                fixed, count = apply_fixes(read_text_file(path), report.findings)
                if count:
                    path.write_text(fixed, encoding="utf-8")
                    written.append((report.path, count))
    return LintRun(reports, render_report(reports, fmt, RULES), exit_status(reports), written)


def exit_status(reports: Sequence[FileReport]) -> int:
    """2 when a file could not be linted, 1 for an error-severity finding, else 0."""
    if any(report.error is not None for report in reports):
        return ExitStatus.USAGE
    if any(f.severity is Severity.ERROR for report in reports for f in report.findings):
        return ExitStatus.FINDINGS
    return ExitStatus.OK
