"""A written letter's reference cycles broken, so reference counting frees it.

WeasyPrint 70 leaves a few cycles in every laid-out letter — a style and its cached
anonymous style, the styles whose ``specified`` is themselves, the layout context and
its image-fetching partial — and everything the letter holds hangs off them, so only
the cyclic collector frees it, walking each of its styles' hundred-odd values
(benchmarks/NOTES.md, "cycles"). Tests compare the bytes with the cycles left alone.
"""

from __future__ import annotations

from typing import Any

from dunletters.pdf.accel._switch import active

__all__ = ["install", "release"]


class _Itself:
    """``style.specified`` for the styles whose specified values are themselves.

    A non-data descriptor: the instance's own ``specified`` (WeasyPrint's ``__init__``
    sets it) wins while it is there, and :func:`release` removes it.
    """

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        return self if instance is None else instance


def install() -> None:
    """Let :func:`release` drop the self-references, and remember each layout context."""
    from weasyprint import css
    from weasyprint.document import Document

    if getattr(Document._render, "dunletters_context", False):
        return
    for cls in (css.InitialStyle, css.AnonymousStyle):
        cls.specified = _Itself()
    build = Document._build_layout_context.__func__
    render = Document._render.__func__

    def build_(cls: Any, html: Any, *args: Any) -> Any:
        context = build(cls, html, *args)
        if active():
            html._dl_context = context
        return context

    def render_(cls: Any, html: Any, *args: Any) -> Any:
        document = render(cls, html, *args)
        context = html.__dict__.pop("_dl_context", None)
        if context is not None:
            document._dl_context = context
        return document

    render_.dunletters_context = True  # type: ignore[attr-defined]
    Document._build_layout_context = classmethod(build_)
    Document._render = classmethod(render_)


def release(document: Any) -> None:
    """Break the cycles of a laid-out letter that is written and no longer needed.

    Only attributes that WeasyPrint recomputes or no longer reads go: the layout
    context's image fetcher (the layout is over), each element style's cached
    anonymous style (made again if asked) and, in the anonymous and initial styles,
    ``specified`` (:class:`_Itself` answers the same). A style copied during layout
    may keep a small cycle of its own: the collector frees it without the letter.
    """
    context = document.__dict__.pop("_dl_context", None)
    if context is None:
        return
    context.__dict__.pop("get_image_from_uri", None)
    styles = list(context.style_for._computed_styles.values())
    for style in styles:  # grows with the anonymous styles found on the way
        attributes = style.__dict__
        anonymous = attributes.pop("anonymous_style", None)
        if anonymous is not None:
            styles.append(anonymous)
        if attributes.get("specified") is style:
            del attributes["specified"]
        elif attributes.get("parent_style") is None:  # the root's: the initial style
            initial = attributes.get("root_style")
            if initial is not None and initial.__dict__.get("specified") is initial:
                del initial.__dict__["specified"]
