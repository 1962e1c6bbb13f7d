"""The ``dunletters`` command.

One error handler for every subcommand: a :class:`DunlettersError` becomes one
clear line on stderr and its documented exit status (see ``errors.ExitStatus``);
a traceback only with ``-v``. Ctrl-C exits with status 3 so a batch script can
tell an interruption (resumable) from a failure.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from dunletters import __version__
from dunletters.config import Settings, load_settings
from dunletters.errors import DunlettersError, ExitStatus

__all__ = ["cli", "main"]


class _State:
    def __init__(self, verbose: bool, config: Path | None) -> None:
        self.verbose = verbose
        self.config_path = config
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_path)
        return self._settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="dunletters")
@click.option("-v", "--verbose", is_flag=True, help="出错时打印完整回溯（traceback）。")
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="配置文件（dunletters.toml 或 pyproject.toml）；缺省在当前目录查找。",
)
@click.pass_context
def cli(ctx: click.Context, verbose: bool, config: Path | None) -> None:
    """dunletters：由逾期账户生成中文催收函（PDF）与催收短信，并按催收原则和监管要求检查。"""
    ctx.obj = _State(verbose, config)


@cli.command("config")
@click.option("--dump", is_flag=True, help="以 JSON 打印生效的完整配置。")
@click.pass_obj
def config_cmd(state: _State, dump: bool) -> None:
    """显示生效的配置（来源与内容）。"""
    settings = state.settings
    if dump:
        payload: dict[str, Any] = settings.model_dump(mode="json")
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(f"配置来源：{settings.source}")
        click.echo(f"债权机构：{settings.creditor.name} {settings.creditor.department}".rstrip())
        click.echo("使用 --dump 查看全部配置。")


@cli.command("stages")
@click.pass_obj
def stages_cmd(state: _State) -> None:
    """以表格打印催收阶段策略（逾期天数 → 阶段与语气）。"""
    policy = state.settings.policy
    table = Table(title="催收阶段策略")
    table.add_column("阶段")
    table.add_column("名称")
    table.add_column("逾期天数")
    table.add_column("缺省语气")
    table.add_column("还款期限")
    for stage in policy.stages:
        days = f"{stage.min_days}–{stage.max_days}" if stage.max_days else f"≥ {stage.min_days}"
        table.add_row(stage.id, stage.name, days, stage.tone, f"{stage.deadline_days} 天")
    console = Console(width=100)
    console.print(table)
    console.print(
        f"困难客户 → {policy.hardship_tone}；爽约 ≥ {policy.firm_after_promises_broken} 次 → "
        f"{policy.broken_promise_tone}；欠款低于 ¥{policy.min_amount} 不发函；"
        "已故、争议、承诺还款未到期：暂停（hold）。"
    )


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, mapping errors to one line and an exit status."""
    verbose = "-v" in (argv if argv is not None else sys.argv[1:]) or "--verbose" in (
        argv if argv is not None else sys.argv[1:]
    )
    try:
        status = cli.main(args=argv, prog_name="dunletters", standalone_mode=False)
    except DunlettersError as error:
        if verbose:
            traceback.print_exc()
        click.echo(f"dunletters: 错误: {error}", err=True)
        sys.exit(int(error.exit_status))
    except click.exceptions.Abort:
        click.echo("dunletters: 已中断（可用相同命令继续）", err=True)
        sys.exit(int(ExitStatus.INTERRUPTED))
    except KeyboardInterrupt:
        click.echo("dunletters: 已中断（可用相同命令继续）", err=True)
        sys.exit(int(ExitStatus.INTERRUPTED))
    except click.ClickException as error:
        error.show()
        sys.exit(int(ExitStatus.USAGE))
    except SystemExit:
        raise
    except Exception:
        if verbose:
            traceback.print_exc()
        else:
            click.echo(
                "dunletters: 内部错误（这是 dunletters 的缺陷，请用 -v 重跑并报告回溯）", err=True
            )
        sys.exit(int(ExitStatus.INTERNAL))
    # Commands return an ExitStatus (or None for OK); click returns it unchanged.
    sys.exit(int(status) if isinstance(status, int) else int(ExitStatus.OK))
