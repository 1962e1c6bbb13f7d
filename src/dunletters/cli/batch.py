"""``dunletters batch`` and ``columns``: a whole input file, or only its headers."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from dunletters import zh
from dunletters.cli.base import (
    RUN_DATE,
    State,
    cli,
    pdf_variant_option,
    templates_option,
    usage_errors,
    with_pdf_variant,
)
from dunletters.errors import ExitStatus

__all__ = ["batch_cmd", "columns_cmd"]


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
@pdf_variant_option
@templates_option
@click.pass_obj
def batch_cmd(
    state: State,
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
    with_pdf_variant(state, pdf_variant)
    import os

    from dunletters.commands.batch import batch_options, run, summary

    with usage_errors():
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
    result = run(state.settings, options, bar=sys.stderr.isatty())
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
    state: State,
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
