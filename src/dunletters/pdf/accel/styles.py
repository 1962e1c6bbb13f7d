"""Computed styles shared by the letters of one renderer; a template's linked sheet parsed once.

WeasyPrint 70 computes each element's style property by property, per letter, and
parses a linked stylesheet per document; letters of one template need the same
values again (benchmarks/NOTES.md, "styles"). Tests compare the bytes with
WeasyPrint's own computation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dunletters.pdf.logs import captured

__all__ = ["StyleMemo", "install", "installed"]

_VIEWPORT_UNIT = re.compile(r"(?i)[0-9.](?:[sld]?v(?:w|h|i|b|min|max)|cq(?:w|h|i|b|min|max))\b")
"""Lengths relative to the page (``vw``…): their computed value is known only once the
first page exists, so a stylesheet or ``style`` attribute with one is not memoized."""


class StyleMemo:
    """Computed styles shared by the letters of one renderer (see :func:`install`).

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


def install() -> None:
    """Share computed style values between letters laid out by one renderer.

    WeasyPrint 70 computes each element's style lazily, property by property
    (``ComputedStyle.__missing__``, thousands of calls per letter), and already
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
        memo: StyleMemo | None = getattr(font_config, "_dl_style_memo", None)
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
        memo: StyleMemo | None = getattr(self.font_config, "_dl_style_memo", None)
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
    document, so its rules are new
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
        memo: StyleMemo | None = getattr(font_config, "_dl_style_memo", None)
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
    with captured() as collector:
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
    memo: StyleMemo,
    weasy_css: Any,
    tinycss2: Any,
) -> None:
    """``StyleFor.__init__`` of WeasyPrint 70 (no presentational hints), plus the memo.

    A document whose elements are those of one seen before — same tags, attributes,
    tree and empty or non-empty text, same stylesheets and base URL — replays that
    document's cascade (:class:`_Cascade`) instead of matching every selector again:
    selectors see nothing else (cssselect2 has no text selector but ``:empty``). Each
    element's ``ComputedStyle`` is then made as WeasyPrint makes it, and starts with
    its pristine's values (see :func:`install`).
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
    memo: StyleMemo,
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


def installed() -> bool:
    """Whether :func:`install` is in place."""
    from weasyprint import css as weasy_css

    return bool(getattr(weasy_css.StyleFor.__init__, "dunletters_shared", False))
