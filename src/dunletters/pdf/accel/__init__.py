"""The PDF accelerator: narrow patches of WeasyPrint 70 and pydyf 0.13 internals.

Each patch gives the pages WeasyPrint's own code gives (tests compare both modes) in
less time; why each exists, with its measurements, is in benchmarks/NOTES.md.

* :mod:`.faces` — face data shared per process, one-pass subsets, preprocessed faces;
* :mod:`.cff` — derived faces subset compactly and embedded as bare CFF;
* :mod:`.styles` — computed styles shared across letters, linked sheet parsed once;
* :mod:`.lines` — lines drawn with the layout they were measured with;
* :mod:`.paint` — print files replay the page paint their letters recorded;
* :mod:`.blocks` — top-level blocks repeated across letters reuse their layout;
* :mod:`.cycles` — a written letter's cycles broken, so reference counting frees it;
* :mod:`.html` — the HTML tree from a cached parse of the letter's markup;
* :mod:`.pydyf` — a Flate level per file instead of level 9.

:func:`install` applies them only on the library versions they were written for and
warns (:class:`AccelerationWarning`) when the installed versions make it stand down.
A renderer turns them on for its own work only (:func:`enabled`), so an
unaccelerated renderer (``PdfRenderer(accelerate=False)`` or
``DUNLETTERS_PDF_ACCEL=0``) in the same process runs WeasyPrint's own code.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from dunletters.pdf.accel import blocks, cycles, faces, html, lines, paint, pydyf, styles
from dunletters.pdf.accel._switch import active, enabled
from dunletters.pdf.fonts import FontSet
from dunletters.pdf.libraries import ENVIRONMENT_VARIABLE, accelerator_requested

__all__ = [
    "ENVIRONMENT_VARIABLE",
    "PYDYF_VERSION",
    "WEASYPRINT_VERSION",
    "AccelerationWarning",
    "active",
    "blocks",
    "cycles",
    "enabled",
    "faces",
    "html",
    "install",
    "lines",
    "paint",
    "pydyf",
    "requested",
    "styles",
    "writing",
]

WEASYPRINT_VERSION = "70.0"
PYDYF_VERSION = "0.13.0"
"""The versions whose internals the patches were written against (pyproject pins them)."""


class AccelerationWarning(UserWarning):
    """The accelerator stood down: PDFs are still right, only slower."""


def requested(accelerate: bool | None) -> bool:
    """``accelerate`` if given, else the environment (``DUNLETTERS_PDF_ACCEL=0`` is off)."""
    return accelerator_requested(accelerate)


def install(font_set: FontSet) -> bool:
    """Apply the patches that fit the installed versions; True if WeasyPrint's did.

    A version other than the pinned one leaves that library's code as it is and
    warns, since an upgrade would otherwise make every batch slower without a word.
    """
    import pydyf as pydyf_module
    import weasyprint

    if pydyf_module.__version__ == PYDYF_VERSION:
        pydyf.install()
    else:
        warnings.warn(
            f"pydyf {pydyf_module.__version__}：PDF 压缩加速仅适用于 {PYDYF_VERSION}，"
            f"已停用 / PDF compression speed-up stands down (written for pydyf {PYDYF_VERSION})",
            AccelerationWarning,
            stacklevel=3,
        )
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        warnings.warn(
            f"WeasyPrint {weasyprint.__version__}：PDF 加速仅适用于 {WEASYPRINT_VERSION}，"
            f"已停用，信函照常生成但较慢 / PDF accelerator stands down (written for "
            f"WeasyPrint {WEASYPRINT_VERSION}); letters are still correct, only slower",
            AccelerationWarning,
            stacklevel=3,
        )
        return False
    faces.install(font_set)
    styles.install()
    lines.install()
    paint.install()
    blocks.install()
    cycles.install()
    return True


@contextmanager
def writing(print_file: bool) -> Iterator[None]:
    """While a PDF is written: its Flate level, and page paint recorded or replayed."""
    level = pydyf.PRINT_FLATE_LEVEL if print_file else pydyf.LETTER_FLATE_LEVEL
    with pydyf.flate_level(level), paint.painting("replay" if print_file else "record"):
        yield
