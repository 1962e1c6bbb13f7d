"""Derived faces embedded as bare CFF (``FontFile3 /CIDFontType0C``), their glyphs renumbered.

WeasyPrint 70 subsets with retained glyph ids, so each subset carries empty slots up
to the highest glyph a letter uses, wrapped in OpenType. For a CID-keyed CFF face
HarfBuzz keeps each glyph's CID in the subset's charset when it renumbers the glyphs,
and a CIDFontType0 selects glyphs by CID: content streams, ``/W`` and ToUnicode stay
valid. The bare table is what makes it correct — with the OpenType wrapper, poppler
and PDFium pick glyphs by glyph id (benchmarks/NOTES.md, "bare CFF").
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

__all__ = ["DROPPED_TABLES", "compact_families", "install", "register", "table"]

compact_families: set[str] = set()
"""Families of derived faces whose CFF is CID-keyed: subset compact, embedded bare."""

DROPPED_TABLES = (b"OS/2", b"hhea", b"hmtx", b"name", b"post")
"""Tables a bare CFF leaves behind anyway: not subset at all."""

_ROS = (12, 30)


def register(family: str, path: Path) -> None:
    """Subset ``family`` compactly if its face file is CID-keyed CFF (CID = glyph id)."""
    if _cid_keyed(path):
        compact_families.add(family)


@functools.cache
def _cid_keyed(path: Path) -> bool:
    """Whether an OpenType file's ``CFF `` Top DICT starts with ROS (a CIDFont)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(12)
            if header[:4] != b"OTTO":
                return False
            records = handle.read(16 * int.from_bytes(header[4:6], "big"))
            for start in range(0, len(records), 16):
                if records[start : start + 4] == b"CFF ":
                    handle.seek(int.from_bytes(records[start + 8 : start + 12], "big"))
                    return _top_dict_operator(handle.read(1 << 16)) == _ROS
    except OSError:
        return False
    return False


def _index_end(data: bytes, at: int) -> tuple[int, int]:
    """A CFF INDEX at ``at``: (where its first object's data starts, where the INDEX ends)."""
    count = int.from_bytes(data[at : at + 2], "big")
    if count == 0:
        return at + 2, at + 2
    size = data[at + 2]
    offsets = at + 3
    base = offsets + (count + 1) * size - 1
    last = int.from_bytes(data[offsets + count * size : offsets + (count + 1) * size], "big")
    return base + int.from_bytes(data[offsets : offsets + size], "big"), base + last


def _top_dict_operator(data: bytes) -> tuple[int, ...] | None:
    """The first operator of a CFF's first Top DICT (ROS first means a CIDFont)."""
    _, names_end = _index_end(data, data[2])
    at, _ = _index_end(data, names_end)
    while at < len(data):
        byte = data[at]
        if byte == 12:
            return (12, data[at + 1])
        if byte <= 21:
            return (byte,)
        if byte == 28:
            at += 3
        elif byte == 29:
            at += 5
        elif byte == 30:
            at += 1
            while at < len(data) and (data[at] & 0x0F) != 0x0F and (data[at] >> 4) != 0x0F:
                at += 1
            at += 1
        elif 247 <= byte <= 254:
            at += 2
        else:
            at += 1
    return None


def table(face: Any, weasy_ffi: Any, weasy_harfbuzz: Any) -> bytes | None:
    """The ``CFF `` table of a HarfBuzz face (a subset), or None."""
    tag = weasy_harfbuzz.hb_tag_from_string(b"CFF ", -1)
    blob = weasy_harfbuzz.hb_face_reference_table(face, tag)
    try:
        length = weasy_ffi.new("unsigned int *")
        data = weasy_harfbuzz.hb_blob_get_data(blob, length)
        if data == weasy_ffi.NULL or not length[0]:
            return None
        return bytes(weasy_ffi.unpack(data, int(length[0])))
    finally:
        weasy_harfbuzz.hb_blob_destroy(blob)


def install() -> None:
    """A bare CFF is a CFF font to WeasyPrint, written as ``/CIDFontType0C``, no CIDToGIDMap."""
    import weasyprint.pdf as weasy_pdf
    import weasyprint.pdf.fonts as weasy_fonts

    font_class = weasy_fonts.Font
    if getattr(font_class, "dl_bare_cff", None) is not None:
        return
    original_type = font_class.type
    font_class.dl_bare_cff = False
    font_class.type = property(lambda self: "otf" if self.dl_bare_cff else original_type.fget(self))
    original_build = weasy_pdf.build_fonts_dictionary

    def build_fonts_dictionary(pdf: Any, fonts: Any, *args: Any) -> Any:
        start = len(pdf.objects)
        result = original_build(pdf, fonts, *args)
        if any(font.dl_bare_cff for font in fonts.values()):
            _declare_bare(pdf.objects[start:])
        return result

    weasy_pdf.build_fonts_dictionary = build_fonts_dictionary


def _declare_bare(objects: list[Any]) -> None:
    """Mark the bare CFF font files as such and drop their CIDFonts' CIDToGIDMap."""
    import pydyf

    bare: set[bytes] = set()
    descriptors: set[bytes] = set()
    for item in objects:
        if (
            isinstance(item, pydyf.Stream)
            and item.extra.get("Subtype") == "/OpenType"
            and item.stream
            and bytes(item.stream[0][:4]) != b"OTTO"
        ):
            item.extra["Subtype"] = "/CIDFontType0C"
            bare.add(item.reference)
    for item in objects:
        if isinstance(item, pydyf.Dictionary) and item.get("FontFile3") in bare:
            descriptors.add(item.reference)
    for item in objects:
        if isinstance(item, pydyf.Dictionary) and item.get("FontDescriptor") in descriptors:
            item.pop("CIDToGIDMap", None)
