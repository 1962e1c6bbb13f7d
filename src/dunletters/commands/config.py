"""``dunletters config`` and ``dunletters stages``: the settings in effect, shown."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from dunletters.config import Settings

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["config_lines", "creditor_note", "policy_summary", "stage_table"]


def config_lines(settings: Settings, *, dump: bool) -> list[str]:
    """Where the settings came from and whose letters they sign (all of it with ``dump``)."""
    if dump:
        payload: dict[str, Any] = settings.model_dump(mode="json")
        return [json.dumps(payload, ensure_ascii=False, indent=2)]
    lines = [
        f"配置来源：{settings.source}",
        f"债权机构：{settings.creditor.name} {settings.creditor.department}".rstrip(),
    ]
    if settings.creditor_status != "configured":
        kind = "未配置，用内置示例" if settings.creditor_status == "missing" else "示例"
        lines.append(f"（{kind}：批处理只能加 --demo 运行）")
    lines.append("使用 --dump 查看全部配置。")
    return lines


def creditor_note(settings: Settings) -> str | None:
    """The note shown when documents carry the example creditor (None once one is configured)."""
    status = settings.creditor_status
    if status == "configured":
        return None
    why = "未配置债权机构（[creditor]）" if status == "missing" else "配置中的债权机构是示例"
    return (
        f"注意：{why}，以示范机构「{settings.creditor.name}」代替，仅供预览与检查；"
        "真实批次须先配置贵机构（见 examples/dunletters.toml）。"
    )


def stage_table(settings: Settings) -> Table:
    """The policy's stages as a table: days past due → stage, default tone, deadline."""
    from rich.table import Table

    policy = settings.policy
    table = Table(title="催收阶段策略")
    table.add_column("阶段")
    table.add_column("名称")
    table.add_column("逾期天数")
    table.add_column("缺省语气")
    table.add_column("还款期限")
    for stage in policy.stages:
        days = f"{stage.min_days}–{stage.max_days}" if stage.max_days else f"≥ {stage.min_days}"
        table.add_row(stage.id, stage.name, days, stage.tone, f"{stage.deadline_days} 天")
    return table


def policy_summary(settings: Settings) -> str:
    """The policy's special cases in one line, below the stage table and tone rules."""
    policy = settings.policy
    return (
        f"困难客户 → {policy.hardship_tone}；爽约 ≥ {policy.firm_after_promises_broken} 次 → "
        f"{policy.broken_promise_tone}；欠款低于 ¥{policy.min_amount} 不发函；"
        "已故、争议、承诺还款未到期：暂停（hold）。"
    )
