"""Threats and insults a debtor reports in the first person (DL601, DL602).

Debtors' complaints, forum posts and news quotes retell what a collector said with the
pronouns turned round: 「催收员说不还钱就弄死我」「对方说知道我家住哪」. The phrase lists
and frames are written as the collector speaks (你、你家), so such a report would pass
although, by the corpus's narration convention, it reports the same threat. After a
reporting cue (a collector or 对方 who 说/称/扬言/威胁…), the rest of the sentence is read
once more with the reporter's 我 turned into 你 — a swap of one character for one, so
every span found maps to the original text unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from dunletters.lint.context import LintContext
from dunletters.lint.rule import Hit
from dunletters.lint.rules.common import _existence, _framed, said_not
from dunletters.lint.text import TextView

__all__ = ["REPORTED_CODES", "promised_not", "reported_hits"]

REPORTED_CODES = frozenset({"DL601", "DL602"})
"""The rules whose wordings are read again in a first-person report."""

_CUE = re.compile(
    "(?:催收(?:[员員]|人[员員]|的|公司|方)?|[讨討][债債](?:的|人|人[员員]|公司)|追[债債]的|收[数數]佬|[债債]主"
    "|[对對]方|他[们們]|佢哋|那人|那[边邊]|有人|陌生(?:人|号码|號碼|电话|電話)|[短简簡]信|[讯訊]息|消息|平台的人)"
    "[^。！？!?\n]{0,8}?(?:[说說]|[称稱]|[讲講]|[扬揚]言|威[胁脅]|恐[吓嚇]|放[话話]|[声聲][称稱]|[骂罵]|[话話])"
)
"""Who reports what a collector said: 「催收员在电话里说」「对方扬言」「他們威脅我話」,
or a message that said it: 「有个陌生号码发消息说」「短信称」 (traditional characters and
Cantonese as written: the cue is read on the original text)."""
_SENTENCE_END = re.compile("[。！？!?\n]")
_KEY = id(_CUE)
"""Where a text's view keeps its swapped view (``TextView.scans`` is keyed by scanner)."""
_REPORTER = re.compile("我(?![们們哋行司方部处處单單公])")
"""The reporter's 我 — not the collector's 我们、我行、我司 that a report may quote."""


_PROMISE_NOT = re.compile(
    "不会|不再|不得(?!不|安宁|安生|好死|好过|善终)|绝不|决不|从不|从未|并不|不曾|未曾|不准|不允许"
    "|严禁|禁止|承诺不"
)
"""Words by which a letter promises or a rule forbids the act (not 「不要」「别」: 「不要逼我们
上门讨债」 is itself a threat)."""
_RULE_OPENING = re.compile(
    r"\s*(?:[^，,。；;]{0,8}?(?:严禁|禁止|不得(?!不)|不准|不允许|杜绝)|(?:如|若|如果)(?:您|你)?(?:遇到?|发现))"
)
"""A clause that opens with a prohibition or with 如遇 states a rule or advice."""


def promised_not(text: str, start: int) -> bool:
    """A phrase-list match the letter promises not to do or a rule forbids, just before it
    in the same phrase (「我行承诺不会上门找您」「严禁催收人员上门讨债」)."""
    return said_not(text, start, _PROMISE_NOT, _RULE_OPENING)


def _swapped(text: str) -> str | None:
    """The text with the reporter's 我 as 你 after each reporting cue, or None when
    it has no cue (letters and SMS never do: one substring test and one search)."""
    if _REPORTER.search(text) is None:  # 我行、我司 alone: a letter's usual 我
        return None
    parts: list[str] = []
    done = 0
    for cue in _CUE.finditer(text):
        if cue.end() < done:
            continue
        end_match = _SENTENCE_END.search(text, cue.end())
        end = end_match.start() if end_match else len(text)
        parts += [text[done : cue.end()], _REPORTER.sub("你", text[cue.end() : end])]
        done = end
    if not parts:
        return None
    swapped = "".join(parts) + text[done:]
    return swapped if swapped != text else None


def reported_hits(
    ctx: LintContext, code: str, lexicon: str, messages: Mapping[str, str], found: list[Hit]
) -> list[Hit]:
    """The rule's matches in the report read as the collector said it, where no hit
    ``found`` already covers them; each named with the original words."""
    scans = ctx.view.scans
    if _KEY not in scans:  # DL601 and DL602 share the swap and its folded view
        swapped = _swapped(ctx.text)
        scans[_KEY] = None if swapped is None else TextView(swapped)
    view: TextView | None = scans[_KEY]
    if view is None:
        return []
    swapped = view.text
    turned = replace(ctx, view=view)
    hits = [
        hit
        for hit in _existence(turned, lexicon, messages["match"])
        if not promised_not(view.folded, hit.start)
    ]
    if "frame" in messages:
        hits += _framed(turned, code, messages["frame"], hits)
    covered = [(hit.start, hit.end) for hit in found]
    extra: list[Hit] = []
    for hit in hits:
        if any(start < hit.end and hit.start < end for start, end in covered):
            continue
        original = ctx.text[hit.start : hit.end]
        message = hit.message.replace(swapped[hit.start : hit.end], original)
        extra.append(Hit(hit.start, hit.end, message, suggestion=hit.suggestion))
        covered.append((hit.start, hit.end))
    return extra
