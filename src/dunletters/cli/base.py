"""What every ``dunletters`` command shares: the group, its state, the common options.

The group's options (``-v``, ``--config``) are read once; the settings load the first
time a command asks for them, so ``dunletters rules`` reads no configuration.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dunletters import __version__
from dunletters.config import Settings, load_settings
from dunletters.errors import UsageError
from dunletters.models import parse_date

if TYPE_CHECKING:
    from dunletters.registry import Registry

__all__ = [
    "RUN_DATE",
    "State",
    "cli",
    "ledger_option",
    "load_registry",
    "no_builtin_option",
    "pdf_variant_option",
    "show_creditor_note",
    "split_list",
    "templates_option",
    "usage_errors",
    "with_pdf_variant",
]


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


class State:
    """The group's options, and the settings loaded the first time a command reads them."""

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
    ctx.obj = State(verbose, config)


@contextmanager
def usage_errors() -> Iterator[None]:
    """A command's :class:`~dunletters.errors.UsageError` shown as click shows an option
    error: with the command's usage line, exit status 2."""
    try:
        yield
    except UsageError as error:
        raise click.UsageError(str(error)) from None


def show_creditor_note(settings: Settings) -> None:
    """Say on stderr when documents show the example creditor (render, preview, lint, serve)."""
    from dunletters.commands.config import creditor_note

    note = creditor_note(settings)
    if note is not None:
        click.echo(note, err=True)


pdf_variant_option = click.option(
    "--pdf-variant",
    "pdf_variant",
    type=click.Choice(["pdf/a-2b"]),
    default=None,
    help="PDF/A-2b 归档格式（覆盖配置 [letters] pdf_variant）。",
)


def with_pdf_variant(state: State, variant: str | None) -> None:
    """``--pdf-variant`` over the configuration's ``[letters] pdf_variant``."""
    if variant is None:
        return
    settings = state.settings
    letters = settings.letters.model_copy(update={"pdf_variant": variant})
    state._settings = settings.model_copy(update={"letters": letters})


templates_option = click.option(
    "--templates",
    "template_dirs",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="自己的模板目录，覆盖同名内置模板（可多次给出，先给出的优先）。",
)
no_builtin_option = click.option(
    "--no-builtin", is_flag=True, help="只用 --templates 给出的模板，不用内置模板。"
)


def load_registry(template_dirs: tuple[Path, ...], no_builtin: bool) -> Registry:
    # Imported here: Jinja and YAML cost ~60 ms of a start-up that `dunletters lint`
    # on a plain draft (run on every save) does not need.
    from dunletters.registry import Registry

    return Registry.load(template_dirs, builtin=not no_builtin)


ledger_option = click.option(
    "--ledger",
    "ledger_url",
    default=None,
    help="联系记录库：sqlite:///路径、路径 或 postgresql://…；缺省为配置 [ledger] url。",
)


def split_list(value: str) -> tuple[str, ...]:
    """A comma-separated option (``--select DL1,DL601``) as its parts."""
    return tuple(part.strip() for part in value.split(",") if part.strip())
