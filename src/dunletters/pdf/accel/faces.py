"""Font faces: face data shared per process, subsets in one pass from preprocessed faces.

WeasyPrint 70 copies each whole face out of HarfBuzz for every PDF and subsets it in
two passes; with the derived faces of :mod:`dunletters.pdf.fonts` one copy per
process and one pass give the same font (benchmarks/NOTES.md, "faces").
"""

from __future__ import annotations

import hashlib
from typing import Any

from dunletters.pdf.accel import cff
from dunletters.pdf.accel._switch import active
from dunletters.pdf.fonts import FontSet
from dunletters.pdf.fonts._ffi import harfbuzz

__all__ = ["DROPPED_TABLES", "install"]

_shared_sizes: set[int] = set()
_shared_faces: dict[tuple[int, bytes], bytes] = {}
_by_place: dict[tuple[int, int], tuple[Any, bytes]] = {}
"""Blob address and size -> (the blob, kept referenced; its shared bytes): no hashing."""
_EDGE = 1 << 16

_single_pass_families: set[str] = set()
_core_families: set[str] = set()
"""Derived core faces: the ones preprocessed (~40 MB each); their full faces are not."""
_preprocessed_faces: dict[int, tuple[Any, Any]] = {}
_subset_counts: dict[int, int] = {}

DROPPED_TABLES = (
    b"BASE",
    b"DSIG",
    b"EBDT",
    b"EBLC",
    b"EBSC",
    b"GDEF",
    b"GPOS",
    b"GSUB",
    b"JSTF",
    b"LTSH",
    b"PCLT",
    b"SVG ",
    b"VORG",
    b"cmap",
    b"vhea",
    b"vmtx",
)
"""WeasyPrint 70's list, plus tables a PDF never reads from an embedded CFF font.

A CIDFontType0 selects glyphs by CID through the CFF charset and text extraction
reads the PDF's ToUnicode map (PDF 32000-1, table 126), so ``cmap`` is unused; GDEF is
useless without GSUB/GPOS; the vertical metrics serve only vertical writing."""


def install(font_set: FontSet) -> None:
    """Both patches, for ``font_set``'s derived faces (idempotent)."""
    _share_face_data(font_set)
    _subset_in_one_pass(font_set)


def _share_face_data(font_set: FontSet) -> None:
    """Copy each derived face's data out of HarfBuzz once per process, not once per PDF.

    Wraps ``weasyprint.pdf.fonts.get_hb_object_data``: a whole-face call whose blob
    has the size of a derived file returns one shared ``bytes`` per file, keyed by
    size and a hash of its first and last 64 KiB (each derived file differs there),
    hashed once per blob: later calls find the blob by its data's address.
    """
    import weasyprint.pdf.fonts as weasy_fonts
    from weasyprint.text.ffi import ffi
    from weasyprint.text.ffi import harfbuzz as weasy_harfbuzz

    _shared_sizes.update(path.stat().st_size for path in font_set.files)
    original = weasy_fonts.get_hb_object_data
    if getattr(original, "dunletters_shared", False):
        return

    def get_hb_object_data(hb_object: Any, ot_color: Any = None, glyph: Any = None) -> Any:
        if ot_color is None and glyph is None and active():
            blob = weasy_harfbuzz.hb_face_reference_blob(hb_object)
            length = ffi.new("unsigned int *")
            data = weasy_harfbuzz.hb_blob_get_data(blob, length)
            size = int(length[0])
            if data != ffi.NULL and size in _shared_sizes:
                place = (int(ffi.cast("uintptr_t", data)), size)
                known = _by_place.get(place)
                if known is not None:
                    weasy_harfbuzz.hb_blob_destroy(blob)
                    return known[1]
                view = ffi.buffer(data, size)
                key = (size, hashlib.sha256(view[:_EDGE] + view[-_EDGE:]).digest())
                shared = _shared_faces.get(key)
                if shared is None:
                    shared = _shared_faces[key] = ffi.unpack(data, size)
                # The blob stays referenced, so its address keeps naming these bytes.
                _by_place[place] = (blob, shared)
                return shared
            weasy_harfbuzz.hb_blob_destroy(blob)
        return original(hb_object, ot_color, glyph)

    get_hb_object_data.dunletters_shared = True  # type: ignore[attr-defined]
    weasy_fonts.get_hb_object_data = get_hb_object_data


_PREPROCESS_AT = 8
"""The subset of a core face at which it is preprocessed (benchmarks/NOTES.md, "fonts")."""


def _preprocessed(hb_face: Any, weasy_ffi: Any) -> Any:
    """``hb_face`` preprocessed for subsetting from its eighth subset on (same bytes).

    ``hb_subset_preprocess`` (HarfBuzz >= 6.0) parses the tables once, so later
    subsets take about half the time; it pays for itself only after some hundred
    subsets, so a render, a preview or a small batch never pays for it. The
    result is kept for the process, with a reference to the original face so that its
    address stays its key.
    """
    address = int(weasy_ffi.cast("uintptr_t", hb_face))
    known = _preprocessed_faces.get(address)
    if known is not None:
        return known[1]
    count = _subset_counts[address] = _subset_counts.get(address, 0) + 1
    binding = harfbuzz()
    if count < _PREPROCESS_AT or not binding.can_preprocess:
        return hb_face
    ours = binding.address(hb_face, weasy_ffi)
    preprocessed = binding.subset.hb_subset_preprocess(ours)
    if preprocessed == binding.ffi.NULL:
        return hb_face
    kept = (
        binding.hb.hb_face_reference(ours),
        binding.ffi.gc(preprocessed, binding.hb.hb_face_destroy),
    )
    theirs = weasy_ffi.cast("hb_face_t *", int(binding.ffi.cast("uintptr_t", preprocessed)))
    _preprocessed_faces[address] = (kept, theirs)
    _subset_counts.pop(address, None)
    return theirs


def _subset_in_one_pass(font_set: FontSet) -> None:
    """Subset the derived faces in one HarfBuzz pass instead of WeasyPrint's two.

    WeasyPrint 70's second pass drops glyphs after the last one used (Noto's
    variation glyphs sit near the end) and the hints; in the derived faces those
    glyphs follow their base characters, so one pass with the same glyph set, flags
    and dropped tables plus ``NO_HINTING`` gives the same font. Other fonts keep
    WeasyPrint's own method.
    """
    import weasyprint.pdf.fonts as weasy_fonts

    for face in font_set.faces:
        if face.derived:
            _single_pass_families.update(filter(None, (face.family, face.fallback_family)))
            _core_families.add(face.family)
            cff.register(face.family, face.path)
            if face.fallback is not None and face.fallback_family is not None:
                cff.register(face.fallback_family, face.fallback)
    cff.install()
    original = weasy_fonts.Font._harfbuzz_subset
    if getattr(original, "dunletters_single_pass", False):
        return

    def _harfbuzz_subset(self: Any, to_unicode: Any, hinting: bool) -> None:
        if self.family not in _single_pass_families or not active():
            original(self, to_unicode, hinting)
            return
        ffi, weasy_harfbuzz = weasy_fonts.ffi, weasy_fonts.harfbuzz
        hb_subset = weasy_fonts.harfbuzz_subset
        subset_input = ffi.gc(
            hb_subset.hb_subset_input_create_or_fail(), hb_subset.hb_subset_input_destroy
        )
        glyphs = hb_subset.hb_subset_input_glyph_set(subset_input)
        gids = sorted(to_unicode)
        # "hb_codepoint_t[]": cffi parses each new array type string with pycparser.
        weasy_harfbuzz.hb_set_add_sorted_array(glyphs, ffi.new("hb_codepoint_t[]", gids), len(gids))
        compact = self.family in cff.compact_families
        flags = (
            hb_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
            | hb_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
        )
        if not compact:
            flags |= hb_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
        if not hinting:
            flags |= hb_subset.HB_SUBSET_FLAGS_NO_HINTING
        if self.missing:
            flags |= hb_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
        hb_subset.hb_subset_input_set_flags(subset_input, flags)
        dropped = hb_subset.hb_subset_input_set(
            subset_input, hb_subset.HB_SUBSET_SETS_DROP_TABLE_TAG
        )
        names = DROPPED_TABLES + cff.DROPPED_TABLES if compact else DROPPED_TABLES
        tags = sorted(weasy_harfbuzz.hb_tag_from_string(name, -1) for name in names)
        weasy_harfbuzz.hb_set_add_sorted_array(
            dropped, ffi.new("hb_codepoint_t[]", tags), len(tags)
        )
        source = _preprocessed(self.hb_face, ffi) if self.family in _core_families else self.hb_face
        face = hb_subset.hb_subset_or_fail(source, subset_input)
        if face != ffi.NULL:
            face = ffi.gc(face, weasy_harfbuzz.hb_face_destroy)
            if compact:
                data = cff.table(face, ffi, weasy_harfbuzz)
            else:
                data = weasy_fonts.get_hb_object_data(face)
            if data:
                self.file_content = data
                self.dl_bare_cff = compact
                return
        original(self, to_unicode, hinting)  # WeasyPrint's path, and its warning

    _harfbuzz_subset.dunletters_single_pass = True  # type: ignore[attr-defined]
    weasy_fonts.Font._harfbuzz_subset = _harfbuzz_subset
