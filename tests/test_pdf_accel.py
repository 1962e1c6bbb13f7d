"""The accelerator's switch: both modes give the same pages, and it warns when it stands down.

Every built-in letter template (all stages × tones), as its own PDF and in one print
file, rendered by an accelerated renderer and by one running WeasyPrint's own code.
The bytes differ by design (Flate level, one-pass subsets without unused tables), so
the pages are compared as pdftoppm rasters and pdftotext text, and both are checked to
embed subsets of the same fonts.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import warnings
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dunletters.pdf import PdfMetadata, PdfRenderer
from dunletters.pdf.accel import ENVIRONMENT_VARIABLE, AccelerationWarning

AS_OF = date(2026, 11, 28)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils (scripts/debian-packages.txt)")
    return path


def _pdf(data: bytes, folder: Path, name: str) -> Path:
    path = folder / f"{name}.pdf"
    path.write_bytes(data)
    return path


def _raster(pdf: Path) -> list[bytes]:
    """Each page as a 100 dpi greyscale PGM from pdftoppm."""
    prefix = pdf.with_suffix("")
    subprocess.run([_tool("pdftoppm"), "-r", "100", "-gray", str(pdf), str(prefix)], check=True)
    pages = sorted(pdf.parent.glob(f"{prefix.name}-*.pgm"))
    assert pages
    return [page.read_bytes() for page in pages]


def _text(pdf: Path) -> str:
    return subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
    ).stdout


PDFJS = Path(__file__).parent / "pdfjs"


def _pdfjs_text(pdfs: list[Path]) -> list[list[str]]:
    """Each PDF's pages as pdf.js extracts their text (node, pdfjs-dist's text content API)."""
    if not (PDFJS / "node_modules" / "pdfjs-dist").is_dir():
        pytest.fail("pdfjs-dist is missing: make setup (npm ci --prefix tests/pdfjs)")
    result = subprocess.run(
        [_tool("node"), str(PDFJS / "text.mjs"), *map(str, pdfs)],
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def _fonts(pdf: Path) -> list[tuple[str, str, str, str]]:
    """pdffonts' rows: (name without subset tag, emb, sub, uni)."""
    rows = subprocess.run(
        [_tool("pdffonts"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    return sorted((row.split()[0].split("+", 1)[1], *row.split()[-5:-2]) for row in rows)  # type: ignore[misc]


def _builtin_letters() -> list[tuple[str, PdfMetadata]]:
    from dunletters.config import STAGES, TONES, Settings
    from dunletters.escalation import decision_for
    from dunletters.produce import letter_pdf_metadata
    from dunletters.registry import Registry
    from dunletters.rendering import Renderer
    from dunletters.samples import sample_account

    settings, registry = Settings(), Registry.load()
    renderer = Renderer(settings, registry)
    letters = []
    for stage in STAGES:
        for tone in TONES:
            decision = decision_for(settings.stage_rule(stage), tone)
            account = sample_account(stage, as_of=AS_OF)
            document = renderer.letter_html(account, decision, AS_OF, "1")
            letters.append((document.html, letter_pdf_metadata(settings, document)))
    return letters


def test_every_builtin_letter_looks_the_same_with_the_accelerator_off(tmp_path: Path) -> None:
    from dunletters.registry import Registry

    registry = Registry.load()
    fast = PdfRenderer.for_registry(registry)
    plain = PdfRenderer(
        fast._roots[0],
        overlay_dirs=fast._roots[1:],
        fonts=fast.fonts,
        accelerate=False,
        stylesheet=fast.stylesheet,  # the theme's window (issue #16), as for_registry gives
    )
    assert fast.accelerated and not plain.accelerated
    letters = _builtin_letters()
    assert len(letters) == 12
    outputs: list[tuple[str, bytes, bytes]] = []
    for number, (html, meta) in enumerate(letters):
        accelerated, unaccelerated = fast.render(html, meta), plain.render(html, meta)
        assert accelerated.pages == unaccelerated.pages == 1
        outputs.append((f"letter{number}", accelerated.data, unaccelerated.data))
    outputs.append(
        ("print", fast.combine(letters, letters[0][1]), plain.combine(letters, letters[0][1]))
    )
    letter_sizes = [len(ours) for name, ours, _ in outputs if name.startswith("letter")]
    assert sum(letter_sizes) / len(letter_sizes) <= 70 * 1024
    written: list[tuple[Path, Path]] = []
    for name, ours, theirs in outputs:
        assert len(ours) < len(theirs)  # the accelerator's files are smaller
        mine, reference = (
            _pdf(ours, tmp_path, f"{name}-fast"),
            _pdf(theirs, tmp_path, f"{name}-plain"),
        )
        written.append((mine, reference))
        assert _text(mine) == _text(reference), name
        assert _raster(mine) == _raster(reference), name
        fonts = _fonts(mine)
        assert fonts == _fonts(reference)
        assert all(row[1:] == ("yes", "yes", "yes") for row in fonts)
    accelerated = _pdfjs_text([mine for mine, _ in written])
    assert accelerated == _pdfjs_text([reference for _, reference in written])
    assert all("尊敬的" in pages[0] for pages in accelerated[:-1])
    assert len(accelerated[-1]) == len(letters)  # the print file: one page a letter


def test_both_modes_in_one_process_do_not_disturb_each_other() -> None:
    """An unaccelerated renderer between two accelerated letters changes neither's bytes."""
    from dunletters.registry import Registry

    registry = Registry.load()
    fast = PdfRenderer.for_registry(registry)
    html, meta = _builtin_letters()[5]
    first = fast.render(html, meta).data
    plain = PdfRenderer(
        fast._roots[0], overlay_dirs=fast._roots[1:], fonts=fast.fonts, accelerate=False
    )
    off = plain.render(html, meta).data
    assert fast.render(html, meta).data == first
    assert plain.render(html, meta).data == off


def test_the_environment_variable_turns_it_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "0")
    assert not PdfRenderer(tmp_path).accelerated
    assert PdfRenderer(tmp_path, accelerate=True).accelerated
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "1")
    assert PdfRenderer(tmp_path).accelerated


def test_another_weasyprint_makes_it_stand_down_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import weasyprint

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.warns(AccelerationWarning, match="WeasyPrint 71.0"):
        renderer = PdfRenderer(tmp_path, stylesheet="html { font-family: 'Noto Serif CJK SC'; }")
    assert not renderer.accelerated
    html = "<!DOCTYPE html><html lang='zh-CN'><body><p>尊敬的客户：</p></body></html>"
    meta = PdfMetadata(
        "标题",
        "作者",
        "主题",
        datetime(2026, 11, 28, tzinfo=UTC),
    )
    assert renderer.render(html, meta).pages == 1


def test_another_pydyf_warns_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import pydyf

    monkeypatch.setattr(pydyf, "__version__", "0.14.0")
    with pytest.warns(AccelerationWarning, match="pydyf 0.14.0"):
        PdfRenderer(tmp_path)


def test_no_warning_when_switched_off_on_purpose(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import weasyprint

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with warnings.catch_warnings():
        warnings.simplefilter("error", AccelerationWarning)
        assert not PdfRenderer(tmp_path, accelerate=False).accelerated


def _objects(data: bytes) -> bytes:
    """The PDF's bytes with every Flate stream inflated (object streams included)."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
    return b"".join(parts)


def test_derived_faces_are_embedded_as_bare_cff(tmp_path: Path) -> None:
    """Subsets renumbered, embedded as FontFile3 /CIDFontType0C without /CIDToGIDMap."""
    from dunletters.registry import Registry

    registry = Registry.load()
    fast = PdfRenderer.for_registry(registry)
    plain = PdfRenderer(
        fast._roots[0], overlay_dirs=fast._roots[1:], fonts=fast.fonts, accelerate=False
    )
    html, meta = _builtin_letters()[7]
    ours, theirs = fast.render(html, meta).data, plain.render(html, meta).data
    assert len(ours) < 0.75 * len(theirs)
    rows = subprocess.run(
        [_tool("pdffonts"), str(_pdf(ours, tmp_path, "fast"))],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[2:]
    assert len(rows) == 4
    assert all("CID Type 0C " in row and "(OT)" not in row for row in rows)
    inflated = _objects(ours)
    assert inflated.count(b"/CIDFontType0C") == 4
    assert b"/CIDToGIDMap" not in inflated
    assert b"/CIDToGIDMap" in _objects(theirs)


def test_only_cid_keyed_cff_faces_are_embedded_bare() -> None:
    from dunletters.pdf.accel.cff import _cid_keyed
    from dunletters.pdf.fonts import ensure_fonts

    faces = ensure_fonts().faces
    derived = [path for face in faces if face.derived for path in (face.path, face.fallback)]
    assert derived and all(path is not None and _cid_keyed(path) for path in derived)
    assert not any(_cid_keyed(face.path) for face in faces if not face.derived)  # HanaMinB: glyf


def test_reused_blocks_give_the_bytes_of_laying_them_out() -> None:
    """Top-level blocks repeated across letters (accel.blocks): same bytes as without."""
    from dunletters.config import Settings
    from dunletters.escalation import Hold, decide
    from dunletters.models import parse_account
    from dunletters.produce import letter_pdf_metadata
    from dunletters.registry import Registry
    from dunletters.rendering import Renderer
    from dunletters.samples import generate_accounts

    settings, registry = Settings(), Registry.load()
    renderer = Renderer(settings, registry)
    reusing = PdfRenderer.for_registry(registry)
    laying_out = PdfRenderer(
        reusing._roots[0],
        overlay_dirs=reusing._roots[1:],
        fonts=reusing.fonts,
        stylesheet=reusing.stylesheet,  # the theme's window and seal, as for_registry gives
    )
    del laying_out._font_config._dl_block_memo  # every block laid out
    letters = []
    for number, row in enumerate(generate_accounts(30, seed=17, as_of=AS_OF)):
        account = parse_account(row, as_of=AS_OF)
        decision = decide(account, settings.policy, AS_OF)
        if not isinstance(decision, Hold):
            document = renderer.letter_html(account, decision, AS_OF, str(number))
            letters.append((document.html, letter_pdf_metadata(settings, document)))
    for html, meta in letters + letters[:5]:
        laid_out = reusing.lay_out(html)
        assert reusing.write(laid_out, meta) == laying_out.render(html, meta)
        assert reusing.write_print([laid_out], meta) == laying_out.combine([(html, meta)], meta)
    # several blocks a letter were reused, those beside the window's float too (~1 without)
    assert reusing._blocks.hits > 5 * len(letters)


def _generated_letters(count: int, seed: int) -> list[tuple[str, PdfMetadata]]:
    from dunletters.config import Settings
    from dunletters.escalation import Hold, decide
    from dunletters.models import parse_account
    from dunletters.produce import letter_pdf_metadata
    from dunletters.registry import Registry
    from dunletters.rendering import Renderer
    from dunletters.samples import generate_accounts

    settings = Settings()
    renderer = Renderer(settings, Registry.load())
    letters = []
    for number, row in enumerate(generate_accounts(count, seed=seed, as_of=AS_OF)):
        account = parse_account(row, as_of=AS_OF)
        decision = decide(account, settings.policy, AS_OF)
        if not isinstance(decision, Hold):
            document = renderer.letter_html(account, decision, AS_OF, str(number))
            letters.append((document.html, letter_pdf_metadata(settings, document)))
    return letters


def _cyclic_garbage(renderer: PdfRenderer, html: str, meta: PdfMetadata, release: bool) -> int:
    """Objects the cyclic collector frees after one letter is laid out, written, dropped."""
    import gc

    gc.collect()
    gc.disable()
    try:
        laid_out = renderer.lay_out(html)
        renderer.write(laid_out, meta)
        if release:
            renderer.release(laid_out)
        del laid_out
        return gc.collect()
    finally:
        gc.enable()


def test_a_released_letter_is_freed_without_the_cyclic_collector() -> None:
    """accel.cycles: a written letter's cycles broken, later letters' bytes unchanged."""
    from dunletters.registry import Registry

    registry = Registry.load()
    releasing = PdfRenderer.for_registry(registry)
    keeping = PdfRenderer.for_registry(registry)
    letters = _generated_letters(24, seed=23)
    for html, meta in letters:
        laid_out = releasing.lay_out(html)
        mine = releasing.write(laid_out, meta)
        releasing.release(laid_out)
        assert mine == keeping.render(html, meta)
    part = [releasing.lay_out(html) for html, _ in letters[:6]]
    printed = releasing.write_print(part, letters[0][1])
    for laid_out in part:
        releasing.release(laid_out)
    assert printed == keeping.combine(letters[:6], letters[0][1])
    html, meta = letters[0]
    assert _cyclic_garbage(keeping, html, meta, release=False) > 1000
    assert _cyclic_garbage(releasing, html, meta, release=True) < 50


def test_release_does_nothing_with_the_accelerator_off() -> None:
    from dunletters.registry import Registry

    fast = PdfRenderer.for_registry(Registry.load())
    plain = PdfRenderer(
        fast._roots[0], overlay_dirs=fast._roots[1:], fonts=fast.fonts, accelerate=False
    )
    html, meta = _generated_letters(3, seed=5)[0]
    laid_out = plain.lay_out(html)
    plain.release(laid_out)
    assert plain.write(laid_out, meta) == plain.render(html, meta)
