"""Rendering: one sandboxed Jinja2 environment, strict about every name.

* ``SandboxedEnvironment`` — a template is text a person wrote and reviewed, not
  code we trust: ``{{ ''.__class__.__mro__ }}`` must fail, not introspect.
* ``StrictUndefined`` — a missing field is an error, never a blank in a letter.
* A ``finalize`` hook refuses ``None``: an optional field printed as "None" is a
  defect just as a blank is.
* Autoescaping for ``.html.j2`` — record values are data; a name written
  ``<img src=file:///etc/passwd>`` prints as that text, never as markup.
* The zh filters (money, capitals, dates, masks, 称谓) are the only way templates
  format values, so figures and 大写 come from the same rounded amount.

Errors name the template file, the line and the field — never the record's
values (cookiecutter prints the whole context on error; we must not).

Every render is bounded (:class:`RenderLimits`, ``[render]`` in the settings): a
template is text, and a loop, a string product or a recursive macro in it must not
hang a batch or the preview server (D-18, D-19). The sandbox's ``range`` checks a
deadline as it counts, every call (macros included) checks it, string and list
products, powers, ``%`` formats and Jinja's text-growing filters are checked before
they are computed, a macro's or namespace's text against the output limit, and the
output as it is produced.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import time
import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import jinja2
import jinja2.filters
import jinja2.utils
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range
from jinja2.utils import Namespace
from pydantic import BaseModel, ConfigDict

from dunletters import gates, zh
from dunletters.config import Settings
from dunletters.errors import SmsError, TemplateError
from dunletters.escalation import Decision
from dunletters.history import UNKNOWN, HistoryFacts
from dunletters.models import Account, Creditor
from dunletters.registry import Registry, Template
from dunletters.sms import Sms, compose_sms

__all__ = [
    "BUDGET_MARKS",
    "CONTEXT_MODELS",
    "JINJA_VERSIONS",
    "LetterDocument",
    "LetterInfo",
    "RenderLimits",
    "Renderer",
    "SmsDocument",
    "make_environment",
    "make_letter_info",
    "over_budget",
    "render_limits",
    "render_template",
    "sandbox_class",
]


class LetterInfo(BaseModel):
    """Facts about this letter (not the account): number, dates, stage, title."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: str
    """函号, unique per creditor and year (the batch journal allocates it)."""
    date: dt.date
    """Issue date: the run's as-of date."""
    deadline: dt.date
    """Pay-by date: issue date + the stage's ``deadline_days``."""
    stage: str
    tone: str
    stage_name: str
    title: str
    fee_label: str = "违约金"
    """The contract's name for the fees line (``[letters] fee_label``)."""
    preview: bool = False
    """The 函号 is the preview number (sequence 0): a one-off render, never posted."""


CONTEXT_MODELS: dict[str, type[BaseModel]] = {
    "account": Account,
    "creditor": Creditor,
    "letter": LetterInfo,
    "history": HistoryFacts,
}
"""The names a template may use, and the models their attributes must exist on."""


def make_letter_info(
    decision: Decision,
    template: Template,
    as_of: date,
    number: str,
    *,
    fee_label: str = "违约金",
    preview: bool = False,
) -> LetterInfo:
    """The letter facts for a decision rendered with a template on ``as_of``."""
    return LetterInfo(
        number=number,
        date=as_of,
        deadline=as_of + timedelta(days=decision.deadline_days),
        stage=decision.stage,
        tone=decision.tone,
        stage_name=decision.stage_name,
        title=template.meta.title,
        fee_label=fee_label,
        preview=preview,
    )


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


_BUDGET_MARK = "渲染超时"
BUDGET_MARKS = (_BUDGET_MARK, "超过输出上限", "模板递归过深", "渲染所需内存过大")
"""What a render that ran out of its time, output or stack says (DL007, not DL002)."""


def over_budget(message: str) -> bool:
    """Whether a TemplateError's message is a render over its budget (see BUDGET_MARKS)."""
    return any(mark in message for mark in BUDGET_MARKS)


class _OverBudget(Exception):
    """A render went past its :class:`RenderLimits` (reported as a TemplateError)."""


_BUDGET = threading.local()
"""The current render's deadline and limits, per thread (``serve`` renders in threads)."""


def _check_time() -> None:
    deadline = getattr(_BUDGET, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise _OverBudget(
            f"{_BUDGET_MARK}（超过 {_BUDGET.limits.seconds:g} 秒）：模板中可能有过大的循环或无尽的递归"
        )


def _too_big(what: str) -> _OverBudget:
    limit = getattr(_BUDGET, "limits", RenderLimits()).output_chars
    return _OverBudget(f"{what}超过输出上限（{limit} 个字符）")


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


@dataclass(frozen=True)
class _Where:
    path: str
    line: int | None


def _template_frame(error: BaseException, env: jinja2.Environment) -> _Where:
    """The innermost template file and line in a traceback Jinja rewrote."""
    where = _Where("(模板)", None)
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = _Where(_short(filename), tb.tb_lineno)
        tb = tb.tb_next
    return where


def _short(filename: str) -> str:
    path = Path(filename)
    return "/".join(path.parts[-2:])


def render_template(
    env: jinja2.Environment, template: Template | str, context: Mapping[str, Any]
) -> str:
    """Render a template by registry entry or loader name; errors name file and line."""
    name = template.name if isinstance(template, Template) else template
    try:
        return _render(env.get_template(name), context)
    except jinja2.TemplateSyntaxError as error:
        file = _short(error.filename or name)
        message = syntax_message(error.message or "")
        raise TemplateError(f"{file}:{error.lineno}: 模板语法错误：{message}") from None
    except jinja2.UndefinedError as error:
        where = _template_frame(error, env)
        raise TemplateError(
            f"{where.path}:{where.line}: 未定义的字段：{_undefined_name(error)}"
        ) from None
    except jinja2.exceptions.SecurityError as error:
        where = _template_frame(error, env)
        raise TemplateError(f"{where.path}:{where.line}: 沙箱拒绝了不安全的操作：{error}") from None
    except jinja2.TemplateNotFound as error:
        raise TemplateError(f"找不到模板或被包含的文件：{error.name}") from None
    except TemplateError as error:
        where = _template_frame(error, env)
        raise TemplateError(f"{where.path}:{where.line}: {error}") from None
    except _OverBudget as error:
        where = _template_frame(error, env)
        shown = where.path if where.line is not None else _short(name)
        raise TemplateError(f"{shown}:{where.line or '-'}: {error}") from None
    except RecursionError as error:
        where = _template_frame(error, env)
        shown = where.path if where.line is not None else _short(name)
        raise TemplateError(
            f"{shown}:{where.line or '-'}: 模板递归过深（宏或包含调用了自身）"
        ) from None
    except MemoryError:
        raise TemplateError(f"{_short(name)}: 渲染所需内存过大") from None
    except (TypeError, ValueError, ArithmeticError) as error:
        # A filter met a value of the wrong kind; say which filter line, not the value.
        where = _template_frame(error, env)
        raise TemplateError(
            f"{where.path}:{where.line}: 渲染失败（{type(error).__name__}）：过滤器或表达式的参数类型不符"
        ) from None


_SYNTAX = (
    (re.compile(r"Encountered unknown tag '([^']+)'"), "未知的标签「{0}」"),
    (re.compile(r"(?i)unexpected end of template"), "模板意外结束"),
    (re.compile(r"Expected an expression, got '([^']+)'"), "此处缺少表达式"),
    (re.compile(r"expected token '([^']+)', got '([^']+)'"), "此处应为「{0}」，却是「{1}」"),
    (re.compile(r"unexpected '([^']+)'"), "意外的「{0}」"),
)
_LOOKING_FOR = re.compile(r"looking for the following tags: (.+?)\. The innermost block")


def syntax_message(message: str) -> str:
    """Jinja's English syntax message in Chinese (friction 28), the original kept after it."""
    for pattern, text in _SYNTAX:
        found = pattern.search(message)
        if found:
            chinese = text.format(*found.groups())
            wanted = _LOOKING_FOR.search(message)
            if wanted:
                tags = "、".join(t.strip("' ") for t in re.split(r",| or ", wanted[1]) if t.strip())
                chinese += f"（此处应有结束标签：{tags}）"
            return f"{chinese}。（{message}）"
    return message


def _render(compiled: jinja2.Template, context: Mapping[str, Any]) -> str:
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


def _undefined_name(error: jinja2.UndefinedError) -> str:
    """The missing name from Jinja's message, which holds names and types, not values."""
    message = str(error.message or "")
    # "'account' is undefined" / "'dunletters.models.Account object' has no attribute 'foo'"
    if "has no attribute" in message:
        owner = message.split("'")[1].rsplit(".", 1)[-1].removesuffix(" object")
        return f"{owner}.{message.rsplit(chr(39), 2)[-2]}"
    if message.endswith("is undefined"):
        return message.split("'")[1]
    return message


@dataclass(frozen=True)
class LetterDocument:
    """A rendered letter: the exact HTML WeasyPrint lays out, and what made it."""

    html: str
    template: Template
    letter: LetterInfo


@dataclass(frozen=True)
class SmsDocument:
    """A rendered SMS (signature included) and the template it came from."""

    sms: Sms
    template: Template
    letter: LetterInfo


class Renderer:
    """Renders documents for one run: settings + registry + one environment.

    Not picklable (the Jinja environment holds compiled code); each batch worker
    builds its own from the same settings and template folders.
    """

    def __init__(self, settings: Settings, registry: Registry) -> None:
        self.settings = settings
        self.registry = registry
        self.env = make_environment(registry, render_limits(settings))
        self._over_budget: dict[str, TemplateError] = {}
        """Templates that ran past their limits here, and the error: a batch with a
        runaway template quarantines each further account at once instead of after
        waiting out the time limit again (the loop is the template's, not the record's)."""
        self._letters: dict[tuple[Any, ...], tuple[Template, LetterInfo]] = {}
        """Letter facts by (decision's fields, channel, date, 函号): immutable, and in an
        SMS-only batch the same dozen for every account (benchmarks/NOTES.md#sandbox)."""

    def _render(self, template: Template, context: Mapping[str, Any]) -> str:
        known = self._over_budget.get(template.name)
        if known is not None:
            raise known
        try:
            return render_template(self.env, template, context)
        except TemplateError as error:
            if _BUDGET_MARK in str(error):
                self._over_budget[template.name] = error
            raise

    def context(
        self, account: Account, letter: LetterInfo, history: HistoryFacts = UNKNOWN
    ) -> dict[str, Any]:
        """The render context: exactly the names in :data:`CONTEXT_MODELS`."""
        return {
            "account": account,
            "creditor": self.settings.creditor,
            "letter": letter,
            "history": history,
        }

    def letter_info(
        self, decision: Decision, channel: str, as_of: date, number: str
    ) -> tuple[Template, LetterInfo]:
        """The template for a decision on a channel, and the letter facts."""
        # The decision's fields rather than the decision: the same equality, hashed in C.
        key = (
            decision.stage,
            decision.tone,
            decision.stage_name,
            decision.deadline_days,
            channel,
            as_of,
            number,
        )
        found = self._letters.get(key)
        if found is None:
            template = self.registry.get(decision.stage, decision.tone, channel)
            letters = self.settings.letters
            preview = number == letters.number_format.format(year=as_of.year, seq=0)
            info = make_letter_info(
                decision, template, as_of, number, fee_label=letters.fee_label, preview=preview
            )
            found = (template, info)
            if len(self._letters) >= 1024:  # unique 函号s would otherwise grow it forever
                self._letters.clear()
            self._letters[key] = found
        return found

    def letter_html(
        self,
        account: Account,
        decision: Decision,
        as_of: date,
        number: str,
        history: HistoryFacts = UNKNOWN,
    ) -> LetterDocument:
        """The letter's HTML for a decided account."""
        template, letter = self.letter_info(decision, "letter", as_of, number)
        html = self._render(template, self.context(account, letter, history))
        return LetterDocument(html, template, letter)

    def sms(
        self,
        account: Account,
        decision: Decision,
        as_of: date,
        number: str = "",
        history: HistoryFacts = UNKNOWN,
    ) -> SmsDocument:
        """The SMS for a decided account, measured against the segment budget."""
        template, letter = self.letter_info(decision, "sms", as_of, number)
        body = self._render(template, self.context(account, letter, history))
        sms_settings = self.settings.sms
        try:
            sms = compose_sms(
                self.settings.creditor.sms_signature,
                body,
                max_segments=sms_settings.max_segments,
                international=sms_settings.international,
            )
        except SmsError as error:
            raise SmsError(f"{template.name}: {error}") from None
        return SmsDocument(sms, template, letter)
