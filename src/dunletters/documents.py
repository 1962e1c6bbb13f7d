"""Record → decision → document for one account: the step the CLI and batch share.

``render_one`` is what ``dunletters render`` runs: it reads one record (or takes a
built-in synthetic sample), decides its stage and tone by the policy (or uses the
ones asked for), and renders the letter (HTML or PDF) or the SMS.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from dunletters import zh
from dunletters.config import Settings
from dunletters.errors import AccountHeld, InputError
from dunletters.escalation import Decision, Hold, decide, decision_for
from dunletters.models import Account, parse_account
from dunletters.registry import Registry
from dunletters.rendering import LetterDocument, Renderer
from dunletters.samples import sample_account

if TYPE_CHECKING:
    from dunletters.pdf import PdfMetadata

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
    try:
        data = json.loads(_read_record_file(path).decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{path}：不是 UTF-8 编码的 JSON 文件") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{path}:{error.lineno}: 不是有效的 JSON（{error.msg}）") from None
    except (ValueError, RecursionError):
        raise InputError(f"{path}：不是有效的 JSON（数字过长或嵌套过深）") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}：须为一个 JSON 对象（一条账户记录）")
    return parse_account(data, as_of=as_of, source=str(path))


def preview_number(settings: Settings, as_of: date) -> str:
    """The 函号 of a one-off render: sequence 0, which the batch never allocates."""
    return settings.letters.number_format.format(year=as_of.year, seq=0)


def letter_pdf_metadata(settings: Settings, document: LetterDocument) -> PdfMetadata:
    """PDF metadata of a letter: title, creditor as author, 函号 as subject, fixed date.

    The creation date is the letter's date (midnight, Asia/Shanghai), never the clock:
    the same input gives the same bytes.
    """
    from dunletters.pdf import PdfMetadata  # WeasyPrint loads only when a PDF is made

    return PdfMetadata(
        title=document.letter.title,
        author=settings.creditor.name,
        subject=document.letter.number,
        created=datetime.combine(document.letter.date, time(0, 0), tzinfo=zh.SHANGHAI),
    )


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
    renderer = Renderer(settings, registry)
    number = preview_number(settings, as_of)
    if channel == "sms":
        sms = renderer.sms(account, decision, as_of, number).sms
        summary = f"{sms.length.characters}字，计费{sms.segments}条，{sms.length.encoding}"
        return RenderResult((sms.text + "\n").encode("utf-8"), summary)
    document = renderer.letter_html(account, decision, as_of, number)
    label = f"{decision.stage}.{decision.tone}，模板 {document.template.short_version}"
    if output_format == "html":
        return RenderResult(document.html.encode("utf-8"), label)
    from dunletters.pdf import PdfRenderer  # WeasyPrint loads only when needed

    pdf = PdfRenderer.for_registry(registry).render(
        document.html, letter_pdf_metadata(settings, document)
    )
    return RenderResult(pdf.data, f"{label}，{pdf.pages}页，{len(pdf.data) // 1024} KiB")
