"""Issue #16 item 2: the seal.

A real letter carries no seal placeholder; a theme's ``[seal]`` image (PNG or SVG from
the templates folder) is drawn at the 落款; the dashed placeholder shows only in
previews, marked 仅预览. Real PDFs, read back with pdftotext and rasterised by pdftoppm.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, TEST_CONFIG, TEST_SETTINGS
from dunletters.errors import TemplateError
from dunletters.escalation import decide
from dunletters.models import parse_account
from dunletters.pdf import PdfRenderer
from dunletters.pdf.theme import load_theme
from dunletters.produce import letter_pdf_metadata
from dunletters.registry import BUILTIN_TEMPLATES, Registry
from dunletters.rendering import Renderer

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "templates"
NUMBER = "示银信催〔2026〕第000001号"


def letter_pdf(row: dict[str, str], template_dirs: list[Path]) -> bytes:
    registry = Registry.load(template_dirs)
    account = parse_account(row, as_of=AS_OF)
    decision = decide(account, TEST_SETTINGS.policy, AS_OF)
    document = Renderer(TEST_SETTINGS, registry).letter_html(account, decision, AS_OF, NUMBER)  # type: ignore[arg-type]
    pdf = PdfRenderer.for_registry(registry)
    return pdf.render(document.html, letter_pdf_metadata(TEST_SETTINGS, document)).data


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def seal_pixels(pdf: bytes, tmp_path: Path) -> tuple[int, int]:
    """Seal-red pixels (72 dpi: one pixel a point) near the 落款 date, and elsewhere."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    box = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    date = re.search(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">2026年11月28日', box
    )
    assert date is not None
    x0, y0, x1, y1 = (float(v) for v in date.groups())
    subprocess.run(["pdftoppm", "-r", "72", str(path), str(tmp_path / "page")], check=True)
    data = next(tmp_path.glob("page*.ppm")).read_bytes()
    magic, width, height, _, pixels = data.split(maxsplit=4)
    assert magic == b"P6"
    w, h = int(width), int(height)
    near = elsewhere = 0
    for y in range(h):
        line = pixels[y * w * 3 : (y + 1) * w * 3]
        for x in range(w):
            r, g, b = line[3 * x], line[3 * x + 1], line[3 * x + 2]
            if r > 200 and g < 90 and b < 90:  # the seal's red, not the letterhead's
                if x0 - 60 <= x <= x1 + 60 and y0 - 80 <= y <= y1 + 80:
                    near += 1
                else:
                    elsewhere += 1
    return near, elsewhere


def test_a_real_letter_has_no_placeholder_and_no_seal(row: dict[str, str], tmp_path: Path) -> None:
    pdf = letter_pdf(row, [])
    text = text_of(pdf, tmp_path)
    assert "盖章" not in text and "预览" not in text
    assert seal_pixels(pdf, tmp_path) == (0, 0)


def test_the_themes_seal_is_drawn_at_the_signoff(row: dict[str, str], tmp_path: Path) -> None:
    pdf = letter_pdf(row, [EXAMPLES])
    text = text_of(pdf, tmp_path)
    assert "盖章" not in text and "仅预览" not in text
    assert "样章" in text  # the example bank's specimen says what it is
    near, elsewhere = seal_pixels(pdf, tmp_path)
    assert near > 1500 and elsewhere == 0


def run_preview(tmp_path: Path, *templates: str) -> str:
    target = tmp_path / "preview.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG), "preview",
         "early.courteous", "--as-of", "2026-11-28", "-o", str(target), *templates],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def test_only_a_preview_shows_the_placeholder_marked_as_such(tmp_path: Path) -> None:
    assert re.search(r"盖章处\s*（仅预览）", run_preview(tmp_path))
    with_seal = run_preview(tmp_path, "--templates", str(EXAMPLES))
    assert "仅预览" not in with_seal and "样章" in with_seal


def test_the_seal_must_be_an_image_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    theme = (BUILTIN_TEMPLATES / "letters" / "theme.toml").read_text(encoding="utf-8")
    (folder / "theme.toml").write_text(theme + '\n[seal]\nimage = "seal.svg"\n', encoding="utf-8")
    with pytest.raises(TemplateError, match=r"seal\.svg 不存在"):
        load_theme([folder, BUILTIN_TEMPLATES / "letters"])
    (folder / "theme.toml").write_text(
        theme + '\n[seal]\nimage = "../seal.svg"\n', encoding="utf-8"
    )
    with pytest.raises(TemplateError, match=r"seal\.image"):
        load_theme([folder, BUILTIN_TEMPLATES / "letters"])
    (folder / "theme.toml").write_text(theme + '\n[seal]\nimage = "seal.gif"\n', encoding="utf-8")
    with pytest.raises(TemplateError, match=r"seal\.image"):
        load_theme([folder, BUILTIN_TEMPLATES / "letters"])
