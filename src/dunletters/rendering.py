"""Rendering: one sandboxed Jinja2 environment, strict about every name.

The environment (sandbox, strict names, autoescaping, the zh filters) and the
render budget are :mod:`dunletters.sandbox`'s; this module builds a document's
context, renders it and turns Jinja's errors into messages a template author can act on.

Errors name the template file, the line and the field — never the record's
values (cookiecutter prints the whole context on error; we must not).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jinja2
import jinja2.filters
import jinja2.utils
from pydantic import BaseModel, ConfigDict

from dunletters.config import Settings
from dunletters.errors import SmsError, TemplateError
from dunletters.escalation import Decision
from dunletters.history import UNKNOWN, HistoryFacts
from dunletters.models import Account, Creditor
from dunletters.registry import Registry, Template
from dunletters.sandbox import (
    BUDGET_MARK,
    BUDGET_MARKS,
    JINJA_VERSIONS,
    OverBudget,
    RenderLimits,
    make_environment,
    over_budget,
    render_bounded,
    render_limits,
    sandbox_class,
)
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
        return render_bounded(env.get_template(name), context)
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
    except OverBudget as error:
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
            if BUDGET_MARK in str(error):
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
