"""Template drafts (``*.html.j2``, ``*.txt.j2``): checked, rendered, linted, located.

A template is first checked as a template (front matter, Jinja syntax, variables that
exist on the record model: DL001–DL004), then rendered against built-in synthetic
accounts for its declared stage, tone and channel, and each rendering linted like a
letter or SMS; findings are moved back to the template line where their text is
literal. Split from :mod:`drafts` so that linting a plain draft never imports the
rendering stack.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import jinja2
from pydantic import ValidationError

from dunletters.config import Settings
from dunletters.errors import TemplateError
from dunletters.escalation import decision_for
from dunletters.lint.drafts import (
    DraftOptions,
    apply_suppressions,
    find_suppressions,
    template_finding,
)
from dunletters.lint.engine import Linter
from dunletters.lint.extract import html_to_text
from dunletters.lint.findings import Finding
from dunletters.models import Account
from dunletters.registry import (
    Registry,
    TemplateMeta,
    check_template_source,
    draft_roots,
    split_front_matter,
)
from dunletters.rendering import (
    CONTEXT_MODELS,
    LetterInfo,
    make_environment,
    render_limits,
    render_template,
)
from dunletters.samples import sample_account
from dunletters.sms import compose_sms

__all__ = ["lint_template"]


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
            for item in error.errors(include_url=False, include_input=False):
                key = ".".join(str(p) for p in item["loc"])
                reason = "未知的键" if item["type"] == "extra_forbidden" else item["msg"]
                findings.append(template_finding("DL003", f"头部 {key}：{reason}", 2))
    channel = (
        options.channel
        or (meta.channel if meta else None)
        or ("letter" if path.name.endswith(".html.j2") else "sms")
    )
    stage = options.stage or (meta.stage if meta else None)
    tone = options.tone or (meta.tone if meta else None)

    registry = Registry.load(draft_roots(path, options.template_dirs))
    env = make_environment(registry, render_limits(settings))
    folder = "letters" if channel == "letter" else "sms"
    name = f"{folder}/{path.name}"
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({name: body}), registry.loader])
    problems = list(check_template_source(env, name, body, CONTEXT_MODELS))
    for problem in problems:
        code = "DL001" if problem.message.startswith("语法错误") else "DL002"
        findings.append(template_finding(code, problem.message, problem.line or first_line))
    suppressions, suppression_problems = find_suppressions(body)
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
            findings.append(template_finding(code, message, first_line))
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
            findings.append(template_finding("DL004", "渲染结果为空", first_line))
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
    findings.extend(apply_suppressions(content, suppressions))
    return findings
