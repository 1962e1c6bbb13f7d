"""``dunletters ledger``, ``history`` and ``report``: the contact ledger (issue 19)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from dunletters.cli.base import State, cli, ledger_option
from dunletters.errors import ExitStatus

__all__ = ["history_cmd", "ledger_group", "report_cmd"]


def _import(
    state: State, url: str | None, kind: str, importer: Callable[[Any, Path], Any], file: Path
) -> int:
    """Run one ledger import and report it: applied, unchanged, rejects by row."""
    from dunletters.commands.ledger import import_file

    lines, status = import_file(state.settings, url, kind, importer, file)
    for line in lines:
        click.echo(line)
    return status


@cli.group("ledger")
def ledger_group() -> None:
    """联系记录库：导入回执与还款、按保存期限清理。"""


@ledger_group.command("import-receipts")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@ledger_option
@click.pass_obj
def ledger_import_receipts(state: State, file: Path, ledger_url: str | None) -> int:
    """导入短信网关状态或退信清单（CSV/XLSX：函号 或 账号+渠道，状态，日期）。"""
    from dunletters.ledger.imports import import_receipts

    return _import(state, ledger_url, "回执", import_receipts, file)


@ledger_group.command("import-payments")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@ledger_option
@click.pass_obj
def ledger_import_payments(state: State, file: Path, ledger_url: str | None) -> int:
    """导入还款记录（CSV/XLSX：账号、还款日期、还款金额，可选流水号）。"""
    from dunletters.ledger.imports import import_payments

    return _import(state, ledger_url, "还款", import_payments, file)


@ledger_group.command("prune")
@click.option(
    "--before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="删除此日期之前的记录；缺省为今天减去保存年限（[ledger] retention_years）。",
)
@ledger_option
@click.pass_obj
def ledger_prune(state: State, before: datetime | None, ledger_url: str | None) -> int:
    """删除超过保存期限的文书与还款记录（不能删除保存期限内的记录）。"""
    from datetime import date

    from dunletters.commands.ledger import prune

    cutoff = before.date() if before is not None else None
    click.echo(prune(state.settings, cutoff, ledger_url, today=date.today()))
    return int(ExitStatus.OK)


@cli.command("history")
@click.argument("account_id")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@ledger_option
@click.pass_obj
def history_cmd(state: State, account_id: str, output_format: str, ledger_url: str | None) -> int:
    """显示一个账号发过的每份文书（日期、阶段、语气、模板版本、送达状态）与还款。"""
    from dunletters.commands.ledger import history

    click.echo(history(state.settings, account_id, output_format, ledger_url))
    return int(ExitStatus.OK)


@cli.command("report")
@click.option(
    "--from",
    "start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="起始基准日（含）。",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="截止基准日（含）。",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="另存为 HTML 报告（单个文件，可直接打开）。",
)
@ledger_option
@click.pass_obj
def report_cmd(
    state: State, start: datetime, end: datetime, out_file: Path | None, ledger_url: str | None
) -> int:
    """按阶段 × 语气 × 模板版本统计：送达数、7/14/30 天内还款比例（Wilson 区间）与还款金额。"""
    from dunletters.commands.ledger import report

    for line in report(state.settings, start.date(), end.date(), out_file, ledger_url):
        click.echo(line)
    return int(ExitStatus.OK)
