"""The template registry: one template per (stage, tone, channel), with metadata.

Layout (mkdocs-style: templates carry YAML front matter, a theme folder carries a
sidecar of layout-wide settings)::

    templates/
      letters/{stage}.{tone}.html.j2   one A4 letter each
      letters/_*.html.j2               layouts and partials (not registered)
      letters/theme.toml, letter.css   page, fonts, stylesheet
      sms/{stage}.{tone}.txt.j2        one SMS body each

A user's ``--templates DIR`` overlays the built-in set: a file there with the same
name replaces the built-in one (also for partials and the stylesheet), new tones are
added, and ``builtin=False`` runs a project on its own templates only.

The front matter is replaced by as many blank lines as it had, so the line numbers
Jinja reports are the lines of the file the author edits. Each template's version is
the SHA-256 of its file: the batch journal records it with every letter.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, get_args, get_origin

import jinja2
import jinja2.meta
import yaml
from jinja2 import nodes
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dunletters.approvals import (
    UNREVIEWED,
    Approval,
    body_sha256,
    content_sha256,
    find_approval,
    load_approvals,
)
from dunletters.config import DEFAULT_SOURCES, Policy
from dunletters.errors import TemplateError, describe_validation, key_reason
from dunletters.vocabulary import CHANNEL_NAMES, CHANNELS, STAGES, Channel, Stage

__all__ = [
    "BUILTIN_TEMPLATES",
    "Channel",
    "Problem",
    "Registry",
    "Template",
    "TemplateMeta",
    "check_template_source",
    "draft_roots",
    "policy_keys",
    "referenced_templates",
    "split_front_matter",
]

_FOLDERS: dict[Channel, tuple[str, str]] = {
    "letter": ("letters", ".html.j2"),
    "sms": ("sms", ".txt.j2"),
}
_NAME = re.compile(r"(?P<stage>[a-z][a-z0-9_-]*)\.(?P<tone>[a-z][a-z0-9_-]*)$")


def _builtin_dir() -> Path:
    """The built-in templates: inside the wheel, or at the top of a source checkout."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


BUILTIN_TEMPLATES = _builtin_dir()


class Review(BaseModel):
    """Who approved this wording, when, and which revision it is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approved_by: str = Field(min_length=1)
    approved_on: date
    revision: int = Field(ge=1)


class LintOptions(BaseModel):
    """Per-template linter options (codes disabled for this template only)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    disable: tuple[str, ...] = ()


class TemplateMeta(BaseModel):
    """The YAML front matter of a registered template."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: Stage
    tone: str = Field(pattern=r"^[a-z][a-z0-9_-]{1,31}$")
    channel: Channel
    title: str = Field(min_length=1, max_length=40)
    review: Review
    lint: LintOptions = Field(default_factory=LintOptions)


_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n", re.DOTALL | re.MULTILINE)


def draft_roots(draft: Path, template_dirs: Sequence[Path] = ()) -> list[Path]:
    """Template folders a draft file can extend: its own first, then the user's.

    A draft that sits in the ``letters/`` or ``sms/`` of a templates folder uses that
    folder's layout, partials and stylesheet (the built-ins come last, from
    :meth:`Registry.load`).
    """
    roots = list(template_dirs)
    parent = draft.resolve().parent
    if parent.name in ("letters", "sms") and (parent.parent / "letters").is_dir():
        roots.insert(0, parent.parent)
    return roots


def _load_yaml(text: str) -> Any:
    """``yaml.safe_load`` through libyaml when PyYAML has it: a batch reads some 80
    template heads at start-up (benchmarks/NOTES.md#registry).

    The two loaders build the same data; they word their errors differently, so a head
    libyaml rejects is parsed again by the pure-Python loader, whose error (message and
    line) is the one reported.
    """
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            return yaml.load(text, Loader=loader)  # CSafeLoader: a safe loader
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, str, int]:
    """Split ``---`` YAML front matter from a template's text.

    Returns ``(metadata or None, body, number of lines the front matter used)``; the
    body keeps the front matter's lines as blank lines so line numbers stay true.

    >>> meta, body, lines = split_front_matter("---\\ntitle: x\\n---\\nHello\\n")
    >>> meta, body, lines
    ({'title': 'x'}, '\\n\\n\\nHello\\n', 3)
    """
    match = _FRONT.match(text)
    if match is None:
        return None, text, 0
    try:
        data = _load_yaml(match.group(1))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"第{mark.line + 2}行" if mark is not None else ""
        raise TemplateError(
            f"模板头部 YAML 无效{line}：{getattr(error, 'problem', error)}"
        ) from None
    if not isinstance(data, dict):
        raise TemplateError("模板头部须为 YAML 键值对（--- 之间）")
    lines = match.group(0).count("\n")
    return data, "\n" * lines + text[match.end() :], lines


@dataclass(frozen=True)
class Template:
    """A registered template: its key, file, metadata and content hash."""

    stage: str
    tone: str
    channel: Channel
    name: str
    """Loader name, e.g. ``letters/early.courteous.html.j2``."""
    path: Path
    meta: TemplateMeta
    version: str
    """SHA-256 (hex) of the file's bytes: the template's identity in the journal."""
    origin: str
    """Which templates folder it came from (built-in or a user overlay)."""
    body_sha256: str = ""
    """SHA-256 of the body (after the front matter)."""
    content_sha256: str = ""
    """SHA-256 of the body and the templates it extends, includes or imports, as this
    registry resolves them: what an approval signs (:func:`~dunletters.approvals.content_sha256`)."""
    approval: Approval | None = None
    """The approval of exactly this content (``approvals.toml``), or None: 「未审核」."""

    @property
    def approved(self) -> bool:
        """Whether this wording, as it is now, has been approved."""
        return self.approval is not None

    @property
    def review_label(self) -> str:
        """The review as people see it: who and when, or 「未审核」."""
        return self.approval.label if self.approval is not None else UNREVIEWED

    @property
    def key(self) -> tuple[str, str, str]:
        """``(stage, tone, channel)``."""
        return (self.stage, self.tone, self.channel)

    @property
    def short_version(self) -> str:
        """The first 12 hex digits of the version, for people."""
        return self.version[:12]


@dataclass(frozen=True)
class Problem:
    """One thing ``templates check`` found wrong, located at a file and line."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class _FrontMatterLoader(jinja2.BaseLoader):
    """Loads from an ordered list of folders, the first match winning, front matter blanked."""

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = [root.resolve() for root in roots]

    def find(self, name: str) -> Path | None:
        """The file a loader name resolves to, refusing anything outside the roots."""
        parts = [part for part in name.replace("\\", "/").split("/") if part]
        if not parts or any(part in (".", "..") for part in parts):
            return None
        for root in self.roots:
            candidate = root.joinpath(*parts)
            if candidate.is_file() and candidate.resolve().is_relative_to(root):
                return candidate
        return None

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.find(template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        text = path.read_text(encoding="utf-8")
        _, body, _ = split_front_matter(text)
        mtime = path.stat().st_mtime
        return body, str(path), lambda: path.stat().st_mtime == mtime

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for root in self.roots:
            for path in root.rglob("*.j2"):
                found.add(path.relative_to(root).as_posix())
        return sorted(found)


@dataclass
class Registry:
    """The templates of a run: built-in ones overlaid by the user's folders."""

    roots: list[Path]
    templates: dict[tuple[str, str, str], Template] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)

    @classmethod
    def load(cls, user_dirs: Sequence[Path] = (), *, builtin: bool = True) -> Registry:
        """Discover templates; ``user_dirs`` take precedence over the built-in set."""
        roots = [Path(d) for d in user_dirs]
        for root in roots:
            if not root.is_dir():
                raise TemplateError(f"模板目录不存在：{root}")
        if builtin:
            roots.append(BUILTIN_TEMPLATES)
        if not roots:
            raise TemplateError("没有模板目录：请用 --templates 指定，或使用内置模板")
        registry = cls(roots=roots)
        # Lowest precedence first, so an overlay replaces what it names.
        for root in reversed(roots):
            registry._discover(root)
        registry.approvals = load_approvals(roots)
        loader = registry.loader
        known: dict[str, tuple[str, list[str]]] = {}  # each partial parsed once
        for key, template in registry.templates.items():
            registry.templates[key] = registry.with_approval(template, loader, known)
        return registry

    def with_approval(
        self,
        template: Template,
        loader: jinja2.BaseLoader,
        known: dict[str, tuple[str, list[str]]] | None = None,
    ) -> Template:
        """The template with its content hash (through ``loader``) and its approval."""
        _, body, _ = split_front_matter(template.path.read_text(encoding="utf-8"))
        references = referenced_templates(loader, body, known)
        content = content_sha256(template.body_sha256, references)
        found = find_approval(self.approvals, template.name, content)
        return dataclasses.replace(template, content_sha256=content, approval=found)

    def unapproved(self, keys: Sequence[tuple[str, str, str]]) -> list[Template]:
        """The templates among ``keys`` (those a run can reach) with no valid approval."""
        found = (self.templates.get(key) for key in keys)
        return sorted((t for t in found if t is not None and not t.approved), key=_order)

    @property
    def loader(self) -> _FrontMatterLoader:
        """A Jinja loader over the same folders, in the same precedence."""
        return _FrontMatterLoader(self.roots)

    def _discover(self, root: Path) -> None:
        for channel, (folder, suffix) in _FOLDERS.items():
            directory = root / folder
            if not directory.is_dir():
                continue
            for path in sorted(directory.glob(f"*{suffix}")):
                if path.name.startswith("_"):
                    continue
                stem = path.name[: -len(suffix)]
                shown = f"{folder}/{path.name}"
                match = _NAME.fullmatch(stem)
                if match is None:
                    self.problems.append(
                        Problem(
                            shown,
                            f"文件名应为 {{阶段}}.{{语气}}{suffix}，如 early.courteous{suffix}",
                        )
                    )
                    continue
                try:
                    template = read_template(path, root, shown, channel)
                except TemplateError as error:
                    self.problems.append(Problem(shown, str(error)))
                    continue
                expected = (match["stage"], match["tone"], channel)
                actual = (template.meta.stage, template.meta.tone, template.meta.channel)
                if expected != actual:
                    self.problems.append(
                        Problem(
                            shown,
                            f"文件名表示 {'.'.join(expected)}，头部元数据却是 {'.'.join(actual)}",
                            line=2,
                        )
                    )
                    continue
                # Drop problems recorded for a template this overlay now replaces.
                self.problems = [p for p in self.problems if p.path != shown]
                self.templates[template.key] = template

    def __iter__(self) -> Iterator[Template]:
        return iter(sorted(self.templates.values(), key=_order))

    def get(self, stage: str, tone: str, channel: str) -> Template:
        """The template for a key; a miss lists what exists for that channel."""
        found = self.templates.get((stage, tone, channel))
        if found is not None:
            return found
        available = sorted(f"{t.stage}.{t.tone}" for t in self if t.channel == channel)
        listing = "、".join(available) if available else "（无）"
        raise TemplateError(
            f"没有 {stage}.{tone} 的{CHANNEL_NAMES.get(channel, channel)}模板；现有：{listing}"
        )

    def check(
        self,
        env: jinja2.Environment,
        policy: Policy,
        *,
        context_models: dict[str, type[BaseModel]],
        channels: Sequence[str] = CHANNELS,
        cache: bool = False,
    ) -> list[Problem]:
        """Everything wrong with this set of templates for this policy.

        ``env`` is the run's environment (``rendering.make_environment(registry)``):
        templates are parsed with its filters, so the check sees what rendering sees.

        * every (stage, tone) the policy can produce has a letter and an SMS;
        * file names match their metadata (recorded while loading);
        * every variable a template (or a layout it uses) reads exists on the render
          context models — derived from the templates' syntax trees, never a hand list;
        * every filter exists, and every template parses.

        ``channels`` limits it to the templates (and partials) in those channels'
        folders: a batch checks what it will render (an SMS-only run skips the letters, which
        are most of the check's time).

        ``cache``: a template this same check found clean before (its source, the
        environment's filters and syntax, the context models and this module unchanged)
        is not parsed again (:func:`checked_clean`); what has problems is never cached.
        """
        problems = list(self.problems)
        for stage in policy.stages:
            sources: dict[str, str] = {}  # each tone once, named by the first that gives it
            for tone, source in policy.tone_sources(stage.id):
                sources.setdefault(tone, source)
            for tone, source in sorted(sources.items()):
                for channel in CHANNELS:
                    key = (stage.id, tone, channel)
                    if channel not in channels or key in self.templates:
                        continue
                    folder, suffix = _FOLDERS[channel]
                    by = f"语气规则「{source}」" if source not in DEFAULT_SOURCES else "策略"
                    problems.append(
                        Problem(
                            f"{folder}/{stage.id}.{tone}{suffix}",
                            f"{by}会产生 {stage.id}.{tone}，但缺少{CHANNEL_NAMES[channel]}模板",
                        )
                    )
        every = set(CHANNELS) <= set(channels)
        folders = tuple(f"{_FOLDERS[channel][0]}/" for channel in CHANNELS if channel in channels)
        digest = _check_digest(env, context_models) if cache else None
        for name in self.loader.list_templates():
            if every or name.startswith(folders):
                problems.extend(_check_variables(env, name, context_models, digest))
        return problems


def policy_keys(policy: Policy, channels: Sequence[str] = CHANNELS) -> list[tuple[str, str, str]]:
    """Every (stage, tone, channel) the policy can produce in these channels."""
    return [
        (stage.id, tone, channel)
        for stage in policy.stages
        for tone in sorted({tone for tone, _ in policy.tone_sources(stage.id)})
        for channel in CHANNELS
        if channel in channels
    ]


def _order(template: Template) -> tuple[int, str, str]:
    stage_index = STAGES.index(template.stage) if template.stage in STAGES else len(STAGES)
    return (stage_index, template.tone, template.channel)


def read_template(path: Path, root: Path, shown: str, channel: Channel) -> Template:
    """One template file as registered: front matter validated, channel checked, hashed.

    ``shown`` is its loader name (``letters/x.html.j2``), ``root`` its folder of origin.
    Errors do not name the file: callers know how to show it.
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError("模板须为 UTF-8 编码") from None
    data, _, _ = split_front_matter(text)
    if data is None:
        raise TemplateError("缺少 YAML 头部（以 --- 开始和结束）")
    front = _FRONT.match(text)
    body = text[front.end() :] if front is not None else text
    try:
        meta = TemplateMeta.model_validate(data)
    except ValidationError as error:
        raise TemplateError(
            describe_validation(error, "头部元数据无效：", reason=key_reason)
        ) from None
    if meta.channel != channel:
        raise TemplateError(f"头部 channel 为 {meta.channel}，但文件位于 {shown.split('/')[0]}/")
    return Template(
        stage=meta.stage,
        tone=meta.tone,
        channel=channel,
        name=shown,
        path=path,
        meta=meta,
        version=hashlib.sha256(raw).hexdigest(),
        origin=str(root),
        body_sha256=body_sha256(body),
    )


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


def _check_variables(
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
    configured = os.environ.get(CHECK_CACHE_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dunletters" / "checks"


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


def _check_digest(env: jinja2.Environment, models: dict[str, type[BaseModel]]) -> hashlib._Hash:
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
