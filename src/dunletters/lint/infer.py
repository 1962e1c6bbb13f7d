"""What a plain draft does not say about itself, read from its text: channel and date.

A text that starts or ends with 【签名】 is an SMS; one with a salutation line and a
closing (此致 / 特此函告 / a date on its own line) is a letter; a short single
paragraph read from a ``.txt`` file is an SMS. The document's own date is the one
after 发函日期 / 日期, or the date standing alone on one of the last lines (落款).
The linter says in its DL000 notice what it inferred, so a wrong guess is visible.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["document_date", "infer_channel"]

_SIGNATURE_START = re.compile(r"^\s*【[^【】\n]{2,16}】")
_SIGNATURE_END = re.compile(r"【[^【】\n]{2,16}】\s*$")
_SALUTATION_LINE = re.compile(r"^\s*(?:尊敬的)?[^\n，。]{1,30}[：:]\s*$", re.MULTILINE)
_CLOSING = re.compile(r"此致|敬礼|特此函告|特此通知|特此告知|催收函|律师函|通知书|告知函")
_SMS_LENGTH = 300
"""Longer than this (ten SMS segments' worth) a one-paragraph text is not an SMS."""

_DIGITS = "〇○零一二三四五六七八九"
_NUMERAL = {c: i % 10 for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}
_ARABIC = r"(?P<y>\d{4})\s?年\s?(?P<m>\d{1,2})\s?月\s?(?P<d>\d{1,2})\s?日"
_WRITTEN = (
    rf"(?P<cy>[{_DIGITS}]{{4}})年(?P<cm>[{_DIGITS}十]{{1,2}})月(?P<cd>[{_DIGITS}十]{{1,3}})日"
)
_ISO = r"(?P<iy>20\d\d)[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
_ANY_DATE = rf"(?:{_ARABIC}|{_WRITTEN}|{_ISO})"
_LABELLED = re.compile(rf"(?:发函|落款|签发|出具|通知|发送)?日期\s?[：:]?\s?{_ANY_DATE}")
_DATE_LINE = re.compile(rf"^[ \t　]*{_ANY_DATE}[ \t　]*$", re.MULTILINE)


def infer_channel(text: str, suffix: str = "") -> tuple[str | None, str]:
    """(``sms`` / ``letter`` / None, the reason in Chinese)."""
    if _SIGNATURE_START.match(text) or _SIGNATURE_END.search(text):
        return "sms", "以【签名】开头或结尾"
    paragraphs = [part for part in re.split(r"\n\s*\n|\n", text.strip()) if part.strip()]
    if len(paragraphs) >= 3 and (
        _SALUTATION_LINE.search(text) or _CLOSING.search(text) or document_date(text)
    ):
        return "letter", "有称呼、分段和落款，按信函检查"
    if suffix.lower() == ".txt" and len(paragraphs) == 1 and len(text.strip()) <= _SMS_LENGTH:
        return "sms", f"单段、不超过{_SMS_LENGTH}字，按短信检查"
    return None, ""


def document_date(text: str) -> date | None:
    """The date the document states as its own (发函日期, or the 落款 date), or None."""
    labelled = _LABELLED.search(text)
    if labelled is not None:
        return _value(labelled)
    lines = list(_DATE_LINE.finditer(text[-400:]))
    return _value(lines[-1]) if lines else None


def _value(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    try:
        if groups["y"]:
            return date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
        if groups["iy"]:
            return date(int(groups["iy"]), int(groups["im"]), int(groups["id"]))
        year = int("".join(str(_NUMERAL[c]) for c in groups["cy"]))
        return date(year, _written(groups["cm"]), _written(groups["cd"]))
    except (ValueError, KeyError):
        return None


def _written(numeral: str) -> int:
    """十一 → 11, 二十八 → 28, 三十一 → 31, 五 → 5."""
    if "十" not in numeral:
        return _NUMERAL[numeral]
    tens, _, ones = numeral.partition("十")
    return (_NUMERAL[tens] if tens else 1) * 10 + (_NUMERAL[ones] if ones else 0)
