"""No error on a well-written reminder in a real lender's style, with no config (issue #14).

The texts in ``lint_real_styles.txt`` are written for these tests in the wording Chinese
banks, card centres, rural credit cooperatives, village banks, housing-fund and
student-loan centres, consumer-finance companies, microlenders and lending platforms use
(they are not corpus items: the corpus holds real text only). Each is linted as
``dunletters lint draft.txt`` lints it — no config, the channel and date read from the
text, today as the last resort — and must get no error and exactly the warnings its
header names. Linted for another configured creditor it gets the creditor checks (DL101,
and DL607 on an SMS signed by someone else); linted for its own creditor, none.

Then one element at a time (creditor, amount, deadline, payment channel, contact,
salutation, the letter's own date, the channel, the stage), the forms real reminders
write it in must be recognised, and its absence still reported.
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
def test_no_error_as_the_accuracy_benchmark_lints_it(item: Styled) -> None:
    """Its channel given, its own date or none (never today), as the corpus is scored."""
    found = Linter(Settings()).lint(item.text, infer=True, channel=item.channel)
    errors = [f"{f.code} {f.message}" for f in found if f.severity is Severity.ERROR]
    assert not errors, (item.id, errors)


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


# -- one element at a time: the phrasings real reminders use for it -------------------------


def _codes(text: str, channel: str = "sms", settings: Settings | None = None) -> set[str]:
    found = Linter(settings or Settings()).lint(
        text, infer=True, channel=channel, as_of=TODAY, as_of_given=False
    )
    return {f.code for f in found}


_SMS = "【甲乙银行】张先生，您尾号1234的信用卡欠款1,015.00元已逾期，{}详询95000。"

DEADLINES = [
    "请于12月9日下午5点前还款。",
    "请于12月9日17:30前还款。",
    "请于今晚12点前还款。",
    "请于今日24点前还款。",
    "请在一周内还款。",
    "请于本周五前还款。",
    "请于月底前还清欠款。",
    "请自本通知发出之日起10日内还款。",
    "请于函到之日起7日内还款。",
    "还款截止日：12月9日。",
    "还款期限：2026年12月15日。",
    "请您务必在2026年12月15日24时前还款。",
    "请于次日24点前还款。",
    "请在收到本通知后的7个工作日内还款。",
    "请您于2026年12月15日前（含当日）还款。",
    "请于12/15前还款。",
    "最迟不晚于12月15日还款。",
    "还款宽限期至12月15日。",
    "请于十二月十五日前还款。",
    "请自即日起3日内完成还款。",
    "请于2026年12月15日（含）前还款。",
    "请在12月15日当天还款。",
    "请于两日内还款。",
    "请在三个工作日内还款。",
    "请于12月15日24:00前存足款项。",
    "请于收到短信后48小时内还款。",
    "请于今日还款。",
    "请明天还清欠款。",
    "请于本月内还款。",
    "请不晚于2026年12月15日还款。",
]
"""Concrete pay-by dates and periods: DL103 stays silent."""

NO_DEADLINES = [
    "请尽快还款。",
    "请及时还款，以免影响信用记录。",
    "该笔款项的到期还款日为2026年10月14日，现已逾期45天，请尽快还款。",
    "截至12月5日，请尽快处理。",
    "还款后3日内到账，请尽快还款。",
    "我行24小时在线服务，请尽快还款。",
    "该笔款项已于2026年10月14日到期，请尽快还款。",
    "您的账单10月14日到期未还，请尽快还款。",
]
"""No date or period the debtor must act by: DL103 (a warning on an SMS)."""


@pytest.mark.parametrize("phrase", DEADLINES)
def test_a_deadline_in_any_real_form_is_one(phrase: str) -> None:
    assert "DL103" not in _codes(_SMS.format(phrase)), phrase


_DUE = "【甲乙银行】张先生，您尾号1234的信用卡本期应还1,015.00元，{}详询95000。"

DUE_DATES = [
    "将于3天后到期，请按时还款。",
    "3天后即12月10日到期，请按时还款。",
    "12月10日到期，请按时还款。",
    "本期还款日12月10日，请按时还款。",
    "到期日为2026年12月10日，请按时还款。",
    "将于12月10日扣收，请于扣款日前存足。",
    "还款日为每月20日，请按时还款。",
    "明天到期，请按时还款。",
]
"""A reminder before the due date: its due date is the deadline."""


@pytest.mark.parametrize("phrase", DUE_DATES)
def test_a_reminders_due_date_is_its_deadline(phrase: str) -> None:
    assert "DL103" not in _codes(_DUE.format(phrase)), phrase


@pytest.mark.parametrize("phrase", NO_DEADLINES)
def test_no_deadline_is_still_reported(phrase: str) -> None:
    assert "DL103" in _codes(_SMS.format(phrase)), phrase


_NO_NUMBER = "【甲乙银行】张先生，您尾号1234的信用卡欠款1,015.00元已逾期，请于12月15日前还款。{}"

CONTACTS = [
    "详询95555。",
    "详询95561转6。",
    "请致电400-820-9111。",
    "请致电400 820 9111。",
    "请致电4008209111。",
    "请致电4000-300-500。",
    "请致电4009 880 880。",
    "请致电021-61234567。",
    "请致电021 6123 4567。",
    "请致电（021）61234567。",
    "咨询0731-96518。",
    "咨询96518。",
    "咨询0378-2901234。",
    "咨询0576-88123456转8001。",
    "咨询0576-8812 3456-8001。",
    "咨询12329。",
    "咨询10107888。",
    "如有疑问请拨打卡片背面的客服电话。",
    "如有疑问请拨打客服热线。",
]
"""Official numbers in the forms institutions print: DL105 stays silent."""

NO_CONTACTS = [
    "如有疑问请联系经办人13812345678。",
    "联系电话：__________",
    "欠款共96500元。",
    "请转入账号6222 0210 0920 0088 888。",
]


@pytest.mark.parametrize("phrase", CONTACTS)
def test_an_official_number_in_any_real_form_is_a_contact(phrase: str) -> None:
    codes = _codes(_NO_NUMBER.format(phrase))
    assert "DL105" not in codes and "DL605" not in codes, phrase


@pytest.mark.parametrize("phrase", NO_CONTACTS)
def test_no_official_number_is_still_reported(phrase: str) -> None:
    assert "DL105" in _codes(_NO_NUMBER.format(phrase)), phrase


_BODY = "您尾号1234的信用卡欠款1,015.00元已逾期，请于12月15日前还款。详询95000。"

NAMED = [
    "【甲乙银行】尊敬的张*明先生，",
    "【甲乙银行】尊敬的张*先生：",
    "【甲乙银行】张**女士您好，",
    "【甲乙银行】尊敬的李老师，",
    "【甲乙银行】王先生：",
    "【甲乙银行】尊敬的客户张晓明，",
    "【甲乙银行】尊敬的信用卡客户张晓明先生：",
    "【甲乙银行】张晓明，",
    "【甲乙银行】您好，张晓明，",
    "【甲乙银行】亲爱的小明，",
    "【甲乙银行】您好！张晓明，",
    "【甲乙银行】借款人张晓明于2025年3月在我行借款，",
    "【甲乙银行】持卡人王某某，",
    "【甲乙物业】尊敬的张晓明业主您好，",
    "【甲乙物业】张晓明住户：",
    "张晓明：关于您所有的5号楼0602物业服务费拖欠事宜，",
    "付款催告书\n张晓明 敬启\n",
    "租金催缴通知单\n摊主姓名：张晓明 联系电话：13900001111\n",
]
"""A salutation that names the debtor, masked or not: DL106 stays silent."""

GENERIC = [
    "【甲乙银行】尊敬的客户：",
    "【甲乙银行】尊敬的持卡人，",
    "【甲乙银行】亲爱的用户，",
    "【甲乙银行】尊敬的先生/女士：",
    "【甲乙银行】客户您好，",
    "【甲乙银行】",
    "【甲乙银行】借款人须知：",
    "【甲乙银行】尊敬的客户，持卡人应按时还款，",
    "【甲乙物业】尊敬的业主您好，",
    "【甲乙物业】各位住户：",
]
"""Only a generic salutation, or none (RULES.md: no debtor name): DL106, a warning."""


@pytest.mark.parametrize("salutation", NAMED)
def test_a_named_salutation_is_personal(salutation: str) -> None:
    assert "DL106" not in _codes(salutation + _BODY), salutation


@pytest.mark.parametrize("salutation", GENERIC)
def test_a_generic_salutation_is_reported(salutation: str) -> None:
    assert "DL106" in _codes(salutation + _BODY), salutation


_UNSIGNED = "张先生，您尾号1234的信用卡欠款1,015.00元已逾期，请于12月15日前还款。详询95000。"

CREDITORS = [
    "【招商银行】" + _UNSIGNED,
    _UNSIGNED + "【招商银行】",
    _UNSIGNED + "-中信信用卡",
    "[中信银行]" + _UNSIGNED,
    "平阳县农村信用合作联社提醒您：" + _UNSIGNED,
    "吉林省农村信用社联合社提醒：" + _UNSIGNED,
    "临泉县农村资金互助社提醒：" + _UNSIGNED,
    "省直住房公积金管理分中心提醒：" + _UNSIGNED,
    "滑县学生资助管理中心提醒：" + _UNSIGNED,
    "国家开发银行提醒：" + _UNSIGNED,
    "中邮消费金融提醒：" + _UNSIGNED,
    "重庆渝信小额贷款有限公司提醒：" + _UNSIGNED,
    "上汽通用汽车金融提醒：" + _UNSIGNED,
    "天长民生村镇银行提醒：" + _UNSIGNED,
    "台州农商行提醒：" + _UNSIGNED,
    "您在拍拍贷的借款已逾期。" + _UNSIGNED,
    "滑县助学贷款中心提醒：" + _UNSIGNED,
    "滑县学生资助中心提醒：" + _UNSIGNED,
    "浙江农信提醒：" + _UNSIGNED,
    "渝信小贷提醒：" + _UNSIGNED,
    "台州甲乙典当行提醒：" + _UNSIGNED,
    "甲乙商业保理提醒：" + _UNSIGNED,
    "甲乙财务公司提醒：" + _UNSIGNED,
    "国家开发银行生源地信用助学贷款提醒：" + _UNSIGNED,
    "您好，我是分期乐的客服。" + _UNSIGNED,
    "这里是甲乙金融贷后部。" + _UNSIGNED,
    "甲乙金融提醒您：" + _UNSIGNED,
    _UNSIGNED.replace("的信用卡", "的招行信用卡"),
    _UNSIGNED.replace("的信用卡", "的抖音月付账单"),
    _UNSIGNED.replace("的信用卡", "的有钱花借款"),
]
"""A creditor named the ways real reminders name it: DL101 stays silent."""

NO_CREDITORS = [
    "您可通过网上银行还款。" + _UNSIGNED,
    _UNSIGNED + "\n我单位\n2026年12月1日",
    "本行提醒您：" + _UNSIGNED,
    "请通过手机银行还款。" + _UNSIGNED,
    "温馨提醒您：" + _UNSIGNED,
    "我行提醒您：" + _UNSIGNED,
    "系统提醒您：" + _UNSIGNED,
    "您好，我是的客服人员。" + _UNSIGNED,
    "祝您平安！" + _UNSIGNED,
    "民生无小事。" + _UNSIGNED,
    "张经理提醒你：" + _UNSIGNED,
    "您好，我是催收专员。" + _UNSIGNED,
    "我是你的专属客服。" + _UNSIGNED,
    "你这笔小贷还不还？" + _UNSIGNED,
]


@pytest.mark.parametrize("text", CREDITORS)
def test_a_creditor_named_in_any_real_form_is_named(text: str) -> None:
    assert "DL101" not in _codes(text), text


@pytest.mark.parametrize("text", NO_CREDITORS)
def test_no_creditor_is_still_reported(text: str) -> None:
    assert "DL101" in _codes(text), text


@pytest.mark.parametrize(
    "text",
    [
        "【招商银行】" + _UNSIGNED,
        _UNSIGNED + "【招商银行】",
        _UNSIGNED + "【招商银行】 ",
        "\n【招商银行】" + _UNSIGNED,
    ],
)
def test_a_signature_at_either_end_is_the_form_without_config(text: str) -> None:
    assert "DL607" not in _codes(text), text


@pytest.mark.parametrize(
    "text",
    ["[中信银行]" + _UNSIGNED, _UNSIGNED + "-中信信用卡", "【招商银行】您的【信用卡】已逾期。"],
)
def test_a_signature_not_in_brackets_is_the_carriers_error_not_a_missing_creditor(
    text: str,
) -> None:
    codes = _codes(text)
    assert "DL607" in codes and "DL101" not in codes, text


_LETTER = (
    "甲乙银行股份有限公司信用卡中心\n\n{salutation}\n\n"
    "截至2026年11月25日，您尾号1234的信用卡欠款合计1,015.00元，已逾期18天。\n\n"
    "{deadline}通过甲乙银行手机银行或各营业网点还款。如对欠款有异议，请致电95000。\n\n"
    "{closing}\n"
)


def _letter(
    salutation: str = "尊敬的张晓明先生：",
    deadline: str = "请于2026年12月2日前",
    closing: str = "甲乙银行股份有限公司信用卡中心\n2026年11月25日",
) -> str:
    return _LETTER.format(salutation=salutation, deadline=deadline, closing=closing)


OWN_DATES = [
    "甲乙银行股份有限公司信用卡中心\n2026年11月25日",
    "甲乙银行股份有限公司信用卡中心\n二〇二六年十一月二十五日",
    "甲乙银行股份有限公司信用卡中心    2026年11月25日",
    "甲乙银行股份有限公司信用卡中心\n2026年11月25日（盖章）",
    "甲乙银行股份有限公司信用卡中心\n日期：2026-11-25",
    "甲乙银行股份有限公司信用卡中心（公章）\n2026.11.25",
]
"""The 落款 date as letters print it: the deadline a week later is not in the past."""


@pytest.mark.parametrize("closing", OWN_DATES)
def test_the_deadline_is_compared_with_the_letters_own_date(closing: str) -> None:
    assert "DL204" not in _codes(_letter(closing=closing), "letter"), closing


def test_a_date_line_at_the_top_of_a_long_letter_is_its_own() -> None:
    text = (
        "2026年11月25日\n\n"
        + _letter(closing="甲乙银行股份有限公司信用卡中心")
        + "附："
        + "还款说明。" * 120
    )
    assert "DL204" not in _codes(text, "letter")


PAST_TERMS = [
    "您本应于2026年10月10日前还款，",
    "您本应在2026年10月10日前还款，",
    "您未能于2026年10月10日前还款，",
    "您未在2026年10月10日前还款，",
    "按约定您须于2026年10月10日前还款，",
    "我行曾要求您于2026年11月10日前还款，",
    "此前通知您于2026年11月10日前还款，",
]
"""A missed due date the letter reports is no deadline it sets."""


@pytest.mark.parametrize("term", PAST_TERMS)
def test_a_missed_due_date_is_not_a_past_deadline(term: str) -> None:
    assert "DL204" not in _codes(_letter(deadline=term + "请于2026年12月2日前"), "letter"), term


def test_a_deadline_before_the_letters_own_date_is_still_an_error() -> None:
    assert "DL204" in _codes(_letter(deadline="请于2026年11月20日前"), "letter")


NAMED_LETTERS = [
    "张晓明：",
    "张晓明先生：",
    "致：张晓明",
    "致张晓明先生：",
    "借款人：张晓明",
    "借款人张晓明：",
    "尊敬的张晓明（先生）：",
    "尊敬的客户 张晓明：",
    "张晓明同志：",
    "客户：张晓明",
    "被催收人：张晓明",
    "上海甲乙贸易有限公司：",
    "尊敬的上海甲乙贸易有限公司：",
    "致：上海甲乙贸易有限公司：",
]


@pytest.mark.parametrize("salutation", NAMED_LETTERS)
def test_a_letter_addressed_by_name_is_personal(salutation: str) -> None:
    assert "DL106" not in _codes(_letter(salutation=salutation), "letter"), salutation


@pytest.mark.parametrize("salutation", ["尊敬的客户：", "致：借款人", "尊敬的先生/女士："])
def test_a_letter_addressed_generically_gets_the_warning(salutation: str) -> None:
    assert "DL106" in _codes(_letter(salutation=salutation), "letter"), salutation


AMOUNTS = [
    "欠款1,015.00元",
    "欠款人民币1,015.00元",
    "应还款额：1015.00",
    "最低还款额123.46元",
    "欠款1.2万元",
    "欠款¥1,015.00",
    "欠款金额为壹仟零壹拾伍元整",
    "本期应还人民币1,015.00",
    "欠款RMB1,015.00",
    "欠款3千元",
    "欠了2000块钱",
    "欠款五千元",
    "欠款一千五百元",
    "借了两万块",
    "本金3,000",
    "欠款金额3000",
    "应还款额 1,015.00",
    "欠款1015.00人民币",
]


NO_AMOUNTS = [
    "已逾期30天",
    "欠款已逾期3期",
    "欠款逾期已有两个月",
]


@pytest.mark.parametrize("text", NO_AMOUNTS)
def test_no_amount_is_still_reported(text: str) -> None:
    sms = f"【甲乙银行】张先生，您尾号1234的信用卡{text}，请于12月15日前还款。详询95000。"
    assert "DL102" in _codes(sms), text


@pytest.mark.parametrize("amount", AMOUNTS)
def test_an_amount_in_any_real_form_is_one(amount: str) -> None:
    text = f"【甲乙银行】张先生，您尾号1234的信用卡{amount}，请于12月15日前还款。详询95000。"
    assert "DL102" not in _codes(text), amount


@pytest.mark.parametrize(
    "text",
    [
        "[招商银行]张先生，您的信用卡已逾期，欠款1,015.00元，请于12月15日前还款。详询95555。",
        "招商银行：张先生，您的信用卡已逾期，欠款1,015.00元，请于12月15日前还款。详询95555。",
    ],
)
def test_a_short_single_paragraph_read_from_a_txt_file_is_an_sms(text: str) -> None:
    assert infer_channel(text, ".txt")[0] == "sms"


def test_a_year_less_deadline_early_next_year_is_not_past() -> None:
    letter = _letter(
        deadline="请于1月5日（星期二）前", closing="甲乙银行信用卡中心\n2026年12月28日"
    )
    assert "DL204" not in _codes(letter, "letter")


def test_a_year_less_deadline_before_the_letter_is_still_past() -> None:
    letter = _letter(deadline="请于11月20日前", closing="甲乙银行信用卡中心\n2026年11月25日")
    assert "DL204" in _codes(letter, "letter")


CHANNELS = [
    "请存入您尾号1186的还款卡。",
    "请存入您的委托扣款账户。",
    "也可到我中心服务大厅办理还款。",
    "请登录我司官网还款。",
    "请到我社营业场所还款。",
    "请打开美团App还款。",
    "请通过支付宝“国家助学贷款”小程序还款。",
    "请将款项汇入以下账户：户名甲乙银行股份有限公司，开户行甲乙银行北京分行。",
]
"""Official ways to pay a letter names: DL104 stays silent."""


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_official_payment_channel_in_any_real_form_is_one(channel: str) -> None:
    letter = _LETTER.format(
        salutation="尊敬的张晓明先生：",
        deadline=channel + "请于2026年12月2日前还款，",
        closing="甲乙银行股份有限公司信用卡中心\n2026年11月25日",
    ).replace("通过甲乙银行手机银行或各营业网点还款。", "")
    assert "DL104" not in _codes(letter, "letter"), channel


def test_a_letter_without_a_way_to_pay_is_still_reported() -> None:
    letter = _letter().replace("通过甲乙银行手机银行或各营业网点还款。", "还款。")
    assert "DL104" in _codes(letter, "letter")


def test_a_long_letter_headed_by_the_sender_in_brackets_is_a_letter() -> None:
    text = "【甲乙银行】\n" + _letter() + "附：还款说明。" * 50
    assert infer_channel(text, ".txt")[0] == "letter"


def test_a_multi_line_sms_is_still_an_sms() -> None:
    text = "【甲乙银行】张先生：\n您尾号1234的信用卡欠款1,015.00元，\n请于12月15日前还款。\n详询95000。"
    assert infer_channel(text, ".txt")[0] == "sms"


@pytest.mark.parametrize(
    "clause",
    [
        "如您逾期30天未还，将影响您的信用记录",
        "若逾期超过30天，我行将依法处理",
        "对于逾期90天的账户，我行将依法处理",
    ],
)
def test_a_conditional_days_overdue_is_not_the_stage(clause: str) -> None:
    sms = f"【甲乙银行】张先生，您本期应还1,015.00元明天到期，请按时还款。{clause}。详询95000。"
    notice = next(f.message for f in Linter().lint(sms, infer=True) if f.code == CONTEXT_CODE)
    assert "阶段推断为前期提醒" in notice, notice


def test_the_stated_days_overdue_is_the_stage() -> None:
    sms = (
        "【甲乙银行】张先生，您的信用卡已逾期35天，欠款1,015.00元，请于12月15日前还款。详询95000。"
    )
    notice = next(f.message for f in Linter().lint(sms, infer=True) if f.code == CONTEXT_CODE)
    assert "文中写明逾期35天" in notice, notice


def test_an_actual_days_overdue_after_ru_qi_is_the_stage() -> None:
    sms = "【甲乙银行】张先生，您未如期还款已逾期35天，欠款1,015.00元，请于12月15日前还款。详询95000。"
    notice = next(f.message for f in Linter().lint(sms, infer=True) if f.code == CONTEXT_CODE)
    assert "文中写明逾期35天" in notice, notice


def test_a_repayment_date_field_is_not_the_letters_date() -> None:
    text = _letter(
        deadline="还款日期：2026年12月15日。请于2026年12月10日前",
        closing="甲乙银行股份有限公司信用卡中心\n2026年11月25日",
    )
    assert document_date(text) == date(2026, 11, 25)
    assert "DL204" not in _codes(text, "letter")


def test_a_deadline_line_is_not_the_signers_date_line() -> None:
    text = "请按期还款。\n还款期限  2026年12月15日\n甲乙银行信用卡中心  2026年11月25日\n"
    assert document_date(text) == date(2026, 11, 25)
    assert document_date("请按期还款。\n还款期限  2026年12月15日\n") is None
