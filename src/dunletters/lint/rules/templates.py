"""DL0xx template checks: rules like the others, found by the template check itself.

Their findings come from checking a template draft (syntax, variables, front
matter, blocks, suppressions — :mod:`dunletters.template_drafts` and
:mod:`dunletters.lint.suppressions`), not from its text, so their ``check`` finds
nothing in a text; they are values here so that the catalogue, the docs and the
severity data treat every rule alike.
"""

from __future__ import annotations

from dunletters.lint.context import LintContext
from dunletters.lint.rule import Hit, Rule, rule

__all__ = ["TEMPLATE_RULES"]


def _by_template_check(ctx: LintContext) -> list[Hit]:
    """Nothing: a template rule is reported by the template check, never from a text."""
    return []


def _template_rule(code: str, name: str, what: str) -> Rule:
    return rule(
        code,
        name,
        principle="模板",
        rationale="",
        what=what,
        why="",
        fail=(),
        passes=(),
        use_instead="",
    )(_by_template_check)


TEMPLATE_RULES: tuple[Rule, ...] = (
    _template_rule("DL001", "template-syntax", "Jinja 语法错误（给出行号）。"),
    _template_rule("DL002", "unknown-variable", "模板使用了记录模型中不存在的变量、字段或过滤器。"),
    _template_rule("DL003", "invalid-metadata", "模板头部缺失，或阶段、语气、渠道、审核信息无效。"),
    _template_rule(
        "DL004", "missing-block", "缺少布局要求的块（required block），或渲染结果为空。"
    ),
    _template_rule("DL005", "unused-suppression", "行内抑制没有抑制任何问题。"),
    _template_rule(
        "DL006",
        "forbidden-suppression",
        "合规规则（DL6xx）不能在模板内关闭，只能在项目配置中写明理由放宽。",
    ),
    _template_rule(
        "DL007",
        "render-budget",
        "模板在渲染时限或输出上限内渲染不完（渲染超时、输出过大、宏或包含无尽递归）。",
    ),
    _template_rule(
        "DL008",
        "unmasked-field",
        "模板直接输出完整卡号或手机号（account.card_number、account.mobile）或整个 account 记录，"
        "未经 mask_card / mask_mobile 脱敏。",
    ),
)
"""The template checks, in code order (not in ``RULES``: the engine never runs them)."""
