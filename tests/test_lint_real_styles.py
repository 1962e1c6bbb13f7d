"""No error on a well-written reminder in a real lender's style, with no config (issue #14).

The texts in ``lint_real_styles.txt`` are written for these tests in the wording Chinese
banks, card centres, rural credit cooperatives, village banks, housing-fund and
student-loan centres, consumer-finance companies, microlenders and lending platforms use
(they are not corpus items: the corpus holds real text only). Each is linted as
``dunletters lint draft.txt`` lints it — no config, the channel and date read from the
text, today as the last resort — and must get no error and exactly the warnings its
header names. Linted for another configured creditor it gets the creditor checks (DL101,
and DL607 on an SMS signed by someone else); linted for its own creditor, none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from dunletters.config import Creditor, PaymentChannels, Settings
from dunletters.lint.engine import CONTEXT_CODE, Linter
from dunletters.lint.findings import Finding, Severity
from dunletters.lint.infer import document_date, infer_channel

FIXTURE = Path(__file__).with_name("lint_real_styles.txt")
TODAY = date(2026, 12, 7)
"""The day the texts are linted on when they carry no date of their own."""
METRIC = frozenset({"DL302", "DL303", "DL305"})
"""Length warnings: measured, not judged, so not listed in the headers."""


@dataclass(frozen=True)
class Styled:
    """One fixture text with its header."""

    id: str
    channel: str
    creditor: str
    signature: str | None
    expect: frozenset[str]
    text: str


def _load() -> list[Styled]:
    items = []
    for block in re.split(r"^=== ", FIXTURE.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]:
        head, _, body = block.partition("\n")
        ident, channel, *fields = head.split()
        values = dict(field.split("=", 1) for field in fields)
        items.append(
            Styled(
                id=ident,
                channel=channel,
                creditor=values["creditor"],
                signature=None if values["sign"] == "-" else values["sign"],
                expect=frozenset(filter(None, values.get("expect", "").split(","))),
                text=body.strip("\n") + "\n",
            )
        )
    return items


STYLED = _load()
SMS = [item for item in STYLED if item.channel == "sms"]
LETTERS = [item for item in STYLED if item.channel == "letter"]
IDS = [item.id for item in STYLED]


def _creditor(name: str, signature: str | None) -> Creditor:
    return Creditor(
        name=name,
        department="",
        hotline="95000",
        complaint_hotline="400-000-0000",
        address="北京市东城区甲乙路1号",
        website="https://www.example.cn",
        sms_signature=signature or "甲乙银行",
        payment=PaymentChannels(
            bank_account_name=name,
            bank_account_number="1100 0000 0000 0000 0001",
            bank_name="甲乙银行北京分行",
            app="甲乙银行App",
            branches="甲乙银行各营业网点",
        ),
    )


def _lint(item: Styled, settings: Settings | None = None) -> list[Finding]:
    """As ``dunletters lint draft.txt`` with no flags: the channel and the date are read
    from the text, and today is the date only when the text has none."""
    return Linter(settings or Settings()).lint(
        item.text, infer=True, suffix=".txt", as_of=TODAY, as_of_given=False
    )


def test_the_set_is_large_enough() -> None:
    assert len(SMS) >= 60 and len(LETTERS) >= 20
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("item", STYLED, ids=IDS)
def test_no_error_and_only_the_expected_warnings_without_config(item: Styled) -> None:
    found = _lint(item)
    errors = [f"{f.code} {f.message}" for f in found if f.severity is Severity.ERROR]
    assert not errors, (item.id, errors)
    warned = {f.code for f in found if f.severity is Severity.WARNING} - METRIC
    assert warned == item.expect, (item.id, sorted(warned))


@pytest.mark.parametrize("item", STYLED, ids=IDS)
def test_the_channel_is_inferred_and_said(item: Styled) -> None:
    assert infer_channel(item.text, ".txt")[0] == item.channel
    notice = [f.message for f in _lint(item) if f.code == CONTEXT_CODE]
    assert notice and ("短信" if item.channel == "sms" else "信函") in notice[0]


@pytest.mark.parametrize("item", LETTERS, ids=[item.id for item in LETTERS])
def test_a_letter_is_dated_by_its_own_date(item: Styled) -> None:
    own = document_date(item.text)
    assert own is not None and own < TODAY
    notice = next(f.message for f in _lint(item) if f.code == CONTEXT_CODE)
    assert "发函日期取文书所署日期" in notice


_OTHER = _creditor("甲乙银行股份有限公司", "甲乙银行")


@pytest.mark.parametrize("item", STYLED, ids=IDS)
def test_another_configured_creditor_gets_the_creditor_checks(item: Styled) -> None:
    codes = {f.code for f in _lint(item, Settings(creditor=_OTHER))}
    assert "DL101" in codes, item.id
    if item.channel == "sms":
        assert "DL607" in codes, item.id


@pytest.mark.parametrize("item", STYLED, ids=IDS)
def test_its_own_configured_creditor_gets_no_creditor_error(item: Styled) -> None:
    own = Settings(creditor=_creditor(item.creditor, item.signature))
    errors = [f"{f.code} {f.message}" for f in _lint(item, own) if f.severity is Severity.ERROR]
    assert not errors, (item.id, errors)
