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


# Synthetic numbers only: the cards are generated (half with a wrong Luhn digit), the IDs
# carry a generated region and birth date (half with a wrong check character).
_FULL_NUMBERS = [
    "您的信用卡6225881365956746已逾期。",
    "您的信用卡6225881365956749已逾期。",
    "您名下卡号为6217008318575456001的借记卡已被冻结扣款。",
    "您名下卡号为6217008318575456004的借记卡将被扣款。",
    "您尾号不详的卡4367427387675074欠款未还。",
    "您的账户6222023760692637453已逾期45天。",
    "您的账户6222023760692637456已逾期45天。",
    "贷款账号：6230580548090597457，请尽快还款。",
    "还款卡号 6225 8813 6595 6749，请存足款项。",
    "扣款卡：6259-0086-5978-0531",
    "借款人张某，身份证号110101198503071235，欠款未还。",
    "借款人张某，身份证号110101198503071231，欠款未还。",
    "身份证：320583199008150024",
    "证件号码：44030519781122331X，请核对。",
    "借款人李某（身份证号码510107199301014563）逾期未还。",
    "公民身份号码 320583199008150021 的借款人已逾期。",
    "您的紧急联系人王某，电话13912345678。",
    "您母亲的手机13987654321我们已经打过了。",
    "您的同事刘某13700001111已经知道此事。",
    "联系人：张某某 139-1234-5678（配偶）",
    "你老婆的电话15812345678我们有。",
    "您的担保人陈某手机号18611112222。",
    "张某（13800001234）在我司借款逾期，请转告他。",
    "您的信用卡5187101850280762于本月到期未还。",
    "您的信用卡5187101850280769于本月到期未还。",
    "您在我行的借记卡6217008318575456001余额不足。",
    "卡号：4367427387675071，逾期金额3000元。",
    "信用卡号码 6225881365956746 已被列入催收。",
    "您的银行卡（6259008659780538）扣款失败。",
    "银行卡号6259008659780531扣款失败。",
    "您于2026年3月用卡6225881365956746消费。",
    "借款人身份证110101198503071235、手机13800138000。",
    "您的号码为13912340000的亲属已接到通知。",
    "您父亲（18900001111）表示会帮您还款。",
    "请转告您哥哥张某，他的手机15900002222一直打不通。",
    "身份证号码：110101198503071235，姓名：张某。",
    "您的信用卡号６２２５８８１３６５９５６７４６已逾期。",
    "持卡人张某，卡号6225881365956746，欠款5000元。",
    "您的卡6222023760692637456已透支。",
    "贵司员工张某（身份证440305197811223315）拖欠欠款。",
]
_NOT_PERSONAL_DATA = [
    "您尾号1234的信用卡已逾期。",
    "您卡号为6225********6746的信用卡已逾期。",
    "身份证号110101********1235。",
    "身份证号110***********1235。",
    "如有疑问请致电95588。",
    "客服热线：400-820-8888。",
    "请致电021-61234567。",
    "经办人：王经理 13800138000（工作日接听）。",
    "催收专员李明，联系电话13912345678。",
    "还款账号：31001234567890123，户名：某某消费金融有限公司。",
    "合同编号：6225881365956746。",
    "订单号：202612011234567890。",
    "截至2026年11月28日，您的欠款合计95,000.00元。",
    "您的手机号138****5678已绑定。",
    "借据号 2026120100000012345，请核对。",
    "案件编号：HZ2026120112345678。",
    "对公账户：1109 1234 5678 901，开户行：招商银行上海分行。",
    "请拨打卡片背面的客服电话。",
    "如需协商请联系调解员陈女士，电话13700001111。",
    "您尾号5678的手机号已停机。",
    "收款账号：110912345678901（某某消费金融有限公司）。",
    "流水号：6225881365956746123。",
    "您的借款金额为12,345,678.90元。",
    "工号1008611，如有疑问请回电。",
    "您的卡号末四位为6746。",
    "贷款合同号：6225881365956749。",
    "您的还款账户为某某银行对公账户110912345678901。",
    "统一社会信用代码：91310000123456789X。",
    "快递单号：SF1234567890123。",
    "您的借款编号为6200000000000000123。",
    "业务参考号6230580548090597457，请妥善保存。",
    "客户经理：王某，联系电话：13800138000。",
    "我社地址：某某县某某镇人民路8号，电话：0531-12345678。",
]


@pytest.mark.parametrize("text", _FULL_NUMBERS)
def test_full_numbers_are_reported_whatever_their_check_digit(text: str) -> None:
    """A full card or ID number, or a third party's mobile, is personal data even when its
    check digit is wrong (issue 14)."""
    assert _codes(text, "DL605"), text


@pytest.mark.parametrize("text", _NOT_PERSONAL_DATA)
def test_masked_numbers_and_the_creditors_own_are_not_reported(text: str) -> None:
    assert _codes(text, "DL605") == [], text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (text, "DL606")
        for text in [
            "请点击 http://repay-help.top/pay 完成还款。",
            "请点击 https://t.cn/A6xYz9 立即还款。",
            "添加专员微信，办理停息挂账。",
            "请将款项转至安全账户配合调查。",
            "请将资金转入核查账户。",
            "请通过以下个人账户还款。",
            "可以用微信转账给法务李律师。",
            "请向我司业务员王某的私人银行卡汇款。",
            "通过以下链接还款：http://hk-pay.xyz/r?id=8812",
            "您的欠款可协商减免，详情加微信xzy2024。",
            "专员支付宝：zhangsan_pay@163.com，转账后截图。",
            "点击链接还款 http://192.168.1.20/pay",
            "请先缴纳2000元保证金至指定个人账户，才能办理减免。",
            "需要先交一笔解冻费到专员的银行卡。",
            "为证明还款能力，请将资金转入我们提供的验资账户。",
            "请将名下存款全部转到清查账户，配合调查。",
            "您的款项需转入监管账户，待核实后退回。",
            "加这个QQ号：12345678，找专员处理还款。",
        ]
    ]
    + [
        (text, "DL604")
        for text in [
            "明天就把你的照片和欠款发抖音。",
            "我们已给您的紧急联系人发了提醒短信。",
            "你的欠款信息已经上传到失信曝光平台。",
            "我们会把你的借款合同上传到网上让大家评评理。",
        ]
    ],
)
def test_phrase_list_wordings(text: str, code: str) -> None:
    """Wordings the phrase lists catch rather than the frames (the frames' own examples
    are tested with the frames)."""
    assert _codes(text, code), text
