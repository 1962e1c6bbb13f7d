"""DL3xx 简明扼要 / 容易阅读: one page, short sentences and paragraphs, SMS within budget."""

from __future__ import annotations

import bisect

from dunletters.lint.context import LintContext
from dunletters.lint.findings import Severity
from dunletters.lint.rule import Hit, Rule, rule
from dunletters.lint.rules.common import (
    _whole,
    say,
)
from dunletters.lint.text import SENTENCE_MARKS
from dunletters.sms import UCS2_SEGMENT, UCS2_SINGLE, measure

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# -- DL3xx 简明扼要 / 容易阅读 --------------------------------------------------------------


@rule(
    "DL301",
    "over-one-page",
    principle="简明扼要",
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
        hits.append(_whole(ctx, say(ctx, "DL301", "pages", pages=ctx.pages)))
    return hits


@rule(
    "DL302",
    "long-sentence",
    principle="容易阅读",
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
            hits.append(
                Hit(
                    sentence.start,
                    sentence.end,
                    say(ctx, "DL302", "long", length=length, limit=warn),
                )
            )
        elif length > info:
            hits.append(
                Hit(
                    sentence.start,
                    sentence.end,
                    say(ctx, "DL302", "long", length=length, limit=info),
                    severity=INFO,
                )
            )
    return hits


@rule(
    "DL303",
    "long-paragraph",
    principle="容易阅读",
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
                    say(
                        ctx,
                        "DL303",
                        "long",
                        length=length,
                        count=count,
                        max_chars=max_chars,
                        max_sentences=max_sentences,
                    ),
                )
            )
    return hits


@rule(
    "DL304",
    "sms-too-long",
    principle="简明扼要",
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
            hits.append(
                Hit(
                    sentence.start,
                    sentence.end,
                    say(ctx, "DL305", "repeated", sentence=sentence.text[:20]),
                )
            )
        else:
            seen[key] = sentence.start
    return hits


__register__: tuple[Rule, ...] = (
    over_one_page,
    long_sentence,
    long_paragraph,
    sms_too_long,
    repetition,
)
