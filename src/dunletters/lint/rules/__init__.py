"""The rule catalogue (shared/RULES.md): DL1xx clarity … DL6xx compliance.

One module per family, as RULES.md groups them, each ending with its
``__register__`` (proselint's habit); :data:`RULES` is their concatenation, in code
order. Existence rules are declared in their phrase list's YAML
(:mod:`.existence`); the others are small functions whose severities and messages
are data too (``messages.yml`` beside this file, :mod:`dunletters.lint.ruledata`).
The template checks DL0xx are rules of :mod:`.templates`, outside ``RULES``.
"""

from __future__ import annotations

from pathlib import Path

from dunletters.errors import ConfigError
from dunletters.lint.rule import Rule, with_data
from dunletters.lint.ruledata import builtin_rule_data, check_against, load_rule_data
from dunletters.lint.rules import clarity, compliance, consequences, correctness, length, tone

__all__ = ["RULES", "catalogue", "rules_by_code"]

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


def catalogue(data: Path) -> tuple[Rule, ...]:
    """:data:`RULES` with the Python rules' severities and messages read from ``data``
    (an edited copy of ``messages.yml``), each checked against what its code fills."""
    loaded = load_rule_data(data)
    shipped = builtin_rule_data()
    rules = []
    for rule in RULES:
        if rule.code not in shipped:
            rules.append(rule)  # an existence rule: its data is in its list's YAML
            continue
        entry = loaded.get(rule.code)
        if entry is None:
            raise ConfigError(f"规则数据 {data.name} 缺少 {rule.code}")
        check_against(f"规则数据 {data.name}", rule.code, entry, shipped[rule.code].messages)
        rules.append(with_data(rule, entry))
    return tuple(rules)
