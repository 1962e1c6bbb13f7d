"""The derived fonts: same glyphs and outlines as Noto CJK SC, letter glyphs first.

The four default faces are built once into the font cache ($DUNLETTERS_FONT_CACHE or
~/.cache/dunletters/fonts; ~15 s on the first run of a machine, then a stat per face).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

from dunletters.errors import PdfError
from dunletters.pdf.fonts import (
    DEFAULT_FAMILIES,
    FamilySpec,
    FontSet,
    build_derived_font,
    derived_glyph_order,
    ensure_fonts,
    font_cache_dir,
    glyph_priority,
    harfbuzz_subset_available,
)
from dunletters.pdf.fonts import cache as fonts_cache

NOTO_SERIF = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
RARE = "堃喆玥彧祎珺"
LETTER_TEXT = "尊敬的欧阳先生：您名下尾号为1234的信用卡账户已逾期，应还款总额¥12,345.67（壹万贰仟叁佰肆拾伍元陆角柒分）。"


@pytest.fixture(scope="module")
def font_set() -> FontSet:
    return ensure_fonts()


@pytest.fixture(scope="module")
def serif(font_set: FontSet) -> TTFont:
    """The core of DL Serif SC regular (glyphs through GB 2312 level 2)."""
    face = next(f for f in font_set.faces if f.family == "DL Serif SC" and f.weight == 400)
    return TTFont(face.path, lazy=True)


@pytest.fixture(scope="module")
def serif_full(font_set: FontSet) -> TTFont:
    """The whole reordered face, used for characters the core lacks."""
    face = next(f for f in font_set.faces if f.family == "DL Serif SC" and f.weight == 400)
    assert face.fallback is not None
    return TTFont(face.fallback, lazy=True)


@pytest.fixture(scope="module")
def noto_serif_sc() -> TTFont:
    if not NOTO_SERIF.is_file():
        pytest.fail("fonts-noto-cjk is not installed (scripts/system-deps.sh installs it)")
    for index in range(10):
        font = TTFont(NOTO_SERIF, fontNumber=index, lazy=True)
        if font["name"].getDebugName(1) == "Noto Serif CJK SC":
            return font
    pytest.fail("no Noto Serif CJK SC face in the collection")


def test_harfbuzz_subsetting_is_available() -> None:
    assert harfbuzz_subset_available()


def test_default_faces_are_derived_into_the_cache(font_set: FontSet) -> None:
    derived = [face for face in font_set.faces if face.derived]
    assert [(f.requested, f.family, f.weight) for f in derived] == [
        ("Noto Serif CJK SC", "DL Serif SC", 400),
        ("Noto Serif CJK SC", "DL Serif SC", 700),
        ("Noto Sans CJK SC", "DL Sans SC", 400),
        ("Noto Sans CJK SC", "DL Sans SC", 700),
    ]
    assert all(face.path.parent == font_cache_dir() for face in derived)
    assert [face.fallback_family for face in derived] == [
        "DL Serif SC Full",
        "DL Serif SC Full",
        "DL Sans SC Full",
        "DL Sans SC Full",
    ]
    assert len(font_set.files) == 8
    assert font_set.aliases == {
        "Noto Serif CJK SC": "DL Serif SC",
        "Noto Sans CJK SC": "DL Sans SC",
    }
    # The rare-character fallback is embedded as it is (fonts-hanazono).
    (fallback,) = [face for face in font_set.faces if not face.derived]
    assert (fallback.family, fallback.weight, fallback.path.name) == (
        "HanaMinB",
        400,
        "HanaMinB.ttf",
    )
    assert (font_cache_dir() / "README.txt").read_text(encoding="utf-8").count("Open Font")


def test_second_call_reuses_the_cache(font_set: FontSet) -> None:
    again = ensure_fonts()
    assert again == font_set


def test_alias_rules_put_the_core_then_the_full_face_first(font_set: FontSet) -> None:
    root = ET.fromstring(font_set.alias_rules())
    rules = {
        match.findtext("test/string"): [s.text for s in match.iterfind("edit/string")]
        for match in root.iter("match")
    }
    assert rules == {
        "Noto Serif CJK SC": ["DL Serif SC", "DL Serif SC Full"],
        "Noto Sans CJK SC": ["DL Sans SC", "DL Sans SC Full"],
    }
    assert all(edit.get("mode") == "prepend" for edit in root.iter("edit"))


def test_glyph_priority_tiers() -> None:
    ascii_, _latin1, punctuation, _symbols, level1, names, level2, hanzi = glyph_priority()
    assert ascii_[:3] == [" ", "!", '"']
    assert {
        "，",
        "。",
        "：",
        "；",
        "！",
        "？",
        "、",
        "（",
        "）",
        "《",
        "》",
        "〔",
        "〕",
        "“",
        "”",
        "￥",
    } <= set(punctuation + _symbols)
    assert len(level1) == 3755
    assert level1[:2] == ["啊", "阿"]
    assert len(level2) == 3008
    assert set(RARE) <= set(names)
    assert not set(names) & (set(level1) | set(level2))
    assert len(hanzi) == 0x9FFF - 0x4E00 + 1


def _same_glyphs(a: TTFont, b: TTFont, codes: list[int]) -> None:
    cmap_a, cmap_b = a.getBestCmap(), b.getBestCmap()
    glyphs_a, glyphs_b = a.getGlyphSet(), b.getGlyphSet()
    for code in codes:
        pen_a, pen_b = RecordingPen(), RecordingPen()
        glyphs_a[cmap_a[code]].draw(pen_a)
        glyphs_b[cmap_b[code]].draw(pen_b)
        assert pen_a.value == pen_b.value, chr(code)
        assert a["hmtx"][cmap_a[code]] == b["hmtx"][cmap_b[code]], chr(code)


def test_full_face_keeps_every_character_and_outline(
    serif_full: TTFont, noto_serif_sc: TTFont
) -> None:
    original, derived = noto_serif_sc.getBestCmap(), serif_full.getBestCmap()
    assert derived.keys() == original.keys()
    assert len(serif_full.getGlyphOrder()) == len(noto_serif_sc.getGlyphOrder())
    _same_glyphs(noto_serif_sc, serif_full, sorted(original)[::300] + [ord(c) for c in RARE])
    assert derived_glyph_order(serif_full) == serif_full.getGlyphOrder()  # stable order


def test_core_has_gb2312_and_name_characters_with_the_same_glyph_ids(
    serif: TTFont, serif_full: TTFont
) -> None:
    core, full = serif.getBestCmap(), serif_full.getBestCmap()
    level1, level2 = glyph_priority()[4], glyph_priority()[6]
    assert all(ord(c) in core for c in level1 + level2 + list(RARE) + list(LETTER_TEXT))
    assert ord("鄠") not in core  # outside GB 2312: the full face has it
    assert ord("鄠") in full
    for char in "的，0A" + RARE:
        assert serif.getGlyphID(core[ord(char)]) == serif_full.getGlyphID(full[ord(char)])
    _same_glyphs(serif, serif_full, sorted(core)[::40] + [ord(c) for c in RARE])
    assert len(serif.getGlyphOrder()) < 16_000


def test_letter_characters_have_low_glyph_ids(serif: TTFont) -> None:
    cmap = serif.getBestCmap()
    gid = serif.getGlyphID
    assert max(gid(cmap[ord(c)]) for c in "0123456789¥,.") < 200
    assert max(gid(cmap[ord(c)]) for c in "，。：；（）《》“”") < 1000
    assert max(gid(cmap[ord(c)]) for c in LETTER_TEXT + RARE) < 5000


def test_derived_names_license_and_charset(serif: TTFont) -> None:
    name = serif["name"]
    assert name.getDebugName(1) == "DL Serif SC"
    assert name.getDebugName(6) == "DLSerifSC-Regular"
    assert "Core" in (name.getDebugName(10) or "")
    assert "SIL Open Font License" in (name.getDebugName(13) or "")
    assert "Noto Serif CJK SC" in (name.getDebugName(10) or "")
    assert not [n for n in name.names if n.nameID == 1 and "Noto" in n.toUnicode()]
    charset = serif["CFF "].cff.topDictIndex[0].charset
    assert charset[1:4] == ["cid00001", "cid00002", "cid00003"]  # CID = glyph id


def test_unknown_family_is_a_pdf_error(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match="apt-get install fonts-noto-cjk"):
        ensure_fonts([FamilySpec("No Such Family 不存在", "DL Nothing")], cache_dir=tmp_path)


DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def test_family_found_through_fontconfig_is_derived(tmp_path: Path) -> None:
    """No source file given: fontconfig finds the family; a TrueType font derives too."""
    if not DEJAVU_BOLD.exists():
        pytest.skip("DejaVu Sans is not installed")
    spec = FamilySpec("DejaVu Sans", "DL Test Sans", weights=(700,))
    (face,) = ensure_fonts([spec], cache_dir=tmp_path).faces
    assert face.derived
    assert face.path.parent == tmp_path
    derived = TTFont(face.path)
    assert derived["name"].getDebugName(4) == "DL Test Sans Bold"
    assert derived.getGlyphID(derived.getBestCmap()[ord("a")]) < 100


def test_a_face_that_cannot_be_derived_is_used_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not DEJAVU_BOLD.exists():
        pytest.skip("DejaVu Sans is not installed")

    def fail(*args: object) -> None:
        raise ValueError("unsupported table")

    monkeypatch.setattr(fonts_cache, "build_derived_font", fail)
    spec = FamilySpec("DejaVu Sans", "DL Test Sans", weights=(700,))
    (face,) = ensure_fonts([spec], cache_dir=tmp_path).faces
    assert not face.derived
    assert face.family == "DejaVu Sans"
    assert face.path.name == "DejaVuSans-Bold.ttf"


def test_build_replaces_the_target_atomically(tmp_path: Path) -> None:
    if not DEJAVU_BOLD.exists():
        pytest.skip("DejaVu Sans is not installed")
    target = tmp_path / "out.ttf"
    target.write_bytes(b"old")
    build_derived_font(DEJAVU_BOLD, 0, target, "DL Atomic", 700)
    assert TTFont(target)["name"].getDebugName(4) == "DL Atomic Bold"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttf"]  # no temporary left


def test_default_families_name_debian_noto_files() -> None:
    for spec in DEFAULT_FAMILIES[:2]:
        assert set(spec.sources) == {400, 700}
        assert all(path.suffix == ".ttc" for path in spec.sources.values())


def test_an_optional_family_that_is_not_installed_is_left_out() -> None:
    missing = FamilySpec("Nonexistent Fallback", "x", weights=(400,), derive=False, optional=True)
    font_set = ensure_fonts((DEFAULT_FAMILIES[0], missing))
    assert {face.requested for face in font_set.faces} == {"Noto Serif CJK SC"}
    assert font_set.unsupported_characters("李𠀀") == ["𠀀"]  # so intake refuses such a name
    with pytest.raises(PdfError, match="Nonexistent Fallback"):
        ensure_fonts((FamilySpec("Nonexistent Fallback", "x", weights=(400,), derive=False),))
