"""DL604–DL606 on wordings the rule and frame examples do not show: whose mobile a
number is, and which payment requests go to a person (issue 14)."""

from __future__ import annotations

import pytest

from dunletters.config import Settings
from dunletters.lint.engine import Linter


def _codes(text: str, code: str) -> list[str]:
    return [f.match for f in Linter(Settings(), select=[code]).lint(text) if f.code == code]


@pytest.mark.parametrize(
    "text",
    [
        "您的紧急联系人李某（电话13912345678）已被告知。",
        "您的配偶王某的电话是13812345678，我们已经联系过。",
        "紧急联系人：王某 13800138000",
        "请您转告张某尽快还款，他的手机13912345678一直关机。",
    ],
)
def test_a_relatives_or_contacts_mobile_is_reported_beside_a_contact_word(text: str) -> None:
    """电话/联系 before a number usually means a number to call; not when it is a
    relative's or a contact's."""
    assert len(_codes(text, "DL605")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "经办人：王先生 13800138000",
        "催收专员：李明，13912345678（工作日9:00-17:30）。",
        "手机号码：13800138000（工作时间接听）",
        "如需协商，请联系对接人刘经理（13800138000）。",
        "如有疑问请致电客服热线95588或021-61234567。",
    ],
)
def test_the_collectors_own_numbers_are_not_reported(text: str) -> None:
    assert _codes(text, "DL605") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("挂机后请立即将存款转移到安全账户上。", True),
        ("公检法机关没有所谓的“安全账户”，请勿转账。", False),
        ("你先把钱转到这个账户：6222021001234567890（刘某）。", True),
        ("还款账号：31001234567890123（工商银行）。", False),
        ("钱可以先打到公司财务陈某的卡上。", True),
        ("请转账至某某银行账户。", False),
        ("请关注官方微信公众号还款，客服QQ：800012345，邮箱service@example-bank.cn。", False),
    ],
)
def test_payment_to_a_person_not_to_the_creditor(text: str, expected: bool) -> None:
    assert bool(_codes(text, "DL606")) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本函副本抄送：借款人工作单位人事部。", True),
        ("你通讯录的人我们都会一一通知到。", True),
        ("下午我们去你父母家里坐坐。", True),
        ("您家孩子在我们这借了钱一直不还，您管不管？", True),
        ("如您需要我们上门办理，请提前预约。", False),
        ("我行已委托上海某某资产管理有限公司对您的欠款进行催收。", False),
        ("您与您的爱人作为共同借款人申请的住房贷款已逾期。", False),
        ("本通知于小区公告栏张贴。", False),
    ],
)
def test_third_party_wordings(text: str, expected: bool) -> None:
    assert bool(_codes(text, "DL604")) is expected
