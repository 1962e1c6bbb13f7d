"""The preview model: registry + template + account → what the debtor gets, and what is wrong.

Pure functions shared by ``dunletters preview`` and the web app. Each step is one of the
project's own: :class:`~dunletters.rendering.Renderer` renders (sandboxed, strict),
:class:`~dunletters.pdf.PdfRenderer` lays the letter out, ``pdftoppm`` rasterises *that*
PDF (so the PNG is the page the printer gets, not a browser's idea of the HTML), and
the linter runs twice:

* on the **template file**, exactly as ``dunletters lint`` does (:func:`lint_template`):
  DL0xx template checks plus the content rules over the built-in samples, findings
  mapped to template lines — the list an author fixes;
* on the **rendered document for the chosen account** (:func:`render_preview`): rules
  that compare the text with the record (amounts, 大写, names), and the real page count
  of the PDF (DL301), located by offsets in the text the debtor reads.

Highlighting is data, not markup (:func:`highlight_lines`, :func:`highlight_text`): the
page templates wrap each :class:`Segment` in ``<mark>`` and Jinja escapes the text, so
a record value can never become markup in the page.

Errors stay errors: a template that fails to render gives :attr:`Rendered.error` — the
one-line message of :class:`~dunletters.errors.TemplateError` and friends, which name the
file, line and field and never a record value.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from dunletters.approvals import APPROVALS_FILE
from dunletters.config import Settings
from dunletters.drafts import lint_path
from dunletters.errors import DunlettersError, PdfError, TemplateError
from dunletters.escalation import Decision, decide
from dunletters.history import HistoryFacts
from dunletters.lint.drafts import DraftOptions, PageCounter, read_text_file
from dunletters.lint.engine import Linter
from dunletters.lint.findings import Finding, Severity
from dunletters.lint.reporters import FileReport
from dunletters.models import Account
from dunletters.produce import Job, RunContext, preview_number, produce_documents
from dunletters.registry import (
    Channel,
    Registry,
    Template,
    draft_roots,
    read_template,
    split_front_matter,
)
from dunletters.rendering import Renderer
from dunletters.samples import sample_account
from dunletters.sms import Sms
from dunletters.vocabulary import CHANNEL_NAMES, STAGE_NAMES, STAGES, TONE_NAMES

if TYPE_CHECKING:
    from dunletters.pdf import PdfRenderer

__all__ = [
    "CHANNEL_NAMES",
    "TONE_NAMES",
    "PreviewUsageError",
    "Rendered",
    "SampleChoice",
    "Segment",
    "SourceLine",
    "TemplateSource",
    "default_sample",
    "draft_source",
    "fingerprint",
    "highlight_lines",
    "highlight_text",
    "lint_status",
    "lint_template",
    "parse_key",
    "pdf_to_png",
    "reach",
    "registered_source",
    "render_preview",
    "resolve_template",
    "sample_choices",
]

_KEY = re.compile(r"(?P<stage>[a-z][a-z0-9_-]*)\.(?P<tone>[a-z][a-z0-9_-]*)")
_SUFFIXES: dict[str, tuple[str, Channel]] = {
    ".html.j2": ("letters", "letter"),
    ".txt.j2": ("sms", "sms"),
}


class PreviewUsageError(DunlettersError):
    """The template to preview was named in a way that cannot work (exit 2)."""


# -- sample accounts -------------------------------------------------------------------


@dataclass(frozen=True)
class SampleChoice:
    """A named synthetic account an author can preview a template with."""

    id: str
    label: str
    account: Account


def sample_choices(stage: str, as_of: date) -> dict[str, SampleChoice]:
    """The picker: each stage's default sample, then the hard cases for ``stage``.

    The hard cases (hardship, broken promises, the longest name, the largest amount)
    are built for the template's own stage, so only the case differs, not the days.

    >>> list(sample_choices("late", date(2026, 11, 28)))
    ['early', 'middle', 'late', 'final', 'hardship', 'broken-promises', 'long-name', 'large-amount']
    """
    base = stage if stage in STAGES else "early"
    choices: dict[str, SampleChoice] = {}
    for each in STAGES:
        account = sample_account(each, as_of=as_of)
        label = f"{STAGE_NAMES[each]}样例（逾期{account.days_past_due}天）"
        choices[each] = SampleChoice(each, label, account)
    cases = (
        ("hardship", "困难客户（无力还款）", {"hardship": True}),
        ("broken-promises", "屡次爽约（3次）", {"promises_broken": 3}),
        ("long-name", "超长姓名", {"long_name": True}),
        ("large-amount", "最大金额", {"large_amount": True}),
    )
    for ident, label, flags in cases:
        account = sample_account(base, as_of=as_of, **flags)
        choices[ident] = SampleChoice(ident, f"{label} · {STAGE_NAMES[base]}", account)
    return choices


def default_sample(settings: Settings, stage: str, tone: str) -> str:
    """The sample the policy would send this (stage, tone) to: the natural first preview.

    An empathetic template goes to hardship accounts and a firm one, where firm is not
    the stage's own tone, to repeated broken promises; otherwise the stage's sample.

    >>> default_sample(Settings(), "early", "firm"), default_sample(Settings(), "late", "firm")
    ('broken-promises', 'late')
    """
    policy = settings.policy
    stage_tone = next((rule.tone for rule in policy.stages if rule.id == stage), None)
    if tone == stage_tone or stage not in STAGES:
        return stage if stage in STAGES else "early"
    if tone == policy.hardship_tone:
        return "hardship"
    if tone == policy.broken_promise_tone:
        return "broken-promises"
    return stage


def reach(settings: Settings, stage: str, tone: str) -> str:
    """Which accounts the policy sends this (stage, tone) to, in one Chinese sentence."""
    policy = settings.policy
    rule = next((r for r in policy.stages if r.id == stage), None)
    if rule is None:
        return f"按当前策略，没有 {stage} 阶段：批处理不会选用本模板。"
    days = f"{rule.min_days}–{rule.max_days} " if rule.max_days else f"≥ {rule.min_days} "
    clauses = []
    for found, source in policy.tone_sources(stage):
        if found != tone:
            continue
        if source == "hardship_tone":
            clauses.append("未符合语气规则的困难客户")
        elif source == "broken_promise_tone":
            clauses.append(
                f"未符合语气规则、爽约 ≥ {policy.firm_after_promises_broken} 次的非困难客户"
            )
        elif source == "stage":
            clauses.append("其余账户（本阶段缺省语气）")
        else:
            tone_rule = next(r for r in policy.tone_rules if r.name == source)
            clauses.append(f"符合语气规则「{source}」（{tone_rule.describe()}）的账户")
    where = f"{rule.name}（逾期 {days}天）"
    if not clauses:
        return f"按当前策略，{where}不会选用本模板：可在 [[policy.tone_rules]] 中加一条规则采用它。"
    return f"按当前策略，本模板用于{where}中：" + "；".join(clauses) + "。"


# -- which template ----------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateSource:
    """A template to preview, the registry it renders with, and its file's text.

    ``loader`` is set for a draft outside any templates folder: it serves the draft's
    body under its loader name ahead of the registry's folders (as ``dunletters lint``
    does), so ``{% extends "letters/_layout.html.j2" %}`` still finds the layout.
    """

    template: Template
    registry: Registry
    text: str
    loader: jinja2.BaseLoader | None = None

    @property
    def key(self) -> str:
        """``stage.tone``."""
        return f"{self.template.stage}.{self.template.tone}"


def parse_key(spec: str) -> tuple[str, str]:
    """``"late.firm"`` → ``("late", "firm")``; anything else is a usage error.

    >>> parse_key("late.firm")
    ('late', 'firm')
    """
    match = _KEY.fullmatch(spec)
    if match is None:
        raise PreviewUsageError(
            f"“{spec}”既不是模板文件，也不是“阶段.语气”形式的键（如 late.firm）"
        )
    return match["stage"], match["tone"]


def registered_source(registry: Registry, stage: str, tone: str, channel: str) -> TemplateSource:
    """A registered template; a miss raises :class:`TemplateError` listing what exists."""
    template = registry.get(stage, tone, channel)
    return TemplateSource(template, registry, template.path.read_text(encoding="utf-8"))


def draft_source(
    path: Path, template_dirs: Sequence[Path] = (), *, builtin: bool = True
) -> TemplateSource:
    """A template file given by path, registered or not (a draft being written).

    A file inside a templates folder (``…/letters/x.html.j2``) brings that folder in
    first, so its own layout and stylesheet are used; the registry entry for its
    (stage, tone, channel) is this file, whatever its name.
    """
    suffix = next((s for s in _SUFFIXES if path.name.endswith(s)), None)
    if suffix is None:
        raise PreviewUsageError(f"{path}：模板文件须以 .html.j2（信函）或 .txt.j2（短信）结尾")
    folder, channel = _SUFFIXES[suffix]
    text = read_text_file(path)
    _, body, _ = split_front_matter(text)
    name = f"{folder}/{path.name}"
    try:
        template = read_template(path, path.resolve().parent, name, channel)
    except TemplateError as error:
        raise TemplateError(f"{path}：{error}") from None
    registry = Registry.load(draft_roots(path, template_dirs), builtin=builtin)
    loader = jinja2.ChoiceLoader([jinja2.DictLoader({name: body}), registry.loader])
    template = registry.with_approval(template, loader)
    registry.templates[template.key] = template
    return TemplateSource(template, registry, text, loader)


def resolve_template(
    spec: str, channel: str | None, template_dirs: Sequence[Path] = (), *, builtin: bool = True
) -> TemplateSource:
    """A file path (a draft or a registered file) or a ``stage.tone`` key plus channel."""
    path = Path(spec)
    if path.is_file() or spec.endswith(".j2"):
        if not path.is_file():
            raise PreviewUsageError(f"模板文件不存在：{spec}")
        source = draft_source(path, template_dirs, builtin=builtin)
        if channel is not None and channel != source.template.channel:
            raise PreviewUsageError(
                f"{spec} 是{CHANNEL_NAMES[source.template.channel]}模板，与 --channel {channel} 不符"
            )
        return source
    stage, tone = parse_key(spec)
    registry = Registry.load(template_dirs, builtin=builtin)
    return registered_source(registry, stage, tone, channel or "letter")


# -- linting the template ------------------------------------------------------------------


def lint_template(
    settings: Settings,
    source: TemplateSource,
    *,
    as_of: date,
    linter: Linter,
    template_dirs: Sequence[Path] = (),
    page_counter: PageCounter | None = None,
    shown: str | None = None,
) -> FileReport:
    """The template file linted exactly as ``dunletters lint FILE`` lints it.

    ``shown`` is the path printed in the report (default: the file's path).
    """
    options = DraftOptions(
        as_of=as_of, template_dirs=tuple(template_dirs), page_counter=page_counter
    )
    report = lint_path(source.template.path, settings, options, linter)
    return FileReport(shown or report.path, report.findings, report.error)


def lint_status(findings: Iterable[Finding], error: str | None = None) -> str:
    """``"errors"``, ``"warnings"`` or ``"clean"`` (info findings are advice)."""
    severities = {finding.severity for finding in findings}
    if error is not None or Severity.ERROR in severities:
        return "errors"
    if Severity.WARNING in severities:
        return "warnings"
    return "clean"


# -- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """One template rendered for one account, and the findings on what it produced."""

    channel: str
    text: str = ""
    """The text the linter read: the letter as a reader reads it, or the whole SMS."""
    html: str | None = None
    pdf: bytes | None = None
    pages: int | None = None
    sms: Sms | None = None
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    policy_note: str | None = None
    """What the escalation policy would send this account instead, if not this template."""

    @property
    def status(self) -> str:
        """Lint status of the rendered document."""
        return lint_status(self.findings, self.error)


def _policy_note(
    settings: Settings, template: Template, account: Account, as_of: date
) -> str | None:
    decided = decide(account, settings.policy, as_of)
    if not isinstance(decided, Decision):
        return f"按策略，该账户暂停催收（{decided.message}），实际不会收到此文书。"
    if (decided.stage, decided.tone) != (template.stage, template.tone):
        return f"按策略，该账户实际会收到 {decided.stage}.{decided.tone} 模板。"
    return None


def render_preview(
    settings: Settings,
    source: TemplateSource,
    account: Account,
    *,
    as_of: date,
    linter: Linter,
    pdf_renderer: PdfRenderer | None = None,
    history: HistoryFacts | None = None,
) -> Rendered:
    """Render ``source`` for ``account`` as a batch would, then lint the result.

    Without ``pdf_renderer`` a letter is HTML only (WeasyPrint is never imported).
    ``history``: earlier contact (a sample's, as ``render --sample`` has); else unknown.
    """
    template = source.template
    channel = template.channel
    renderer = Renderer(settings, source.registry)
    if source.loader is not None:
        renderer.env.loader = source.loader
    # No segment budget here: an over-long SMS is shown, and DL6xx says so.
    ctx = RunContext(settings, renderer, linter, as_of, (channel,), pdf_renderer, sms_budget=False)
    number = preview_number(settings, as_of)
    job = Job(
        0, account.account_id, template.stage, template.tone, number, "", "", account, history
    )
    try:
        documents = produce_documents([job], ctx)[0]
    except DunlettersError as error:  # a stage the policy does not have
        return Rendered(channel, error=str(error))
    if documents.error is not None:
        return Rendered(channel, error=documents.error)
    sms = documents.sms.sms if documents.sms is not None else None
    letter = documents.letter
    return Rendered(
        channel,
        text=sms.text if sms is not None else documents.letter_text or "",
        html=letter.html if letter is not None else None,
        pdf=documents.letter_pdf,
        pages=documents.pages,
        sms=sms,
        findings=documents.sms_findings if sms is not None else documents.letter_findings,
        policy_note=_policy_note(settings, template, account, as_of),
    )


def pdf_to_png(pdf: bytes, *, dpi: int = 110) -> bytes:
    """The first page of a PDF as PNG, rasterised by poppler's ``pdftoppm``.

    Through a temporary folder: poppler 22 (Debian 12) reads and writes files only.
    """
    with tempfile.TemporaryDirectory(prefix="dunletters-preview-") as folder:
        source = Path(folder) / "letter.pdf"
        source.write_bytes(pdf)
        command = ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile"]
        try:
            subprocess.run(
                [*command, str(source), str(Path(folder) / "page")],
                check=True,
                capture_output=True,
                timeout=60,
            )
        except FileNotFoundError:
            raise PdfError(
                "需要 poppler-utils 中的 pdftoppm 才能生成 PNG（sudo apt-get install poppler-utils）"
            ) from None
        except subprocess.CalledProcessError as error:
            detail = error.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
            raise PdfError(f"pdftoppm 无法转换 PDF：{''.join(detail)}") from None
        return (Path(folder) / "page.png").read_bytes()


# -- highlighting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of text; ``mark`` is the index of the finding it shows, if any."""

    text: str
    mark: int | None = None
    severity: str | None = None


@dataclass(frozen=True)
class SourceLine:
    """One numbered line of a template with its marked spans.

    ``flagged`` holds the findings that point at the line but at no literal span
    (template syntax errors, text that only exists after rendering).
    """

    number: int
    segments: tuple[Segment, ...]
    flagged: tuple[int, ...] = ()
    severity: str | None = None


def _segments(text: str, spans: Sequence[tuple[int, int, int, str]]) -> tuple[Segment, ...]:
    """Cut ``text`` at non-overlapping spans ``(start, end, finding index, severity)``."""
    out: list[Segment] = []
    at = 0
    for start, end, index, severity in sorted(spans):
        if start < at or end <= start or end > len(text):
            continue  # overlapping or out of range: the finding keeps its list entry
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], index, severity))
        at = end
    if at < len(text) or not out:
        out.append(Segment(text[at:]))
    return tuple(out)


def _worst(severities: Iterable[str]) -> str | None:
    ranked = sorted(Severity(s) for s in severities)
    return str(min(ranked, key=lambda s: s.rank)) if ranked else None


def highlight_lines(text: str, findings: Sequence[Finding]) -> list[SourceLine]:
    """A template's lines with each finding's span marked (1-based columns, end exclusive).

    >>> from dunletters.lint.findings import Finding, Severity
    >>> f = Finding("DL601", "threat", Severity.ERROR, "合规", "威胁", 2, 3, 2, 7)
    >>> line = highlight_lines("a\\n请您后果自负。", [f])[1]
    >>> [(s.text, s.mark) for s in line.segments]
    [('请您', None), ('后果自负', 0), ('。', None)]
    """
    lines = text.split("\n")
    spans: dict[int, list[tuple[int, int, int, str]]] = {}
    flagged: dict[int, list[int]] = {}
    for index, finding in enumerate(findings):
        number = min(max(finding.line, 1), len(lines))
        if finding.end_line == finding.line and finding.end_column > finding.column:
            spans.setdefault(number, []).append(
                (finding.column - 1, finding.end_column - 1, index, str(finding.severity))
            )
        else:
            flagged.setdefault(number, []).append(index)
    result = []
    for number, line in enumerate(lines, start=1):
        segments = _segments(line, spans.get(number, []))
        marked = {s.mark for s in segments if s.mark is not None}
        # A span that could not be marked (overlap) flags its line instead.
        lost = [i for _, _, i, _ in spans.get(number, []) if i not in marked]
        pointers = tuple(flagged.get(number, []) + lost)
        severity = _worst(str(findings[i].severity) for i in pointers)
        result.append(SourceLine(number, segments, pointers, severity))
    return result


def highlight_text(text: str, findings: Sequence[Finding]) -> tuple[Segment, ...]:
    """The rendered text with each finding's ``offset``–``end_offset`` span marked."""
    spans = [
        (f.offset, f.end_offset, index, str(f.severity))
        for index, f in enumerate(findings)
        if f.end_offset > f.offset
    ]
    return _segments(text, spans)


# -- change detection ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    """What the template folders hold now: all files, and the shared ones (layouts, CSS).

    From ``stat`` only (path, size, mtime, inode), so polling every 300 ms costs
    microseconds; a save that renames a new file into place changes the inode.
    """

    all: str
    shared: str
    files: tuple[str, ...] = field(default=(), compare=False)


def fingerprint(roots: Sequence[Path]) -> Fingerprint:
    """The :class:`Fingerprint` of every file under the roots' ``letters/`` and ``sms/``."""
    every = hashlib.sha256()
    shared = hashlib.sha256()
    names: list[str] = []
    for position, root in enumerate(roots):
        for folder in ("letters", "sms"):
            directory = root / folder
            if not directory.is_dir():
                continue
            for dirpath, dirnames, filenames in os.walk(directory):
                dirnames.sort()
                for filename in sorted(filenames):
                    path = Path(dirpath) / filename
                    try:
                        info = path.stat()
                    except OSError:
                        continue  # removed while we looked: the next poll sees it
                    line = f"{position}:{path.relative_to(root).as_posix()}:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}\n"
                    every.update(line.encode())
                    if filename.startswith("_") or not filename.endswith(".j2"):
                        shared.update(line.encode())
                    names.append(str(path))
        with suppress(OSError):  # an approval changes what the pages show, not the lint
            info = (root / APPROVALS_FILE).stat()
            every.update(
                f"{position}:{APPROVALS_FILE}:{info.st_size}:{info.st_mtime_ns}\n".encode()
            )
    return Fingerprint(every.hexdigest()[:16], shared.hexdigest()[:16], tuple(names))
