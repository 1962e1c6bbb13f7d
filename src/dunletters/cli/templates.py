"""``dunletters templates``, ``preview`` and ``serve``: the template author's commands."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from dunletters import zh
from dunletters.cli.base import (
    RUN_DATE,
    State,
    cli,
    load_registry,
    no_builtin_option,
    show_creditor_note,
    templates_option,
    usage_errors,
)
from dunletters.errors import ExitStatus
from dunletters.vocabulary import CHANNELS

__all__ = ["preview_cmd", "serve_cmd", "templates_group"]


@cli.group("templates")
def templates_group() -> None:
    """模板登记：列出与检查。"""


@templates_group.command("list")
@templates_option
@no_builtin_option
def templates_list(template_dirs: tuple[Path, ...], no_builtin: bool) -> None:
    """列出登记的模板（阶段 × 语气 × 渠道）及其审核信息与版本。"""
    from rich.console import Console

    from dunletters.commands.templates import template_table

    Console(width=160).print(template_table(load_registry(template_dirs, no_builtin)))


@templates_group.command("approve")
@click.argument("key")
@click.option("--by", "by", required=True, help="审核人（姓名或岗位）。")
@click.option("--note", default="", help="审核说明（可选）。")
@click.option(
    "--channel",
    type=click.Choice(CHANNELS),
    default=None,
    help="只审核这一渠道的模板；缺省信函与短信都审核。",
)
@templates_option
@no_builtin_option
def templates_approve(
    key: str,
    by: str,
    note: str,
    channel: str | None,
    template_dirs: tuple[Path, ...],
    no_builtin: bool,
) -> None:
    """审核模板 KEY（阶段.语气，如 early.courteous）的当前正文：记入模板目录旁的 approvals.toml。"""
    from dunletters.commands.templates import approve

    registry = load_registry(template_dirs, no_builtin)
    lines = approve(registry, key, by=by, note=note, channel=channel, template_dirs=template_dirs)
    with usage_errors():
        for line in lines:
            click.echo(line)


@templates_group.command("check")
@templates_option
@no_builtin_option
@click.pass_obj
def templates_check(state: State, template_dirs: tuple[Path, ...], no_builtin: bool) -> int:
    """检查模板：策略所需的每个（阶段，语气）都有信函与短信、元数据与文件名一致、变量都存在。"""
    from dunletters.commands.templates import check

    registry = load_registry(template_dirs, no_builtin)
    problems = check(registry, state.settings, datetime.now().date())
    for problem in problems:
        click.echo(problem)
    count = len(registry.templates)
    if problems:
        click.echo(f"{count} 个模板，发现 {len(problems)} 个问题。", err=True)
        return ExitStatus.FINDINGS
    click.echo(f"{count} 个模板，全部通过。")
    return ExitStatus.OK


@cli.command("preview")
@click.argument("template_or_key", metavar="TEMPLATE_OR_KEY")
@click.option(
    "--channel",
    type=click.Choice(CHANNELS),
    default=None,
    help="信函或短信（给“阶段.语气”键时使用，缺省 letter；给文件时由文件决定）。",
)
@click.option(
    "--record",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="用这条账户记录（JSON）渲染，缺省用本阶段的合成样例账户。",
)
@click.option(
    "--sample",
    default=None,
    help="样例账户：early、middle、late、final、hardship、broken-promises、long-name、"
    "large-amount；缺省为策略会对其发送此模板的样例。",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["png", "pdf", "html", "txt"]),
    default=None,
    help="输出格式：信函 png（由 PDF 转成）、pdf、html；短信 txt。缺省按 -o 的后缀或渠道。",
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="输出文件。")
@click.option(
    "--as-of",
    "as_of",
    type=RUN_DATE,
    help="签发日，缺省为今天（北京时间）。",
)
@templates_option
@no_builtin_option
@click.pass_obj
def preview_cmd(
    state: State,
    template_or_key: str,
    channel: str | None,
    record: Path | None,
    sample: str | None,
    fmt: str | None,
    output: Path | None,
    as_of: datetime | None,
    template_dirs: tuple[Path, ...],
    no_builtin: bool,
) -> int:
    """预览一个模板：按样例账户（或记录）渲染，检查，并写出 PNG、PDF、HTML 或短信文本。

    TEMPLATE_OR_KEY 是模板文件（草稿也可），或“阶段.语气”键（如 late.firm，配合 --channel）。
    检查结果的格式与 dunletters lint 相同；有错误级别的问题时退出码为 1。
    """
    from dunletters.commands.preview import run_preview  # the heavy imports only here

    if record is not None and sample is not None:
        raise click.UsageError("--record 与 --sample 只能给出一个")
    show_creditor_note(state.settings)
    with usage_errors():
        return run_preview(
            state.settings,
            template_or_key,
            channel=channel,
            record=record,
            sample=sample,
            fmt=fmt,
            output=output,
            as_of=as_of.date() if as_of else datetime.now(zh.SHANGHAI).date(),
            template_dirs=template_dirs,
            builtin=not no_builtin,
        )


@cli.command("serve")
@templates_option
@no_builtin_option
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="监听地址（缺省只供本机访问）。"
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="端口。"
)
@click.option(
    "--as-of",
    "as_of",
    type=RUN_DATE,
    help="预览的签发日，缺省为当天（北京时间）。",
)
@click.option(
    "--ledger",
    "ledger_url",
    default=None,
    help="联系记录页读取的联系记录库（sqlite:///路径、路径 或 postgresql://…）；缺省为配置 [ledger] url。",
)
@click.pass_obj
def serve_cmd(
    state: State,
    template_dirs: tuple[Path, ...],
    no_builtin: bool,
    host: str,
    port: int,
    as_of: datetime | None,
    ledger_url: str | None,
) -> int:
    """本地预览服务：模板总览、信函与短信预览、检查结果高亮，保存模板后页面自动更新。"""
    from dunletters.commands.serve import prepare_server

    show_creditor_note(state.settings)
    serving = prepare_server(
        state.settings,
        template_dirs,
        builtin=not no_builtin,
        host=host,
        port=port,
        as_of=as_of.date() if as_of else None,
        ledger_url=ledger_url,
    )
    if serving.warning is not None:
        click.echo(serving.warning, err=True)
    click.echo(serving.url_line)
    serving.run()
    return ExitStatus.OK
