"""One account through the pipeline: decision → documents → findings → outputs.

DESIGN.md's centre: :func:`produce` takes a :class:`Job` (one decided account) and a
:class:`RunContext` (what a run renders and lints with) and returns an
:class:`Outcome` — the journal's row update and the files to write. The batch, the
``render`` command, the preview and the Python API all go through it:

* :func:`produce_documents` renders and lints a list of jobs (the SMS of a job are
  linted together, rule by rule, which gives the same findings for less CPU);
* :func:`outputs` turns one account's :class:`Documents` into its :class:`Outcome`;
* :func:`produce_part` does a print part: each letter laid out once, written as its
  own PDF and, when delivered, again into the part's print file.

Jobs, outcomes and :class:`RunSpec` are plain NamedTuples, so they cross process
boundaries (a process pool today, a distributed worker later); they and the context
are defined in :mod:`dunletters.jobs` and re-exported here. A process builds its
:class:`RunContext` once from a spec through :func:`run_context`, which caches it.
Pure apart from that cache: the same job and spec give the same bytes.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from dunletters import zh
from dunletters.batch.journal import dumps
from dunletters.config import Settings
from dunletters.errors import AccountHeld, DunlettersError
from dunletters.escalation import Decision, Hold, HoldReason, decide, decision_for, usable_address
from dunletters.history import UNKNOWN, HistoryFacts
from dunletters.jobs import (
    Documents,
    Job,
    Outcome,
    PartOutcome,
    PrintPart,
    RunContext,
    RunSpec,
    init_worker,
    run_context,
    worker_context,
)
from dunletters.lint.context import LintContext
from dunletters.lint.extract import html_to_text
from dunletters.models import Account, parse_account
from dunletters.registry import Registry
from dunletters.rendering import LetterDocument, SmsDocument, render_template
from dunletters.sms import compose_sms

if TYPE_CHECKING:
    from dunletters.pdf import PdfMetadata

__all__ = [
    "Documents",
    "Job",
    "Outcome",
    "PartOutcome",
    "PrintPart",
    "RunContext",
    "RunSpec",
    "init_worker",
    "letter_pdf_metadata",
    "outputs",
    "preview_number",
    "print_manifest",
    "produce",
    "produce_documents",
    "produce_many",
    "produce_part",
    "produce_record",
    "run_context",
    "worker_context",
]


def print_manifest(rows: Sequence[tuple[str, str, str]]) -> bytes:
    """``page,account_id,letter_number,postcode``, one line a page (UTF-8 with BOM, for Excel)."""
    import csv
    import io

    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(["page", "account_id", "letter_number", "postcode"])
    writer.writerows((page, *row) for page, row in enumerate(rows, start=1))
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


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


def _account(job: Job) -> Account:
    """The job's account: trusted from the journal when its hash matches, else validated.

    A matching SHA-256 means the JSON is byte for byte what this program wrote from a
    validated record, so it is read back without running the validators again.
    """
    if job.account is not None:
        return job.account
    if hashlib.sha256(job.record_json.encode()).hexdigest() == job.record_hash:
        return Account.from_journal(job.record_json)
    return Account.model_validate_json(job.record_json)


def _sms(
    ctx: RunContext, account: Account, decision: Decision, number: str, history: HistoryFacts
) -> SmsDocument:
    """The SMS, measured against the segment budget unless the context shows it whole."""
    renderer = ctx.renderer
    if ctx.sms_budget:
        return renderer.sms(account, decision, ctx.as_of, number, history)
    template, letter = renderer.letter_info(decision, "sms", ctx.as_of, number)
    body = render_template(renderer.env, template, renderer.context(account, letter, history))
    sms = compose_sms(
        ctx.settings.creditor.sms_signature,
        body,
        max_segments=None,
        international=ctx.settings.sms.international,
    )
    return SmsDocument(sms, template, letter)


def _letter(
    ctx: RunContext,
    job: Job,
    account: Account,
    history: HistoryFacts,
    made: dict[str, Any],
    keep: bool,
) -> None:
    """Lay the rendered letter out (when the context makes PDFs) and lint it.

    Each result goes into ``made`` as it is made, so an error part-way still leaves
    what was made for the quarantine (see :func:`produce_documents`).
    """
    document: LetterDocument = made["letter"]
    if ctx.pdf is None:
        made["letter_html"] = document.html
        if ctx.page_counter is not None:
            made["pages"] = ctx.page_counter(document.html)
    else:
        laid_out = ctx.pdf.lay_out(document.html)
        written = ctx.pdf.write(laid_out, letter_pdf_metadata(ctx.settings, document))
        made["letter_pdf"], made["pages"] = written.data, written.pages
        if keep:
            made["layout"] = laid_out
        else:
            ctx.pdf.release(laid_out)
    made["letter_text"] = text = html_to_text(document.html)
    made["letter_findings"] = tuple(
        ctx.linter.lint(
            text,
            channel="letter",
            stage=job.stage,
            tone=job.tone,
            account=account,
            as_of=ctx.as_of,
            pages=made.get("pages"),
            history=history,
        )
    )


def produce_documents(
    jobs: Sequence[Job], ctx: RunContext, *, keep_layouts: bool = False, strict: bool = False
) -> list[Documents]:
    """Render and lint each job's documents in the context's channels.

    An error (a template that fails, an SMS over budget, a record altered in the
    journal) stops that account only and is its :attr:`Documents.error`; with
    ``strict`` it is raised as itself instead (a one-off render reports it).
    """
    made_all: list[dict[str, Any]] = []  # each account's Documents fields, as they are made
    to_lint: list[tuple[dict[str, Any], LintContext]] = []  # rendered SMS
    histories = _histories(jobs, ctx)
    for job, history in zip(jobs, histories, strict=True):
        made: dict[str, Any] = {"row": job.row}
        made_all.append(made)
        try:
            account = _account(job)
        except ValidationError:
            made["error"] = "批处理日志中的记录无法读取（与写入时不符）"
            continue
        decision = decision_for(ctx.settings.stage_rule(job.stage), job.tone)
        number = job.letter_number or ""
        try:
            if "letter" in ctx.channels:
                if ctx.hold_without_address and not usable_address(account.address):
                    made["letter_held"] = True
                else:
                    made["letter"] = ctx.renderer.letter_html(
                        account, decision, ctx.as_of, number, history
                    )
                    _letter(ctx, job, account, history, made, keep_layouts)
            if "sms" in ctx.channels:
                made["sms"] = sms = _sms(ctx, account, decision, number, history)
                lint = ctx.linter.context(
                    sms.sms.text,
                    channel="sms",
                    stage=job.stage,
                    tone=job.tone,
                    account=account,
                    as_of=ctx.as_of,
                    history=history,
                )
                to_lint.append((made, lint))
        except DunlettersError as error:
            if strict:
                raise
            made["error"] = str(error)  # what was made stays (a PDF goes to the quarantine)
    # A job's SMS are linted together, rule by rule across them (Linter.run_many).
    linted = ctx.linter.run_many([lint for _, lint in to_lint])
    for (made, _), found in zip(to_lint, linted, strict=True):
        if isinstance(found, DunlettersError):
            if strict:
                raise found
            made["error"] = str(found)
        else:
            made["sms_findings"] = tuple(found)
    return [Documents(**made) for made in made_all]


def _histories(jobs: Sequence[Job], ctx: RunContext) -> list[HistoryFacts]:
    """Each job's earlier contact: its own, else the ledger's (one look-up), else unknown."""
    found: list[HistoryFacts] = [job.history or UNKNOWN for job in jobs]
    if ctx.history_of is None:
        return found
    missing = [index for index, job in enumerate(jobs) if job.history is None]
    accounts: list[Account | None] = []
    for index in missing:
        try:
            accounts.append(_account(jobs[index]))
        except ValidationError:
            accounts.append(None)  # reported as the job's error by produce_documents
    looked_up = iter(ctx.history_of([a for a in accounts if a is not None]))
    for index, account in zip(missing, accounts, strict=True):
        if account is not None:
            found[index] = next(looked_up)
    return found


def outputs(documents: Documents, job: Job) -> Outcome:
    """An account's journal update and the files it names: pure.

    The caller writes the files (atomically) before it commits the update that names
    them, so a committed ``written`` row always has its file.
    """
    findings = documents.findings
    counts: dict[str, int] = {}
    errors = []
    for finding in findings:
        code = str(finding["code"])
        counts[code] = counts.get(code, 0) + 1
        if finding["severity"] == "error":
            errors.append(finding)
    sms = documents.sms
    letter = documents.letter
    stored = (
        letter.template.name if letter else None,
        letter.template.version if letter else None,
        sms.template.name if sms else None,
        sms.template.version if sms else None,
        sms.sms.text if sms else None,
        sms.sms.segments if sms else None,
    )  # PRODUCED_COLUMNS
    summary = dumps(counts) if counts else "{}"
    details = _finding_details(documents, job) if findings else None
    pdf = documents.letter_pdf
    account_id = job.account_id
    if documents.error is not None or errors:
        folder = "quarantine"
        report = {"account_id": account_id, "error": documents.error, "findings": findings}
        files = [(f"{folder}/{account_id}.findings.json", (dumps(report) + "\n").encode())]
        if pdf:
            files.append((f"{folder}/{account_id}.pdf", pdf))
        elif documents.letter_html:
            files.append((f"{folder}/{account_id}.html", documents.letter_html.encode()))
        if sms is not None and sms.sms.text:
            files.append((f"{folder}/{account_id}.sms.txt", (sms.sms.text + "\n").encode()))
        reason = documents.error or "、".join(sorted({str(f["code"]) for f in errors}))
        update = ("quarantined", reason, *stored, summary, None, None, None, details, documents.row)
        return Outcome(update, files)
    if pdf:
        path = f"letters/{job.stage}/{account_id}.pdf"
        written = (path, hashlib.sha256(pdf).hexdigest(), len(pdf))
        done = ("written", None, *stored, summary, *written, details, documents.row)
        return Outcome(done, [(path, pdf)])
    held = HoldReason.NO_ADDRESS.value if documents.letter_held else None
    return Outcome(
        ("written", held, *stored, summary, None, None, None, details, documents.row), []
    )


def _finding_details(documents: Documents, job: Job) -> str:
    """Each finding with its rule's Chinese name and its sentence, masked (JSON, for the
    manifest and the summary): only for an account with findings."""
    from dunletters.excerpts import finding_details

    try:
        account: Account | None = _account(job)
    except ValidationError:
        account = None  # its documents were not made: no sentence to mask
    texts = {
        "letter": documents.letter_text or "",
        "sms": documents.sms.sms.text if documents.sms is not None else "",
    }
    found = [("letter", f, texts["letter"]) for f in documents.letter_findings] + [
        ("sms", f, texts["sms"]) for f in documents.sms_findings
    ]
    return dumps(finding_details(found, account))


def produce_many(jobs: Sequence[Job], ctx: RunContext) -> list[Outcome]:
    """Each job's :class:`Outcome` (see :func:`produce_documents` and :func:`outputs`)."""
    return [
        outputs(documents, job)
        for documents, job in zip(produce_documents(jobs, ctx), jobs, strict=True)
    ]


def produce(job: Job, ctx: RunContext) -> Outcome:
    """One account: decide, render, lay out, lint and work out its outputs."""
    return produce_many([job], ctx)[0]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic collector off for a print part, then one collection.

    A part keeps up to 100 laid-out letters alive until its print file is written,
    and the collector's automatic passes would walk them again and again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()


def produce_part(jobs: Sequence[Job], ctx: RunContext, part: PrintPart) -> PartOutcome:
    """A print part's accounts, and its print file of the delivered letters.

    A letter is laid out once: written as its own PDF, linted with its page count,
    and, when delivered (no error finding), written again with the part's other
    letters into the print file, fonts embedded once.
    """
    printing = part.write_file and ctx.pdf is not None
    with _collector_paused():
        produced = produce_documents(jobs, ctx, keep_layouts=printing)
        try:
            return _part(produced, jobs, ctx, part)
        finally:
            if ctx.pdf is not None:
                for documents in produced:
                    if documents.layout is not None:
                        ctx.pdf.release(documents.layout)
            del produced  # before the collection


def _part(
    produced: list[Documents], jobs: Sequence[Job], ctx: RunContext, part: PrintPart
) -> PartOutcome:
    """A part's outcomes and print file, from its produced documents."""
    outcomes = [outputs(documents, job) for documents, job in zip(produced, jobs, strict=True)]
    printed = [
        (d, job.account_id, d.letter.letter.number, _account(job).postcode)
        for d, job in zip(produced, jobs, strict=True)
        if d.layout is not None and d.delivered and d.letter is not None
    ]
    if ctx.settings.letters.print_order == "postcode":
        printed.sort(key=_postcode_order)  # stable: input order within a postcode
    delivered = [entry[0] for entry in printed]
    pages = [entry[1:] for entry in printed]
    if not delivered or ctx.pdf is None:
        return PartOutcome(outcomes, part, None)
    from dunletters.pdf import PdfMetadata

    first = delivered[0]
    assert first.letter is not None
    meta = PdfMetadata(
        title=f"{ctx.settings.stage_rule(part.stage).name}信函（印刷合并文件）",
        author=ctx.settings.creditor.name,
        subject=f"{ctx.as_of.isoformat()} {part.stage} {len(delivered)}封",
        created=letter_pdf_metadata(ctx.settings, first.letter).created,
    )
    layouts = [d.layout for d in delivered if d.layout is not None]
    return PartOutcome(outcomes, part, ctx.pdf.write_print(layouts, meta), print_manifest(pages))


def _postcode_order(entry: tuple[Any, str, str, str]) -> tuple[bool, str]:
    """A print file's letters by postcode for the mail house's sorting; none last."""
    postcode = entry[3]
    return (not postcode, postcode)


def produce_record(
    record: Mapping[str, Any] | Account,
    *,
    as_of: date,
    settings: Settings | None = None,
    registry: Registry | None = None,
    channels: Sequence[str] = ("letter",),
    pdf: bool = True,
) -> Documents:
    """One record, from Python: validated, decided, rendered, laid out and linted.

    ``record`` is a mapping of cells (as a row of the batch's input) or an
    :class:`~dunletters.models.Account`. The built-in settings and templates are used
    unless given. An account the policy holds raises
    :class:`~dunletters.errors.AccountHeld`; a template or PDF error is raised as itself.
    """
    settings = settings or Settings()
    account = record if isinstance(record, Account) else parse_account(record, as_of=as_of)
    decision = decide(account, settings.policy, as_of)
    if isinstance(decision, Hold):
        raise AccountHeld(f"该账户按策略暂停催收，不生成文书：{decision.message}")
    ctx = RunContext.create(
        settings, registry or Registry.load(), as_of=as_of, channels=channels, pdf=pdf
    )
    number = preview_number(settings, as_of)
    job = Job(0, account.account_id, decision.stage, decision.tone, number, "", "", account)
    return produce_documents([job], ctx, strict=True)[0]
