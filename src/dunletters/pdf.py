"""The PDF engine: one-page A4 letters from HTML with WeasyPrint 70, fast and safe.

Public API: :class:`PdfRenderer` (``render``, ``render_many``, ``combine``,
``lay_out``/``write``/``write_print``, ``page_count``, ``for_registry``),
:class:`PdfMetadata`, :class:`RenderedPdf`, :class:`LaidOut`.

What it does, and why each piece is there. Figures are per letter for
``benchmarks/sample_letter`` on this project's 2-core box (noisy: ±20 % between runs);
``benchmarks/bench_pdf.py`` measures the whole against the straightforward loop.

* **Fonts that subset cheaply.** WeasyPrint subsets embedded fonts with *retained
  glyph ids*, so cost and size follow the highest glyph id a letter uses, and HarfBuzz
  also pays for the size of the face it subsets. The derived Noto CJK SC faces of
  :mod:`dunletters.fonts` put letter characters first (highest id ~4,800 instead of
  ~63,000), number CIDs like glyphs, and come as a ~14k-glyph *core* (GB 2312 and
  common name characters) with the whole face as a fallback for rarer characters:
  a subset took ~29 ms per face with the collections, ~3 ms with the derived face
  (~1–2 ms preprocessed, below), and a letter is ~140 KiB instead of ~630 KiB.
* **One font configuration and one parsed stylesheet per renderer.** The derived
  files are registered straight into fontconfig (no ``@font-face``: that copies each
  16–25 MB face into a temporary folder per process); fontconfig rules make the theme's
  "Noto Serif CJK SC" resolve to "DL Serif SC" (see :mod:`dunletters.fonts`).
* **Narrow patches of WeasyPrint 70 / pydyf 0.13 internals** (:func:`_speed_ups`,
  applied only on those versions, which pyproject pins). Each gives the bytes
  WeasyPrint's own code gives, and a test compares them (per letter, sample letter,
  2026-11-29; the whole went from ~132 to ~75–80 ms):

  - *Styles, computed once per renderer.* WeasyPrint computes each element's style
    property by property, per letter (~5,000 lookups, ~15 ms); letters of one
    template need the same values again, so a renderer keeps a private *pristine*
    style per WeasyPrint sharing key and letters start from its values
    (:func:`_share_styles`); page and margin-box styles too. A letter whose elements
    (tags, attributes, tree, empty text) are those of one seen before replays that
    cascade instead of matching every selector again (:class:`_Cascade`), and a
    template's single linked stylesheet is parsed once per content, not per letter
    (~9 ms for ``letter.css``; :func:`_share_linked_stylesheet`).
  - *Lines shaped once.* WeasyPrint rebuilds each line's Pango layout to draw it
    (~5 ms per letter and drawing); a line is drawn with the layout it was measured
    with when that is the same (:func:`_keep_line_layouts`).
  - ``Font.__init__`` copies the whole face out of HarfBuzz (4–25 MB per face) for
    every PDF, though nothing reads it when HarfBuzz subsets: the copy of *our
    derived faces* is made once per process (:func:`_share_face_data`).
  - *Subsets in one pass, from preprocessed faces.* WeasyPrint subsets in two
    HarfBuzz passes; with the derived order one pass gives the same font
    (:func:`_subset_in_one_pass`); tables a PDF does not read from an embedded CFF
    font (GDEF, cmap, vertical metrics) are dropped (~3 ms, ~6 KiB); the core faces
    are preprocessed for HarfBuzz once per process (:func:`_preprocessed`: subsets
    in half the time, ~40 MB per face).
  - pydyf compresses streams at zlib level 9: single letters use level 3, print
    files level 6 (:class:`_Zlib`; ~20 → ~4 ms per letter, 139 KiB), and its
    ``_to_bytes`` tries the common types first (:func:`_faster_serialisation`).
  - A letter's HTML is parsed from a cached parse of its markup, its text put back
    (:func:`_parse_html`; tinyhtml5 is pure Python, ~5 ms a letter; same tree).
  - A print file does not draw its pages again: each letter's page, drawn for the
    letter's own PDF, is recorded and replayed into the print file with its fonts'
    glyphs (:func:`_replay_paint`; ~15 → ~2 ms per letter, same bytes).

  Not faster, measured and dropped: drawing glyph runs from the C array at once
  instead of field by field (~0.4 ms: drawing is Pango's layout, not the loop), an
  inlined ``resolve_percentages`` (~0.6 ms), glyph orders ranked by character
  frequency (the rarest character of a face still sets its highest glyph id), and
  subsetting without retained glyph ids (smaller and faster, but the PDF's CIDs
  would no longer match: wrong glyphs).

* **No PDF /ID in single letters.** pydyf computes the identifier by serialising and
  compressing the whole file a second time (~20 ms). An /ID is optional in an
  unencrypted PDF; the output stays byte-identical for identical input. The combined
  print file gets one (the content hash), where the cost is paid once.
* **Letters are laid out one by one.** Laying a chunk of letters out as one document
  was measured *not* to be faster than separate layouts with a shared font
  configuration (~0.10 s per letter either way; again on 2026-11-29, 16 letters per
  document written page by page: 106 vs 107 ms), and ``counter(page)`` would count
  across letters. So :meth:`PdfRenderer.render_many` is the per-letter path,
  byte-identical to :meth:`PdfRenderer.render` whatever the batching or the number of
  workers; :meth:`PdfRenderer.combine` lays letters out separately and writes all their
  pages into one PDF (``Document.copy``), fonts embedded once (~9 KiB per letter).
* **Safe fetching.** The URL fetcher serves only regular files under the templates
  folder (and its overlays; symlinks resolved, ``..`` refused) and ``data:`` URLs
  (self-contained: nothing leaves or enters the machine). Anything else — http(s),
  ``file:`` elsewhere, ftp — stops the render (WeasyPrint's ``FatalURLFetchingError``)
  and becomes a :class:`~dunletters.errors.PdfError` naming the scheme and host, never
  the path or query (they could carry data).
* **WeasyPrint's warnings are errors.** WeasyPrint logs, rather than raises, missing
  fonts, bad CSS and unreachable resources: the ``weasyprint`` logger is captured during
  each render and any warning fails it (URLs in the message are cut to scheme and
  host). A letter must ask for a configured family first (Pango would silently fall
  back) and every glyph must come from the configured fonts.
* **Byte-identical output.** Creation and modification dates come from
  :class:`PdfMetadata`; nothing else depends on time, process or batch.

Renders are serialised by a lock: Pango and WeasyPrint are not thread-safe; use
processes for parallelism (one renderer per process, built once).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from dunletters.errors import PdfError
from dunletters.fonts import (
    DEFAULT_FAMILIES,
    FamilySpec,
    FontSet,
    ensure_fonts,
    find_system_face,
    harfbuzz_subset_available,
    install_alias_rules,
)

if TYPE_CHECKING:
    from dunletters.registry import Registry

__all__ = ["LaidOut", "PdfMetadata", "PdfRenderer", "RenderedPdf"]

LOGGER = logging.getLogger(__name__)

A4_POINTS = (595.276, 841.89)
"""A4 in PDF points, as WeasyPrint writes it."""

_BASE_CSS = "@page { size: A4; }"
"""The renderer's own stylesheet, before the theme's: A4 unless a theme says otherwise."""

_NO_HARFBUZZ = (
    "PDF 需要 HarfBuzz 字体子集库（libharfbuzz-subset）才能嵌入精简的中文字体；"
    "请安装：sudo apt-get install libharfbuzz-subset0 / "
    "HarfBuzz subsetting (libharfbuzz-subset >= 4.1) is required to embed subset CJK "
    "fonts; install it with: sudo apt-get install libharfbuzz-subset0"
)


@dataclass(frozen=True)
class PdfMetadata:
    """Document information of a PDF.

    ``created`` must be timezone-aware; it is written as both the creation and the
    modification date, so the same input always gives the same bytes.
    """

    title: str
    author: str
    subject: str
    created: datetime


@dataclass(frozen=True)
class RenderedPdf:
    """A rendered PDF and its page count."""

    data: bytes
    pages: int


@dataclass(frozen=True)
class LaidOut:
    """A letter laid out by WeasyPrint, not yet written (:meth:`PdfRenderer.lay_out`)."""

    document: Any


# --- URL fetching ----------------------------------------------------------------------


def _blocked_error() -> type[BaseException]:
    from weasyprint.urls import FatalURLFetchingError

    class BlockedURL(FatalURLFetchingError):
        """Raised inside WeasyPrint to stop a render at the first forbidden URL."""

    return BlockedURL


def _make_fetcher(roots: Sequence[Path]) -> Any:
    """A WeasyPrint ``URLFetcher`` serving only files under ``roots`` and ``data:``.

    ``roots[0]`` is the base; a relative file missing there is looked up in the later
    roots at the same relative path (a user's templates overlaying the built-in ones).
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    blocked = _blocked_error()
    resolved = [root.resolve() for root in roots]

    class _TemplateFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            found = self.read_file(url)
            if found is None:
                return super().fetch(url, headers)
            return URLFetcherResponse(found[0], found[1], {"Content-Type": found[2]})

        def read_file(self, url: str) -> tuple[str, bytes, str] | None:
            """``(URL, content, MIME type)`` of a file under the roots; None for ``data:``.

            Anything else is refused (:func:`_blocked_error`).
            """
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return None
            if scheme != "file" or parts.netloc not in ("", "localhost"):
                host = f"（{parts.hostname}）" if parts.hostname else ""
                raise blocked(
                    f"禁止访问外部资源：{scheme or '无协议'}{host}；信函只能引用模板目录中的文件 / "
                    f"blocked URL scheme {scheme!r}"
                    + (f" host {parts.hostname!r}" if parts.hostname else "")
                )
            path = Path(url2pathname(unquote(parts.path)))
            relative = _relative_to(path, resolved)
            if relative is None:
                raise blocked(
                    "禁止访问模板目录之外的文件（file:）/ "
                    "blocked file: URL outside the templates folder"
                )
            for root in resolved:
                candidate = (root / relative).resolve()
                if candidate.is_relative_to(root) and candidate.is_file():
                    kind = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                    return candidate.as_uri(), candidate.read_bytes(), kind
            raise blocked(
                f"模板目录中没有文件 {relative.as_posix()} / "
                f"no such file in the templates folder: {relative.as_posix()}"
            )

    return _TemplateFetcher(allowed_protocols=("file", "data"))


def _relative_to(path: Path, roots: Sequence[Path]) -> Path | None:
    """``path`` relative to the first root it lies under (symlinks resolved), if any.

    A ``..`` left in the URL's path, or a link out of the folder, is refused.
    """
    if ".." in path.parts:
        return None
    resolved = path.resolve()
    for root in roots:
        if resolved.is_relative_to(root):
            return resolved.relative_to(root)
    return None


# --- log capture -----------------------------------------------------------------------

_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*)://([^/\s'\"]*)[^\s'\"]*")
_DATA_URL = re.compile(r"(?i)\bdata:[^\s'\"]*")


def _redact(message: str) -> str:
    """A WeasyPrint message without URL paths, queries or data (they may carry data)."""
    message = _URL.sub(lambda m: f"{m.group(1)}://{m.group(2)}/…", message)
    return _DATA_URL.sub("data:…", message)[:300]


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a bad format string in a library message
            text = str(record.msg)
        self.messages.append(f"{record.levelname}: {_redact(text)}")


_LOCK = threading.RLock()


@contextmanager
def _captured() -> Iterator[_Collector]:
    """Collect the ``weasyprint`` logger's warnings and errors; keep them off stderr."""
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    previous_level, previous_propagate = logger.level, logger.propagate
    logger.addHandler(collector)
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.setLevel(previous_level)
        logger.propagate = previous_propagate


# --- sharing the face data -------------------------------------------------------------

_shared_sizes: set[int] = set()
_shared_faces: dict[tuple[int, bytes], bytes] = {}
_EDGE = 1 << 16


def _share_face_data(font_set: FontSet) -> None:
    """Copy each derived face's data out of HarfBuzz once per process (see module doc).

    Wraps ``weasyprint.pdf.fonts.get_hb_object_data`` (WeasyPrint 70): a whole-face
    call whose blob has the size of one of our derived files returns one shared
    ``bytes`` per file, keyed by size and a hash of the first and last 64 KiB (each
    derived file differs there: names, tables). One copy per file, however many
    renderers the process builds.
    """
    import weasyprint.pdf.fonts as weasy_fonts
    from weasyprint.text.ffi import ffi, harfbuzz

    _shared_sizes.update(path.stat().st_size for path in font_set.files)
    original = weasy_fonts.get_hb_object_data
    if getattr(original, "dunletters_shared", False):
        return

    def get_hb_object_data(hb_object: Any, ot_color: Any = None, glyph: Any = None) -> Any:
        if ot_color is None and glyph is None:
            blob = harfbuzz.hb_face_reference_blob(hb_object)
            try:
                length = ffi.new("unsigned int *")
                data = harfbuzz.hb_blob_get_data(blob, length)
                size = int(length[0])
                if data != ffi.NULL and size in _shared_sizes:
                    view = ffi.buffer(data, size)
                    key = (size, hashlib.sha256(view[:_EDGE] + view[-_EDGE:]).digest())
                    shared = _shared_faces.get(key)
                    if shared is None:
                        shared = _shared_faces[key] = ffi.unpack(data, size)
                    return shared
            finally:
                harfbuzz.hb_blob_destroy(blob)
        return original(hb_object, ot_color, glyph)

    get_hb_object_data.dunletters_shared = True  # type: ignore[attr-defined]
    weasy_fonts.get_hb_object_data = get_hb_object_data


_single_pass_families: set[str] = set()
_DROPPED_TABLES = (
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
"""WeasyPrint 70's list, plus tables a PDF does not read from an embedded CFF font.

GDEF is useless without GSUB/GPOS (~2.5 ms per face). ``cmap``: a CIDFontType0 selects
glyphs by CID through the CFF charset, and text extraction reads the PDF's ToUnicode
map (PDF 32000-1, table 126: FontFile3/OpenType is "equivalent to CIDFontType0C", a
bare CFF with no cmap); HarfBuzz spends ~0.8 ms per face mapping the whole cmap back to
the kept glyphs. The vertical metrics (vhea, vmtx, VORG) serve only vertical writing,
which letters do not use (the PDF's /W gives the widths). Measured per letter: ~3 ms
and ~6 KiB less."""


_core_families: set[str] = set()
"""Derived core faces (~14k glyphs): the ones preprocessed, ~40 MB each; the whole
faces behind them serve rare characters and are subset as they are."""
_preprocessed_faces: dict[int, tuple[Any, Any]] = {}
_subset_counts: dict[int, int] = {}


def _preprocessed(hb_face: Any) -> Any:
    """The face HarfBuzz subsets fastest: ``hb_face`` preprocessed, from its second subset on.

    ``hb_subset_preprocess`` (HarfBuzz ≥ 6.0) parses a face's tables once and keeps
    the result with a new face; subsets of it are the same bytes (tested) in about
    half the time (~1.1 instead of ~2.2 ms for a sans face, ~1.8 instead of ~3.5 ms
    for a serif one). Preprocessing a core face takes 0.2–0.3 s, so a face is
    preprocessed when it is subset a second time (a one-off render does not pay),
    and kept — with a reference to the original, so its address stays its key — for
    the process (Pango keeps the same face for a renderer's font configuration).
    Without the function (older HarfBuzz) the face is used as it is.
    """
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    address = int(ffi.cast("uintptr_t", hb_face))
    known = _preprocessed_faces.get(address)
    if known is not None:
        return known[1]
    count = _subset_counts[address] = _subset_counts.get(address, 0) + 1
    if count < 2 or not _declare_preprocess():
        return hb_face
    preprocessed = harfbuzz_subset.hb_subset_preprocess(hb_face)
    if preprocessed == ffi.NULL:
        return hb_face
    _preprocessed_faces[address] = (
        harfbuzz.hb_face_reference(hb_face),
        ffi.gc(preprocessed, harfbuzz.hb_face_destroy),
    )
    _subset_counts.pop(address, None)
    return _preprocessed_faces[address][1]


_preprocess_declared: list[bool] = []


def _declare_preprocess() -> bool:
    """Declare ``hb_subset_preprocess`` to WeasyPrint's cffi (once); False if missing."""
    from weasyprint.text.ffi import ffi, harfbuzz_subset

    if not _preprocess_declared:
        try:
            ffi.cdef("hb_face_t * hb_subset_preprocess (hb_face_t *source);")
            _preprocess_declared.append(bool(harfbuzz_subset.hb_subset_preprocess))
        except Exception:  # no such symbol (HarfBuzz < 6.0), or cffi cannot declare it
            _preprocess_declared.append(False)
    return _preprocess_declared[0]


def _subset_in_one_pass(font_set: FontSet) -> None:
    """Subset the derived faces in one HarfBuzz pass instead of WeasyPrint's two.

    WeasyPrint 70 subsets with retained glyph ids, then subsets the result again to
    drop glyphs after the last one used (HarfBuzz keeps the closure, and Noto's
    variation-sequence glyphs sit near glyph 63,000) and the hints. In the derived
    faces those glyphs follow their base characters, so one pass with the same glyph
    set, flags and dropped tables, plus ``NO_HINTING``, gives the same font (a few
    glyph slots longer at most) in ~8 ms instead of ~12 ms per face. Other fonts keep
    WeasyPrint's own method.
    """
    import weasyprint.pdf.fonts as weasy_fonts

    for face in font_set.faces:
        if face.derived:
            _single_pass_families.update(filter(None, (face.family, face.fallback_family)))
            _core_families.add(face.family)
    original = weasy_fonts.Font._harfbuzz_subset
    if getattr(original, "dunletters_single_pass", False):
        return

    def _harfbuzz_subset(self: Any, to_unicode: Any, hinting: bool) -> None:
        if self.family not in _single_pass_families:
            original(self, to_unicode, hinting)
            return
        ffi, harfbuzz = weasy_fonts.ffi, weasy_fonts.harfbuzz
        hb_subset = weasy_fonts.harfbuzz_subset
        subset_input = ffi.gc(
            hb_subset.hb_subset_input_create_or_fail(), hb_subset.hb_subset_input_destroy
        )
        glyphs = hb_subset.hb_subset_input_glyph_set(subset_input)
        gids = sorted(to_unicode)
        # "hb_codepoint_t[]", not WeasyPrint's f"…[{n}]": cffi parses each new type
        # string with pycparser (~8 ms per letter for the varying lengths).
        harfbuzz.hb_set_add_sorted_array(glyphs, ffi.new("hb_codepoint_t[]", gids), len(gids))
        flags = (
            hb_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
            | hb_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
            | hb_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
        )
        if not hinting:
            flags |= hb_subset.HB_SUBSET_FLAGS_NO_HINTING
        if self.missing:
            flags |= hb_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
        hb_subset.hb_subset_input_set_flags(subset_input, flags)
        dropped = hb_subset.hb_subset_input_set(
            subset_input, hb_subset.HB_SUBSET_SETS_DROP_TABLE_TAG
        )
        tags = sorted(harfbuzz.hb_tag_from_string(name, -1) for name in _DROPPED_TABLES)
        harfbuzz.hb_set_add_sorted_array(dropped, ffi.new("hb_codepoint_t[]", tags), len(tags))
        source = _preprocessed(self.hb_face) if self.family in _core_families else self.hb_face
        face = hb_subset.hb_subset_or_fail(source, subset_input)
        if face != ffi.NULL:
            face = ffi.gc(face, harfbuzz.hb_face_destroy)
            data = weasy_fonts.get_hb_object_data(face)
            if data:
                self.file_content = data
                return
        original(self, to_unicode, hinting)  # WeasyPrint's path, and its warning

    _harfbuzz_subset.dunletters_single_pass = True  # type: ignore[attr-defined]
    weasy_fonts.Font._harfbuzz_subset = _harfbuzz_subset


LETTER_FLATE_LEVEL = 3
PRINT_FLATE_LEVEL = 6
_flate_level = [PRINT_FLATE_LEVEL]
"""The level in force: :data:`LETTER_FLATE_LEVEL` only while a single letter is written."""


class _Zlib:
    """pydyf's view of :mod:`zlib`, with a lower Flate level for streams.

    pydyf 0.13 compresses every stream at level 9. On a letter's streams (~270 KB,
    mostly the embedded subsets' CFF data) level 9 took ~20 ms, level 6 ~6–7 ms and
    level 3 ~4 ms, for 136 → 138 KiB per letter (measured on the benchmark letters):
    single letters use level 3 (:data:`LETTER_FLATE_LEVEL`), print files, written once
    for many letters and sent on, level 6. Everything else is :mod:`zlib` itself.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(min(level, _flate_level[0]), *args, **kwargs)


def _faster_compression() -> None:
    """Point pydyf at :class:`_Zlib` (process-wide; harmless to other pydyf users)."""
    import pydyf

    if not isinstance(pydyf.zlib, _Zlib):
        pydyf.zlib = _Zlib()


def _faster_serialisation() -> None:
    """pydyf 0.13's ``_to_bytes`` with the common types first (same bytes).

    A letter serialises ~5,000 items (widths, coordinates, names), mostly ``bytes``,
    ``int`` and ``str``; pydyf tries ``bytes``, ``float`` and its ``Object`` class with
    ``isinstance`` before reaching ``str(item)``. Exact ``int`` and ``str`` get that
    ``str(item).encode("ascii")`` at once, exact ``float`` pydyf's float branch without
    the calls before it; anything else (objects, subclasses) goes to pydyf's own function.
    """
    import pydyf

    original = pydyf._to_bytes
    if getattr(original, "dunletters_fast", False):
        return

    def _to_bytes(item: Any) -> Any:
        kind = type(item)
        if kind is bytes:
            return item
        if kind is int or kind is str:
            return str(item).encode("ascii")
        if kind is float:  # pydyf's own float branch (~2,000 coordinates a letter)
            if item.is_integer():
                return str(int(item)).encode("ascii")
            return f"{item:f}".rstrip("0").encode("ascii")
        return original(item)

    _to_bytes.dunletters_fast = True  # type: ignore[attr-defined]
    _to_bytes.original = original  # type: ignore[attr-defined]
    pydyf._to_bytes = _to_bytes


_VIEWPORT_UNIT = re.compile(r"(?i)[0-9.](?:[sld]?v(?:w|h|i|b|min|max)|cq(?:w|h|i|b|min|max))\b")
"""Lengths relative to the page (``vw``…): their computed value is known only once the
first page exists, so a stylesheet or ``style`` attribute with one is not memoized."""


class _StyleMemo:
    """Computed styles shared by the letters of one renderer (see :func:`_share_styles`).

    ``pristine`` maps a style's key — WeasyPrint's key for sharing a style object
    inside a document: the parent's (here: the parent's pristine), the ``style``/
    ``lang``/``id`` declarations and the matched rules — to a private
    ``ComputedStyle`` that no document ever sees (so no layout code edits it).
    ``cascades`` holds recorded cascades by document shape (:class:`_Cascade`). Rules
    can be keys only if their stylesheet lives as long as the renderer: ``stable``
    holds those (the renderer's own, and ``linked`` — a template's one linked
    stylesheet, parsed once per content instead of once per letter).
    """

    LIMIT = 20_000
    CASCADES_LIMIT = 64
    LINKED_LIMIT = 8

    def __init__(self) -> None:
        self.pristine: dict[tuple[Any, ...], Any] = {}
        self.cascades: dict[tuple[Any, ...], _Cascade] = {}
        self.stable: dict[int, Any] = {}
        self.linked: dict[tuple[Any, ...], Any] = {}

    def pristine_for(
        self,
        key: tuple[Any, ...],
        parent: Any,
        cascaded: dict[str, Any],
        pseudo_type: str | None,
        root: Any,
        base_url: str,
        font_config: Any,
        weasy_css: Any,
    ) -> Any:
        """The pristine style for ``key``, made (with WeasyPrint's class) on first use."""
        pristine = self.pristine.get(key)
        if pristine is None:
            pristine = self.pristine[key] = weasy_css.ComputedStyle(
                parent,
                dict(cascaded),
                pseudo_type,
                weasy_css.InitialStyle(font_config) if parent is None else root,
                base_url,
                font_config,
                {"box": None, "area": None},
            )
        return pristine

    def add_stable(self, sheet: Any, source: str) -> None:
        """Let ``sheet``'s rules be keys (unless it has page-relative lengths)."""
        if not _VIEWPORT_UNIT.search(source):
            self.stable[id(sheet)] = sheet

    def add_linked(self, key: tuple[Any, ...], sheet: Any, source: str) -> None:
        if len(self.linked) >= self.LINKED_LIMIT:  # edited often (preview): start afresh
            self.clear()
        self.linked[key] = sheet
        self.add_stable(sheet, source)

    def clear(self) -> None:
        """Forget every shared value, cascade and linked stylesheet (after a failure)."""
        for sheet in self.linked.values():
            self.stable.pop(id(sheet), None)
        self.linked.clear()
        self.pristine.clear()
        self.cascades.clear()


def _share_styles() -> None:
    """Share computed style values between letters laid out by one renderer.

    WeasyPrint 70 computes each element's style lazily, property by property
    (``ComputedStyle.__missing__``, ~5,000 calls and ~15 ms per letter), and already
    shares one style object between the elements of a document that have the same
    parent style, ``style``/``lang``/``id`` declarations and matched rules. Letters
    from one template have the same elements, rules and parents, so they need the same
    values again. This keeps, per such key, a *pristine* style that only this code
    touches: a letter's style starts with the values the pristine already has and
    asks it for the others, computing each value once per renderer instead of once
    per letter.

    The values are those WeasyPrint computes: a computed value depends only on the
    cascaded declarations, the parent's values, the root's, the base URL and the font
    configuration (that is WeasyPrint's own reason for sharing within a document), and
    every input is in the key or the same for the renderer. Layout code edits some
    boxes' styles in place (a table's margins move to its wrapper, display fix-ups);
    those edits happen on the letter's own style object, as before, and no computer
    function reads an edited property. Only styles built from the renderer's own
    parsed stylesheets (and WeasyPrint's user-agent sheets) are shared, never with a
    page-relative unit (``vw``…). The tests compare the PDFs byte for byte with
    unpatched WeasyPrint. A failed letter empties the memo, so a warning raised while
    computing a value is raised again for the next letter.
    """
    from weasyprint import css as weasy_css

    tinycss2 = weasy_css.tinycss2  # WeasyPrint's own import (no stubs of its own)

    style_for = weasy_css.StyleFor
    if getattr(style_for.__init__, "dunletters_shared", False):
        return
    computed_style = weasy_css.ComputedStyle
    original_init = style_for.__init__
    original_missing = computed_style.__missing__
    computed_style._dl_pristine = None

    def __missing__(self: Any, key: str) -> Any:
        pristine = self._dl_pristine
        if pristine is None:
            return original_missing(self, key)
        value = pristine[key]
        if key in pristine:  # "page: auto" is looked up each time, never stored
            self[key] = value
        return value

    def __init__(
        self: Any,
        html: Any,
        sheets: Any,
        presentational_hints: bool,
        font_config: Any,
        target_collector: Any,
    ) -> None:
        memo: _StyleMemo | None = getattr(font_config, "_dl_style_memo", None)
        if (
            memo is None
            or presentational_hints
            or not all(
                origin == "user agent" or id(sheet) in memo.stable for sheet, origin, _ in sheets
            )
        ):
            original_init(self, html, sheets, presentational_hints, font_config, target_collector)
            return
        _shared_style_for(
            self, html, sheets, font_config, target_collector, memo, weasy_css, tinycss2
        )

    original_set_computed_styles = style_for.set_computed_styles

    def set_computed_styles(
        self: Any,
        element: Any,
        parent: Any,
        root: Any = None,
        pseudo_type: str | None = None,
        base_url: str | None = None,
        target_collector: Any = None,
    ) -> None:
        """WeasyPrint's, then a pristine for a page or margin box style.

        A page's cascade comes from the ``@page`` rules of the document's sheets and
        its page type (side, first, blank, name), and it inherits from the root
        element (a margin box from its page): those make the key.
        """
        original_set_computed_styles(
            self, element, parent, root, pseudo_type, base_url, target_collector
        )
        memo: _StyleMemo | None = getattr(self.font_config, "_dl_style_memo", None)
        if memo is None or not isinstance(element, tuple):  # page types are named tuples
            return
        parent_style = self._computed_styles.get((parent, None))
        parent_pristine = None if parent_style is None else parent_style._dl_pristine
        computed = self._computed_styles[element, pseudo_type]
        if parent_pristine is None or computed._dl_pristine is not None:
            return
        sheets = tuple(id(sheet) for sheet, _, _ in self._sheets)
        pristine = memo.pristine_for(
            ("page", id(parent_pristine), sheets, element, pseudo_type),
            parent_pristine,
            computed.cascaded,
            pseudo_type,
            parent_pristine.root_style,
            computed.base_url,
            self.font_config,
            weasy_css,
        )
        computed.update(pristine)
        computed.specified = pristine.specified
        computed._dl_pristine = pristine

    __init__.dunletters_shared = True  # type: ignore[attr-defined]
    computed_style.__missing__ = __missing__
    style_for.__init__ = __init__
    style_for.set_computed_styles = set_computed_styles
    _share_linked_stylesheet(weasy_css)


def _share_linked_stylesheet(weasy_css: Any) -> None:
    """Parse a template's linked stylesheet once per renderer, not once per letter.

    WeasyPrint 70 fetches and parses every ``<link rel="stylesheet">`` for each
    document (~9 ms per letter for the built-in ``letter.css``), so its rules are new
    objects each time and no style can be shared. For a document whose only
    stylesheet is one link read through the renderer's fetcher, the parsed sheet is
    kept, keyed by its URL and *content* (an edited file is parsed again), and used
    as WeasyPrint would use a fresh one. Only a sheet that parses alone exactly as in
    the document is kept: no warning, no ``@import``, ``@font-face``,
    ``@counter-style``, ``@color-profile`` or ``@layer`` (those reach outside the
    sheet). Anything else takes WeasyPrint's own path.
    """
    from weasyprint import CSS
    from weasyprint.html import element_has_link_type, parse_url

    original = weasy_css.find_stylesheets

    def linked_href(wrapper_element: Any, media_type: str, base_url: str) -> str | None:
        elements = list(wrapper_element.query_all("style", "link"))
        if len(elements) != 1 or elements[0].etree_element.tag != "link":
            return None
        element = elements[0].etree_element
        mime_type = element.get("type", "text/css").split(";", 1)[0].strip()
        media = [part.strip() for part in (element.get("media", "").strip() or "all").split(",")]
        if (
            mime_type != "text/css"
            or not weasy_css.media_queries.evaluate_media_query(media, media_type)
            or not element.get("href")
            or not element_has_link_type(element, "stylesheet")
            or element_has_link_type(element, "alternate")
        ):
            return None
        href: str | None = parse_url(element.get("href"), base_url)
        return href

    def find_stylesheets(
        wrapper_element: Any,
        device_media_type: str,
        url_fetcher: Any,
        base_url: str,
        font_config: Any,
        *rest: Any,
    ) -> Any:
        memo: _StyleMemo | None = getattr(font_config, "_dl_style_memo", None)
        read: Any = getattr(url_fetcher, "read_file", None)
        href = None
        if memo is not None and read is not None:
            href = linked_href(wrapper_element, device_media_type, base_url)
        found = None
        if href is not None:
            try:
                found = read(href)
            except Exception:  # refused: WeasyPrint's path reports it
                found = None
        if found is None or found[2] != "text/css":
            yield from original(
                wrapper_element, device_media_type, url_fetcher, base_url, font_config, *rest
            )
            return
        assert memo is not None and href is not None
        key = (href, device_media_type, found)
        sheet = memo.linked.get(key)
        if sheet is None:
            sheet = _parse_alone(CSS, href, url_fetcher, device_media_type, font_config)
            source = found[1].decode("utf-8", "replace")
            if sheet is None or read(href) != found or _REACHES_OUT.search(source):
                yield from original(
                    wrapper_element, device_media_type, url_fetcher, base_url, font_config, *rest
                )
                return
            memo.add_linked(key, sheet, source)
        yield sheet

    weasy_css.find_stylesheets = find_stylesheets


_REACHES_OUT = re.compile(r"(?i)@(?:import|font-face|counter-style|color-profile|layer)\b")


def _parse_alone(css_class: Any, href: str, fetcher: Any, media_type: str, font_config: Any) -> Any:
    """A linked stylesheet parsed on its own, or None if parsing it logged anything."""
    counter_style: dict[str, Any] = {}
    color_profiles: dict[str, Any] = {}
    layers: list[Any] = []
    with _captured() as collector:
        try:
            sheet = css_class(
                url=href,
                url_fetcher=fetcher,
                media_type=media_type,
                font_config=font_config,
                counter_style=counter_style,
                color_profiles=color_profiles,
                page_rules=[],
                layers=layers,
                _check_mime_type=True,
            )
        except Exception:
            return None
    if collector.messages or counter_style or color_profiles or layers:
        return None
    return sheet


def _shared_style_for(
    self: Any,
    html: Any,
    sheets: Any,
    font_config: Any,
    target_collector: Any,
    memo: _StyleMemo,
    weasy_css: Any,
    tinycss2: Any,
) -> None:
    """``StyleFor.__init__`` of WeasyPrint 70 (no presentational hints), plus the memo.

    A document whose elements are those of one seen before — same tags, attributes,
    tree and empty or non-empty text, same stylesheets and base URL — replays that
    document's cascade (:class:`_Cascade`) instead of matching every selector again:
    selectors see nothing else (cssselect2 has no text selector but ``:empty``). Each
    element's ``ComputedStyle`` is then made as WeasyPrint makes it, and starts with
    its pristine's values (see :func:`_share_styles`).
    """
    root_wrapper = html.wrapper_element
    elements = list(root_wrapper.iter_subtree())
    position: dict[Any, int] = {}
    shape = []
    for number, element in enumerate(elements):
        etree_element = element.etree_element
        position[etree_element] = number
        parent = element.parent
        shape.append(
            (
                etree_element.tag,
                tuple(etree_element.attrib.items()),
                -1 if parent is None else position[parent.etree_element],
                bool(etree_element.text),
            )
        )
    signature = (
        tuple((id(sheet), origin, specificity) for sheet, origin, specificity in sheets),
        html.base_url,
        root_wrapper.in_html_document,
        getattr(root_wrapper, "transport_content_language", None),
        tuple(shape),
    )
    computed_styles: dict[Any, Any] = {}
    self._cascaded_styles = {}
    self._computed_styles = computed_styles
    self.initial_page_sizes = {"box": None, "area": None}
    self._sheets = sheets
    self.font_config = font_config
    cascade = memo.cascades.get(signature)
    if cascade is None:
        if len(memo.pristine) > memo.LIMIT or len(memo.cascades) >= memo.CASCADES_LIMIT:
            memo.clear()
        cascade = _cascade(html, elements, position, sheets, font_config, memo, weasy_css, tinycss2)
        memo.cascades[signature] = cascade

    computed_style = weasy_css.ComputedStyle
    etree_elements = [element.etree_element for element in elements]
    root = html.etree_element
    base_url = html.base_url
    for number, (same_as, cascaded, pristine) in enumerate(cascade.elements):
        etree_element = etree_elements[number]
        if same_as >= 0:  # WeasyPrint's own sharing inside a document
            computed_styles[etree_element, None] = computed_styles[etree_elements[same_as], None]
            continue
        parent_number = shape[number][2]
        if parent_number < 0:
            parent_style, root_style = None, weasy_css.InitialStyle(font_config)
        else:
            parent_style = computed_styles[etree_elements[parent_number], None]
            root_style = computed_styles[root, None]
        computed = computed_styles[etree_element, None] = computed_style(
            parent_style,
            cascaded,
            None,
            root_style,
            base_url,
            font_config,
            self.initial_page_sizes,
        )
        _settle(computed, pristine, target_collector)
    for number, pseudo_type, cascaded, pristine in cascade.pseudo:
        computed = computed_styles[etree_elements[number], pseudo_type] = computed_style(
            computed_styles[etree_elements[number], None],
            cascaded,
            pseudo_type,
            computed_styles[root, None],
            base_url,
            font_config,
            self.initial_page_sizes,
        )
        _settle(computed, pristine, target_collector)


def _settle(computed: Any, pristine: Any, target_collector: Any) -> None:
    """A replayed element's computed style: its shared values, and its anchor collected."""
    if pristine is not None:
        computed.update(pristine)
        computed.specified = pristine.specified
        computed._dl_pristine = pristine
    if target_collector and computed["anchor"]:
        target_collector.collect_anchor(computed["anchor"])


@dataclass
class _Cascade:
    """One document's cascade, replayed for documents with the same elements.

    ``elements``, in tree order: the index of the earlier element whose style object
    WeasyPrint shares with this one (or -1), the cascaded declarations and the
    pristine style (None: not shared — a page-relative length). ``pseudo``: element
    index, pseudo type, cascaded declarations and pristine, in WeasyPrint's order.
    WeasyPrint only reads declaration dicts after the cascade, so documents can share
    them.
    """

    elements: list[tuple[int, dict[str, Any], Any]]
    pseudo: list[tuple[int, str, dict[str, Any], Any]]


def _cascade(
    html: Any,
    elements: list[Any],
    position: dict[Any, int],
    sheets: Any,
    font_config: Any,
    memo: _StyleMemo,
    weasy_css: Any,
    tinycss2: Any,
) -> _Cascade:
    """WeasyPrint 70's cascade (``StyleFor.__init__``, line for line), recorded.

    Where WeasyPrint would give two elements one style object (same parent style
    object, ``style``/``lang``/``id`` declarations and matched rules), the later one
    refers to the earlier. The pristine of a style object is keyed the same way, with
    the parent's pristine for the parent's style object, so letters from one template
    (and templates that share a layout) share their pristines.
    """
    from math import inf

    cascaded_styles: dict[Any, Any] = {}
    layer_order = inf
    elements_declarations: dict[Any, Any] = {}
    declared_text: dict[Any, str] = {}
    for specificity, element, declarations, base_url in weasy_css.find_style_attributes(
        html.etree_element, False, html.base_url
    ):
        style = cascaded_styles.setdefault((element, None), {})
        elements_declarations[element] = tuple(declarations)
        declared_text[element] = (
            f"{declared_text.get(element, '')}{specificity}{tinycss2.serialize(declarations)};"
        )
        for name, values, importance in weasy_css.preprocess_declarations(base_url, declarations):
            precedence = weasy_css.declaration_precedence("author", importance)
            weight = (precedence, layer_order, specificity)
            old_weight = style.get(name, (None, None))[1]
            if old_weight is None or old_weight <= weight:
                style[name] = values, weight
    share = not any(_VIEWPORT_UNIT.search(text) for text in declared_text.values())

    recorded = _Cascade([], [])
    owner: list[int] = []  # element -> the element whose style object it has
    first: dict[tuple[Any, ...], int] = {}  # WeasyPrint's sharing key -> that element
    pristines: dict[int, Any] = {}  # owning element -> pristine
    root_pristine = None
    for number, element in enumerate(elements):
        etree_element = element.etree_element
        parent_number = -1 if element.parent is None else position[element.parent.etree_element]
        selectors_keys = []
        for sheet, origin, sheet_specificity in sheets:
            for selector in sheet.matcher.match(element):
                specificity, _order, pseudo_type, (declarations, layer) = selector
                layer_order = inf if layer is None else sheet.layers.index(layer)
                selectors_keys.append((sheet, specificity, id(declarations), layer_order))
                specificity = sheet_specificity or specificity
                style = cascaded_styles.setdefault((etree_element, pseudo_type), {})
                for name, values, importance in declarations:
                    precedence = weasy_css.declaration_precedence(origin, importance)
                    weight = (precedence, layer_order, specificity)
                    old_weight = style.get(name, (None, None))[1]
                    if old_weight is None or old_weight <= weight:
                        style[name] = values, weight

        selectors = tuple(selectors_keys)
        parent_owner = -1 if parent_number < 0 else owner[parent_number]
        key = (parent_owner, elements_declarations.get(etree_element), selectors)
        same_as = first.get(key)
        if same_as is not None:
            owner.append(same_as)
            recorded.elements.append((same_as, {}, None))
            continue
        first[key] = number
        owner.append(number)
        cascaded = cascaded_styles.get((etree_element, None), {})
        pristine = None
        parent_pristine = None if parent_number < 0 else pristines[parent_owner]
        if share and (parent_number < 0 or parent_pristine is not None):
            parent_key = ("root", html.base_url) if parent_pristine is None else id(parent_pristine)
            pristine = memo.pristine_for(
                (parent_key, declared_text.get(etree_element), selectors, None),
                parent_pristine,
                cascaded,
                None,
                root_pristine,
                html.base_url,
                font_config,
                weasy_css,
            )
            if parent_number < 0:
                root_pristine = pristine
        pristines[number] = pristine
        recorded.elements.append((-1, cascaded, pristine))

    for (etree_element, pseudo_type), cascaded in cascaded_styles.items():
        if not pseudo_type:
            continue
        number = position[etree_element]
        element_pristine = pristines[owner[number]]
        pristine = None
        if element_pristine is not None:
            # Its cascade comes from rules the element matched, which are in its key.
            pristine = memo.pristine_for(
                (id(element_pristine), None, (), pseudo_type),
                element_pristine,
                cascaded,
                pseudo_type,
                root_pristine,
                html.base_url,
                font_config,
                weasy_css,
            )
        recorded.pseudo.append((number, pseudo_type, cascaded, pristine))
    return recorded


_PARAGRAPH_BREAKS = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
"""Characters Pango may treat as paragraph or line separators."""


def _keep_line_layouts() -> None:
    """Draw each line with the Pango layout it was measured with, instead of a new one.

    WeasyPrint 70 measures a line with a Pango layout, then drops the layout
    (``Layout.deactivate``) and, for each drawing, builds it again from the same text
    and style (``reactivate``): a new Pango context and layout, and the line shaped
    again (~5 ms per letter and drawing; the batch draws each letter twice, for its
    own PDF and its print file). A rebuilt layout differs from the kept one only in
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


_PATCHED_VERSIONS = {"weasyprint": "70.0", "pydyf": "0.13.0"}
"""The versions whose internals the speed-ups were written against (pyproject pins them)."""


_paint_mode = ["draw"]
"""How ``Page.paint`` runs (:func:`_replay_paint`): ``"record"`` while a single letter is
written, ``"replay"`` while a print file is, ``"draw"`` otherwise."""


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


def _replay_paint() -> None:
    """Print files reuse the pages their letters' own PDFs drew (same bytes, no drawing).

    The batch writes each letter as its own PDF and then again, with others, into a
    print file; drawing a page (text runs, the tables' collapsed borders, the seal's
    dashes) is ~10–15 ms of a letter, spent twice. While a single letter is written,
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
        mode = _paint_mode[0]
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


_HTML_SPACE = "\t\n\x0c\r "
_TEXT_RUN = re.compile(r">([^<>&\"'=\r\x00]+)(?=<|\Z)")
"""Text between a tag's end and the next tag, without characters that could make it
anything but plain character data (references, quotes of attribute values, ``=``)."""
_MARK = re.compile("\ue000([0-9]+)\ue001")
_SKELETONS: dict[str, tuple[Any, tuple[tuple[int, str], ...]] | None] = {}
"""Parsed skeletons (see :func:`_parse_html`): the tree and where its marks are, or None
for a skeleton whose marks did not all land in text (parsed the long way)."""


def _parse_html(html: str) -> Any:
    """``tinyhtml5.parse(html)``'s tree, from a parse of the letter's markup alone.

    tinyhtml5 is pure Python (~5 ms for a 2,000-character letter, a tenth of its
    layout), and a batch's letters differ in their text, not their markup. So each
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


def _html_document(html: str, base_url: str, fetcher: Any) -> Any:
    """WeasyPrint's ``HTML(string=html, …)``, its tree parsed by :func:`_parse_html`.

    Sets what ``HTML.__init__`` (WeasyPrint 70) sets for a string source; elsewhere
    (another WeasyPrint) it is ``HTML(string=…)`` itself.
    """
    import weasyprint
    from weasyprint import HTML

    if weasyprint.__version__ != _PATCHED_VERSIONS["weasyprint"]:
        return HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    import cssselect2

    root = _parse_html(html)
    document = HTML.__new__(HTML)
    document.base_url = weasyprint._find_base_url(root, base_url)
    document.url_fetcher = fetcher
    document.media_type = "print"
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


def _styles_shared() -> bool:
    """Whether :func:`_share_styles` is in place (WeasyPrint 70 only)."""
    from weasyprint import css as weasy_css

    return bool(getattr(weasy_css.StyleFor.__init__, "dunletters_shared", False))


def _speed_ups(font_set: FontSet) -> None:
    """The measured patches, only on the library versions they were written for.

    Elsewhere the renderer still works, as WeasyPrint's own code does (slower).
    """
    import pydyf
    import weasyprint

    if weasyprint.__version__ != _PATCHED_VERSIONS["weasyprint"]:
        LOGGER.info("WeasyPrint %s: PDF speed-ups for 70.0 not applied", weasyprint.__version__)
    else:
        _share_face_data(font_set)
        _subset_in_one_pass(font_set)
        _share_styles()
        _keep_line_layouts()
        _replay_paint()
    if pydyf.__version__ == _PATCHED_VERSIONS["pydyf"]:
        _faster_compression()
        _faster_serialisation()


def _font_configuration(font_set: FontSet) -> Any:
    """A WeasyPrint font configuration that knows the derived faces."""
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    for path in font_set.files:
        if not fontconfig.FcConfigAppFontAddFile(config._config, str(path).encode()):
            raise PdfError(f"无法加载字体文件 / cannot load font file {path.name}")
    pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", config.font_map))
    install_alias_rules(font_set.alias_rules())
    return config


# --- the renderer ----------------------------------------------------------------------


_GENERIC_FAMILIES = frozenset(
    {
        "serif",
        "sans-serif",
        "monospace",
        "cursive",
        "fantasy",
        "system-ui",
        "math",
        "emoji",
        "fangsong",
        "ui-serif",
        "ui-sans-serif",
        "ui-monospace",
        "ui-rounded",
    }
)


def _family_key(name: str) -> str:
    """Family names compare as fontconfig does: case and spaces ignored."""
    return name.casefold().replace(" ", "")


class PdfRenderer:
    """Renders letters (HTML) to PDF; build one per process and reuse it.

    ``base_dir`` is the templates folder that relative URLs resolve against and the
    only place files are served from (``overlay_dirs`` are consulted, in order, for a
    relative file that ``base_dir`` lacks). ``stylesheet`` is CSS applied to every
    letter, parsed once. ``fonts`` is a :class:`~dunletters.fonts.FontSet` or the
    family specs to build one from (default: Noto Serif/Sans CJK SC, regular + bold).
    """

    def __init__(
        self,
        base_dir: Path,
        *,
        stylesheet: str | None = None,
        fonts: FontSet | Sequence[FamilySpec] | None = None,
        overlay_dirs: Sequence[Path] = (),
    ) -> None:
        if not harfbuzz_subset_available():
            raise PdfError(_NO_HARFBUZZ)
        base = Path(base_dir)
        if not base.is_dir():
            raise PdfError(f"模板目录不存在 / templates folder not found: {base}")
        with _LOCK:
            self.fonts = (
                fonts
                if isinstance(fonts, FontSet)
                else ensure_fonts(tuple(fonts) if fonts is not None else DEFAULT_FAMILIES)
            )
            _speed_ups(self.fonts)
            self._font_config = _font_configuration(self.fonts)
            self._styles = _StyleMemo()
            if _styles_shared():
                self._font_config._dl_style_memo = self._styles
            self._family_checks: dict[tuple[str, ...], str | None] = {}
            self._roots = [base, *(Path(d) for d in overlay_dirs if Path(d).is_dir())]
            self._fetcher = _make_fetcher(self._roots)
            self._base_url = base.resolve().as_uri() + "/"
            self._stylesheets = [self._css(_BASE_CSS, "内置样式")]
            if stylesheet is not None:
                self._stylesheets.append(self._css(stylesheet, "主题样式表"))

    @classmethod
    def for_registry(cls, registry: Registry) -> PdfRenderer:
        """A renderer for a template registry's ``letters`` folders.

        The highest-precedence folder is the base; the others overlay it, so a user's
        ``letter.css`` replaces the built-in one, and its ``theme.toml`` (see
        :mod:`dunletters.theme`) the built-in theme. The templates link their stylesheet
        (``<link href="letter.css">``), so none is passed here; a template's one linked
        stylesheet is parsed once per renderer and content, not per letter
        (:func:`_share_linked_stylesheet`).
        """
        folders = [root / "letters" for root in registry.roots if (root / "letters").is_dir()]
        if not folders:
            folders = list(registry.roots)
        from dunletters.theme import load_theme

        # The theme names the families its stylesheet asks for: those are derived,
        # subset and embedded (another system names its own CJK fonts there).
        theme = load_theme(folders)
        return cls(folders[0], overlay_dirs=folders[1:], fonts=theme.families())

    # -- public API ----------------------------------------------------------------

    def render(self, html: str, meta: PdfMetadata) -> RenderedPdf:
        """One letter as its own PDF."""
        return self.write(self.lay_out(html), meta)

    def render_many(self, items: Sequence[tuple[str, PdfMetadata]]) -> list[RenderedPdf]:
        """Each letter as its own PDF; byte-identical to :meth:`render` one by one.

        The fast path is the renderer itself (shared fonts, face data, parsed CSS,
        styles and cascades, preprocessed faces: module doc), so letters one by one
        are as fast as any grouping; laying letters out together was measured to gain
        nothing. The
        first letter that fails raises :class:`PdfError`; a batch that must carry on
        past a bad letter calls :meth:`render` per letter, at the same speed.
        """
        with _LOCK:
            return [self.render(html, meta) for html, meta in items]

    def combine(self, items: Sequence[tuple[str, PdfMetadata]], meta: PdfMetadata) -> bytes:
        """One print-ready PDF of many letters, fonts embedded once for all of them.

        Each letter is laid out on its own (page counters restart per letter), then
        all pages are written together. ``meta`` is the print file's own metadata.
        """
        with _LOCK:
            return self.write_print([self.lay_out(html) for html, _ in items], meta)

    def lay_out(self, html: str) -> LaidOut:
        """A letter laid out once, to be written as its own PDF and again in a print file.

        :meth:`write` of it gives the bytes :meth:`render` gives; :meth:`write_print` of
        several gives the bytes :meth:`combine` gives. The batch lays each letter out
        once this way instead of once per file (layout is the larger half of a letter).
        """
        with _LOCK:
            return LaidOut(self._layout(html))

    def write(self, letter: LaidOut, meta: PdfMetadata) -> RenderedPdf:
        """A laid-out letter as its own PDF (see :meth:`lay_out`)."""
        with _LOCK:
            return RenderedPdf(self._write(letter.document, meta), len(letter.document.pages))

    def write_print(self, letters: Sequence[LaidOut], meta: PdfMetadata) -> bytes:
        """Laid-out letters as one print file, fonts embedded once (see :meth:`combine`)."""
        if not letters:
            raise PdfError("没有要合并的信函 / nothing to combine")
        with _LOCK:
            pages = [page for letter in letters for page in letter.document.pages]
            return self._write(letters[0].document.copy(pages), meta, identifier=True)

    def page_count(self, html: str) -> int:
        """How many pages a letter lays out to (no PDF is written)."""
        with _LOCK:
            return len(self._layout(html).pages)

    # -- internals -----------------------------------------------------------------

    def _css(self, text: str, label: str) -> Any:
        from weasyprint import CSS

        with _captured() as log:
            try:
                css = CSS(
                    string=text,
                    base_url=self._base_url,
                    url_fetcher=self._fetcher,
                    font_config=self._font_config,
                )
            except BaseException as error:
                raise self._failure(error, label) from None
        self._raise_logged(log, label)
        self._styles.add_stable(css, text)
        return css

    def _layout(self, html: str) -> Any:
        with _captured() as log:
            try:
                document = _html_document(html, self._base_url, self._fetcher).render(
                    stylesheets=self._stylesheets,
                    font_config=self._font_config,
                    presentational_hints=False,
                )
            except BaseException as error:
                self._styles.clear()
                raise self._failure(error, "排版") from None
        if log.messages:
            self._styles.clear()
        self._raise_logged(log, "排版")
        self._check_families(document)
        return document

    def _check_families(self, document: Any) -> None:
        """Every text asks for a configured family first (Pango would silently fall back).

        A family that is not installed is skipped, as CSS says; the first one that
        exists must be one of the renderer's. Decisions are cached per family list.
        """
        from weasyprint.formatting_structure.boxes import TextBox

        for page in document.pages:
            for box in page._page_box.descendants():
                if not isinstance(box, TextBox):
                    continue
                families = tuple(box.style["font_family"])
                if families not in self._family_checks:
                    self._family_checks[families] = self._family_problem(families)
                problem = self._family_checks[families]
                if problem is not None:
                    raise PdfError(problem)

    def _family_problem(self, families: tuple[str, ...]) -> str | None:
        configured = {_family_key(name) for name in self.fonts.families}
        configured |= {_family_key(name) for name in self.fonts.aliases}
        for name in families:
            if _family_key(name) in configured:
                return None
            if name.casefold() in _GENERIC_FAMILIES or find_system_face(name, 400):
                return (
                    f"字体“{name}”不是为信函配置的字体（{'、'.join(sorted(self.fonts.families))}）/ "
                    f"font family {name!r} is not one of the configured fonts"
                )
        return (
            f"信函要求的字体都不存在：{', '.join(families)}；请安装字体或修改主题 / "
            f"none of the font families {list(families)} is installed"
        )

    def _write(self, document: Any, meta: PdfMetadata, *, identifier: bool = False) -> bytes:
        from weasyprint.pdf.metadata import DocumentMetadata

        if meta.created.tzinfo is None or meta.created.utcoffset() is None:
            raise PdfError("PDF 日期必须带时区 / PdfMetadata.created must be timezone-aware")
        stamp = meta.created.isoformat(timespec="seconds")
        document.metadata = DocumentMetadata(
            title=meta.title,
            authors=[meta.author],
            description=meta.subject,
            created=stamp,
            modified=stamp,
            lang=document.metadata.lang,
        )
        with _captured() as log:
            try:
                # No /ID by default: pydyf would serialise and compress it all twice.
                _flate_level[0] = PRINT_FLATE_LEVEL if identifier else LETTER_FLATE_LEVEL
                _paint_mode[0] = "replay" if identifier else "record"
                try:
                    data = document.write_pdf(pdf_identifier=identifier)
                finally:
                    _flate_level[0] = PRINT_FLATE_LEVEL
                    _paint_mode[0] = "draw"
            except BaseException as error:
                self._styles.clear()
                raise self._failure(error, "写入 PDF") from None
        if log.messages:
            self._styles.clear()
        self._raise_logged(log, "写入 PDF")
        self._check_fonts(document)
        return bytes(data)

    def _check_fonts(self, document: Any) -> None:
        allowed = self.fonts.families
        for font in document.fonts.values():
            if font.family not in allowed:
                raise PdfError(
                    f"信函用到了未配置的字体“{font.family}”：字体名写错，或有字符不在配置的字体中 / "
                    f"unexpected font {font.family!r} (unknown family or characters "
                    f"missing from {', '.join(sorted(allowed))})"
                )
            if font.missing:
                raise PdfError(
                    f"有 {len(font.missing)} 个字符在字体“{font.family}”中没有字形 / "
                    f"{len(font.missing)} character(s) have no glyph in {font.family!r}"
                )

    @staticmethod
    def _failure(error: BaseException, stage: str) -> BaseException:
        from weasyprint.urls import FatalURLFetchingError

        if isinstance(error, PdfError):
            return error
        if isinstance(error, FatalURLFetchingError):
            return PdfError(f"{stage}：{error}")
        if isinstance(error, KeyboardInterrupt | SystemExit | MemoryError):
            return error
        return PdfError(
            f"{stage}失败 / WeasyPrint failed: {type(error).__name__}: {_redact(str(error))}"
        )

    @staticmethod
    def _raise_logged(log: _Collector, stage: str) -> None:
        if log.messages:
            shown = "；".join(log.messages[:5])
            more = f"（另有 {len(log.messages) - 5} 条）" if len(log.messages) > 5 else ""
            raise PdfError(f"{stage}时 WeasyPrint 报告问题 / WeasyPrint reported: {shown}{more}")
