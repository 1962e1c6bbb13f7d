"""DL4xx 坚定与劝慰 / 引起兴趣: the wording fits the declared tone and stage."""

from __future__ import annotations

from dunletters.lint.context import LintContext
from dunletters.lint.findings import Severity
from dunletters.lint.rule import Hit, Rule, rule
from dunletters.lint.rules.common import (
    _existence,
    _has,
    _whole,
    say,
)
from dunletters.lint.rules.existence import declared

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# -- DL4xx 坚定与劝慰 / 引起兴趣 ---------------------------------------------------------------


@rule(
    "DL401",
    "tone-mismatch",
    principle="坚定与劝慰",
    needs=("tone",),
    example_context=(("tone", "courteous"),),
    rationale="坚定与劝慰是不同的（原则八）：语气须与模板声明的语气一致。",
    what="措辞与声明的语气相悖：礼貌提醒里的强硬用语、坚定催收里的哀求用语。",
    why="前期以礼相待，使客户有愧疚感；强硬语气用错地方会激化矛盾，哀求则削弱坚定。",
    fail=("限你三日内还清！",),
    passes=("请您于12月5日前还款，感谢您的配合。",),
    use_instead="礼貌语气用「请您」「感谢配合」；坚定语气直接陈述要求和后果，不哀求。",
    lexicons=("harsh", "pleading"),
    hits_need=("harsh", "pleading"),
)
def tone_mismatch(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if ctx.tone in ("courteous", "empathetic"):
        hits += _existence(ctx, "harsh", ctx.messages["DL401"]["harsh"])
    elif ctx.tone == "firm":
        hits += _existence(ctx, "pleading", ctx.messages["DL401"]["pleading"])
    return hits


premature_escalation = declared("legal_action")


@rule(
    "DL403",
    "no-way-forward",
    principle="引起兴趣",
    example_context=(("tone", "empathetic"),),
    rationale="告诉客户所希望了解的事：还不上时能怎么办（协商、分期、还款计划）。",
    what="劝慰语气或困难客户的文书没有给出协商、分期等出路。",
    why="无力还款的人最想知道有没有办法；给出出路比施压更能收回欠款。",
    fail=("请于12月5日前还款。",),
    passes=("如还款确有困难，可致电95099协商分期还款。",),
    use_instead="写「如还款确有困难，请致电…与我们协商还款计划」。",
    lexicons=("way_forward",),
)
def no_way_forward(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    hardship = ctx.account is not None and ctx.account.hardship
    if (ctx.tone == "empathetic" or hardship) and not _has(ctx, "way_forward"):
        hits.append(_whole(ctx, say(ctx, "DL403", "missing")))
    return hits


__register__: tuple[Rule, ...] = (
    tone_mismatch,
    premature_escalation,
    no_way_forward,
)
