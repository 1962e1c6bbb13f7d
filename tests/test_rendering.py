"""Rendering safety: sandbox, strict undefined, autoescape, errors without values.

Every test runs on both sandboxes: the one with remembered attribute verdicts (the
gated speed-up, used on the pinned Jinja versions) and Jinja's plain checks (the
fallback on any other version), so the template-injection tests guard both paths.
"""

from __future__ import annotations

import types
from datetime import date
from pathlib import Path

import jinja2
import pytest

from dunletters import sandbox as sandboxes
from dunletters.config import Settings
from dunletters.errors import TemplateError
from dunletters.escalation import Decision
from dunletters.registry import Registry
from dunletters.rendering import Renderer
from dunletters.samples import sample_account

AS_OF = date(2026, 11, 28)
FRONT = """---
stage: early
tone: courteous
channel: {channel}
title: 测试
review:
  approved_by: 合规审查组
  approved_on: 2026-11-28
  revision: 1
---
"""
DECISION = Decision("early", "courteous", "前期提醒", 7)


@pytest.fixture(autouse=True, params=["remembering", "plain"])
def sandbox(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test on the gated sandbox and on the plain fallback."""
    chosen = {"remembering": sandboxes._RememberingSandbox, "plain": sandboxes._Sandbox}
    monkeypatch.setattr(sandboxes, "_SANDBOX", chosen[request.param])
    return str(request.param)


def renderer_with(tmp_path: Path, letter_body: str, sms_body: str = "您好") -> Renderer:
    (tmp_path / "letters").mkdir(exist_ok=True)
    (tmp_path / "sms").mkdir(exist_ok=True)
    (tmp_path / "letters" / "early.courteous.html.j2").write_text(
        FRONT.format(channel="letter") + letter_body, encoding="utf-8"
    )
    (tmp_path / "sms" / "early.courteous.txt.j2").write_text(
        FRONT.format(channel="sms") + sms_body, encoding="utf-8"
    )
    return Renderer(Settings(), Registry.load([tmp_path], builtin=False))


def render(renderer: Renderer) -> str:
    return renderer.letter_html(sample_account("early", as_of=AS_OF), DECISION, AS_OF, "X").html


def test_missing_field_names_file_line_and_field(tmp_path: Path) -> None:
    renderer = renderer_with(tmp_path, "<p>\n{{ account.salary }}</p>")
    with pytest.raises(TemplateError) as caught:
        render(renderer)
    message = str(caught.value)
    assert "letters/early.courteous.html.j2:12" in message
    assert "Account.salary" in message
    assert "张晓明" not in message and "6259" not in message


def test_undefined_name(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"未定义的字段：debtor"):
        render(renderer_with(tmp_path, "{{ debtor }}"))


def test_sandbox_refuses_introspection(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="沙箱"):
        render(renderer_with(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}"))


@pytest.mark.parametrize(
    "body",
    [
        "{{ cycler.__init__.__globals__ }}",
        "{{ joiner.__init__.__globals__.os }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ range.__init__.__globals__ }}",
        "{{ self._TemplateReference__context }}",
        "{{ account.__class__.__base__.__subclasses__() }}",
        "{{ account.model_validate.__func__.__globals__ }}",
        "{{ account.__dict__ }}",
        "{{ creditor.payment.__class__.__mro__ }}",
        "{{ letter.date.__class__.__subclasses__() }}",
        "{{ account.name.__class__ }}{{ account.name.__class__ }}",
        "{{ account.name|attr('__class__') }}",
        "{{ (account|attr('__class__'))|attr('__mro__') }}",
        "{{ account['__class__'] }}",
        "{{ account.__getattribute__('__class__') }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ account.name.format.__globals__ }}",
        "{% for x in account.__class__.__mro__ %}{{ x }}{% endfor %}",
    ],
)
def test_template_injection_is_refused_twice_over(tmp_path: Path, body: str) -> None:
    # Rendered three times: the first read decides, the later ones may be remembered.
    renderer = renderer_with(tmp_path, body)
    for _ in range(3):
        with pytest.raises(TemplateError) as caught:
            render(renderer)
        assert "沙箱" in str(caught.value) or "未定义" in str(caught.value)


def test_sandbox_refuses_mutation(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="沙箱"):
        render(renderer_with(tmp_path, "{% set x = [] %}{{ x.append(1) }}"))


@pytest.mark.parametrize("target", ["/etc/passwd", "../../../../etc/passwd", "../letters/../../x"])
def test_include_outside_templates_fails(tmp_path: Path, target: str) -> None:
    with pytest.raises(TemplateError, match="找不到模板"):
        render(renderer_with(tmp_path, f'{{% include "{target}" %}}'))


def test_none_is_never_printed(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="空值"):
        render(renderer_with(tmp_path, "{{ account.promise_to_pay_until }}"))


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"early\.courteous\.html\.j2:13: 模板语法错误"):
        render(renderer_with(tmp_path, "\n\n{% if %}"))


def test_markup_in_record_is_escaped_in_html_not_in_sms(tmp_path: Path) -> None:
    renderer = renderer_with(tmp_path, "<p>{{ account.name }}</p>", "{{ account.name }}您好")
    account = sample_account("early", as_of=AS_OF).model_copy(update={"name": "<b>李&四</b>"})
    html = renderer.letter_html(account, DECISION, AS_OF, "X").html
    assert "<p>&lt;b&gt;李&amp;四&lt;/b&gt;</p>" in html
    sms = renderer.sms(account, DECISION, AS_OF).sms.text
    assert sms == "【示范银行】<b>李&四</b>您好"


def test_filter_type_errors_do_not_echo_values(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        render(renderer_with(tmp_path, "{{ account.name | money }}"))
    assert "张晓明" not in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        "{{ '{0.__class__.__mro__}'.format(account.name) }}",
        "{{ '{x.__class__}'.format_map({'x': account}) }}",
        "{% set f = '{0.__class__}'.format %}{{ f(account) }}",
    ],
)
def test_sandbox_still_guards_str_format(tmp_path: Path, body: str) -> None:
    # The remembering getattr answers only non-methods; a str.format gets Jinja's wrapper.
    with pytest.raises(TemplateError, match="沙箱"):
        render(renderer_with(tmp_path, body))


def test_str_format_runs_sandboxed(tmp_path: Path) -> None:
    renderer = renderer_with(tmp_path, "{{ '{}·{}'.format(account.name, 1) }}")
    assert render(renderer).endswith("张晓明·1")


def test_letter_facts_are_kept_per_decision_fields(tmp_path: Path) -> None:
    renderer = renderer_with(tmp_path, "x")
    account = sample_account("early", as_of=AS_OF)
    first = renderer.sms(account, DECISION, AS_OF, "A").letter
    same = renderer.sms(account, Decision("early", "courteous", "前期提醒", 7), AS_OF, "A")
    assert same.letter is first
    later = renderer.sms(account, Decision("early", "courteous", "前期提醒", 9), AS_OF, "A")
    assert later.letter.deadline == date(2026, 12, 7) != first.deadline
    renamed = renderer.sms(account, Decision("early", "courteous", "提醒", 7), AS_OF, "A")
    assert renamed.letter.stage_name == "提醒"
    assert renderer.sms(account, DECISION, AS_OF, "B").letter.number == "B"


def test_autoescape_by_name() -> None:
    from dunletters.sandbox import _autoescape

    assert _autoescape("letters/a.html.j2") and _autoescape("x.HTML")
    assert not _autoescape("sms/a.txt.j2") and not _autoescape(None)


def test_remembered_verdicts_still_refuse(tmp_path: Path) -> None:
    # The second render takes the remembering getattr's shortcut for known-safe names only.
    renderer = renderer_with(tmp_path, "{{ account.name }}{{ account.name.__class__ }}")
    for _ in range(3):
        with pytest.raises(TemplateError, match="沙箱"):
            render(renderer)


def test_shortcut_reads_agree_with_jinja(tmp_path: Path) -> None:
    body = (
        "{{ account.name }}|{{ account.name.upper() }}|{{ letter.deadline.year }}|"
        "{{ creditor.payment.__class__.__name__ if false else 1 }}|{{ account.foo is defined }}"
    )
    renderer = renderer_with(tmp_path, "x", body)
    account = sample_account("early", as_of=AS_OF)
    texts = {renderer.sms(account, DECISION, AS_OF).sms.text for _ in range(3)}
    assert texts == {"【示范银行】张晓明|张晓明|2026|1|False"}
    for _ in range(2):  # a method: still Jinja's sandboxed wrapper, not the bound method
        fmt = renderer.env.getattr("{}", "format")
        assert isinstance(fmt, types.FunctionType) and fmt("x") == "x"


def test_the_sandbox_stands_down_outside_the_pinned_jinja_versions() -> None:
    assert sandboxes.sandbox_class(jinja2.__version__) is sandboxes._RememberingSandbox
    for version in ("3.2.0", "3.1.3", "4.0.0"):
        with pytest.warns(sandboxes.gates.LibraryVersionWarning, match=f"Jinja2 {version}"):
            assert sandboxes.sandbox_class(version) is sandboxes._Sandbox


def test_environments_use_the_chosen_sandbox(tmp_path: Path, sandbox: str) -> None:
    env = renderer_with(tmp_path, "x").env
    assert (type(env) is sandboxes._RememberingSandbox) == (sandbox == "remembering")
