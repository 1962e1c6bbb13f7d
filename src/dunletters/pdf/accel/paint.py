"""Print files replay the page paint their letters' own PDFs recorded (same bytes).

The batch writes each letter as its own PDF and again into a print file; drawing a
page is a large part of writing it (benchmarks/NOTES.md, "paint").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["install", "painting"]

Mode = Literal["draw", "record", "replay"]

_MODE: ContextVar[Mode] = ContextVar("dunletters_paint_mode", default="draw")
"""How ``Page.paint`` runs: ``"record"`` while a single letter is written, ``"replay"``
while a print file is, ``"draw"`` otherwise."""


@contextmanager
def painting(mode: Mode) -> Iterator[None]:
    """Run ``Page.paint`` in ``mode`` inside."""
    token = _MODE.set(mode)
    try:
        yield
    finally:
        _MODE.reset(token)


@dataclass(frozen=True)
class _Painted:
    """What painting one page added to a PDF, to add again without drawing.

    ``items`` are the content-stream operators; ``fonts`` the page's fonts in first-use
    order, each as (Pango font, glyph → text, glyph → width), both maps in first-use
    order; ``states`` the graphics states it named (``a1`` … : named by their value).
    """

    scale: float
    items: tuple[Any, ...]
    fonts: tuple[tuple[Any, dict[int, str], dict[int, int]], ...]
    states: tuple[tuple[str, Any], ...]


def install() -> None:
    """Print files reuse the pages their letters' own PDFs drew (same bytes, no drawing).

    The batch writes each letter as its own PDF and then again, with others, into a
    print file; drawing a page (text runs, the tables' collapsed borders, the seal's
    dashes) would be spent twice. While a single letter is written,
    its first page's paint is recorded — the operators it appended, the fonts and
    glyphs it used, the graphics states it named — and a print file with that page
    appends the same operators and merges the same glyphs, in the order a new
    drawing would (first use: a glyph or state already there keeps its place and
    value), so its bytes are those of drawing again (tested). A page is recorded
    only when nothing else can differ between the two files: it is its document's
    first page (fonts and states start empty, so the snapshot is exactly this
    page's), and it added no images, patterns, shadings, numbered states, missing
    glyphs or form fonts; any other page is drawn as before.
    """
    from weasyprint.document import Page

    original = Page.paint
    if getattr(original, "dunletters_replay", False):
        return

    def paint(self: Any, stream: Any, scale: float = 1) -> None:
        mode = _MODE.get()
        painted: _Painted | None = getattr(self, "_dunletters_painted", None)
        if mode == "replay" and painted is not None and painted.scale == scale:
            _replay(painted, stream)
            return
        if mode != "record" or stream._fonts or stream._resources["ExtGState"]:
            original(self, stream, scale)
            return
        self._dunletters_painted = _record(original, self, stream, scale)

    paint.dunletters_replay = True  # type: ignore[attr-defined]
    Page.paint = paint


def _record(original: Any, page: Any, stream: Any, scale: float) -> _Painted | None:
    """Paint ``page`` into ``stream`` and return what it added (None: not replayable)."""
    resources = stream._resources
    others = {name: len(resources[name]) for name in ("XObject", "Pattern", "Shading")}
    images, start = len(stream._images), len(stream.stream)
    pango_fonts: dict[int, Any] = {}
    add_font = stream.add_font

    def recording_add_font(pango_font: Any) -> Any:
        font, size = add_font(pango_font)
        pango_fonts.setdefault(id(font), pango_font)
        return font, size

    stream.add_font = recording_add_font
    try:
        original(page, stream, scale)
    finally:
        del stream.add_font
    states = tuple(resources["ExtGState"].items())
    if (
        any(len(resources[name]) != count for name, count in others.items())
        or len(stream._images) != images
        or any(not name.startswith(("a", "A")) for name, _ in states)
        or any(font.missing or font.used_in_forms for font in stream._fonts.values())
        or any(id(font) not in pango_fonts for font in stream._fonts.values())
    ):
        return None
    fonts = tuple(
        (pango_fonts[id(font)], dict(font.to_unicode), dict(font.widths))
        for font in stream._fonts.values()
    )
    return _Painted(scale, tuple(stream.stream[start:]), fonts, states)


def _replay(painted: _Painted, stream: Any) -> None:
    """Add a recorded page to ``stream``'s document as drawing it would (first use wins)."""
    import pydyf

    for pango_font, to_unicode, widths in painted.fonts:
        font, _ = stream.add_font(pango_font)
        for glyph, text in to_unicode.items():
            font.to_unicode.setdefault(glyph, text)
        for glyph, width in widths.items():
            font.widths.setdefault(glyph, width)
    states = stream._resources["ExtGState"]
    for name, state in painted.states:
        if name not in states:
            states[name] = pydyf.Dictionary(state)
    stream.stream.extend(painted.items)
