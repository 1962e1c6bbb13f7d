"""What a plain draft does not say about itself, read from its text: channel, date, stage.

A text that starts or ends with 【签名】 is an SMS, unless it has a letter's closing,
落款 date or blank-line paragraphs (an e-mail headed by its sender in 【】); one with
a salutation line and a closing (此致 / 特此函告 / a date on its own line) is a
letter; a short single paragraph read from a ``.txt`` file is an SMS. The document's own date is the one
after 发函日期 / 日期, or the date standing alone (or after the signer's name) on one of
the last lines (落款), or alone on a line at the top of a letter dated there.
The stage comes from the days overdue the text states (「已逾期12天」 → middle under the
default policy; not a condition such as 「如逾期30天未还」), or is the first stage when
the text is a due-date reminder (「今天到期」).
The linter says in its DL000 notice what it inferred, so a wrong guess is visible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from dunletters.lint.text import opening

__all__ = ["document_date", "infer_channel", "infer_stage"]

_SIGNATURE_START = re.compile(r"^\s*【[^【】\n]{2,16}】")
_SIGNATURE_END = re.compile(r"【[^【】\n]{2,16}】\s*$")
_SALUTATION_LINE = re.compile(r"^\s*(?:尊敬的)?[^\n，。]{1,30}[：:]\s*$", re.MULTILINE)
_CLOSING = re.compile(r"此致|敬礼|特此函告|特此通知|特此告知|催收函|律师函|通知书|告知函")
_BLANK_LINE = re.compile(r"\n[ \t　]*\n")
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
_LABELLED = re.compile(
    rf"(?:(?:发函|落款|签发|出具|通知|发送|发文|制发)日期|(?<![\u4e00-\u9fff])日期)\s?[：:]?\s?{_ANY_DATE}"
)
"""「发函日期：」 or a bare 「日期：」 — not 「还款日期：」「到期日期：」, which date the debt."""
_DATE_LINE = re.compile(
    rf"^[ \t　]*(?:(?![^\n]*(?:期限|日期|时间|截止|截至|到期|还款|逾期))[\u4e00-\u9fffA-Za-z（）()]{{2,40}}[ \t　]+)?"
    rf"{_ANY_DATE}"
    r"[ \t　]*(?:[（(](?:盖章|公章|签章|印章|章)[）)])?[ \t　]*$",
    re.MULTILINE,
)
"""A 落款 date alone on its line, or after the signer's name on the same line
(「示范银行信用卡中心    2026年11月25日」), with a 「（盖章）」 after it or not."""
_HEAD = 200
"""A date alone on a line this near the start heads the letter (dated at the top)."""


def infer_channel(text: str, suffix: str = "") -> tuple[str | None, str]:
    """(``sms`` / ``letter`` / None, the reason in Chinese)."""
    paragraphs = [part for part in re.split(r"\n\s*\n|\n", text.strip()) if part.strip()]
    dated = len(paragraphs) >= 3 and bool(_CLOSING.search(text) or document_date(text))
    signed = _SIGNATURE_START.match(text) or _SIGNATURE_END.search(text)
    # A letter or an e-mail may open with the sender in 【】 too: one with a 落款 date
    # or a closing, or in blank-line paragraphs, is a letter whatever its first line.
    if signed and not (dated or len(_BLANK_LINE.split(text.strip())) >= 3):
        return "sms", "以【签名】开头或结尾"
    if dated or (len(paragraphs) >= 3 and _SALUTATION_LINE.search(text)):
        return "letter", "有称呼、分段和落款，按信函检查"
    if suffix.lower() == ".txt" and len(paragraphs) == 1 and len(text.strip()) <= _SMS_LENGTH:
        return "sms", f"单段、不超过{_SMS_LENGTH}字，按短信检查"
    return None, ""


class _Band(Protocol):
    """A stage of the policy: its id and the days past due it covers."""

    @property
    def id(self) -> str: ...
    @property
    def min_days(self) -> int: ...
    @property
    def max_days(self) -> int | None: ...


_DAYS_OVERDUE = re.compile(
    r"(?:已|已经)?(?:逾期|超期|拖欠|过期|延期未还)(?:了|已|已经|已达|达|长达|共|累计)?\s?第?"
    r"(?P<n>\d{1,4}|[一二三四五六七八九十两]{1,3})\s?(?P<unit>天|日|个月)"
    r"(?!以上|以后|后|之后|起|内|之内|将|会|就)"
)
_SCHEDULE_DAY = re.compile(
    r"(?<![收到后])(?:逾期)?第(?P<n>\d{1,3}|[一二三四五六七八九十两]{1,3})(?P<unit>天|日)(?:起|开始)?"
    r"(?=发送|发出|寄送|寄出|拨打|致电|开始|联系|上门|外访|委托|移交|转交|提交|启动|安排)"
)
"""A collection schedule's day (「第10天拨打联系人电话，第15日发送律师函」): how long overdue
each step comes."""
_DUE_NOW = re.compile(
    r"(?:今天|今日|明天|明日)(?:就)?(?:到期|是(?:您的)?(?:最后)?还款日)|还款日(?:已到|到了)"
    r"|(?:将于|于)\d{1,2}月\d{1,2}日到期|(?:\d|[一二三])天后(?:即)?(?:\d{1,2}月\d{1,2}日)?到期"
)


def infer_stage(text: str, stages: Sequence[_Band]) -> tuple[str | None, str]:
    """(stage id / None, the reason in Chinese): the band of the days overdue the text
    states, the first band for a due-date reminder, None when it says neither."""
    days = [_days(m) for m in _DAYS_OVERDUE.finditer(text) if not _hypothetical(text, m.start())]
    days += [_days(m) for m in _SCHEDULE_DAY.finditer(text)]
    if days:
        most = max(days)
        for band in stages:
            if band.min_days <= most and (band.max_days is None or most <= band.max_days):
                return band.id, f"文中写明逾期{most}天"
        return None, ""
    if _DUE_NOW.search(text) and stages:
        return stages[0].id, "文中是到期提醒"
    return None, ""


_IF = re.compile(r"如果|(?<!例)如(?!今|下|实|期|约|数)|若|倘若|假如|一旦|万一|凡|对于")
"""Before a 「逾期30天」 in its clause: a condition or a policy (「如逾期30天未还」「对于逾期
30天的账户」), not how long this account is overdue."""


def _hypothetical(text: str, start: int) -> bool:
    """The 「逾期N天」 at ``start`` is in a clause that opens with a condition."""
    low = max(0, start - 10)
    clause = opening(text, start, "，,。；;！!？?\n", low)
    return _IF.search(text, clause, start) is not None


def _days(match: re.Match[str]) -> int:
    """The days a 「逾期N天 / N个月」 names (a month counted as 30 days)."""
    number = match.group("n")
    value = int(number) if number.isdigit() else _small(number)
    return value * 30 if match.group("unit") == "个月" else value


def _small(numeral: str) -> int:
    """一 → 1, 十五 → 15, 两 → 2, 二十 → 20 (a day count's Chinese numeral)."""
    numeral = numeral.replace("两", "二")
    if "十" not in numeral:
        return _NUMERAL.get(numeral, 0)
    return _written(numeral)


def document_date(text: str) -> date | None:
    """The date the document states as its own (发函日期, or the 落款 date), or None."""
    labelled = _LABELLED.search(text)
    if labelled is not None:
        return _value(labelled)
    lines = list(_DATE_LINE.finditer(text[-400:]))
    if lines:
        return _value(lines[-1])
    head = _DATE_LINE.search(text[:_HEAD])
    return _value(head) if head else None


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
