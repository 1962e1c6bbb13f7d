"""DL4xx 坚定与劝慰 / 引起兴趣: the wording fits the declared tone and stage."""

from __future__ import annotations

from dunletters.lint.context import LintContext
from dunletters.lint.findings import Severity
from dunletters.lint.rule import Hit, Rule, rule
from dunletters.lint.rules.common import (
    _existence,
    _has,
    _whole,
)

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# -- DL4xx 坚定与劝慰 / 引起兴趣 ---------------------------------------------------------------


@rule(
    "DL401",
    "tone-mismatch",
    principle="坚定与劝慰",
    severity=WARNING,
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
        hits += _existence(ctx, "harsh", f"「{{match}}」语气强硬，与 {ctx.tone} 语气不符")
    elif ctx.tone == "firm":
        hits += _existence(ctx, "pleading", "「{match}」是哀求的口吻，与 firm（坚定）语气不符")
    return hits


@rule(
    "DL402",
    "premature-escalation",
    principle="坚定与劝慰 / 前期以礼相待",
    severity=ERROR,
    needs=("stage",),
    stages=("early", "middle"),
    example_context=(("stage", "early"),),
    rationale="前期以礼相待：诉讼、律师、委外催收等字眼须到策略允许的阶段（缺省后期）才可出现。",
    what="在前期或中期的文书里提到诉讼、律师、法院、委外催收、上门等。",
    why="过早的法律字眼构成不当施压，前期客户多是疏忽，强硬反而激化矛盾。",
    fail=("如不还款，我行将向法院提起诉讼。",),
    passes=("逾期信息将依法报送金融信用信息基础数据库。",),
    use_instead="前期只提醒事实与还款方式；法律措施留到后期，并说明原因。",
    lexicons=("legal_action",),
    hits_need=("legal_action",),
)
def premature_escalation(ctx: LintContext) -> list[Hit]:
    return _existence(ctx, "legal_action", f"{ctx.stage} 阶段不应提及法律措施「{{match}}」")


@rule(
    "DL403",
    "no-way-forward",
    principle="引起兴趣",
    severity=INFO,
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
        hits.append(_whole(ctx, "未给还款困难的客户提供出路（协商、分期、还款计划）"))
    return hits


__register__: tuple[Rule, ...] = (
    tone_mismatch,
    premature_escalation,
    no_way_forward,
)
