"""Findings a reviewer can act on: each with its rule's Chinese name and the sentence it
was found in, masked (issue #16, item 7; new-user friction 17).

A batch records per document only finding counts by code (``DL302 1``), which names
neither the account nor the text. Here each finding becomes a small record —
channel, code, rule name, severity, the sentence around the match — for the manifest
and the summary. The sentence is cut from the rendered document and masked before it
is stored: the debtor's name, address and postcode, and every run of seven or more
digits, never leave the letter (manifest.jsonl and summary.json hold no PII).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from dunletters.lint.findings import Finding
from dunletters.models import Account

__all__ = ["RULE_TITLES", "excerpt", "finding_details", "mask_excerpt", "rule_title"]

RULE_TITLES: Mapping[str, str] = {
    "DL000": "缺少检查所需的信息",
    "DL101": "未写明债权机构",
    "DL102": "未写明金额",
    "DL103": "未写明还款期限",
    "DL104": "未写明官方还款渠道",
    "DL105": "未写明官方联系电话",
    "DL106": "未称呼债务人姓名",
    "DL107": "使用内部术语",
    "DL108": "未说明异议处理渠道",
    "DL201": "金额与记录不符",
    "DL202": "大写金额不符或不规范",
    "DL203": "明细之和不等于合计",
    "DL204": "日期有误或与发函日不符",
    "DL205": "占位符或模板语法残留",
    "DL206": "声称的此前联系多于记录",
    "DL301": "信函超过一页",
    "DL302": "句子过长",
    "DL303": "段落过长",
    "DL304": "短信超过条数预算",
    "DL305": "句子重复",
    "DL401": "措辞与语气不符",
    "DL402": "过早提及法律措施",
    "DL403": "未给出协商或分期出路",
    "DL501": "未说明逾期后果",
    "DL502": "提及法律措施却未说明原因",
    "DL503": "虚假或夸大的后果",
    "DL601": "威胁恐吓",
    "DL602": "侮辱贬损",
    "DL603": "冒用公检法名义",
    "DL604": "向第三方透露或威胁透露",
    "DL605": "未脱敏的个人信息",
    "DL606": "非官方还款渠道",
    "DL607": "短信格式不合规",
    "DL608": "短信发送时段或频次不合规",
    "DL609": "对已故或争议账户催收",
}
"""Each rule's name in Chinese, as a reviewer reads it beside the code."""

_BOUNDARY = re.compile(r"[。！？!?；;\n]")
_DIGITS = re.compile(r"\d{7,}")
EXCERPT_CHARS = 80
"""A longer sentence is cut to this many characters around the match."""


def rule_title(code: str) -> str:
    """The Chinese name of a rule (a project's unknown code shows as itself)."""
    return RULE_TITLES.get(code, code)


def excerpt(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` that holds ``text[start:end]``, cut around the match if
    long; empty for a finding about the whole document (no span: DL102, DL301 …)."""
    if end <= start or start >= len(text):
        return ""
    before = max((m.end() for m in _BOUNDARY.finditer(text, 0, start)), default=0)
    after = _BOUNDARY.search(text, max(start, end - 1))  # a match may end on its 。
    stop = after.end() if after is not None else len(text)
    sentence = text[before:stop].strip()
    if len(sentence) <= EXCERPT_CHARS:
        return sentence
    half = max(0, (EXCERPT_CHARS - (end - start)) // 2)
    left, right = max(before, start - half), min(stop, end + half)
    cut = text[left:right].strip()
    return ("…" if left > before else "") + cut + ("…" if right < stop else "")


def mask_excerpt(sentence: str, account: Account | None) -> str:
    """The sentence without the debtor's name, address, postcode or any long number."""
    if account is not None:
        if account.address:
            sentence = sentence.replace(account.address, "〔地址〕")
        if account.postcode:
            sentence = sentence.replace(account.postcode, "〔邮编〕")
        name = account.name
        if name:
            sentence = sentence.replace(name, name[0] + "*" * (len(name) - 1))
    return _DIGITS.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], sentence)


def finding_details(
    found: Iterable[tuple[str, Finding, str]], account: Account | None
) -> list[dict[str, Any]]:
    """Each (channel, finding, the text it was found in) as the manifest records it."""
    return [
        {
            "channel": channel,
            "code": finding.code,
            "excerpt": mask_excerpt(excerpt(text, finding.offset, finding.end_offset), account),
            "message": mask_excerpt(finding.message, account),
            "rule": rule_title(finding.code),
            "severity": str(finding.severity),
        }
        for channel, finding, text in found
    ]
