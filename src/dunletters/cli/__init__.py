"""The ``dunletters`` command: click only, options in and exit statuses out.

Each module here declares one group of commands and calls :mod:`dunletters.commands`
for the work; this one maps errors for every subcommand: a :class:`DunlettersError`
becomes one clear line on stderr and its documented exit status (see
``errors.ExitStatus``); a traceback only with ``-v``. Ctrl-C exits with status 3 so a
batch script can tell an interruption (resumable) from a failure.
"""

from __future__ import annotations

import sys
import traceback

import click

from dunletters.cli import batch, ledger, render, settings, templates
from dunletters.cli.base import RUN_DATE, cli
from dunletters.errors import DunlettersError, ExitStatus

__all__ = ["RUN_DATE", "cli", "main"]

COMMAND_MODULES = (batch, ledger, render, settings, templates)
"""The modules whose commands join the group as they are imported."""


def _verbose_first(args: list[str]) -> tuple[list[str], bool]:
    """``-v`` is a top-level option, but users put it after the subcommand too
    (``dunletters batch … -v``): move it to the front (never after ``--``)."""
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in ("-v", "--verbose")]
    rest = [a for a in args[:end] if a not in ("-v", "--verbose")]
    return [*flags[:1], *rest, *args[end:]], bool(flags)


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
