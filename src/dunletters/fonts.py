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

import contextlib
import copy
import fcntl
import hashlib
import io
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from dunletters.errors import PdfError

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
]

LOGGER = logging.getLogger(__name__)

BUILDER_VERSION = 5
"""Bump when the derived fonts change (tiers, renaming…): old cache entries are ignored."""

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
"""Where Debian's ``fonts-noto-cjk`` puts the collections."""

INSTALL_HINT = "sudo apt-get install fonts-noto-cjk"


@dataclass(frozen=True)
class FamilySpec:
    """A font family a theme uses, and where its faces come from.

    ``family`` is the name the stylesheet asks for; ``derived`` the name of the derived
    font built from it; ``sources`` maps a CSS weight to a preferred source file (a
    collection or a single font); when that file is missing, fontconfig is asked.
    """

    family: str
    derived: str
    sources: Mapping[int, Path] = field(default_factory=dict)
    weights: tuple[int, ...] = (400, 700)


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
)
"""Serif and sans, regular and bold, from Debian's ``fonts-noto-cjk``."""


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

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # WeasyPrint warns at import when it is missing
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


# --- fontconfig (a few calls WeasyPrint's own bindings do not declare) -----------------

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

_fontconfig: tuple[Any, Any] | None = None
_installed_rules: set[bytes] = set()


def _fc() -> tuple[Any, Any]:
    """``(ffi, lib)`` for the process's fontconfig (the library Pango also uses)."""
    global _fontconfig
    if _fontconfig is None:
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
        _fontconfig = (ffi, lib)
    return _fontconfig


def install_alias_rules(rules: bytes) -> None:
    """Load fontconfig rules into the process's current configuration, once.

    Pango's FreeType font map substitutes patterns with ``FcConfigSubstitute(NULL, …)``
    (the current configuration), so that is where family aliases must live; rules
    loaded into a WeasyPrint ``FontConfiguration``'s own config are ignored for them.
    """
    if rules in _installed_rules:
        return
    _, lib = _fc()
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
    ffi, lib = _fc()
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


def _gb2312(first_bytes: Iterable[int]) -> list[str]:
    """The characters of GB 2312 rows ``first_bytes`` (0xA1–0xF7), in code order."""
    chars = []
    for high in first_bytes:
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.append(bytes((high, low)).decode("gb2312"))
    return chars


_NAME_CANDIDATES = (
    "堃喆玥彧祎珺赟昇淏翀琤焜頔瑄璟犇垚囍玙曌燚骉晞昀暐玮珅琇琛瑀瑢瑭璠璐璘瓅堉妤婕嫣峣崧"
    "嵘彤恺懿旸昉昶晟晧暄曦栩桦梓棣楠槿樾沄泓洺浛湉溥滢漪澍濛炜炘烨煊熠燊琮瑷璇甯皓睿"
    "祐禛禧筠篪纾绮缇翊翚芃芮苡茜荟萱蓁蕤誉赜迦铎锴镕阗颀颉馥骁鹍麒黛珣珈琨琬琰瑾珩"
    "旻骞晔奕邕彦颢婧祺琪淼鑫昕煜珏昊晗琦瑜璇玹玟珮琍瑛璞璨晖翔羿钰钧铭锦镇靖雯霖"
)
"""Given-name characters often met outside GB 2312 (filtered against it at build time)."""


def glyph_priority() -> list[list[str]]:
    """The character tiers of the derived glyph order, most used first.

    Characters repeat across tiers harmlessly (the first occurrence wins).
    """
    ascii_ = [chr(c) for c in range(0x20, 0x7F)]
    latin1 = [chr(c) for c in range(0xA0, 0x100)]
    punctuation = [chr(c) for c in range(0x2010, 0x2040)] + [
        chr(c)
        for ranges in (
            (0x3000, 0x3040),
            (0xFF01, 0xFF5F),
            (0xFFE0, 0xFFE7),
            (0x2160, 0x216C),
            (0x2460, 0x2474),
            (0x3220, 0x322A),
            (0x2190, 0x2194),
            (0x25A0, 0x25D0),
        )
        for c in range(*ranges)
    ]
    symbols = _gb2312(range(0xA1, 0xAA))
    level1 = _gb2312(range(0xB0, 0xD8))
    gb = set(level1) | set(_gb2312(range(0xD8, 0xF8)))
    names = [c for c in dict.fromkeys(_NAME_CANDIDATES) if c not in gb]
    level2 = _gb2312(range(0xD8, 0xF8))
    bmp_hanzi = [chr(c) for c in range(0x4E00, 0xA000)]
    return [ascii_, latin1, punctuation, symbols, level1, names, level2, bmp_hanzi]


_SHAPING_FEATURES = frozenset({"ccmp", "locl", "rlig", "liga", "clig", "calt", "rclt"})
"""GSUB features HarfBuzz applies by default to horizontal text."""
_LANGSYS = frozenset({"ZHS "})
"""Language systems besides the default one: ``zh-Hans`` (``lang="zh-CN"``)."""


def _substitutions(font: Any) -> dict[str, set[str]]:
    """Glyph → glyphs that default Chinese shaping may substitute for it."""
    if "GSUB" not in font:
        return {}
    table = font["GSUB"].table
    if table.ScriptList is None or table.LookupList is None:
        return {}
    lookups: set[int] = set()
    for script in table.ScriptList.ScriptRecord:
        systems = [script.Script.DefaultLangSys] + [
            record.LangSys
            for record in script.Script.LangSysRecord
            if record.LangSysTag in _LANGSYS
        ]
        for system in systems:
            if system is None:
                continue
            for index in system.FeatureIndex:
                feature = table.FeatureList.FeatureRecord[index]
                if feature.FeatureTag in _SHAPING_FEATURES:
                    lookups.update(feature.Feature.LookupListIndex)
    graph: dict[str, set[str]] = {}
    todo = sorted(lookups)
    seen: set[int] = set()
    while todo:
        index = todo.pop()
        if index in seen:
            continue
        seen.add(index)
        lookup = table.LookupList.Lookup[index]
        for subtable in lookup.SubTable:
            kind = lookup.LookupType
            if kind == 7:
                kind = subtable.ExtensionLookupType
                subtable = subtable.ExtSubTable
            if kind == 1:
                for source, target in subtable.mapping.items():
                    graph.setdefault(source, set()).add(target)
            elif kind == 2:
                for source, targets in subtable.mapping.items():
                    graph.setdefault(source, set()).update(targets)
            elif kind == 4:
                for first, ligatures in subtable.ligatures.items():
                    graph.setdefault(first, set()).update(lig.LigGlyph for lig in ligatures)
            elif kind in (5, 6):
                todo.extend(_nested_lookups(subtable))
    return graph


def _nested_lookups(subtable: Any) -> Iterator[int]:
    """Lookup indices a (chained) contextual substitution subtable calls."""
    stack = [subtable]
    while stack:
        node = stack.pop()
        for record in getattr(node, "SubstLookupRecord", None) or ():
            yield record.LookupListIndex
        for name in ("SubRuleSet", "SubClassSet", "ChainSubRuleSet", "ChainSubClassSet"):
            for child in getattr(node, name, None) or ():
                if child is not None:
                    stack.append(child)
        for name in ("SubRule", "SubClassRule", "ChainSubRule", "ChainSubClassRule"):
            stack.extend(getattr(node, name, None) or ())


def _variation_glyphs(font: Any) -> dict[int, set[str]]:
    """Code point → glyphs of its variation sequences (cmap format 14).

    HarfBuzz's subsetter keeps them with their base character (Noto CJK maps
    ``，`` + VS2 to a glyph near the end of the font), so they belong in its tier.
    """
    variants: dict[int, set[str]] = {}
    for table in font["cmap"].tables:
        if table.format == 14:
            for pairs in table.uvsDict.values():
                for code, glyph in pairs:
                    if glyph is not None:
                        variants.setdefault(code, set()).add(glyph)
    return variants


def derived_glyph_order(font: Any) -> list[str]:
    """The font's glyphs, reordered by :func:`glyph_priority` (all of them, once each)."""
    return _ordered(font)[0]


_CORE_TIERS = 7
"""Tiers through GB 2312 level 2 (see :func:`glyph_priority`) make up a face's core."""


def _ordered(font: Any) -> tuple[list[str], int]:
    """:func:`derived_glyph_order`, and how many glyphs the core tiers take."""
    cmap = font.getBestCmap()
    graph = _substitutions(font)
    for code, glyphs in _variation_glyphs(font).items():
        if code in cmap:
            graph.setdefault(cmap[code], set()).update(glyphs)
    old_order = font.getGlyphOrder()
    order = [old_order[0]]  # .notdef stays glyph 0
    placed = {old_order[0]}
    core = 0
    for number, tier in enumerate(glyph_priority()):
        if number == _CORE_TIERS:
            core = len(order)
        start = len(order)
        for char in tier:
            name = cmap.get(ord(char))
            if name is not None and name not in placed:
                placed.add(name)
                order.append(name)
        # Then what shaping reaches from this tier (digits' zh-Hans forms, …).
        position = start
        while position < len(order):
            for target in sorted(graph.get(order[position], ())):
                if target not in placed:
                    placed.add(target)
                    order.append(target)
            position += 1
    order.extend(name for name in old_order if name not in placed)
    return order, core or len(order)


# --- building --------------------------------------------------------------------------


def _face_index(path: Path, family: str, weight: int, hint: int | None = None) -> int:
    """The index of ``family``'s face in a collection (by its name table).

    ``hint`` is fontconfig's index, used when no face carries the name (localised names).
    """
    from fontTools.ttLib import TTCollection

    with path.open("rb") as handle:
        if handle.read(4) != b"ttcf":
            return 0
    with TTCollection(path, lazy=True) as collection:
        candidates = []
        for index, font in enumerate(collection.fonts):
            name = font["name"]
            names = {str(name.getDebugName(n) or "").casefold() for n in (1, 16)} - {""}
            if family.casefold() in names:
                face_weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
                candidates.append((abs(face_weight - weight), index))
    if not candidates:
        if hint is not None:
            return hint
        raise PdfError(
            f"字体文件中没有 {family} / font file has no face named {family!r}: {path.name}"
        )
    return min(candidates)[1]


def _subfamily(weight: int) -> str:
    return "Bold" if weight >= 600 else "Regular"


def build_derived_font(
    source: Path,
    index: int,
    target: Path,
    family: str,
    weight: int,
    *,
    full: Path | None = None,
) -> bool:
    """Write the derived face (renamed, glyphs reordered) of ``source``'s face ``index``.

    With ``full``, a large face (more than twice its core) is split: ``full`` gets the
    whole reordered face, named ``"{family} Full"``, and ``target`` its core, named
    ``family`` (see :class:`Face`); returns whether it was split. Otherwise ``target``
    gets the whole face. ~3 s and ~300 MB per Noto CJK face; files are replaced
    atomically, ``target`` last (its presence means a complete build).
    Outlines, metrics and layout tables are unchanged; the CFF FDSelect is reordered
    with the glyphs (``fontTools.ttLib.reorderGlyphs`` leaves it alone).
    """
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.reorderGlyphs import reorderGlyphs

    font = TTFont(source, fontNumber=index, lazy=False, recalcBBoxes=False, recalcTimestamp=False)
    old_index = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    new_order, core = _ordered(font)
    split = full is not None and len(new_order) > 2 * core
    font.ensureDecompiled()
    fd_select = None
    if "CFF " in font:
        top = font["CFF "].cff.topDictIndex[0]
        if hasattr(top, "FDSelect"):
            fd_select = list(top.FDSelect.gidArray)
    reorderGlyphs(font, new_order)
    if fd_select is not None:
        # A new object: the charstrings index still reads the old one by old glyph id.
        selector = copy.copy(top.FDSelect)
        selector.gidArray = [fd_select[old_index[name]] for name in new_order]
        top.FDSelect = selector
    if "CFF " in font and hasattr(top, "ROS"):
        _renumber_cids(top, new_order)
    _rename(font, f"{family} Full" if split else family, _subfamily(weight), source)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _temporary(target) as whole:
        font.save(whole)
        if split:
            assert full is not None
            with _temporary(target) as part:
                part.write_bytes(_core_font(whole, core, family, _subfamily(weight)))
                os.replace(whole, full)
                os.replace(part, target)  # last: the core's presence marks a whole build
        else:
            os.replace(whole, target)
    return split


@contextlib.contextmanager
def _temporary(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target`` (readable by all: a cache may be shared)."""
    with tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=".build-", suffix=target.suffix, delete=False
    ) as handle:
        path = Path(handle.name)
    try:
        path.chmod(0o644)
        yield path
    finally:
        path.unlink(missing_ok=True)


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
void hb_face_destroy (hb_face_t *face);
hb_blob_t * hb_face_reference_blob (hb_face_t *face);
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


def _core_font(whole: Path, glyphs: int, family: str, subfamily: str) -> bytes:
    """The first ``glyphs`` glyphs of ``whole`` (plus what its layout reaches), renamed.

    HarfBuzz subsets in ~0.4 s with everything else kept: hints, subroutines, all
    names and layout features (their closure adds ~6k glyphs after the core, e.g.
    other locales' forms). fontTools would take ~15 s per face.
    """
    import cffi
    from fontTools.ttLib import TTFont

    ffi = cffi.FFI()
    ffi.cdef(_HB_CDEF)
    hb = ffi.dlopen("libharfbuzz.so.0")
    subset = ffi.dlopen("libharfbuzz-subset.so.0")
    blob = hb.hb_blob_create_from_file(str(whole).encode())
    face = hb.hb_face_create(blob, 0)
    spec = subset.hb_subset_input_create_or_fail()
    output = ffi.NULL
    try:
        hb.hb_set_add_range(subset.hb_subset_input_glyph_set(spec), 0, glyphs - 1)
        for kind in (_SETS_NAME_ID, _SETS_NAME_LANG_ID, _SETS_LAYOUT_FEATURE_TAG):
            everything = subset.hb_subset_input_set(spec, kind)
            hb.hb_set_clear(everything)
            hb.hb_set_invert(everything)
        hb.hb_set_clear(subset.hb_subset_input_set(spec, _SETS_DROP_TABLE_TAG))  # keep BASE
        subset.hb_subset_input_set_flags(
            spec,
            _FLAGS_NAME_LEGACY
            | _FLAGS_PASSTHROUGH
            | _FLAGS_NOTDEF_OUTLINE
            | _FLAGS_NO_PRUNE_UNICODE_RANGES,
        )
        output = subset.hb_subset_or_fail(face, spec)
        if output == ffi.NULL:
            raise PdfError(f"HarfBuzz 无法生成字体核心 / HarfBuzz could not subset {whole.name}")
        result = hb.hb_face_reference_blob(output)
        length = ffi.new("unsigned int *")
        data = ffi.unpack(hb.hb_blob_get_data(result, length), int(length[0]))
        hb.hb_blob_destroy(result)
    finally:
        if output != ffi.NULL:
            hb.hb_face_destroy(output)
        subset.hb_subset_input_destroy(spec)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)
    font = TTFont(io.BytesIO(data), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    _set_names(font["name"], family, subfamily, note="Core (most used glyphs) of " + family)
    out = io.BytesIO()
    font.save(out)  # only 'name' is rebuilt; the other tables are copied as they are
    return out.getvalue()


def _renumber_cids(top: Any, order: list[str]) -> None:
    """Make CID = glyph id again in a reordered CID-keyed CFF (a one-range charset).

    Measured with HarfBuzz 6: subsetting the reordered face with its scattered CIDs
    took ~29 ms per face and pass; with the identity charset ~12 ms, and the subset
    is ~10 % smaller (its charset is one range instead of one entry per glyph). Only
    the CFF's own names change; the other tables are written by glyph position.
    """
    names = [order[0]] + [f"cid{gid:05d}" for gid in range(1, len(order))]
    charstrings = top.CharStrings
    by_name = charstrings.charStrings
    charstrings.charStrings = {new: by_name[old] for new, old in zip(names, order, strict=True)}
    top.charset = names


def _rename(font: Any, family: str, subfamily: str, source: Path) -> None:
    """Give the derived face its own names; keep copyright, trademark and license."""
    table = font["name"]
    original = table.getDebugName(4) or source.name
    _set_names(
        table,
        family,
        subfamily,
        note=f"Derived by dunletters from {original} ({source.name}): renamed and glyphs "
        "reordered for subsetting; outlines unchanged. Licensed under the SIL Open Font "
        "License 1.1 like the original.",
    )
    postscript, full = _postscript_name(family, subfamily), _full_name(family, subfamily)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName = full
        top.FamilyName = family
        if hasattr(top, "FontName"):
            top.FontName = postscript


def _postscript_name(family: str, subfamily: str) -> str:
    return f"{family}-{subfamily}".replace(" ", "")


def _full_name(family: str, subfamily: str) -> str:
    return family if subfamily == "Regular" else f"{family} {subfamily}"


def _set_names(table: Any, family: str, subfamily: str, note: str) -> None:
    """Set name IDs 1–4, 6 and 10 (Windows English); drop other records of those IDs."""
    description = table.getDebugName(10) or ""
    postscript = _postscript_name(family, subfamily)
    table.names = [n for n in table.names if n.nameID not in (1, 2, 3, 4, 6, 10, 16, 17, 21, 22)]
    for name_id, value in (
        (1, family),
        (2, subfamily),
        (3, f"{postscript};dunletters;{BUILDER_VERSION}"),
        (4, _full_name(family, subfamily)),
        (6, postscript),
        (10, f"{note} {description}".strip() if note not in description else description),
    ):
        table.setName(value, name_id, 3, 1, 0x409)


# --- the cache -------------------------------------------------------------------------


def font_cache_dir() -> Path:
    """``$DUNLETTERS_FONT_CACHE``, else ``$XDG_CACHE_HOME/dunletters/fonts``."""
    configured = os.environ.get("DUNLETTERS_FONT_CACHE")
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dunletters" / "fonts"


_README = """\
Derived fonts made by dunletters (dunletters.fonts) from the fonts named in each
file's name table (ID 10). They are the original faces renamed, with the glyphs put
in an order that makes PDF subsetting cheap (*-full.otf), and the most used part of
each (*.otf, the "core"); outlines are unchanged.
The originals (Noto CJK, by Adobe and Google) are licensed under the SIL Open Font
License 1.1 (see /usr/share/doc/fonts-noto-cjk/copyright or
https://openfontlicense.org); these derived files are under the same license.
This folder is a cache: delete it at any time, it is rebuilt on first use.
"""


def _write_readme(cache: Path) -> None:
    readme = cache / "README.txt"
    if not readme.exists():
        readme.write_text(_README, encoding="utf-8")


def _cache_key(source: Path, index: int, family: str, weight: int) -> str:
    stat = source.stat()
    text = "\0".join(
        (
            str(BUILDER_VERSION),
            str(source.resolve()),
            str(stat.st_size),
            str(stat.st_mtime_ns),
            str(index),
            family,
            str(weight),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _derived_face(
    source: Path, hint: int | None, spec: FamilySpec, weight: int, cache: Path
) -> tuple[Path, Path | None]:
    """The cached derived file(s) for one face (core, whole face or ``None``)."""
    index = _face_index(source, spec.family, weight, hint)
    key = _cache_key(source, index, spec.derived, weight)
    stem = f"{spec.derived.replace(' ', '')}-{_subfamily(weight)}"
    target = cache / f"{stem}-{key}.otf"
    full = cache / f"{stem}-{key}-full.otf"
    if target.is_file():
        _write_readme(cache)
        return target, (full if full.is_file() else None)
    with _locked(cache / ".lock"):
        if not target.is_file():  # another process may have built it meanwhile
            started = time.perf_counter()
            build_derived_font(source, index, target, spec.derived, weight, full=full)
            LOGGER.info("built %s in %.1f s", target.name, time.perf_counter() - started)
            _write_readme(cache)
            for stale in cache.glob(f"{stem}-*.otf"):  # older sources or builder versions
                if stale not in (target, full):
                    stale.unlink(missing_ok=True)
            for leftover in cache.glob(".build-*"):  # a build killed midway (we hold the lock)
                leftover.unlink(missing_ok=True)
    return target, (full if full.is_file() else None)


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
            faces.append(_resolve_face(spec, weight, cache))
    return FontSet(tuple(faces))


def _resolve_face(spec: FamilySpec, weight: int, cache: Path) -> Face:
    source = spec.sources.get(weight)
    hint: int | None = None
    if source is None or not source.is_file():
        found = find_system_face(spec.family, weight)
        if found is None:
            raise PdfError(
                f"找不到字体“{spec.family}”：请安装字体（Debian：{INSTALL_HINT}），"
                f"或在主题中改用已安装的字体 / font family {spec.family!r} is not installed"
            )
        source, hint = found
    try:
        derived, fallback = _derived_face(source, hint, spec, weight, cache)
    except PdfError:
        raise
    except Exception as error:  # an unusual font fontTools cannot reorder: use it as is
        LOGGER.warning(
            "cannot derive a subsetting-friendly face from %s (%s); using it as is",
            source.name,
            type(error).__name__,
        )
        return Face(spec.family, spec.family, weight, source, derived=False)
    if fallback is None:
        return Face(spec.family, spec.derived, weight, derived, derived=True)
    return Face(spec.family, spec.derived, weight, derived, True, fallback, f"{spec.derived} Full")
