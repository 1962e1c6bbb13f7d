"""produce(): one account → its documents, findings and outputs, as the batch writes them."""

from __future__ import annotations

import hashlib
import json
import pickle
import subprocess
from datetime import date

import pytest

from dunletters.config import Settings
from dunletters.errors import AccountHeld, RecordError, TemplateError
from dunletters.produce import (
    Job,
    Outcome,
    PrintPart,
    RunContext,
    RunSpec,
    produce,
    produce_documents,
    produce_part,
    produce_record,
    run_context,
)
from dunletters.registry import Registry
from dunletters.samples import sample_account

AS_OF = date(2026, 11, 28)


def _job(stage: str = "late", tone: str = "firm", row: int = 1, **flags: bool) -> Job:
    account = sample_account(stage, as_of=AS_OF, **flags)
    record = account.journal_json()
    digest = hashlib.sha256(record.encode()).hexdigest()
    number = f"示银信催〔2026〕第{row:06d}号"
    return Job(row, f"{account.account_id}-{row}", stage, tone, number, record, digest)


@pytest.fixture(scope="module")
def spec() -> RunSpec:
    return RunSpec(Settings().model_dump_json(), (), AS_OF, ("letter", "sms"), pdf=True)


def test_a_job_and_its_outcome_cross_process_boundaries(spec: RunSpec) -> None:
    job = _job()
    assert pickle.loads(pickle.dumps(job)) == job
    assert pickle.loads(pickle.dumps(spec)) == spec
    outcome = produce(job, run_context(spec))
    assert pickle.loads(pickle.dumps(outcome)) == outcome


def test_the_context_is_built_once_per_spec(spec: RunSpec) -> None:
    assert run_context(spec) is run_context(RunSpec(*spec))


def test_a_delivered_letter_and_sms(spec: RunSpec, tmp_path: object) -> None:
    job = _job()
    outcome = produce(job, run_context(spec))
    assert isinstance(outcome, Outcome)
    (path, pdf), = outcome.files  # fmt: skip
    assert path == f"letters/late/{job.account_id}.pdf"
    state, reason, letter_template, _, sms_template, _, sms_text, segments, findings = (
        outcome.update[:9]
    )
    assert (state, reason) == ("written", None)
    assert (letter_template, sms_template) == ("letters/late.firm.html.j2", "sms/late.firm.txt.j2")
    assert sms_text.startswith("【示范银行】") and segments >= 1
    assert json.loads(findings) == {}
    written = (path, hashlib.sha256(pdf).hexdigest(), len(pdf))
    assert outcome.update[-5:] == (*written, None, job.row)  # no findings: no details
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert job.letter_number in text


def test_a_record_altered_in_the_journal_is_quarantined_without_its_value(spec: RunSpec) -> None:
    job = _job()
    altered = job._replace(record_json=job.record_json.replace('"days_past_due":24', '"x":1'))
    outcome = produce(altered, run_context(spec))
    assert outcome.update[:2] == ("quarantined", "批处理日志中的记录无法读取（与写入时不符）")
    (path, data), = outcome.files  # fmt: skip
    assert path == f"quarantine/{job.account_id}.findings.json"
    assert "张晓明" not in data.decode()


def test_a_print_part_holds_only_the_delivered_letters(spec: RunSpec) -> None:
    ctx = run_context(spec)
    broken = _job(row=2)._replace(record_json="{}", record_hash="0" * 64)
    part = produce_part([_job(row=1), broken, _job(row=3)], ctx, PrintPart("late", 1, True))
    assert [o.update[0] for o in part.outcomes] == ["written", "quarantined", "written"]
    assert part.print_file is not None
    pages = subprocess.run(
        ["pdfinfo", "-"], input=part.print_file, capture_output=True, check=True
    ).stdout.decode()
    assert "Pages:           2" in pages
    no_file = produce_part([_job(row=1)], ctx, PrintPart("late", 2, False))
    assert no_file.print_file is None


def test_sms_of_a_job_are_linted_as_one_by_one(spec: RunSpec) -> None:
    """The SMS of a job are linted together; each gets what it gets alone."""
    ctx = RunContext.create(Settings(), Registry.load(), as_of=AS_OF, channels=("sms",))
    jobs = [
        _job("early", "courteous", 1),
        _job("middle", "empathetic", 2, hardship=True),
        _job("final", "firm", 3),
    ]
    together = produce_documents(jobs, ctx)
    alone = [produce_documents([job], ctx)[0] for job in jobs]
    assert [d.sms_findings for d in together] == [d.sms_findings for d in alone]
    assert all(d.sms is not None and d.letter is None for d in together)


def test_a_missing_template_is_the_account_s_error_or_raised_when_strict() -> None:
    ctx = RunContext.create(Settings(), Registry.load(), as_of=AS_OF, channels=("sms",))
    job = _job(tone="nosuchtone")
    (documents,) = produce_documents([job], ctx)
    assert documents.error is not None and "nosuchtone" in documents.error
    assert not documents.delivered
    with pytest.raises(TemplateError):
        produce_documents([job], ctx, strict=True)


def test_produce_record_from_cells() -> None:
    record = {
        "account_id": "T-1",
        "name": "李四",
        "gender": "女",
        "card_number": "6259000000001234",
        "mobile": "13800001234",
        "address": "上海市浦东新区示例路1号",
        "principal": "1200.50",
        "due_date": "2026-11-24",
    }
    documents = produce_record(record, as_of=AS_OF, channels=("letter", "sms"), pdf=False)
    assert documents.letter is not None and documents.letter.template.name.startswith(
        "letters/early."
    )
    assert documents.sms is not None and "应还1,200.50元" in documents.sms.sms.text
    assert documents.letter_text is not None and "李四女士" in documents.letter_text
    with pytest.raises(AccountHeld):
        produce_record({**record, "dispute": "是"}, as_of=AS_OF, pdf=False)
    with pytest.raises(RecordError, match="principal"):
        produce_record({**record, "principal": "一千"}, as_of=AS_OF, pdf=False)
