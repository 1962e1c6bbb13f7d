"""DL1xx 清楚 / 看得懂 / 个性化 / 指引的: the reader can tell who writes, what is owed, by when, how to pay."""

from __future__ import annotations

import re

from dunletters.lint.context import LintContext
from dunletters.lint.findings import Severity
from dunletters.lint.rule import Hit, Rule, rule
from dunletters.lint.rules.common import (
    _DEADLINE_WORDS,
    _SALUTATION,
    SURNAMES,
    _has,
    _surname,
    _whole,
    say,
)
from dunletters.lint.rules.existence import declared
from dunletters.lint.text import fold

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# -- DL1xx 清楚 / 看得懂 / 个性化 / 指引的 ------------------------------------------------


# A creditor's name: a proper name (two characters or more) ending in an institution
# word — not a generic phrase such as 网上银行 or 手机银行, nor 我单位 — or a known
# lending platform; or the SMS 【签名】.
_GENERIC_SENDER = (
    r"(?!(?:您的|你的|我们的?|本|该|此|贵|XX|某某?)?(?:贷款|借款|网贷|信贷|金融|催收|法务|客服|风控|贷后|还款)?"
    r"(?:平台|公司|银行|机构|中心|部门?|小编|团队|专员|系统|官方|方)?(?:温馨)?提醒)"
)
"""At a text's opening: the words before 提醒您 are generic (平台, 贷款平台, 催收中心), no name."""
_INSTITUTION = re.compile(
    r"(?![XxＸ×]{2})[\u4e00-\u9fffA-Za-z]{2}"
    r"(?<!网上)(?<!手机)(?<!网络)(?<!电话)(?<!商业)(?<!指定)(?<!开户)(?<!任何)(?<!其他)"
    r"(?<!各家)(?<!收款)(?<!直销)(?<!发卡)(?<!贷款)(?<!全国)(?<![的您你我他她其贵本该此们在到去回来进和与及或对给向笔个些种])"
    r"(?:银行|农商行|信用合作社|信用社|信用联社|农信社|有限公司|有限责任公司|股份公司|集团|公司(?!名称)"
    r"|联社|消费金融|小额贷款|小贷公司|融资担保|资产管理|金融服务|信用卡中心|学生资助|资助管理中心"
    r"|公积金管理中心|公积金中心|公积金管理分中心|公积金分中心|资金互助社|汽车金融|金融租赁|融资租赁|信托"
    r"|助学贷款管理中心|贷款管理中心|助学贷款中心|律师事务所|农信|小贷|典当行|商业保理|保理公司)"
    r"|借呗|花呗|京东金融|白条|微粒贷|分期乐|招联|马上消费|度小满|拍拍贷|平安普惠|宜人贷"
    r"|安逸花|网商贷|美团月付|美团借钱|捷信|360借条|信用飞|小赢卡贷|还呗|来分期"
    r"|抖音月付|放心借|拿去花|任性付|有钱花|好期贷|你我贷|小花钱包|洋钱罐|省呗|桔多多|众安贷|奇富借条"
    # a bank by its short name, before what it lends: 「您的招行信用卡」「建行贷款」
    r"|(?:工行|建行|农行|中行|交行|招行|邮储|浦发|广发|光大|中信|兴业|民生|华夏|平安)(?=信用卡|卡|[^，。；\n]{0,8}?(?:分行|支行|营业部)|贷)"
    # a carrier or utility by its brand: 「感谢您使用联通业务」「中国移动提醒您」「国家电网」
    r"|中国(?:移动|联通|电信|广电)|国家电网|南方电网|(?:联通|电信)(?=业务|公司|客服|营业厅|宽带|用户|套餐)"
    r"|移动(?=公司|营业厅|客服热线)"
    # 【XX银行】: a template's placeholder still names the creditor's kind; 【XX】 alone does not
    r"|^\s*【(?![^】]*(?:法院|公安|检察|派出所))(?![XxＸ×某]{2}】)[^【】\n]{2,16}】"
    r"|【(?![XxＸ×某]{2}】)[^【】\n]{2,16}】\s*$|\[(?![^\]\n]*(?:日期|姓名|名称|金额|电话|时间|地址))[^\[\]\n]{2,16}\]\s*$"
    r"|^\s*\[(?![^\]\n]*(?:日期|姓名|名称|金额|电话|时间|地址))[^\[\]\n]{2,16}\]"
    r"|｛[^｛｝\n]{2,16}｝|[-—]{1,2}\s*[\u4e00-\u9fffA-Za-z]{2,12}\s*$"
    # a lending platform named by its app, its bracketed sender, or 「您在X的借款」
    r"|[\u4e00-\u9fff]{2,8}(?<![我本贵该此官方录开载入过用机至到往去在的从请])(?<!自行)(?:APP|App|app)(?![A-Za-z])"
    # a platform named by its page or hotline: 「进入爱钱进·借啊页面」「咨询借啊客服热线」
    r"|(?:咨询|致电|拨打|进入|登录)(?![我本贵该此官人在全手网相以我])[\u4e00-\u9fffA-Za-z·]{2,10}?"
    r"(?<![行司方们的])(?:客服热线|客服电话|页面)|^\s*[（(][^（）()\n]{0,12}(?:贷|银行|金融|分期|钱包|借|信用卡)[^（）()\n]{0,12}[）)]"
    r"|[您你]在(?![我本贵某该XxＸ×])[\u4e00-\u9fffA-Za-z0-9“”]{2,12}?(?<!平台)(?:平台)?"
    r"(?:于?\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)?(?:的|申请的)(?:分期)?(?:借款|贷款|账单|订单|欠款)"
    # 「你在《某某白卡》欠款一案」「受某某白卡委托」: the lender in quotes, or the one an agency acts for
    r"|[您你]在[《“「](?![我本贵某该]|(?:平台|公司|银行|机构|APP|App|app)[》”」])[^》”」\n]{2,12}[》”」](?=(?:平台)?(?:的|申请的|办理的)?(?:借款|贷款|账单|订单|欠款|分期))"
    r"|受[《“「]?(?![您你我他她其本贵该某]|债权|出借人|委托人|贷款|金融机构|机构|相关|合作|法院|人民法院|公安|检察"
    r"|平台|公司|银行|甲方|客户|资方|资金方|放款方|上级)"
    r"[\u4e00-\u9fffA-Za-z0-9]{2,12}?[》”」]?的?委托"
    # 「您仁仁分期的订单」: a product name (…分期, …贷, …钱包) owning the debt, without 在
    r"|[您你](?![我本贵某该名XxＸ×])[\u4e00-\u9fffA-Za-z0-9]{1,6}(?:分期|贷|钱包|白条|借条|金融)的(?:借款|贷款|账单|订单|欠款)"
    # the writer names itself: 「我是分期乐的客服」「这里是甲乙金融贷后部」「甲乙金融提醒您：」
    r"|(?:我是|这里是|我们是)(?![我本贵某该你您他她]|催收|贷后|法务|负责|专门|专属|平台|公司|银行|资产|外访|第三方|官方)"
    r"[\u4e00-\u9fffA-Za-z]{2,10}?的?(?:客服|工作人员|专员|催收部|法务部|贷后部|贷后管理部|风控部|资产管理部)"
    r"|\A\s*"
    + _GENERIC_SENDER
    + r"[\u4e00-\u9fffA-Za-z]{1,8}(?:金融|贷|花|钱包|分期|借条?|科技|平台|商城|App|APP)(?:温馨)?提醒(?:您|你)[：:，,]"
    # any sender that opens the text with its name: 「宜信普惠提醒您：」 (not 「温馨提醒您」,
    # nor a person: 「张经理提醒你：」, nor a generic word: 「平台提醒您」「催收中心提醒您」)
    r"|\A\s*(?!温馨|特别|再次|友情|重要|郑重|紧急|诚挚|我们|我行|本行|我司|本司|系统|在此|现|这里)"
    + _GENERIC_SENDER
    + r"[\u4e00-\u9fffA-Za-z]{2,10}(?<!温馨)(?<!特别)(?<!再次)(?<!友情)(?<!郑重)"
    r"(?<!经理)(?<!主管)(?<!专员)(?<!律师)(?<!老师)(?<!主任)(?<!客服)(?<!助理)(?<!组长)(?<!先生)(?<!女士)"
    r"(?<!同事)(?<!小姐)(?<!员)提醒(?:您|你)[：:，,]"
)
_LEGAL_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|有限公司)$")
_EMPLOYER = re.compile(
    r"(?:[你您其他她]的?|工作|所在)单位\s?[：:]?[^，。；！？\n]{0,16}$"
    r"|(?:提交|移交|转交|交由|送交|提请|递交)(?:给|至|到)?\s?[\u4e00-\u9fff]{0,8}$"
)
"""Just before an institution's name: it is the debtor's employer (「已核实你单位：某建筑
劳务有限公司」) or where the case is handed (「提交某某律师事务所」), not the writer."""
_GREETED = re.compile(r"\s?(?:您好|你好)")
"""Just after an institution's name: it is greeted, so it is the debtor (「佛山某某家具有限
公司您好，您的租赁费用…」), not the writer (a 【签名】 before 您好 is the writer's)."""
_ADDRESSED_TO = re.compile(r"(?:尊敬的|致)\s?[^，,。；;：:！!？?\n【】]{0,24}$")
"""Before an institution's name that a colon or a comma follows: 「尊敬的甲乙商贸有限公司：」
names the addressee, not the writer."""


@rule(
    "DL101",
    "missing-creditor",
    principle="清楚",
    rationale="收信人须知道是谁来信：债权机构名称必须写明（《商业银行信用卡业务监督管理办法》第六十九条）。",
    what="全文找不到债权机构（发函机构）的名称；配置了债权机构时，找不到它的名称或短信签名。",
    why="不写来信机构，债务人无法核实真伪，也无从联系；冒名催收正是诈骗惯用手法。",
    fail=(
        "您的欠款已逾期，请尽快还款。",
        "您可通过网上银行还款。\n我单位\n2026年11月28日",
        "我方已核实你单位：某某建筑劳务有限公司，请尽快还款。",
        "公司决定将您的欠款提交某某律师事务所处理，请尽快还款。",
        "您的1500元借款明日到期，请至APP还款，如有疑问请咨询客服热线。",
        "【XX】您的欠款已逾期，请于今日18点前自行APP结清。",
        "温馨提醒您：您的借款已逾期。",
        "平台提醒您：您的借款已逾期。",
        "催收中心提醒您：借款已逾期。",
    ),
    passes=(
        "示范银行股份有限公司信用卡中心提醒您：您的账户已逾期。",
        "【某某农商银行】您的贷款已逾期，请及时还款。",
        "某某县农村信用合作联社提醒您：您的贷款已逾期。",
        "某某市住房公积金管理中心提醒您：您的公积金贷款已逾期。",
        "尊敬的客户，您仁仁分期的订单已逾期多日。",
        "尊敬的陈先生，您在易快借2026-11-20的分期借款即将到期。",
        "您的借款还款日为2026-12-15，如有问题可咨询爱钱进·借啊客服热线4008128018。",
        "【XX银行】您的信用卡已逾期，请及时还款。",
        "宜信普惠提醒您：您的借款已逾期。",
        "您的贷款已逾期，请尽快还款。\n农行某某支行",
        "张伟，你在《甲乙白卡》的借款已逾期5天，请尽快还款。",
        "我所受甲乙金融委托，通知你尽快还款。",
        "尊敬的客户，您的宽带费用120.00元已逾期，请尽快缴纳，详询联通客服热线10010。",
    ),
    use_instead="在信头和落款写明机构全称，如「示范银行股份有限公司信用卡中心」。",
)
def missing_creditor(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    creditor = ctx.creditor
    if creditor is not None:  # configured: its own name, short name or signature
        text = ctx.view.match_text
        short = _LEGAL_SUFFIX.sub("", creditor.name)
        signature = creditor.sms_signature
        if creditor.name in text or (len(short) >= 2 and short in text):
            return hits
        if signature and f"【{signature}】" in ctx.text:
            return hits
        hits.append(_whole(ctx, say(ctx, "DL101", "configured", creditor=creditor.name)))
        return hits
    sender = ctx.sender
    if sender is not None and sender.name in ctx.view.match_text:
        return hits  # the settings' creditor (the demos' example), named in full
    if not names_creditor(ctx.text):
        hits.append(_whole(ctx, say(ctx, "DL101", "unnamed")))
    return hits


def names_creditor(text: str) -> bool:
    """Whether the text names who writes (an institution that is not the debtor's
    employer): DL101's test, which DL606 also asks of a payment link."""
    return any(
        _EMPLOYER.search(text, max(0, m.start() - 24), m.start()) is None
        and (_GREETED.match(text, m.end()) is None or m.group().rstrip().endswith(("】", "]")))
        and not _addressee(text, m.start(), m.end())
        for m in _INSTITUTION.finditer(text)
    )


def _addressee(text: str, start: int, end: int) -> bool:
    """The institution is the one the letter is addressed to (「尊敬的甲乙商贸有限公司：」)."""
    return (
        text[end : end + 1] in {"：", ":", "，", ","}
        and _ADDRESSED_TO.search(text, max(0, start - 30), start) is not None
    )


_AMOUNT = re.compile(
    r"(?:金额|人民币|本息|合计|共计|总额|总计|欠款|保费|应还)[^，。；\n\d]{0,4}?[：:]\s?\d[\d,]*\.\d{2}(?!\d)"
    r"|(?:[$＄]|RMB|CNY)\s?\d[\d,]*(?:\.\d{1,2})?|\d[\d,]*(?:\.\d{1,2})?\s?(?:美元|港币|港元|加币|澳元|欧元)"
    # 「欠款金额3000」「本金3,000」「应还款额 1,015.00」: a labelled figure, not a count of days
    r"|(?:金额|本金|本息|欠款|应还|合计|共计|总额|总计)(?:金额|款额|额|为|是|共)?[：:]?\s?\d[\d,]*(?:\.\d{1,2})?"
    r"(?![\d.]|\s?(?:天|日|期|个|月|年|%|笔|次|号))"
    # 「3千元」「2000块」「五千元」「两万块」「1015.00人民币」
    r"|\d[\d,.]*\s?[千万]?\s?(?:块钱?|千元)|[一二两三四五六七八九十百千万]{2,}\s?(?:元|块)"
    r"|\d[\d,]*\.\d{2}\s?人民币"
)
"""Amounts the money extractor leaves out: a labelled figure without 元 (「还款金额人民币：
2356.80」「欠款金额3000」), colloquial and written-out ones (「2000块」「五千元」) and other
currencies (「$1,860.00（加币）」)."""


@rule(
    "DL102",
    "missing-amount",
    principle="清楚",
    rationale="催收函须写明欠款金额（第六十九条：持卡人姓名和欠款余额）。",
    what="全文没有任何金额。",
    why="不写欠多少，债务人无从核对，也无法按期足额还款。",
    fail=("您的账户已逾期，请尽快还款。",),
    passes=(
        "截至2026年11月28日，您的欠款合计¥16,409.02。",
        "您的贷款将于2026/12/20还款，还款金额人民币：2356.80，请存入足额款项。",
        "请于2026年12月20日之前缴付共计$1,860.00（加币）的保费。",
        "方案名稱　加值方案　合計：3,150",
    ),
    use_instead="写明截至某日的欠款合计，最好附本金、利息、违约金明细与大写金额。",
)
def missing_amount(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if not ctx.view.money and not ctx.view.capitals and _AMOUNT.search(ctx.view.folded) is None:
        hits.append(_whole(ctx, say(ctx, "DL102", "missing")))
    return hits


_DAY = r"(?:(?:\d{4}年)?\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|每月\s?\d{1,2}\s?[日号]|\d{1,2}\s?[日号])"
_DUE_DATE = re.compile(
    r"(?:到期|约定|最后|本期)?(?:还款|到期|扣款)日(?:期)?(?:为|是|:|：)\s?"
    + _DAY
    + r"|(?:到期|约定|最后|本期)还款日(?:期)?\s?(?:\d{4}年)?\d{1,2}月\d{1,2}日"
    r"|\d{1,2}\s?(?:日|号)(?:是|为)(?:您的)?[\u4e00-\u9fff]{0,8}?还款日"
    r"|(?:今天|今日|明天|明日|后天)(?:就)?(?:到期|是还款日|是最后还款日|扣款)"
    r"|(?:将于|(?<![已曾])于)[^，。；,;\n]{0,10}?"
    + _DAY
    + r"\s?(?:到期|还款|扣款|扣收|扣划)|最晚(?:时间)?[^。，,]{0,4}\d{1,2}(?:点|时)"
    r"|(?:将于)?\s?(?:\d{1,2}|[一二三四五六七八九十两])\s?(?:天|日)后(?:即)?(?:\d{1,2}月\d{1,2}日)?到期"
    r"|还款日(?:期)?\s?(?:\d{4}年)?\d{1,2}月\d{1,2}日|(?<!已于)(?<!已)\d{1,2}月\d{1,2}日\s?(?:即将)?到期"
)
"""A reminder's due date: 「还款日为20日」「20号为公积金贷款还款日」「将于3天后即12月15日到期」
「将于2026/12/20还款」「到期日为2026年12月12日」「账单于12月12日到期」「将于3天后到期」."""
_OVERDUE = re.compile(r"已逾期|现已逾期|已经逾期|逾期\d+天|逾期[一二三四五六七八九十]+天|已超时")


_AS_OF = re.compile(r"(?:截止|截至)(?:到|至)?\s?$")
"""「截至2026年12月3日止」 dates the balance; it sets no deadline."""


def _has_deadline(ctx: LintContext) -> bool:
    # Three independent tests, cheapest first: the dates are extracted for DL204
    # anyway, and a rendered document's deadline is a date followed by 前.
    year = ctx.as_of.year if ctx.as_of else None
    text = ctx.text
    for span in ctx.view.dates(year):
        if _DEADLINE_WORDS.match(text[span.end : span.end + 4]) and not _AS_OF.search(
            text, max(0, span.start - 4), span.start
        ):
            return True
    if ctx.view.relative_deadlines or _has(ctx, "deadline"):
        return True
    # A reminder before the due date: its 到期还款日 is the deadline (in an overdue
    # notice the same words name a date already past, which is no deadline).
    return _DUE_DATE.search(text) is not None and _OVERDUE.search(text) is None


@rule(
    "DL103",
    "missing-deadline",
    principle="指引的",
    rationale="要求客户在明确的期限内还款（原则十：指引的）。",
    what="没有具体的还款期限（某年某月某日前，或收到本函之日起N日内）。",
    why="「尽快」「及时」不是期限；没有期限，债务人不知何时必须行动，后续措施也失去依据。",
    fail=("请您尽快还款。",),
    passes=(
        "请于2026年12月5日前还款。",
        "请于收到本函之日起5日内还款。",
        "请于收到本短信后3日内还款。",
        "请于2026年12月5日（含）前还款。",
        "您的公积金贷款还款日为20日，请在还款日前存足资金。",
        "您有账单将于3天后即12月15日到期，请及时还款。",
    ),
    use_instead="写「请于2026年12月5日前」或「请于收到本函之日起5日内」。",
    lexicons=("deadline",),
)
def missing_deadline(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if not _has_deadline(ctx):
        hits.append(_whole(ctx, say(ctx, "DL103", "missing")))
    return hits


_CHANNEL = re.compile(
    r"还款[账帐]号|收款[账帐](?:户|号)|(?:前往|到|至)[^。；\n]{0,12}(?:网点|柜台|营业厅|营业部|资助中心|服务大厅)"
    r"|POS机"
    r"|户名[:：]?\s?[^，。；\n]{0,30}?(?:公司|银行|分行|支行|合作社|中心|学校|学院|大学|医院|委员会|管理处|协会|集团)"
)
"""Channels the phrase list leaves out: 「还款帐号：（公司名）（账号）」 (帐 for 账), the
counter of a public lender (「前往就近县区资助中心…POS机刷卡还款」) and an account whose
户名 is an organisation (「帐号：…　户名：关网资讯股份有限公司」), read on the folded text."""


@rule(
    "DL104",
    "missing-payment-channel",
    principle="指引的",
    channels=("letter",),
    rationale="告诉客户通过哪些官方渠道还款（第六十九条：还款方式）。",
    what="信函没有写明任何官方还款渠道。",
    why="不写官方渠道，债务人可能被诈骗分子引导转账到个人账户。",
    fail=("请于2026年12月5日前还款。",),
    passes=(
        "您可通过示范银行手机银行App、各营业网点或转账至我行对公账户还款。",
        "还款帐号：上海某某金融信息服务有限公司 31001520313050028888",
        "也可前往就近县区资助中心使用助学贷款专用POS机刷借记卡还款。",
        "銀行：中國信託仁愛分行　帳號：95270012345678　戶名：關網資訊股份有限公司",
    ),
    use_instead="列出收款户名、账号、开户行以及官方App、网点等渠道。",
    lexicons=("payment_channel",),
)
def missing_payment_channel(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if ctx.sender is not None:
        account_digits = ctx.sender.payment.bank_account_number.replace(" ", "")
        if account_digits in ctx.view.match_text.replace(" ", ""):
            return hits
    if not _has(ctx, "payment_channel") and _CHANNEL.search(ctx.view.folded) is None:
        hits.append(_whole(ctx, say(ctx, "DL104", "missing")))
    return hits


@rule(
    "DL105",
    "missing-contact",
    principle="清楚",
    rationale="写明机构的官方联系方式（第六十九条：联系方式）。",
    what="没有官方联系电话（95xxx、400 或带区号的固定电话）。",
    why="债务人须能向机构核实、咨询和协商；只留个人手机号或不留电话都不合规。",
    fail=("请于2026年12月5日前还款。",),
    passes=("如有疑问，请致电客服热线95099。",),
    use_instead="写明官方客服热线，如「客服热线95099」。",
    lexicons=("contact",),
)
def missing_contact(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if ctx.sender is not None and ctx.sender.hotline in ctx.text:
        return hits
    if not _has(ctx, "contact"):
        hits.append(_whole(ctx, say(ctx, "DL105", "missing")))
    return hits


_NAMED = re.compile(
    r"(?:尊敬的|亲爱的)\s?(?P<name>(?!客户|用户|会员|持卡人|借款人|贷款人)[\u4e00-\u9fff·]{2,6}?)\s?(?:用户|客户|会员)?\s?(?:您好|你好)?\s?[，,：:！!]"
    r"|^\s*(?:【[^【】\n]{2,16}】|\[[^\[\]\n]{2,16}\])?\s*"
    r"(?P<lead>[\u4e00-\u9fff·]{2,4})\s?(?:先生/女士|先生|女士)?\s?(?:您好|你好)"
    r"|^\s*(?P<titled>[\u4e00-\u9fff·]{2,4})\s?(?:先生/女士|先生|女士)\s*$"
    r"|(?:尊敬的|亲爱的)[\u4e00-\u9fffA-Za-z]{0,6}?(?:客户|用户|会员|持卡人|借款人|贷款人)\s?(?P<client>[\u4e00-\u9fff·]{2,4})\s?[，,：:！!]"
    # 「白雪同学，」「赵雪梅同学：」 (a student-loan centre's reminder)
    r"|(?P<student>[\u4e00-\u9fff·]{2,4}?)同学\s?(?:您好|你好)?\s?[，,：:！!]"
    r"|(?P<paren>[\u4e00-\u9fff·]{2,4})\s?[（(](?:先生|女士|先生/女士|先生/女生)[）)]"
    r"|^\s*(?:【[^【】\n]{2,16}】)?\*(?P<masked>[\u4e00-\u9fff]{1,3})[，,：:]"
    r"|\A\s*(?:【[^【】\n]{2,16}】|\[[^\[\]\n]{2,16}\])?\s*(?P<comma>(?![^，,]*[的了已据此至于在是为有无不请如若但因所])[\u4e00-\u9fff·]{2,3})[，,]\s?(?=您|你|我方|我司|我行)"
    r"|^\s*(?:【[^【】\n]{2,16}】)?\s*(?P<mou>[\u4e00-\u9fff](?:某某?|XX|xx|\*{1,2}))[，,：:]"
    r"|(?:您好|你好)\s?[：:，,！!]\s?(?P<hello>[\u4e00-\u9fff·]{2,4})[，,]"
    r"|^\s*(?:收件人|收信人)\s?[：:]\s?(?P<addressee>[\u4e00-\u9fff·]{2,4})\s*$"
    # a letter's addressee line: 「致：张晓明」「借款人：张晓明」「借款人张晓明：」
    r"|^[ \t　]*(?:致|借款人|债务人|持卡人|贷款人|担保人|被通知人|被催收人|客户|客户姓名|姓名)[ \t　]?[：:]?[ \t　]?"
    r"(?P<field>[\u4e00-\u9fff·]{2,4}?)[ \t　]?(?:先生|女士|同志)?[ \t　]?[：:，,]?[ \t　]*$"
    # 「周立群好！」 (a public fund's SMS); 「周立群：」 alone on a letter's line
    r"|\A\s*(?:【[^【】\n]{2,16}】)?\s*(?P<hao>[\u4e00-\u9fff·]{2,4})好\s?[！!，,：:]"
    r"|^[ \t　]*(?P<bare>[\u4e00-\u9fff·]{2,4})[ \t　]?[：:][ \t　]*$"
    # the debtor identified by name and ID number: 「周立群，身份证号：4301…」「周立群（4301****0411）」
    r"|(?<![\u4e00-\u9fff·])(?P<ided>[\u4e00-\u9fff·]{2,4})\s?[，,（(]\s?"
    r"(?:(?:身份证|证件)(?:号码?)?\s?[：:]?\s?)?\d{6}[\d*＊Xx]{6,12}",
    re.MULTILINE,
)
_GENERIC_NAMES = re.compile(
    r"客户|用户|会员|持卡人|借款人|债务人|先生|女士|朋友|您好|你好|贷款人|业主|提示|提醒|通知|温馨|重要|紧急|注意|各位"
    r"|使用者|大家|早上|上午|中午|下午|晚上|敬启者"
    # a role, not a name (「亲爱的住户您好」「亲爱的保户」)
    r"|住户|保户|租户|房客|车主|家长|学员|学生|商户|储户|乘客|旅客|居民|村民|市民|员工|投保人|被保险人|要保人|缴费人"
    # the field labels of a form's lines (「签收人：」「地址：」「开户银行：」), not a name
    r"|人$|地址|电话|日期|附件|编号|备注|事由|主题|账号|户名|名称|说明|金额|邮编|网站|标题|银行|公司|盖章|签章|签字"
)


_ORG = r"[\u4e00-\u9fffA-Za-z（）()]{2,30}?(?:公司|厂|集团|商行|商店|门市部|经营部|合作社|事务所)"
_ORGANISATION = re.compile(
    rf"^[ \t　]*(?:(?:尊敬的)?{_ORG}[ \t　]?[：:]|致[ \t　]?[：:]?[ \t　]?{_ORG}[ \t　]?[：:]?)[ \t　]*$"
    rf"|(?:^|[：:，,】])[ \t　]*{_ORG}[ \t　]?(?:您好|你好)"
    rf"|(?:^|】)[ \t　]*尊敬的[ \t　]?{_ORG}[ \t　]?[：:，,]",
    re.MULTILINE,
)
"""A letter addressed to a company debtor by its name (「上海甲乙贸易有限公司：」), or a
reminder that greets it (「租赁费用提醒：佛山甲乙家具有限公司您好，」, 「【签名】尊敬的甲乙
商贸有限公司：」)."""


_BODY_NAME = re.compile(
    r"(?:借款人|持卡人|债务人|贷款人|主借人|承租人|被催收人|客户)[：:]?\s?"
    rf"[{SURNAMES}](?:某某?|[\u4e00-\u9fff]{{1,2}}?)(?=[（(，,。于在的已因向名]|先生|女士)"
)
"""The debtor named in the body, as notices do (「借款人张晓明于2025年3月…」「客户王某某，」)."""
_SIGNED = r"\A\s*(?:【[^【】\n]{2,16}】|\[[^\[\]\n]{2,16}\])?\s*"
_COMPOUND = (
    "欧阳|司马|诸葛|上官|东方|皇甫|尉迟|公孙|慕容|令狐|长孙|宇文|司徒|夏侯|端木|独孤|南宫|西门"
)
_PERSON = rf"(?:(?:{_COMPOUND})[\u4e00-\u9fff]{{1,2}}|[{SURNAMES}][\u4e00-\u9fff]{{1,2}})"
_NOT_A_NAME = (
    "(?!何时|何地|方式|方法|时间|高额|全额|全部|全体|任何|余额|明确|严肃|严重|万一|于是|程序|"
    "周[一二三四五六日末]|谢谢|方便|钱款|金额|明天|明日|石头|马上|向您|向你)"
)
"""Words that begin with a surname's character but are no name (告知何时, 联系方式)."""
_ADDRESSED = re.compile(
    # 「张晓明：您的借款」「欧阳晓明，您的」「张晓明您的借款」 at the opening
    rf"{_SIGNED}(?!谢谢|方便|于是|万一|周[一二三四五六日末]|余额|任何|明天|明日|钱款)(?P<opening>{_PERSON})"
    r"\s?(?:[，,：:]\s?(?=您|你)|(?=[您你](?:的|在|于|尾号|名下)(?!时候|方便|支持|理解|配合|关注)))"
    # 「张*明，」「尊敬的张**：」: a masked name
    rf"|(?:{_SIGNED}|尊敬的|亲爱的)\s?(?P<starred>[{SURNAMES}][*＊×]{{1,3}}[\u4e00-\u9fff]?)\s?[，,：:！!]"
    # 「尊敬的张晓明（身份证尾号0011）：」「张晓明（客户编号123456）您的」
    rf"|(?:{_SIGNED}|尊敬的|亲爱的)\s?(?P<tagged>{_PERSON})\s?[（(][^（）()\n]{{1,30}}[）)]"
    # 「您好，张晓明！」「通知：张晓明，」「提醒张晓明：」「致张晓明：」
    rf"|(?:您好|你好|通知|提醒|温馨提示|告知|致|[Dd]ear|[Hh]i|[Hh]ello|嗨|哈喽)\s?[：:，,]?\s?(?P<greeted>{_PERSON})\s?(?:先生|女士)?\s?"
    r"(?:[，,：:！!。]|(?=在|于|已|名下|借|欠))"
    # a message to a relative or a contact names the debtor it is about: 「您的亲友张晓明在我司
    # 借款已逾期」「请转告张晓明尽快还款」「张晓明的家属您好」
    rf"|(?:亲友|朋友|好友|家人|家属|亲属|亲戚|同事|联系人|配偶|爱人|儿子|女儿|父亲|母亲)\s?{_NOT_A_NAME}"
    rf"(?P<relative_of>{_PERSON})(?=\s?(?:在|于|的|已|借|欠|留|，|,|名下|逾期))"
    rf"|(?:转告|通知|告知|提醒|督促|劝告|劝|告诉|叫)\s?{_NOT_A_NAME}(?P<relayed>{_PERSON})"
    r"(?=\s?(?:尽快|及时|马上|立即|立刻|还款|还钱|联系|处理|回电|，|,))"
    rf"|{_NOT_A_NAME}(?P<kin_of>{_PERSON})的(?:家属|家人|亲属|亲友|朋友|紧急联系人|联系人)"
    # 「尊敬的王建华业主您好」「李秀兰住户：」: the name with the debtor's role after it
    rf"|(?P<role>{_PERSON})\s?(?:业主|住户|租户|房客|摊主|商户|车主|家长|学员)\s?(?:您好|你好|[，,：:！!])"
    # 「王建华：关于您所有的…」: the letter opens on the name and a colon
    rf"|{_SIGNED}{_NOT_A_NAME}(?P<opening_colon>{_PERSON})\s?[：:]"
    # 「王建国 敬启」: the envelope's addressee line printed on the letter
    rf"|(?P<sealed>{_PERSON})\s?(?:先生|女士)?\s?(?:敬启|台启|亲启)"
    # 「摊主姓名：赵桂芳 联系电话：…」: a notice's form fields name the debtor
    rf"|(?:姓名|业主|户主|住户|租户|承租人)\s?[：:]\s?(?P<form>{_PERSON})(?=\s|[，,；;。]|$)"
)
"""Openings the salutation patterns above leave out, each with a surname first so a
phrase (感谢您的…) is no name: a name straight before 您, a masked name, a name tagged
with an ID or customer number, a name after 您好/通知/致, a name with the debtor's role
(业主, 住户), a letter that opens on a name and a colon, a sealed addressee, a form field."""


def _named_salutation(text: str) -> bool:
    """「尊敬的林晓雯，」「林晓雯您好」「【签名】亲爱的林晓雯，」「您好: 林晓雯，」「收件人：林晓雯」
    「刘某某，」: a name without 先生/女士 (or in the source's 某 form) is personal too;
    so is a notice that names the debtor in its body (「借款人张晓明于…」)."""
    if _ORGANISATION.search(text) is not None or _BODY_NAME.search(text) is not None:
        return True
    for pattern in (_NAMED, _ADDRESSED):
        for match in pattern.finditer(text):
            name = next((group for group in match.groups() if group), "")
            if _GENERIC_NAMES.search(name) is None:
                return True
    return False


@rule(
    "DL106",
    "not-personalized",
    principle="个性化",
    rationale="信的内容应尽量避免公式化（原则五：个性化）。",
    what="只有「尊敬的客户」一类泛称，没有债务人的姓名或称谓。",
    why="公式化的来信容易被当作群发广告忽略；写明姓名才是写给这个人的信。",
    fail=("尊敬的客户：您的账户已逾期。", "親愛的住戶您好：您的租金已逾期。"),
    passes=(
        "尊敬的张晓明先生：您的账户已逾期。",
        "您好 張曉明，您的租金將於3天後到期。",
        "尊敬的张晓明您好，您的账户已逾期。",
        "张晓明好！您的公积金贷款还款日为20日。",
        "逾期贷款催收通知书\n张晓明：\n您的贷款已逾期。",
        "【某某贷】张晓明，身份证号：110101********0011，您的借款已逾期。",
        "张晓明（110101****0011）你在我司的借款已逾期。",
    ),
    use_instead="称呼债务人的姓名，如「尊敬的张晓明先生」，短信可用「张先生」。",
    lexicons=("generic_salutation",),
)
def not_personalized(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    # read folded: a traditional-script name (張曉明, 陳怡君) has a simplified surname, and
    # the record's 张晓明 is the letter's 張曉明
    text = ctx.view.folded
    if ctx.account is not None:
        name = fold(ctx.account.name)
        if name in text:
            return hits
        surname = _surname(name)
        if surname + "先生" in text or surname + "女士" in text:
            return hits
    elif (
        _SALUTATION.search(text)
        or re.search(r"[\u4e00-\u9fff][*＊×]{0,3}(先生|女士|同志)", text)
        or _named_salutation(text)
    ):
        generic = ctx.lexicons["generic_salutation"].search(ctx.view)
        if generic is None:
            return hits
    generic = ctx.lexicons["generic_salutation"].search(ctx.view)
    if generic is not None:
        hits.append(
            Hit(generic.start, generic.end, say(ctx, "DL106", "generic", match=generic.text))
        )
    else:
        hits.append(_whole(ctx, say(ctx, "DL106", "unnamed")))
    return hits


jargon = declared("jargon")


_DISPUTE = re.compile(r"(?<![无没])异议|争议|投诉|(?<![没无])有疑问|(?<![已经])核实|申诉|证明材料")
"""A way to dispute or check the debt (如有疑问…, 对金额有异议…), not 「对于上述内容我已
没有疑问」 nor 「我方已核实你单位」; 「如已还款请忽略」 says nothing of how to dispute."""


@rule(
    "DL108",
    "missing-dispute-channel",
    principle="清楚",
    channels=("letter",),
    rationale="告知如何对欠款提出异议、提交证据（第六十九条）。",
    what="信函没有说明对金额有异议时如何处理。",
    why="债务人有权核对账目、提出异议；不给渠道既不合规，也会把异议变成投诉。",
    fail=("请于2026年12月5日前还款。", "对于上述内容我已没有疑问。我方已核实你单位。"),
    passes=("如对欠款金额有异议，请致电95099或提交证明材料，我行将及时核实。",),
    use_instead="写「如对欠款金额有异议，请致电…或提交相关证明材料，我行将及时核实处理」。",
)
def missing_dispute_channel(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if _DISPUTE.search(ctx.text) is None:
        hits.append(_whole(ctx, say(ctx, "DL108", "missing")))
    return hits


__register__: tuple[Rule, ...] = (
    missing_creditor,
    missing_amount,
    missing_deadline,
    missing_payment_channel,
    missing_contact,
    not_personalized,
    jargon,
    missing_dispute_channel,
)
