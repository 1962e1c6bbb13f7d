"""The text of a PDF letter, for linting what a batch or another system produced.

pypdfium2 (PDFium, the engine of Chromium's viewer) extracts each page's text in
reading order; pages are joined with a blank line so paragraphs stay paragraphs.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["STDIN", "PdfTextError", "pdf_text", "read_draft_bytes"]

STDIN = "-"
"""The path that means standard input, as ruff and Vale read it."""

_LINE_ENDS = re.compile(r"\r\n?")
_ENDS_SENTENCE = tuple("。！？：；!?:;）)")
_FULL_LINE = 0.8
"""A line this close to the page's longest ran to the margin: the layout wrapped it."""


class PdfTextError(ValueError):
    """The file is not a PDF whose text can be read."""


def pdf_text(data: bytes) -> str:
    """All pages' text; refuses a PDF that cannot be opened or holds no text layer."""
    import pypdfium2  # only for PDFs: a plain draft does not pay its start-up

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise PdfTextError("不是可读取的 PDF 文件（已损坏或已加密）") from None
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        document.close()
    text = _LINE_ENDS.sub("\n", "\n\n".join(pages)).replace("\x00", "")
    if not text.strip():
        raise PdfTextError("PDF 中没有可提取的文字（可能是扫描件）")
    return "\n\n".join(_unwrapped(page) for page in text.split("\n\n"))


def _unwrapped(page: str) -> str:
    """The page's lines with the layout's wraps undone — a line that ran to the margin
    and does not end a sentence continues on the next — one paragraph each."""
    lines = page.split("\n")
    longest = max((len(line) for line in lines), default=0)
    out: list[str] = []
    joining = False
    for line in lines:
        if joining and out:
            out[-1] += line.lstrip()
        else:
            out.append(line)
        stripped = line.rstrip()
        joining = (
            len(line) >= _FULL_LINE * longest
            and bool(stripped)
            and not stripped.endswith(_ENDS_SENTENCE)
            and not stripped[-1].isascii()
        )
    return "\n\n".join(out)


def read_draft_bytes(path: Path, limit: int) -> bytes:
    """A regular file's bytes (standard input for ``-``), at most ``limit``; a FIFO, device
    or directory, or a larger file, is refused (OSError with a Chinese reason) before
    anything is read."""
    import os
    import stat

    if str(path) == STDIN:
        import sys

        raw = sys.stdin.buffer.read(limit + 1)
        if len(raw) > limit:
            raise OSError(
                0, f"标准输入大于 {limit // (1024 * 1024)} MB，不像一封信或一条短信，已拒绝读取"
            )
        return raw
    info = os.stat(path)  # follows a symbolic link to what it names (/dev/zero)
    if not stat.S_ISREG(info.st_mode):
        raise OSError(0, "不是普通文件（管道、设备或目录），已拒绝读取")
    if info.st_size > limit:
        raise OSError(0, f"文件大于 {limit // (1024 * 1024)} MB，不像一封信或一条短信，已拒绝读取")
    with path.open("rb") as handle:
        raw = handle.read(limit + 1)  # the file may have grown since the stat
    if len(raw) > limit:
        raise OSError(0, f"文件大于 {limit // (1024 * 1024)} MB，不像一封信或一条短信，已拒绝读取")
    return raw
