"""``dunletters templates``: list, approve and check the registered templates."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dunletters import zh
from dunletters.config import Settings
from dunletters.errors import UsageError
from dunletters.registry import Registry
from dunletters.vocabulary import CHANNELS

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["TEMPLATE_COLUMNS", "approve", "check", "template_rows", "template_table"]

TEMPLATE_COLUMNS = ("阶段", "语气", "渠道", "标题", "审核", "版本", "文件")


def template_rows(registry: Registry) -> list[tuple[str, ...]]:
    """One row per template, in :data:`TEMPLATE_COLUMNS` order."""
    return [
        (
            template.stage,
            template.tone,
            template.channel,
            template.meta.title,
            template.review_label,
            template.short_version,
            str(template.path),
        )
        for template in registry
    ]


def template_table(registry: Registry) -> Table:
    """The registered templates as a table for the terminal."""
    from rich.table import Table

    table = Table(title="模板")
    for column in TEMPLATE_COLUMNS:
        table.add_column(column)
    for row in template_rows(registry):
        table.add_row(*row)
    return table


def approve(
    registry: Registry,
    key: str,
    *,
    by: str,
    note: str,
    channel: str | None,
    template_dirs: Sequence[Path],
) -> Iterator[str]:
    """Record an approval of each current template body of ``key`` (阶段.语气); yields
    a line per template as its approval is written (or found already made)."""
    from dunletters.approvals import Approval, append_approval
    from dunletters.registry import BUILTIN_TEMPLATES

    stage, _, tone = key.partition(".")
    channels = [channel] if channel else list(CHANNELS)
    found = [
        registry.templates[k] for c in channels if (k := (stage, tone, c)) in registry.templates
    ]
    if not found:
        raise UsageError(f"没有模板 {key}（阶段.语气，见 dunletters templates list）")
    when = datetime.now(zh.SHANGHAI).replace(microsecond=0)
    for template in found:
        if template.approved:
            yield f"{template.name} 的正文已审核（{template.review_label}），不重复记录"
            continue
        folder = Path(template.origin)
        if template_dirs and folder.resolve() == BUILTIN_TEMPLATES.resolve():
            folder = template_dirs[0]  # a team's approvals go beside its own templates
        approval = Approval(
            template=template.name, sha256=template.content_sha256, by=by, at=when, note=note
        )
        path = append_approval(folder, approval)
        yield f"已审核 {template.name}（正文及版式 {template.content_sha256[:12]}）：记入 {path}"


def check(registry: Registry, settings: Settings, today: date) -> list[str]:
    """The registry's problems against the policy, then each template rendered under
    ``[render]``'s limits, one line each (none: all pass)."""
    from dunletters.rendering import CONTEXT_MODELS, make_environment
    from dunletters.template_drafts import render_problems

    problems = registry.check(
        make_environment(registry), settings.policy, context_models=CONTEXT_MODELS
    )
    problems += render_problems(registry, settings, today)
    return [str(problem) for problem in problems]
