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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dunletters import __version__, zh
from dunletters.config import Settings, load_settings
from dunletters.errors import DunlettersError, ExitStatus, UsageError
from dunletters.models import parse_date
from dunletters.vocabulary import CHANNELS, STAGES

if TYPE_CHECKING:
    from dunletters.registry import Registry

__all__ = ["cli", "main"]


class _RunDate(click.ParamType[datetime]):
    """A run date as spreadsheets write it (2026-11-28, 2026/11/28, 20261128, 2026年11月28日)."""

    name = "日期"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        """The date at midnight (the commands take ``.date()`` of it)."""
        if isinstance(value, datetime):
            return value
        try:
            return datetime.combine(parse_date(str(value)), datetime.min.time())
        except ValueError as error:
            self.fail(f"「{value}」{error}", param, ctx)


RUN_DATE = _RunDate()


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


@contextmanager
def _usage() -> Iterator[None]:
    """A command's :class:`~dunletters.errors.UsageError` shown as click shows an option
    error: with the command's usage line, exit status 2."""
    try:
        yield
    except UsageError as error:
        raise click.UsageError(str(error)) from None


def _creditor_note(settings: Settings) -> None:
    """Say on stderr when documents show the example creditor (render, preview, lint, serve)."""
    status = settings.creditor_status
    if status == "configured":
        return
    why = "未配置债权机构（[creditor]）" if status == "missing" else "配置中的债权机构是示例"
    click.echo(
        f"注意：{why}，以示范机构「{settings.creditor.name}」代替，仅供预览与检查；"
        "真实批次须先配置贵机构（见 examples/dunletters.toml）。",
        err=True,
    )


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
        if settings.creditor_status != "configured":
            kind = "未配置，用内置示例" if settings.creditor_status == "missing" else "示例"
            click.echo(f"（{kind}：批处理只能加 --demo 运行）")
        click.echo("使用 --dump 查看全部配置。")


@cli.command("stages")
@click.pass_obj
def stages_cmd(state: _State) -> None:
    """以表格打印催收阶段策略（逾期天数 → 阶段与语气）。"""
    from rich.console import Console
    from rich.table import Table

    from dunletters.escalation import tone_rule_lines

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
    for line in tone_rule_lines(policy):
        console.print(line, highlight=False)
    console.print(
        f"困难客户 → {policy.hardship_tone}；爽约 ≥ {policy.firm_after_promises_broken} 次 → "
        f"{policy.broken_promise_tone}；欠款低于 ¥{policy.min_amount} 不发函；"
        "已故、争议、承诺还款未到期：暂停（hold）。"
    )


_pdf_variant_option = click.option(
    "--pdf-variant",
    "pdf_variant",
    type=click.Choice(["pdf/a-2b"]),
    default=None,
    help="PDF/A-2b 归档格式（覆盖配置 [letters] pdf_variant）。",
)


def _with_pdf_variant(state: _State, variant: str | None) -> None:
    """``--pdf-variant`` over the configuration's ``[letters] pdf_variant``."""
    if variant is None:
        return
    settings = state.settings
    letters = settings.letters.model_copy(update={"pdf_variant": variant})
    state._settings = settings.model_copy(update={"letters": letters})


_templates_option = click.option(
    "--templates",
    "template_dirs",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="自己的模板目录，覆盖同名内置模板（可多次给出，先给出的优先）。",
)
_no_builtin_option = click.option(
    "--no-builtin", is_flag=True, help="只用 --templates 给出的模板，不用内置模板。"
)


def _registry(template_dirs: tuple[Path, ...], no_builtin: bool) -> Registry:
    # Imported here: Jinja and YAML cost ~60 ms of a start-up that `dunletters lint`
    # on a plain draft (run on every save) does not need.
    from dunletters.registry import Registry

    return Registry.load(template_dirs, builtin=not no_builtin)


@cli.group("templates")
def templates_group() -> None:
    """模板登记：列出与检查。"""


@templates_group.command("list")
@_templates_option
@_no_builtin_option
def templates_list(template_dirs: tuple[Path, ...], no_builtin: bool) -> None:
    """列出登记的模板（阶段 × 语气 × 渠道）及其审核信息与版本。"""
    from rich.console import Console
    from rich.table import Table

    from dunletters.commands.templates import TEMPLATE_COLUMNS, template_rows

    registry = _registry(template_dirs, no_builtin)
    table = Table(title="模板")
    for column in TEMPLATE_COLUMNS:
        table.add_column(column)
    for row in template_rows(registry):
        table.add_row(*row)
    Console(width=160).print(table)


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
@_templates_option
@_no_builtin_option
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

    registry = _registry(template_dirs, no_builtin)
    lines = approve(registry, key, by=by, note=note, channel=channel, template_dirs=template_dirs)
    with _usage():
        for line in lines:
            click.echo(line)


@templates_group.command("check")
@_templates_option
@_no_builtin_option
@click.pass_obj
def templates_check(state: _State, template_dirs: tuple[Path, ...], no_builtin: bool) -> int:
    """检查模板：策略所需的每个（阶段，语气）都有信函与短信、元数据与文件名一致、变量都存在。"""
    from dunletters.commands.templates import check

    registry = _registry(template_dirs, no_builtin)
    problems = check(registry, state.settings, datetime.now().date())
    for problem in problems:
        click.echo(problem)
    count = len(registry.templates)
    if problems:
        click.echo(f"{count} 个模板，发现 {len(problems)} 个问题。", err=True)
        return ExitStatus.FINDINGS
    click.echo(f"{count} 个模板，全部通过。")
    return ExitStatus.OK


@cli.command("render")
@click.argument(
    "record", required=False, type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
@click.option("--sample", is_flag=True, help="使用内置的合成样例账户（不给记录时的缺省）。")
@click.option("--channel", type=click.Choice(CHANNELS), required=True, help="信函或短信。")
@click.option("--stage", type=click.Choice(list(STAGES)), help="阶段；缺省按记录的逾期天数决定。")
@click.option("--tone", help="语气；缺省按策略决定。")
@click.option(
    "--as-of",
    "as_of",
    type=RUN_DATE,
    help="基准日（签发日），缺省为今天（北京时间）。",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="输出文件：.pdf、.html（WeasyPrint 排版的 HTML）或 .txt（短信）。",
)
@_pdf_variant_option
@_templates_option
@_no_builtin_option
@click.pass_obj
def render_cmd(
    state: _State,
    record: Path | None,
    sample: bool,
    channel: str,
    stage: str | None,
    tone: str | None,
    as_of: datetime | None,
    output: Path,
    pdf_variant: str | None,
    template_dirs: tuple[Path, ...],
    no_builtin: bool,
) -> int:
    """把一条记录（或样例账户）渲染成一封信或一条短信。"""
    _with_pdf_variant(state, pdf_variant)
    from dunletters.commands.render import output_format, render_to_file

    run_date = as_of.date() if as_of else datetime.now(zh.SHANGHAI).date()
    with _usage():
        fmt = output_format(channel, output, record=record, sample=sample)
    _creditor_note(state.settings)
    click.echo(
        render_to_file(
            state.settings,
            _registry(template_dirs, no_builtin),
            record=record,
            channel=channel,
            stage=stage,
            tone=tone,
            as_of=run_date,
            output=output,
            fmt=fmt,
        )
    )
    return ExitStatus.OK


@cli.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--record",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="账户记录（JSON），用于核对金额等。",
)
@click.option("--stage", type=click.Choice(list(STAGES)), help="草稿所属阶段。")
@click.option("--tone", help="草稿的语气（courteous、empathetic、firm…）。")
@click.option("--channel", type=click.Choice(CHANNELS), help="信函或短信。")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    show_default=True,
    help="输出格式。",
)
@click.option("--select", default="", help="只检查这些规则（代码、前缀或名称，逗号分隔）。")
@click.option("--ignore", default="", help="不检查这些规则（DL6xx 只能在配置中写明理由放宽）。")
@click.option("--fix", is_flag=True, help="只做安全替换（如术语→白话），从不改动金额。")
@click.option("--no-pdf", is_flag=True, help="不排版 PDF（跳过 DL301 一页检查，更快）。")
@click.option("--as-of", "as_of", type=RUN_DATE, help="样例渲染的签发日，缺省今天。")
@_templates_option
@click.pass_obj
def lint_cmd(
    state: _State,
    paths: tuple[Path, ...],
    record: Path | None,
    stage: str | None,
    tone: str | None,
    channel: str | None,
    fmt: str,
    select: str,
    ignore: str,
    fix: bool,
    no_pdf: bool,
    as_of: datetime | None,
    template_dirs: tuple[Path, ...],
) -> int:
    """检查催收函/短信草稿或模板：路径:行:列: 代码 名称: 说明。"""
    from dunletters.commands.lint import run_lint

    _creditor_note(state.settings)
    result = run_lint(
        state.settings,
        paths,
        record=record,
        stage=stage,
        tone=tone,
        channel=channel,
        fmt=fmt,
        select=_split(select),
        ignore=_split(ignore),
        fix=fix,
        use_pdf=not no_pdf,
        as_of=as_of.date() if as_of else datetime.now(zh.SHANGHAI).date(),
        as_of_given=as_of is not None,
        template_dirs=template_dirs,
    )
    for path, count in result.fixed:
        click.echo(f"{path}: 已修复 {count} 处", err=True)
    sys.stdout.write(result.output)
    return result.status


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@cli.command("batch")
@click.argument("input_file", metavar="INPUT", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="输出目录。",
)
@click.option(
    "--as-of",
    "as_of",
    type=RUN_DATE,
    help="基准日（签发日），缺省今天（北京时间）。",
)
@click.option("--channels", default="letter,sms", show_default=True, help="letter、sms 或两者。")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="并行工作进程数，缺省为 CPU 核数（--executor dask 时为本地集群的进程数）。",
)
@click.option(
    "--encoding", default=None, help="CSV 编码（缺省自动识别 UTF-8/GBK/带 BOM 的 UTF-16）。"
)
@click.option("--sheet", default=None, help="XLSX 工作表名（缺省第一个可见的）。")
@click.option(
    "--ignore-column",
    "ignore_columns",
    multiple=True,
    help="跳过这个表头（可重复）；其他不认识的表头会使批次停止。",
)
@click.option(
    "--header-row",
    type=click.IntRange(1, 1000),
    default=None,
    help="表头所在行号（缺省在前10行中自动查找）。",
)
@click.option("--dry-run", is_flag=True, help="只生成摘要、暂停、拒绝与检查结果，不写信函。")
@click.option("--resume", is_flag=True, help="继续一个中断的批次（同一命令重跑也会自动继续）。")
@click.option("--no-print", is_flag=True, help="不生成 print/{阶段}.pdf 印刷合并文件。")
@click.option(
    "--executor",
    type=click.Choice(["process", "dask"]),
    default="process",
    show_default=True,
    help="在哪里运行：本机进程池，或 Dask 集群（需 pip install 'dunletters[dask]'）。",
)
@click.option(
    "--dask-scheduler",
    "dask_scheduler",
    default=None,
    metavar="tcp://HOST:8786",
    help="加入已有的 Dask 集群；缺省在本机启动 --workers 个进程的集群。",
)
@click.option("--dask-dashboard", is_flag=True, help="开启 Dask 仪表盘（缺省关闭）。")
@click.option(
    "--worker-writes",
    is_flag=True,
    help="工作进程自己把文件写入 --out（多机时须为同一路径的共享目录），本机只核对；"
    "也可在配置 [batch] worker_writes = true。",
)
@click.option(
    "--demo",
    is_flag=True,
    help="演示：允许使用示例债权机构（配置中 example = true 或未配置）。真实批次不要用。",
)
@click.option(
    "--allow-unreviewed",
    is_flag=True,
    help="允许使用未审核（正文改动后未重新审核）的模板；清单仍记下每份文书所用的审核。",
)
@_pdf_variant_option
@_templates_option
@click.pass_obj
def batch_cmd(
    state: _State,
    input_file: Path,
    out: Path,
    as_of: datetime | None,
    channels: str,
    workers: int | None,
    encoding: str | None,
    sheet: str | None,
    ignore_columns: tuple[str, ...],
    header_row: int | None,
    dry_run: bool,
    resume: bool,
    no_print: bool,
    executor: str,
    dask_scheduler: str | None,
    dask_dashboard: bool,
    worker_writes: bool,
    demo: bool,
    allow_unreviewed: bool,
    pdf_variant: str | None,
    template_dirs: tuple[Path, ...],
) -> int:
    """批量生成：账户文件 → 信函 PDF、短信、暂停与拒绝清单；可中断、可续跑。"""
    _with_pdf_variant(state, pdf_variant)
    import os

    from dunletters.batch.pipeline import plain_progress, run_batch
    from dunletters.commands.batch import batch_options, summary

    with _usage():
        options = batch_options(
            input_file,
            out,
            as_of=as_of.date() if as_of else datetime.now(zh.SHANGHAI).date(),
            channels=channels,
            workers=workers or os.cpu_count() or 1,
            template_dirs=template_dirs,
            encoding=encoding,
            sheet=sheet,
            dry_run=dry_run,
            resume=resume,
            print_files=not no_print,
            ignore_columns=ignore_columns,
            header_row=header_row,
            demo=demo,
            executor=executor,
            dask_scheduler=dask_scheduler,
            dask_dashboard=dask_dashboard,
            allow_unreviewed=allow_unreviewed,
            worker_writes=worker_writes,
        )
    if sys.stderr.isatty():
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, transient=True) as progress:
            task = progress.add_task("准备中", total=None, rate="")

            def report(done: int, total: int) -> None:
                speed = progress.tasks[0].speed
                rate = f"{speed:.1f} 户/秒" if speed else ""
                progress.update(task, completed=done, total=total, rate=rate)

            def status(text: str) -> None:
                progress.update(task, description=text)

            result = run_batch(state.settings, options, report, status)
    else:
        result = run_batch(state.settings, options, plain_progress())
    lines, notes = summary(result, options, state.settings)
    for line in lines:
        click.echo(line)
    for note in notes:
        click.echo(note, err=True)
    return result.exit_status


@cli.command("columns")
@click.argument("input_file", metavar="INPUT", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--encoding", default=None, help="CSV 编码（缺省自动识别）。")
@click.option("--sheet", default=None, help="XLSX 工作表名（缺省第一个可见的）。")
@click.option("--ignore-column", "ignore_columns", multiple=True, help="跳过这个表头（可重复）。")
@click.option("--header-row", type=click.IntRange(1, 1000), default=None, help="表头所在行号。")
@click.pass_obj
def columns_cmd(
    state: _State,
    input_file: Path,
    encoding: str | None,
    sheet: str | None,
    ignore_columns: tuple[str, ...],
    header_row: int | None,
) -> int:
    """显示输入文件每个表头的对应（标准列、忽略或不认识），不生成任何东西。

    不认识的表头给出最接近的标准列；有不认识的表头或缺少必需的列时退出码为 2。
    """
    from dunletters.batch.inspect import column_report

    lines, ok = column_report(
        input_file,
        state.settings,
        encoding=encoding,
        sheet=sheet,
        ignore=ignore_columns,
        header_row=header_row,
    )
    for line in lines:
        click.echo(line)
    return ExitStatus.OK if ok else ExitStatus.USAGE


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
@_templates_option
@_no_builtin_option
@click.pass_obj
def preview_cmd(
    state: _State,
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
    _creditor_note(state.settings)
    with _usage():
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
@_templates_option
@_no_builtin_option
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
    state: _State,
    template_dirs: tuple[Path, ...],
    no_builtin: bool,
    host: str,
    port: int,
    as_of: datetime | None,
    ledger_url: str | None,
) -> int:
    """本地预览服务：模板总览、信函与短信预览、检查结果高亮，保存模板后页面自动更新。"""
    from dunletters.commands.serve import prepare_server

    _creditor_note(state.settings)
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


@cli.command("rules")
@click.argument("code", required=False)
@click.option("--markdown", is_flag=True, help="生成全部规则的 Markdown 文档（docs/rules.md）。")
def rules_cmd(code: str | None, markdown: bool) -> int:
    """列出规则，或打印一条规则的说明与示例。"""
    from dunletters.lint.docs import rule_doc, rules_markdown, rules_table

    if markdown:
        click.echo(rules_markdown(), nl=False)
    elif code:
        click.echo(rule_doc(code), nl=False)
    else:
        click.echo(rules_table(), nl=False)
    return ExitStatus.OK


def _verbose_first(args: list[str]) -> tuple[list[str], bool]:
    """``-v`` is a top-level option, but users put it after the subcommand too
    (``dunletters batch … -v``): move it to the front (never after ``--``)."""
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in ("-v", "--verbose")]
    rest = [a for a in args[:end] if a not in ("-v", "--verbose")]
    return [*flags[:1], *rest, *args[end:]], bool(flags)


# -- the contact ledger (issue 19) ---------------------------------------------------------------

_ledger_option = click.option(
    "--ledger",
    "ledger_url",
    default=None,
    help="联系记录库：sqlite:///路径、路径 或 postgresql://…；缺省为配置 [ledger] url。",
)


def _import(
    state: _State, url: str | None, kind: str, importer: Callable[[Any, Path], Any], file: Path
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
@_ledger_option
@click.pass_obj
def ledger_import_receipts(state: _State, file: Path, ledger_url: str | None) -> int:
    """导入短信网关状态或退信清单（CSV/XLSX：函号 或 账号+渠道，状态，日期）。"""
    from dunletters.ledger.imports import import_receipts

    return _import(state, ledger_url, "回执", import_receipts, file)


@ledger_group.command("import-payments")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_ledger_option
@click.pass_obj
def ledger_import_payments(state: _State, file: Path, ledger_url: str | None) -> int:
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
@_ledger_option
@click.pass_obj
def ledger_prune(state: _State, before: datetime | None, ledger_url: str | None) -> int:
    """删除超过保存期限的文书与还款记录（不能删除保存期限内的记录）。"""
    from datetime import date

    from dunletters.commands.ledger import prune

    cutoff = before.date() if before is not None else None
    click.echo(prune(state.settings, cutoff, ledger_url, today=date.today()))
    return int(ExitStatus.OK)


@cli.command("history")
@click.argument("account_id")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@_ledger_option
@click.pass_obj
def history_cmd(state: _State, account_id: str, output_format: str, ledger_url: str | None) -> int:
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
@_ledger_option
@click.pass_obj
def report_cmd(
    state: _State, start: datetime, end: datetime, out_file: Path | None, ledger_url: str | None
) -> int:
    """按阶段 × 语气 × 模板版本统计：送达数、7/14/30 天内还款比例（Wilson 区间）与还款金额。"""
    from dunletters.commands.ledger import report

    for line in report(state.settings, start.date(), end.date(), out_file, ledger_url):
        click.echo(line)
    return int(ExitStatus.OK)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, mapping errors to one line and an exit status."""
    args, verbose = _verbose_first(list(argv if argv is not None else sys.argv[1:]))
    try:
        status = cli.main(args=args, prog_name="dunletters", standalone_mode=False)
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
