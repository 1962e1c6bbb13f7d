"""What a batch run checks before it creates anything: the creditor, the input file,
the output folder, the templates and their approvals."""

from __future__ import annotations

import stat
import sys
from pathlib import Path
from typing import Any

from dunletters.batch.options import BatchOptions, numbers_file
from dunletters.batch.storage import OUTPUT_NAMES, os_reason
from dunletters.config import CREDITOR_HINT, Settings
from dunletters.errors import InputError
from dunletters.registry import Registry, policy_keys

__all__ = [
    "check_approvals",
    "check_creditor",
    "check_input_file",
    "check_out",
    "check_templates",
    "make_environment",
]


def check_creditor(settings: Settings, *, demo: bool) -> None:
    """Refuse a real run for a creditor nobody configured (letters in a fictional bank's name)."""
    status = settings.creditor_status
    if status == "configured" or demo:
        return
    if status == "missing":
        raise InputError(
            "未配置债权机构：没有找到 [creditor] 配置，不能以内置示范机构"
            f"「{settings.creditor.name}」的名义生成催收文书。{CREDITOR_HINT}；仅作演示时加 --demo"
        )
    raise InputError(
        f"配置中的债权机构「{settings.creditor.name}」是示例（{settings.source} 的 [creditor] 中"
        f"有 example = true），不能用于真实批次。{CREDITOR_HINT}，并删去 example 一行；"
        "仅作演示时加 --demo（make demo 即如此）"
    )


def check_input_file(path: Path) -> None:
    """The input must be a regular file: a FIFO would block the run, a device never end.

    Checked before the output folder is touched, so a mistyped path leaves nothing behind.
    """
    try:
        found = path.stat()
    except FileNotFoundError:
        raise InputError(f"找不到输入文件 {path}") from None
    except OSError as error:
        raise InputError(f"无法读取输入文件 {path}：{os_reason(error)}") from None
    if not stat.S_ISREG(found.st_mode):
        kind = "文件夹" if stat.S_ISDIR(found.st_mode) else "管道、设备或套接字"
        raise InputError(
            f"输入文件 {path} 不是普通文件（是{kind}）：请给出 CSV、XLSX 或 JSONL 文件"
        )


def check_out(options: BatchOptions) -> None:
    """Refuse an output folder where the run would overwrite its own input (D-13)."""
    source = options.input.resolve()
    try:
        inside = source.relative_to(options.out.resolve())
    except ValueError:
        inside = None
    numbers = numbers_file(options).resolve()
    if (inside is not None and inside.parts[0] in OUTPUT_NAMES) or source == numbers:
        clash = inside.parts[0] if inside is not None else numbers.name
        raise InputError(
            f"输入文件 {options.input} 与本批次的输出 {clash} 同名、位置相同，会被覆盖："
            "请把输入文件移到别处，或换一个 --out 目录"
        )


def check_templates(registry: Registry, settings: Settings, options: BatchOptions) -> None:
    """Every (stage, tone) the policy can produce has its templates for the run's channels,
    parsed with the run's filters: else the run stops before reading a row."""
    problems = registry.check(
        make_environment(registry),
        settings.policy,
        context_models=_context_models(),
        channels=options.channels,
        cache=True,
    )
    if problems:
        raise InputError("模板检查未通过：" + "；".join(str(p) for p in problems[:5]))


def check_approvals(registry: Registry, settings: Settings, options: BatchOptions) -> None:
    """Refuse a run that could send a wording nobody approved (unless told to allow it)."""
    unapproved = registry.unapproved(policy_keys(settings.policy, options.channels))
    if not unapproved:
        return
    listing = "、".join(t.name for t in unapproved)
    if options.allow_unreviewed:
        print(f"dunletters: 注意：使用未审核的模板：{listing}", file=sys.stderr, flush=True)
        return
    raise InputError(
        f"{len(unapproved)}个模板未审核（正文或其版式、宏文件与审核记录不符）：{listing}。"
        "请审核（dunletters templates approve 阶段.语气 --by 审核人）后再运行，"
        "或确认后加 --allow-unreviewed"
    )


def _context_models() -> dict[str, Any]:
    from dunletters.rendering import CONTEXT_MODELS

    return dict(CONTEXT_MODELS)


def make_environment(registry: Registry) -> Any:
    """The run's Jinja environment, for the template check (rendering loads when needed)."""
    from dunletters.rendering import make_environment as environment

    return environment(registry)
