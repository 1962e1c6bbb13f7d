"""``dunletters render``: one record (or the built-in sample) to a letter or an SMS file.

``render_one`` reads the record (or takes a built-in synthetic sample), decides its
stage and tone by the policy (or uses the ones asked for), and produces the letter
(HTML or PDF) or the SMS through :func:`dunletters.produce.produce_documents`, the
step the batch uses too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dunletters.commands.records import load_record, write_private
from dunletters.config import Settings
from dunletters.errors import AccountHeld, UsageError
from dunletters.escalation import Decision, Hold, decide, decision_for
from dunletters.history import sample_history
from dunletters.models import Account
from dunletters.produce import Job, RunContext, preview_number, produce_documents
from dunletters.registry import Registry
from dunletters.samples import sample_account

__all__ = ["OUTPUT_SUFFIXES", "RenderResult", "output_format", "render_one", "render_to_file"]


@dataclass(frozen=True)
class RenderResult:
    """The bytes to write and a one-line Chinese summary for the terminal."""

    data: bytes
    summary: str


OUTPUT_SUFFIXES: dict[str, tuple[str, ...]] = {"letter": (".pdf", ".html"), "sms": (".txt",)}
"""The output files each channel can be written to."""


def output_format(channel: str, output: Path, *, record: Path | None, sample: bool) -> str:
    """The format the output file's suffix names (``pdf``, ``html``, ``txt``), once the
    options are known to fit together."""
    suffix = output.suffix.lower()
    allowed = OUTPUT_SUFFIXES[channel]
    if suffix not in allowed:
        raise UsageError(f"{channel} 的输出文件须以 {' 或 '.join(allowed)} 结尾")
    if record is not None and sample:
        raise UsageError("给出记录时不能同时使用 --sample")
    return suffix.lstrip(".")


def render_to_file(
    settings: Settings,
    registry: Registry,
    *,
    record: Path | None,
    channel: str,
    stage: str | None,
    tone: str | None,
    as_of: date,
    output: Path,
    fmt: str,
) -> str:
    """Render, write the file (owner-only) and return the line that says so."""
    result = render_one(
        settings,
        registry,
        record=record,
        channel=channel,
        stage=stage,
        tone=tone,
        as_of=as_of,
        output_format=fmt,
    )
    write_private(output, result.data)
    return f"已写入 {output}（{result.summary}）"


def _decision(
    settings: Settings, account: Account, stage: str | None, tone: str | None, as_of: date
) -> Decision:
    if stage is not None:
        rule = settings.stage_rule(stage)
        return decision_for(rule, tone)
    decision = decide(account, settings.policy, as_of)
    if isinstance(decision, Hold):
        raise AccountHeld(f"该账户按策略暂停催收，不生成文书：{decision.message}")
    if tone is not None:
        return Decision(decision.stage, tone, decision.stage_name, decision.deadline_days)
    return decision


def render_one(
    settings: Settings,
    registry: Registry,
    *,
    record: Path | None,
    channel: str,
    stage: str | None,
    tone: str | None,
    as_of: date,
    output_format: str,
) -> RenderResult:
    """Render one letter (``pdf``/``html``) or SMS (``txt``) for a record or a sample."""
    account = (
        load_record(record, as_of)
        if record is not None
        else sample_account(stage or "early", as_of=as_of)
    )
    decision = _decision(settings, account, stage, tone, as_of)
    ctx = RunContext.create(
        settings, registry, as_of=as_of, channels=(channel,), pdf=output_format == "pdf"
    )
    # A sample gets invented facts of earlier contact to match its stage; a record,
    # the ledger's (when one is configured) through the context.
    history = sample_history(decision.stage, as_of) if record is None else None
    job = Job(0, account.account_id, decision.stage, decision.tone,
              preview_number(settings, as_of), "", "", account, history)  # fmt: skip
    documents = produce_documents([job], ctx, strict=True)[0]
    if documents.sms is not None:
        sms = documents.sms.sms
        summary = f"{sms.length.characters}字，计费{sms.segments}条，{sms.length.encoding}"
        return RenderResult((sms.text + "\n").encode("utf-8"), summary)
    letter = documents.letter
    assert letter is not None
    label = f"{decision.stage}.{decision.tone}，模板 {letter.template.short_version}"
    if documents.letter_pdf is None:
        return RenderResult(letter.html.encode("utf-8"), label)
    data, pages = documents.letter_pdf, documents.pages
    return RenderResult(data, f"{label}，{pages}页，{len(data) // 1024} KiB")
