"""The one-off ``dunletters render``: one record (or sample) → its letter or SMS.

``render_one`` reads one record (or takes a built-in synthetic sample), decides its
stage and tone by the policy (or uses the ones asked for), and produces the letter
(HTML or PDF) or the SMS through :func:`dunletters.produce.produce_documents`, the
step the batch uses too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dunletters.config import Settings
from dunletters.errors import AccountHeld, InputError
from dunletters.escalation import Decision, Hold, decide, decision_for
from dunletters.history import sample_history
from dunletters.models import Account
from dunletters.produce import (
    Job,
    RunContext,
    letter_pdf_metadata,
    preview_number,
    produce_documents,
)
from dunletters.record_json import account_from_json, file_origin
from dunletters.registry import Registry
from dunletters.samples import sample_account

# letter_pdf_metadata and preview_number live in dunletters.produce; re-exported for tests/test_pdf.py.
__all__ = [
    "RenderResult",
    "letter_pdf_metadata",
    "load_record",
    "preview_number",
    "render_one",
    "write_private",
]


@dataclass(frozen=True)
class RenderResult:
    """The bytes to write and a one-line Chinese summary for the terminal."""

    data: bytes
    summary: str


def write_private(path: Path, data: bytes) -> None:
    """Write a rendered document owner-only (0600, whatever the umask or an existing
    file's mode): it holds a record's name and account facts (D-33)."""
    from dunletters.batch.storage import write_error

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), 0o600)
            stream.write(data)
    except OSError as error:
        raise write_error(path, error) from None


RECORD_FILE_LIMIT = 1_000_000
"""Largest record file (bytes): one account is a few hundred (the preview's upload limit)."""


def _read_record_file(path: Path) -> bytes:
    """A record file's bytes: a regular file of bounded size (a FIFO would block, a device
    or a huge file never end)."""
    import stat

    try:
        if not stat.S_ISREG(path.stat().st_mode):  # before opening: a FIFO's open blocks
            raise InputError(f"{path}：不是普通文件（管道或设备），请给出 JSON 文件")
        with path.open("rb") as stream:
            data = stream.read(RECORD_FILE_LIMIT + 1)
    except OSError as error:
        raise InputError(f"无法读取记录文件 {path}：{error.strerror}") from None
    if len(data) > RECORD_FILE_LIMIT:
        raise InputError(f"{path}：记录文件过大（一条账户记录应在 1 MB 以内）")
    return data


def load_record(path: Path, as_of: date) -> Account:
    """One account from a JSON object file; errors name the file and fields only."""
    return account_from_json(_read_record_file(path), as_of, file_origin(path))


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
