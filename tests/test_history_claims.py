"""Claims of earlier contact checked against the ledger (issue 19, item 4).

The renderer gives templates the ledger's facts as ``history``; the built-in templates
say 「经多次提醒」 or 「已于…寄送」 only when the facts bear it out, and DL206 reports a
document that claims more than the ledger shows: an error with the facts, a warning
without them. Batches run end to end on a real SQLite ledger; accounts are synthetic.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.commands.render import render_one
from dunletters.config import LedgerPolicy, LedgerSettings, Settings
from dunletters.escalation import decision_for
from dunletters.history import UNKNOWN, HistoryFacts, sample_history
from dunletters.ledger import Ledger
from dunletters.ledger.caps import Contact, History, contact_facts
from dunletters.ledger.store import SECRET_ENV
from dunletters.lint.engine import Linter
from dunletters.lint.extract import html_to_text
from dunletters.registry import BUILTIN_TEMPLATES, Registry
from dunletters.rendering import Renderer
from dunletters.samples import generate_accounts, sample_account
from dunletters.vocabulary import STAGES, TONES

D1 = date(2026, 11, 28)
D2 = D1 + timedelta(days=8)  # past the default 7-day gap between letters
SECRET = "synthetic-test-key-0123456789"
CHECKED = HistoryFacts(checked=True)


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)


def _dl206(text: str, history: HistoryFacts | None, channel: str = "letter") -> list[str]:
    findings = Linter(Settings(), select=["DL206"]).lint(text, channel=channel, history=history)
    return [f.severity.value for f in findings]


# -- the rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "enough"),
    [
        ("该笔款项经多次提醒仍未归还。", HistoryFacts(checked=True, reminders=2, sms=2)),
        ("我行已多次就您账户的逾期款项与您联系。", HistoryFacts(checked=True, reminders=2, sms=2)),
        ("我行此前已向您发函，请尽快还款。", HistoryFacts(checked=True, reminders=1, letters=1)),
        (
            "我行已于2026年11月20日向您寄送催收函。",
            HistoryFacts(checked=True, reminders=1, letters=1),
        ),
        ("我行已于11月20日通知您还款。", HistoryFacts(checked=True, reminders=1, sms=1)),
        ("这是我行第三次提醒您还款。", HistoryFacts(checked=True, reminders=2, sms=2)),
        ("我行已三次致函于您。", HistoryFacts(checked=True, reminders=3, letters=3)),
        ("现再次正式函告如下。", HistoryFacts(checked=True, reminders=1, letters=1)),
    ],
)
def test_a_claim_is_an_error_above_the_facts_and_a_warning_without_them(
    text: str, enough: HistoryFacts
) -> None:
    assert _dl206(text, None) == ["warning"]  # a draft: nothing to check against
    assert _dl206(text, UNKNOWN) == ["warning"]
    assert _dl206(text, CHECKED) == ["error"]  # the ledger shows no earlier document
    fewer = enough.model_copy(
        update={
            "reminders": enough.reminders - 1,
            "letters": max(0, enough.letters - 1),
            "sms": max(0, enough.sms - 1),
        }
    )
    assert _dl206(text, fewer) == ["error"]
    assert _dl206(text, enough) == []


def test_a_letter_claim_needs_a_letter_not_an_sms() -> None:
    only_sms = HistoryFacts(checked=True, known=True, reminders=3, sms=3)
    assert _dl206("我行此前已向您发函。", only_sms) == ["error"]
    assert _dl206("我行此前已向您发送还款提醒。", only_sms) == []


@pytest.mark.parametrize(
    "text",
    [
        "截至本函发出之日，我行仍未收到您的还款。",
        "再次感谢您的理解与配合。",
        "请于12月5日前联系我们，或于12月5日之前致电95099。",
        "您此前曾3次承诺还款，均未按约履行。",
        "这是我行第一次就此事与您联系。",
    ],
)
def test_no_claim_no_finding(text: str) -> None:
    assert _dl206(text, None) == [] and _dl206(text, CHECKED) == []


# -- the facts ---------------------------------------------------------------------------------


def test_facts_count_this_cycles_documents_that_went_out_before_the_run() -> None:
    account = sample_account("late", as_of=D1)  # 24 days overdue: the cycle began on D1 - 24
    history = History(
        contacts=(
            Contact(D1 - timedelta(days=40), "letter", "early", "delivered"),  # an earlier cycle
            Contact(D1 - timedelta(days=20), "letter", "early", "delivered"),
            Contact(D1 - timedelta(days=15), "sms", "early", None),  # sent, no receipt yet
            Contact(D1 - timedelta(days=10), "letter", "middle", "returned"),  # never arrived
            Contact(D1 - timedelta(days=9), "sms", "middle", "failed"),
            Contact(D1, "sms", "late", None),  # this run's own day
        ),
    )
    facts = contact_facts(history, account, D1)
    assert facts == HistoryFacts(
        checked=True,
        known=True,
        reminders=2,
        letters=1,
        sms=1,
        first_contact_on=D1 - timedelta(days=20),
        last_letter_on=D1 - timedelta(days=20),
        last_sms_on=D1 - timedelta(days=15),
    )
    # A payment after the early letter starts a new cycle: nothing of it counts.
    paid = History(history.contacts, (), D1 - timedelta(days=12))
    assert contact_facts(paid, account, D1) == CHECKED


# -- the built-in templates --------------------------------------------------------------------


FACTS = {
    "no ledger": lambda stage: UNKNOWN,
    "nothing sent": lambda stage: CHECKED,
    "one SMS": lambda stage: HistoryFacts(
        checked=True, known=True, reminders=1, sms=1, first_contact_on=D1, last_sms_on=D1
    ),
    "one letter": lambda stage: HistoryFacts(
        checked=True,
        known=True,
        reminders=1,
        letters=1,
        first_contact_on=D1 - timedelta(days=9),
        last_letter_on=D1 - timedelta(days=9),
    ),
    "sample": lambda stage: sample_history(stage, D1),
}


@pytest.mark.parametrize("facts", list(FACTS))
def test_builtin_templates_claim_only_what_the_facts_show(facts: str) -> None:
    settings = Settings()
    renderer = Renderer(settings, Registry.load())
    linter = Linter(settings, select=["DL206"])
    for stage in STAGES:
        history = FACTS[facts](stage)
        account = sample_account(stage, as_of=D1)
        for tone in TONES:
            decision = decision_for(settings.stage_rule(stage), tone)
            letter = renderer.letter_html(
                account, decision, D1, "示银信催〔2026〕第000001号", history
            )
            sms = renderer.sms(account, decision, D1, "", history).sms.text
            for channel, text in (("letter", html_to_text(letter.html)), ("sms", sms)):
                found = linter.lint(text, channel=channel, history=history)
                assert found == [], (stage, tone, channel, [f.message for f in found])


def test_a_sample_render_says_what_its_sample_history_holds(tmp_path: Path) -> None:
    result = render_one(
        TEST_SETTINGS,
        Registry.load(),
        record=None,
        channel="letter",
        stage="middle",
        tone="courteous",
        as_of=D1,
        output_format="html",
    )
    text = html_to_text(result.data.decode())
    assert "我行已于2026年11月19日向您寄送还款提醒函" in text  # sample_history: 9 days before


# -- batches against one ledger ----------------------------------------------------------------


def _settings(url: str) -> Settings:
    ledger = LedgerSettings(enabled=True, url=url, policy=LedgerPolicy())
    return TEST_SETTINGS.model_copy(update={"ledger": ledger})


def _account(days: int, as_of: date) -> dict[str, str]:
    """One plain synthetic account (no hardship, dispute or broken promise)."""
    row = next(iter(generate_accounts(1, seed=19, as_of=D1)))
    return {
        **row,
        "days_past_due": str(days),
        "due_date": (as_of - timedelta(days=days)).isoformat(),
        "hardship": "否",
        "promises_broken": "0",
        "dispute": "否",
        "deceased": "否",
        "promise_to_pay_until": "",
    }


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(done.stdout.split())


def test_the_second_letter_says_when_the_first_was_sent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    settings = _settings(url)
    first = _account(3, D1)  # early on day 1
    second = _account(11, D2)  # the same account, middle a week later
    account_id = first["account_id"]
    run_batch(
        settings,
        BatchOptions(input=write_csv(tmp_path / "d1.csv", [first]), out=tmp_path / "d1", as_of=D1),
    )
    early = _pdf_text(tmp_path / "d1" / "letters" / "early" / f"{account_id}.pdf")
    assert "已于" not in early and "多次" not in early
    Ledger(url).set_status([("account", account_id, "letter", "delivered", D1 + timedelta(2))])
    run_batch(
        settings,
        BatchOptions(input=write_csv(tmp_path / "d2.csv", [second]), out=tmp_path / "d2", as_of=D2),
    )
    middle = _pdf_text(tmp_path / "d2" / "letters" / "middle" / f"{account_id}.pdf")
    assert "我行已于2026年11月28日向您寄送还款提醒函" in middle
    assert "尚未收到" in middle or "仍未收到" in middle
    assert not (tmp_path / "d2" / "quarantine").exists() or not any(
        (tmp_path / "d2" / "quarantine").iterdir()
    )


def test_a_template_claiming_more_than_the_ledger_shows_is_quarantined(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    settings = _settings(url)
    templates = tmp_path / "templates"
    shutil.copytree(BUILTIN_TEMPLATES, templates)
    days = "已逾期{{ account.days_past_due }}天"
    for tone in TONES:  # every middle SMS now asserts 多次 whatever the ledger says
        path = templates / "sms" / f"middle.{tone}.txt.j2"
        body = path.read_text(encoding="utf-8")
        assert days in body
        path.write_text(body.replace(days, days + "，经多次提醒仍未还款", 1), encoding="utf-8")
    first, second = _account(3, D1), _account(11, D2)
    account_id = first["account_id"]
    options = {"channels": ("sms",), "template_dirs": (templates,), "allow_unreviewed": True}
    run_batch(
        settings,
        BatchOptions(
            input=write_csv(tmp_path / "d1.csv", [first]), out=tmp_path / "d1", as_of=D1, **options
        ),
    )
    ledger = Ledger(url)
    assert ledger.count() == 1  # one SMS: one earlier document, delivered
    ledger.set_status([("account", account_id, "sms", "delivered", D1)])
    run_batch(
        settings,
        BatchOptions(
            input=write_csv(tmp_path / "d2.csv", [second]), out=tmp_path / "d2", as_of=D2, **options
        ),
    )
    report = json.loads(
        (tmp_path / "d2" / "quarantine" / f"{account_id}.findings.json").read_text("utf-8")
    )
    claims = [f for f in report["findings"] if f["code"] == "DL206"]
    assert [(f["severity"], f["channel"]) for f in claims] == [("error", "sms")]
    assert "联系记录库只有1次" in claims[0]["message"]
    assert Ledger(url).count() == 1  # the quarantined SMS was not sent, so not recorded
