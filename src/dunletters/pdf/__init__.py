"""The PDF engine: one-page A4 letters from HTML with WeasyPrint 70.

Public API: :class:`PdfRenderer` (``render``, ``render_many``, ``combine``,
``lay_out``/``write``/``write_print``, ``page_count``, ``for_registry``),
:class:`PdfMetadata`, :class:`RenderedPdf`, :class:`LaidOut`. The parts:
:mod:`.renderer`, :mod:`.fetcher`, :mod:`.logs`, :mod:`.theme`, :mod:`.fonts` and the
optional speed-ups in :mod:`.accel`.
"""

from __future__ import annotations

from dunletters.pdf.renderer import (
    A4_POINTS,
    LaidOut,
    PdfMetadata,
    PdfRenderer,
    RenderedPdf,
    name_check,
)

__all__ = ["A4_POINTS", "LaidOut", "PdfMetadata", "PdfRenderer", "RenderedPdf", "name_check"]
