"""The rule catalogue (shared/RULES.md): DL1xx clarity … DL6xx compliance.

Most rules are one of a few kinds driven by a phrase list (existence, required
element, conditional); the rest are small functions (amounts against the record,
大写 against the figure, sums, dates, Luhn, placeholders). Each rule is a value made
by :func:`~dunletters.lint.rule.rule` and listed in :data:`RULES` at the end — the
explicit register, as proselint does it.
"""

from __future__ import annotations

import bisect
import functools
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

from dunletters import zh
from dunletters.lint.context import LintContext
from dunletters.lint.findings import Severity
from dunletters.lint.frames import frame_hits
from dunletters.lint.rule import Hit, Rule, rule
from dunletters.lint.text import SENTENCE_MARKS, NumberSpan
from dunletters.sms import UCS2_SEGMENT, UCS2_SINGLE, measure

__all__ = ["RULES", "rules_by_code"]

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def _existence(ctx: LintContext, lexicon: str, message: str) -> list[Hit]:
    """One hit per phrase-list match; the message names the match and the suggestion."""
    compiled = ctx.lexicons[lexicon]
    if not compiled.may_match(ctx.view):
        return []  # the usual case, decided by the shared scan
    hits = []
    for match in compiled.finditer(ctx.view):
        suggest = match.entry.suggest
        text = message.format(match=match.text)
        if suggest:
            text += f"；可改为「{suggest}」"
        hits.append(Hit(match.start, match.end, text, suggestion=suggest))
    return hits


def _framed(ctx: LintContext, code: str, message: str, found: list[Hit]) -> list[Hit]:
    """One hit per frame match of rule ``code`` (frames.py) that overlaps none already
    ``found`` by its phrase list (or an earlier frame); the message names the wording
    and what the frame describes."""
    hits: list[Hit] = []
    matches = frame_hits(ctx.view, code)
    if not matches:
        return hits
    covered = bytearray(len(ctx.text) + 1)  # linear in the text, however many hits
    for hit in found:
        covered[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
    for match in matches:
        if any(covered[match.start : match.end]):
            continue
        covered[match.start : match.end] = b"\x01" * (match.end - match.start)
        text = message.format(match=match.text, frame=match.frame.description)
        hits.append(Hit(match.start, match.end, text))
    return hits


def _whole(ctx: LintContext, message: str, suggestion: str | None = None) -> Hit:
    """A hit about the whole document (a missing element): placed at its start."""
    return Hit(0, 0, message, suggestion=suggestion)


def _has(ctx: LintContext, lexicon: str) -> bool:
    return ctx.lexicons[lexicon].exists(ctx.view)


# -- DL1xx 清楚 / 看得懂 / 个性化 / 指引的 ------------------------------------------------

_surname = functools.lru_cache(maxsize=4096)(zh.surname)
"""zh.surname, remembered per name: DL106 and DL604 ask it of every document."""

# A creditor's name: a proper name (two characters or more) ending in an institution
# word — not a generic phrase such as 网上银行 or 手机银行, nor 我单位 — or a known
# lending platform; or the SMS 【签名】.
_INSTITUTION = re.compile(
    r"[\u4e00-\u9fffA-Za-z]{2}"
    r"(?<!网上)(?<!手机)(?<!网络)(?<!电话)(?<!商业)(?<!指定)(?<!开户)(?<!任何)(?<!其他)"
    r"(?<!各家)(?<!收款)(?<!直销)(?<!发卡)(?<!贷款)(?<!全国)(?<![的您你我他她其贵本该此们在到去回来进和与及或对给向])"
    r"(?:银行|农商行|信用合作社|信用社|信用联社|农信社|有限公司|有限责任公司|股份公司|集团|公司(?!名称)"
    r"|联社|消费金融|小额贷款|小贷公司|融资担保|资产管理|金融服务|信用卡中心|学生资助|资助管理中心"
    r"|助学贷款管理中心|贷款管理中心|律师事务所)"
    r"|借呗|花呗|京东金融|白条|微粒贷|分期乐|招联|马上消费|度小满|拍拍贷|平安普惠|宜人贷"
    r"|安逸花|网商贷|美团月付|美团借钱|捷信|360借条|信用飞|小赢卡贷|还呗|来分期"
    r"|^\s*【(?![^】]*(?:法院|公安|检察|派出所))[^【】\n]{2,16}】"
    r"|【[^【】\n]{2,16}】\s*$|\[[^\[\]\n]{2,16}\]\s*$|^\s*\[[^\[\]\n]{2,16}\]"
    r"|｛[^｛｝\n]{2,16}｝|[-—]{1,2}\s*[\u4e00-\u9fffA-Za-z]{2,12}\s*$"
    # a lending platform named by its app, its bracketed sender, or 「您在X的借款」
    r"|[\u4e00-\u9fff]{2,8}(?<![我本贵该此官录开载入过用机])(?:APP|App|app)(?![A-Za-z])|^\s*[（(][^（）()\n]{0,12}(?:贷|银行|金融|分期|钱包|借|信用卡)[^（）()\n]{0,12}[）)]"
    r"|[您你]在(?![我本贵某该XxＸ×])[\u4e00-\u9fffA-Za-z0-9“”]{2,12}?(?<!平台)(?:平台)?(?:的|申请的)(?:借款|贷款|账单|订单|欠款)"
)
_LEGAL_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|有限公司)$")


@rule(
    "DL101",
    "missing-creditor",
    principle="清楚",
    severity=ERROR,
    rationale="收信人须知道是谁来信：债权机构名称必须写明（《商业银行信用卡业务监督管理办法》第六十九条）。",
    what="全文找不到债权机构（发函机构）的名称；配置了债权机构时，找不到它的名称或短信签名。",
    why="不写来信机构，债务人无法核实真伪，也无从联系；冒名催收正是诈骗惯用手法。",
    fail=("您的欠款已逾期，请尽快还款。", "您可通过网上银行还款。\n我单位\n2026年11月28日"),
    passes=(
        "示范银行股份有限公司信用卡中心提醒您：您的账户已逾期。",
        "【某某农商银行】您的贷款已逾期，请及时还款。",
        "某某县农村信用合作联社提醒您：您的贷款已逾期。",
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
        hits.append(_whole(ctx, f"未写明债权机构「{creditor.name}」（或其短信签名）"))
        return hits
    sender = ctx.sender
    if sender is not None and sender.name in ctx.view.match_text:
        return hits  # the settings' creditor (the demos' example), named in full
    if _INSTITUTION.search(ctx.text) is None:
        hits.append(_whole(ctx, "未写明债权机构名称（谁在催收）"))
    return hits


@rule(
    "DL102",
    "missing-amount",
    principle="清楚",
    severity=ERROR,
    rationale="催收函须写明欠款金额（第六十九条：持卡人姓名和欠款余额）。",
    what="全文没有任何金额。",
    why="不写欠多少，债务人无从核对，也无法按期足额还款。",
    fail=("您的账户已逾期，请尽快还款。",),
    passes=("截至2026年11月28日，您的欠款合计¥16,409.02。",),
    use_instead="写明截至某日的欠款合计，最好附本金、利息、违约金明细与大写金额。",
)
def missing_amount(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if not ctx.view.money and not ctx.view.capitals:
        hits.append(_whole(ctx, "未写明欠款金额"))
    return hits


_DEADLINE_WORDS = re.compile(
    r"^\s?(?:[（(]\s?含(?:当日|当天|本日)?\s?[）)]\s?)?(?:前|之前|以前|为止|当日|止|当天|[（(]含)"
)


_DUE_DATE = re.compile(
    r"(?:到期|约定|最后|本期)还款日(?:期)?(?:为|是|:|：)?\s?(?:\d{4}年)?\d{1,2}月\d{1,2}日"
    r"|\d{1,2}(?:日|号)是(?:您的)?(?:约定|到期|最后)?还款日|(?:今天|今日|明天|明日)(?:到期|是还款日)"
    r"|将于(?:\d{4}年)?\d{1,2}月\d{1,2}日到期|最晚(?:时间)?[^。，,]{0,4}\d{1,2}(?:点|时)"
)
_OVERDUE = re.compile(r"已逾期|现已逾期|已经逾期|逾期\d+天|逾期[一二三四五六七八九十]+天|已超时")


def _has_deadline(ctx: LintContext) -> bool:
    # Three independent tests, cheapest first: the dates are extracted for DL204
    # anyway, and a rendered document's deadline is a date followed by 前.
    year = ctx.as_of.year if ctx.as_of else None
    text = ctx.text
    for span in ctx.view.dates(year):
        if _DEADLINE_WORDS.match(text[span.end : span.end + 4]):
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
    severity=ERROR,
    severity_by_channel=(("sms", WARNING),),
    rationale="要求客户在明确的期限内还款（原则十：指引的）。",
    what="没有具体的还款期限（某年某月某日前，或收到本函之日起N日内）。",
    why="「尽快」「及时」不是期限；没有期限，债务人不知何时必须行动，后续措施也失去依据。",
    fail=("请您尽快还款。",),
    passes=(
        "请于2026年12月5日前还款。",
        "请于收到本函之日起5日内还款。",
        "请于收到本短信后3日内还款。",
        "请于2026年12月5日（含）前还款。",
    ),
    use_instead="写「请于2026年12月5日前」或「请于收到本函之日起5日内」。",
    lexicons=("deadline",),
)
def missing_deadline(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if not _has_deadline(ctx):
        hits.append(_whole(ctx, "未给出具体的还款期限（如「请于2026年12月5日前」）"))
    return hits


@rule(
    "DL104",
    "missing-payment-channel",
    principle="指引的",
    severity=ERROR,
    channels=("letter",),
    rationale="告诉客户通过哪些官方渠道还款（第六十九条：还款方式）。",
    what="信函没有写明任何官方还款渠道。",
    why="不写官方渠道，债务人可能被诈骗分子引导转账到个人账户。",
    fail=("请于2026年12月5日前还款。",),
    passes=("您可通过示范银行手机银行App、各营业网点或转账至我行对公账户还款。",),
    use_instead="列出收款户名、账号、开户行以及官方App、网点等渠道。",
    lexicons=("payment_channel",),
)
def missing_payment_channel(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if ctx.sender is not None:
        account_digits = ctx.sender.payment.bank_account_number.replace(" ", "")
        if account_digits in ctx.view.match_text.replace(" ", ""):
            return hits
    if not _has(ctx, "payment_channel"):
        hits.append(_whole(ctx, "未写明官方还款渠道（对公账户、官方App、营业网点等）"))
    return hits


@rule(
    "DL105",
    "missing-contact",
    principle="清楚",
    severity=ERROR,
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
        hits.append(_whole(ctx, "未写明官方联系电话（95xxx、400 或固定电话）"))
    return hits


_SALUTATION = re.compile(
    r"尊敬的\s?(?P<name>[^\s，,：:！!。]{1,24}?)\s?(?P<title>先生/女士|先生|女士)"
)


_NAMED = re.compile(
    r"(?:尊敬的|亲爱的)\s?(?P<name>[\u4e00-\u9fff·]{2,6}?)\s?(?:用户|客户|会员)?\s?[，,：:！!]"
    r"|^\s*(?:【[^【】\n]{2,16}】|\[[^\[\]\n]{2,16}\])?\s*"
    r"(?P<lead>[\u4e00-\u9fff·]{2,4})\s?(?:先生/女士|先生|女士)?\s?(?:您好|你好)"
    r"|^\s*(?P<titled>[\u4e00-\u9fff·]{2,4})\s?(?:先生/女士|先生|女士)\s*$"
    r"|(?:尊敬的|亲爱的)(?:客户|用户|会员)\s?(?P<client>[\u4e00-\u9fff·]{2,4})\s?[，,：:！!]"
    r"|(?P<paren>[\u4e00-\u9fff·]{2,4})\s?[（(](?:先生|女士|先生/女士|先生/女生)[）)]"
    r"|^\s*(?:【[^【】\n]{2,16}】)?\*(?P<masked>[\u4e00-\u9fff]{1,3})[，,：:]"
    r"|\A\s*(?:【[^【】\n]{2,16}】|\[[^\[\]\n]{2,16}\])?\s*(?P<comma>(?![^，,]*[的了已据此至于在是为有无不请如若但因所])[\u4e00-\u9fff·]{2,3})[，,]\s?(?=您|你)",
    re.MULTILINE,
)
_GENERIC_NAMES = re.compile(
    r"客户|用户|会员|持卡人|借款人|先生|女士|朋友|您好|你好|贷款人|业主|提示|提醒|通知|温馨|重要|紧急|注意|各位"
)


def _named_salutation(text: str) -> bool:
    """「尊敬的林晓雯，」「林晓雯您好」「【签名】亲爱的林晓雯，」: a name without 先生/女士
    is personal too."""
    match = _NAMED.search(text)
    if match is None:
        return False
    name = next((group for group in match.groups() if group), "")
    return _GENERIC_NAMES.search(name) is None


@rule(
    "DL106",
    "not-personalized",
    principle="个性化",
    severity=WARNING,
    rationale="信的内容应尽量避免公式化（原则五：个性化）。",
    what="只有「尊敬的客户」一类泛称，没有债务人的姓名或称谓。",
    why="公式化的来信容易被当作群发广告忽略；写明姓名才是写给这个人的信。",
    fail=("尊敬的客户：您的账户已逾期。",),
    passes=("尊敬的张晓明先生：您的账户已逾期。",),
    use_instead="称呼债务人的姓名，如「尊敬的张晓明先生」，短信可用「张先生」。",
    lexicons=("generic_salutation",),
)
def not_personalized(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if ctx.account is not None:
        name = ctx.account.name
        if name in ctx.text:
            return hits
        surname = _surname(name)
        if surname + "先生" in ctx.text or surname + "女士" in ctx.text:
            return hits
    elif (
        _SALUTATION.search(ctx.text)
        or re.search(r"[\u4e00-\u9fff](先生|女士)", ctx.text)
        or _named_salutation(ctx.text)
    ):
        generic = ctx.lexicons["generic_salutation"].search(ctx.view)
        if generic is None:
            return hits
    generic = ctx.lexicons["generic_salutation"].search(ctx.view)
    if generic is not None:
        hits.append(
            Hit(generic.start, generic.end, f"称呼「{generic.text}」是泛称，未写债务人姓名")
        )
    else:
        hits.append(_whole(ctx, "未称呼债务人姓名（个性化）"))
    return hits


@rule(
    "DL107",
    "jargon",
    principle="看得懂",
    severity=WARNING,
    rationale="如果客户看不懂，可能就不会再看下去（原则一：看得懂）。",
    what="使用了债务人不懂的内部术语：M1/M2、DPD、账龄、核销、委外、呆账……",
    why="内部术语让债务人读不懂，也显得冷漠；说清事实即可。",
    fail=("您的账户目前为M2状态。", "您的账户DPD已达35天。"),
    passes=("您的账户已逾期35天。", "M10型号的设备"),
    use_instead="用白话说明事实，如「已逾期35天」。",
    lexicons=("jargon",),
    hits_need=("jargon",),
)
def jargon(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    for hit in _existence(ctx, "jargon", "内部术语「{match}」，债务人可能看不懂"):
        hits.append(
            Hit(hit.start, hit.end, hit.message, hit.suggestion, fixable=hit.suggestion is not None)
        )
    return hits


_DISPUTE = re.compile(r"异议|争议|投诉|有疑问|如有疑问|核实|申诉|证明材料")


@rule(
    "DL108",
    "missing-dispute-channel",
    principle="清楚",
    severity=WARNING,
    channels=("letter",),
    rationale="告知如何对欠款提出异议、提交证据（第六十九条）。",
    what="信函没有说明对金额有异议时如何处理。",
    why="债务人有权核对账目、提出异议；不给渠道既不合规，也会把异议变成投诉。",
    fail=("请于2026年12月5日前还款。",),
    passes=("如对欠款金额有异议，请致电95099或提交证明材料，我行将及时核实。",),
    use_instead="写「如对欠款金额有异议，请致电…或提交相关证明材料，我行将及时核实处理」。",
)
def missing_dispute_channel(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if _DISPUTE.search(ctx.text) is None:
        hits.append(_whole(ctx, "未说明异议渠道（对金额有异议时如何核实、提交材料）"))
    return hits


# -- DL2xx 正确性 ------------------------------------------------------------------------


def _record_amounts(ctx: LintContext) -> set[Decimal]:
    account = ctx.account
    assert account is not None
    parts = (account.principal, account.interest, account.fees)
    values = {
        account.total_due,
        *parts,
        parts[0] + parts[1],
        parts[1] + parts[2],
        parts[0] + parts[2],
    }
    if account.minimum_due is not None:
        values.add(account.minimum_due)
    # Record amounts have at most two decimals (models.parse_amount refuses more), and
    # equal Decimals hash alike whatever their exponent: no rounding needed to compare.
    return values


@rule(
    "DL201",
    "amount-mismatch",
    principle="正确性",
    severity=ERROR,
    needs=("record",),
    rationale="信中所写的款项数额必须正确（原则六：正确性）。",
    what="正文中的某个金额与记录中的任何金额（本金、利息、违约金、合计）都对不上。",
    why="写错金额会让债务人多付或少付，引发投诉和纠纷，也削弱催收函的证据效力。",
    fail=("您的欠款合计¥16,490.02。",),
    passes=("您的欠款合计¥16,409.02，其中本金¥15,680.00。",),
    use_instead="金额一律用记录字段和 money 过滤器生成，不要手写数字。",
)
def amount_mismatch(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    money = ctx.view.money
    if not money:
        return hits
    account = ctx.account
    assert account is not None
    # Most figures are the total or one of its parts: compare those first, and add
    # up the pairs only for a figure that is none of them.
    written = (account.total_due, account.principal, account.interest, account.fees)
    allowed: set[Decimal] | None = None
    for span in money:
        # A written figure has at most two decimals (see TextView.money), and equal
        # Decimals compare (and hash) alike whatever their exponent: no rounding needed.
        if span.amount in written:
            continue
        if allowed is None:
            allowed = _record_amounts(ctx)
        if span.amount not in allowed:
            hits.append(
                Hit(span.start, span.end, f"金额「{span.text}」与账户记录中的任何金额都不一致")
            )
    return hits


def _figure_before(ctx: LintContext, start: int, ends: list[int]) -> Decimal | None:
    """The last money figure before ``start`` on the same line (its 小写).

    ``ends``: where each of ``ctx.view.money`` ends (figures are in text order and
    never overlap, so the candidates are those ending before ``start``).
    """
    line_start = ctx.text.rfind("\n", 0, start) + 1
    money = ctx.view.money
    index = bisect.bisect_right(ends, start)
    if index and money[index - 1].start >= line_start:
        return money[index - 1].amount
    return None


def _spelled(figure: Decimal | None) -> str | None:
    """The figure's canonical 大写, or None: no figure, or one beyond what 大写 can
    spell (壹拾万亿元 and up), which must not stop the lint of the document."""
    if figure is None or zh.quantize_fen(figure) > zh.MAX_CAPITALS:
        return None
    return zh.amount_in_capitals(figure)


@rule(
    "DL202",
    "capitals-mismatch",
    principle="正确性",
    severity=ERROR,
    rationale="大写金额须与小写一致，且符合人民银行《正确填写票据和结算凭证的基本规定》。",
    what="大写金额与旁边的数字金额不一致，或大写写法不合规范（缺「整」、缺「零」、用小写数字等）。",
    why="大小写不一致时金额以哪一个为准会产生争议；不规范的大写在财务上不被接受。",
    fail=("合计¥16,409.02（人民币壹万陆仟肆佰玖元贰分）", "合计¥10.00（人民币拾元）"),
    passes=("合计¥16,409.02（人民币壹万陆仟肆佰零玖元零贰分）",),
    use_instead="大写一律用 capitals 过滤器由同一金额生成。",
)
def capitals_mismatch(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if not ctx.view.capitals:
        return hits
    ends = [span.end for span in ctx.view.money]
    for span in ctx.view.capitals:
        figure = _figure_before(ctx, span.start, ends)
        right = _spelled(figure)
        if right is not None and span.text == right:
            continue  # the canonical spelling of its own figure: well formed and equal
        try:
            value = zh.parse_capitals(span.text, strict=True)
        except zh.CapitalsError as error:
            hits.append(Hit(span.start, span.end, f"大写金额「{span.text}」不规范：{error.reason}"))
            continue
        if figure is not None and zh.quantize_fen(figure) != value:
            hits.append(
                Hit(
                    span.start,
                    span.end,
                    f"大写「{span.text}」与小写金额 {zh.format_money(figure)} 不一致",
                    suggestion=right,
                )
            )
    return hits


_COMPONENTS = ("本金", "利息", "违约金", "费用", "滞纳金", "罚息")
_TOTAL = re.compile(r"合计|总计|共计|欠款总额|应还总额|总欠款")


def _labelled_amounts(
    ctx: LintContext,
) -> tuple[dict[str, tuple[Decimal, int]], tuple[Decimal, int, int] | None]:
    components: dict[str, tuple[Decimal, int]] = {}
    total: tuple[Decimal, int, int] | None = None
    for span in ctx.view.money:
        line_start = ctx.text.rfind("\n", 0, span.start) + 1
        before = ctx.text[max(line_start, span.start - 12) : span.start]
        if _TOTAL.search(before):
            total = (span.amount, span.start, span.end)
            continue
        for label in _COMPONENTS:
            if label in before and label not in components:
                components[label] = (span.amount, span.start)
                break
    return components, total


@rule(
    "DL203",
    "breakdown-sum",
    principle="正确性",
    severity=ERROR,
    rationale="明细之和必须等于合计（原则六：正确性）。",
    what="写出的本金、利息、违约金等明细相加不等于写出的合计。",
    why="明细与合计对不上，债务人会质疑全部金额。",
    fail=("本金¥1,000.00，利息¥4.50，违约金¥0.00，合计¥1,014.50。",),
    passes=("本金¥1,000.00，利息¥4.50，违约金¥0.00，合计¥1,004.50。",),
    use_instead="明细与合计都由记录字段生成（total_due = principal + interest + fees）。",
)
def breakdown_sum(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    # A total and two parts are three figures, and a total's label is in the text
    # (an SMS states one figure, labelled 欠款).
    if len(ctx.view.money) < 3 or _TOTAL.search(ctx.text) is None:
        return hits
    components, total = _labelled_amounts(ctx)
    if total is None or len(components) < 2:
        return hits
    stated = sum((amount for amount, _ in components.values()), Decimal(0))
    if stated != total[0]:
        hits.append(
            Hit(
                total[1],
                total[2],
                f"明细之和 {zh.format_money(stated)} 不等于合计 {zh.format_money(total[0])}",
            )
        )
    return hits


@rule(
    "DL204",
    "date-inconsistent",
    principle="正确性",
    severity=ERROR,
    rationale="日期必须真实可行：不存在的日期、与星期不符、早于发函日的期限都会误导债务人。",
    what="不存在的日期（2月30日）、与所写星期不符的日期、早于发函日期的还款期限。",
    why="日期错误让期限失效，也让整封信显得不可信。",
    fail=(
        "请于2026年2月30日前还款。",
        "请于2026年12月5日（星期五）前还款。",
        "请于2026年11月20日前还款。",
    ),
    passes=("请于2026年12月5日（星期六）前还款。",),
    use_instead="日期一律由 letter.deadline 等字段经 zh_date 生成。",
)
def date_inconsistent(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    year = ctx.as_of.year if ctx.as_of else None
    for span in ctx.view.dates(year):
        if span.value is None:
            hits.append(Hit(span.start, span.end, f"日期「{span.text}」不存在"))
            continue
        if span.weekday is not None and "一二三四五六日"[span.value.weekday()] != span.weekday:
            hits.append(
                Hit(
                    span.start,
                    span.end,
                    f"{span.text}是{zh.weekday_zh(span.value)}，与所写星期不符",
                )
            )
        is_deadline = _DEADLINE_WORDS.match(ctx.text[span.end : span.end + 4]) is not None or (
            span.weekday is not None and "前" in ctx.text[span.end : span.end + 8]
        )
        if is_deadline and ctx.as_of is not None and span.value < ctx.as_of:
            hits.append(
                Hit(
                    span.start,
                    span.end,
                    f"还款期限{span.text}早于发函日期{zh.format_date(ctx.as_of)}",
                )
            )
    return hits


@rule(
    "DL205",
    "unfilled-placeholder",
    principle="正确性",
    severity=ERROR,
    rationale="模板残留（____、X天、【姓名】、{{ }}）说明信没有填写完整。",
    what="空白、占位符或模板语法残留。",
    why="带占位符的信一眼可见是群发的，金额日期空缺还会让信失去意义。",
    fail=("您已逾期X天，请于XX月XX日前还款。", "尊敬的【姓名】："),
    passes=("您已逾期12天，请于12月5日前还款。",),
    use_instead="用模板变量生成，如 {{ account.days_past_due }}。",
    lexicons=("placeholder",),
    hits_need=("placeholder",),
)
def unfilled_placeholder(ctx: LintContext) -> list[Hit]:
    return _existence(ctx, "placeholder", "未填写的占位符「{match}」")


# -- DL3xx 简明扼要 / 容易阅读 --------------------------------------------------------------


@rule(
    "DL301",
    "over-one-page",
    principle="简明扼要",
    severity=ERROR,
    channels=("letter",),
    needs=("pages",),
    example_context=(("pages", "2"),),
    rationale="直奔主题，一页纸就够了（原则三：简明扼要）。",
    what="渲染后的信函超过一页 A4。",
    why="超过一页的催收函重点被稀释，第二页常被忽略。",
    fail=("（两页的信）",),
    passes=(),
    use_instead="删减重复的说明，压缩段落；版式见 templates/letters/theme.toml。",
)
def over_one_page(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if ctx.pages is not None and ctx.pages > ctx.param("DL301", "max_pages", 1):
        hits.append(_whole(ctx, f"信函共{ctx.pages}页，超过一页A4"))
    return hits


@rule(
    "DL302",
    "long-sentence",
    principle="容易阅读",
    severity=WARNING,
    rationale="简短的句子与段落（原则七：容易阅读）。",
    what="句子超过60个阅读单位（警告）或40个（提示）；一个金额、号码算一个单位。",
    why="长句让人读到后面忘了前面，催收信的关键信息（金额、期限）会被埋没。",
    fail=(
        "鉴于您的信用卡账户自上一个账单周期以来一直未能按照合同约定按时足额归还最低还款额并且经过我行多次电话和短信提醒仍然没有任何还款记录因此我行特此再次致函提醒您务必高度重视。",
    ),
    passes=("您的账户已逾期12天。请于12月5日前还款。",),
    use_instead="一句只说一件事，用句号断开。",
)
def long_sentence(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    warn = ctx.param("DL302", "max_warning", 60)
    info = ctx.param("DL302", "max_info", 40)
    for sentence in ctx.view.sentences:
        if len(sentence.text) <= info:  # a reading length never exceeds the raw one
            continue
        length = sentence.length
        if length > warn:
            hits.append(Hit(sentence.start, sentence.end, f"句子长{length}字，超过{warn}字"))
        elif length > info:
            hits.append(
                Hit(sentence.start, sentence.end, f"句子长{length}字，超过{info}字", severity=INFO)
            )
    return hits


@rule(
    "DL303",
    "long-paragraph",
    principle="容易阅读",
    severity=WARNING,
    channels=("letter",),
    rationale="简短的句子与段落（原则七：容易阅读）。",
    what="段落超过150字或4句。",
    why="大段文字让人不想读；一段一个要点，读者才能抓住重点。",
    fail=("您好。您已逾期。请还款。请联系我们。如有疑问请致电。",),
    passes=("您好。您已逾期。请于12月5日前还款。",),
    use_instead="按「事实—要求—渠道—帮助—后果」分段。",
)
def long_paragraph(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    max_chars = ctx.param("DL303", "max_chars", 150)
    max_sentences = ctx.param("DL303", "max_sentences", 4)
    sentences = ctx.view.sentences
    starts = [sentence.start for sentence in sentences]
    for paragraph in ctx.view.paragraphs:
        first = bisect.bisect_left(starts, paragraph.start)
        last = bisect.bisect_left(starts, paragraph.end)
        count = last - first
        if count <= max_sentences and len(paragraph.text) <= max_chars:
            continue  # the raw length bounds the reading length
        # A paragraph is its sentences: sum their reading lengths.
        length = sum(sentence.length for sentence in sentences[first:last])
        if length > max_chars or count > max_sentences:
            hits.append(
                Hit(
                    paragraph.start,
                    paragraph.start + min(len(paragraph.text), 20),
                    f"段落长{length}字、{count}句，超过{max_chars}字或{max_sentences}句",
                )
            )
    return hits


@rule(
    "DL304",
    "sms-too-long",
    principle="简明扼要",
    severity=ERROR,
    channels=("sms",),
    example_context=(("channel", "sms"),),
    rationale="短信按运营商规则计费：70字内1条，超过按67字/条，签名计入。",
    what="短信（含签名）超过条数预算（缺省2条）。",
    why="超长短信多计费，也更可能被拦截或被读者略过。",
    fail=("【示范银行】" + "您的账户已逾期，请尽快还款。" * 10,),
    passes=("【示范银行】张先生，您尾号1234的信用卡已逾期，请致电95099。",),
    use_instead="只保留称谓、尾号、金额、期限和官方电话。",
)
def sms_too_long(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    text = ctx.text.strip()
    budget = ctx.sms_max_segments
    # sms.measure's count without its result object: UTF-16 units, over one message
    # billed per UCS2_SEGMENT. Measured in full only when over budget, for the message.
    units = len(text.encode("utf-16-be")) // 2
    if budget >= 1 and (units <= UCS2_SINGLE or units <= budget * UCS2_SEGMENT):
        return hits
    length = measure(text)
    if length.segments > budget:
        hits.append(
            _whole(
                ctx,
                f"短信{length.characters}字（含签名），计费{length.segments}条，超出预算{budget}条",
            )
        )
    return hits


def _sentence_key(text: str) -> str:
    """A sentence without punctuation and white space: what makes two the same.

    A sentence (see TextView.sentences) holds 。！？；only at its end, so stripping
    them there and deleting commas, full stops and white space removes every mark.
    """
    key = text.rstrip(SENTENCE_MARKS).replace("，", "").replace(",", "").replace(".", "")
    return "".join(key.split())


@rule(
    "DL305",
    "repetition",
    principle="简明扼要",
    severity=INFO,
    rationale="直奔主题：同一句话不必说两遍。",
    what="同一个句子重复出现。",
    why="重复浪费篇幅，还会让信显得拼凑。",
    fail=("请尽快还款，以免影响您的信用记录。请尽快还款，以免影响您的信用记录。",),
    passes=("请尽快还款。如有困难，请与我们联系。",),
    use_instead="删去重复的句子。",
)
def repetition(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    sentences = [sentence for sentence in ctx.view.sentences if len(sentence.text) >= 8]
    # A sentence never starts with white space or a mark (TextView.sentences), so its
    # key starts with its first character unless that is a comma or a dot: sentences
    # that all start differently cannot repeat (every SMS; most letters' sentences).
    firsts = {sentence.text[0] for sentence in sentences}
    if len(firsts) == len(sentences) and firsts.isdisjoint("，,."):
        return hits
    seen: dict[str, int] = {}
    for sentence in sentences:
        key = _sentence_key(sentence.text)
        if len(key) < 8:
            continue
        if key in seen:
            hits.append(Hit(sentence.start, sentence.end, f"与前文重复：「{sentence.text[:20]}」"))
        else:
            seen[key] = sentence.start
    return hits


# -- DL4xx 坚定与劝慰 / 引起兴趣 ---------------------------------------------------------------


@rule(
    "DL401",
    "tone-mismatch",
    principle="坚定与劝慰",
    severity=WARNING,
    needs=("tone",),
    example_context=(("tone", "courteous"),),
    rationale="坚定与劝慰是不同的（原则八）：语气须与模板声明的语气一致。",
    what="措辞与声明的语气相悖：礼貌提醒里的强硬用语、坚定催收里的哀求用语。",
    why="前期以礼相待，使客户有愧疚感；强硬语气用错地方会激化矛盾，哀求则削弱坚定。",
    fail=("限你三日内还清！",),
    passes=("请您于12月5日前还款，感谢您的配合。",),
    use_instead="礼貌语气用「请您」「感谢配合」；坚定语气直接陈述要求和后果，不哀求。",
    lexicons=("harsh", "pleading"),
    hits_need=("harsh", "pleading"),
)
def tone_mismatch(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if ctx.tone in ("courteous", "empathetic"):
        hits += _existence(ctx, "harsh", f"「{{match}}」语气强硬，与 {ctx.tone} 语气不符")
    elif ctx.tone == "firm":
        hits += _existence(ctx, "pleading", "「{match}」是哀求的口吻，与 firm（坚定）语气不符")
    return hits


@rule(
    "DL402",
    "premature-escalation",
    principle="坚定与劝慰 / 前期以礼相待",
    severity=ERROR,
    needs=("stage",),
    stages=("early", "middle"),
    example_context=(("stage", "early"),),
    rationale="前期以礼相待：诉讼、律师、委外催收等字眼须到策略允许的阶段（缺省后期）才可出现。",
    what="在前期或中期的文书里提到诉讼、律师、法院、委外催收、上门等。",
    why="过早的法律字眼构成不当施压，前期客户多是疏忽，强硬反而激化矛盾。",
    fail=("如不还款，我行将向法院提起诉讼。",),
    passes=("逾期信息将依法报送金融信用信息基础数据库。",),
    use_instead="前期只提醒事实与还款方式；法律措施留到后期，并说明原因。",
    lexicons=("legal_action",),
    hits_need=("legal_action",),
)
def premature_escalation(ctx: LintContext) -> list[Hit]:
    return _existence(ctx, "legal_action", f"{ctx.stage} 阶段不应提及法律措施「{{match}}」")


@rule(
    "DL403",
    "no-way-forward",
    principle="引起兴趣",
    severity=INFO,
    example_context=(("tone", "empathetic"),),
    rationale="告诉客户所希望了解的事：还不上时能怎么办（协商、分期、还款计划）。",
    what="劝慰语气或困难客户的文书没有给出协商、分期等出路。",
    why="无力还款的人最想知道有没有办法；给出出路比施压更能收回欠款。",
    fail=("请于12月5日前还款。",),
    passes=("如还款确有困难，可致电95099协商分期还款。",),
    use_instead="写「如还款确有困难，请致电…与我们协商还款计划」。",
    lexicons=("way_forward",),
)
def no_way_forward(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    hardship = ctx.account is not None and ctx.account.hardship
    if (ctx.tone == "empathetic" or hardship) and not _has(ctx, "way_forward"):
        hits.append(_whole(ctx, "未给还款困难的客户提供出路（协商、分期、还款计划）"))
    return hits


# -- DL5xx 最后的 / 合理的 -----------------------------------------------------------------------


@rule(
    "DL501",
    "missing-consequence",
    principle="最后的",
    severity=ERROR,
    needs=("stage",),
    stages=("late", "final"),
    example_context=(("stage", "final"),),
    rationale="婉转地告诉客户不履行付款要求会有什么后果（原则十一：最后的）。",
    what="后期或最后通知的文书没有说明不还款的后果。",
    why="到了后期，债务人有权知道后果（征信、违约金、依法追偿），这也是最后通知的意义。",
    fail=("请于12月5日前还款。",),
    passes=("逾期信息将依法报送金融信用信息基础数据库。",),
    use_instead="如实说明后果：逾期记录依法报送征信、按合同计收违约金、可能依法诉讼。",
    lexicons=("consequence",),
)
def missing_consequence(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if not _has(ctx, "consequence"):
        hits.append(_whole(ctx, f"{ctx.stage} 阶段的文书须如实说明逾期不还的后果"))
    return hits


_LEGAL = re.compile(r"诉|訴|法院|法庭|开庭|仲裁|支付令|保全|强制执行|法律|司法|依法|主张|律师|律所")
"""What makes a legal_action match a legal step (the list also holds visits and agencies)."""


@rule(
    "DL502",
    "unexplained-legal-action",
    principle="合理的",
    severity=WARNING,
    rationale="必须向客户解释为何要将这件事交给律师处理（原则九：合理的）。",
    what="提到律师、诉讼等法律措施，却没有说明原因（逾期多久、此前的提醒）。",
    why="没有理由的法律措施像恐吓；说明原因才合理，也符合第六十九条「催收原因」的要求。",
    fail=("我行将通过诉讼途径解决。",),
    passes=("鉴于您已逾期45天，经多次提醒仍未还款，我行可能依法提起诉讼。",),
    use_instead="先说明原因：「鉴于您已逾期N天，经多次提醒仍未还款……」",
    lexicons=("legal_action", "legal_reason"),
    hits_need=("legal_action",),
)
def unexplained_legal_action(ctx: LintContext) -> list[Hit]:
    # The reason must stand with the action — in the same paragraph — not merely
    # somewhere in the letter (every letter states its days overdue in the facts).
    hits: list[Hit] = []
    actions = list(ctx.lexicons["legal_action"].finditer(ctx.view))
    if not actions:
        return hits
    reasons = [r.start for r in ctx.lexicons["legal_reason"].finditer(ctx.view)]
    paragraphs = ctx.view.paragraphs
    starts = [p.start for p in paragraphs]
    reported: set[int] = set()
    for action in actions:
        if _LEGAL.search(action.text) is None:
            continue  # a visit or an agency: an escalation (DL402), not a legal step
        index = bisect.bisect_right(starts, action.start) - 1
        paragraph = paragraphs[index] if index >= 0 else None
        if paragraph is None or not action.start < paragraph.end or paragraph.start in reported:
            continue
        first = bisect.bisect_left(reasons, paragraph.start)
        if first == len(reasons) or reasons[first] >= paragraph.end:
            reported.add(paragraph.start)
            hits.append(
                Hit(
                    action.start,
                    action.end,
                    f"提到「{action.text}」却未在同一段说明原因（逾期多久、此前提醒）",
                )
            )
    return hits


@rule(
    "DL503",
    "overstated-consequence",
    principle="最后的 / 法规",
    severity=ERROR,
    rationale="后果须真实：单纯逾期不等于犯罪（两高2018年信用卡司法解释），也没有「征信黑名单」。",
    what="虚假或夸大的后果：征信黑名单、坐牢、已构成犯罪、影响子女上学、冻结所有银行卡……",
    why="夸大后果属于欺诈性施压，违反行业催收指引，并可能构成违法。",
    fail=("逾期不还将被列入征信黑名单。",),
    passes=("逾期信息将依法报送金融信用信息基础数据库。",),
    use_instead="只陈述真实、合法的后果，如「逾期信息将依法报送金融信用信息基础数据库」。",
    lexicons=("overstated_consequence",),
)
def overstated_consequence(ctx: LintContext) -> list[Hit]:
    hits = _existence(ctx, "overstated_consequence", "夸大或不实的后果「{match}」")
    hits += _framed(ctx, "DL503", "夸大或不实的后果「{match}」（{frame}）", hits)
    return hits


# -- DL6xx 法规 --------------------------------------------------------------------------------


@rule(
    "DL601",
    "threat",
    principle="法规",
    severity=ERROR,
    rationale="不得以暴力、胁迫、恐吓方式催收（《商业银行信用卡业务监督管理办法》第六十八条）。",
    what="威胁、恐吓用语：后果自负、别怪我们不客气、上门找你……",
    why="恐吓违法（第六十八条；治安管理处罚法），也会让催收函变成投诉证据。",
    fail=("如果再不还款，后果自负！",),
    passes=("逾期将按合同约定计收违约金。",),
    use_instead="陈述合法的后果，如「逾期将按合同约定承担违约责任」。",
    lexicons=("threat",),
)
def threat(ctx: LintContext) -> list[Hit]:
    hits = _existence(ctx, "threat", "威胁性用语「{match}」")
    hits += _framed(ctx, "DL601", "威胁性用语「{match}」（{frame}）", hits)
    return hits


@rule(
    "DL602",
    "insult",
    principle="法规",
    severity=ERROR,
    rationale="不得辱骂、侮辱债务人（第六十八条；刑法第二百四十六条）。",
    what="贬损、侮辱性称呼：老赖、骗子、无赖……",
    why="辱骂违法，且只会激化矛盾；要相信客户都是想还款的（种子材料）。",
    fail=("你这个老赖，赶紧还钱。",),
    passes=("谨防骗子冒充我行工作人员。",),
    use_instead="称呼对方的姓名，只陈述事实。",
    lexicons=("insult",),
    hits_need=("insult",),
)
def insult(ctx: LintContext) -> list[Hit]:
    return _existence(ctx, "insult", "侮辱性用语「{match}」")


@rule(
    "DL603",
    "false-authority",
    principle="法规",
    severity=ERROR,
    rationale="不得冒用行政、司法机关名义（《银行保险机构消费者权益保护管理办法》第四十一条；刑法第二百七十九条）。",
    what="冒称或假借公安、法院、检察院：已立案、拘留、逮捕、法院传票、网上追逃……",
    why="债权人无权立案、拘留或发传票；假借公权力属违法，且可能构成犯罪。",
    fail=("公安机关已立案，将对你实施拘留。",),
    passes=("我行可能依法向人民法院提起诉讼。",),
    use_instead="只说债权人自己能做的合法事项，如「可能依法提起诉讼」。",
    lexicons=("false_authority",),
)
def false_authority(ctx: LintContext) -> list[Hit]:
    hits = _existence(ctx, "false_authority", "冒用或假借公权力「{match}」")
    hits += _framed(ctx, "DL603", "冒用或假借公权力「{match}」（{frame}）", hits)
    return hits


@rule(
    "DL604",
    "third-party-disclosure",
    principle="法规",
    severity=ERROR,
    rationale="不得向无关第三人催收或透露债务信息（第六十八条；行业催收指引；个人信息保护法第十条）。",
    what="告知或威胁告知单位、同事、亲友、通讯录；或把债务详情写给债务人以外的人。",
    why="向第三人透露债务侵犯隐私，属于软暴力，违反多项规定。",
    fail=("再不还款我们将通知你的单位和亲友。",),
    passes=("本函仅寄送您本人，请妥善保管。",),
    use_instead="只与债务人本人沟通；信封上不写债务字样。",
    lexicons=("third_party",),
)
def third_party_disclosure(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    hits += _existence(ctx, "third_party", "向第三方透露或以此施压「{match}」")
    hits += _framed(ctx, "DL604", "向第三方透露或以此施压「{match}」（{frame}）", hits)
    if ctx.account is None or "尊敬的" not in ctx.text:  # _SALUTATION starts so
        return hits
    for match in _SALUTATION.finditer(ctx.text):
        name = match.group("name")
        if name == ctx.account.name or ctx.account.name.startswith(name):
            continue
        if name != _surname(ctx.account.name):
            hits.append(
                Hit(
                    match.start(),
                    match.end(),
                    "文书称呼的不是账户本人：债务详情不得写给第三人",
                )
            )
    return hits


_CONTACT_BEFORE = re.compile(
    r"致电|电话|热线|拨打|联系|来电|回电|咨询|座机|专线|手机[:：]|(?:值班|工作|服务|办公)手机"
)
_PERSONAL_PAYEE = re.compile(
    r"(?:收款户名|收款人|户名|开户名称|账户名称|开户名)[:：]?\s?"
    r"[\u4e00-\u9fff·]{2,4}(?<!公司)(?<!银行)(?<!中心)(?<!分行)(?<!支行)(?<!机构)(?<!集团)"
    r"(?=[\s，,；;。]|开户|$)"
)
"""A payee that is a person (a corporate account's name is the institution's)."""
_REFERENCE_BEFORE = re.compile(
    r"(?:编号|单号|合同号|借据号|流水号|案号|申请号|业务号|凭证号)[:：]?\s?$"
)
"""A contract, order or case number: its digits are no one's card."""
_PAYEE_BEFORE = re.compile(
    r"收款|对公|户名|开户|还款专户|公司账号|单位账号|企业账号|账户名称|账号信息|以下账|指定账|专用账"
    r"|(?:还款|汇款|缴款)账[户号][:：]?[^。；;\n]{0,24}(?:公司|银行|中心|联社)"
)


def _allowed_numbers(ctx: LintContext) -> set[str]:
    allowed: set[str] = set()
    if ctx.sender is not None:
        allowed.add(ctx.sender.payment.bank_account_number.replace(" ", ""))
    if ctx.account is not None:
        allowed.add(ctx.account.mobile)
    return allowed


@rule(
    "DL605",
    "unmasked-pii",
    principle="法规（个人信息保护法）",
    severity=ERROR,
    rationale="金融账户信息是敏感个人信息（个人信息保护法第二十八条）：卡号、身份证号须脱敏。",
    what="完整的身份证号、完整的银行卡号（通过 Luhn 校验）、第三人的完整手机号。",
    why="信件和短信可能被他人看到；完整号码一旦泄露即可被冒用。",
    fail=("您卡号为6259000000001235的信用卡已逾期。", "身份证号110101199003070011。"),
    passes=("您尾号1235的信用卡已逾期。", "身份证号110***********0011。"),
    use_instead="卡号用 mask_card（尾号1234），身份证用 mask_id，手机号用 mask_mobile。",
)
def unmasked_pii(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    numbers = ctx.view.numbers
    own = _record_card(ctx, numbers)
    if own is not None:
        hits.append(own)
    hits += _personal_payee_cards(ctx, numbers)
    if not numbers:
        return hits
    allowed = _allowed_numbers(ctx)
    text = ctx.text
    for number in numbers:
        if number.masked or number.digits in allowed:
            continue
        if number.kind == "mobile" and _CONTACT_BEFORE.search(
            text, max(0, number.start - 8), number.start
        ):
            continue  # a number to call (the collector's own): not someone's data
        if number.kind == "card" and _REFERENCE_BEFORE.search(text, 0, number.start):
            continue  # 合同编号：6217…: a reference number that happens to pass Luhn
        if (
            number.kind == "card"
            and _PAYEE_BEFORE.search(text, max(0, number.start - 40), number.start)
            and _PERSONAL_PAYEE.search(text, max(0, number.start - 60), number.start) is None
        ):
            continue  # the creditor's own collection account, printed for payment
        kind = {"id": "身份证号", "card": "银行卡号", "mobile": "手机号"}[number.kind]
        hits.append(Hit(number.start, number.end, f"未脱敏的{kind}", suggestion=_masked(number)))
    return hits


def _record_card(ctx: LintContext, numbers: list[NumberSpan]) -> Hit | None:
    """The record's own card number printed in full, whatever its shape or check digit
    (a 贷款合同号 in that field, a card whose Luhn digit is wrong): not already found
    by the number scan."""
    card = ctx.account.card_number if ctx.account is not None else ""
    if len(card) < 8:
        return None
    start = ctx.text.find(card)
    if start < 0 or any(n.start <= start < n.end for n in numbers):
        return None
    return Hit(start, start + len(card), "未脱敏的银行卡号（账户记录中的卡号）")


_LONG_DIGITS = re.compile(r"(?<![\d*])[1-9]\d{14,18}(?![\d*])")


def _personal_payee_cards(ctx: LintContext, numbers: list[NumberSpan]) -> list[Hit]:
    """A long account number paid to a person (户名：葛某某 … 账号：6222…): that person's
    card, whatever its check digit."""
    text = ctx.text
    if "户名" not in text and "收款人" not in text and "开户名" not in text:
        return []  # the usual case: no payee named at all
    hits = []
    for match in _LONG_DIGITS.finditer(text):
        if any(n.start <= match.start() < n.end for n in numbers):
            continue  # found (and judged) by the number scan
        if _PERSONAL_PAYEE.search(text, max(0, match.start() - 60), match.start()) is not None:
            hits.append(Hit(match.start(), match.end(), "未脱敏的银行卡号（个人收款账户）"))
    return hits


def _masked(number: NumberSpan) -> str | None:
    """The masked form to suggest, or None when the mask function refuses the digits.

    The text's number scan reads any Unicode digit (``\\d``: ٣٣6259… is a run of 18);
    the mask functions take the ASCII and full-width forms a record holds. Such a
    number is still reported, without a suggestion, rather than stopping the lint.
    """
    mask = {"id": zh.mask_id, "card": zh.mask_card, "mobile": zh.mask_mobile}[number.kind]
    try:
        return mask(number.digits)
    except ValueError:
        return None


# Starts with a class, the lookbehind after it (a fast start; see lint/text.py): the
# first character is the h of a scheme or the host's own.
_URL = re.compile(
    r"[A-Za-z0-9-](?<![A-Za-z0-9-][A-Za-z0-9-])(?:(?<=h)ttps?://[A-Za-z0-9-])?"
    r"[A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+(?:/[^\s，。]*)?"
)


_SCHEME = re.compile(r"^https?://")
_TOP_LEVEL = re.compile(r"\.[a-z]{2,}$")


# A reported link's host ends in a dot and two letters (see _TOP_LEVEL), so a text
# without one has none — e.g. an SMS whose only dot is in 4,009.17元.
_HOST_END = re.compile(r"\.[A-Za-z]{2}")


_SHORT_LINK = re.compile(
    r"^(?:https?://)?[a-z0-9-]{1,5}\.[a-z]{2,3}/[A-Za-z0-9_-]{3,12}$", re.IGNORECASE
)
"""A short link's shape (t.cn/A6xYz, 3.cn/ab12): it hides where it leads, allowlist or not."""
_THROWAWAY_HOST = re.compile(
    r"\.(?:top|xyz|vip|club|cc|site|online|link|pw|tk|ml|ga|cf|gq|icu|fun|shop|ink|work|ren"
    r"|wang|loan|win|bid|live|life|store|asia|cyou|buzz|rest)$|^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?$"
)
"""Hosts no bank or licensed lender collects on: throwaway top-level domains, bare IPs."""


def _url_hits(ctx: LintContext) -> list[Hit]:
    """Links outside the allowlist; without one (no configured creditor or
    ``link_allowlist``), only short links, since a real lender's own site is fine."""
    text = ctx.view.match_text
    if _HOST_END.search(text) is None:
        return []
    hits = []
    for match in _URL.finditer(text):
        url = match.group(0)
        if match.start() and text[match.start() - 1] == "@":
            continue  # an e-mail address's domain, not a link to click
        if url[-1].isdigit() and "/" not in url:
            continue  # 16,409.02 or 3.5: a number, not a host (no letter top-level domain)
        host = _SCHEME.sub("", url, count=1).split("/")[0].lower()
        if _TOP_LEVEL.search(host) is None:
            continue
        if (
            not ctx.link_allowlist
            and _SHORT_LINK.match(url) is None
            and _THROWAWAY_HOST.search(host) is None
        ):
            continue
        if not any(host == domain or host.endswith("." + domain) for domain in ctx.link_allowlist):
            start, end = ctx.view.origin_span(match.start(), match.end())
            hits.append(Hit(start, end, f"链接「{url}」不在官方域名白名单内"))
    return hits


_WARNING = re.compile(
    r"不会|不要|请勿|切勿|勿向|谨防|严禁|不得|绝不|从不|警惕|提防|冒充|诈骗|骗子|以免"
)


def _warned_against(text: str, start: int) -> bool:
    """An anti-fraud warning (「平台不会要求你把钱转到私人账户」): its sentence says
    not to pay that way before naming it."""
    low = max(0, start - 30)
    sentence = max(low, *(text.rfind(mark, low, start) + 1 for mark in "。！？!?；;\n"))
    return _WARNING.search(text, sentence, start) is not None


@rule(
    "DL606",
    "unofficial-payment",
    principle="法规 / 反诈",
    severity=ERROR,
    rationale="只能引导到官方渠道还款：转账给个人、微信支付宝转给催收员、短链接都是诈骗惯用手法。",
    what="要求转账到个人账户、转给催收员、扫个人二维码，或使用不在白名单的链接。",
    why="非官方渠道的还款可能被截留，债务人蒙受损失，机构承担责任。",
    fail=("请将欠款转账到催收员个人账户。", "点击 t.cn/abc123 还款。"),
    passes=("请通过示范银行手机银行App还款。",),
    use_instead="只列出机构对公账户、官方App、营业网点。",
    lexicons=("unofficial_payment",),
)
def unofficial_payment(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    hits += [
        hit
        for hit in _existence(ctx, "unofficial_payment", "非官方还款渠道「{match}」")
        if not _warned_against(ctx.text, hit.start)
    ]
    hits += _framed(ctx, "DL606", "非官方还款渠道「{match}」（{frame}）", hits)
    hits += _url_hits(ctx)
    return hits


_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\U0001f000-\U0001f2ff\u2b00-\u2bff\ufe0f]")


_SMS_SIGNATURE = re.compile(r"【([^【】]{2,12})】")
_SMS_BRACKETS = re.compile(r"[【】\[\]]")
_CLOSING_SIGNATURE = re.compile(r"(?:【[^【】\n]{2,16}】|\[[^\[\]\n]{2,16}\])\s*$")
_YUAN_SIGN = re.compile(r"[¥￥]")
_EMOJI_OR_YUAN = re.compile(_EMOJI.pattern[:-1] + "¥￥]")


@rule(
    "DL607",
    "sms-format",
    principle="法规 / 运营商规则",
    severity=ERROR,
    channels=("sms",),
    example_context=(("channel", "sms"),),
    rationale="通知类短信须以【签名】开头，正文不含【】、退订字样、表情、¥ 和非白名单链接（运营商与平台规则）。",
    what="短信缺少【签名】、正文含【】、含退订字样、表情符号、¥ 符号或非白名单链接。",
    why="不合格式的短信会被运营商拦截；通知短信加退订字样会被当作营销短信。",
    fail=("张先生，您的账户已逾期，回复TD退订。", "【示范银行】您的欠款¥100.00请尽快归还😊"),
    passes=("【示范银行】张先生，您尾号1234的信用卡已逾期，请致电95099。",),
    use_instead="【签名】+ 一段正文；金额写「100.00元」；不加退订。",
    lexicons=("sms_forbidden",),
)
def sms_format(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    text = ctx.text
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    signature = _SMS_SIGNATURE.match(stripped)
    if signature is None:
        hits.append(Hit(lead, lead, "短信须以【签名】开头"))
        body_start = lead
    else:
        body_start = lead + signature.end()
        # Only a configured creditor's signature is compared; without one (no config,
        # or the demos' example creditor) the signature's form is all there is to check.
        expected = ctx.creditor.sms_signature if ctx.creditor is not None else None
        if expected and signature.group(1) != expected:
            hits.append(
                Hit(lead, body_start, f"签名「{signature.group(1)}」不是配置的签名「{expected}」")
            )
    body_end = len(text)
    if signature is not None:  # a second signature closing the text: the sender's name
        closing = _CLOSING_SIGNATURE.search(text, body_start)
        if closing is not None:
            body_end = closing.start()
    if (  # four finds cost less than one scan
        text.find("【", body_start, body_end) >= 0
        or text.find("】", body_start, body_end) >= 0
        or text.find("[", body_start, body_end) >= 0
        or text.find("]", body_start, body_end) >= 0
    ):
        for match in _SMS_BRACKETS.finditer(text, body_start, body_end):
            hits.append(Hit(match.start(), match.end(), "正文不能包含【】或[]"))
    hits += _existence(ctx, "sms_forbidden", "通知短信不能含退订类字样「{match}」")
    if _EMOJI_OR_YUAN.search(text) is not None:  # one pass rules out both, as a rule
        for match in _EMOJI.finditer(text):
            hits.append(Hit(match.start(), match.end(), "短信不能含表情符号"))
        for match in _YUAN_SIGN.finditer(text):
            hits.append(
                Hit(
                    match.start(),
                    match.end(),
                    "短信不能用 ¥ 符号，金额写「100.00元」",
                    suggestion="元",
                )
            )
    hits += _url_hits(ctx)
    return hits


@rule(
    "DL608",
    "quiet-hours",
    principle="法规",
    severity=ERROR,
    channels=("sms",),
    needs=("schedule",),
    example_context=(("channel", "sms"), ("scheduled", "2026-11-28T22:30:00+08:00")),
    rationale="22:00至次日8:00不得催收（行业催收指引）；缺省发送时段08:00–21:00，每人每日至多1条。",
    what="短信计划在发送时段之外发送，或超过每位债务人每日条数上限。",
    why="深夜催收属于骚扰（民法典第一千零三十三条），违反行业指引。",
    fail=("【示范银行】张先生，您的信用卡已逾期，请致电95099。",),
    passes=(),
    use_instead="按 [sms] window_start/window_end 排程，时区 Asia/Shanghai。",
)
def quiet_hours(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if ctx.scheduled is None:
        return hits
    local = ctx.scheduled.astimezone(ZoneInfo(ctx.sms_timezone))
    start, end = ctx.sms_window or (None, None)
    if start is not None and end is not None and not (start <= local.time() <= end):
        hits.append(
            _whole(
                ctx,
                f"计划发送时间{local:%H:%M}（{ctx.sms_timezone}）不在允许时段"
                f"{start:%H:%M}–{end:%H:%M}内",
            )
        )
    if ctx.sent_today >= ctx.sms_max_per_day:
        hits.append(
            _whole(
                ctx,
                f"该债务人当日已排{ctx.sent_today}条催收短信，超过每日上限{ctx.sms_max_per_day}条",
            )
        )
    return hits


@rule(
    "DL609",
    "deceased-or-disputed",
    principle="法规 / 死亡客户",
    severity=ERROR,
    needs=("record",),
    rationale="已故客户不得发送催收函（转人工核实）；有争议或投诉的账户暂停催收，待核实处理。",
    what="为标记为已故或有争议的账户生成了催收文书。",
    why="向已故者发催收函伤害家属并违规；争议未决时催收会把异议变成投诉。",
    fail=("（为已故客户生成的信）",),
    passes=(),
    use_instead="由升级策略暂停（hold）这类账户，转人工处理。",
    example_context=(("deceased", "true"),),
)
def deceased_or_disputed(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    account = ctx.account
    if account is None:
        return hits
    if account.deceased:
        hits.append(_whole(ctx, "该账户标记为已故：不得发送催收文书，应转人工处理"))
    if account.dispute:
        hits.append(_whole(ctx, "该账户存在争议或投诉：应暂停催收，待核实处理"))
    return hits


RULES: tuple[Rule, ...] = (
    missing_creditor,
    missing_amount,
    missing_deadline,
    missing_payment_channel,
    missing_contact,
    not_personalized,
    jargon,
    missing_dispute_channel,
    amount_mismatch,
    capitals_mismatch,
    breakdown_sum,
    date_inconsistent,
    unfilled_placeholder,
    over_one_page,
    long_sentence,
    long_paragraph,
    sms_too_long,
    repetition,
    tone_mismatch,
    premature_escalation,
    no_way_forward,
    missing_consequence,
    unexplained_legal_action,
    overstated_consequence,
    threat,
    insult,
    false_authority,
    third_party_disclosure,
    unmasked_pii,
    unofficial_payment,
    sms_format,
    quiet_hours,
    deceased_or_disputed,
)
"""Every content rule, in code order (the template rules DL0xx live in ``drafts.py``)."""


def rules_by_code() -> dict[str, Rule]:
    """The rules keyed by code."""
    return {r.code: r for r in RULES}
