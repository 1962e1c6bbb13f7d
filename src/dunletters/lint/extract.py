"""Text of a rendered letter as a reader sees it, from the HTML WeasyPrint lays out.

Block elements (p, div, h1–h6, li, tr, section…) become paragraphs separated by a
blank line, table cells in a row are joined by a space, ``<br>`` is a line
break, and nothing inside ``<head>``, ``<style>`` or ``<script>`` is text. The
linter checks this text; the PDF's own text (``pdftotext``) is checked in tests to
say the same thing.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["html_to_text"]

_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
        "caption",
    ]
)
_SKIP = frozenset({"head", "style", "script", "title", "template"})
_CELLS = frozenset({"td", "th"})


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]
        self.skip_depth = 0

    def _break(self) -> None:
        if self.blocks[-1]:
            self.blocks.append([])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag in _BLOCKS:
            self._break()
        elif tag == "br":
            self.blocks[-1].append("\n")
        elif tag in _CELLS:
            self.blocks[-1].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCKS:
            self._break()
        elif tag in _CELLS:
            self.blocks[-1].append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.blocks[-1].append(data)


_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def html_to_text(markup: str) -> str:
    """The reader's text of an HTML letter: one paragraph per block, blank-line separated.

    >>> html_to_text("<html><head><style>p{}</style></head><body><h1>催收函</h1>"
    ...              "<p>尊敬的张先生：<br>您好。</p><table><tr><td>本金</td><td>¥1.00</td></tr></table>")
    '催收函\\n\\n尊敬的张先生：\\n您好。\\n\\n本金 ¥1.00\\n'
    """
    parser = _Extractor()
    parser.feed(markup)
    parser.close()
    paragraphs = []
    for block in parser.blocks:
        text = "".join(block)
        lines = [_SPACES.sub(" ", line).strip() for line in html.unescape(text).split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs) + ("\n" if paragraphs else "")
