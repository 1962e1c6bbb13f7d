"""``dunletters config`` and ``dunletters stages``: the settings in effect."""

from __future__ import annotations

import click

from dunletters.cli.base import State, cli

__all__ = ["config_cmd", "stages_cmd"]


@cli.command("config")
@click.option("--dump", is_flag=True, help="以 JSON 打印生效的完整配置。")
@click.pass_obj
def config_cmd(state: State, dump: bool) -> None:
    """显示生效的配置（来源与内容）。"""
    from dunletters.commands.config import config_lines

    for line in config_lines(state.settings, dump=dump):
        click.echo(line)


@cli.command("stages")
@click.pass_obj
def stages_cmd(state: State) -> None:
    """以表格打印催收阶段策略（逾期天数 → 阶段与语气）。"""
    from rich.console import Console

    from dunletters.commands.config import policy_summary, stage_table
    from dunletters.escalation import tone_rule_lines

    console = Console(width=100)
    console.print(stage_table(state.settings))
    for line in tone_rule_lines(state.settings.policy):
        console.print(line, highlight=False)
    console.print(policy_summary(state.settings))
