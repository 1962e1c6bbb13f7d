"""Reported speech: what a collector said, as a reporter, a court or the debtor retells it.

News, judgments and complaints retell a collector's words with 他/她/其 where the message
itself said 你 (「对方称再不还钱，就找人卸她一条胳膊」), and a debtor retells them with 我
(「催收跟我说再不还就去我单位闹」). The content rules are written for the words as sent, so
:func:`as_addressed` gives the text with the retold words turned back to the second person —
one character for one, so every offset still holds — and the engine reads that copy with the
content rules as well (see ``Linter``). Quoted words are the collector's own: their 我 is the
collector, and only 他/她/其 are turned.
"""

from __future__ import annotations

import re

from dunletters.lint.text.folding import fold

__all__ = ["as_addressed"]

_SPEAKER = (
    "对方|催收|讨债|追债|逼债|要债|债主|收数|追数|大耳窿|放贷|贷款公司|网贷|平台|来电|电话|短信|"
    "信息|讯息|私信|留言|微信|语音|字条|纸条|传单|男子|女子|自称|嫌犯|嫌疑人|被告人|被告|骗子|"
    "客服|专员|工作人员|业务员|一伙人|团伙|他们"
)
"""Words that show the speaker is the collector, a caller or a message (not a court, a bank
officer explaining the law, or the reporter)."""

_VERB = (
    "扬言|放话|威胁称|威胁说|威胁|恐吓称|恐吓说|恐吓|声称|宣称|称|说道|说|表示|告诉|警告|叫嚣|骂道|骂|"
    "内容为|内容是|内容称|写着|写道|写有|留言称|留言说"
)

_REPORTED = re.compile(
    rf"(?:{_SPEAKER})[^。！？；!?;\n]{{0,30}}?(?:{_VERB})(?:[我他她其]?(?:说|称|道))?"
    r"[：:，,]?\s*(?P<quote>[“\"「‘])?(?P<words>[^。！？；!?;\n“”\"「」‘’]{2,80})"
)
"""A clause whose speaker is the collector's side, and the words it retells (up to the end
of the sentence or of the quotation)."""

_NARRATOR = re.compile(r"我(?![们司行方])")
"""The teller in the first person, in words retold without quotes and without 他/她/其
(他们放话要来我家): the debtor, not the collector (我们, 我司, 我行, 我方)."""

_THIRD = re.compile(
    r"其(?<![与及尤极]其)(?![他它中余实次间后])|他(?<![其吉]他)(?![人乡方日处国者杀])|她|佢"
)
"""他、她、其 (and Cantonese 佢) as a person; 其他、其中、他人、吉他 are not. (Each branch opens
on its character, so a search skips to the candidates: a letter's 其他 costs a few µs.)"""


def as_addressed(text: str) -> str | None:
    """The text with each retold collector's words in the second person (他/她/其 → 你, or
    the debtor's 我 → 你), or None when the text retells none."""
    if not (_THIRD.search(text) or _NARRATOR.search(text)):
        return None  # no one to turn (folding makes none of these): most letters stop here
    folded = fold(text)
    turned: list[int] = []
    for match in _REPORTED.finditer(folded):
        start, end = match.span("words")
        third = [found.start() for found in _THIRD.finditer(folded, start, end)]
        if third or match["quote"] is not None:
            turned += third  # 她 is the debtor; a 我 beside it is the collector speaking
        else:  # retold by the debtor (他们放话要来我家): 我 is the teller
            turned += [found.start() for found in _NARRATOR.finditer(folded, start, end)]
    if not turned:
        return None
    chars = list(text)
    for index in turned:
        chars[index] = "你"
    return "".join(chars)
