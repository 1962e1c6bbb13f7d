"""Existence rules: a phrase list and a message, declared whole in the list's YAML.

A list with ``extends: existence`` (Vale's kind) carries its rule's message,
severity, basis and documentation; :func:`existence_rule` turns it into a
:class:`~dunletters.lint.rule.Rule` that reports every match of the list (and,
with ``frame_message``, every sentence frame of the rule that no match covers).
Its gate is its list: a text where the shared phrase scan found none of the list's
phrases skips the rule, unless frames can still fire.
"""

from __future__ import annotations

from functools import cache

from dunletters.lint.context import LintContext
from dunletters.lint.lexicon import Lexicon, builtin_lexicons
from dunletters.lint.rule import ALL_STAGES, Check, Hit, Rule, with_data
from dunletters.lint.ruledata import RuleData
from dunletters.lint.rules.common import _existence, _framed
from dunletters.lint.rules.reported import REPORTED_CODES, promised_not, reported_hits

__all__ = ["declared", "existence_rule"]


def _check(code: str, lexicon: str, framed: bool) -> Check:
    """The rule's check: its list's matches, then its frames' (if it has any)."""

    def check(ctx: LintContext) -> list[Hit]:
        messages = ctx.messages[code]
        hits = _existence(ctx, lexicon, messages["match"])
        if code in REPORTED_CODES:  # 「我行承诺不会上门找您」: a promise, not a threat
            hits = [hit for hit in hits if not promised_not(ctx.view.folded, hit.start)]
        if framed:
            hits += _framed(ctx, code, messages["frame"], hits)
        if code in REPORTED_CODES:  # 「催收员说不还钱就弄死我」: the debtor's report
            hits += reported_hits(ctx, code, lexicon, messages, hits)
        return hits

    return check


def existence_rule(lexicon: Lexicon) -> Rule:
    """The rule a list declares with ``extends: existence``."""
    assert lexicon.extends == "existence" and lexicon.doc is not None
    assert lexicon.message is not None and lexicon.severity is not None
    messages = {"match": lexicon.message}
    if lexicon.frame_message is not None:
        messages["frame"] = lexicon.frame_message
    framed = lexicon.frame_message is not None
    doc = lexicon.doc
    made = Rule(
        code=lexicon.rule,
        name=doc.name,
        principle=doc.principle,
        severity=lexicon.severity,
        rationale=lexicon.basis or "",
        what=doc.what,
        why=doc.why,
        fail=doc.fail,
        passes=doc.passes,
        use_instead=doc.use_instead,
        check=_check(lexicon.rule, lexicon.name, framed),
        stages=frozenset(lexicon.stages) or ALL_STAGES,
        needs=frozenset(lexicon.needs),
        lexicons=(lexicon.name,),
        hits_need=() if framed else (lexicon.name,),
        example_context=tuple(lexicon.example_context.items()),
    )
    data = RuleData(
        title=lexicon.title,
        severity=lexicon.severity,
        messages=messages,
        since=lexicon.since,
        fixable=lexicon.fixable,
    )
    return with_data(made, data)


@cache
def _declaring() -> dict[str, Lexicon]:
    return {lexicon.name: lexicon for lexicon in builtin_lexicons() if lexicon.extends}


def declared(name: str) -> Rule:
    """The existence rule the built-in list ``name`` declares."""
    return existence_rule(_declaring()[name])
