"""``dunletters batch``: the options of a run checked and assembled, and its summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dunletters.errors import UsageError
from dunletters.vocabulary import CHANNELS

if TYPE_CHECKING:
    from dunletters.batch.pipeline import BatchOptions, BatchResult
    from dunletters.config import Settings

__all__ = ["batch_options", "run", "summary"]


def batch_options(
    input_file: Path,
    out: Path,
    *,
    as_of: date,
    channels: str,
    workers: int,
    template_dirs: tuple[Path, ...],
    encoding: str | None,
    sheet: str | None,
    dry_run: bool,
    resume: bool,
    print_files: bool,
    ignore_columns: tuple[str, ...],
    header_row: int | None,
    demo: bool,
    executor: str,
    dask_scheduler: str | None,
    dask_dashboard: bool,
    allow_unreviewed: bool,
    worker_writes: bool = False,
) -> BatchOptions:
    """The run's options from the command's; refuses ones that do not fit together."""
    from dunletters.batch.pipeline import BatchOptions

    chosen = tuple(c.strip() for c in channels.split(",") if c.strip())
    if not chosen or any(c not in CHANNELS for c in chosen):
        raise UsageError("--channels 只能是 letter、sms 或 letter,sms")
    options = BatchOptions(
        input=input_file,
        out=out,
        as_of=as_of,
        channels=chosen,
        workers=workers,
        template_dirs=template_dirs,
        encoding=encoding,
        sheet=sheet,
        dry_run=dry_run,
        resume=resume,
        print_files=print_files,
        ignore_columns=ignore_columns,
        header_row=header_row,
        demo=demo,
        executor=executor,
        dask_scheduler=dask_scheduler,
        dask_dashboard=dask_dashboard,
        worker_writes=worker_writes,
        allow_unreviewed=allow_unreviewed,
    )
    if executor != "dask" and (dask_scheduler or dask_dashboard):
        raise UsageError("--dask-scheduler 与 --dask-dashboard 只用于 --executor dask")
    return options


def run(settings: Settings, options: BatchOptions, *, bar: bool) -> BatchResult:
    """Run the batch with a progress bar on a terminal (``bar``), else plain progress lines."""
    from dunletters.batch.pipeline import plain_progress, run_batch

    if not bar:
        return run_batch(settings, options, plain_progress())
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

        return run_batch(settings, options, report, status)


def summary(
    result: BatchResult, options: BatchOptions, settings: Settings
) -> tuple[list[str], list[str]]:
    """What a finished run says: lines for standard output, notes for standard error."""
    counts = result.counts
    dry_run = options.dry_run
    out = options.out
    lines = [
        f"{'（试运行）' if dry_run else ''}已生成 {counts.get('written', 0)}，隔离 {counts.get('quarantined', 0)}，"
        f"暂停 {counts.get('held', 0)}，拒绝 {counts.get('rejected', 0)}；"
        f"输出在 {out / 'dry-run' if dry_run else out}",
        f"执行：{result.executor}",
    ]
    from dunletters.batch.summary import digest_of

    lines += digest_of(out / "dry-run" if dry_run else out)
    notes = []
    if counts.get("sms_not_scheduled"):
        notes.append(
            f"注意：{counts['sms_not_scheduled']} 条短信因同一手机号过多、再发会晚于还款期限，"
            "未列入 sms.csv（账号见 summary.json 的 sms_not_scheduled）"
        )
    if counts.get("shared_mobile"):
        held = settings.sms.shared_mobile == "hold"
        what = "已暂停（见 holds.csv）" if held else '照发（[sms] shared_mobile = "warn"）'
        notes.append(
            f"注意：{counts['shared_mobile']} 个账户的手机号同时对应其他姓名，短信{what}，"
            "账号见 summary.json 的 shared_mobile"
        )
    return lines, notes
