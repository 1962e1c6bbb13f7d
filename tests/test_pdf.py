"""The PDF engine, checked by facts: poppler's pdfinfo, pdffonts and pdftotext.

Synthetic letters only. The renderer is built once per module (fonts from the font
cache, see tests/test_fonts.py); each render takes ~0.1–0.2 s.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dunletters.errors import PdfError
from dunletters.pdf import PdfMetadata, PdfRenderer, RenderedPdf
from dunletters.pdf import renderer as renderer_module
from dunletters.pdf.accel import faces as accel_faces
from dunletters.pdf.accel import pydyf as accel_pydyf
from dunletters.pdf.fonts import FamilySpec

SHANGHAI = timezone(timedelta(hours=8))
META = PdfMetadata(
    title="逾期还款提醒函",
    author="示例银行股份有限公司",
    subject="DL-2026-000123",
    created=datetime(2026, 11, 28, 9, 30, tzinfo=SHANGHAI),
)
STYLESHEET = """
@page { size: A4; margin: 20mm; }
html { font-family: "Noto Serif CJK SC", serif; font-size: 10.5pt; line-height: 1.5; }
h1, table, .letterhead { font-family: "Noto Sans CJK SC", sans-serif; }
h1 { font-weight: bold; font-size: 16pt; text-align: center; }
.salutation, .deadline { font-weight: bold; }
table { width: 100%; table-layout: fixed; border-collapse: collapse; }
th, td { border: 0.5pt solid #777; padding: 1mm 2mm; }
th { font-weight: bold; text-align: left; }
"""
NAMES = ("欧阳堃喆", "司马玥彧", "上官祎珺")


def letter(name: str = NAMES[0], amount: str = "12,345.67", extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>HTML 自己的标题</title>{extra}</head>
<body>
<div class="letterhead">示例银行股份有限公司　信用卡中心</div>
<h1>逾期还款提醒函</h1>
<p class="salutation">尊敬的{name}女士：</p>
<p>您名下尾号为 1234 的信用卡账户已逾期 15 天。我们理解您可能遇到了暂时的困难，如有疑问请致电 95500。</p>
<table>
<tr><th>应还款总额（小写）</th><td>¥{amount}</td></tr>
<tr><th>应还款总额（大写）</th><td>人民币壹万贰仟叁佰肆拾伍元陆角柒分</td></tr>
</table>
<p class="deadline">请于2026年12月12日前还款。</p>
</body></html>"""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils (scripts/system-deps.sh)")
    return path


def _run(tool: str, data: bytes, tmp_path: Path, *args: str) -> str:
    target = tmp_path / "letter.pdf"
    target.write_bytes(data)
    result = subprocess.run(
        [_tool(tool), *args, str(target), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        check=True,
        text=True,
        encoding="utf-8",
    )
    return result.stdout


def _info(data: bytes, tmp_path: Path) -> dict[str, str]:
    lines = _run("pdfinfo", data, tmp_path, "-isodates").splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def _text(data: bytes, tmp_path: Path) -> str:
    return re.sub(r"\s+", "", _run("pdftotext", data, tmp_path, "-enc", "UTF-8"))


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    folder = root / "letters"
    folder.mkdir()
    (folder / "extra.css").write_text("p { color: #222; }", encoding="utf-8")
    (root / "secret.css").write_text("p { color: red; }", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def renderer(templates: Path) -> PdfRenderer:
    return PdfRenderer(templates, stylesheet=STYLESHEET)


@pytest.fixture(scope="module")
def rendered(renderer: PdfRenderer) -> RenderedPdf:
    return renderer.render(letter(), META)


def test_one_a4_page(rendered: RenderedPdf, tmp_path: Path) -> None:
    assert rendered.pages == 1
    info = _info(rendered.data, tmp_path)
    assert info["Pages"] == "1"
    assert info["Page size"].startswith("595.276 x 841.89 pts (A4)")


def test_fonts_are_embedded_subsets(rendered: RenderedPdf, tmp_path: Path) -> None:
    rows = _run("pdffonts", rendered.data, tmp_path).splitlines()[2:]
    fonts = {row.split()[0].split("+", 1)[1]: row.split() for row in rows}
    assert set(fonts) == {"DL-Serif-SC", "DL-Serif-SC-Bold", "DL-Sans-SC", "DL-Sans-SC-Bold"}
    for columns in fonts.values():
        assert columns[-5:-2] == ["yes", "yes", "yes"]  # emb sub uni
    assert len(rendered.data) < 150 * 1024


def test_text_extracts_back_including_rare_name_characters(
    renderer: PdfRenderer, tmp_path: Path
) -> None:
    for name in NAMES:
        text = _text(renderer.render(letter(name), META).data, tmp_path)
        assert f"尊敬的{name}女士：" in text
        assert "¥12,345.67" in text
        assert "人民币壹万贰仟叁佰肆拾伍元陆角柒分" in text
        assert "逾期还款提醒函" in text


def test_looks_exactly_like_plain_weasyprint_with_the_system_fonts(
    rendered: RenderedPdf, templates: Path, tmp_path: Path
) -> None:
    """Same outlines, metrics and shaping: the pages rasterise to identical pixels."""
    from PIL import Image, ImageChops
    from weasyprint import CSS, HTML

    plain = HTML(string=letter(), base_url=templates.as_uri() + "/").write_pdf(
        stylesheets=[CSS(string=STYLESHEET)]
    )
    images = []
    for name, data in (("plain", plain), ("engine", rendered.data)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(
            [
                _tool("pdftoppm"),
                "-r",
                "72",
                "-png",
                "-singlefile",
                str(tmp_path / f"{name}.pdf"),
                str(tmp_path / name),
            ],
            check=True,
        )
        images.append(Image.open(tmp_path / f"{name}.png").convert("L"))
    assert ImageChops.difference(*images).getbbox() is None
    assert len(rendered.data) * 3 < len(plain)


def test_characters_outside_the_core_come_from_the_full_face(
    renderer: PdfRenderer, tmp_path: Path
) -> None:
    data = renderer.render(letter(name="欧阳鄠堃"), META).data  # 鄠 is not in GB 2312
    fonts = {
        row.split()[0].split("+", 1)[1] for row in _run("pdffonts", data, tmp_path).splitlines()[2:]
    }
    assert "DL-Serif-SC-Full-Bold" in fonts
    assert "尊敬的欧阳鄠堃女士：" in _text(data, tmp_path)


def test_metadata_comes_from_meta(rendered: RenderedPdf, tmp_path: Path) -> None:
    info = _info(rendered.data, tmp_path)
    assert info["Title"] == META.title  # not the HTML <title>
    assert info["Author"] == META.author
    assert info["Subject"] == META.subject
    assert info["CreationDate"] == info["ModDate"] == "2026-11-28T09:30:00+08"


def test_same_input_gives_the_same_bytes(
    renderer: PdfRenderer, rendered: RenderedPdf, templates: Path
) -> None:
    assert renderer.render(letter(), META).data == rendered.data
    assert PdfRenderer(templates, stylesheet=STYLESHEET).render(letter(), META) == rendered


def test_render_many_equals_render(renderer: PdfRenderer) -> None:
    items = [
        (letter(name, amount), META)
        for name, amount in zip(NAMES, ("1.00", "99.99", "7,000.10"), strict=True)
    ]
    assert renderer.render_many(items) == [renderer.render(html, meta) for html, meta in items]


def test_laid_out_once_written_as_render_and_combine_write(renderer: PdfRenderer) -> None:
    """The batch lays a letter out once for its own PDF and its print file: same bytes."""
    items = [(letter(name), META) for name in NAMES]
    laid_out = [renderer.lay_out(html) for html, _ in items]
    assert [renderer.write(one, META) for one in laid_out] == [
        renderer.render(html, meta) for html, meta in items
    ]
    assert renderer.write_print(laid_out, META) == renderer.combine(items, META)
    with pytest.raises(PdfError):
        renderer.write_print([], META)


def test_print_files_replay_the_pages_their_letters_drew() -> None:
    """A print file reuses the pages drawn for its letters' own PDFs: same bytes as drawing.

    The built-in letters of every stage and tone (two fonts, tables, the dashed seal),
    one of them written twice over, and a letter of several pages whose later pages are
    drawn again.
    """
    from datetime import date

    from dunletters.config import STAGES, TONES, Settings
    from dunletters.escalation import decision_for
    from dunletters.registry import Registry
    from dunletters.rendering import Renderer
    from dunletters.samples import sample_account

    as_of, settings, registry = date(2026, 11, 28), Settings(), Registry.load()
    renderer = Renderer(settings, registry)
    pdf = PdfRenderer.for_registry(registry)
    htmls = []
    for stage in STAGES:
        for tone in TONES:
            decision = decision_for(settings.stage_rule(stage), tone)
            account = sample_account(stage, as_of=as_of)
            htmls.append(renderer.letter_html(account, decision, as_of, "1").html)
    long = htmls[0].replace("</body>", "<p>续页。</p>" * 60 + "</body>")
    items = [(html, META) for html in [*htmls, htmls[3], long]]
    laid_out = [pdf.lay_out(html) for html, _ in items]
    for one in laid_out:
        pdf.write(one, META)
    recorded = [
        [getattr(page, "_dunletters_painted", None) is not None for page in one.document.pages]
        for one in laid_out
    ]
    assert len(recorded[-1]) > 1
    # first pages are recorded; the long letter's further pages are drawn again
    assert recorded == [[True] + [False] * (len(pages) - 1) for pages in recorded]
    assert pdf.write_print(laid_out, META) == pdf.combine(items, META)


def test_combine_shares_the_fonts(renderer: PdfRenderer, tmp_path: Path) -> None:
    items = [(letter(name), META) for name in NAMES * 4]
    data = renderer.combine(items, META)
    assert _info(data, tmp_path)["Pages"] == str(len(items))
    assert len(_run("pdffonts", data, tmp_path).splitlines()[2:]) == 4
    text = _text(data, tmp_path)
    assert all(f"尊敬的{name}女士" in text for name in NAMES)
    single = len(renderer.render(letter(), META).data)
    assert len(data) < single + len(items) * 12 * 1024
    assert b"/ID" in data  # the print file carries a content-hash identifier
    assert renderer.combine(items, META) == data


def test_page_count(renderer: PdfRenderer) -> None:
    assert renderer.page_count(letter()) == 1
    long = letter(extra="<style>p { font-size: 40pt; }</style>")
    assert renderer.page_count(long) > 1


def test_files_in_the_templates_folder_are_served(renderer: PdfRenderer) -> None:
    html = letter(extra='<link rel="stylesheet" href="extra.css">')
    assert renderer.render(html, META).pages == 1


def test_data_urls_are_allowed(renderer: PdfRenderer) -> None:
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
        "nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
    )
    html = letter().replace("</h1>", f'</h1><img src="{pixel}" alt="">')
    assert renderer.render(html, META).pages == 1


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<img src="file:///etc/passwd">', "file"),
        ('<link rel="stylesheet" href="http://example.com/x.css">', "example.com"),
        ("<style>@import url(http://example.com/theme.css);</style>", "example.com"),
        ('<link rel="stylesheet" href="https://example.com/a.css?name=张三">', "https"),
        ('<link rel="stylesheet" href="../secret.css">', "file"),
        ('<link rel="stylesheet" href="%2e%2e/secret.css">', "file"),
        ('<img src="ftp://example.com/x.png">', "ftp"),
    ],
)
def test_fetching_outside_the_templates_folder_fails(
    renderer: PdfRenderer, markup: str, expected: str
) -> None:
    html = (
        letter(extra=markup)
        if "<link" in markup or "<style" in markup
        else letter().replace("</h1>", f"</h1>{markup}")
    )
    with pytest.raises(PdfError, match=re.escape(expected)) as caught:
        renderer.render(html, META)
    message = str(caught.value)
    for leak in ("passwd", "x.css", "theme.css", "张三", "secret", "x.png"):
        assert leak not in message


def test_a_symlink_out_of_the_templates_folder_fails(
    renderer: PdfRenderer, templates: Path
) -> None:
    link = templates / "linked.css"
    if not link.exists():
        link.symlink_to(templates.parent / "secret.css")
    with pytest.raises(PdfError, match="outside the templates folder"):
        renderer.render(letter(extra='<link rel="stylesheet" href="linked.css">'), META)


def test_overlay_folders_serve_what_the_base_lacks(templates: Path, tmp_path: Path) -> None:
    (tmp_path / "only-here.css").write_text("h1 { letter-spacing: 1pt; }", encoding="utf-8")
    overlaid = PdfRenderer(templates, stylesheet=STYLESHEET, overlay_dirs=[tmp_path])
    html = letter(extra='<link rel="stylesheet" href="only-here.css">')
    assert overlaid.render(html, META).pages == 1


def test_a_missing_template_file_fails(renderer: PdfRenderer) -> None:
    with pytest.raises(PdfError, match=r"nothing\.css"):
        renderer.render(letter(extra='<link rel="stylesheet" href="nothing.css">'), META)


def test_a_blocked_url_in_the_theme_stylesheet_fails_at_construction(templates: Path) -> None:
    with pytest.raises(PdfError, match=r"example\.com"):
        PdfRenderer(templates, stylesheet="@import url(http://example.com/x.css);")


def test_a_missing_font_family_fails(renderer: PdfRenderer) -> None:
    html = letter(extra='<style>html { font-family: "No Such Family 无此字体"; }</style>')
    with pytest.raises(PdfError, match="is installed"):
        renderer.render(html, META)


@pytest.mark.parametrize("family", ["DejaVu Sans", "sans-serif"])
def test_a_font_family_that_is_not_configured_fails(renderer: PdfRenderer, family: str) -> None:
    html = letter(
        extra=f'<style>p {{ font-family: "No Such", {family}, "Noto Serif CJK SC"; }}</style>'
    )
    with pytest.raises(PdfError, match="not one of the configured fonts"):
        renderer.render(html, META)


def test_a_character_outside_the_configured_fonts_fails(renderer: PdfRenderer) -> None:
    with pytest.raises(PdfError, match=r"未配置的字体|没有字形"):
        renderer.render(letter(name="欧阳\U0001f600"), META)


def test_a_font_family_that_is_not_installed_fails_at_construction(templates: Path) -> None:
    with pytest.raises(PdfError, match="apt-get install fonts-noto-cjk"):
        PdfRenderer(templates, fonts=[FamilySpec("No Such Family 无此字体", "DL Nothing")])


def test_weasyprint_warnings_become_errors(renderer: PdfRenderer) -> None:
    html = letter(extra="<style>p { colour: red; }</style>")
    with pytest.raises(PdfError, match="WeasyPrint"):
        renderer.render(html, META)


def test_no_warnings_on_a_good_letter(
    renderer: PdfRenderer, caplog: pytest.LogCaptureFixture
) -> None:
    renderer.render(letter(), META)
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]


def test_dates_must_be_timezone_aware(renderer: PdfRenderer) -> None:
    naive = PdfMetadata("t", "a", "s", datetime(2026, 11, 28))
    with pytest.raises(PdfError, match="timezone"):
        renderer.render(letter(), naive)


def test_refuses_to_start_without_harfbuzz_subsetting(
    templates: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(renderer_module, "harfbuzz_subset_available", lambda: False)
    with pytest.raises(PdfError, match="apt-get install libharfbuzz-subset0") as caught:
        PdfRenderer(templates)
    assert "HarfBuzz" in str(caught.value)
    assert "字体子集" in str(caught.value)


def test_shared_styles_give_weasyprints_own_bytes(templates: Path) -> None:
    """Computed style values shared between letters (pdf.accel.styles) change nothing.

    The same letters through a renderer that computes every style value per letter,
    as WeasyPrint does, give the same bytes — letters with different names and
    markup, an inline style and a lang attribute, in an interleaved order.
    """
    # Selectors that see the shape of the document: a replayed cascade must not
    # carry a match from one letter to another whose elements differ.
    sheet = STYLESHEET + (
        "p:empty { border-top: 1pt solid red; } tr:nth-child(2) th { color: #036; }"
        " p + table { margin-top: 4mm; } [lang|=en] { font-weight: bold; }"
        ' @page :first { @bottom-center { content: "本函由系统生成"; font-size: 8pt; } }'
    )
    shared = PdfRenderer(templates, stylesheet=sheet)
    plain = PdfRenderer(templates, stylesheet=sheet)
    del plain._font_config._dl_style_memo  # WeasyPrint's own style computation
    empty_deadline = letter(NAMES[2]).replace("请于2026年12月12日前还款。", "")
    letters = [
        empty_deadline,
        letter(NAMES[0]),
        letter(NAMES[1], "9,999,999.99", extra="<style>p { color: #333; }</style>"),
        letter(NAMES[2]).replace(
            '<p class="deadline">', '<p class="deadline" style="margin: 3mm">'
        ),
        letter(NAMES[1]).replace("<h1>", '<h1 lang="en">'),
        letter(NAMES[0], "1.00"),
    ]
    letters.append(letter(NAMES[2]).replace("<table>", "<p></p><table>"))
    for html in letters + letters[::-1]:
        assert shared.render(html, META) == plain.render(html, META)
    assert shared._styles.pristine  # the memo was used
    assert len(shared._styles.cascades) > 1  # and cascades by shape


def test_shared_styles_give_weasyprints_own_bytes_for_the_builtin_letters() -> None:
    """The 12 built-in letter templates (linked letter.css): same bytes, memo or not."""
    from datetime import date

    from dunletters.config import STAGES, TONES, Settings
    from dunletters.escalation import decision_for
    from dunletters.produce import letter_pdf_metadata
    from dunletters.registry import Registry
    from dunletters.rendering import Renderer
    from dunletters.samples import sample_account

    as_of, settings, registry = date(2026, 11, 28), Settings(), Registry.load()
    renderer = Renderer(settings, registry)
    shared = PdfRenderer.for_registry(registry)
    plain = PdfRenderer.for_registry(registry)
    del plain._font_config._dl_style_memo  # WeasyPrint's own style computation
    for stage in STAGES:
        for tone in TONES:
            decision = decision_for(settings.stage_rule(stage), tone)
            document = renderer.letter_html(
                sample_account(stage, as_of=as_of), decision, as_of, "1"
            )
            meta = letter_pdf_metadata(settings, document)
            assert shared.render(document.html, meta) == plain.render(document.html, meta)
    assert len(shared._styles.linked) == 1  # letter.css parsed once, shared


def _linked(css_name: str = "extra.css") -> str:
    return letter(extra=f'<link rel="stylesheet" href="{css_name}">')


def test_an_edited_linked_stylesheet_is_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    sheet = folder / "theme.css"
    sheet.write_text(STYLESHEET, encoding="utf-8")
    renderer = PdfRenderer(folder)
    before = renderer.render(_linked("theme.css"), META)
    sheet.write_text(STYLESHEET + "p { color: #a31515; }", encoding="utf-8")
    after = renderer.render(_linked("theme.css"), META)
    assert after != before
    assert after == PdfRenderer(folder).render(_linked("theme.css"), META)


def test_a_linked_stylesheet_warning_fails_every_letter(tmp_path: Path) -> None:
    """Not only the first: a sheet that logs a warning is never kept for later letters."""
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "bad.css").write_text(STYLESHEET + "p { colour: red; }", encoding="utf-8")
    renderer = PdfRenderer(folder)
    for _ in range(2):
        with pytest.raises(PdfError, match="WeasyPrint"):
            renderer.render(_linked("bad.css"), META)


def test_kept_line_layouts_give_weasyprints_bytes(templates: Path) -> None:
    """pdf.accel.lines against WeasyPrint's rebuilt layouts: justified lines with
    spaces, kept CJK lines, preserved newlines, spacing, a soft hyphen, an ellipsis —
    drawn once, and again (a letter's own PDF, then its print file)."""
    from weasyprint.text import line_break

    renderer = PdfRenderer(
        templates,
        stylesheet=STYLESHEET
        + "p { text-align: justify; } h1 { letter-spacing: 0.3em; } td { word-spacing: 2pt; }"
        " .pre { white-space: pre-wrap; }"
        " .cut { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }",
    )
    del renderer._font_config._dl_block_memo  # lines alone: every block laid out again
    layout = line_break.Layout
    kept = (layout.set_text, layout.deactivate, layout.reactivate)  # as the renderer set them
    letters = [
        letter(NAMES[0]),
        letter(NAMES[1], "9,999,999.99").replace(
            "请于",
            '请于 2026 年 12 月 12 日 (Mon–Fri) co\xadoperate <span class="pre">甲\n乙  丙</span> 前',
        ),
        letter(NAMES[2]).replace('<p class="deadline">', '<p class="deadline cut">' + "逾期" * 60),
    ]

    def drawn_twice(html: str) -> tuple[RenderedPdf, bytes]:
        laid_out = renderer.lay_out(html)
        return renderer.write(laid_out, META), renderer.write_print([laid_out], META)

    try:
        for html in letters:
            layout.set_text, layout.deactivate, layout.reactivate = kept
            ours = drawn_twice(html)
            layout.set_text, layout.deactivate, layout.reactivate = kept[0].original
            assert ours == drawn_twice(html)
    finally:
        layout.set_text, layout.deactivate, layout.reactivate = kept


def test_single_letters_use_a_lower_flate_level_than_print_files(renderer: PdfRenderer) -> None:
    """Level 3 only while a single letter is written; other pydyf users keep pydyf's own."""
    import pydyf

    seen: list[int | None] = []
    compressobj = accel_pydyf.Zlib.compressobj

    def spy(level: int = -1, *args: object, **kwargs: object) -> object:
        seen.append(accel_pydyf.current_level())
        return compressobj(level, *args, **kwargs)

    accel_pydyf.Zlib.compressobj = staticmethod(spy)  # type: ignore[method-assign]
    try:
        renderer.render(letter(), META)
        assert set(seen) == {accel_pydyf.LETTER_FLATE_LEVEL}
        seen.clear()
        renderer.combine([(letter(), META)] * 2, META)
        assert set(seen) == {accel_pydyf.PRINT_FLATE_LEVEL}
    finally:
        accel_pydyf.Zlib.compressobj = staticmethod(compressobj)  # type: ignore[method-assign]
    assert accel_pydyf.current_level() is None
    assert isinstance(pydyf.zlib, accel_pydyf.Zlib)


def test_preprocessed_faces_subset_to_the_same_bytes(templates: Path) -> None:
    """A face is preprocessed for HarfBuzz at its eighth subset: nothing else changes."""
    fresh = PdfRenderer(templates, stylesheet=STYLESHEET)
    before = set(accel_faces._preprocessed_faces)
    first = fresh.render(letter(), META)  # faces subset as they are
    assert set(accel_faces._preprocessed_faces) == before
    for _ in range(accel_faces._PREPROCESS_AT):
        assert fresh.render(letter(), META) == first  # at last from preprocessed faces
    assert set(accel_faces._preprocessed_faces) > before


def test_a_one_letter_batch_does_not_preprocess_faces(templates: Path) -> None:
    """Preprocessing pays for itself only over many subsets: a letter and its print file
    (two subsets a face) leave the faces as they are."""
    fresh = PdfRenderer(templates, stylesheet=STYLESHEET)
    counts, done = dict(accel_faces._subset_counts), dict(accel_faces._preprocessed_faces)
    accel_faces._subset_counts.clear()
    accel_faces._preprocessed_faces.clear()
    try:
        laid_out = fresh.lay_out(letter())
        fresh.write(laid_out, META)
        fresh.write_print([laid_out], META)
        assert accel_faces._subset_counts  # the faces were subset…
        assert not accel_faces._preprocessed_faces  # …as they are
    finally:
        accel_faces._subset_counts.clear()
        accel_faces._subset_counts.update(counts)
        accel_faces._preprocessed_faces.clear()
        accel_faces._preprocessed_faces.update(done)


def test_face_data_is_copied_and_hashed_once_per_blob(renderer: PdfRenderer) -> None:
    """Later PDFs find a face's shared bytes by its blob's address (no hashing)."""
    import hashlib

    first = renderer.render(letter(), META)
    places = dict(accel_faces._by_place)
    assert places
    calls: list[int] = []
    real = hashlib.sha256

    def counting(data: bytes = b"") -> object:
        calls.append(len(data))
        return real(data)

    accel_faces.hashlib.sha256 = counting  # type: ignore[assignment]
    try:
        assert renderer.render(letter(), META) == first
    finally:
        accel_faces.hashlib.sha256 = real
    assert not calls
    assert {place: shared for place, (_, shared) in accel_faces._by_place.items()} == {
        place: shared for place, (_, shared) in places.items()
    }
