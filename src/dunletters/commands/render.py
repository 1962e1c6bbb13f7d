"""``dunletters render``: one record (or the built-in sample) to a letter or an SMS file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dunletters.config import Settings
from dunletters.errors import UsageError
from dunletters.registry import Registry

__all__ = ["OUTPUT_SUFFIXES", "output_format", "render_to_file"]

OUTPUT_SUFFIXES: dict[str, tuple[str, ...]] = {"letter": (".pdf", ".html"), "sms": (".txt",)}
"""The output files each channel can be written to."""


def output_format(channel: str, output: Path, *, record: Path | None, sample: bool) -> str:
    """The format the output file's suffix names (``pdf``, ``html``, ``txt``), once the
    options are known to fit together."""
    suffix = output.suffix.lower()
    allowed = OUTPUT_SUFFIXES[channel]
    if suffix not in allowed:
        raise UsageError(f"{channel} 的输出文件须以 {' 或 '.join(allowed)} 结尾")
    if record is not None and sample:
        raise UsageError("给出记录时不能同时使用 --sample")
    return suffix.lstrip(".")


def render_to_file(
    settings: Settings,
    registry: Registry,
    *,
    record: Path | None,
    channel: str,
    stage: str | None,
    tone: str | None,
    as_of: date,
    output: Path,
    fmt: str,
) -> str:
    """Render, write the file (owner-only) and return the line that says so."""
    from dunletters.documents import render_one, write_private  # heavy: only for this command

    result = render_one(
        settings,
        registry,
        record=record,
        channel=channel,
        stage=stage,
        tone=tone,
        as_of=as_of,
        output_format=fmt,
    )
    write_private(output, result.data)
    return f"已写入 {output}（{result.summary}）"
