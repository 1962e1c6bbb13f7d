"""Fonts for the PDF engine: derived Noto CJK SC faces whose glyph order suits letters.

Why this module exists
----------------------
WeasyPrint 70 subsets embedded fonts with HarfBuzz *retaining glyph ids*: the PDF's
content streams use the font's own glyph ids, so the subset keeps every table sized
for the highest glyph id used. With the Debian Noto CJK collections (65,535 glyphs,
the Chinese ones scattered all over) a one-page letter pays ~250 ms and ~600 KiB
for its four faces, whatever the amount of text.

So we derive, once, a font from each face whose **glyph order puts what letters use
first** — ASCII and Latin-1, general and CJK punctuation, GB 2312's symbol rows, its
level-1 hanzi, common given-name characters outside GB 2312 (堃 喆 玥 彧 祎 珺 …),
level 2, the rest of the BMP hanzi, then every remaining glyph in its original order.
Each tier is followed by the glyphs that Chinese text shaping reaches from it through
GSUB (``locl`` for ``zh-Hans``, ``ccmp``, ligatures) and by its variation-sequence
glyphs (cmap format 14: HarfBuzz's subsetter keeps those with their base character),
so a letter's highest glyph id is a few thousand and subsetting is cheap. CIDs are
renumbered to equal glyph ids (a one-range charset): with scattered CIDs HarfBuzz took
twice as long per subset. Nothing is dropped: the derived font has the same glyphs,
outlines, metrics and layout tables.

HarfBuzz's subsetting time also grows with the size of the face (7 ms for 65k glyphs,
3 ms for 14k, measured). So each face comes in two files: the *core* — the glyphs of
the tiers through GB 2312 level 2 and what their layout features reach (~14k glyphs,
4–5 MB, cut with HarfBuzz, named ``DL Serif SC``) — and the whole reordered face
(``DL Serif SC Full``), which fontconfig lists right after the core, so Pango takes a
character the core lacks (鄠, 𠮷, kana…) from it. Building the four default faces
takes ~13 s (one process) on this project's 2-core box.

The derived fonts are renamed (``DL Serif SC``, ``DL Sans SC`` …; Noto has no Reserved
Font Name, but a derived font should not pose as the original) and keep the SIL Open
Font License (name IDs 0, 7, 13, 14); a note goes in name ID 10 and in the cache's
``README.txt``. They live in a per-user cache (``$DUNLETTERS_FONT_CACHE``, default
``~/.cache/dunletters/fonts``), keyed by the source file's path, size and mtime, the
face and :data:`BUILDER_VERSION`; they are written atomically under a lock, so two
workers starting together build each face once, and a rebuild removes the face's
older files. They are never part of the repository.

Public API: :func:`ensure_fonts` → :class:`FontSet` (faces, ``alias_rules()``,
``font_face_css()``), :class:`FamilySpec`, :data:`DEFAULT_FAMILIES`,
:func:`harfbuzz_subset_available`, :func:`font_cache_dir`, :func:`build_derived_font`.

How the theme keeps asking for "Noto Serif CJK SC"
--------------------------------------------------
A :class:`FontSet` maps each family a theme names (``Noto Serif CJK SC``) to its
derived family. :mod:`dunletters.pdf` registers the derived files in its WeasyPrint
font configuration and loads :meth:`FontSet.alias_rules` into fontconfig: a rule that
puts the derived family (core, then full face) in front of the requested one. Pango's FreeType backend
substitutes patterns with fontconfig's *current* configuration (not the font map's),
so the rules go there (:func:`install_alias_rules`); they only name our derived
families, which exist nowhere but in our own font configuration.

When the Noto files are absent, a family is looked up by name through fontconfig; if
its face can be derived it is, otherwise it is used as it is (slower, bigger PDFs).
A family found nowhere is a :class:`~dunletters.errors.PdfError`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from dunletters.errors import PdfError
from dunletters.pdf.fonts._ffi import fontconfig, harfbuzz
from dunletters.pdf.fonts.cache import derived_face, font_cache_dir
from dunletters.pdf.fonts.derive import (
    BUILDER_VERSION,
    build_derived_font,
    derived_glyph_order,
    glyph_priority,
)

__all__ = [
    "BUILDER_VERSION",
    "DEFAULT_FAMILIES",
    "Face",
    "FamilySpec",
    "FontSet",
    "build_derived_font",
    "derived_glyph_order",
    "ensure_fonts",
    "find_system_face",
    "font_cache_dir",
    "glyph_priority",
    "harfbuzz_subset_available",
    "install_alias_rules",
    "unsupported_characters",
]

LOGGER = logging.getLogger(__name__)

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
"""Where Debian's ``fonts-noto-cjk`` puts the collections."""

INSTALL_HINT = "sudo apt-get install fonts-noto-cjk"


@dataclass(frozen=True)
class FamilySpec:
    """A font family a theme uses, and where its faces come from.

    ``family`` is the name the stylesheet asks for; ``derived`` the name of the derived
    font built from it; ``sources`` maps a CSS weight to a preferred source file (a
    collection or a single font); when that file is missing, fontconfig is asked.
    ``derive=False`` embeds the system face as it is (a fallback for rare characters,
    seldom used); an ``optional`` family that is not installed is left out.
    """

    family: str
    derived: str
    sources: Mapping[int, Path] = field(default_factory=dict)
    weights: tuple[int, ...] = (400, 700)
    derive: bool = True
    optional: bool = False


DEFAULT_FAMILIES: tuple[FamilySpec, ...] = (
    FamilySpec(
        "Noto Serif CJK SC",
        "DL Serif SC",
        {400: NOTO_DIR / "NotoSerifCJK-Regular.ttc", 700: NOTO_DIR / "NotoSerifCJK-Bold.ttc"},
    ),
    FamilySpec(
        "Noto Sans CJK SC",
        "DL Sans SC",
        {400: NOTO_DIR / "NotoSansCJK-Regular.ttc", 700: NOTO_DIR / "NotoSansCJK-Bold.ttc"},
    ),
    FamilySpec(
        "HanaMinB",
        "HanaMinB",
        {400: Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf")},
        weights=(400,),
        derive=False,
        optional=True,
    ),
)
"""Serif and sans, regular and bold, from Debian's ``fonts-noto-cjk``, and Debian's
``fonts-hanazono`` HanaMinB for the CJK Extension B–F characters real names use."""


@dataclass(frozen=True)
class Face:
    """One face ready for rendering.

    ``path`` is the derived file when ``derived`` is true (its family is ``family``),
    else the system font that fontconfig already knows under ``requested``. A large
    derived face is split: ``path`` is its *core* (glyphs through GB 2312 level 2 and
    what shaping reaches from them, ~14k of 65k) and ``fallback`` the whole reordered
    face, family ``fallback_family``, which Pango uses for characters the core lacks.
    """

    requested: str
    family: str
    weight: int
    path: Path
    derived: bool
    fallback: Path | None = None
    fallback_family: str | None = None
    index: int = 0


@dataclass(frozen=True)
class FontSet:
    """The faces of a renderer, and how the theme's family names reach them."""

    faces: tuple[Face, ...]

    @property
    def files(self) -> tuple[Path, ...]:
        """Derived font files to register with the renderer's font configuration."""
        files = []
        for face in self.faces:
            if face.derived:
                files.append(face.path)
                if face.fallback is not None:
                    files.append(face.fallback)
        return tuple(files)

    @property
    def families(self) -> frozenset[str]:
        """Every family a rendered PDF may embed (derived, their fallbacks, system ones)."""
        names = {face.family for face in self.faces}
        names.update(face.fallback_family for face in self.faces if face.fallback_family)
        return frozenset(names)

    def unsupported_characters(self, text: str) -> list[str]:
        """The distinct characters of ``text`` that no face of the set has, in order."""
        covered = _coverage(self)
        return [char for char in dict.fromkeys(text) if not covered(char)]

    @property
    def aliases(self) -> dict[str, str]:
        """Requested family → derived family, for the families that were derived."""
        return {face.requested: face.family for face in self.faces if face.derived}

    def alias_rules(self) -> bytes:
        """Fontconfig rules putting each derived family (then its fallback) first."""
        chains: dict[str, list[str]] = {}
        for face in self.faces:
            if face.derived:
                chain = chains.setdefault(face.requested, [])
                for name in (face.family, face.fallback_family):
                    if name and name not in chain:
                        chain.append(name)
        matches = "".join(
            "<match target='pattern'>"
            f"<test name='family'><string>{escape(requested)}</string></test>"
            "<edit name='family' mode='prepend' binding='strong'>"
            + "".join(f"<string>{escape(name)}</string>" for name in chain)
            + "</edit></match>"
            for requested, chain in sorted(chains.items())
        )
        return (
            "<?xml version='1.0'?>"
            "<!DOCTYPE fontconfig SYSTEM 'urn:fontconfig:fonts.dtd'>"
            f"<fontconfig>{matches}</fontconfig>"
        ).encode()

    def font_face_css(self) -> str:
        """``@font-face`` rules for the derived files (for HTML previews in a browser).

        The PDF engine does not need them (it registers the files directly, which
        avoids copying each 16–25 MB face into a temporary folder per process).
        """
        rules = []
        for face in self.faces:
            if face.derived:
                rules.append(
                    f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
                    f'src: url("{face.path.as_uri()}"); }}'
                )
        return "\n".join(rules)


# --- HarfBuzz subsetting ---------------------------------------------------------------


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint will subset fonts with HarfBuzz (not the slow fontTools path).

    Mirrors ``weasyprint.pdf.fonts.Font.subset``: the ``harfbuzz-subset`` library was
    found by ``weasyprint.text.ffi`` and HarfBuzz is at least 4.1.0.
    """
    import warnings

    from dunletters.pdf.libraries import load_weasyprint

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # WeasyPrint warns at import when it is missing
        load_weasyprint()
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


# --- fontconfig (a few calls WeasyPrint's own bindings do not declare) -----------------

_installed_rules: set[bytes] = set()


def install_alias_rules(rules: bytes) -> None:
    """Load fontconfig rules into the process's current configuration, once.

    Pango's FreeType font map substitutes patterns with ``FcConfigSubstitute(NULL, …)``
    (the current configuration), so that is where family aliases must live; rules
    loaded into a WeasyPrint ``FontConfiguration``'s own config are ignored for them.
    """
    if rules in _installed_rules:
        return
    _, lib = fontconfig()
    if not lib.FcConfigParseAndLoadFromMemory(lib.FcConfigGetCurrent(), rules, 1):
        raise PdfError("fontconfig 拒绝了字体别名规则 / fontconfig rejected the alias rules")
    _installed_rules.add(rules)


def _fc_weight(css_weight: int) -> int:
    """CSS weight → fontconfig weight (FC_WEIGHT_REGULAR 80, BOLD 200)."""
    table = {100: 0, 200: 40, 300: 50, 400: 80, 500: 100, 600: 180, 700: 200, 800: 205, 900: 210}
    return table.get(css_weight, 80)


def find_system_face(family: str, weight: int) -> tuple[Path, int] | None:
    """The file and face index fontconfig has for ``family`` nearest ``weight``, if any.

    Upright, normal-width faces first. Only faces whose family list names ``family``
    (fontconfig compares case- and space-insensitively) count: fontconfig's "best
    match" would hand back some font whatever the name.
    """
    ffi, lib = fontconfig()
    pattern = lib.FcPatternCreate()
    # Variadic arguments need real C strings (kept alive in ``names``).
    names = [ffi.new("char[]", n) for n in (b"file", b"index", b"weight", b"slant", b"width")]
    objects = lib.FcObjectSetBuild(b"family", *names, ffi.cast("char *", ffi.NULL))
    candidates: list[tuple[bool, int, int, str, int]] = []
    try:
        lib.FcPatternAddString(pattern, b"family", family.encode())
        fonts = lib.FcFontList(ffi.NULL, pattern, objects)
        string = ffi.new("FcChar8 **")

        def number(font: Any, name: bytes, default: int) -> int:
            value = ffi.new("int *")
            found = lib.FcPatternGetInteger(font, name, 0, value) == lib.FcResultMatch
            return int(value[0]) if found else default

        try:
            for i in range(fonts.nfont):
                font = fonts.fonts[i]
                if lib.FcPatternGetString(font, b"file", 0, string) != lib.FcResultMatch:
                    continue
                path = ffi.string(string[0]).decode("utf-8", "surrogateescape")
                candidates.append(
                    (
                        number(font, b"slant", 0) != 0,
                        abs(number(font, b"width", 100) - 100),
                        abs(number(font, b"weight", 80) - _fc_weight(weight)),
                        path,
                        number(font, b"index", 0),
                    )
                )
        finally:
            lib.FcFontSetDestroy(fonts)
    finally:
        lib.FcObjectSetDestroy(objects)
        lib.FcPatternDestroy(pattern)
    if not candidates:
        return None
    *_, path, index = min(candidates)
    return Path(path), index


# --- the glyph order -------------------------------------------------------------------


def ensure_fonts(
    families: Sequence[FamilySpec] = DEFAULT_FAMILIES, *, cache_dir: Path | None = None
) -> FontSet:
    """The faces for ``families``: derived ones from the cache (built on first use).

    The first call on a machine builds the default four faces in ~13 s; later calls
    only stat the cache. Raises :class:`PdfError` for a family found nowhere.
    """
    cache = cache_dir if cache_dir is not None else font_cache_dir()
    faces = []
    for spec in families:
        for weight in spec.weights:
            face = _resolve_face(spec, weight, cache)
            if face is not None:
                faces.append(face)
    return FontSet(tuple(faces))


def unsupported_characters(text: str, font_set: FontSet | None = None) -> list[str]:
    """The distinct characters of ``text`` that no face of ``font_set`` has, in order.

    Default: the faces of :data:`DEFAULT_FAMILIES`. A character none of them has would
    make Pango take another font (or draw a blank box), so such text cannot be a letter.
    """
    return (font_set or _default_set()).unsupported_characters(text)


@functools.cache
def _default_set() -> FontSet:
    return ensure_fonts()


@functools.cache
def _coverage(font_set: FontSet) -> Callable[[str], bool]:
    """Whether a character is in any face's cmap (HarfBuzz; one lookup per character)."""
    binding = harfbuzz()
    ffi, hb = binding.ffi, binding.hb
    covered = ffi.gc(hb.hb_set_create(), hb.hb_set_destroy)
    for face in font_set.faces:
        for path, index in ((face.path, face.index), (face.fallback, 0)):
            if path is None:
                continue
            blob = hb.hb_blob_create_from_file(str(path).encode())
            hb_face = hb.hb_face_create(blob, index)
            try:
                found = ffi.gc(hb.hb_set_create(), hb.hb_set_destroy)
                hb.hb_face_collect_unicodes(hb_face, found)
                hb.hb_set_union(covered, found)
            finally:
                hb.hb_face_destroy(hb_face)
                hb.hb_blob_destroy(blob)

    @functools.lru_cache(maxsize=4096)
    def has(char: str) -> bool:
        return bool(hb.hb_set_has(covered, ord(char)))

    return has


def _resolve_face(spec: FamilySpec, weight: int, cache: Path) -> Face | None:
    source = spec.sources.get(weight)
    hint: int | None = None
    if source is None or not source.is_file():
        found = find_system_face(spec.family, weight)
        if found is None and spec.optional:
            LOGGER.warning("optional font family %r is not installed: left out", spec.family)
            return None
        if found is None:
            raise PdfError(
                f"找不到字体“{spec.family}”：请安装字体（Debian：{INSTALL_HINT}），"
                f"或在主题中改用已安装的字体 / font family {spec.family!r} is not installed"
            )
        source, hint = found
    if not spec.derive:
        return Face(spec.family, spec.family, weight, source, derived=False, index=hint or 0)
    try:
        derived, fallback = derived_face(source, hint, spec.family, spec.derived, weight, cache)
    except PdfError:
        raise
    except Exception as error:  # an unusual font fontTools cannot reorder: use it as is
        LOGGER.warning(
            "cannot derive a subsetting-friendly face from %s (%s); using it as is",
            source.name,
            type(error).__name__,
        )
        return Face(spec.family, spec.family, weight, source, derived=False, index=hint or 0)
    if fallback is None:
        return Face(spec.family, spec.derived, weight, derived, derived=True)
    return Face(spec.family, spec.derived, weight, derived, True, fallback, f"{spec.derived} Full")
