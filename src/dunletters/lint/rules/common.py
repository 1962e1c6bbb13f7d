"""Helpers shared by the rule families: phrase-list hits, frame hits, whole-document hits."""

from __future__ import annotations

import functools
import re

from dunletters import zh
from dunletters.lint.context import LintContext
from dunletters.lint.frames import frame_hits
from dunletters.lint.rule import Hit
from dunletters.lint.text import opening


def say(ctx: LintContext, code: str, key: str, **fields: object) -> str:
    """Rule ``code``'s message ``key`` (YAML data, see lint/ruledata.py), filled in."""
    return ctx.messages[code][key].format(**fields)


def _existence(ctx: LintContext, lexicon: str, message: str) -> list[Hit]:
    """One hit per phrase-list match; the message names the match (``{match}``; also
    ``{stage}`` and ``{tone}``) and the suggestion."""
    compiled = ctx.lexicons[lexicon]
    if not compiled.may_match(ctx.view):
        return []  # the usual case, decided by the shared scan
    hits = []
    for match in compiled.finditer(ctx.view):
        suggest = match.entry.suggest
        text = message.format(match=match.text, stage=ctx.stage, tone=ctx.tone)
        if suggest:
            text += f"；可改为「{suggest}」"
        hits.append(Hit(match.start, match.end, text, suggestion=suggest))
    return hits


def _framed(ctx: LintContext, code: str, message: str, found: list[Hit]) -> list[Hit]:
    """One hit per frame match of rule ``code`` (frames.py) that overlaps none already
    ``found`` by its phrase list (or an earlier frame); the message names the wording
    and what the frame describes."""
    hits: list[Hit] = []
    matches = frame_hits(ctx.view, code)
    if not matches:
        return hits
    covered = bytearray(len(ctx.text) + 1)  # linear in the text, however many hits
    for hit in found:
        covered[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
    for match in matches:
        if any(covered[match.start : match.end]):
            continue
        covered[match.start : match.end] = b"\x01" * (match.end - match.start)
        text = message.format(match=match.text, frame=match.frame.description)
        hits.append(Hit(match.start, match.end, text))
    return hits


def _whole(ctx: LintContext, message: str, suggestion: str | None = None) -> Hit:
    """A hit about the whole document (a missing element): placed at its start."""
    return Hit(0, 0, message, suggestion=suggestion)


def _has(ctx: LintContext, lexicon: str) -> bool:
    return ctx.lexicons[lexicon].exists(ctx.view)


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤葛"
)
"""The common single-character surnames, as a regex character class's contents: one list
for the rules that tell a person's name (DL106's salutation, DL605's payee before a number)."""

_surname = functools.lru_cache(maxsize=4096)(zh.surname)
"""zh.surname, remembered per name: DL106 and DL604 ask it of every document."""

_DEADLINE_WORDS = re.compile(
    r"^\s?(?:[（(]\s?含(?:当日|当天|本日)?\s?[）)]\s?)?(?:前|之前|以前|为止|当日|止|当天|[（(]含)"
)


_SALUTATION = re.compile(
    r"尊敬的\s?(?P<name>[^\s，,：:！!。]{1,24}?)\s?(?P<title>先生/女士|先生|女士)"
)


def said_not(text: str, start: int, denial: re.Pattern[str], rule_opening: re.Pattern[str]) -> bool:
    """The act is denied just before it, in the same phrase (「我们绝不会向您的单位透露」), or
    its clause opens as a rule or advice (「严禁催收人员…」): read as the frames read theirs."""
    phrase = opening(text, start, "。！？!?；;\n，,", max(0, start - 12))
    if denial.search(text, phrase, start + 1) is not None:
        return True
    reach = max(0, start - 40)
    clause = opening(text, start, "。！？!?；;\n", reach)
    return (clause > reach or reach == 0) and rule_opening.match(text, clause, start) is not None
