"""DL6xx 法规: what the regulations forbid or require."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from dunletters import zh
from dunletters.checksums import taiwan_id_valid
from dunletters.lint.context import LintContext
from dunletters.lint.findings import Severity
from dunletters.lint.rule import Hit, Rule, rule
from dunletters.lint.rules.clarity import names_creditor
from dunletters.lint.rules.common import (
    _SALUTATION,
    SURNAMES,
    _existence,
    _framed,
    _surname,
    _whole,
    said_not,
    say,
)
from dunletters.lint.rules.existence import declared
from dunletters.lint.rules.lawful import CALLED_FRAUD, quieted
from dunletters.lint.text import NumberSpan, ascii_digits, closing, opening

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# -- DL6xx 法规 --------------------------------------------------------------------------------


threat = declared("threat")


insult = declared("insult")


false_authority = quieted(declared("false_authority"))


@rule(
    "DL604",
    "third-party-disclosure",
    principle="法规",
    rationale="不得向无关第三人催收或透露债务信息（第六十八条；行业催收指引；个人信息保护法第十条）。",
    what="告知或威胁告知单位、同事、亲友、通讯录；把债务详情写给债务人以外的人；或在群里、公告上列出多人各自的欠款。",
    why="向第三人透露债务侵犯隐私，属于软暴力，违反多项规定。",
    fail=("再不还款我们将通知你的单位和亲友。", "@王小明 票款3,200元未缴；@林美玲 票款1,600元未缴"),
    passes=("本函仅寄送您本人，请妥善保管。",),
    use_instead="只与债务人本人沟通；信封上不写债务字样。",
    lexicons=("third_party",),
)
def third_party_disclosure(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = [
        hit
        for hit in _existence(ctx, "third_party", ctx.messages["DL604"]["match"])
        if not _negated(ctx.view.folded, hit.start)
    ]
    hits += _framed(ctx, "DL604", ctx.messages["DL604"]["frame"], hits)
    if hits and ("?" in ctx.text or "？" in ctx.text or _ADVICE_WORDS.search(ctx.text)):
        hits = [hit for hit in hits if not _explains(ctx.view.folded, hit.start)]
    hits += _debtors_listed(ctx)
    if ("保证" in ctx.text or "担保" in ctx.text) and _TO_GUARANTOR.search(ctx.text):
        hits = [hit for hit in hits if not _GUARANTEE_CALL.fullmatch(ctx.text, hit.start, hit.end)]
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
                    say(ctx, "DL604", "not_recipient"),
                )
            )
    return hits


_LISTED_DEBTOR = re.compile(
    rf"[\n@👤•·，、；;：:]\s*(?:\d{{1,3}}[.、)）]\s*)?(?P<name>[{SURNAMES}](?:[\u4e00-\u9fff]{{1,2}}|某{{1,2}}|\*{{1,2}}|X{{1,2}}|○{{1,2}}))"
    r"(?:先生|女士|同学|业主|住户)?\s*[:：，,]?\s*[^\n@👤•·。；;]{0,16}?"
    r"(?:[$¥￥]|NT\$|HK\$|RM)?\s*\d[\d,]*(?:\.\d{1,2})?\s*元?"
)
"""One entry of a list of people and what each owes (「@王小明 票款 $3,200 未缴」), after
the mark or the line break that opens it (the text is read with a line break before it)."""
_UNPAID = re.compile("欠|未缴|未交|未付|未还|拖欠")


def _debtors_listed(ctx: LintContext) -> list[Hit]:
    """Two or more people named with a sum owed each: a list for a group chat, a notice
    board or a mailing shows every debtor's debt to all who read it."""
    text = "\n" + ctx.view.folded  # an entry may open the text
    if not _UNPAID.search(text):
        return []
    entries = [
        match
        for match in _LISTED_DEBTOR.finditer(text)
        if _UNPAID.search(text, match.start(), match.end() + 6)
    ]
    if len({match.group("name") for match in entries}) < 2:
        return []
    start, end = entries[0].start("name") - 1, entries[-1].end() - 1
    return [Hit(start, end, say(ctx, "DL604", "debtor_list"))]


_TO_GUARANTOR = re.compile(
    r"(?:致|尊敬的|请)(?:连带责任)?(?:保证人|担保人)"
    r"|(?:您|你|贵司|贵公司)(?:作为|为|系|是)[^。；\n]{0,30}(?:保证人|担保人|提供了?(?:连带责任)?(?:保证|担保))"
    r"|(?:您|你|贵司|贵公司)(?:应|须|需)?(?:依法)?承担(?:连带)?(?:保证|担保)责任"
    r"|(?:保证人|担保人)(?:应|须|需|应当|应于|须于)"
    r"|(?:^|\n)\s*(?:连带责任)?(?:保证人|担保人)[^：:\n]{0,6}[:：]"
)
"""A document addressed to the guarantor: the one person besides the debtor a lender may
ask to pay (card measures Art. 68; 中支协 Art. 83)."""
_GUARANTEE_CALL = re.compile(r"代为(?:偿还|还款|清偿|归还)")
"""What a guarantor is asked to do; to anyone else it is DL604's 代偿."""

_ADVICE_WORDS = re.compile("遇到|碰到|遭遇|被催|遭到|要求")
_ASKS_WHETHER = re.compile(
    r"(?:催收|讨债|要债|收数|追数|网贷|银行|平台|贷款|信用卡|花呗|借呗|逾期)[^，,。！？!?\n]{0,14}?"
    r"(?:可以|可不可以|能不能|能|会不会|会|是否|有没有权|有权|真的会|真的能)[^。！？!?\n]{0,24}?[？?]"
)
"""A reader's question about what collectors may do (「催收可以联系家人吗？」)."""
_WE = re.compile("我们|我司|我方|我行|本公司|本行")
"""The creditor speaking: its own question is no reader's."""
_ADVISES = re.compile(
    r"\s*(?:如果?|若)?(?:被(?![告害执申诉])|遭到?|遇到|碰到|遭遇)[^。！？!?\n]{0,30}?"
    r"(?:怎么办|如何|怎样|应当|应该|可以)"
    r"|[^。！？!?\n]{0,10}?(?:可以|有权)要求[^，,。！？!?\n]{0,12}?(?:停止|不再|不得)"
)
"""Advice that opens the sentence (「被催收骚扰家人怎么办？」, 「遇到…应当及时取证」,
「债务人可以要求催收机构停止联系其家人」)."""


def _explains(text: str, start: int) -> bool:
    """The sentence asks or advises about collectors' conduct, in the reader's voice, and
    reports no act: explainer pages quote such questions; a collector's own question
    speaks as 我们/我司."""
    begin = opening(text, start, "。！？!?\n", max(0, start - 60))
    end = min(len(text), closing(text, start, "。！？!?\n", start + 60) + 1)
    if _WE.search(text, begin, end):
        return False
    return (
        _ADVISES.match(text, begin, end) is not None
        or _ASKS_WHETHER.search(text, begin, end) is not None
    )


_NOT_DONE = re.compile(
    "不会|不再|不得(?!不)|绝不|决不|从不|从未|不要|无需|无须|并不|不予|禁止|严禁|切勿|请勿|不曾|未曾|不可以|不准|不允许|不向|未向"
)


def _negated(text: str, start: int) -> bool:
    """The act is denied just before, in the same phrase (「请不要将验证码告诉您的家人」,
    「我们绝不会向您的单位透露」), or its clause is a rule (「严禁…」)."""
    return said_not(text, start, _NOT_DONE, _FORBIDDING)


_FORBIDDING = re.compile(
    r"\s*(?:[^，,。；;]{0,8}?(?:严禁|禁止|不得(?!不)|不准|不允许|打击|整治|查处|杜绝"
    r"|法院(?:依法)?(?:可以?|有权))"
    r"|(?:如|若|如果)(?:您|你)?(?:遇到?|发现)"
    r"|(?:如|若|如果|倘若)(?:有|遇到?|发现)?(?:催收人员|催收员|外访人员|工作人员|有人|他人|任何人))"
)
"""A clause that opens with a prohibition (「严禁在催收过程中……张贴催收告示」) states a
rule of conduct, and one whose subject is what 法院可以 do states the law, not an act;
one that opens with 如遇 (or 若催收人员…) tells the debtor what to do if someone else acts so."""


_CONTACT_BEFORE = re.compile(
    r"致电|电话|热线|拨打|联系|来电|回电|咨询|座机|专线|手机[:：]|(?:值班|工作|服务|办公)手机"
    r"|手机号码?[:：]|电联|客服|对接人|经理|主管|主任|组长|调解|法务|律师|经办人|催收员|业务员"
    r"|承办人|负责人|专员"
)
_THIRD_PARTY_WORDS = (
    r"紧急联系人|配偶|爱人|妻子|丈夫|老婆|老公|父亲|母亲|父母|爸爸|妈妈|儿子|女儿|子女|家人|家属"
    r"|亲属|亲戚|朋友|好友|同事|领导|担保人|保证人|哥哥|姐姐|弟弟|妹妹|兄弟|姐妹"
    r"|房东|室友|舍友|老板|上司|邻居|同学|媳妇|对象|男朋友|女朋友|男友|女友|舅舅|姑姑|叔叔|阿姨"
    r"|爷爷|奶奶|外公|外婆|(?:你|您)(?:哥|姐|弟|妹|爸|妈|叔|舅|姨|姑)|联系人\s?[1-9一二三]"
    r"|骗子|此人|该人|这个人|这人|该男子|该女子|老赖|赖账的?人|欠债人|欠钱(?:不还)?的人"
)
_THIRD_PARTY_BEFORE = re.compile(_THIRD_PARTY_WORDS)
"""Before a mobile: whose number it is — a relative's or a contact's is their data, even
beside 电话 or 联系, and so is the number of someone a public post exposes (「骗子手机号：…」,
「此人电话」)."""
_THIRD_PARTY_AFTER = re.compile(rf"\s?[（(](?:{_THIRD_PARTY_WORDS})")
"""Or just after it: 「联系人：张某 139-1234-5678（配偶）」."""
_PERSONAL_PAYEE = re.compile(
    r"(?:收款户名|收款人|户名|开户名称|账户名称|开户名)[:：]?\s?"
    r"[\u4e00-\u9fff·]{2,4}(?<!公司)(?<!银行)(?<!中心)(?<!分行)(?<!支行)(?<!机构)(?<!集团)"
    r"(?=[\s，,；;。]|开户|$)"
)
"""A payee that is a person (a corporate account's name is the institution's)."""
_REFERENCE_BEFORE = re.compile(
    r"(?:编号|单号|合同号|借据号|流水号|案号|申请号|业务号|凭证号|订单号|交易号)(?:为|是)?[:：]?\s?$"
)
"""A contract, order or case number: its digits are no one's card or mobile."""
_PAYEE_BEFORE = re.compile(
    r"收款|对公|户名|开户|还款专户|公司账号|单位账号|企业账号|账户名称|账号信息|以下账|指定账|专用账"
    r"|(?:还款|汇款|缴款)账[户号][:：]?[^。；;\n]{0,24}(?:公司|银行|中心|联社)"
)


_CORPORATE_AFTER = re.compile(
    r"\s?(?:[（(][^）)\n]{2,30}?|[，,；;]?\s?(?:收款)?(?:户名|账户名称|开户名称?|收款人)[:：]?\s?"
    r"[^。；;\n]{0,24}?)(?:公司|银行|中心|联社|分行|支行)"
)
"""After an account number: the institution it belongs to (「…0123，户名：某某消费金融有限公司」)."""
_TAIWAN_ID = re.compile(r"[A-Z](?<![A-Za-z0-9][A-Z])[1289]\d{8}(?![0-9A-Za-z])")
"""A Taiwan national ID or resident number in full (its check digit is tested too: a
product code of the same shape rarely passes it). The letter comes first and the
lookbehind after it, so the scan starts fast."""
_FIFTEEN_DIGITS = re.compile(r"\d(?:\d|[ -](?=\d)){14}")
"""Fifteen digits in a row, or in groups (6222 0202 …): the shortest full ID or card."""
_ID_WORDS = re.compile(r"身份证|证件|身份号码|公民身份")
_ACCOUNT_WORDS = re.compile(r"卡|账户|账号|帐户|帐号|(?:汇|转|打|存)(?:款|账)?(?:至|到|入)")


_NOT_CREDITORS = re.compile(
    rf"以外|之外|个人|私人|非对公|(?:^|[：:，,\s])[{SURNAMES}][\u4e00-\u9fff]{{1,2}}(?<![行司社心部处])\s?$"
)
"""Before an account number: it is not the creditor's — 对公账户以外, a 个人 account, or a
person's name just before the digits (「指定账户：张伟 6222…」)."""


def _creditors_account(text: str, start: int, end: int) -> bool:
    """A number the creditor prints for payment: its own account, named as such before it
    or by the institution's name just after it, and not paid to a person."""
    if _PERSONAL_PAYEE.search(text, max(0, start - 60), start) is not None:
        return False
    if _NOT_CREDITORS.search(text, max(0, start - 40), start) is not None:
        return False
    return (
        _PAYEE_BEFORE.search(text, max(0, start - 40), start) is not None
        or _CORPORATE_AFTER.match(text, end) is not None
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
    rationale="金融账户信息是敏感个人信息（个人信息保护法第二十八条）：卡号、身份证号须脱敏。",
    what="完整的身份证号、完整的银行卡号（校验位对错都算）、第三人的完整手机号。",
    why="信件和短信可能被他人看到；完整号码一旦泄露即可被冒用。",
    fail=(
        "您卡号为6259000000001235的信用卡已逾期。",
        "身份证号110101199003070011。",
        "帳戶：60402＋F226841938",
        "您的紧急联系人李某（电话13912345678）已被告知。",
        "催收公司把她的身份证复印件贴在了楼道里。",
    ),
    passes=(
        "您尾号1235的信用卡已逾期。",
        "身份证号110***********0011。",
        "身分證字號：F22****938",
        "如有疑问请联系调解王主任：13912345678。",
        "办理时请携带本人身份证复印件。",
    ),
    use_instead="卡号用 mask_card（尾号1234），身份证用 mask_id，手机号用 mask_mobile。",
)
def unmasked_pii(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    numbers = ctx.view.numbers
    own = _record_card(ctx, numbers)
    if own is not None:
        hits.append(own)
    mobile = _record_mobile(ctx)  # the debtor's own mobile, even beside 手机/电话
    if mobile is not None:
        hits.append(mobile)
    # the usual letter has no run long enough for a full ID or card
    runs = _digit_runs(ctx.text) if _FIFTEEN_DIGITS.search(ctx.text) else []
    if runs:
        hits += _personal_payee_cards(ctx, numbers, runs)
        hits += _unchecked_numbers(ctx, numbers, runs, hits)
    if "身" in ctx.text:
        hits += _id_copies_shown(ctx)
    hits += [
        Hit(m.start(), m.end(), say(ctx, "DL605", "unmasked", kind="身份证号"))
        for m in _TAIWAN_ID.finditer(ctx.view.folded)
        if taiwan_id_valid(m.group())
    ]
    if not numbers:
        return hits
    allowed = _allowed_numbers(ctx)
    text = ctx.view.folded  # 開戶名稱 reads 开户名称 (the fold keeps every offset)
    for number in numbers:
        if number.masked or number.digits in allowed or (mobile and number.start == mobile.start):
            continue
        if (
            number.kind == "mobile"
            and _CONTACT_BEFORE.search(text, max(0, number.start - 8), number.start)
            and _THIRD_PARTY_BEFORE.search(text, max(0, number.start - 14), number.start) is None
            and _THIRD_PARTY_AFTER.match(text, number.end) is None
        ):
            continue  # a number to call (the collector's own): not someone's data
        if number.kind != "id" and _REFERENCE_BEFORE.search(text, 0, number.start):
            continue  # 合同编号：6217…, 订单号0912…: a reference number of a card's or a mobile's shape
        if number.kind == "card" and _creditors_account(text, number.start, number.end):
            continue  # the creditor's own collection account, printed for payment
        kind = {"id": "身份证号", "card": "银行卡号", "mobile": "手机号"}[number.kind]
        hits.append(
            Hit(
                number.start,
                number.end,
                say(ctx, "DL605", "unmasked", kind=kind),
                suggestion=_masked(number),
            )
        )
    return hits


_ID_COPY = re.compile(
    r"(?<!复)(?:贴|粘|印在|印上|印着|印有|曝光|公开|公布|发布|群发|晒)[^。；！？\n]{0,10}?"
    r"身[份分]证(?:的)?(?:复印件|副本|照片|图片|正反面|截图|影印本|号码|号)"
    r"|身[份分]证(?:的)?(?:复印件|副本|照片|图片|正反面|截图|影印本)[^。；！？\n]{0,8}?"
    r"(?:贴在|贴到|贴上|贴满|张贴|曝光|公布|群发|印在"
    r"|(?:发到|发在|传到|挂在|挂到|发给)[^。；！？\n]{0,6}?"
    r"(?:群|朋友圈|网上|网络|公告|小区|单位|楼道|门口|村里|抖音|微博|快手|贴吧|论坛|通讯录|亲友|家人|同事))"
)
"""A copy of the debtor's identity card shown to others (贴在信封上, 发到家族群): every
number on it printed in full, as a narration of what a collector did tells it — not one
the debtor is asked to send the creditor (发到我司邮箱)."""
_NOT_SHOWN = re.compile(
    r"(?:不得|严禁|禁止|请勿|切勿|不会|不要|绝不|不可|不能)[^。；！？\n]{0,12}$"
)


def _id_copies_shown(ctx: LintContext) -> list[Hit]:
    """An ID card's copy pasted, posted or sent round (not forbidden in its sentence)."""
    text = ctx.view.folded
    hits = []
    for match in _ID_COPY.finditer(text):
        if _NOT_SHOWN.search(text, max(0, match.start() - 14), match.start()) is None:
            hits.append(Hit(match.start(), match.end(), say(ctx, "DL605", "id_copy")))
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
    return Hit(start, start + len(card), say(ctx, "DL605", "record_card"))


def _record_mobile(ctx: LintContext) -> Hit | None:
    """The record's own mobile printed in full (D-20), where the number scan would take it
    for a number to call."""
    own = ctx.account.mobile if ctx.account is not None else ""
    start = ctx.text.find(own) if len(own) >= 8 else -1
    if start < 0:
        return None
    return Hit(start, start + len(own), say(ctx, "DL605", "record_mobile"))


_GROUPED_DIGITS = re.compile(r"[1-9１-９](?:\d|[ -](?=\d)){14,24}[XxＸｘ]?(?![\d*])")
"""A long run of digits, whole or in groups (110105 19900307 1234, 6222-0202-…); where it
may start is checked by :func:`_digit_runs` (a lookbehind here is tried at every offset)."""
_RUN_BEFORE = re.compile(r"[0-9A-Za-z*]|\d[ -]")


def _digit_runs(text: str) -> list[re.Match[str]]:
    """The long digit runs that start a number: not inside a longer code or masked number."""
    return [
        match
        for match in _GROUPED_DIGITS.finditer(text)
        if not _RUN_BEFORE.fullmatch(text, max(0, match.start() - 1), match.start())
        and not _RUN_BEFORE.fullmatch(text, max(0, match.start() - 2), match.start())
    ]


_ID_DIGITS = re.compile(
    r"[1-8]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
)
"""An 18-character ID number by its shape (region, birth date), whatever its check
character: matched on a run's digits with their separators taken out."""
_SEPARATORS = re.compile(r"[ -]")


def _personal_payee_cards(
    ctx: LintContext, numbers: list[NumberSpan], runs: list[re.Match[str]]
) -> list[Hit]:
    """A long account number paid to a person (户名：葛某某 … 账号：6222…): that person's
    card, whatever its check digit."""
    text = ctx.view.folded  # 開戶名稱 reads 开户名称 (the fold keeps every offset)
    if "户名" not in text and "收款人" not in text and "开户名" not in text:
        return []  # the usual case: no payee named at all
    hits = []
    for match in runs:
        digits = ascii_digits(_SEPARATORS.sub("", match.group(0)))
        if not (digits.isdigit() and 15 <= len(digits) <= 19):
            continue
        if any(n.start <= match.start() < n.end for n in numbers):
            continue  # found (and judged) by the number scan
        if _PERSONAL_PAYEE.search(text, max(0, match.start() - 60), match.start()) is not None:
            hits.append(Hit(match.start(), match.end(), say(ctx, "DL605", "payee_card")))
    return hits


def _unchecked_numbers(
    ctx: LintContext, numbers: list[NumberSpan], runs: list[re.Match[str]], found: list[Hit]
) -> list[Hit]:
    """Full numbers the scan leaves out for a wrong check digit: an ID by its shape after
    身份证 / 证件, a card by its prefix after 卡 / 账户 — still full numbers."""
    text = ctx.view.folded  # 開戶名稱 reads 开户名称 (the fold keeps every offset)
    taken = [(n.start, n.end) for n in numbers] + [(h.start, h.end) for h in found]
    hits = []
    for match in runs:
        start, end = match.span()
        if any(a <= start < b for a, b in taken):
            continue
        digits = ascii_digits(_SEPARATORS.sub("", match.group(0)))
        kind = _unchecked_kind(text, start, end, digits)
        if kind is not None:
            taken.append((start, end))
            hits.append(Hit(start, end, say(ctx, "DL605", "unmasked", kind=kind)))
    return hits


def _unchecked_kind(text: str, start: int, end: int, digits: str) -> str | None:
    """What a long run the scan left out is: an ID by its shape after 身份证 / 证件, a card
    by its prefix after 卡 / 账户 unless it is a reference or the creditor's account."""
    before = text[max(0, start - 12) : start]
    if _ID_DIGITS.fullmatch(digits):
        if _ID_WORDS.search(before) is not None:
            return "身份证号"
        # beside a name with no word at all (「周立群（4301…0412）」): an ID's shape — a
        # region and a birth date — is no account's or reference's by chance
        if (
            _ACCOUNT_WORDS.search(before[-8:]) is None
            and not _REFERENCE_BEFORE.search(text, 0, start)
            and not _creditors_account(text, start, end)
        ):
            return "身份证号"
    after = text[end : end + 6]
    if not (digits.isdigit() and 15 <= len(digits) <= 19) or not _card_shaped(
        digits, before, after
    ):
        return None
    if _REFERENCE_BEFORE.search(text, 0, start) or _creditors_account(text, start, end):
        return None
    return "银行卡号"


_CARD_AFTER = re.compile(r"\s?的?(?:信用卡|银行卡|借记卡|储蓄卡|卡|账户|帐户)")
"""Just after a number: it names a card (「您尾号为6222…的卡」, a template that printed it all)."""


def _card_shaped(digits: str, before: str, after: str = "") -> bool:
    """After 卡, 账户 or 账号 (or before 的卡): a UnionPay card number (62…, 16–19 digits),
    or a Visa, Mastercard or JCB one (4…, 5…, 35…: 16 digits) or an Amex one (34…, 37…: 15).
    Without such a word a long number may be any reference, so only a valid check digit
    (the number scan) makes it a card; a 17–19-digit account that starts 3… is a bank's."""
    if _ACCOUNT_WORDS.search(before[-8:]) is None and _CARD_AFTER.match(after) is None:
        return False
    if digits.startswith("62"):
        return 16 <= len(digits) <= 19
    if len(digits) == 16:
        return digits[0] in "45" or digits.startswith("35")
    return len(digits) == 15 and digits[:2] in ("34", "37")


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


# Starts with a class, the lookbehind after it (a fast start; see lint/text/sentences.py): the
# first character is the h of a scheme or the host's own.
_URL = re.compile(
    r"[A-Za-z0-9-](?<![A-Za-z0-9-][A-Za-z0-9-])(?:(?<=h)ttps?://[A-Za-z0-9-])?"
    r"[A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+(?:/[!-~]*)?"
)
"""A link: its path is printable ASCII, so in the space-free match text it stops where
the words after it begin (「t.cn/abc123还款」)."""


_SCHEME = re.compile(r"^https?://")
_TOP_LEVEL = re.compile(r"\.[a-z]{2,}$")


# A reported link's host ends in a dot and two letters (see _TOP_LEVEL), so a text
# without one has none — e.g. an SMS whose only dot is in 4,009.17元.
_HOST_END = re.compile(r"\.[A-Za-z]{2}")


_SHORT_LINK = re.compile(
    r"^(?:https?://)?[a-z0-9-]{1,5}\.[a-z]{2,3}/[A-Za-z0-9_-]{3,12}$", re.IGNORECASE
)
"""A short link's shape (t.cn/A6xYz, 3.cn/ab12): it hides where it leads, allowlist or not."""
_IP_HOST = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?$")
_THROWAWAY_HOST = re.compile(
    r"\.(?:top|xyz|vip|club|cc|site|online|link|pw|tk|ml|ga|cf|gq|icu|fun|shop|ink|work|ren"
    r"|wang|loan|win|bid|live|life|store|asia|cyou|buzz|rest)$|^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?$"
)
"""Hosts no bank or licensed lender collects on: throwaway top-level domains, bare IPs."""


_PAY_BY_LINK = re.compile(
    r"(?:还款|还钱|还清|结清|缴费|缴纳|缴清|支付|付款|付钱|交钱|解冻|充值)[^。；;！!\n]{0,6}$"
)
"""Just before a link: it is where to pay (「请立即还款 https://…」)."""
_PAY_AFTER_LINK = re.compile(
    r"[^。；;！!\n]{0,4}?(?:还款|还钱|还清|结清|缴费|缴纳|缴清|支付|付款|付钱|交钱|解冻|充值)"
)
"""Or just after it (「点击 http://… 完成还款」)."""
_ASCII = re.compile(r"[\x00-\x7f]+")


def _ascii_end(text: str, start: int, end: int) -> int:
    """Where the link itself ends: in the space-free match text its path runs on into
    the words after it (「http://…/u完成还款」)."""
    link = _ASCII.match(text, start, end)
    return start if link is None else link.end()


def _unsigned_payment_link(ctx: LintContext, text: str, start: int, end: int) -> bool:
    """A link to pay in a text that names no creditor at all (「尊敬的用户，您的信用卡已
    逾期，请立即还款 https://…」): nobody a debtor could check it with — the phishing
    shape. With a configured creditor, DL101 judges the name instead."""
    if ctx.creditor is not None:
        return False
    if (
        _PAY_BY_LINK.search(text, max(0, start - 12), start) is None
        and _PAY_AFTER_LINK.match(text, _ascii_end(text, start, end)) is None
    ):
        return False
    return not names_creditor(ctx.text)


def _url_hits(ctx: LintContext, code: str = "DL606") -> list[Hit]:
    """Links outside the allowlist; without one (no configured creditor or
    ``link_allowlist``), only short links, since a real lender's own site is fine —
    unless the text asks to pay by the link and names no creditor."""
    text = ctx.view.match_text
    if _HOST_END.search(text) is None and "://" not in text:
        return []
    hits = []
    for match in _URL.finditer(text):
        url = match.group(0)
        if match.start() and text[match.start() - 1] == "@":
            continue  # an e-mail address's domain, not a link to click
        if url[-1].isdigit() and "/" not in url:
            continue  # 16,409.02 or 3.5: a number, not a host (no letter top-level domain)
        host = _SCHEME.sub("", url, count=1).split("/")[0].lower()
        bare_ip = _SCHEME.match(url) is not None and _IP_HOST.match(host) is not None
        if _TOP_LEVEL.search(host) is None and not bare_ip:
            continue  # a version or a figure (3.2.1.0), not a link; http://1.2.3.4/ is one
        key = "link"
        if (
            not ctx.link_allowlist
            and _SHORT_LINK.match(url) is None
            and _THROWAWAY_HOST.search(host) is None
        ):
            written_out = _SCHEME.match(url) is not None or url.lower().startswith("www.")
            if not (
                code == "DL606"
                and written_out
                and _unsigned_payment_link(ctx, text, match.start(), match.end())
            ):
                continue  # 1.App in a list is no link; an unsigned text's bare domain may be
            key = "unsigned_link"
        if code == "DL606" and _link_warned_against(text, match.start(), match.end()):
            continue  # 「t.cn/abc 是钓鱼链接，请勿点击」: a warning that quotes the link
        if not any(host == domain or host.endswith("." + domain) for domain in ctx.link_allowlist):
            start, end = ctx.view.origin_span(match.start(), match.end())
            hits.append(Hit(start, end, say(ctx, code, key, url=url)))
    return hits


_LINK_WARNING_BEFORE = re.compile(
    r"请勿|切勿|不要|千万别|谨防|警惕|提防|钓鱼|诈骗|冒充|假冒|虚假|可疑"
)
_LINK_WARNING_AFTER = re.compile(
    r"^[^。！？!?；;\n]{0,12}?(?:(?:是|为|属于?|系)(?:钓鱼|诈骗|虚假|假冒)|请勿|切勿|不要(?:点击|打开|访问)|千万别)"
)


def _link_warned_against(text: str, start: int, end: int) -> bool:
    """A link quoted in an anti-fraud warning: its sentence warns before it or calls it
    phishing after it (a fraud SMS itself says neither)."""
    sentence = opening(text, start, "。！？!?；;\n", max(0, start - 30))
    if _LINK_WARNING_BEFORE.search(text, sentence, start) is not None:
        return True
    return _LINK_WARNING_AFTER.match(text[_ascii_end(text, start, end) : end + 16]) is not None


_WARNING = re.compile(
    r"不会|不要|请勿|切勿|勿向|谨防|严禁|不得|绝不|从不|警惕|提防|冒充|诈骗|骗子|以免|如遇|自称|假冒"
    r"|[如若](?:您|你)?(?:收到|接到)|[如若](?:有|遇)(?:人|催收人员|催收员|工作人员|任何人|自称)"
    r"|提高警觉|绝无|决无|从无|并无|从未|不存在|此类|这类|往往|通常会?|一般会|常常会?|假催收|钓鱼"
    r"|不接受|不收取|拒收|拒绝接受|一律拒绝"
)
_CALLED_FRAUD = re.compile(
    rf"{CALLED_FRAUD.pattern}"
    r"|(?:都|均|全|一律|肯定|必定|必然|就)(?:是|为|属于?)(?:诈骗|骗局|骗子)|(?:是|为|属于?)钓鱼"
    r"|(?:一律|均|概|都)(?:不认|不予认可|不承认|无效|不负责|非官方)|概不负责"
)
"""After the account: the sentence calls such requests fraud (「凡是要求转到安全账户的都是诈骗」)."""


def _warned_against(text: str, start: int) -> bool:
    """An anti-fraud warning (「平台不会要求你把钱转到私人账户」): its sentence says
    not to pay that way before naming it, or calls it fraud after."""
    sentence = opening(text, start, "。！？!?；;\n", max(0, start - 30))
    if _WARNING.search(text, sentence, start) is not None:
        return True
    end = closing(text, start, "。！？!?；;\n", start + 30)
    return _CALLED_FRAUD.search(text, start, end) is not None


_OFFICIAL = re.compile(r"官方(?:微信|客服|认证|公众号|QQ|账号)|公众号|服务号|企业微信|企业QQ")


def _officially_named(text: str, start: int) -> bool:
    """The account is named as the creditor's official one earlier in its sentence
    (「官方微信：某某银行（微信号：exbank）」)."""
    sentence = opening(text, start, "。！？!?；;\n", max(0, start - 30))
    return _OFFICIAL.search(text, sentence, start) is not None


@rule(
    "DL606",
    "unofficial-payment",
    principle="法规 / 反诈",
    rationale="只能引导到官方渠道还款：转账给个人、微信支付宝转给催收员、短链接都是诈骗惯用手法。",
    what="要求转账到个人账户、转给催收员、扫个人二维码，或使用不在白名单的链接。",
    why="非官方渠道的还款可能被截留，债务人蒙受损失，机构承担责任。",
    fail=(
        "请将欠款转账到催收员个人账户。",
        "点击 t.cn/abc123 还款。",
        "尊敬的用户，您的贷款已逾期，请立即还款 https://repay-now.com",
    ),
    passes=(
        "请通过示范银行手机银行App还款。",
        "【某某银行】您的信用卡已逾期，请登录 https://www.example-bank.cn 还款。",
        "凡是要求转账到安全账户的都是诈骗，请勿相信。",
        "官方协商只通过App内的客服办理，绝无私人账户收款。",
        "本行从未设立任何安全账户，也从无私人账户收款。",
        "这类假催收短信通常带有短链接，写着逾期未还将起诉。",
        "钓鱼短信往往附带短链接，冒充银行催缴欠款。",
        "花呗协商只能找官方客服，私人账户转账一律不认。",
        "向个人账户转账的还款概不负责。",
        "警方提醒：t.cn/A6abcd 是钓鱼链接，请勿点击。",
        "请勿点击 http://t.cn/xyz123 这类短链接。",
    ),
    use_instead="只列出机构对公账户、官方App、营业网点。",
    lexicons=("unofficial_payment",),
)
def unofficial_payment(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    hits += [
        hit
        for hit in _existence(ctx, "unofficial_payment", ctx.messages["DL606"]["match"])
        if not _warned_against(ctx.view.folded, hit.start)
        and not _officially_named(ctx.view.folded, hit.start)
    ]
    hits += _framed(ctx, "DL606", ctx.messages["DL606"]["frame"], hits)
    hits += _url_hits(ctx)
    return hits


_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\U0001f000-\U0001f2ff\u2b00-\u2bff\ufe0f]")


_SMS_SIGNATURE = re.compile(r"【([^【】]{2,12})】")
_TRAILING_SIGNATURE = re.compile(r"【([^【】\n]{2,12})】\s*$")
"""Carriers accept the 【签名】 at the end of the text as well as at its start."""
_SMS_BRACKETS = re.compile(r"[【】\[\]]")
_SQUARE_SIGNATURE = re.compile(r"\[([^\[\]【】\n]{2,12})\]")
"""A signature in [ ] where carriers require 【】 (「[中信银行]…」): one finding, not two brackets."""
_CLOSING_NAME = re.compile(r"\[[^\[\]\n]{2,16}\]\s*$")
"""After a leading 【签名】, the sender's name in [ ] closing the text (「…[CANA金融]」) is
not a second signature; a second 【…】 is."""
_YUAN_SIGN = re.compile(r"[¥￥]")
_EMOJI_OR_YUAN = re.compile(_EMOJI.pattern[:-1] + "¥￥]")


@rule(
    "DL607",
    "sms-format",
    principle="法规 / 运营商规则",
    channels=("sms",),
    example_context=(("channel", "sms"),),
    rationale="通知类短信须以【签名】开头，正文不含【】、退订字样、表情、¥ 和非白名单链接（运营商与平台规则）。",
    what="短信缺少【签名】、正文含【】、含退订字样、表情符号、¥ 符号或非白名单链接。",
    why="不合格式的短信会被运营商拦截；通知短信加退订字样会被当作营销短信。",
    fail=("张先生，您的账户已逾期，回复TD退订。", "【示范银行】您的欠款¥100.00请尽快归还😊"),
    passes=(
        "【示范银行】张先生，您尾号1234的信用卡已逾期，请致电95099。",
        "张先生，您尾号1234的信用卡已逾期，请致电95099。【示范银行】",
    ),
    use_instead="【签名】+ 一段正文；金额写「100.00元」；不加退订。",
    lexicons=("sms_forbidden",),
)
def sms_format(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    text = ctx.text
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    body_start, body_end = lead, len(text)
    signature = _SMS_SIGNATURE.match(stripped)
    if signature is not None:
        sign_start, body_start = lead, lead + signature.end()
        closing = _CLOSING_NAME.search(text, body_start)
        if closing is not None:
            body_end = closing.start()
    else:
        signature = _TRAILING_SIGNATURE.search(text)
        square = _SQUARE_SIGNATURE.match(stripped)
        if signature is not None:
            sign_start = body_end = signature.start()
        elif square is not None:
            body_start = lead + square.end()
            name = square.group(1)
            message = say(ctx, "DL607", "square", signature=name)
            hits.append(Hit(lead, body_start, message, suggestion=f"【{name}】"))
        else:
            hits.append(Hit(lead, lead, say(ctx, "DL607", "unsigned")))
    # Only a configured creditor's signature is compared; without one (no config, or
    # the demos' example creditor) the signature's form is all there is to check.
    expected = ctx.creditor.sms_signature if ctx.creditor is not None else None
    if signature is not None and expected and signature.group(1) != expected:
        hits.append(
            Hit(
                sign_start,
                sign_start + len(signature.group(0).rstrip()),
                say(ctx, "DL607", "signature", signature=signature.group(1), expected=expected),
            )
        )
    if (  # four finds cost less than one scan
        text.find("【", body_start, body_end) >= 0
        or text.find("】", body_start, body_end) >= 0
        or text.find("[", body_start, body_end) >= 0
        or text.find("]", body_start, body_end) >= 0
    ):
        for match in _SMS_BRACKETS.finditer(text, body_start, body_end):
            hits.append(Hit(match.start(), match.end(), say(ctx, "DL607", "brackets")))
    hits += _existence(ctx, "sms_forbidden", ctx.messages["DL607"]["unsubscribe"])
    if _EMOJI_OR_YUAN.search(text) is not None:  # one pass rules out both, as a rule
        for match in _EMOJI.finditer(text):
            hits.append(Hit(match.start(), match.end(), say(ctx, "DL607", "emoji")))
        for match in _YUAN_SIGN.finditer(text):
            hits.append(
                Hit(
                    match.start(),
                    match.end(),
                    say(ctx, "DL607", "yuan"),
                    suggestion="元",
                )
            )
    hits += _url_hits(ctx, "DL607")
    return hits


@rule(
    "DL608",
    "quiet-hours",
    principle="法规",
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
                say(
                    ctx,
                    "DL608",
                    "window",
                    time=local,
                    timezone=ctx.sms_timezone,
                    start=start,
                    end=end,
                ),
            )
        )
    if ctx.sent_today >= ctx.sms_max_per_day:
        hits.append(
            _whole(
                ctx,
                say(ctx, "DL608", "per_day", sent=ctx.sent_today, limit=ctx.sms_max_per_day),
            )
        )
    return hits


@rule(
    "DL609",
    "deceased-or-disputed",
    principle="法规 / 死亡客户",
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
        hits.append(_whole(ctx, say(ctx, "DL609", "deceased")))
    if account.dispute:
        hits.append(_whole(ctx, say(ctx, "DL609", "dispute")))
    return hits


__register__: tuple[Rule, ...] = (
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
