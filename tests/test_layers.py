"""Imports only go down the layers of DESIGN.md, and no module imports itself in a loop.

Every module under ``src/dunletters/`` is parsed with :mod:`ast` (nothing is
imported), and every import is read: at module level, inside functions, and under
``TYPE_CHECKING``, since an import hidden in a function is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "dunletters"

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ground", ("errors", "vocabulary", "zh", "checksums", "gates", "usercache", "__version__")),
    (
        "record",
        (
            "models",
            "fields",
            "fastbuild",
            "cells",
            "columns",
            "config",
            "samples",
            "history",
            "record_json",
        ),
    ),
    ("decision", ("escalation",)),
    (
        "document",
        (
            "approvals",
            "template_checks",
            "registry",
            "sandbox",
            "rendering",
            "sms",
            "pdf",
            "fonts",
            "theme",
        ),
    ),
    ("findings", ("lint",)),
    (
        "composition",
        ("jobs", "produce", "drafts", "template_drafts", "batch", "ledger", "excerpts"),
    ),
    # The package itself re-exports the public API.
    ("interfaces", ("cli", "__main__", "commands", "preview", "")),
)
"""Each layer and the modules (and packages, with everything in them) that make it up,
from the ground up. A module may import from its own layer and the ones below."""

KNOWN_UPWARD: set[tuple[str, str]] = set()
"""Upward imports waiting for a change on another branch — each with the reason."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {
    _module_name(path): path
    for path in sorted(PACKAGE.rglob("*.py"))
    if "templates" not in path.parts
}


def _target(name: str) -> str | None:
    """The package module an imported name lives in, or None outside dunletters."""
    if name == "dunletters.__version__":
        # __init__ defines __version__ first and loads its API lazily: reading the
        # version loads nothing above the ground.
        return name
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> set[str]:
    """Every dunletters module ``module`` imports, wherever in the file the import is."""
    path = MODULES[module]
    return imports_in(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")


def imports_in(source: str, module: str, is_package: bool = False) -> set[str]:
    """The dunletters modules a source text imports, read as module ``module``."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
            names = [name if _target(name) == name else base for name in names]
        for name in names:
            target = _target(name)
            if target is not None and target != module:
                found.add(target)
    return found


def layer_of(module: str) -> int:
    """The index in :data:`LAYERS` of a module: its most specific listed prefix wins."""
    relative = module.removeprefix("dunletters").removeprefix(".")
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            inside = relative == member or (member and relative.startswith(member + "."))
            if inside and (best is None or len(member) > best[0]):
                best = (len(member), index)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")
    return best[1]


GRAPH = {module: imports_of(module) for module in MODULES}


def test_every_module_has_a_layer() -> None:
    assert {module: LAYERS[layer_of(module)][0] for module in MODULES}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_go_down(module: str) -> None:
    mine = layer_of(module)
    upward = sorted(
        f"{module} ({LAYERS[mine][0]}) → {target} ({LAYERS[layer_of(target)][0]})"
        for target in GRAPH[module]
        if layer_of(target) > mine and (module, target) not in KNOWN_UPWARD
    )
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_known_exceptions_still_exist() -> None:
    """An exception that no longer happens is deleted, so it cannot hide a new one."""
    assert all(target in GRAPH.get(module, set()) for module, target in KNOWN_UPWARD)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles() -> None:
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_hidden_imports_are_seen() -> None:
    """Imports inside a function, under TYPE_CHECKING and relative ones all count."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from dunletters.rendering import Renderer\n"
        "def f():\n    from .batch import pipeline\n    import dunletters.lint.engine\n"
        "from dunletters import __version__, zh\n"
    )
    found = imports_in(source, "dunletters.checksums")
    assert found == {
        "dunletters.rendering",
        "dunletters.batch.pipeline",
        "dunletters.lint.engine",
        "dunletters.__version__",
        "dunletters.zh",
    }
    assert [layer_of(m) > layer_of("dunletters.checksums") for m in sorted(found)] == [
        False,
        True,
        True,
        True,
        False,
    ]


CLICK_FREE = ("lint", "batch", "preview", "ledger", "commands")
"""Packages that never import click: only ``cli`` parses a command line (review §7,
change 8), so each of these can be used from Python without it."""


def third_party_imports(source: str) -> set[str]:
    """The top-level names of every module a source imports, wherever the import is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.partition(".")[0])
    return found


@pytest.mark.parametrize(
    "module",
    sorted(m for m in MODULES if m.removeprefix("dunletters.").partition(".")[0] in CLICK_FREE),
)
def test_no_package_below_the_command_line_imports_click(module: str) -> None:
    source = MODULES[module].read_text(encoding="utf-8")
    assert "click" not in third_party_imports(source), f"{module} imports click"


def test_the_click_check_sees_an_import_inside_a_function() -> None:
    assert "click" in third_party_imports("def f():\n    from click import echo\n")
    assert "click" in third_party_imports("import click.testing\n")
    assert "click" not in third_party_imports("from .click import x\n")
