"""A rule's data — Chinese title, severity, messages, since, fixable — read from YAML.

A compliance officer renames a rule, rewords a message or changes a severity by
editing YAML: the rules written in Python take theirs from ``lint/rules/messages.yml``;
the existence rules (a phrase list and a message, nothing more) are declared whole in
their list's YAML file (:mod:`dunletters.lint.rules.existence`). A rule's Python keeps
its logic and fills the message's ``{placeholders}``; an edit that renames a
placeholder or a message key is refused when the file is read, naming the file and
the rule.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dunletters.errors import ConfigError, describe_validation
from dunletters.lint.findings import Severity

__all__ = ["RuleData", "builtin_rule_data", "check_against", "load_rule_data", "placeholders"]


class RuleData(BaseModel):
    """What of a rule is data: what it is called, how severe it is and what it says."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str | None = Field(default=None, min_length=1)
    """The rule's Chinese name, as a reviewer reads it beside the code (summary.html)."""
    severity: Severity
    severity_by_channel: dict[str, Severity] = Field(default_factory=dict)
    messages: dict[str, str] = Field(default_factory=dict)
    since: str = "0.1.0"
    """The dunletters version the rule first shipped in (ruff's ``stable_since``)."""
    fixable: bool = False
    """``dunletters lint --fix`` may apply its suggestions (safe substitutions only)."""


def placeholders(message: str) -> set[str]:
    """The field names a message template fills (``{match}``, ``{time:%H:%M}`` → time)."""
    return {field for _, field, _, _ in string.Formatter().parse(message) if field}


def _read_yaml(path: Path) -> object:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"规则数据 {path.name} 无法读取：{error}") from None


def load_rule_data(path: Path) -> dict[str, RuleData]:
    """Read a rule-data file (code → severity, messages …); errors name file and rule."""
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"规则数据 {path.name} 无效：应为「规则代码: 设置」的映射")
    rules: dict[str, RuleData] = {}
    for code, entry in data.items():
        try:
            rules[str(code)] = RuleData.model_validate(entry)
        except ValidationError as error:
            raise ConfigError(
                describe_validation(error, f"规则数据 {path.name} 中 {code} 无效：")
            ) from None
    return rules


def check_against(where: str, code: str, data: RuleData, reference: Mapping[str, str]) -> None:
    """Refuse messages a rule cannot fill: the keys must be the rule's own, and each
    message may use only the placeholders its code fills (those of ``reference``)."""
    if set(data.messages) != set(reference):
        expected = "、".join(sorted(reference)) or "（无）"
        raise ConfigError(f"{where} 中 {code} 的 messages 应恰有这些键：{expected}")
    for key, message in data.messages.items():
        unknown = placeholders(message) - placeholders(reference[key])
        if unknown:
            raise ConfigError(
                f"{where} 中 {code}.messages.{key} 用了规则不提供的占位符："
                + "、".join("{" + name + "}" for name in sorted(unknown))
            )


def builtin_path() -> Path:
    """``lint/rules/messages.yml``: the Python rules' severities and messages."""
    return Path(str(resources.files("dunletters.lint.rules") / "messages.yml"))


@cache
def builtin_rule_data() -> dict[str, RuleData]:
    """The shipped rule data, read once per process."""
    return load_rule_data(builtin_path())
