"""The C bindings the fonts and the PDF accelerator share: fontconfig and HarfBuzz.

WeasyPrint's own cffi bindings do not declare these calls; one binding each, loaded
once per process, serves deriving the faces and subsetting them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from dunletters.errors import PdfError

__all__ = ["Harfbuzz", "fontconfig", "harfbuzz"]

_FC_CDEF = """
typedef int FcBool;
typedef unsigned char FcChar8;
typedef struct _FcConfig FcConfig;
typedef struct _FcPattern FcPattern;
typedef struct _FcObjectSet FcObjectSet;
typedef struct _FcFontSet { int nfont; int sfont; FcPattern **fonts; } FcFontSet;
typedef enum { FcResultMatch, FcResultNoMatch, FcResultTypeMismatch, FcResultNoId,
               FcResultOutOfMemory } FcResult;
FcBool FcInit (void);
FcConfig * FcConfigGetCurrent (void);
FcBool FcConfigParseAndLoadFromMemory (FcConfig *config, const FcChar8 *buffer, FcBool complain);
FcPattern * FcPatternCreate (void);
void FcPatternDestroy (FcPattern *p);
FcBool FcPatternAddString (FcPattern *p, const char *object, const FcChar8 *s);
FcResult FcPatternGetString (const FcPattern *p, const char *object, int n, FcChar8 **s);
FcResult FcPatternGetInteger (const FcPattern *p, const char *object, int n, int *i);
FcObjectSet * FcObjectSetBuild (const char *first, ...);
void FcObjectSetDestroy (FcObjectSet *os);
FcFontSet * FcFontList (FcConfig *config, FcPattern *p, FcObjectSet *os);
void FcFontSetDestroy (FcFontSet *s);
"""


@cache
def fontconfig() -> tuple[Any, Any]:
    """``(ffi, lib)`` for the process's fontconfig (the library Pango also uses)."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(_FC_CDEF)
    lib = None
    for name in ("libfontconfig.so.1", "fontconfig", "libfontconfig-1.dll"):
        try:
            lib = ffi.dlopen(name)
            break
        except OSError:
            continue
    if lib is None:
        raise PdfError("找不到 fontconfig 库 / fontconfig library not found")
    if not lib.FcInit():
        raise PdfError("fontconfig 初始化失败 / fontconfig failed to initialise")
    return ffi, lib


_HB_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef unsigned int hb_codepoint_t;
hb_blob_t * hb_blob_create_from_file (const char *file_name);
void hb_blob_destroy (hb_blob_t *blob);
const char * hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);
hb_face_t * hb_face_reference (hb_face_t *face);
void hb_face_destroy (hb_face_t *face);
hb_blob_t * hb_face_reference_blob (hb_face_t *face);
hb_set_t * hb_set_create (void);
void hb_set_destroy (hb_set_t *set);
int hb_set_has (const hb_set_t *set, hb_codepoint_t codepoint);
void hb_set_union (hb_set_t *set, const hb_set_t *other);
void hb_face_collect_unicodes (hb_face_t *face, hb_set_t *out);
void hb_set_add_range (hb_set_t *set, hb_codepoint_t first, hb_codepoint_t last);
void hb_set_clear (hb_set_t *set);
void hb_set_invert (hb_set_t *set);
hb_subset_input_t * hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t * hb_subset_input_glyph_set (hb_subset_input_t *input);
hb_set_t * hb_subset_input_set (hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned int value);
hb_face_t * hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""
# hb_subset_sets_t and hb_subset_flags_t values (HarfBuzz >= 4).
_SETS_DROP_TABLE_TAG, _SETS_NAME_ID, _SETS_NAME_LANG_ID, _SETS_LAYOUT_FEATURE_TAG = 3, 4, 5, 6
_FLAGS_NAME_LEGACY, _FLAGS_PASSTHROUGH, _FLAGS_NOTDEF_OUTLINE = 0x8, 0x20, 0x40
_FLAGS_NO_PRUNE_UNICODE_RANGES = 0x100

_HB_PREPROCESS_CDEF = "hb_face_t * hb_subset_preprocess (hb_face_t *source);"
"""HarfBuzz >= 6.0 only: declared on its own so an older library still loads the rest."""


class Harfbuzz:
    """HarfBuzz and its subsetter through one cffi binding (``ffi``, ``hb``, ``subset``)."""

    def __init__(self) -> None:
        import cffi

        self.ffi = cffi.FFI()
        self.ffi.cdef(_HB_CDEF)
        self.hb = self.ffi.dlopen("libharfbuzz.so.0")
        self.subset = self.ffi.dlopen("libharfbuzz-subset.so.0")
        try:
            self.ffi.cdef(_HB_PREPROCESS_CDEF)
            self.can_preprocess = bool(self.subset.hb_subset_preprocess)
        except Exception:  # no such symbol (HarfBuzz < 6.0)
            self.can_preprocess = False

    def address(self, pointer: Any, other_ffi: Any) -> Any:
        """``pointer`` (a ``hb_face_t *`` of ``other_ffi``, e.g. WeasyPrint's) in this binding."""
        return self.ffi.cast("hb_face_t *", int(other_ffi.cast("uintptr_t", pointer)))


@cache
def harfbuzz() -> Harfbuzz:
    """The process's one HarfBuzz binding."""
    return Harfbuzz()
