"""DL206: a document that claims more earlier contact than the contact ledger shows.

「经多次提醒」「此前已发函」「我行已于…通知您」「第三次」 state facts about what the
debtor already received. With the ledger's facts (a batch with a ledger, or a sample
with its invented history) a claim above the count is an error; without them (a
plain draft, a run without a ledger) the claim cannot be checked, which is a warning.
"""

from __future__ import annotations

import re

from dunletters.history import HistoryFacts
from dunletters.lint.context import LintContext
from dunletters.lint.findings import Severity
from dunletters.lint.rule import Hit, rule
from dunletters.lint.rules.common import say
from dunletters.lint.text import CN_DIGITS, small_number

__all__ = ["contact_claim"]

_CONTACT = (
    r"(?:提醒|催收|催告|催缴|催讨|通知|告知|联系|沟通|致电|致函|发函|去函|函告|寄送|发送|来函|短信)"
)
"""Verbs and nouns of a contact: what a claim says happened before."""

_LETTER = re.compile(r"函|信件|来信|去信|致信|寄送|寄出|邮寄")
"""A claim about a letter (致函, 发函, 寄送催收函, 信件) rather than any reminder."""

_GAP = r"[^。！？；，,\n]{0,16}?"
"""Words between the claim's marker and its verb, inside one clause."""

_OBJECT = r"(?:[^。！？；，,\n]{0,4}?(?:函|信件))?"
"""What follows the verb in its clause (寄送**催收函**): tells a letter from a reminder."""

_NUMERAL = "".join(CN_DIGITS) + "十"

_CLAIMS = re.compile(
    # many: 经多次提醒、已多次就…与您联系、屡次催收、一再提醒
    rf"(?P<many>(?:多次|屡次|数次|多番|反复|一再|再三){_GAP}{_CONTACT}{_OBJECT})"
    # counted: 第三次提醒、已三次致函、曾3次通知
    rf"|(?P<nth>第(?P<nth_n>[{_NUMERAL}]|\d{{1,2}})次{_GAP}{_CONTACT}{_OBJECT})"
    rf"|(?P<times>[已曾](?P<times_n>[{_NUMERAL}]|\d{{1,2}})次{_GAP}{_CONTACT}{_OBJECT})"
    # once before: 此前已发函、已于…通知您、再次致函、此前的通知、前次来函 (not 之前 or
    # 日前, which follow a deadline: 请于12月5日前联系我们)
    rf"|(?P<once>(?:此前|先前|前次|上次|已于|曾于|再次|又一次){_GAP}{_CONTACT}{_OBJECT})"
)


def _claimed(match: re.Match[str]) -> tuple[int, bool]:
    """How many earlier documents the claim asserts, and whether they are letters."""
    letter = bool(_LETTER.search(match.group(0)))
    if match.group("many"):
        return 2, letter
    if match.group("nth"):
        return small_number(match.group("nth_n")) - 1, letter
    if match.group("times"):
        return small_number(match.group("times_n")), letter
    return 1, letter


def _shown(history: HistoryFacts, letter: bool) -> int:
    return history.letters if letter else history.reminders


@rule(
    "DL206",
    "unbacked-contact-claim",
    principle="正确性",
    rationale="正确性：「经多次提醒」「此前已发函」是对事实的陈述，须与联系记录库相符。",
    what="文书声称的此前联系（多次提醒、此前已发函、已于某日通知、第N次）多于联系记录库所载。",
    why="虚称多次催收是不实陈述，客户可据此投诉；没有联系记录时无法核对，只能提示。",
    fail=(
        "该笔款项经多次提醒仍未归还。",
        "我行此前已向您发函，请尽快还款。",
        "这是我行第三次提醒您还款。",
    ),
    passes=("截至本函发出之日，我行仍未收到您的还款。", "再次感谢您的理解与配合。"),
    use_instead="按记录措辞：模板中写 {% if history.reminders > 1 %}经多次提醒{% endif %}，"
    "或「我行已于{{ history.last_letter_on | zh_date }}向您寄送催收函」（仅当有记录时）。",
)
def contact_claim(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    history = ctx.history
    for match in _CLAIMS.finditer(ctx.text):
        count, letter = _claimed(match)
        if count <= 0:
            continue
        what = "信函" if letter else "提醒"
        if history is None or not history.checked:
            hits.append(
                Hit(
                    match.start(),
                    match.end(),
                    say(ctx, "DL206", "unchecked", claim=match.group(0), what=what),
                    severity=Severity.WARNING,
                )
            )
        elif _shown(history, letter) < count:
            hits.append(
                Hit(
                    match.start(),
                    match.end(),
                    say(
                        ctx,
                        "DL206",
                        "above",
                        claim=match.group(0),
                        count=count,
                        what=what,
                        shown=_shown(history, letter),
                    ),
                )
            )
    return hits
