"""``dunletters ledger …``, ``history`` and ``report``: the contact ledger's commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from dunletters.config import Settings
from dunletters.errors import ConfigError, ExitStatus, InputError

__all__ = ["history", "import_file", "open_ledger", "prune", "report"]


def open_ledger(settings: Settings, url: str | None) -> Any:
    """The ledger named on the command line or in the configuration."""
    from dunletters.ledger import Ledger

    chosen = url or settings.ledger.url
    if not chosen:
        raise ConfigError(
            "未指定联系记录库：请在配置 [ledger] url 中写明，或用 --ledger 给出"
            "（批处理的缺省位置是函号文件 letter-numbers.sqlite 旁的 ledger.sqlite）"
        )
    if "://" not in chosen:
        chosen = f"sqlite:///{Path(chosen).resolve()}"
    return Ledger(chosen)


def import_file(
    settings: Settings,
    url: str | None,
    kind: str,
    importer: Callable[[Any, Path], Any],
    file: Path,
) -> tuple[list[str], int]:
    """Run one ledger import: the lines that report it (applied, unchanged, rejects by
    row) and the exit status."""
    ledger = open_ledger(settings, url)
    try:
        result = importer(ledger, file)
    finally:
        ledger.close()
    lines = [
        f"{kind}：已导入 {result.applied} 行，已存在 {result.unchanged} 行，拒绝 {len(result.rejects)} 行",
        *(f"  第 {row} 行 {field}：{reason}" for row, field, reason in result.rejects),
    ]
    return lines, int(ExitStatus.FINDINGS) if result.rejects else int(ExitStatus.OK)


def prune(settings: Settings, before: date | None, url: str | None, *, today: date) -> str:
    """Delete the records older than ``before`` (default: the retention period's start);
    refuses a date inside the retention period."""
    years = settings.ledger.retention_years
    leap_day = (today.month, today.day) == (2, 29)
    limit = today.replace(year=today.year - years, day=28 if leap_day else today.day)
    cutoff = before if before is not None else limit
    if cutoff > limit:
        raise InputError(
            f"{cutoff.isoformat()} 晚于保存期限的起点 {limit.isoformat()}（保存 {years} 年）：不能删除保存期限内的催收记录"
        )
    ledger = open_ledger(settings, url)
    try:
        documents, payments = ledger.prune(cutoff)
    finally:
        ledger.close()
    return f"已删除 {cutoff.isoformat()} 之前的文书 {documents} 条、还款 {payments} 条"


def history(settings: Settings, account_id: str, fmt: str, url: str | None) -> str:
    """Every document sent to an account, and its payments, as text or JSON."""
    from dunletters.ledger.history import history_json, history_text

    ledger = open_ledger(settings, url)
    try:
        show = history_json if fmt == "json" else history_text
        return show(ledger, account_id)
    finally:
        ledger.close()


def report(
    settings: Settings, start: date, end: date, out_file: Path | None, url: str | None
) -> Iterator[str]:
    """Outcomes by stage × tone × template version: yields the text report, then writes
    the HTML file (if asked) and yields the line naming it."""
    from dunletters.ledger.report import report_html, report_rows, report_text

    ledger = open_ledger(settings, url)
    try:
        groups = report_rows(ledger, start, end)
    finally:
        ledger.close()
    yield report_text(groups, start, end)
    if out_file is not None:
        out_file.write_text(report_html(groups, start, end), encoding="utf-8")
        yield f"HTML 报告：{out_file}"
