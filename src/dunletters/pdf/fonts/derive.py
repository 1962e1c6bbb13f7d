"""Deriving faces whose glyph order suits letters: tiers, GSUB closure, core and full.

See :mod:`dunletters.pdf.fonts` for why; this module is the algorithm alone.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dunletters.errors import PdfError
from dunletters.pdf.fonts._ffi import harfbuzz

__all__ = ["BUILDER_VERSION", "build_derived_font", "derived_glyph_order", "glyph_priority"]

BUILDER_VERSION = 5
"""Bump when the derived fonts change (tiers, renaming…): old cache entries are ignored."""


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


def face_index(path: Path, family: str, weight: int, hint: int | None = None) -> int:
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


def subfamily(weight: int) -> str:
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
    _rename(font, f"{family} Full" if split else family, subfamily(weight), source)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _temporary(target) as whole:
        font.save(whole)
        if split:
            assert full is not None
            with _temporary(target) as part:
                part.write_bytes(_core_font(whole, core, family, subfamily(weight)))
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
    from fontTools.ttLib import TTFont

    binding = harfbuzz()
    ffi, hb, subset = binding.ffi, binding.hb, binding.subset
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
