"""Lines drawn with the Pango layout they were measured with, not a rebuilt one.

WeasyPrint 70 drops each line's layout after measuring it and rebuilds it for every
drawing; a kept layout is the same whenever the conditions below hold
(benchmarks/NOTES.md, "lines").
"""

from __future__ import annotations

import re
from typing import Any

from dunletters.pdf.accel._switch import active

__all__ = ["install"]

_PARAGRAPH_BREAKS = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
"""Characters Pango may treat as paragraph or line separators."""


def install() -> None:
    """Draw each line with the Pango layout it was measured with, instead of a new one.

    WeasyPrint 70 measures a line with a Pango layout, then drops the layout
    (``Layout.deactivate``) and, for each drawing, builds it again from the same text
    and style (``reactivate``): a new Pango context and layout, and the line shaped
    again (the batch draws each letter twice: its own PDF and its print file). A rebuilt layout differs from the kept one only in
    being in single-paragraph mode (``draw_first_line`` sets it) and in the spacing
    that justification adds between words. So a layout is kept when it is the same:
    its text has no paragraph or line separator (single-paragraph mode then changes
    nothing, and is set at once, so drawing shapes nothing again), it has the
    justification spacing the drawing wants, and the style object is the same; a
    line drawn with an ellipsis (which edits the layout) is rebuilt next time, as
    WeasyPrint does. Tested byte for byte against WeasyPrint's own.
    """
    from weasyprint import draw as drawing
    from weasyprint.text import line_break
    from weasyprint.text.ffi import pango

    layout_class = line_break.Layout
    if getattr(layout_class.set_text, "dunletters_kept", False):
        return
    set_text, deactivate, reactivate = (
        layout_class.set_text,
        layout_class.deactivate,
        layout_class.reactivate,
    )
    draw_text = drawing.draw_text

    def set_text_(self: Any, text: str, justify: bool = False) -> None:
        set_text(self, text, justify)
        if not active():
            self.dl_keep = False
            return
        self.dl_justified = justify
        self.dl_keep = _PARAGRAPH_BREAKS.search(self.text) is None
        if self.dl_keep:
            pango.pango_layout_set_single_paragraph_mode(self.layout, True)

    def deactivate_(self: Any) -> None:
        if getattr(self, "dl_keep", False) and not getattr(self, "dl_changed", False):
            self.dl_live = True
            return
        self.dl_live = False
        deactivate(self)

    def reactivate_(self: Any, style: Any) -> None:
        if (
            getattr(self, "dl_live", False)
            and style is self.style
            and (self.dl_justified or not self.justification_spacing)
        ):
            self.dl_live = False
            return
        self.dl_live = self.dl_changed = False
        reactivate(self, style)

    def draw_text_(
        stream: Any, textbox: Any, offset_x: float, text_overflow: str, block_ellipsis: Any
    ) -> Any:
        if text_overflow == "ellipsis" or block_ellipsis != "none":
            textbox.pango_layout.dl_changed = True  # draw_first_line edits the layout
        return draw_text(stream, textbox, offset_x, text_overflow, block_ellipsis)

    set_text_.dunletters_kept = True  # type: ignore[attr-defined]
    set_text_.original = (set_text, deactivate, reactivate)  # type: ignore[attr-defined]
    layout_class.set_text = set_text_
    layout_class.deactivate = deactivate_
    layout_class.reactivate = reactivate_
    drawing.draw_text = draw_text_
