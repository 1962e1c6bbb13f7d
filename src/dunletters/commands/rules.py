"""``dunletters rules``: the linter's rules, documented from the rules themselves."""

from __future__ import annotations

__all__ = ["rules_text"]


def rules_text(code: str | None, *, markdown: bool) -> str:
    """The rule table, one rule's documentation, or all of them as Markdown."""
    from dunletters.lint.docs import rule_doc, rules_markdown, rules_table

    if markdown:
        return rules_markdown()
    if code:
        return rule_doc(code)
    return rules_table()
