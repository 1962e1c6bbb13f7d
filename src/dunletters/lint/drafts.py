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

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import jinja2
from pydantic import ValidationError

from dunletters.config import Settings
from dunletters.errors import DunlettersError, TemplateError
from dunletters.escalation import decision_for
from dunletters.lint.engine import Linter
from dunletters.lint.extract import html_to_text
from dunletters.lint.findings import Finding, Severity
from dunletters.lint.reporters import FileReport
from dunletters.models import Account
from dunletters.registry import Registry, TemplateMeta, check_template_source, split_front_matter
from dunletters.rendering import CONTEXT_MODELS, LetterInfo, make_environment, render_template
from dunletters.samples import sample_account
from dunletters.sms import compose_sms

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


def _template_finding(code: str, message: str, line: int = 1, column: int = 1) -> Finding:
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
    template_dirs: tuple[Path, ...] = ()
    page_counter: PageCounter | None = None


class DraftReadError(DunlettersError):
    """A file that cannot be linted (binary, empty, not UTF-8)."""


def read_text_file(path: Path) -> str:
    """A draft's text; binary, empty and non-UTF-8 files are refused with one clear line."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DraftReadError(f"无法读取：{error.strerror}") from None
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


def _suppressions(body: str) -> tuple[list[_Suppression], list[Finding]]:
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
                        _template_finding(
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


def _apply_suppressions(findings: list[Finding], suppressions: list[_Suppression]) -> list[Finding]:
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
                    _template_finding(
                        "DL005", f"行内抑制 {code} 没有抑制任何问题，请删除", suppression.line
                    )
                )
    return kept


# -- template drafts ---------------------------------------------------------------------


def _samples(stage: str, tone: str, channel: str, as_of: date) -> list[Account]:
    accounts = [sample_account(stage, as_of=as_of)]
    if tone == "empathetic":
        accounts.append(sample_account(stage, hardship=True, as_of=as_of))
    if channel == "letter":
        accounts.append(sample_account(stage, long_name=True, large_amount=True, as_of=as_of))
    return accounts


def _locate(finding: Finding, body_lines: list[str], first_line: int, rendered: str) -> Finding:
    """Move a finding from the rendered text to the draft line where its text is literal."""
    if finding.match:
        needle = finding.match.split("\n")[0].strip()
        for number, line in enumerate(body_lines, start=1):
            column = line.find(needle) if needle else -1
            if column >= 0:
                return finding.moved(number, column + 1, number, column + 1 + len(needle))
    if finding.offset == 0 and finding.end_offset == 0:
        return finding.moved(first_line, 1, first_line, 1)
    note = f"（渲染结果第{finding.line}行，非模板中的字面文字）"
    moved = finding.moved(first_line, 1, first_line, 1)
    return dataclasses.replace(moved, message=moved.message + note)


def _lint_template(
    path: Path, text: str, settings: Settings, options: DraftOptions, linter: Linter
) -> list[Finding]:
    findings: list[Finding] = []
    try:
        data, body, header_lines = split_front_matter(text)
    except TemplateError as error:
        return [_template_finding("DL003", str(error))]
    first_line = header_lines + 1
    meta: TemplateMeta | None = None
    if data is None:
        findings.append(
            _template_finding("DL003", "缺少 YAML 头部（stage、tone、channel、title、review）")
        )
    else:
        try:
            meta = TemplateMeta.model_validate(data)
        except ValidationError as error:
            for item in error.errors(include_url=False, include_input=False):
                key = ".".join(str(p) for p in item["loc"])
                reason = "未知的键" if item["type"] == "extra_forbidden" else item["msg"]
                findings.append(_template_finding("DL003", f"头部 {key}：{reason}", 2))
    channel = (
        options.channel
        or (meta.channel if meta else None)
        or ("letter" if path.name.endswith(".html.j2") else "sms")
    )
    stage = options.stage or (meta.stage if meta else None)
    tone = options.tone or (meta.tone if meta else None)

    registry = _registry_for(path, options)
    env = make_environment(registry)
    folder = "letters" if channel == "letter" else "sms"
    name = f"{folder}/{path.name}"
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({name: body}), registry.loader])
    problems = list(check_template_source(env, name, body, CONTEXT_MODELS))
    for problem in problems:
        code = "DL001" if problem.message.startswith("语法错误") else "DL002"
        findings.append(_template_finding(code, problem.message, problem.line or first_line))
    suppressions, suppression_problems = _suppressions(body)
    findings.extend(suppression_problems)
    if problems or stage is None or tone is None:
        return findings

    body_lines = body.split("\n")
    seen: set[tuple[str, int, int, str]] = set()
    content: list[Finding] = []
    disabled = set(meta.lint.disable) if meta else set()
    for account in _samples(stage, tone, channel, options.as_of):
        decision = decision_for(settings.stage_rule(stage), tone)
        letter = LetterInfo(
            number=settings.letters.number_format.format(year=options.as_of.year, seq=0),
            date=options.as_of,
            deadline=options.as_of + timedelta(days=decision.deadline_days),
            stage=stage,
            tone=tone,
            stage_name=decision.stage_name,
            title=meta.title if meta else "",
        )
        context = {"account": account, "creditor": settings.creditor, "letter": letter}
        try:
            rendered = render_template(env, name, context)
        except TemplateError as error:
            message = str(error)
            code = "DL004" if "required" in message.lower() else "DL002"
            findings.append(_template_finding(code, message, first_line))
            return findings
        pages = None
        if channel == "letter":
            text_out = html_to_text(rendered)
            if options.page_counter is not None:
                pages = options.page_counter(rendered)
        else:
            text_out = compose_sms(
                settings.creditor.sms_signature, rendered, max_segments=None
            ).text
        if not text_out.strip():
            findings.append(_template_finding("DL004", "渲染结果为空", first_line))
            return findings
        for finding in linter.lint(
            text_out,
            channel=channel,
            stage=stage,
            tone=tone,
            account=account,
            as_of=options.as_of,
            pages=pages,
        ):
            if finding.code in disabled and not finding.code.startswith("DL6"):
                continue
            located = _locate(finding, body_lines, first_line, text_out)
            identity = (located.code, located.line, located.column, located.message)
            if identity not in seen:
                seen.add(identity)
                content.append(located)
    findings.extend(_apply_suppressions(content, suppressions))
    return findings


def _registry_for(path: Path, options: DraftOptions) -> Registry:
    """Templates the draft can extend: its own templates folder, the user's, the built-ins."""
    roots = list(options.template_dirs)
    parent = path.resolve().parent
    if parent.name in ("letters", "sms") and (parent.parent / "letters").is_dir():
        roots.insert(0, parent.parent)
    return Registry.load(roots)


# -- plain drafts --------------------------------------------------------------------------


def _lint_plain(path: Path, text: str, options: DraftOptions, linter: Linter) -> list[Finding]:
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    return linter.lint(
        text,
        explain_skips=True,
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
            findings = _lint_template(path, text, settings, options, linter)
        elif path.suffix.lower() in (".txt", ".md", ".html", ".htm"):
            findings = _lint_plain(path, text, options, linter)
        else:
            raise DraftReadError("不支持的文件类型（支持 .html.j2、.txt.j2、.txt、.md、.html）")
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
                and p.name.endswith((".j2", ".txt", ".md", ".html"))
                and not p.name.startswith("_")
            )
        else:
            files = [path]
        for file in files:
            reports.append(lint_path(file, settings, options, linter))
    return reports
