"""``dunletters preview``: one template, rendered and linted, written as PNG/PDF/HTML/SMS text.

The findings are printed exactly as ``dunletters lint`` prints them for the template
file (with the one-page check, as ``lint`` does by default), so an author sees the same
list on the command line, in CI and in the web preview. With ``--record`` or
``--sample`` the document rendered for that account is linted as well (amounts against
the record, the PDF's real page count), reported under ``渲染结果[…]``.

Exit status: 0 no error-severity finding, 1 at least one, 2 a usage, template or
record error (the template's findings are still printed first).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from dunletters.commands.lint import exit_status
from dunletters.commands.records import load_record, write_private
from dunletters.config import Settings
from dunletters.errors import TemplateError, UsageError
from dunletters.history import sample_history
from dunletters.lint.engine import Linter
from dunletters.lint.reporters import FileReport, render_report
from dunletters.lint.rules import RULES
from dunletters.preview import core

__all__ = ["FORMATS", "run_preview"]

FORMATS: dict[str, tuple[str, ...]] = {"letter": ("png", "pdf", "html"), "sms": ("txt",)}
"""Output formats per channel; the first is the default."""


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _format(channel: str, fmt: str | None, output: Path | None) -> str:
    allowed = FORMATS[channel]
    from_suffix = output.suffix.lower().lstrip(".") if output is not None else None
    chosen = fmt or (from_suffix if from_suffix in allowed else allowed[0])
    if chosen not in allowed:
        raise UsageError(f"{core.CHANNEL_NAMES[channel]}模板的预览格式只能是 {'、'.join(allowed)}")
    if from_suffix is not None and from_suffix != chosen:
        raise UsageError(f"输出文件 {output} 的后缀与格式 {chosen} 不符")
    return chosen


def run_preview(
    settings: Settings,
    spec: str,
    *,
    channel: str | None,
    record: Path | None,
    sample: str | None,
    fmt: str | None,
    output: Path | None,
    as_of: date,
    template_dirs: Sequence[Path],
    builtin: bool = True,
    out: Callable[[str], object] | None = None,
) -> int:
    """Render, lint, print the findings and write the preview; return the exit status.

    ``out``: where the findings and notes go (standard output by default).
    """
    write = out if out is not None else sys.stdout.write
    source = core.resolve_template(spec, channel, template_dirs, builtin=builtin)
    template = source.template
    chosen = _format(template.channel, fmt, output)
    if record is not None:
        account = load_record(record, as_of)
        account_label: str | None = str(record)
    else:
        choices = core.sample_choices(template.stage, as_of)
        name = sample or core.default_sample(settings, template.stage, template.tone)
        if name not in choices:
            raise UsageError(f"没有样例账户 {name}（可用：{'、'.join(choices)}）")
        account = choices[name].account
        account_label = f"样例 {name}" if sample is not None else None

    pdf_renderer = None
    if template.channel == "letter":
        from dunletters.pdf import PdfRenderer  # WeasyPrint loads only for letters

        pdf_renderer = PdfRenderer.for_registry(source.registry)
    linter = Linter(settings)
    report = core.lint_template(
        settings,
        source,
        as_of=as_of,
        linter=linter,
        template_dirs=template_dirs,
        page_counter=pdf_renderer.page_count if pdf_renderer is not None else None,
        # A file is shown as given, like `dunletters lint FILE`; a key by its file.
        shown=spec if Path(spec).is_file() else _shown(template.path),
    )
    rendered = core.render_preview(
        settings,
        source,
        account,
        as_of=as_of,
        linter=linter,
        pdf_renderer=pdf_renderer if chosen in ("png", "pdf") else None,
        history=sample_history(template.stage, as_of) if record is None else None,
    )
    reports = [report]
    if account_label is not None and rendered.error is None:
        reports.append(FileReport(f"渲染结果[{account_label}]", list(rendered.findings)))

    if rendered.sms is not None:
        sms = rendered.sms
        write(f"{sms.text}\n")
        write(f"{sms.length.characters}字（含签名），计费{sms.segments}条，{sms.length.encoding}\n")
    write(render_report(reports, "text", RULES))
    if rendered.error is not None:
        raise TemplateError(rendered.error)
    if rendered.policy_note:
        write(f"{rendered.policy_note}\n")

    data: bytes | None = None
    if chosen == "png" and rendered.pdf is not None:
        data = core.pdf_to_png(rendered.pdf)
    elif chosen == "pdf":
        data = rendered.pdf
    elif chosen == "html" and rendered.html is not None:
        data = rendered.html.encode("utf-8")
    elif chosen == "txt" and output is not None:
        data = rendered.text.encode("utf-8") + b"\n"
    if data is not None:
        target = output or Path(f"{template.stage}.{template.tone}.{chosen}")
        write_private(target, data)  # owner-only: it can show a record's data
        pages = f"，{rendered.pages}页" if rendered.pages is not None else ""
        write(f"已写入 {target}（{source.key}，模板 {template.short_version}{pages}）\n")
    write(f"审核：{template.review_label}\n")
    write(core.reach(settings, template.stage, template.tone) + "\n")

    return exit_status(reports)
