"""letters/theme.toml: validated, and its font families are what the PDF writer embeds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dunletters.errors import PdfError, TemplateError
from dunletters.pdf import PdfRenderer
from dunletters.pdf.fonts import DEFAULT_FAMILIES
from dunletters.pdf.theme import THEME_FILE, Theme, load_theme
from dunletters.registry import Registry

BUILTIN_LETTERS = Path(__file__).parents[1] / "templates" / "letters"


def overlay(tmp_path: Path, theme: str) -> Path:
    """A user's templates folder whose letters/ holds only a theme.toml."""
    letters = tmp_path / "mine" / "letters"
    letters.mkdir(parents=True)
    (letters / THEME_FILE).write_text(theme, encoding="utf-8")
    return tmp_path / "mine"


def test_the_builtin_theme_is_read_and_names_debians_noto_fonts() -> None:
    theme = load_theme([BUILTIN_LETTERS])
    assert theme == Theme()
    assert theme.families() == DEFAULT_FAMILIES


def test_an_overlay_theme_wins_and_may_use_the_builtin_stylesheet(tmp_path: Path) -> None:
    mine = overlay(tmp_path, '[fonts]\nserif = "Noto Serif CJK SC"\n')
    theme = load_theme([mine / "letters", BUILTIN_LETTERS])
    assert theme.fonts == {"serif": "Noto Serif CJK SC"}
    assert [spec.family for spec in theme.families()] == ["Noto Serif CJK SC"]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('page_size = "Letter"\n', "page_size"),
        ('margins = "2cm sideways"\n', "margins"),
        ('colour = "red"\n', "colour：未知的键"),
        ('[fonts]\nserif = "<b>"\n', "fonts"),
        ('stylesheet = "../../etc/passwd"\n', "stylesheet"),
        ('stylesheet = "missing.css"\n', "missing.css 不存在"),
        ("page_size = \n", "无法读取主题"),
    ],
)
def test_a_bad_theme_is_an_error_naming_file_and_key(tmp_path: Path, text: str, named: str) -> None:
    mine = overlay(tmp_path, text)
    with pytest.raises(TemplateError) as caught:
        load_theme([mine / "letters", BUILTIN_LETTERS])
    assert str(mine / "letters" / THEME_FILE) in str(caught.value)
    assert named in str(caught.value)


def test_the_pdf_writer_embeds_the_themes_families(tmp_path: Path) -> None:
    """A family the theme names but the system lacks stops the renderer, by name."""
    mine = overlay(tmp_path, '[fonts]\nserif = "Nonexistent Serif SC"\n')
    shutil.copy(BUILTIN_LETTERS / "letter.css", mine / "letters" / "letter.css")
    with pytest.raises(PdfError, match="Nonexistent Serif SC"):
        PdfRenderer.for_registry(Registry.load([mine]))


def test_the_builtin_registry_renders_with_the_default_families() -> None:
    renderer = PdfRenderer.for_registry(Registry.load())
    requested = {face.requested for face in renderer.fonts.faces}
    assert requested == {spec.family for spec in DEFAULT_FAMILIES}
