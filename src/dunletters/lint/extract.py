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
_TEXT_RUN = re.compile(r">([^<>&\"'=\r\x00\ue000\ue001]+)(?=<|\Z)")
"""Text between a tag's end and the next tag that HTMLParser can only read as data:
no markup, character reference or attribute syntax (the marks' own characters neither)."""
_MARK = re.compile("\ue000([0-9]+)\ue001")
_SKELETONS: dict[str, list[str]] = {}
"""Each block's joined data for a letter's markup with its text runs marked (see
:func:`_blocks`)."""


def _blocks(markup: str) -> list[str]:
    """Each block's data, joined; from a parse of the letter's markup alone.

    A batch's letters differ in their text, not their markup: each run of text between
    two tags is replaced by a numbered mark (U+E000, its number, U+E001), the resulting
    skeleton is parsed once, and a letter's blocks are the skeleton's with the marks
    turned back into its runs. A run is data whatever surrounds it (no ``<``, ``&``,
    quotes or ``=``), so the parser sees the same tags and data around a mark as around
    the run; a mark that lands elsewhere (in a comment, an attribute, a ``<style>``) is
    dropped with what holds it, as the run would be. Markup that already holds the
    marks' characters is parsed the long way.
    """
    if "\ue000" in markup or "\ue001" in markup:
        return _parsed(markup)
    runs: list[str] = []

    def mark(match: re.Match[str]) -> str:
        runs.append(match.group(1))
        return f">\ue000{len(runs) - 1}\ue001"

    skeleton = _TEXT_RUN.sub(mark, markup)
    blocks = _SKELETONS.get(skeleton)
    if blocks is None:
        if len(_SKELETONS) >= 256:
            _SKELETONS.clear()
        blocks = _SKELETONS[skeleton] = _parsed(skeleton)
    if not runs:
        return blocks

    def text(match: re.Match[str]) -> str:
        return runs[int(match.group(1))]

    return [_MARK.sub(text, block) if "\ue000" in block else block for block in blocks]


def _parsed(markup: str) -> list[str]:
    parser = _Extractor()
    parser.feed(markup)
    parser.close()
    return ["".join(block) for block in parser.blocks]


def html_to_text(markup: str) -> str:
    """The reader's text of an HTML letter: one paragraph per block, blank-line separated.

    >>> html_to_text("<html><head><style>p{}</style></head><body><h1>催收函</h1>"
    ...              "<p>尊敬的张先生：<br>您好。</p><table><tr><td>本金</td><td>¥1.00</td></tr></table>")
    '催收函\\n\\n尊敬的张先生：\\n您好。\\n\\n本金 ¥1.00\\n'
    """
    paragraphs = []
    for text in _blocks(markup):
        lines = [_SPACES.sub(" ", line).strip() for line in html.unescape(text).split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs) + ("\n" if paragraphs else "")
