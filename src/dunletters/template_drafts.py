"""Linting template drafts: the template checked as source, then rendered and linted.

A template draft (``*.html.j2``, ``*.txt.j2``) is checked in two passes:

1. as a template (DL0xx): front matter (DL003), Jinja syntax (DL001), variables and
   filters against the render context models (DL002), inline suppressions
   (DL005 unused, DL006 compliance codes may not be suppressed inline);
2. as the documents it produces: rendered against the built-in synthetic sample
   accounts for its declared stage/tone/channel (the stage's sample, plus the
   hardship sample for an empathetic tone, plus the longest name and the largest
   amount for letters), each rendering linted with its record; a finding whose
   matched text is literal in the draft is reported at the draft's line.

A composition step (it renders, then lints), so it lives above both the document
layer and the linter; :mod:`dunletters.drafts` imports it only for a template, so a
plain draft never loads the rendering stack.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import jinja2
from pydantic import ValidationError

from dunletters.config import Settings, StageRule
from dunletters.errors import DunlettersError, TemplateError, key_reason, validation_items
from dunletters.escalation import decision_for
from dunletters.lint.drafts import DraftOptions
from dunletters.lint.engine import Linter
from dunletters.lint.findings import Finding
from dunletters.lint.suppressions import apply_suppressions, find_suppressions, template_finding
from dunletters.models import Account
from dunletters.produce import Job, RunContext, preview_number, produce_documents
from dunletters.registry import (
    UNMASKED_MARK,
    LintOptions,
    Problem,
    Registry,
    Template,
    TemplateMeta,
    check_template_source,
    draft_roots,
    split_front_matter,
)
from dunletters.rendering import CONTEXT_MODELS, Renderer, over_budget
from dunletters.samples import sample_account

__all__ = ["lint_template", "render_problems"]


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


def lint_template(
    path: Path, text: str, settings: Settings, options: DraftOptions, linter: Linter
) -> list[Finding]:
    """Every finding of a template draft, at template lines."""
    findings: list[Finding] = []
    try:
        data, body, header_lines = split_front_matter(text)
    except TemplateError as error:
        return [template_finding("DL003", str(error))]
    first_line = header_lines + 1
    meta: TemplateMeta | None = None
    if data is None:
        findings.append(
            template_finding("DL003", "缺少 YAML 头部（stage、tone、channel、title、review）")
        )
    else:
        try:
            meta = TemplateMeta.model_validate(data)
        except ValidationError as error:
            for key, item in validation_items(error):
                findings.append(template_finding("DL003", f"头部 {key}：{key_reason(item)}", 2))
    channel = (
        options.channel
        or (meta.channel if meta else None)
        or ("letter" if path.name.endswith(".html.j2") else "sms")
    )
    stage = options.stage or (meta.stage if meta else None)
    tone = options.tone or (meta.tone if meta else None)

    registry = Registry.load(draft_roots(path, options.template_dirs))
    renderer = Renderer(settings, registry)
    env = renderer.env
    folder = "letters" if channel == "letter" else "sms"
    name = f"{folder}/{path.name}"
    # The draft under its own file name, so that a render error names its line.
    draft_loader = jinja2.FunctionLoader(
        lambda wanted: (body, name, lambda: True) if wanted == name else None
    )
    env.loader = jinja2.ChoiceLoader([draft_loader, registry.loader])
    problems = list(check_template_source(env, name, body, CONTEXT_MODELS))
    for problem in problems:
        findings.append(
            template_finding(_problem_code(problem), problem.message, problem.line or first_line)
        )
    suppressions, suppression_problems = find_suppressions(body)
    findings.extend(suppression_problems)
    if problems or stage is None or tone is None:
        return findings

    body_lines = body.split("\n")
    seen: set[tuple[str, int, int, str]] = set()
    content: list[Finding] = []
    disabled = set(meta.lint.disable) if meta else set()
    draft = _draft(path, name, channel, stage, tone, meta)
    registry.templates[draft.key] = draft  # the renderer's registry: it renders the draft
    ctx = RunContext(
        settings,
        renderer,
        linter,
        options.as_of,
        (draft.channel,),
        sms_budget=False,
        page_counter=options.page_counter,
    )
    number = preview_number(settings, options.as_of)
    jobs = [
        Job(index, account.account_id, stage, tone, number, "", "", account)
        for index, account in enumerate(_samples(stage, tone, channel, options.as_of))
    ]
    try:
        produced = produce_documents(jobs, ctx, strict=True)
    except TemplateError as error:
        message = str(error)
        if over_budget(message):
            code = "DL007"  # 渲染超时 / 超过输出上限 / 递归过深: not an unknown variable
        else:
            code = "DL004" if "required" in message.lower() else "DL002"
        findings.append(template_finding(code, message, _error_line(message, name, first_line)))
        return findings
    for documents in produced:
        if channel == "letter":
            text_out, found = documents.letter_text or "", documents.letter_findings
        else:
            assert documents.sms is not None
            text_out, found = documents.sms.sms.text, documents.sms_findings
        if not text_out.strip():
            findings.append(template_finding("DL004", "渲染结果为空", first_line))
            return findings
        for finding in found:
            if finding.code in disabled and not finding.code.startswith("DL6"):
                continue
            located = _locate(finding, body_lines, first_line, text_out)
            identity = (located.code, located.line, located.column, located.message)
            if identity not in seen:
                seen.add(identity)
                content.append(located)
    findings.extend(apply_suppressions(content, suppressions))
    return findings


def _problem_code(problem: Problem) -> str:
    """The DL0xx code of a template-source problem."""
    if problem.message.startswith("语法错误"):
        return "DL001"
    return "DL008" if problem.message.startswith(UNMASKED_MARK) else "DL002"


def _error_line(message: str, name: str, first_line: int) -> int:
    """The draft's line a render error names (``letters/x.html.j2:12: …``), else its first."""
    prefix = f"{name}:"
    if message.startswith(prefix):
        number = message[len(prefix) :].split(":", 1)[0]
        if number.isdigit():
            return int(number)
    return first_line


def render_problems(registry: Registry, settings: Settings, as_of: date) -> list[Problem]:
    """Each registered template rendered for its stage's sample account, under ``[render]``'s
    time and output limits: a loop that never ends, a huge string or an endless macro is
    a problem of ``templates check`` (D-18), not a clean result.

    Text only (no PDF layout): what the budget bounds is the template's own work.
    """
    renderer = Renderer(settings, registry)
    rules: dict[str, StageRule] = {rule.id: rule for rule in settings.policy.stages}
    problems: list[Problem] = []
    for template in registry:
        rule = rules.get(template.stage)
        if rule is None:  # a stage the policy never produces: nothing to render it for
            continue
        decision = decision_for(rule, template.tone)
        account = sample_account(template.stage, as_of=as_of)
        number = preview_number(settings, as_of)
        try:
            if template.channel == "letter":
                renderer.letter_html(account, decision, as_of, number)
            else:
                renderer.sms(account, decision, as_of, number)
        except DunlettersError as error:  # a template error, or an SMS over its budget
            problems.append(_render_problem(template.name, error))
    return problems


def _render_problem(name: str, error: DunlettersError) -> Problem:
    """A render error as a problem at the file and line its message names."""
    message = str(error)
    said = "渲染失败：" if isinstance(error, TemplateError) else ""
    where, sep, reason = message.partition(": ")
    path, _, line = where.rpartition(":")
    if sep and path.endswith(".j2"):
        return Problem(path, said + reason, int(line) if line.isdigit() else None)
    if sep and where.endswith(".j2"):
        return Problem(where, said + reason)
    return Problem(name, said + message)


def _draft(
    path: Path, name: str, channel: str, stage: str, tone: str, meta: TemplateMeta | None
) -> Template:
    """The draft as a registered template, for the stage and tone it is linted as.

    Front matter that is missing or invalid has been reported (DL003); the draft is
    still rendered when the command line says its stage and tone, with an empty title.
    """
    if meta is None:
        meta = TemplateMeta.model_construct(
            stage=stage, tone=tone, channel=channel, title="", lint=LintOptions()
        )
    return Template(
        stage=stage,
        tone=tone,
        channel="letter" if channel == "letter" else "sms",
        name=name,
        path=path,
        meta=meta,
        version="",
        origin="draft",
    )
