"""Every pydantic error goes through ``errors.describe_validation``: the same lines as the
formatters it replaced, and never the value that was wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from dunletters.config import Settings, settings_from_mapping
from dunletters.errors import ConfigError, RecordError, TemplateError
from dunletters.lint.lexicon import Lexicon, load_lexicon
from dunletters.models import parse_account
from dunletters.pdf.theme import Theme, load_theme
from dunletters.registry import TemplateMeta, read_template

SECRET = "13912345678张三丰"
"""A value that must never reach a message."""


def _errors(model: type[BaseModel], data: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return caught.value


def _keyed(error: ValidationError, separator: str, unknown: str | None) -> str:
    """The replaced formatters of registry, theme and lexicon, kept here as the reference."""
    return "；".join(
        f"{'.'.join(str(p) for p in item['loc'])}{separator}"
        + (unknown if unknown and item["type"] == "extra_forbidden" else str(item["msg"]))
        for item in error.errors(include_url=False, include_input=False)
    )


BAD_SETTINGS: dict[str, Any] = {
    "policy": {"min_amout": "5", "min_amount": SECRET},
    "sms": {"max_segments": SECRET},
    "nope": SECRET,
}


def test_settings_errors_read_as_before() -> None:
    error = _errors(Settings, BAD_SETTINGS)
    lines = []
    for item in error.errors(include_input=False, include_url=False):
        key = ".".join(str(part) for part in item["loc"]) or "(顶层)"
        if item["type"] == "extra_forbidden":
            reason = "未知的配置项"
        elif item["type"] == "missing":
            reason = "缺少必填项"
        else:
            reason = str((item.get("ctx") or {}).get("error") or item["msg"])
        lines.append(f"{key}: {reason}")
    with pytest.raises(ConfigError) as caught:
        settings_from_mapping(BAD_SETTINGS, "x.toml")
    assert str(caught.value) == "配置错误（x.toml）：" + "；".join(lines)
    assert "nope: 未知的配置项" in str(caught.value) and SECRET not in str(caught.value)


FRONT = """---
stage: early
tone: courteous
channel: sms
title: 1
colour: {secret}
review: {{approved_by: {secret}}}
---
您好
"""


def test_template_front_matter_errors_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "sms" / "early.courteous.txt.j2"
    path.parent.mkdir()
    path.write_text(FRONT.format(secret=SECRET), encoding="utf-8")
    data = {"stage": "early", "tone": "courteous", "channel": "sms", "title": 1,
            "colour": SECRET, "review": {"approved_by": SECRET}}  # fmt: skip
    expected = "头部元数据无效：" + _keyed(_errors(TemplateMeta, data), ": ", "未知的键")
    with pytest.raises(TemplateError) as caught:
        read_template(path, tmp_path, "sms/early.courteous.txt.j2", "sms")
    assert str(caught.value) == expected
    assert "colour: 未知的键" in expected and SECRET not in expected


def test_theme_errors_read_as_before(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "theme.toml").write_text(
        f'page_size = "{SECRET}"\ncolour = "{SECRET}"\n', encoding="utf-8"
    )
    reference = _keyed(_errors(Theme, {"page_size": SECRET, "colour": SECRET}), "：", "未知的键")
    with pytest.raises(TemplateError) as caught:
        load_theme([folder])
    assert str(caught.value) == f"{folder / 'theme.toml'}：主题设置无效：{reference}"
    assert SECRET not in str(caught.value)


def test_lexicon_errors_read_as_before(tmp_path: Path) -> None:
    data = {"list": "Bad", "rule": SECRET, "description": "x", "entries": [], "extra": 1}
    path = tmp_path / "bad.yml"
    with pytest.raises(ConfigError) as caught:
        load_lexicon(path, data)
    assert str(caught.value) == "词表 bad.yml 无效：" + _keyed(_errors(Lexicon, data), ": ", None)
    assert SECRET not in str(caught.value)


def test_record_errors_name_fields_only(row: dict[str, Any]) -> None:
    with pytest.raises(RecordError) as caught:
        parse_account(dict(row, name=SECRET, mobile=SECRET, salary=SECRET), row=4)
    assert ("salary", "不是已知字段") in caught.value.problems
    assert SECRET not in str(caught.value)
