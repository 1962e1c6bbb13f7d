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

What ``templates check`` reads in a template's syntax tree (variables, filters,
unmasked numbers) is :mod:`dunletters.template_checks`; :meth:`Registry.check` runs it
against a policy.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import yaml
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
from dunletters.template_checks import (
    DYNAMIC_REFERENCE,
    MASKED_FIELDS,
    UNMASKED_MARK,
    Problem,
    check_digest,
    check_template_source,
    check_variables,
    referenced_templates,
)
from dunletters.vocabulary import CHANNEL_NAMES, CHANNELS, STAGES, Channel, Stage

__all__ = [
    "BUILTIN_TEMPLATES",
    "DYNAMIC_REFERENCE",
    "MASKED_FIELDS",
    "UNMASKED_MARK",
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
        environment's filters and syntax, the context models and the check's code
        unchanged) is not parsed again (:func:`~dunletters.template_checks.check_digest`);
        what has problems is never cached.
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
        digest = check_digest(env, context_models) if cache else None
        for name in self.loader.list_templates():
            if every or name.startswith(folders):
                problems.extend(check_variables(env, name, context_models, digest))
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
