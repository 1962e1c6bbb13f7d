"""Where a legal word is education, a warning or a denial, not a claim about this debt.

DL502, DL503 and DL603 report words (法院, 坐牢, 传票, 失信名单) that also stand in the
sentences a careful creditor writes: a cited law (「《民事诉讼法》」, 「最高人民法院、最高人民
检察院《关于…的解释》」), an anti-fraud warning (「谨防冒充公检法」), a rule
for collectors (「催收人员不得冒用公检法名义」), a denial (「逾期不会导致坐牢」,
「本行不会冻结您的微信」), or an explanation of the law (「只有被法院列为失信被执行人后，
才会被限制乘坐飞机」, 「老赖是失信被执行人的俗称」). Those stay silent; a report of what a
collector did (「催收人员冒充法院工作人员，称其已被起诉」) is none of them and is kept.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dunletters.lint.context import LintContext
from dunletters.lint.rule import Hit, Rule
from dunletters.lint.text import opening

__all__ = ["quieted", "told_lawfully"]

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
    r"[^，。；！？\n]{0,10}?(?:报警|举报|投诉|核实|核查来电)"
)
"""A warning or advice addressed to the reader about fraudsters and where to report them
(「请立即报警」, 「您可以向金融监管局投诉」 — not a collector's 「我们直接报警」)."""

_EXPLAINED = re.compile(
    r"俗称|是指|一般指|通常指|所谓|术语|(?:民间|网上|网传|这种|这个|所谓的?)说法|说法(?:是|并不|不)|指的是"
    r"|称为|叫做|叫作|含义"
    r"|只有(?![^。；！？\n]{0,40}?才(?:能|可以?|会)?(?:避免|免于|免除|不被|不会被|不用|不必|不再))[^。；！？\n]{0,40}?(?:才|后)|才(?:会|能|可能)(?:被|依法|构成|涉嫌|承担)"
    r"|须经|需经|必须经|须由|只能由|应当由|必须由|只对|的[，,]处|调解结案"
    r"|按(?:照)?(?:生效)?(?:的)?(?:判决书?|调解书|调解协议|裁定书?)|除非(?:被)?(?:人民)?法院"
    r"|如(?:果)?(?:您|你)?(?:已|已经)被|如(?:果)?(?:您|你)?被(?:人民)?法院(?:依法)?(?:列为|纳入|列入|判决)"
    r"|的[，,]依法|失信被执行人(?:将|会|可能|可以|应当)?被?(?:依法)?(?:限制|采取|纳入)"
    r"|的[，,](?:人民)?(?:法院|公安机关|检察院|债权人|发卡行|银行)(?:会|将|可|可以|有权)?依法"
    r"|一般(?:情况下|而言|来说|只|通过|不会)|通常(?:情况下|而言|来说|只|通过|不会)"
)
"""An explanation of a term or of when the law applies (「只有…才会被限制」)."""

_BRAVADO = re.compile(r"没用|有本事|尽管|随便你|随你|不怕|管不了|帮不了|也救不了")
"""「你可以报警，没用的」: a collector's dare, not advice — the sentence stays a threat."""

_DENIED = re.compile(
    r"(?:不会(?!以为|觉得)|不再|不得|绝不|决不|从不|从未|并不|不是(?!开玩笑|吓唬|闹着玩|跟你开玩笑)|并非"
    r"|不等于|不属于|不构成|不涉及|不代表|不影响|无权|严禁|禁止|切勿|请勿|不要(?!以为|觉得|想着|心存)"
    r"|不能以|不可以|不准)[^，,。；;！？!?\n]{0,12}$"
)
"""A denial or prohibition earlier in the match's phrase (「逾期不会导致坐牢」; not
「不要以为我们不敢起诉你」)."""
_NOT_YET = re.compile(
    r"(?:(?:尚未|并未|未曾|没有|从没|还没(?:有)?)[^，,。；;！？!?\n]{0,2}"
    r"|(?:尚未|并未|从未|未)(?:向|对|到|被|曾)[^，,。；;！？!?\n还将就会要]{0,8})$"
)
"""「尚未提起诉讼」「本行未向法院提起诉讼」: a not-yet just before the match (not
「尚未还款，将被起诉」, nor 「逾期未还将承担…」)."""


_SCAM = re.compile(r"(?<!所谓的)(?<!所谓)安全(?:账|帐)户")
"""The fake police's 「safe account」: a scam dressed as a warning, never a real one."""


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


def told_lawfully(text: str, start: int, end: int | None = None) -> bool:
    """Whether the word at ``start`` (ending at ``end``) stands in a warning, an
    explanation, or a denial."""
    if start and _DENIED_VERB.match(text, start - 1):
        return True
    if end is not None and _DENIED_AFTER.match(text, end):
        return True
    sentence = opening(text, start, _SENTENCE_END, max(0, start - _REACH))
    phrase = opening(text, start, _PHRASE_END, sentence)
    if _DENIED.search(text, phrase, start) or _NOT_YET.search(text, phrase, start):
        return True
    found = [text.find(mark, start) for mark in _SENTENCE_END]
    stop = min((f for f in found if f >= 0), default=len(text))
    if _cited(text, start, sentence, stop):
        return True
    if _SCAM.search(text, sentence, stop) or _BRAVADO.search(text, sentence, stop):
        return False
    return bool(_WARNING.search(text, sentence, stop) or _EXPLAINED.search(text, sentence, stop))


def quieted(made: Rule) -> Rule:
    """``made`` with its hits dropped where they are told lawfully (see module doc)."""
    check = made.check

    def lawful_check(ctx: LintContext) -> list[Hit]:
        text = ctx.view.text
        return [hit for hit in check(ctx) if not told_lawfully(text, hit.start, hit.end)]

    return replace(made, check=lawful_check)
