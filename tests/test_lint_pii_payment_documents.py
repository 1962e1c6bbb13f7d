"""DL605, DL606 and the document codes (DL101, DL103, DL106) on families of real
wording the rule and frame examples show only once (issue 14, harvest rounds 12–15):
an ID card's copy shown round, the sender's own staff mobile, a pay-by-link from a
text that names no creditor, a placeholder signature, a creditor named in 《》 or as
the party an agency acts for, a 截止日 or clock-time deadline, a debtor identified by
name and ID number."""

from __future__ import annotations

import pytest

from dunletters.config import Settings
from dunletters.lint.engine import Linter


def _codes(text: str, channel: str | None = None) -> set[str]:
    return {f.code for f in Linter(Settings()).lint(text, infer=True, channel=channel)}


@pytest.mark.parametrize(
    "text",
    [
        "催收公司把她的身份证复印件贴在了小区公告栏上。",
        "对方把我的身份证照片发到了家族群里。",
        "他们在信封上印着他的身份证号码寄到单位。",
        "催收员把借款人身份证正反面照片群发给通讯录好友。",
        "收數公司將佢嘅身分證副本貼喺門口。",
    ],
)
def test_an_id_cards_copy_shown_round_is_unmasked_pii(text: str) -> None:
    """Every number on a posted or forwarded ID copy is public: DL605 by the narration
    convention too."""
    assert "DL605" in _codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "办理分期时请携带本人身份证复印件到网点。",
        "请将身份证正反面照片上传至App完成实名认证。",
        "严禁将债务人的身份证复印件张贴在公共场所。",
        "我行不会把您的身份证照片发给任何第三方。",
        "申请结清证明需提供身份证复印件一份。",
        "办理时请提供身份证复印件及身份证号码。",
        "请携带身份证原件及复印件，并填写身份证号码。",
        "请将身份证复印件发到我司邮箱。",
        "请把身份证正反面照片发给客服。",
    ],
)
def test_an_id_copy_asked_for_or_forbidden_to_show_is_not(text: str) -> None:
    assert "DL605" not in _codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "如需调解请联系王主任：13800138000。",
        "（庭前调解刘主任：13912345678）请按时到场。",
        "承办律师张律师：13800138000，工作日接听。",
        "法务组长李某：13912345678。",
        "调解专线：13800138000（工作时间）",
        "业务员刘某某 13912345678",
        "如有疑问请联系催收专员小李13912345678。",
        "经办人张某 13800138000（工作日）",
    ],
)
def test_the_senders_own_staff_mobile_is_a_number_to_call(text: str) -> None:
    assert "DL605" not in _codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "你母亲王某某（主任：13912345678）已被告知你的欠款。",
        "催收员已联系你母亲13800138000。",
        "业务员已打给你的紧急联系人李某13912345678。",
        # a public post exposing someone: the number is theirs, not one to call
        "大家小心这个骗子，骗子手机号：13800132718。",
        "曝光老赖，此人电话13912345678，欠钱不还。",
        "该男子手机号码：13800138000，见到请转告他还钱。",
    ],
)
def test_a_relatives_mobile_stays_reported_beside_a_title(text: str) -> None:
    assert "DL605" in _codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "尊敬的用户，您的信用卡已逾期，请立即还款 https://repay-card.com 否则影响征信",
        "您的贷款已逾期3天，点击 http://pay-loan.net/u 完成还款。",
        "您的账户欠费未缴，请于今日缴费 www.pay-bill.com.cn",
        "您名下的借款已逾期，请及时结清：https://settle-now.org",
        "您的花呗已被冻结，请立即登录 https://unfreeze-help.com 解冻。",
    ],
)
def test_a_pay_by_link_in_a_text_that_names_no_creditor_is_unofficial(text: str) -> None:
    assert "DL606" in _codes(text, "sms")


@pytest.mark.parametrize(
    "text",
    [
        "【某某银行】您的信用卡已逾期，请登录 https://www.example-bank.cn 还款。",
        "甲乙消费金融提醒您：您的借款已逾期，请通过 https://www.jiayi-cf.com 还款。",
        "还款方式：1.App还款；2.对公转账；3.支付宝搜索“某某贷”小程序还款。",
        "您的借款已逾期，详情请咨询客服热线95588。",
        "请勿点击短信中的不明链接，还款请认准官方App。",
    ],
)
def test_a_named_creditors_link_or_no_link_is_not(text: str) -> None:
    assert "DL606" not in _codes(text, "sms")


@pytest.mark.parametrize(
    "text",
    [
        "【XX银行】您的信用卡已逾期，请及时还款。",
        "【XX消费金融】您的借款已逾期，请尽快处理。",
        "张伟，你在《甲乙白卡》的借款已逾期5天，请尽快还款。",
        "李某（110101****0011）你在“甲乙花”欠款已超期。",
        "我所受甲乙金融委托，通知你尽快还款。",
    ],
)
def test_the_creditor_named_by_a_placeholder_signature_quotes_or_a_mandate(text: str) -> None:
    assert "DL101" not in _codes(text, "sms")


@pytest.mark.parametrize(
    "text",
    [
        "【XX】您的欠款已逾期，请于今日18点前自行APP结清。",
        "受您委托，我们为您办理了分期。您的借款已逾期。",
        "受法院委托，现通知你尽快还款。",
        "受平台委托，现通知你尽快还款。",
        "受债权方委托，通知你尽快还款。",
        "公司决定将您的欠款提交某某律师事务所处理，请尽快还款。",
        "您的欠款已移交甲乙资产管理有限公司处理。",
        "我方将把案件转交给丙丁律师事务所，请尽快还款。",
        "欠款已交由戊己法律服务有限公司跟进。",
        "再不还款将递交某某律师事务所起诉。",
        # the company greeted is the debtor, not the writer
        "租赁费用提醒：佛山甲乙家具有限公司您好，您10月租赁费用未结清，请尽快缴费。",
        "甲乙商贸有限公司你好，贵司货款已逾期，请尽快付款。",
        "尊敬的甲乙商贸有限公司：\n贵司货款50000元已逾期，请于12月5日前付款。",
    ],
)
def test_no_creditor_named_stays_reported(text: str) -> None:
    assert "DL101" in _codes(text, "sms")


@pytest.mark.parametrize(
    "text",
    [
        "【甲乙贷】张伟，您本月有还款未还，截止日2026-12-15，请及时还款。",
        "【甲乙贷】张伟，您的借款已逾期，还款截止日：2026/12/20。",
        "【甲乙贷】张伟，您的借款已逾期，务必18点前结清全部欠款。",
        "【甲乙贷】张伟，您的借款已逾期，请下午5点之前处理。",
        "【甲乙贷】张伟，您的借款已逾期，20:00前还清可免罚息。",
    ],
)
def test_a_cutoff_day_or_a_clock_time_is_a_deadline(text: str) -> None:
    assert "DL103" not in _codes(text, "sms")


@pytest.mark.parametrize(
    "text",
    [
        "【甲乙贷】张伟，截至2026-12-01您的欠款合计3000元，请尽快还款。",
        "【甲乙贷】张伟，数据截止日2026-11-30，您的借款已逾期，请尽快还款。",
        "【甲乙贷】张伟，客服每天9点至21点在线，您的借款已逾期，请尽快还款。",
    ],
)
def test_an_as_of_date_or_office_hours_are_no_deadline(text: str) -> None:
    assert "DL103" in _codes(text, "sms")


@pytest.mark.parametrize(
    "text",
    [
        "【甲乙贷】周立群，身份证号：110101199003070011；你在我公司的借款已逾期。",
        "周立群（110101****0011）由于你在我司的借款已逾期，请尽快还款。",
        "【甲乙贷】请劝告还款：周立群, 身份证号：110101****0011，借款已逾期3天。",
        "王晓明（证件号：110101****0011）关于你在甲乙贷的借款一事，请尽快处理。",
        "【甲乙贷】李娜，证件号码110101********0011，您的借款已逾期。",
        # a company debtor greeted by its name
        "租赁费用提醒：佛山甲乙家具有限公司您好，您10月租赁费用未结清，请尽快缴费。",
        "【甲乙租赁】丙丁商贸有限公司您好，您的租金已逾期5天。",
        "【甲乙租赁】尊敬的丙丁商贸有限公司：贵司租金已逾期5天。",
        "【甲乙贷】Dear 王晓明，您的借款已逾期。",
    ],
)
def test_a_debtor_identified_by_name_and_id_number_is_named(text: str) -> None:
    assert "DL106" not in _codes(text, "sms")


def test_a_generic_word_before_an_id_number_is_no_name() -> None:
    assert "DL106" in _codes(
        "【甲乙贷】客户，身份证号：110101********0011，您的借款已逾期。", "sms"
    )


@pytest.mark.parametrize(
    "text",
    [
        "周立群 430102198812030412 你的借款已逾期。",
        "借款人周立群（430102198812030412）逾期未还。",
        "欠款人：王某，430102198812030412，请转告其还款。",
        "张伟/430102198812030412/欠款3000元",
        "李娜 430102 19881203 0412 已列入催收名单",
    ],
)
def test_an_id_number_beside_a_name_is_full_whatever_its_check_character(text: str) -> None:
    """An 18-character number with a region and a birth date is an ID number even
    without the word 身份证 and with a wrong check character (issue 14)."""
    assert "DL605" in _codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "订单号：430102198812030412，请核对。",
        "合同编号430102198812030412的借款已逾期。",
        "还款账号：430102198812030412（某某银行股份有限公司）",
        "流水号 430102198812030412 的还款已到账。",
        "您尾号0412的证件已登记。",
    ],
)
def test_an_id_shaped_reference_or_the_creditors_account_is_not(text: str) -> None:
    assert "DL605" not in _codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "【甲乙贷】张晓明：您的借款已逾期，请于12月20号前还款。",
        "【甲乙贷】张晓明您的借款已逾期，请于20日前还款。",
        "【甲乙贷】尊敬的张**：您的借款已逾期，请在12/20前还款。",
        "【甲乙贷】尊敬的张晓明（身份证尾号0011）：请于12月15日（周一）前还款。",
        "【甲乙贷】您好，张晓明！您的借款已逾期，请于周五下班前还款。",
        "【甲乙贷】致张晓明：您的借款已逾期，请在春节前还清欠款。",
        "【甲乙贷】欧阳晓明，您的借款已逾期，月底前必须还清。",
        "【甲乙贷】张晓明（客户编号123456）您的借款已逾期，请于次日中午前还款。",
        "【甲乙贷】提醒张晓明：您的借款已逾期，还款宽限至12月20日。",
        "【甲乙贷】张晓明，您的借款已逾期，本周内还清。",
        "【甲乙贷】张晓明，您的借款已逾期，今天之内必须还清。",
        "【甲乙贷】张晓明，您的借款已逾期，请于下个月5号前还款。",
        "【甲乙贷】张晓明，您的借款已逾期，最晚明天还清。",
        "【甲乙贷】张晓明，您的借款已逾期，今天务必还款。",
    ],
)
def test_more_ways_to_name_the_debtor_and_set_a_deadline(text: str) -> None:
    """The colloquial dates (20号, 12/20, 周五下班前, 春节前) and openings (a name before
    您, a masked or tagged name, 致/提醒 + name) that real SMS use."""
    codes = _codes(text, "sms")
    assert "DL103" not in codes and "DL106" not in codes


@pytest.mark.parametrize(
    "text",
    [
        "【甲乙贷】感谢您的支持，您的借款已逾期，上月底前您已还款1000元。",
        "【甲乙贷】方便您的时候请还款，客服周一至周五9:00-18:00在线。",
        "【甲乙贷】温馨提示：您于2026年3月1日借款，现已逾期。",
        "【甲乙贷】尊敬的用户（客户编号123）：您的借款已于12月20号到期。",
        "【甲乙贷】谢谢您的配合，春节期间客服正常值班。",
    ],
)
def test_no_name_and_no_deadline_stay_reported(text: str) -> None:
    codes = _codes(text, "sms")
    assert "DL103" in codes and "DL106" in codes


@pytest.mark.parametrize(
    "text",
    [
        "開戶名稱：葛玉蘭 開戶銀行：工行某某支行 帳號：6222081001016630187",
        "戶名：陳大文，帳號：6222021001234567890，請轉帳。",
        "收款人：林小美，卡號6217001234567890123。",
        "請匯款至：戶名王小明 帳號6228480012345678910",
        "開戶名：張偉，開戶行：農業銀行，帳號6228481234567890123",
    ],
)
def test_a_persons_account_in_traditional_characters_is_unmasked(text: str) -> None:
    """The payee checks read the folded text: 開戶名稱 is 开户名称."""
    assert "DL605" in _codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "您尾号为6222021234567890的卡已逾期。",
        "您6222021234567890的信用卡本期未还。",
        "持卡人名下4367420012345670的储蓄卡余额不足。",
        "扣款失败：6217001234567890124的借记卡余额不足。",
        "您622202123456789012的账户已冻结。",
    ],
)
def test_a_full_number_before_the_word_card_is_a_card_whatever_its_check_digit(
    text: str,
) -> None:
    """A template that printed the whole number where 尾号 meant the last four."""
    assert "DL605" in _codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "合同号6222021234567890的借款已逾期。",
        "您尾号7890的卡已逾期。",
        "订单编号6222021234567890的账户信息已更新。",
        "您的卡号6222 **** **** 7890已逾期。",
        "对公账户4400123456789000111（某某银行股份有限公司）",
    ],
)
def test_a_reference_or_a_masked_or_the_creditors_number_is_not(text: str) -> None:
    assert "DL605" not in _codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "以免影响征信，请点击 t.cn/abc123 还款。",
        "为免逾期，请点t.cn/Ab12cd还款",
        "您的账单已逾期，速点 dwz.cn/xYz99 处理",
        "请于今日点击 bit.ly/3xYz 完成缴费。",
        "逾期将上报征信，还款戳 url.cn/abcd",
    ],
)
def test_a_short_link_to_pay_is_reported_whatever_follows_it(text: str) -> None:
    """The link stops where the words after it begin (the match text has no spaces)."""
    assert "DL606" in _codes(text, "sms")


@pytest.mark.parametrize(
    "text",
    [
        "警方提醒：t.cn/A6abcd 是钓鱼链接，请勿点击。",
        "请勿点击 http://t.cn/xyz123 这类短链接。",
        "谨防诈骗：bit.ly/3xYz 为假冒网站。",
        "冒充银行的短信常附 url.cn/abcd 一类链接，千万别点。",
        "此前流传的 dwz.cn/xYz99 属于钓鱼网址。",
    ],
)
def test_a_short_link_quoted_in_a_warning_is_not(text: str) -> None:
    assert "DL606" not in _codes(text, "sms")


@pytest.mark.parametrize(
    "text",
    [
        "【甲乙贷】您好，您的亲友张晓明在我司借款已逾期，请转告其尽快还款。",
        "【甲乙贷】请转告张晓明尽快还款，其借款已逾期。",
        "【甲乙贷】您的朋友张晓明留了您的电话作为紧急联系人，他的借款已逾期。",
        "【甲乙贷】张晓明的家属您好，他的借款已逾期。",
        "【甲乙贷】麻烦通知张晓明尽快联系我们。",
        "【甲乙贷】紧急联系人您好：王芳在我司的借款已逾期。",
    ],
)
def test_a_message_to_a_relative_names_the_debtor_it_is_about(text: str) -> None:
    """DL106 asks for the debtor's name; a message to a relative that names the debtor
    (itself DL604's business) is not an impersonal one."""
    assert "DL106" not in _codes(text, "sms")


@pytest.mark.parametrize(
    "text",
    [
        "【甲乙贷】请告知何时还款，您的借款已逾期。",
        "【甲乙贷】请通知家人尽快还款。",
        "【甲乙贷】您的借款已逾期，请联系方式变更后及时告知。",
        "【甲乙贷】请提醒您的家人尽快还款。",
        "【甲乙贷】为免影响您的家人，请尽快还款。",
    ],
)
def test_a_relative_with_no_name_is_still_generic(text: str) -> None:
    assert "DL106" in _codes(text, "sms")


@pytest.mark.parametrize("surname", ["葛", "傅", "王"])
def test_one_surname_list_names_the_debtor_and_a_personal_payee(surname: str) -> None:
    # DL106's salutation and DL605's payee before an account number read the same list
    assert "DL106" not in _codes(f"{surname}晓明，您的借款已逾期5天，请尽快还款。", "sms")
    payee = f"请还款至指定账户：{surname}伟 6222020200112233445，户名请核对。"
    assert "DL605" in _codes(payee, "sms")


def test_a_safe_account_called_fraud_is_silent_for_both_codes() -> None:
    warning = "凡是要求把钱转到安全账户的都是电信诈骗，公安机关不会这样办案。"
    assert not _codes(warning) & {"DL603", "DL606"}


@pytest.mark.parametrize(
    "text",
    [
        "本公司不接受任何形式的现金及个人账户转账。",
        "我行拒收个人账户转入的还款，请使用本人名下账户。",
    ],
)
def test_a_personal_account_refused_is_no_payment_request(text: str) -> None:
    assert "DL606" not in _codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "身份证号：１１０１０１１９９００３０７１２３４",
        "您的银行卡号６２２２０２１２３４５６７８９０１２３已逾期。",
        "户名：张某 账号：６２２２０２１２３４５６７８９０１２４",
        "您的紧急联系人李四（１３８００１３８０００）已被告知。",
    ],
)
def test_a_full_number_in_full_width_digits_is_still_full(text: str) -> None:
    assert "DL605" in _codes(text), text


@pytest.mark.parametrize("text", ["9 2026-10-18 18650.00", "序号 12 2026-01-05 3600 元"])
def test_a_table_row_with_a_date_is_no_number(text: str) -> None:
    assert "DL605" not in _codes(text), text
