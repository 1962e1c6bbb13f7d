"""A letter's HTML tree from a cached parse of its markup, its text put back.

tinyhtml5 is pure Python and a batch's letters differ in their text, not their markup
(benchmarks/NOTES.md, "html"); the tree is the one ``tinyhtml5.parse`` gives (tested).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["document", "parse_html"]

_HTML_SPACE = "\t\n\x0c\r "
_TEXT_RUN = re.compile(r">([^<>&\"'=\r\x00]+)(?=<|\Z)")
"""Text between a tag's end and the next tag, without characters that could make it
anything but plain character data (references, quotes of attribute values, ``=``)."""
_MARK = re.compile("\ue000([0-9]+)\ue001")
_SKELETONS: dict[str, tuple[Any, tuple[tuple[int, str], ...]] | None] = {}
"""Parsed skeletons (see :func:`parse_html`): the tree and where its marks are, or None
for a skeleton whose marks did not all land in text (parsed the long way)."""


def parse_html(html: str) -> Any:
    """``tinyhtml5.parse(html)``'s tree, from a parse of the letter's markup alone.

    tinyhtml5 is pure Python, and a batch's letters differ in their text, not their markup. So each
    run of text between two tags is replaced by a numbered mark (the private-use
    characters U+E000/U+E001 around its number; the run's leading and trailing
    whitespace stays, as whitespace changes how HTML parses), the resulting
    skeleton is parsed once per distinct skeleton, and each letter gets a copy of
    that tree with the marks turned back into its text.

    Only runs that are plain character data are marked: no ``<``, ``>``, ``&``
    (character references), quotes or ``=`` (they could be part of an attribute), CR
    or NUL (the parser rewrites them), and not only whitespace. A mark parses as the
    same kind of token as the run it replaces (non-whitespace character data), so
    the tree has the same shape and the mark sits where the text would; a skeleton
    whose marks do not each appear exactly once, in an element's or comment's text
    or tail (a run that was inside an attribute value, say), is parsed the long way,
    as is any letter that already contains U+E000. Tested against ``tinyhtml5.parse``
    on every built-in letter and on generated markup.
    """
    import copy

    import tinyhtml5

    if "\ue000" in html:
        return tinyhtml5.parse(html, namespace_html_elements=False)
    runs: list[str] = []

    def mark(match: re.Match[str]) -> str:
        run = match.group(1)
        core = run.strip(_HTML_SPACE)
        if not core:
            return match.group(0)
        start = run.index(core)
        runs.append(core)
        return f">{run[:start]}\ue000{len(runs) - 1}\ue001{run[start + len(core) :]}"

    skeleton = _TEXT_RUN.sub(mark, html)
    if skeleton not in _SKELETONS:
        if len(_SKELETONS) >= 256:
            _SKELETONS.clear()
        _SKELETONS[skeleton] = _marked_tree(skeleton, len(runs))
    parsed = _SKELETONS[skeleton]
    if parsed is None:
        return tinyhtml5.parse(html, namespace_html_elements=False)
    tree, places = parsed
    root = copy.deepcopy(tree)
    nodes = list(root.iter())

    def text(match: re.Match[str]) -> str:
        return runs[int(match.group(1))]

    for index, field in places:
        node = nodes[index]
        setattr(node, field, _MARK.sub(text, getattr(node, field)))
    return root


def _marked_tree(skeleton: str, marks: int) -> tuple[Any, tuple[tuple[int, str], ...]] | None:
    """A skeleton's tree and the (node index, ``"text"``/``"tail"``) holding marks, or
    None unless each mark is found exactly once there and nowhere else."""
    import tinyhtml5

    root = tinyhtml5.parse(skeleton, namespace_html_elements=False)
    places = []
    found: list[str] = []
    for index, node in enumerate(root.iter()):
        if any("\ue000" in f"{key}{value}" for key, value in node.attrib.items()):
            return None
        if isinstance(node.tag, str) and "\ue000" in node.tag:
            return None
        for field in ("text", "tail"):
            value = getattr(node, field)
            if value and "\ue000" in value:
                places.append((index, field))
                numbers = _MARK.findall(value)
                if value.count("\ue000") != len(numbers):
                    return None
                found += numbers
    if sorted(found, key=int) != [str(number) for number in range(marks)]:
        return None
    return root, tuple(places)


def document(html: str, base_url: str, fetcher: Any) -> Any:
    """WeasyPrint's ``HTML(string=html, …)``, its tree parsed by :func:`parse_html`.

    Sets what ``HTML.__init__`` (WeasyPrint 70) sets for a string source.
    """
    import cssselect2
    import weasyprint
    from weasyprint import HTML

    root = parse_html(html)
    document = HTML.__new__(HTML)
    document.base_url = weasyprint._find_base_url(root, base_url)
    document.url_fetcher = fetcher
    document.media_type = "print"
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document
