"""Where a legal word is education, a warning or a denial, not a claim about this debt.

DL502, DL503 and DL603 report words (法院, 坐牢, 传票, 失信名单) that also stand in the
sentences a careful creditor writes: a cited law (「《民事诉讼法》」, 「最高人民法院、最高人民
检察院《关于…的解释》」), an anti-fraud warning (「谨防冒充公检法」), a rule
for collectors (「催收人员不得冒用公检法名义」), a denial (「逾期不会导致坐牢」,
「本行不会冻结您的微信」), or an explanation of the law (「只有被法院列为失信被执行人后，
才会被限制乘坐飞机」, 「老赖是失信被执行人的俗称」). Those stay silent; a report of what a
collector did (「催收人员冒充法院工作人员，称其已被起诉」) is none of them and is kept.
So do an authority's own clarification of how it works (「法院不通过短信通知当事人」,
「公检法机关不会通过电话办案」) and a report of the law acting *against* a collector or a
platform (「警方以寻衅滋事罪对催收团伙立案侦查」, 「催收公司被判赔偿精神损害抚慰金」): the
court and the police there are real, and the debtor is not their target.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dunletters.lint.context import LintContext
from dunletters.lint.rule import Hit, Rule
from dunletters.lint.text import closing, opening

__all__ = ["CALLED_FRAUD", "quieted", "told_lawfully"]

_SENTENCE_END = "。！？!?；;\n"
_PHRASE_END = "，," + _SENTENCE_END
_REACH = 160
"""How far back a sentence is looked for (a sentence is shorter)."""

_WARNING = re.compile(
    r"谨防|警惕|提防|防范|当心(?:诈骗|受骗|上当)|小心(?:诈骗|受骗|上当)"
    r"|(?:都|均|皆|一律)(?:是|为|属于?)(?:电信)?诈骗(?!罪)|诈骗(?:短信|电话|分子|团伙|信息)"
    r"|如遇|如(?:果)?(?:您|你)?(?:已)?(?:收到|接到)|(?:遇到|遇有|接到)(?:自称|冒充|陌生|可疑|此类|类似|诈骗)"
    r"|凡(?:是)?(?:自称|要求|以)|(?:请|不要|切勿|请勿)(?:轻信|相信)"
    r"|(?:请(?:您|你)?|应当?|(?:您|你)(?:也|还)?可(?:以)?|可(?:以)?(?:向|拨打|到|致电))"
    r"[^，。；！？\n]{0,16}?(?:报警|举报|投诉|核实|核查来电)"
    r"|(?:遇到|遭遇|遇有|碰到|面对|受到)[^，。；！？\n]{0,6}?(?:暴力催收|违规催收|违法催收|催收骚扰|恐吓|威胁|骚扰)"
    r"|(?:律师|专家)(?:提醒|建议|提示)|提高警(?:觉|惕)|呼吁(?:民众|市民|广大|大家)"
    r"|(?:不|从不|绝不|决不|不会|并不)(?:通过|用|以|使用|采用)[^，。；！？\n]{0,8}?"
    r"(?:电话|短信|微信|网络|LINE|QQ|传真|语音)|(?:并无|没有)(?:电话|短信)(?:送达|通知)"
)
"""A warning or advice addressed to the reader about fraudsters and where to report them
(「请立即报警」, 「您可以向金融监管局投诉」 — not a collector's 「我们直接报警」), or an
authority's word that it never acts by phone or SMS (「法院不通过短信送达传票」)."""

_EXPLAINED = re.compile(
    r"俗称|是指|一般指|通常指|(?<!收到)(?<!接到)(?<!发来)(?<!寄来)(?<!出示)(?<!一张)(?<!一份)所谓|术语|(?:民间|网上|网传|这种|这个|所谓的?)说法|说法(?:是|并不|不)|指的是"
    r"|(?<![佯谎声自诈骗冒宣号])称为|叫做|叫作|含义"
    r"|只有(?![^。；！？\n]{0,40}?才(?:能|可以?|会)?(?:避免|免于|免除|不被|不会被|不用|不必|不再))[^。；！？\n]{0,40}?(?:才|后)|才(?:会|能|可能)(?:被|依法|构成|涉嫌|承担|起诉|提起|申请)"
    r"|须经|需经|必须经|须由|只能由|应当由|必须由|只对|的[，,]处|的[，,]由[^，。；！？\n]{0,8}?(?:机关|法院|公安|派出所)(?:处|依法|给予|责令)|调解结案"
    r"|按(?:照)?(?:生效)?(?:的)?(?:判决书?|调解书|调解协议|裁定书?)|除非(?:被)?(?:人民)?法院"
    r"|如(?:果)?(?:您|你)?(?:已|已经)被|如(?:果)?(?:您|你)?被(?:人民)?法院(?:依法)?(?:列为|纳入|列入|判决)"
    r"|的[，,]依法|失信被执行人(?:将|会|可能|可以|应当)?被?(?:依法)?(?:限制|采取|纳入)"
    r"|(?:失信)?被执行人(?:及其)?(?:的)?(?:子女|家属|法定代表人)?[^。；！？\n，,]{0,4}?(?:不得|禁止)"
    r"|的(?:借款人|持卡人|被执行人|债务人|当事人)?[，,](?:人民)?(?:法院|公安机关|检察院|债权人|发卡行|银行)(?:会|将|可|可以|有权)?依法"
    r"|一般(?:情况下|而言|来说|只|通过|不会)|通常(?:情况下|而言|来说|只|通过|不会)"
    r"|送达[^，。；！？\n]{0,6}?方式|(?:直接|邮寄|留置|公告|委托)送达[、和或及与]"
    r"|(?:有着?|遵循|依照|按照)严格的?(?:法律|法定|司法)?(?:程序|规定)|严格(?:依照|按照|依据)(?:法律|法定)"
    r"|所(?:表达|代表|体现)的是|(?:不|并不)具(?:备|有)[^，。；！？\n]{0,16}?(?:效力|既判力|强制执行力|强制力)"
    r"|(?:没有|并无|不具)(?:法律)?(?:效力|既判力|强制执行力|强制力)|(?:民事|刑事|行政)诉讼(?:中|里|案件中)"
    r"|败诉方|胜诉方|诉讼时效|真正的[^，。；！？\n]{0,8}?(?:是|会|不会|一般|通常|都)"
    r"|正规的?(?:法院|传票|司法|法律文书)|(?<!不)(?:属于|是)民事纠纷|一般属于"
    r"|(?:传票|文书|判决书|裁定书)上(?:会|都会|一般|通常)(?:有|写|载明|注明|盖有)"
    r"|(?:起诉|立案|诉讼|执行|列入)[^，。；！？\n]{0,4}?需要?(?:提交|经过|具备)"
    r"|(?:执行|送达|强制|诉讼)(?:措施|方式|手段|程序|途径)(?:主要)?(?:包括|有)"
    r"|(?:名单|措施)由(?:人民)?法院(?:依法)?(?:决定|作出|认定)"
)
"""An explanation of a term or of when the law applies (「只有…才会被限制」), or of how
a court works (「送达诉讼文书的方式有…」, 「有着严格的法律程序」, 「律师函不具备强制执行力」)."""

_BRAVADO = re.compile(r"没用|有本事|尽管|随便你|随你|不怕|管不了|帮不了|也救不了")
"""「你可以报警，没用的」: a collector's dare, not advice — the sentence stays a threat."""

_DENIED = re.compile(
    r"(?:不会(?!以为|觉得)|不再|不得(?![不已])|绝不|决不|从不|从未|并不|不是(?!开玩笑|吓唬|闹着玩|跟你开玩笑)|并非"
    r"|不等于|不属于|不构成|不涉及|不代表|不影响|无权|严禁|禁止|切勿|请勿|不要(?!以为|觉得|想着|心存)"
    r"|不能以|不可以|不准)[^，,。；;！？!?\n]{0,12}$"
)
"""A denial or prohibition earlier in the match's phrase (「逾期不会导致坐牢」; not
「不要以为我们不敢起诉你」, nor 不得不 and 不得已, which say the step must come)."""
_NOT_YET = re.compile(
    r"(?:(?:尚未|并未|未曾|没有|从没|还没(?:有)?)[^，,。；;！？!?\n]{0,2}"
    r"|(?:尚未|并未|从未|未)(?:向|对|到|被|曾)[^，,。；;！？!?\n还将就会要]{0,8})$"
)
"""「尚未提起诉讼」「本行未向法院提起诉讼」: a not-yet just before the match (not
「尚未还款，将被起诉」, nor 「逾期未还将承担…」)."""


_SCAM = re.compile(r"(?<!所谓的)(?<!所谓)安全(?:账|帐)户")
"""The fake police's 「safe account」: a scam dressed as a warning, never a real one."""
CALLED_FRAUD = re.compile(r"(?:都|均|皆|一律)(?:是|为|属于?)(?:电信)?诈骗(?!罪)")
"""「凡是要求转账到安全账户的都是诈骗」: the safe account named to call it fraud (DL606's
test adds its own wordings to this one)."""


_ISSUER = re.compile(
    r"(?:最高人民法院|最高人民检察院|公安部|司法部|中国人民银行|银保监会|金融监管总局)"
    r"(?:[、和与及](?:最高人民法院|最高人民检察院|公安部|司法部|中国人民银行|银保监会))*"
    r"(?:联合)?(?:发布|印发|颁布)?(?:的)?《"
)
"""The bodies that issued a cited law (「最高人民法院、最高人民检察院《关于…的解释》」)."""


def _cited(text: str, start: int, sentence: int, stop: int) -> bool:
    """The word names a law (inside 《…》) or the bodies that issued one."""
    opened = text.rfind("《", sentence, start)
    if opened >= 0 and text.find("》", opened, start) < 0 and "》" in text[start:stop]:
        return True
    return any(m.start() <= start < m.end() for m in _ISSUER.finditer(text, sentence, stop))


_DENIED_VERB = re.compile(r"不(?=影响|会|能|构成|属于|涉及|等于|是)")
"""「逾期不影响您子女上学」: the match opens on the verb its 不 denies."""
_DENIED_AFTER = re.compile(r"[^，,。；;！？!?\n]{0,6}?(?:不会(?:因|受|被|影响)|不受|不影响|无关)")
"""「子女政审不会因父母逾期受影响」: the denial follows the word it denies."""


_AUTHORITY = re.compile(
    r"(?:法院|法庭|公检法|公安|警方|警察|检察院|司法机关|派出所|公安局|经侦|民警|刑警|执行局|检察机关)$"
)
_AUTHORITY_DENIES = re.compile(
    r"[^，,。；;！？!?\n]{0,8}?(?:(?:不会|从不|从未|绝不|决不|并不)[^，,。；;！？!?\n]{0,4}?"
    r"(?:通过|以|用|使用|要求|主动|打电话|致电|发短信|发送|联系|上门|收取|设立|办案|送达|让|在电话|在网)"
    r"|不通过|不以|不要求|不存在|并无)"
)
"""「公检法机关不会通过电话办案」, 「法院不通过短信要求交费」: the authority, named as the
subject, denies that it acts so (not 「法院不会放过你」, a threat)."""

_SECOND_PERSON = re.compile(r"你|您|妳|阁下|贵方|贵司|汝")
_COURT_PRACTICE = re.compile(
    r"(?:法院|法官|法庭|书记官|书记员)[^。；！？\n]{0,30}?"
    r"(?:会|一般|通常|均|都|不|若需|如需|需要)[^。；！？\n]{0,20}?(?<!请)当事人"
)
"""「法院会以双挂号送达当事人」: how a court treats the parties, in general — told to no one
(not a fake court's 「请当事人于3日内到庭」)."""
_AGAINST_COLLECTOR = re.compile(
    r"(?:以|因|涉嫌|构成|犯有?)[“\"「『]?(?:寻衅滋事|敲诈勒索|非法拘禁|侵犯公民个人信息|催收非法债务"
    r"|非法吸收公众存款|集资诈骗|非法集资|非法经营|侮辱|诽谤)"
    r"|被(?:警方|公安(?:机关)?|法院|检察院|监管部门|监管机构)(?:依法)?(?:定性|认定|判定)为?(?:违法|犯罪|非法|侵权|侵犯)"
    r"|(?:涉案人员|犯罪嫌疑人|嫌疑人|被告人|团伙|催收(?:公司|人员|员)|讨债(?:公司|人员)|负责人|不法分子|平台|公司)"
    r"[^，。；！？\n借债你您其他她称言说]{0,12}?(?:已|均|已经)?(?:被|遭)(?:警方|公安机关|公安|检察院|检察机关|法院)?(?:依法)?"
    r"(?:刑事拘留|行政拘留|拘留|逮捕|抓获|判处|判刑|起诉|批捕|查处|处罚|罚款|立案(?:调查|侦查))"
    r"|(?:对|将)(?:该|涉事|这些|上述|这个)?(?:催收|讨债|暴力催收)?(?:团伙|公司|人员|嫌疑人|平台)(?:依法)?"
    r"(?:提起公诉|立案侦查|立案调查|刑事拘留|逮捕|批捕|查处|处罚)"
)
"""A collector's or a platform's own offence, or the law judging their act (「警方以寻衅
滋事罪对催收团伙立案侦查」, 「平台涉嫌非法吸收公众存款已被立案侦查」): no claim on the debtor."""
_CASE_JUDGED = re.compile(
    r"案例|判例|(?:法院|法官|法庭)(?:审理)?(?:认定|判定|认为)|被(?:法院|法官|法庭)?(?:依法)?判(?:定|决|令)?(?:其)?赔"
    r"|判赔|精神损害抚慰金|经审理|审理认为|停止侵害|赔礼道歉|判处(?:被告人|该|其|赔偿)"
    r"|审理的[^。；！？\n]{0,12}?案(?:件)?中|判决(?:书)?(?:中|显示|认定)|获(?:得)?法院(?:的)?支持|获赔"
)
"""A court case retold (「某案例中催收公司被判赔偿精神损害抚慰金」, 「法院认定其构成名誉侵权」,
「某区法院审理的一起催收案件中」, 「获法院支持，获赔两万元」):
told to no one, it reports a judgment, not a step against the reader."""


_STATUTE_FORM = re.compile(
    r"(?:被执行人|当事人|自然人)[^。；！？\n]{0,40}?的[，,]"
    r"|被(?:列入|纳入|列为|判决|限制)[^。；！？\n，,]{0,20}?(?:后|以后)[，,]"
    r"|(?:人民)?法院(?:有权|依法可以?|可依法|可以)(?:依法)?(?:查封|扣押|冻结|拍卖|变卖|划拨|强制执行|采取|限制|拘留|罚款)"
)
"""The law's own form for court procedure (「被执行人为自然人的，…」, 「被列入失信名单后，将被
限制…」, 「人民法院有权查封、扣押…」): a rule for a class of people, told to no one. The criminal
law on 恶意透支 is not among them: a collection message that cites it (「…超过三个月仍不归还的，
构成信用卡诈骗罪」) is an overstated consequence (DL503), as s-0429 and s-8200 are labelled."""
_FAQ = re.compile(r"(?:会|能|要|可以|可能)被?[^。；！？\n]{0,10}?(?:吗|么)[？?]")
"""An explainer's question (「信用卡逾期会被起诉吗？」), asked of no one in particular."""
_EXPERT = re.compile(
    r"(?:律师|专家|法官|检察官|学者|业内人士|法律人士)(?:们)?(?:表示|认为|指出|介绍|解释|分析|坦言|称)"
)
"""「律师表示，催收方无权代替法院作出任何决定」: an expert's comment in a report."""
_GENERIC_RIGHT = re.compile(
    r"(?:贷款机构|金融机构|出借人|贷款人|放贷人|债权人)(?:也|均|都)?(?:可以?(?!能)|有权|可依法)"
    r"|在(?:符合|遵守)?法律[、，,]?(?:法规)?[^，。；！？\n]{0,8}?(?:规定|允许)的(?:情况|前提|范围)(?:下|内)"
)
"""「贷款机构可以依法向法院提起诉讼」, a contract's 「在符合法律、法规规定的情况下，对借款人
进行…诉讼催收」: what a lender may do, in general — told to no one."""
_POSING = re.compile(r"冒充|假冒|冒用|伪造|假扮|谎称|仿冒|私刻")
"""Posing as an authority: reported, it is the act itself (DL603), whatever became of
the impostors (「冒充法院工作人员发送虚假传票，已被警方抓获」)."""


def _about_others(text: str, sentence: int, stop: int) -> bool:
    """The sentence reports the law acting on a collector or a platform (unless what it
    reports is their posing as an authority), states the law's own rule to no one, or —
    with no one addressed from there on (「我跟你说，某案例中…」 is still a case retold) —
    explains how a court treats the parties or retells a case."""
    if _AGAINST_COLLECTOR.search(text, sentence, stop):
        return _POSING.search(text, sentence, stop) is None
    if _STATUTE_FORM.search(text, sentence, stop) and not _SECOND_PERSON.search(
        text, sentence, stop
    ):
        return True
    for general in (_COURT_PRACTICE, _CASE_JUDGED, _GENERIC_RIGHT, _EXPERT):
        found = general.search(text, sentence, stop)
        if found and not _SECOND_PERSON.search(text, found.start(), stop):
            return True
    return False


_DENIED_INSIDE = re.compile(
    r"(?:法院|法庭|公检法|公安|警方|警察|检察院|派出所|经侦|司法机关)[^，,。；;！？!?\n]{0,4}?"
    r"(?:不会|从不|从未|绝不|决不|并不|无权)"
)
"""A frame's match that spans the authority's own denial (「公安不会立案」)."""


def _asked_of_no_one(text: str, sentence: int, stop: int) -> bool:
    """An explainer's question, in a sentence or the one before with no 你/您 in it
    (「信用卡逾期会被起诉吗？一般逾期较长时，银行才会起诉。」)."""
    low = opening(text, max(0, sentence - 1), _SENTENCE_END, max(0, sentence - _REACH))
    high = min(stop + 1, len(text))  # the question mark that closes the sentence
    return (
        _FAQ.search(text, low, high) is not None and _SECOND_PERSON.search(text, low, high) is None
    )


def told_lawfully(text: str, start: int, end: int | None = None) -> bool:
    """Whether the word at ``start`` (ending at ``end``) stands in a warning, an
    explanation, or a denial."""
    if start and _DENIED_VERB.match(text, start - 1):
        return True
    if end is not None and _DENIED_INSIDE.match(text, start, end):
        return True
    if end is not None and _DENIED_AFTER.match(text, end):
        return True
    if (
        end is not None
        and _AUTHORITY.search(text, start, end)
        and _AUTHORITY_DENIES.match(text, end)
    ):
        return True
    sentence = opening(text, start, _SENTENCE_END, max(0, start - _REACH))
    phrase = opening(text, start, _PHRASE_END, sentence)
    if _DENIED.search(text, phrase, start) or _NOT_YET.search(text, phrase, start):
        return True
    stop = closing(text, start, _SENTENCE_END)
    if _cited(text, start, sentence, stop):
        return True
    if CALLED_FRAUD.search(text, sentence, stop):
        return True
    if _SCAM.search(text, sentence, stop) or _BRAVADO.search(text, sentence, stop):
        return False
    if _about_others(text, sentence, stop) or _asked_of_no_one(text, sentence, stop):
        return True
    return bool(_WARNING.search(text, sentence, stop) or _EXPLAINED.search(text, sentence, stop))


def quieted(made: Rule) -> Rule:
    """``made`` with its hits dropped where they are told lawfully (see module doc)."""
    check = made.check

    def lawful_check(ctx: LintContext) -> list[Hit]:
        text = ctx.view.folded  # the original's offsets; 不會 reads as 不会
        return [hit for hit in check(ctx) if not told_lawfully(text, hit.start, hit.end)]

    return replace(made, check=lawful_check)
