"""Linting files: template drafts (``*.html.j2``, ``*.txt.j2``) and plain drafts.

A template draft is checked in two passes:

1. as a template (DL0xx): front matter (DL003), Jinja syntax (DL001), variables and
   filters against the render context models (DL002), inline suppressions
   (DL005 unused, DL006 compliance codes may not be suppressed inline);
2. as the documents it produces: rendered against the built-in synthetic sample
   accounts for its declared stage/tone/channel (the stage's sample, plus the
   hardship sample for an empathetic tone, plus the longest name and the largest
   amount for letters), each rendering linted with its record; a finding whose
   matched text is literal in the draft is reported at the draft's line.

A plain draft (``.txt``, ``.md``, ``.html``) is linted as text; ``--stage``,
``--tone`` and ``--channel`` say what it is, and without them the rules that need
them are skipped (and the report says so once).

Inline suppression, in templates only, with Jinja comments::

    {# dunletters: disable=DL107 #}          the next line
    {# dunletters: disable[DL302,DL303] #}   from here …
    {# dunletters: enable[DL302,DL303] #}    … to here
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dunletters.config import Settings
from dunletters.errors import DunlettersError
from dunletters.lint.engine import Linter
from dunletters.lint.extract import html_to_text
from dunletters.lint.findings import Finding, Severity
from dunletters.lint.pdftext import read_draft_bytes
from dunletters.lint.reporters import FileReport
from dunletters.models import Account

__all__ = ["DraftOptions", "lint_path", "read_text_file"]

PageCounter = Callable[[str], int]
"""Lays out a letter's HTML and returns its page count (DL301)."""


@dataclass(frozen=True)
class TemplateRule:
    """A DL0xx template check: documented like the content rules."""

    code: str
    name: str
    severity: Severity
    what: str


TEMPLATE_RULES = (
    TemplateRule("DL001", "template-syntax", Severity.ERROR, "Jinja 语法错误（给出行号）。"),
    TemplateRule(
        "DL002",
        "unknown-variable",
        Severity.ERROR,
        "模板使用了记录模型中不存在的变量、字段或过滤器。",
    ),
    TemplateRule(
        "DL003",
        "invalid-metadata",
        Severity.ERROR,
        "模板头部缺失，或阶段、语气、渠道、审核信息无效。",
    ),
    TemplateRule(
        "DL004",
        "missing-block",
        Severity.ERROR,
        "缺少布局要求的块（required block），或渲染结果为空。",
    ),
    TemplateRule("DL005", "unused-suppression", Severity.WARNING, "行内抑制没有抑制任何问题。"),
    TemplateRule(
        "DL006",
        "forbidden-suppression",
        Severity.ERROR,
        "合规规则（DL6xx）不能在模板内关闭，只能在项目配置中写明理由放宽。",
    ),
)
_TEMPLATE_RULES = {rule.code: rule for rule in TEMPLATE_RULES}


def template_finding(code: str, message: str, line: int = 1, column: int = 1) -> Finding:
    rule = _TEMPLATE_RULES[code]
    return Finding(
        code=code,
        name=rule.name,
        severity=rule.severity,
        principle="模板",
        message=message,
        line=line,
        column=column,
        end_line=line,
        end_column=column,
    )


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


# -- suppressions ----------------------------------------------------------------------

_DIRECTIVE = re.compile(
    r"\{#-?\s*dunletters:\s*(?P<verb>disable|enable)(?:=(?P<next>[\w,\s-]+?)|\[(?P<range>[\w,\s-]+)\])\s*-?#\}"
)


@dataclass
class _Suppression:
    codes: tuple[str, ...]
    first: int
    last: int
    line: int
    used: set[str] = field(default_factory=set)


def find_suppressions(body: str) -> tuple[list[_Suppression], list[Finding]]:
    lines = body.split("\n")
    found: list[_Suppression] = []
    problems: list[Finding] = []
    open_ranges: dict[str, tuple[int, int]] = {}
    for index, line in enumerate(lines, start=1):
        for match in _DIRECTIVE.finditer(line):
            raw = match.group("next") or match.group("range") or ""
            codes = tuple(code.strip().upper() for code in raw.split(",") if code.strip())
            allowed = []
            for code in codes:
                if code.startswith("DL6"):
                    problems.append(
                        template_finding(
                            "DL006",
                            f"合规规则 {code} 不能在模板内关闭；如确有必要，请在项目配置 [[lint.allow]] 中写明理由",
                            index,
                            match.start() + 1,
                        )
                    )
                else:
                    allowed.append(code)
            if match.group("next") is not None and match.group("verb") == "disable":
                target = index + 1
                while target <= len(lines) and not lines[target - 1].strip():
                    target += 1
                found.append(_Suppression(tuple(allowed), target, target, index))
            elif match.group("verb") == "disable":
                for code in allowed:
                    open_ranges[code] = (index, index)
            else:
                for code in allowed:
                    if code in open_ranges:
                        start, at = open_ranges.pop(code)
                        found.append(_Suppression((code,), start, index, at))
    for code, (start, at) in open_ranges.items():
        found.append(_Suppression((code,), start, len(lines), at))
    return found, problems


def apply_suppressions(findings: list[Finding], suppressions: list[_Suppression]) -> list[Finding]:
    kept = []
    for finding in findings:
        suppressed = False
        for suppression in suppressions:
            if (
                finding.code in suppression.codes
                and suppression.first <= finding.line <= suppression.last
            ):
                suppression.used.add(finding.code)
                suppressed = True
        if not suppressed:
            kept.append(finding)
    for suppression in suppressions:
        for code in suppression.codes:
            if code not in suppression.used:
                kept.append(
                    template_finding(
                        "DL005", f"行内抑制 {code} 没有抑制任何问题，请删除", suppression.line
                    )
                )
    return kept


# -- plain drafts --------------------------------------------------------------------------


def _lint_plain(path: Path, text: str, options: DraftOptions, linter: Linter) -> list[Finding]:
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    return linter.lint(
        text,
        explain_skips=True,
        infer=True,
        suffix=path.suffix,
        as_of_given=options.as_of_given,
        channel=options.channel,
        stage=options.stage,
        tone=options.tone,
        account=options.record,
        as_of=options.as_of,
    )


def lint_path(path: Path, settings: Settings, options: DraftOptions, linter: Linter) -> FileReport:
    """Lint one file; a file that cannot be read becomes a report with an error."""
    shown = str(path)
    try:
        text = read_text_file(path)
        if path.name.endswith((".html.j2", ".txt.j2")):
            # Imported here: rendering and the registry (Jinja, YAML) cost ~80 ms of a
            # start-up that a plain draft, linted on every save, does not need.
            from dunletters.lint.template_drafts import lint_template

            findings = lint_template(path, text, settings, options, linter)
        elif path.suffix.lower() in (".txt", ".md", ".html", ".htm", ".pdf"):
            findings = _lint_plain(path, text, options, linter)
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
