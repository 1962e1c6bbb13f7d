"""``dunletters render``, ``lint`` and ``rules``: one document made, drafts checked."""

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
    load_registry,
    no_builtin_option,
    pdf_variant_option,
    show_creditor_note,
    split_list,
    templates_option,
    usage_errors,
    with_pdf_variant,
)
from dunletters.errors import ExitStatus
from dunletters.vocabulary import CHANNELS, STAGES

__all__ = ["lint_cmd", "render_cmd", "rules_cmd"]


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
@pdf_variant_option
@templates_option
@no_builtin_option
@click.pass_obj
def render_cmd(
    state: State,
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
    with_pdf_variant(state, pdf_variant)
    from dunletters.commands.render import output_format, render_to_file

    run_date = as_of.date() if as_of else datetime.now(zh.SHANGHAI).date()
    with usage_errors():
        fmt = output_format(channel, output, record=record, sample=sample)
    show_creditor_note(state.settings)
    click.echo(
        render_to_file(
            state.settings,
            load_registry(template_dirs, no_builtin),
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
@templates_option
@click.pass_obj
def lint_cmd(
    state: State,
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
    """检查催收函/短信草稿或模板（路径为 - 时读标准输入）：路径:行:列: 代码 名称: 说明。"""
    from dunletters.commands.lint import run_lint

    show_creditor_note(state.settings)
    with usage_errors():
        result = run_lint(
            state.settings,
            paths,
            record=record,
            stage=stage,
            tone=tone,
            channel=channel,
            fmt=fmt,
            select=split_list(select),
            ignore=split_list(ignore),
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


@cli.command("rules")
@click.argument("code", required=False)
@click.option("--markdown", is_flag=True, help="生成全部规则的 Markdown 文档（docs/rules.md）。")
def rules_cmd(code: str | None, markdown: bool) -> int:
    """列出规则，或打印一条规则的说明与示例。"""
    from dunletters.commands.rules import rules_text

    click.echo(rules_text(code, markdown=markdown), nl=False)
    return ExitStatus.OK
