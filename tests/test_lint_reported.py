"""A debtor's first-person report of a collector's threat or insult gets the act's code."""

from __future__ import annotations

import pytest

from dunletters.lint.engine import Linter
from dunletters.lint.rules.reported import _swapped

REPORTS = [
    ("DL601", "催收员在电话里说再不还钱就弄死我。"),
    ("DL601", "对方说知道我家住哪，让我小心点儿。"),
    ("DL601", "他们威胁说要找人打断我的腿。"),
    ("DL601", "讨债的扬言要送我去见阎王。"),
    ("DL601", "催收公司的人称知道我女儿在哪上学。"),
    ("DL602", "催收员在群里说我这种人活着有什么用。"),
    ("DL601", "佢哋話知道我住喺邊，叫我小心啲。"),
    ("DL601", "催收員說唔還錢就斬死我。"),
]

NOT_REPORTS = [
    "我行将依法催收，请您按时还款。",
    "我们说明一下您的还款方式：手机银行或网点柜台。",
    "我司客服人员说，您可以申请分期还款。",
    "他们说我可以申请延期，我已经提交了材料。",
    "催收员说我的账单已经结清，不会再打扰我。",
]


@pytest.mark.parametrize(("code", "text"), REPORTS)
def test_a_reported_threat_or_insult_is_found(code: str, text: str) -> None:
    assert code in {finding.code for finding in Linter().lint(text)}, text


@pytest.mark.parametrize("text", NOT_REPORTS)
def test_a_report_of_lawful_words_stays_silent(text: str) -> None:
    codes = {finding.code for finding in Linter().lint(text)}
    assert not codes & {"DL601", "DL602"}, text


def test_the_finding_names_the_reporters_own_words() -> None:
    findings = [f for f in Linter().lint("催收员说不还钱就弄死我。") if f.code == "DL601"]
    assert findings and "弄死我" in findings[0].message


def test_only_the_reporter_is_turned_round_and_only_after_a_cue() -> None:
    assert _swapped("我行提醒您按时还款。") is None
    assert _swapped("我觉得弄死我也没用。") is None
    swapped = _swapped("催收员说我们会找到我家。我很害怕。")
    assert swapped == "催收员说我们会找到你家。我很害怕。"
