"""Template registry: discovery, front matter, overlays, and `check` problems."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from dunletters.config import Policy
from dunletters.errors import TemplateError
from dunletters.registry import Registry, split_front_matter
from dunletters.rendering import CONTEXT_MODELS, make_environment

FRONT = """---
stage: {stage}
tone: {tone}
channel: {channel}
title: 测试标题
review:
  approved_by: 合规审查组
  approved_on: 2026-11-28
  revision: 1
---
"""

ONE_STAGE = Policy.model_validate(
    {
        "stages": [{"id": "early", "min_days": 1, "tone": "courteous", "deadline_days": 7}],
        "hardship_tone": "courteous",
        "broken_promise_tone": "courteous",
    }
)


def write(root: Path, name: str, body: str, **meta: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    head = FRONT.format(**meta) if meta else ""
    path.write_text(head + body, encoding="utf-8")
    return path


def minimal_set(
    root: Path, *, tone: str = "courteous", letter_body: str = "{{ account.name }}"
) -> Path:
    write(root, "letters/_layout.html.j2", "<p>{% block body %}{% endblock %}</p>")
    write(
        root,
        f"letters/early.{tone}.html.j2",
        letter_body,
        stage="early",
        tone=tone,
        channel="letter",
    )
    write(
        root,
        f"sms/early.{tone}.txt.j2",
        "{{ account | honorific }}您好",
        stage="early",
        tone=tone,
        channel="sms",
    )
    return root


def test_discovery_and_version(tmp_path: Path) -> None:
    root = minimal_set(tmp_path)
    registry = Registry.load([root], builtin=False)
    assert sorted(registry.templates) == [
        ("early", "courteous", "letter"),
        ("early", "courteous", "sms"),
    ]
    letter = registry.get("early", "courteous", "letter")
    assert letter.version == hashlib.sha256(letter.path.read_bytes()).hexdigest()
    assert letter.meta.review.revision == 1
    assert letter.name == "letters/early.courteous.html.j2"


def test_front_matter_keeps_line_numbers() -> None:
    meta, body, lines = split_front_matter(
        FRONT.format(stage="early", tone="firm", channel="sms") + "正文"
    )
    assert meta is not None and meta["tone"] == "firm"
    assert lines == 10
    assert body.splitlines()[10] == "正文"


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (
            "stage: [early,\n",
            "模板头部 YAML 无效第3行：expected the node content, but found '<stream end>'",
        ),
        ("stage: a: b\n", "模板头部 YAML 无效第2行：mapping values are not allowed here"),
        (
            "\tstage: early\n",
            "模板头部 YAML 无效第2行：found character '\\t' that cannot start any token",
        ),
    ],
)
def test_front_matter_errors_word_the_pure_loader(head: str, message: str) -> None:
    """libyaml parses the heads (faster); its errors are reported in PyYAML's words."""
    with pytest.raises(TemplateError) as caught:
        split_front_matter(f"---\n{head}---\nHello\n")
    assert str(caught.value) == message


def test_front_matter_data_is_the_same_with_either_loader() -> None:
    """Every built-in head gives the same data through libyaml as through PyYAML."""
    import yaml

    from dunletters.registry import BUILTIN_TEMPLATES

    heads = [p.read_text(encoding="utf-8") for p in sorted(BUILTIN_TEMPLATES.rglob("*.j2"))]
    heads = [h.split("---\n")[1] for h in heads if h.startswith("---\n")]
    assert len(heads) >= 24
    for head in heads:
        assert yaml.load(head, Loader=yaml.CSafeLoader) == yaml.safe_load(head)


def test_miss_lists_what_exists(tmp_path: Path) -> None:
    registry = Registry.load([minimal_set(tmp_path)], builtin=False)
    with pytest.raises(TemplateError, match=r"没有 final\.firm 的信函模板；现有：early\.courteous"):
        registry.get("final", "firm", "letter")


def test_overlay_replaces_and_adds(tmp_path: Path) -> None:
    base = minimal_set(tmp_path / "base")
    user = tmp_path / "user"
    write(
        user,
        "letters/early.courteous.html.j2",
        "覆盖 {{ account.name }}",
        stage="early",
        tone="courteous",
        channel="letter",
    )
    minimal_set(user, tone="gentle")
    registry = Registry.load([user, base], builtin=False)
    assert registry.get("early", "courteous", "letter").path.is_relative_to(user)
    assert registry.get("early", "courteous", "sms").path.is_relative_to(base)
    assert ("early", "gentle", "letter") in registry.templates


def test_metadata_problems(tmp_path: Path) -> None:
    root = minimal_set(tmp_path)
    write(
        root, "letters/middle.firm.html.j2", "x", stage="middle", tone="courteous", channel="letter"
    )
    (root / "sms/late.firm.txt.j2").write_text(
        FRONT.format(stage="late", tone="firm", channel="sms").replace("title:", "titel:"),
        encoding="utf-8",
    )
    (root / "sms/bad-name.txt.j2").write_text("x", encoding="utf-8")
    registry = Registry.load([root], builtin=False)
    messages = {p.path: p.message for p in registry.problems}
    assert "头部元数据却是 middle.courteous.letter" in messages["letters/middle.firm.html.j2"]
    assert "titel: 未知的键" in messages["sms/late.firm.txt.j2"]
    assert "文件名应为" in messages["sms/bad-name.txt.j2"]


def test_check_clean(tmp_path: Path) -> None:
    registry = Registry.load([minimal_set(tmp_path)], builtin=False)
    assert (
        registry.check(make_environment(registry), ONE_STAGE, context_models=CONTEXT_MODELS) == []
    )


def test_check_limited_to_the_channels_of_a_run(tmp_path: Path) -> None:
    """An SMS-only batch checks the SMS templates; a broken letter is not its problem."""
    root = minimal_set(tmp_path, letter_body="{{ account.nope }}")
    registry = Registry.load([root], builtin=False)
    everything = [
        str(p)
        for p in registry.check(make_environment(registry), Policy(), context_models=CONTEXT_MODELS)
    ]
    sms_only = [
        str(p)
        for p in registry.check(
            make_environment(registry), Policy(), context_models=CONTEXT_MODELS, channels=["sms"]
        )
    ]
    assert any("account.nope" in p for p in everything)
    assert sms_only == [p for p in everything if p.startswith("sms/")]
    assert sms_only and not any("account.nope" in p for p in sms_only)


def test_check_missing_channel_for_policy(tmp_path: Path) -> None:
    registry = Registry.load([minimal_set(tmp_path)], builtin=False)
    problems = [
        str(p)
        for p in registry.check(make_environment(registry), Policy(), context_models=CONTEXT_MODELS)
    ]
    assert "letters/middle.firm.html.j2: 策略会产生 middle.firm，但缺少信函模板" in problems
    assert "sms/early.empathetic.txt.j2: 策略会产生 early.empathetic，但缺少短信模板" in problems


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{{ account.salary }}", "account.salary 不是记录模型中的字段"),
        ("{{ creditor.payment.wechat }}", "creditor.payment.wechat 不是记录模型中的字段"),
        ("{{ debtor.name }}", "未知变量 debtor"),
        ("{{ account.total_due | rmb }}", "未知过滤器 rmb"),
        ("{% if %}", "语法错误"),
    ],
)
def test_check_variables(tmp_path: Path, body: str, expected: str) -> None:
    root = minimal_set(tmp_path, letter_body="\n\n" + body)
    registry = Registry.load([root], builtin=False)
    problems = registry.check(make_environment(registry), ONE_STAGE, context_models=CONTEXT_MODELS)
    assert [p.message for p in problems if expected in p.message], problems
    assert all(p.line == 13 for p in problems)  # 10 lines of front matter + 2 blank lines + 1


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("{{ account.card_number }}", "account.card_number"),
        ("{{ account.mobile }}", "account.mobile"),
        ("{{ account['card_number'] }}", "account.card_number"),
        ("{{ account.card_number | upper }}", "account.card_number"),
        ("{{ '卡号' ~ account.card_number }}", "account.card_number"),
        ("{{ account.card_number[-8:] }}", "account.card_number"),
        ("{{ account.mobile if account.mobile else '' }}", "account.mobile"),
        ("{% set c = account.card_number %}{{ c }}", "account.card_number"),
        ("{{ account }}", "account 记录"),
    ],
)
def test_check_refuses_a_card_or_mobile_printed_unmasked(
    tmp_path: Path, body: str, shown: str
) -> None:
    """Red team D-20: only through mask_card / mask_mobile."""
    root = minimal_set(tmp_path, letter_body="\n\n" + body)
    registry = Registry.load([root], builtin=False)
    problems = registry.check(make_environment(registry), ONE_STAGE, context_models=CONTEXT_MODELS)
    assert [(p.line, p.message.split("（")[0]) for p in problems] == [(13, f"直接输出 {shown}")]


@pytest.mark.parametrize(
    "body",
    [
        "{{ account.card_number | mask_card }}{{ account.mobile | mask_mobile }}",
        "{% if account.mobile %}有手机{% endif %}{{ account | honorific }}",
        "{{ (account.card_number | mask_card) ~ '的账户' }}{{ account.mobile | length }}",
        "{% if account.card_number == '1' %}x{% endif %}{{ account.name }}",
    ],
)
def test_check_allows_masked_and_conditional_uses(tmp_path: Path, body: str) -> None:
    root = minimal_set(tmp_path, letter_body=body)
    registry = Registry.load([root], builtin=False)
    assert (
        registry.check(make_environment(registry), ONE_STAGE, context_models=CONTEXT_MODELS) == []
    )


def test_check_knows_nested_and_loop_variables(tmp_path: Path) -> None:
    body = "{% set due = account.total_due %}{% for x in [1] %}{{ x }}{% endfor %}{{ due | money }}{{ creditor.payment.app }}"
    root = minimal_set(tmp_path, letter_body=body)
    registry = Registry.load([root], builtin=False)
    assert (
        registry.check(make_environment(registry), ONE_STAGE, context_models=CONTEXT_MODELS) == []
    )


def test_missing_user_dir(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="模板目录不存在"):
        Registry.load([tmp_path / "nope"])
