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
from functools import cache
from typing import Any

from dunletters.lint.engine import CONTEXT_CODE, CONTEXT_TITLE
from dunletters.lint.findings import Finding
from dunletters.lint.rules import RULES
from dunletters.lint.rules.templates import TEMPLATE_RULES
from dunletters.models import Account

__all__ = ["excerpt", "finding_details", "mask_excerpt", "rule_title", "rule_titles"]

_BOUNDARY = re.compile(r"[。！？!?；;\n]")
_DIGITS = re.compile(r"\d{7,}")
EXCERPT_CHARS = 80
"""A longer sentence is cut to this many characters around the match."""


@cache
def rule_titles() -> Mapping[str, str]:
    """Each code's Chinese name, from the rules' YAML data (messages.yml, lexicons)."""
    titles = {CONTEXT_CODE: CONTEXT_TITLE}
    titles.update((rule.code, rule.title) for rule in (*TEMPLATE_RULES, *RULES) if rule.title)
    return titles


def rule_title(code: str) -> str:
    """The Chinese name of a rule (a project's unknown code shows as itself)."""
    return rule_titles().get(code, code)


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
