"""DL5xx 最后的 / 合理的: consequences are stated, explained and true."""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from dunletters.lint.context import LintContext
from dunletters.lint.findings import Severity
from dunletters.lint.rule import Hit, Rule, rule
from dunletters.lint.rules.common import (
    _has,
    _whole,
    say,
)
from dunletters.lint.rules.existence import declared
from dunletters.lint.rules.lawful import quieted, told_lawfully
from dunletters.lint.text import closing, opening

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# -- DL5xx 最后的 / 合理的 -----------------------------------------------------------------------


@rule(
    "DL501",
    "missing-consequence",
    principle="最后的",
    needs=("stage",),
    stages=("late", "final"),
    channels=("letter",),
    example_context=(("stage", "final"), ("channel", "letter")),
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
        hits.append(_whole(ctx, say(ctx, "DL501", "missing", stage=ctx.stage)))
    return hits


_LEGAL = re.compile(
    r"诉|官司|法院|法庭|开庭|立案|仲裁|支付令|保全|强制执行|法律|司法|依法|主张|律师|律所|法务"
    r"|告(?:到|得|死|垮|穷)?(?:你|您)|告到|提告|告上|公堂|押记令|扣押令|破产|本票|支付命令|存证信函|法扣|扣薪|假扣押"
    r"|入禀|审裁处|[A-Za-z]"
)
"""What makes a legal_action match a legal step (the list also holds visits and agencies,
all in Chinese: a Latin letter is a legal word spelt to slip past SMS filters, 起su)."""
_YOU_MAY = re.compile(
    r"(?:您|你|客户|债务人|债权人|借款人|持卡人|当事人|任何一方|双方|各方|任一方)(?:也|亦|均|都)?"
    r"(?:可以?(?!能)|有权|可依法)"
)
"""A phrase that gives the debtor a right (「您可向人民法院提起诉讼」)."""
_MAY = re.compile(
    r"(?:也|亦|均|或者?|还)?(?:依法)?(?:可以?(?!能)|有权)|或者?(?:依法)?(?:直接)?(?:向|到)"
)
"""A phrase that opens on a right, after a dispute is named (「如有异议，可向法院起诉」), or
on the other way to use it (「…可以向我行提出，或者依法向人民法院提起诉讼」)."""
_YOUR_VIEW = re.compile(
    r"异议|争议|疑问|双方|各方|(?:如|若|如果)(?:您|你)(?:认为|觉得|对|不服|不满)"
    r"|(?:您|你)(?:也|亦)?(?:可以?(?!能)|有权)"
)
"""Before such a phrase: the debtor's dispute or view, both parties' disagreement
(「如双方协商不成，可依法通过诉讼解决」), or a right already given
(「您可以向监管部门投诉，也可以通过法律途径维护权益」)."""
_SENTENCE_END = "。！？!?；;\n"
_ITEM = re.compile(
    r"[ \t　]*(?:[一二三四五六七八九十]{1,3}、|\d{1,2}[.、．)）]|[（(][一二三四五六七八九十\d]{1,3}[)）])"
)
"""The opening of a numbered list item."""
_SENDER_LINE = re.compile(
    r"(?![^\n]*(?:你|您|收|寄|发给|等着|准备|吧))"
    r"[^，。,；;：:！!？?]{0,24}(?:律师事务所|律所|法律服务所|法务部|律师函|催告函|告知函)"
    r"(?:\s*(?:承办律师|经办律师|律师|电话|联系电话|地址|联系人|传真|邮箱|日期)\s?[:：][^，,。；;！!？?\n]{1,30}?)*"
)
"""A line that is only a sender's name (a signature) or the letter's title (律师函)."""
_FULL_STOP = re.compile(r"(?:[。！？!?]+|\n)\s*")
"""Where a sentence ends for DL502 (a ；-separated list of steps is one sentence)."""
REASON_BEFORE = 2
"""How many sentences before a legal step its reason may stand in (the facts, then
the demand, then the step: 「已逾期35天。请于7日内付清。届时未付，将依法提起诉讼。」)."""
REASON_AFTER = 1
"""How many sentences after it (「我行将提起诉讼。原因是您已逾期90天。」)."""


def _list_lead(text: str, start: int) -> int:
    """Where the reason window is counted from: the step's own line, or — when that line
    is an item of a numbered list (一、 1. （二）) — the list's lead-in line, whose
    reason covers every item (「鉴于上述情况，我司将采取以下措施：」)."""
    line = text.rfind("\n", 0, start) + 1
    if not _ITEM.match(text, line):
        return start
    while line > 0 and _ITEM.match(text, line):
        line = text.rfind("\n", 0, line - 1) + 1
    return line


_FORBIDDEN_BEFORE = re.compile(
    r"(?:严禁|禁止|不得(?![不已])|不准|切勿|请勿|不会)[^，。；;！？\n]{0,8}$"
)
_COURT_MAY = re.compile(
    r"(?:也|亦|均)?(?:可以?(?!能)|有权|依法可以?|可依法|依法(?:决定|认定|作出|审查|确认|审理|判处|判决)|(?:判决(?:生效)?|立案|受理)(?:后|以后))"
)


"""After 法院: the court acting as the law allows in general (「判决生效后仍不履行的，法院可
采取强制执行措施」), not a step the creditor announces."""


_PHRASE_MARKS = "，,。；;！？!?\n"
_A_RIGHT = re.compile(r"[^，,。；;！？!?\n]{0,12}?的?(?:权利|权力)")
"""「我司保留采取进一步法律手段的权利」: a right reserved, not a step announced."""
_PHRASE_END = re.compile(f"[{_PHRASE_MARKS}]")
_AS_IDENTITY_BEFORE = re.compile(
    r"(?:冒充|假冒|冒用|假借|盗用|自称|谎称|声称|伪造|私刻|仿造|仿冒|受|是|系|和|跟|与)"
    r"[^，,。；;！？!?\n]{0,12}$"
)
_AS_IDENTITY_AFTER = re.compile(
    r"(?:的)?(?:人|同志|工作人员|执行人员|名义|旗号|委托|指定|指派|授权|法警|干警|法官|黑名单|系统"
    r"|公章|印章|公函)"
)
_WRIT_AFTER = re.compile(r"(?:的)?(?:传票|判决书|裁定书|执行令|执行通知书|案号|文书|公告)")
_COMING = re.compile(r"将|会|要|准备|等着|等|即将|马上|就")
"""Before a court's writ: a suit still to come (「准备好收法院传票吧」), which is a legal
step (DL502), not only a writ claimed as already issued (「已收到法院传票」)."""


_COURT_NOUN = re.compile(r"[^上去到走告见]{0,6}(?:法院|法庭)")
"""A legal_action match that names the court (人民法院), not a step to it (上法庭)."""


def _court_as_identity(text: str, start: int, end: int) -> bool:
    """法院 names who the sender claims to be or act for (「我们受法院委托」, 「冒充法院工作
    人员」, 「法院的人已经在你楼下」) or the issuer of a writ (「已收到法院传票」, 「伪造法院
    公章」): a false claim of authority (DL603), not a lawsuit the creditor announces."""
    phrase = opening(text, start, _PHRASE_MARKS)
    if _AS_IDENTITY_BEFORE.search(text, phrase, start) or _AS_IDENTITY_AFTER.match(text, end):
        return True
    return bool(_WRIT_AFTER.match(text, end)) and not _COMING.search(text, phrase, start)


_ASK_THEM = re.compile(
    r"如有(?:疑问|异议|问题)[^，,。；;]{0,4}(?:与|向|咨询|联系|致电)[^，,。；;]{0,4}$"
    r"|(?:了解|咨询|查询|熟悉)[^，,。；;]{0,6}$"
)
"""「如有疑问请与律师联系」「如需了解诉讼流程」: where to ask, not a step taken against the
debtor."""
_WRITER = re.compile(r"(?:本|我)(?:所|律所|律师事务所)?(?:的)?(?:承办|经办|主办|代理)?$")
"""Just before 律师: the writer itself (「本律师受XX银行委托」, 「抄送本所承办律师」)."""
_LAWYER_LABEL = re.compile(r"律师\s?[：:]")
"""「律师：张某 电话：…」: a signature's label, not a step."""
_AS_EVIDENCE = re.compile(r"(?:的)?(?:材料|证据|依据|凭证)")
"""After the legal word, with 作为 before it (「调查结果将作为后续诉讼材料」, 「录音将作为诉讼
证据」): what a record may serve as, not a step announced."""
_SERVED = re.compile(r"[^，,。]{0,2}送达起诉状")
"""「法院会向被告送达起诉状副本」: a court's procedure explained, not the creditor's step."""
_SENT_BY = re.compile(
    r"由[^，,。；;！？!?\n]{0,24}(?:律师事务所|律所)[^，,。；;！？!?\n]{0,12}(?:出具|发出|代为|起草)"
)
"""「本函由XX律师事务所出具」: who wrote the letter, not a step anyone takes."""


_IMPERSONATED = re.compile(
    r"(?:冒充|假冒|冒用|假借|伪造|仿冒|私刻|假扮|伪装成?|冒名)[^，,。；;！？!?\n]{0,4}?"
    r"(?:公安|警察|民警|警方|派出所|经侦|法院|法庭|执行局|检察|司法|公检法|执法|法官|警官|监管|政府)"
)
"""A sentence that reports someone posing as the police or a court: the legal words in it
are the impostor's claims (DL603), not a step the creditor takes."""
_DETAINED = re.compile(r"(?:拘留|逮捕|拘传|刑拘|抓捕|羁押|枪毙)")
"""Right after the legal word: 「将强制执行拘留」 is detention, which no creditor can order
(DL603), not a lawful step with a missing reason."""


_QUOTED_TACTIC = re.compile(
    r"[^，,。；;！？!?\n“”\"「」『』]{0,8}[”\"」』][^，,。；;！？!?\n]{0,12}?"
    r"(?:话术|说辞|说法|字眼|借口|幌子|为由|相威胁|相要挟)"
)
"""After the legal word: 「以“冻结账户”“起诉立案”等话术施压」 reports, in quotes, what
someone claimed to press a victim (DL603), not a step the creditor takes."""


def _impostors_claim(text: str, start: int, end: int) -> bool:
    """The legal word is an impostor's claim: in a sentence reporting someone posing as an
    authority, quoted as a pressure tactic, or followed by detention (see
    ``_IMPERSONATED``, ``_QUOTED_TACTIC`` and ``_DETAINED``)."""
    if _DETAINED.match(text, end) or _QUOTED_TACTIC.match(text, end):
        return True
    sentence = opening(text, start, _SENTENCE_END)
    found = _FULL_STOP.search(text, end)
    return _IMPERSONATED.search(text, sentence, found.start() if found else len(text)) is not None


def _by_the_writer(text: str, start: int, word: str) -> bool:
    """The lawyer named is the writer (「本律师」「本所承办律师」) or a signature's label."""
    if not word.startswith("律师") or word.startswith("律师函"):
        return False
    if _LAWYER_LABEL.match(text, start):
        return True
    return _WRITER.search(text, opening(text, start, _PHRASE_MARKS), start) is not None


def _phrase(text: str, start: int) -> tuple[int, int]:
    """The comma-delimited phrase around ``start``."""
    found = _PHRASE_END.search(text, start)
    return opening(text, start, _PHRASE_MARKS), found.start() if found else len(text)


def _forbidden(text: str, start: int) -> bool:
    """The legal word is forbidden in its phrase, as a code of conduct writes it
    (「严禁冒充司法机关、律师」)."""
    phrase = opening(text, start, "，。；;！？\n")
    return _FORBIDDEN_BEFORE.search(text, phrase, start) is not None


def _signature(text: str, start: int) -> bool:
    """The legal word at ``start`` names the sender or the letter on a line of its own
    (a law firm's signature 「某某律师事务所」, the title 「律师函」), not a step anyone
    takes."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    return _SENDER_LINE.fullmatch(line) is not None


_THEIR_SUIT = re.compile(
    r"(?:(?:你|您|妳)(?:们)?(?:要是|若|如果|假如)?|要是|若|如果|假如)(?:敢|要|想)(?:去)?(?:法院)?$"
)
"""「若要提告」, 「你敢去法院告」: the debtor's own suit, dared or posed as a condition."""
_SELF = re.compile(r"我|本公司|本行|本司|公司|平台")


def _debtors_right(text: str, start: int) -> bool:
    """The legal step at ``start`` is the debtor's own remedy (a dispute channel) or a
    suit the debtor is dared to bring, not a step the creditor takes: 「如您对债务有异议，
    可向人民法院提起诉讼」, 「你要是敢起诉，…」."""
    sentence = opening(text, start, _SENTENCE_END)
    phrase = opening(text, start, "，,", sentence)
    head = text[phrase:start]
    if _YOU_MAY.search(head):
        return True
    head = text[opening(text, start, "、", phrase) : start]
    if _THEIR_SUIT.search(head):
        return _SELF.search(head) is None
    return _MAY.match(head) is not None and _YOUR_VIEW.search(text, sentence, phrase) is not None


@rule(
    "DL502",
    "unexplained-legal-action",
    principle="合理的",
    rationale="必须向客户解释为何要将这件事交给律师处理（原则九：合理的）。",
    what="提到律师、诉讼等法律措施，该句、前两句和后一句（编号列表从引导句算起）里却没有说明原因（逾期多久、此前的提醒）。",
    why="没有理由的法律措施像恐吓；说明原因才合理，也符合第六十九条「催收原因」的要求。",
    fail=("我行将通过诉讼途径解决。", "我行可向人民法院提起诉讼。"),
    passes=(
        "鉴于您已逾期45天，经多次提醒仍未还款，我行可能依法提起诉讼。",
        "如您对债务有异议，可向人民法院提起诉讼。",
        "若逾期未付，本公司保留通过诉讼途径追偿的权利。",
    ),
    use_instead="先说明原因：「鉴于您已逾期N天，经多次提醒仍未还款……」",
    lexicons=("legal_action", "legal_reason"),
    hits_need=("legal_action",),
)
def unexplained_legal_action(ctx: LintContext) -> list[Hit]:
    # The reason must stand with the action — in its sentence or the sentences next
    # to it — not merely somewhere in the letter (every letter states its days
    # overdue in the facts), and not a whole paragraph away (a letter written
    # without blank lines is one paragraph).
    hits: list[Hit] = []
    actions = list(ctx.lexicons["legal_action"].finditer(ctx.view))
    if not actions:
        return hits
    text = ctx.view.folded  # the original's offsets; 強制執行 reads as 强制执行
    reasons = [r.start for r in ctx.lexicons["legal_reason"].finditer(ctx.view)]
    ends = [m.end() for m in _FULL_STOP.finditer(text)]
    reported: set[int] = set()
    quiet_until = 0
    for action in actions:
        if _LEGAL.search(text, action.start, action.end) is None:
            continue  # a visit or an agency: an escalation (DL402), not a legal step
        if _debtors_right(text, action.start) or _signature(text, action.start):
            continue
        if _forbidden(text, action.start) or told_lawfully(text, action.start, action.end):
            continue
        if _SENT_BY.search(text, *_phrase(text, action.start)):
            continue
        if _reserved(text, action.start, action.end):
            continue
        if _impostors_claim(text, action.start, action.end):
            continue
        if _SERVED.match(text, max(0, action.start - 4)) or _ASK_THEM.search(
            text, opening(text, action.start, _PHRASE_MARKS), action.start
        ):
            continue
        if _by_the_writer(text, action.start, action.text):
            continue
        if (
            _AS_EVIDENCE.match(text, action.end)
            and "作为" in text[max(0, action.start - 8) : action.start]
        ):
            continue
        index = bisect.bisect_right(ends, action.start)  # the action's sentence
        if index in reported:
            continue
        if action.start < quiet_until:
            continue  # a step the law's court may take (below)
        court = _COURT_NOUN.fullmatch(action.text) is not None
        if court and _court_as_identity(text, action.start, action.end):
            continue
        if court and _COURT_MAY.match(text, action.end):
            found = _PHRASE_END.search(text, action.end)
            quiet_until = found.end() if found else len(text)
            continue
        lead = bisect.bisect_right(ends, _list_lead(text, action.start))
        low = ends[lead - REASON_BEFORE - 1] if lead > REASON_BEFORE else 0
        high = ends[index + REASON_AFTER] if index + REASON_AFTER < len(ends) else len(text)
        first = bisect.bisect_left(reasons, low)
        if first == len(reasons) or reasons[first] >= high:
            reported.add(index)
            hits.append(
                Hit(
                    action.start,
                    action.end,
                    say(ctx, "DL502", "unexplained", action=action.text),
                )
            )
    return hits


def _reserved(text: str, start: int, end: int) -> bool:
    """The step stands inside a reservation of rights: 保留 before it and 权利 after, one clause."""
    head = opening(text, start, _PHRASE_MARKS)
    return text.find("保留", head, start) >= 0 and _A_RIGHT.match(text, end) is not None


_OFFENDER = re.compile(
    r"催收(?:人员|员|公司|团伙|机构)|讨债(?:公司|人员|团伙)|涉案人员|犯罪嫌疑人|嫌疑人|被告人?"
    r"|团伙|主犯|从犯|不法分子|诈骗分子|行为人|负责人|涉事(?:人员|公司)"
)
"""Who a judgment or a news report says was punished: the collector, not the debtor."""
_SAID = re.compile(
    r"称|说|扬言|威胁|恐吓|警告|吓唬|冒充|假冒|伪造|发送|发来|短信|告知|通知|表示|[“「:：]"
)
"""Between that party and the penalty: the penalty is what they told the debtor."""
_THREATENED = re.compile(r"[^。！？；;!?\n]*?(?:威胁|恐吓|要挟|逼迫|吓唬)")
_SENTENCED = re.compile(r"被|判处|获刑|判决")
"""A report's passive voice: the party *was* detained or sentenced (「涉案人员被刑事拘留」)."""
_ANSWERED_NO = re.compile(
    r"\s*(?:(?:答|回答)[:：]?\s*)?(?:答案是否定的|否"
    r"|(?:一般(?:情况下|来说)?|通常|当然|其实|实际上|事实上)?(?:是)?(?:不会|并不会|不用|不需要|不一定)"
    r"|(?:其实|实际上|事实上|一般来说|通常)[^。！？；\n]{0,16}?(?:不会|不用|不需要|并不))"
)
"""After a question: its answer, a no (「欠网贷会坐牢吗？一般不会」)."""
_ASKED_BY_DEBTOR = re.compile(r"[^你您？?]*我(?!们|司|行|方|公司|平台)[^你您？?]*")
"""A question in the debtor's own voice, no one else in it (「逾期后我的银行卡会被冻结吗？」)."""
_WORRY = re.compile(r"担心|害怕|顾虑|误以为|误认为")
_BUT_NO = re.compile(r"其实|实际上|事实上|但是?|并不|不会")
_IN_FACT = re.compile(r"其实|实际上|事实上")
"""「很多人担心逾期会影响孩子政审，其实……」: a fear named to be answered, not a claim."""


def _punished_other(text: str, start: int, end: int) -> bool:
    """The penalty falls on a collector or defendant a report names (「涉案人员被刑事拘留」,
    「法院判处被告人有期徒刑」), not on the debtor; a penalty they threatened is kept."""
    sentence = opening(text, start, _SENTENCE_END, max(0, start - 160))
    if _OFFENDER.match(text, end, end + 8) or _OFFENDER.match(text, end + 1, end + 8):
        return True
    parties = list(_OFFENDER.finditer(text, sentence, start))
    if not parties:
        return False
    between = text[parties[-1].end() : end]
    if "你" in between or "您" in between or _SAID.search(between):
        return False
    if _THREATENED.match(text, end, min(len(text), end + 40)):
        return False  # 「以被害人将被判刑相威胁」: the report of a threat
    return _SENTENCED.search(text, sentence, end) is not None


def _asked_and_denied(text: str, start: int) -> bool:
    """The word stands in a question the text answers no or the debtor asks, in a
    fear the text answers, or in what a vetting looks at."""
    stop = closing(text, start, _SENTENCE_END)
    sentence = opening(text, start, _SENTENCE_END, max(0, start - 160))
    if text.startswith(("？", "?"), stop) and (
        _ANSWERED_NO.match(text, stop + 1) or _ASKED_BY_DEBTOR.fullmatch(text, sentence, stop)
    ):
        return True
    if text[sentence - 1 : sentence] in ("？", "?") and _ANSWERED_NO.match(text, sentence):
        return True  # the answer itself: 「……吗？不会，政审不查父母的征信。」
    if _VETTING.match(text, start) and _VETTING_EXPLAINED.search(text, sentence, stop):
        return True
    worry = _WORRY.search(text, sentence, start)
    if worry is None:
        return False
    # the feared thing, answered after it, or the explainer's own answer (其实…)
    return bool(_BUT_NO.search(text, start, stop) or _IN_FACT.search(text, worry.end(), start))


_VETTING = re.compile(r"政审|考公|考编|参军|入伍|当兵|犯罪记录|案底|前科")
_VETTING_EXPLAINED = re.compile(r"审查|查的是|看的是|考察的是|有无|是否有|不在其列|无关")
"""「政审主要审查直系亲属有无犯罪记录」: what a vetting looks at, explained."""
_NOT_NECESSARILY = re.compile(r"不一定[^，,。；;！？!?\n]{0,8}$")
"""「不一定会被判刑」: an explainer's hedge, not a claim."""


def _not_about_the_debtor(made: Rule) -> Rule:
    """``made`` with its hits dropped where a report punishes someone else, or an
    explainer answers a question no or hedges."""
    check = made.check

    def told_check(ctx: LintContext) -> list[Hit]:
        text = ctx.view.folded
        return [
            hit
            for hit in check(ctx)
            if not _punished_other(text, hit.start, hit.end)
            and not _asked_and_denied(text, hit.start)
            and not _NOT_NECESSARILY.search(
                text, opening(text, hit.start, _PHRASE_MARKS), hit.start
            )
        ]

    return replace(made, check=told_check)


overstated_consequence = _not_about_the_debtor(quieted(declared("overstated_consequence")))


__register__: tuple[Rule, ...] = (
    missing_consequence,
    unexplained_legal_action,
    overstated_consequence,
)
