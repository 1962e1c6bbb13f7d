"""The rule catalogue (shared/RULES.md): DL1xx clarity … DL6xx compliance.

Most rules are one of a few kinds driven by a phrase list (existence, required
element, conditional); the rest are small functions (amounts against the record,
大写 against the figure, sums, dates, Luhn, placeholders). Each rule is a value made
by :func:`~dunletters.lint.rule.rule` and listed in :data:`RULES` at the end — the
explicit register, as proselint does it.
"""

from __future__ import annotations

from dunletters.lint.rule import Rule
from dunletters.lint.rules import clarity, compliance, consequences, correctness, length, tone

__all__ = ["RULES", "rules_by_code"]

RULES: tuple[Rule, ...] = (
    *clarity.__register__,
    *correctness.__register__,
    *length.__register__,
    *tone.__register__,
    *consequences.__register__,
    *compliance.__register__,
)


def rules_by_code() -> dict[str, Rule]:
    """The rules keyed by code."""
    return {r.code: r for r in RULES}
