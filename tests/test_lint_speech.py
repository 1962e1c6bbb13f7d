"""Reported speech: a collector's words retold with 他/她/其 are read as the words sent."""

from __future__ import annotations

import pytest

from dunletters.config import Settings
from dunletters.lint import Linter
from dunletters.lint.settings import LintSettings
from dunletters.lint.text.speech import as_addressed


@pytest.mark.parametrize(
    ("retold", "addressed"),
    [
        ("对方称再拖下去，小心她的孩子。", "对方称再拖下去，小心你的孩子。"),
        ("催收员扬言：“不还钱就卸他一条胳膊”。", "催收员扬言：“不还钱就卸你一条胳膊”。"),
        ("收數佬揚言，再唔還錢就搵佢屋企人。", "收數佬揚言，再唔還錢就搵你屋企人。"),
        (
            "短信內容稱，若她再不還款，法院將上門抓她。",
            "短信內容稱，若你再不還款，法院將上門抓你。",
        ),
        ("他們放話要來我家裡給我收錢。", "他們放話要來你家裡給你收錢。"),  # told by the debtor
        # quoted, 我 is the collector; beside 她 (a reporter's half-quote), too
        ("催收员威胁我说：“我明天就去她家。”", "催收员威胁我说：“我明天就去你家。”"),
        ("对方称再不还钱，别让我在路上碰到她。", "对方称再不还钱，别让我在路上碰到你。"),
    ],
)
def test_the_retold_words_are_turned_to_the_second_person(
    retold: str, addressed: str | None
) -> None:
    assert as_addressed(retold) == addressed


@pytest.mark.parametrize(
    "text",
    [
        "法官称，她已被列入失信被执行人名单。",  # a court is not the collector's side
        "她说自己下个月一定还款。",  # the debtor speaks
        "对方称其他费用已经结清。",  # 其他 is no person
        "尊敬的客户，您的账单已逾期，请于12月5日前还款。",
    ],
)
def test_nothing_else_is_rewritten(text: str) -> None:
    assert as_addressed(text) is None


def test_offsets_hold_so_a_finding_points_at_the_retold_words() -> None:
    text = "刘女士接到催收电话，对方称再不还钱，就找人卸她一条胳膊。"
    linter = Linter(Settings(lint=LintSettings(second_opinion="off")))
    [threat] = [f for f in linter.lint(text) if f.code == "DL601"]
    assert "她" in threat.match and threat.match in text
    assert "你" not in threat.message


def test_a_finding_already_made_on_the_retold_words_is_not_repeated() -> None:
    text = "催收员威胁称，再不还钱就打断她的腿，后果自负。"
    linter = Linter(Settings(lint=LintSettings(second_opinion="off")))
    threats = [f for f in linter.lint(text) if f.code == "DL601"]
    spans = [(f.offset, f.end_offset) for f in threats]
    assert len(spans) == len(set(spans))
    assert not any(a[0] < b[1] and b[0] < a[1] for a in spans for b in spans if a != b)
