"""Top-level blocks that repeat across letters reuse an earlier letter's layout.

Letters of one template repeat most of their blocks (letterhead, title, the channels
table, standing paragraphs). A child of ``<body>`` whose boxes (types, text, shared
computed styles), position, containing block and layout state match an earlier
letter's is a deep copy of that result instead of being laid out again; the floats it
is laid out beside (the recipient block's window band) are part of the key. Blocks
with floats, positioned or replaced boxes, page breaks or string sets are always laid out;
a key is cached at its second sighting, so per-account blocks never enter the
(bounded) cache (benchmarks/NOTES.md, "blocks"). Tests compare the bytes with and
without it.
"""

from __future__ import annotations

from typing import Any

from dunletters.pdf.accel._switch import active

__all__ = ["BlockMemo", "install"]

_FORCED = frozenset({"page", "left", "right", "recto", "verso", "column"})


class BlockMemo:
    """Laid-out top-level blocks of one renderer, by key; the hashes of keys seen once.

    ``seen`` holds hashes, not keys: a key carries its block's text, and most keys
    (per-account blocks) are seen only once, so keeping them made a worker grow with
    every letter until the set was cleared. Two keys of one hash only make a block
    cached at its first sighting; what is looked up is always the whole key.
    """

    LIMIT = 512
    SEEN_LIMIT = 8192

    def __init__(self) -> None:
        self.results: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.seen: set[int] = set()
        self.hits = 0

    def clear(self) -> None:
        self.results.clear()
        self.seen.clear()


def _style_key(style: Any) -> Any:
    """The shared pristine standing for a style's values, or None (not shareable).

    A copy (box building copies a table's style to move its margins to the wrapper)
    stands for its source and the same edits.
    """
    pristine = getattr(style, "_dl_pristine", None)
    if pristine is not None:
        return id(pristine)
    source = getattr(style, "_dl_copy_of", None)
    if source is not None:
        copied = _style_key(source)
        return None if copied is None else ("copy", copied)
    if type(style).__name__ == "AnonymousStyle" and style.parent_style is not None:
        parent = _style_key(style.parent_style)
        return None if parent is None else ("anonymous", parent)
    return None


def _floats_key(shapes: Any) -> tuple[Any, ...]:
    """The floats a block is laid out beside, as layout reads them (WeasyPrint 70's
    ``avoid_collisions``, ``get_clearance``, inline layout): side, position, margin box."""
    return tuple(
        (
            shape.style["float"],
            shape.position_x,
            shape.position_y,
            shape.margin_width(),
            shape.margin_height(),
        )
        for shape in shapes
    )


def _subtree_key(box: Any) -> tuple[Any, ...] | None:
    """A block's boxes, their text and styles in tree order; None if it must be laid out."""
    parts: list[Any] = []
    stack = [box]
    while stack:
        node = stack.pop()
        style = node.style
        key = _style_key(style)
        if (
            key is None
            or style["float"] != "none"
            or style["position"] not in ("static", "relative")
            or style["break_before"] in _FORCED
            or style["break_after"] in _FORCED
            or style["break_inside"] in _FORCED
            or style["string_set"] != "none"
            or type(node).__name__.endswith(("ReplacedBox", "FootnoteArea"))
            or style["float"] == "footnote"
        ):
            return None
        children = getattr(node, "children", None)
        parts.append((type(node).__name__, key, getattr(node, "text", None), len(children or ())))
        if children:
            stack.extend(reversed(children))
    return tuple(parts)


def install() -> None:
    """Wrap ``block_level_layout`` for the children of ``<body>``."""
    from weasyprint.layout import block

    original = block.block_level_layout
    if getattr(original, "dunletters_blocks", False):
        return

    def block_level_layout(
        context: Any,
        box: Any,
        bottom_space: Any,
        skip_stack: Any,
        containing_block: Any,
        page_is_empty: bool = True,
        absolute_boxes: Any = None,
        fixed_boxes: Any = None,
        adjoining_margins: Any = None,
        first_letter_style: Any = None,
        first_line_style: Any = None,
        discard: bool = False,
        max_lines: Any = None,
    ) -> Any:
        arguments = (
            context,
            box,
            bottom_space,
            skip_stack,
            containing_block,
            page_is_empty,
            absolute_boxes,
            fixed_boxes,
            adjoining_margins,
            first_letter_style,
            first_line_style,
            discard,
            max_lines,
        )
        memo: BlockMemo | None = getattr(context.font_config, "_dl_block_memo", None)
        if (
            memo is None
            or not active()
            or skip_stack is not None
            or first_letter_style is not None
            or first_line_style is not None
            or max_lines is not None
            or getattr(containing_block, "element_tag", None) != "body"
            or context.broken_out_of_flow
            or context.current_page_footnotes
            or (
                context.current_footnote_area is not None and context.current_footnote_area.children
            )
        ):
            return original(*arguments)
        shape = _subtree_key(box)
        if shape is None:
            return original(*arguments)
        floats = _floats_key(context.excluded_shapes)
        key = (
            shape,
            floats,
            box.position_x,
            box.position_y,
            bottom_space,
            page_is_empty,
            tuple(adjoining_margins or ()),
            discard,
            context.current_page,
            context.page_bottom,
            context.forced_break,
            _style_key(containing_block.style),
            containing_block.position_x,
            containing_block.position_y,
            containing_block.width,
            containing_block.height,
        )
        cached = memo.results.get(key)
        if cached is not None:
            memo.hits += 1
            new_child, resume_at, next_page, margins, through, lines = cached
            return (new_child.deepcopy(), resume_at, dict(next_page), list(margins), through, lines)
        absolute = len(absolute_boxes or ())
        fixed = len(fixed_boxes or ())
        result = original(*arguments)
        new_child, resume_at, next_page, margins, through, lines = result
        if (
            new_child is not None
            and resume_at is None
            and len(absolute_boxes or ()) == absolute
            and len(fixed_boxes or ()) == fixed
            and _floats_key(context.excluded_shapes) == floats
            and not context.broken_out_of_flow
        ):
            sighting = hash(key)
            if sighting in memo.seen:
                if len(memo.results) >= memo.LIMIT:
                    memo.results.clear()
                memo.results[key] = (
                    new_child.deepcopy(),
                    resume_at,
                    dict(next_page),
                    list(margins),
                    through,
                    lines,
                )
            else:
                if len(memo.seen) >= memo.SEEN_LIMIT:
                    memo.seen.clear()
                memo.seen.add(sighting)
        return result

    block_level_layout.dunletters_blocks = True  # type: ignore[attr-defined]
    block.block_level_layout = block_level_layout
    _track_copies()


def _track_copies() -> None:
    """Style copies remember their source (see :func:`_style_key`)."""
    from weasyprint import css as weasy_css

    for kind in (weasy_css.ComputedStyle, weasy_css.AnonymousStyle):
        original = kind.copy

        def copy(self: Any, original: Any = original) -> Any:
            new = original(self)
            new._dl_copy_of = self
            return new

        kind.copy = copy
