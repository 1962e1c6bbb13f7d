"""The PDF renderer: one-page A4 letters from HTML with WeasyPrint, safe and repeatable.

* **Fonts**: the theme's families, derived for cheap subsetting
  (:mod:`dunletters.pdf.fonts`) and registered straight into one font configuration
  per renderer; every PDF embeds subsets of exactly those.
* **Safe fetching**: only files under the templates folder and ``data:`` URLs
  (:mod:`dunletters.pdf.fetcher`).
* **WeasyPrint's warnings are errors** (:mod:`dunletters.pdf.logs`); a letter must ask
  for a configured family first, and every glyph must come from the configured fonts.
* **Byte-identical output**: dates come from :class:`PdfMetadata`; single letters
  carry no /ID (pydyf would serialise the file twice to compute it); print files do.
* **Fast** through :mod:`dunletters.pdf.accel`, unless ``accelerate=False`` or
  ``DUNLETTERS_PDF_ACCEL=0``: the pages are the same either way.

Letters are laid out one by one (``counter(page)`` restarts per letter; laying out
many as one document was measured not to be faster). Renders are serialised by a
lock: Pango and WeasyPrint are not thread-safe; use processes for parallelism (one
renderer per process, built once).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dunletters.errors import PdfError
from dunletters.pdf import accel
from dunletters.pdf.fetcher import make_fetcher
from dunletters.pdf.fonts import (
    DEFAULT_FAMILIES,
    FamilySpec,
    FontSet,
    ensure_fonts,
    find_system_face,
    harfbuzz_subset_available,
    install_alias_rules,
)
from dunletters.pdf.logs import Collector, captured, redact

if TYPE_CHECKING:
    from dunletters.registry import Registry

__all__ = ["A4_POINTS", "LaidOut", "PdfMetadata", "PdfRenderer", "RenderedPdf", "name_check"]

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


_LOCK = threading.RLock()


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


def _letter_folders(registry: Registry) -> list[Path]:
    """A registry's ``letters`` folders, highest precedence first."""
    folders = [root / "letters" for root in registry.roots if (root / "letters").is_dir()]
    return folders or list(registry.roots)


def _theme_families(folders: Sequence[Path]) -> tuple[FamilySpec, ...]:
    """The families the theme's stylesheet asks for: those are subset and embedded."""
    from dunletters.pdf.theme import load_theme

    return load_theme(folders).families()


def name_check(registry: Registry) -> Callable[[str], str | None]:
    """For intake: why a name cannot be printed in a registry's letters, or None.

    A character no face of the theme has would fail the letter at render time; the
    reason names the field and the character's position, never the value.
    """
    font_set = ensure_fonts(_theme_families(_letter_folders(registry)))

    def check(name: str) -> str | None:
        missing = set(font_set.unsupported_characters(name))
        if not missing:
            return None
        places = "、".join(str(n) for n, char in enumerate(name, 1) if char in missing)
        return f"含有字体无法显示的字符（第 {places} 个字）"

    return check


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
    letter, parsed once. ``fonts`` is a :class:`~dunletters.pdf.fonts.FontSet` or the
    family specs to build one from (default: Noto Serif/Sans CJK SC, regular + bold).
    ``accelerate`` turns :mod:`dunletters.pdf.accel` on or off (default: on, unless
    ``DUNLETTERS_PDF_ACCEL=0``); the pages are the same either way.
    """

    def __init__(
        self,
        base_dir: Path,
        *,
        stylesheet: str | None = None,
        fonts: FontSet | Sequence[FamilySpec] | None = None,
        overlay_dirs: Sequence[Path] = (),
        accelerate: bool | None = None,
        variant: str | None = None,
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
            self.accelerated = accel.requested(accelerate) and accel.install(self.fonts)
            self._font_config = _font_configuration(self.fonts)
            self._styles = accel.styles.StyleMemo()
            self._blocks = accel.blocks.BlockMemo()
            if self.accelerated:
                self._font_config._dl_style_memo = self._styles
                self._font_config._dl_block_memo = self._blocks
            self._family_checks: dict[tuple[str, ...], str | None] = {}
            self._roots = [base, *(Path(d) for d in overlay_dirs if Path(d).is_dir())]
            self._fetcher = make_fetcher(self._roots)
            self._base_url = base.resolve().as_uri() + "/"
            self.stylesheet = stylesheet
            """The theme's own rules (envelope window, seal), after the built-in ones."""
            self.variant = variant
            """WeasyPrint's ``pdf_variant`` (``"pdf/a-2b"``: archival), or None."""
            self._stylesheets = [self._css(_BASE_CSS, "内置样式")]
            if stylesheet is not None:
                self._stylesheets.append(self._css(stylesheet, "主题样式表"))

    @classmethod
    def for_registry(cls, registry: Registry, *, variant: str | None = None) -> PdfRenderer:
        """A renderer for a template registry's ``letters`` folders.

        The highest-precedence folder is the base; the others overlay it, so a user's
        ``letter.css`` replaces the built-in one, and its ``theme.toml`` (see
        :mod:`dunletters.pdf.theme`) the built-in theme. The templates link their stylesheet
        (``<link href="letter.css">``), so none is passed here; a template's one linked
        stylesheet is parsed once per renderer and content, not per letter
        (:mod:`dunletters.pdf.accel.styles`).
        """
        folders = _letter_folders(registry)
        from dunletters.pdf.theme import load_theme

        # The theme names the families its stylesheet asks for (subset and embedded), and
        # places the envelope window's block and the seal.
        theme = load_theme(folders)
        seal = theme.seal.css() if theme.seal is not None else ""
        return cls(
            folders[0],
            overlay_dirs=folders[1:],
            fonts=theme.families(),
            stylesheet=theme.window_css() + seal,
            variant=variant,
        )

    # -- public API ----------------------------------------------------------------

    def render(self, html: str, meta: PdfMetadata) -> RenderedPdf:
        """One letter as its own PDF."""
        letter = self.lay_out(html)
        try:
            return self.write(letter, meta)
        finally:
            self.release(letter)

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
            letters = [self.lay_out(html) for html, _ in items]
            try:
                return self.write_print(letters, meta)
            finally:
                for letter in letters:
                    self.release(letter)

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

    def release(self, letter: LaidOut) -> None:
        """Done with a laid-out letter: let reference counting free it (accelerated only).

        Call it once the letter will not be written again.
        """
        if self.accelerated:
            with _LOCK:
                accel.cycles.release(letter.document)

    def page_count(self, html: str) -> int:
        """How many pages a letter lays out to (no PDF is written)."""
        with _LOCK:
            return len(self._layout(html).pages)

    # -- internals -----------------------------------------------------------------

    def _css(self, text: str, label: str) -> Any:
        from weasyprint import CSS

        with captured() as log:
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
        with captured() as log, self._accelerator():
            try:
                document = self._html(html).render(
                    stylesheets=self._stylesheets,
                    font_config=self._font_config,
                    presentational_hints=False,
                )
            except BaseException as error:
                self._forget()
                raise self._failure(error, "排版") from None
        if log.messages:
            self._forget()
        self._raise_logged(log, "排版")
        self._check_families(document)
        return document

    def _forget(self) -> None:
        """After a failure: no shared style or laid-out block outlives it."""
        self._styles.clear()
        self._blocks.clear()

    def _accelerator(self) -> Any:
        """The accelerator on for this renderer's work, if it is accelerated."""
        return accel.enabled(self.accelerated)

    def _writing(self, print_file: bool) -> Any:
        return accel.writing(print_file) if self.accelerated else nullcontext()

    def _html(self, html: str) -> Any:
        """WeasyPrint's ``HTML`` for a letter (from a cached parse when accelerated)."""
        if self.accelerated:
            return accel.html.document(html, self._base_url, self._fetcher)
        from weasyprint import HTML

        return HTML(string=html, base_url=self._base_url, url_fetcher=self._fetcher)

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
        with captured() as log:
            try:
                # No /ID by default: pydyf would serialise and compress it all twice.
                with self._accelerator(), self._writing(identifier):
                    data = document.write_pdf(
                        # PDF/A requires a file identifier (pydyf derives it from the
                        # content: the same letter still gives the same bytes).
                        pdf_identifier=identifier or self.variant is not None,
                        pdf_variant=self.variant,
                    )
            except BaseException as error:
                self._forget()
                raise self._failure(error, "写入 PDF") from None
        if log.messages:
            self._forget()
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
            f"{stage}失败 / WeasyPrint failed: {type(error).__name__}: {redact(str(error))}"
        )

    @staticmethod
    def _raise_logged(log: Collector, stage: str) -> None:
        if log.messages:
            shown = "；".join(log.messages[:5])
            more = f"（另有 {len(log.messages) - 5} 条）" if len(log.messages) > 5 else ""
            raise PdfError(f"{stage}时 WeasyPrint 报告问题 / WeasyPrint reported: {shown}{more}")
