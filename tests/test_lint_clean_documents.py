"""No error on a clean real document, with no config at all (issue #14's acceptance).

Every whole document of the real-text corpus (tests/corpus, dev and held-out) that is
labelled clean is linted as ``dunletters lint`` lints a plain draft with no config:
its channel, its own date (never today), no stage, record or creditor. Not one error
may appear. This measures the shipped rules on every clean document, held-out ones
included; the rules are tuned on dev items only. The same texts linted for a creditor
that is configured (another institution) get the creditor checks: DL101 on a letter
that does not name it, DL607 on an SMS signed by someone else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dunletters.config import Creditor, PaymentChannels, Settings
from dunletters.lint.engine import CONTEXT_CODE, Linter
from dunletters.lint.findings import Finding, Severity

CORPUS = Path(__file__).parent / "corpus"


def _clean_documents() -> list[dict[str, Any]]:
    items = []
    for split in ("dev", "heldout"):
        path = CORPUS / f"{split}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item["kind"] == "document" and item["clean"]:
                items.append(item)
    return items


CLEAN = _clean_documents()


def _lint(linter: Linter, item: dict[str, Any]) -> list[Finding]:
    found = linter.lint(item["text"], infer=True, channel=item["channel"], stage=item.get("stage"))
    return [finding for finding in found if finding.code != CONTEXT_CODE]


def test_the_corpus_has_clean_documents() -> None:
    assert len(CLEAN) >= 5


@pytest.mark.parametrize("item", CLEAN, ids=[item["id"] for item in CLEAN])
def test_no_error_on_a_clean_document_without_config(item: dict[str, Any]) -> None:
    errors = [
        f"{finding.code} {finding.message}"
        for finding in _lint(Linter(Settings()), item)
        if finding.severity is Severity.ERROR
    ]
    assert not errors, (item["id"], errors)


_OTHER = Creditor(
    name="甲乙银行股份有限公司",
    department="信用卡中心",
    hotline="95000",
    complaint_hotline="400-000-0000",
    address="北京市东城区甲乙路1号",
    website="https://www.jiayi-bank.cn",
    sms_signature="甲乙银行",
    payment=PaymentChannels(
        bank_account_name="甲乙银行股份有限公司",
        bank_account_number="1100 0000 0000 0000 0001",
        bank_name="甲乙银行北京分行",
        app="甲乙银行App",
        branches="甲乙银行各营业网点",
    ),
)
"""A configured creditor that wrote none of the corpus' documents."""


@pytest.mark.parametrize("item", CLEAN, ids=[item["id"] for item in CLEAN])
def test_a_configured_creditor_gets_the_creditor_checks(item: dict[str, Any]) -> None:
    codes = {finding.code for finding in _lint(Linter(Settings(creditor=_OTHER)), item)}
    assert "DL101" in codes, item["id"]
    if item["channel"] == "sms" and "【" in item["text"]:
        assert "DL607" in codes, item["id"]
