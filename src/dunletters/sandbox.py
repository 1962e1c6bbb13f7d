"""The sandboxed Jinja environment every document is rendered in, and its budget.

* ``SandboxedEnvironment`` — a template is text a person wrote and reviewed, not
  code we trust: ``{{ ''.__class__.__mro__ }}`` must fail, not introspect.
* ``StrictUndefined`` — a missing field is an error, never a blank in a letter.
* A ``finalize`` hook refuses ``None``: an optional field printed as "None" is a
  defect just as a blank is.
* Autoescaping for ``.html.j2`` — record values are data; a name written
  ``<img src=file:///etc/passwd>`` prints as that text, never as markup.
* The zh filters (money, capitals, dates, masks, 称谓) are the only way templates
  format values, so figures and 大写 come from the same rounded amount.

Every render is bounded (:class:`RenderLimits`, ``[render]`` in the settings): a
template is text, and a loop, a string product or a recursive macro in it must not
hang a batch or the preview server (D-18, D-19). The sandbox's ``range`` checks a
deadline as it counts, every call (macros included) checks it, string and list
products, powers, ``%`` formats and Jinja's text-growing filters are checked before
they are computed, a macro's or namespace's text against the output limit, and the
output as it is produced (:func:`render_bounded`).
"""

from __future__ import annotations

import functools
import re
import threading
import time
import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import jinja2
import jinja2.filters
import jinja2.utils
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range
from jinja2.utils import Namespace

from dunletters import gates, zh
from dunletters.config import Settings
from dunletters.errors import TemplateError
from dunletters.models import Account
from dunletters.registry import Registry

__all__ = [
    "BUDGET_MARK",
    "BUDGET_MARKS",
    "FILTERS",
    "JINJA_VERSIONS",
    "OverBudget",
    "RenderLimits",
    "make_environment",
    "over_budget",
    "render_bounded",
    "render_limits",
    "sandbox_class",
]


def _honorific(account: Account) -> str:
    return zh.honorific(account.name, account.gender)


FILTERS: Mapping[str, Any] = types.MappingProxyType(
    {
        "money": zh.format_money,
        "yuan": zh.format_yuan,
        "capitals": zh.amount_in_capitals,
        "zh_date": zh.format_date,
        "zh_datetime": zh.format_datetime,
        "weekday": zh.weekday_zh,
        "mask_card": zh.mask_card,
        "mask_mobile": zh.mask_mobile,
        "mask_id": zh.mask_id,
        "honorific": _honorific,
    }
)


def _refuse_none(value: Any) -> Any:
    if value is None:
        raise TemplateError("模板输出了空值（None）：可选字段须先用 {% if %} 判断")
    return value


@dataclass(frozen=True)
class RenderLimits:
    """How long one document may take to render, and how much text it may make."""

    seconds: float = 10.0
    output_chars: int = 1_000_000


def render_limits(settings: Settings) -> RenderLimits:
    """The limits ``[render]`` sets."""
    return RenderLimits(settings.render.time_limit, settings.render.max_output_chars)


BUDGET_MARK = "渲染超时"
BUDGET_MARKS = (BUDGET_MARK, "超过输出上限", "模板递归过深", "渲染所需内存过大")
"""What a render that ran out of its time, output or stack says (DL007, not DL002)."""


def over_budget(message: str) -> bool:
    """Whether a TemplateError's message is a render over its budget (see BUDGET_MARKS)."""
    return any(mark in message for mark in BUDGET_MARKS)


class OverBudget(Exception):
    """A render went past its :class:`RenderLimits` (reported as a TemplateError)."""


_BUDGET = threading.local()
"""The current render's deadline and limits, per thread (``serve`` renders in threads)."""


def _check_time() -> None:
    deadline = getattr(_BUDGET, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise OverBudget(
            f"{BUDGET_MARK}（超过 {_BUDGET.limits.seconds:g} 秒）：模板中可能有过大的循环或无尽的递归"
        )


def _too_big(what: str) -> OverBudget:
    limit = getattr(_BUDGET, "limits", RenderLimits()).output_chars
    return OverBudget(f"{what}超过输出上限（{limit} 个字符）")


def _output_limit() -> int:
    return int(getattr(_BUDGET, "limits", RenderLimits()).output_chars)


class _Range(Sequence[int]):
    """``range`` in templates: the sandbox's size cap, and the deadline checked as it counts.

    A loop over ranges (nested ``range(100000)`` loops) calls nothing else a hook
    could watch, so the range itself looks at the clock every 1,024 numbers.
    """

    __slots__ = ("_numbers",)
    _STEP = 1024

    def __init__(self, *args: int) -> None:
        self._numbers: range = safe_range(*args)

    def __len__(self) -> int:
        return len(self._numbers)

    def __getitem__(self, index: Any) -> Any:
        return self._numbers[index]

    def __iter__(self) -> Iterator[int]:
        numbers = self._numbers
        for start in range(0, len(numbers), self._STEP):
            _check_time()
            yield from numbers[start : start + self._STEP]


class _Namespace(Namespace):
    """``namespace()``: its values are kept across loop turns, so their size is checked."""

    def __setitem__(self, name: str, value: Any) -> None:
        if isinstance(value, str | list | tuple) and len(value) > _output_limit():
            raise _too_big("namespace 中的值")
        super().__setitem__(name, value)


_WIDE_FORMAT = re.compile(
    r"%[-#0 +]*(?:\d{6,}|\*)|%[-#0 +]*\d*\.(?:\d{6,}|\*)|\{[^{}]*\d{6,}[^{}]*\}"
)
"""A ``%`` or ``str.format`` field with a width or precision of a million or more."""


def _bounded_filter(function: Any) -> Any:
    """One of Jinja's filters that can make text much larger than its input (``center``,
    ``indent``, ``format``, ``replace``, ``join``, ``wordwrap``): its sizes checked
    before it runs, its result after (filters are not calls the sandbox sees)."""

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        limit = _output_limit()
        values = (*args, *kwargs.values())
        texts = [value for value in values if isinstance(value, str)]
        if any(type(value) is int and value > limit for value in values):
            raise _too_big("过滤器参数")
        if function is jinja2.filters.do_format and texts and _WIDE_FORMAT.search(texts[0]):
            raise _too_big("格式宽度")
        if function is jinja2.filters.do_replace and len(texts) >= 3:
            text, old, new = texts[:3]
            grows = max(0, len(new) - len(old)) * (text.count(old) if old else len(text) + 1)
            if len(text) + grows > limit:
                raise _too_big("替换结果")
        if function is jinja2.filters.do_join:
            items = next((v for v in values if isinstance(v, list | tuple)), ())
            joiner = texts[0] if texts else ""
            size = sum(len(v) for v in items if isinstance(v, str)) + len(joiner) * len(items)
            if size > limit:
                raise _too_big("拼接结果")
        result = function(*args, **kwargs)
        if isinstance(result, str) and len(result) > limit:
            raise _too_big("过滤器结果")
        return result

    return bounded


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
    """Jinja's ``lipsum`` placeholder text, at most 100 paragraphs of 1,000 words (its own
    loop is one call the deadline can't interrupt)."""
    if n > 100 or max > 1000:
        raise _too_big("lipsum 的参数")
    return jinja2.utils.generate_lorem_ipsum(n=n, html=html, min=min, max=max)


_AMPLIFYING_FILTERS = ("center", "indent", "format", "replace", "join", "wordwrap")


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, bounded: Jinja's own attribute checks, every time."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, *args: Any, limits: RenderLimits | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits or RenderLimits()
        self.globals["range"] = _Range
        self.globals["namespace"] = _Namespace
        for name in _AMPLIFYING_FILTERS:
            self.filters[name] = _bounded_filter(self.filters[name])
        self.globals["lipsum"] = _lipsum

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Every call from a template (macros, methods, ``range``): the deadline; a string's
        or list's method given a size past the output limit (``'x'.center(10**9)``,
        ``'{:>{}}'.format(1, 10**9)``); no text result past it (a macro that doubles its
        text)."""
        _check_time()
        limit = _output_limit()
        self_ = getattr(__obj, "__self__", None)
        if isinstance(self_, str | list | tuple):
            if isinstance(self_, str) and _WIDE_FORMAT.search(self_):
                raise _too_big("格式宽度")
            for value in (*args, *kwargs.values()):
                if type(value) is int and value > limit:
                    raise _too_big("调用参数")
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, str) and len(result) > limit:
            raise _too_big("调用结果")
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """``*``, ``**`` and ``%``, checked before Python computes them."""
        limit = _output_limit()
        if operator == "*":
            for items, times in ((left, right), (right, left)):
                sequence = isinstance(items, str | list | tuple) and type(times) is int
                if sequence and len(items) * times > limit:
                    raise _too_big("乘积")
            whole = type(left) is int and type(right) is int
            if whole and left.bit_length() + right.bit_length() > 65536:
                raise _too_big("乘积")  # squared again and again, a number grows past any time
        elif operator == "**":
            whole = type(left) is int and type(right) is int and abs(left) > 1
            if whole and left.bit_length() * right > 4096:
                raise _too_big("乘方")
        elif isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise _too_big("格式宽度")
        return super().call_binop(context, operator, left, right)


class _RememberingSandbox(_Sandbox):
    """The bounded sandbox with its attribute verdicts remembered per (type, name).

    Jinja's checks (:func:`jinja2.sandbox.is_internal_attribute` and
    :func:`~jinja2.sandbox.modifies_known_mutable`) look only at the object's type and
    the attribute's name, never at the value, so a verdict holds for every later object
    of that type; asking again is a large share of an SMS's render
    (benchmarks/NOTES.md#sandbox). That holds for the Jinja versions in
    :data:`JINJA_VERSIONS` only, so :func:`sandbox_class` gates it.
    """

    _MEMO_LIMIT = 4096
    """Templates name a handful of attributes; the bound only guards a long-lived server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._verdicts: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = super().is_safe_attribute(obj, attr, value)
            if len(self._verdicts) < self._MEMO_LIMIT:
                self._verdicts[key] = verdict
        return verdict

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's sandboxed attribute read, answered here once both its checks are known.

        When the (type, name) verdict is already remembered as safe and the value is
        not a bound method (only a method can be a ``str.format`` that Jinja wraps),
        Jinja would return the value as it is; so does this. Everything else — a
        missing or unsafe attribute, a method, a name seen for the first time — goes
        through Jinja's own code, which reads the attribute again (a pure read on the
        record models).
        """
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)
        if self._verdicts.get((type(obj), attribute)) and not isinstance(value, _METHODS):
            return value
        return super().getattr(obj, attribute)


_METHODS = (types.MethodType, types.BuiltinMethodType)
"""What :meth:`jinja2.sandbox.SandboxedEnvironment.wrap_str_format` looks at: nothing else
can be a ``str.format``."""

JINJA_VERSIONS = ("3.1.4", "3.2")
"""The Jinja releases whose sandbox checks :class:`_RememberingSandbox` relies on (from the
first, up to the second); pyproject pins the same range."""


def sandbox_class(version: str = jinja2.__version__) -> type[_Sandbox]:
    """The sandbox for this Jinja version: remembered verdicts inside the range, else
    Jinja's own checks every time, with a warning."""
    if gates.within(version, *JINJA_VERSIONS):
        return _RememberingSandbox
    gates.stand_down("沙箱属性检查的缓存", "Jinja2", version, *JINJA_VERSIONS)
    return _Sandbox


_SANDBOX = sandbox_class()
"""The sandbox every environment of this process uses."""


_autoescape = functools.lru_cache(maxsize=1024)(
    jinja2.select_autoescape(
        enabled_extensions=("html.j2", "html"), default_for_string=False, default=False
    )
)
"""Autoescape by file name (HTML yes, SMS text no), remembered per name: Jinja asks
on every render (a new ``EvalContext``), and the answer only depends on the name."""


def make_environment(
    registry: Registry, limits: RenderLimits | None = None
) -> ImmutableSandboxedEnvironment:
    """The one Jinja environment of a run: sandboxed, strict, autoescaping HTML, bounded."""
    env = _SANDBOX(
        limits=limits,
        loader=registry.loader,
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        finalize=_refuse_none,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        # Unbounded: a run has a fixed set of template files and nothing is reloaded,
        # so the LRU's lock and bookkeeping buy nothing (benchmarks/NOTES.md#sandbox).
        cache_size=-1,
    )
    env.filters.update(FILTERS)
    return env


def render_bounded(compiled: jinja2.Template, context: Mapping[str, Any]) -> str:
    """``compiled.render(context)``, its output collected under the environment's limits.

    ``Template.generate`` is ``render`` one piece at a time, so the size and the clock
    are checked as the text grows; errors go through Jinja's handler, and their
    tracebacks still point at template lines.
    """
    env = compiled.environment
    limits: RenderLimits = getattr(env, "limits", None) or RenderLimits()
    outer = getattr(_BUDGET, "deadline", None), getattr(_BUDGET, "limits", None)
    _BUDGET.deadline = time.monotonic() + limits.seconds
    _BUDGET.limits = limits
    try:
        return _collect(env, compiled.generate(context), limits.output_chars)
    finally:
        _BUDGET.deadline, _BUDGET.limits = outer


_BATCH = 256
"""Output pieces taken at a time (in C) between two checks of the size and the clock."""


def _collect(env: jinja2.Environment, pieces: Iterator[str], limit: int) -> str:
    """The template's output, its size and the deadline checked as it grows.

    A document is a few hundred pieces: one batch, one check, no per-piece Python work.
    """
    taken = list(islice(pieces, _BATCH))
    if len(taken) == _BATCH:
        size = sum(map(len, taken))
        while True:
            more = list(islice(pieces, _BATCH))
            taken += more
            size += sum(map(len, more))
            if size > limit:
                raise _too_big("输出")
            _check_time()
            if len(more) < _BATCH:
                break
    text: str = env.concat(taken)
    if len(text) > limit:
        raise _too_big("输出")
    return text
