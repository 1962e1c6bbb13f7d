"""What ``templates check`` reads in a template's syntax tree, never by running it.

Every variable a template (or a layout it uses) reads must exist on the render
context models, derived from the syntax tree rather than a hand list; every filter
must exist and every template parse; and a card, mobile or ID number must not be
printed unmasked. :meth:`dunletters.registry.Registry.check` runs these over a
registry against a policy.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import jinja2
import jinja2.meta
from jinja2 import nodes
from pydantic import BaseModel

from dunletters.errors import TemplateError
from dunletters.usercache import user_cache_dir

__all__ = [
    "CHECK_CACHE_LIMIT",
    "CHECK_CACHE_VARIABLE",
    "DYNAMIC_REFERENCE",
    "MASKED_FIELDS",
    "UNMASKED_MARK",
    "Problem",
    "check_cache_dir",
    "check_digest",
    "check_template_source",
    "check_variables",
    "referenced_templates",
]


@dataclass(frozen=True)
class Problem:
    """One thing ``templates check`` found wrong, located at a file and line."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


_PARSER = jinja2.Environment()
"""Parses templates for their references only (no filter is looked up at parse time)."""
DYNAMIC_REFERENCE = "(动态引用)"
"""Stands for a reference whose name is an expression: no approval can pin it statically."""


def referenced_templates(
    loader: jinja2.BaseLoader,
    body: str,
    known: dict[str, tuple[str, list[str]]] | None = None,
) -> list[tuple[str, str]]:
    """Every template ``body`` extends, includes or imports, recursively: (name, its text).

    Resolved through ``loader`` as a run resolves them (an overlay's ``_layout`` wins); a
    missing or unparsable one is named with empty text (``templates check`` reports it).
    ``known`` keeps each partial's text and references across calls (one parse a load).
    """
    known = {} if known is None else known
    found: dict[str, str] = {}
    pending = _references(body)
    while pending:
        name = pending.pop()
        if name in found:
            continue
        if name not in known:
            try:
                source, _, _ = loader.get_source(_PARSER, name)
            except jinja2.TemplateNotFound:
                source = ""
            known[name] = (source, _references(source) if source else [])
        found[name], references = known[name]
        pending.extend(references)
    return sorted(found.items())


def _references(source: str) -> list[str]:
    """The names a template's source extends, includes or imports (directly)."""
    try:
        names = jinja2.meta.find_referenced_templates(_PARSER.parse(source))
        return [name if name is not None else DYNAMIC_REFERENCE for name in names]
    except jinja2.TemplateSyntaxError:
        return []


@functools.cache
def _model_fields(model: type[BaseModel]) -> dict[str, Any]:
    """A model's fields and public properties, cached: asked once per attribute chain of
    every template, for the same few models."""
    fields: dict[str, Any] = {name: info.annotation for name, info in model.model_fields.items()}
    for name in dir(model):
        if isinstance(getattr(model, name, None), property) and not name.startswith("_"):
            fields.setdefault(name, None)
    return fields


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is not None:
        for arg in get_args(annotation):
            found = _submodel(arg)
            if found is not None:
                return found
    return None


def _attribute_chain(node: nodes.Node) -> list[str] | None:
    chain: list[str] = []
    while isinstance(node, nodes.Getattr):
        chain.append(node.attr)
        node = node.node
    if isinstance(node, nodes.Name):
        chain.append(node.name)
        return list(reversed(chain))
    return None


def check_variables(
    env: jinja2.Environment,
    name: str,
    models: dict[str, type[BaseModel]],
    digest: hashlib._Hash | None = None,
) -> Iterator[Problem]:
    """One template's problems; with ``digest`` (the check's own), a clean result is
    remembered and, for the same source, not worked out again."""
    try:
        source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    except TemplateError as error:
        yield Problem(name, str(error))
        return
    if digest is None:
        yield from check_template_source(env, name, source, models)
        return
    key = digest.copy()
    key.update(f"\0{name}\0{source}".encode())
    entry = check_cache_dir() / key.hexdigest()
    if entry.exists():
        return
    problems = list(check_template_source(env, name, source, models))
    yield from problems
    if not problems:
        _remember_clean(entry)


CHECK_CACHE_VARIABLE = "DUNLETTERS_CHECK_CACHE"


def check_cache_dir() -> Path:
    """``$DUNLETTERS_CHECK_CACHE``, else ``$XDG_CACHE_HOME/dunletters/checks`` (beside the
    fonts): one empty file per template source a check found clean."""
    return user_cache_dir("checks", CHECK_CACHE_VARIABLE)


CHECK_CACHE_LIMIT = 4096
"""Entries kept: past this (templates edited many times), the cache starts afresh."""


def _remember_clean(entry: Path) -> None:
    """Record a clean check; a cache that cannot be written only costs the next run time."""
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        entries = list(entry.parent.iterdir())
        if len(entries) >= CHECK_CACHE_LIMIT:
            for old in entries:
                old.unlink(missing_ok=True)
        entry.touch()
    except OSError:
        pass


def check_digest(env: jinja2.Environment, models: dict[str, type[BaseModel]]) -> hashlib._Hash:
    """What a template's check depends on besides its name and source: the check's
    code, Jinja's version and syntax settings, the filters, and the context models'
    fields, down through their submodels."""
    digest = hashlib.sha256(_module_bytes())
    syntax = (
        jinja2.__version__,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        sorted(env.extensions),
        sorted(env.filters),
    )
    digest.update(repr(syntax).encode())
    for variable, model in sorted(models.items()):
        digest.update(f"\0{variable}\0{_model_shape(model)}".encode())
    return digest


@functools.cache
def _module_bytes() -> bytes:
    """The source of the files the check's code is in (wherever it moves)."""
    functions = (check_template_source, _unmasked_fields, _exposed, _submodel, _attribute_chain)
    files = sorted({Path(function.__code__.co_filename) for function in functions})
    return b"".join(path.read_bytes() for path in files)


@functools.cache
def _model_shape(model: type[BaseModel]) -> str:
    """The fields and their types of a model and of every model it reaches: what
    attribute checks read."""
    parts: list[str] = []
    pending, seen = [model], {model}
    while pending:
        current = pending.pop(0)
        parts.append(f"{current.__module__}.{current.__qualname__}")
        for name, annotation in sorted(_model_fields(current).items()):
            parts.append(f"{name}:{annotation!r}")
            submodel = _submodel(annotation)
            if submodel is not None and submodel not in seen:
                seen.add(submodel)
                pending.append(submodel)
    return ";".join(parts)


def check_template_source(
    env: jinja2.Environment, name: str, source: str, models: dict[str, type[BaseModel]]
) -> Iterator[Problem]:
    """Syntax, variables, attributes and filters of one template's source.

    Variables come from the syntax tree (``jinja2.meta``), attributes are checked
    against the pydantic models of the render context — never a hand-kept list.
    """
    try:
        tree = env.parse(source, name)
    except jinja2.TemplateSyntaxError as error:
        yield Problem(name, f"语法错误：{error.message}", error.lineno)
        return
    unknown_filters = [n for n in tree.find_all(nodes.Filter) if n.name not in env.filters]
    for node in unknown_filters:
        yield Problem(name, f"未知过滤器 {node.name}", node.lineno)
    if unknown_filters:
        return  # jinja2.meta cannot analyse a template with unknown filters
    local_names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    for variable in sorted(jinja2.meta.find_undeclared_variables(tree) - local_names):
        if variable not in models:
            line = next((n.lineno for n in tree.find_all(nodes.Name) if n.name == variable), None)
            known = "、".join(sorted(models))
            yield Problem(name, f"未知变量 {variable}（可用：{known}）", line)
    seen: set[tuple[str, ...]] = set()
    for attr_node in tree.find_all(nodes.Getattr):
        chain = _attribute_chain(attr_node)
        if chain is None or chain[0] not in models or tuple(chain) in seen:
            continue
        seen.add(tuple(chain))
        model: type[BaseModel] | None = models[chain[0]]
        for depth, attribute in enumerate(chain[1:], start=1):
            if model is None:
                break
            fields = _model_fields(model)
            if attribute not in fields:
                dotted = ".".join(chain[: depth + 1])
                yield Problem(name, f"{dotted} 不是记录模型中的字段", attr_node.lineno)
                break
            model = _submodel(fields[attribute])
    yield from _unmasked_fields(name, tree)


MASKED_FIELDS = {"card_number": "mask_card", "mobile": "mask_mobile", "id_number": "mask_id"}
"""Record fields a document may show only masked, and the filter that masks each."""
UNMASKED_MARK = "直接输出"
"""How an unmasked-field problem begins (lint reports it as DL008)."""
_VALUE_FREE = frozenset({*MASKED_FIELDS.values(), "length", "count"})
"""Filters whose result shows nothing of the number they are given."""


def _unmasked_fields(name: str, tree: nodes.Template) -> Iterator[Problem]:
    """A card number or mobile (or the whole record) that reaches the text unmasked (D-20).

    Only what is printed or assigned counts: ``{% if account.mobile %}`` or a comparison
    shows nothing; a masking filter anywhere on the way makes it safe.
    """
    seen: set[tuple[str, int]] = set()
    for statement in tree.find_all((nodes.Output, nodes.Assign)):
        roots: list[nodes.Node]
        if isinstance(statement, nodes.Output):
            roots = [n for n in statement.nodes if not isinstance(n, nodes.TemplateData)]
        else:
            roots = [statement.node]  # type: ignore[attr-defined]
        for root in roots:
            for shown, line in _exposed(root, printed=True):
                if (shown, line) in seen:
                    continue
                seen.add((shown, line))
                if shown == "account":
                    message = (
                        "直接输出 account 记录（整个记录，含完整卡号、手机号）：请只输出所需字段"
                    )
                else:
                    mask = MASKED_FIELDS[shown]
                    message = (
                        f"直接输出 account.{shown}（完整号码）：须经 {mask} 过滤器脱敏，"
                        f"如 {{{{ account.{shown} | {mask} }}}}"
                    )
                yield Problem(name, message, line)


def _exposed(node: nodes.Node, *, printed: bool) -> Iterator[tuple[str, int]]:
    """The masked fields (or ``account`` itself, when ``printed`` as it is) in an expression
    whose value can reach the text."""
    if isinstance(node, nodes.Filter):
        if node.name in _VALUE_FREE:
            return
        if node.node is not None:
            yield from _exposed(node.node, printed=printed and node.name != "honorific")
        for argument in node.args:
            yield from _exposed(argument, printed=False)
        return
    if isinstance(node, nodes.Test | nodes.Compare | nodes.Not):
        return  # a truth value
    if isinstance(node, nodes.CondExpr):
        for branch in (node.expr1, node.expr2):
            if branch is not None:
                yield from _exposed(branch, printed=printed)
        return
    name = _record_field(node)
    if name is not None:
        if name in MASKED_FIELDS:
            yield name, node.lineno
        return
    if isinstance(node, nodes.Name):
        if node.name == "account" and printed:
            yield "account", node.lineno
        return
    for child in node.iter_child_nodes():
        yield from _exposed(child, printed=printed and isinstance(node, nodes.Concat))


def _record_field(node: nodes.Node) -> str | None:
    """``account.x`` or ``account['x']``: the field's name."""
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        return node.attr if node.node.name == "account" else None
    if (
        isinstance(node, nodes.Getitem)
        and isinstance(node.node, nodes.Name)
        and node.node.name == "account"
        and isinstance(node.arg, nodes.Const)
        and isinstance(node.arg.value, str)
    ):
        return node.arg.value
    return None
