"""A rule's title, severity and messages are YAML data a compliance officer edits without Python.

Each test edits a temporary copy of a shipped file, as a compliance officer's
pull request would edit the file itself, and lints with the rules built from it.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from dunletters.commands.lint import apply_fixes
from dunletters.config import Settings
from dunletters.errors import ConfigError
from dunletters.lint.engine import Linter
from dunletters.lint.findings import Finding, Severity
from dunletters.lint.lexicon import load_lexicon
from dunletters.lint.rule import Rule
from dunletters.lint.ruledata import builtin_path
from dunletters.lint.rules import RULES, catalogue, rules_by_code
from dunletters.lint.rules.existence import existence_rule
from dunletters.lint.rules.templates import TEMPLATE_RULES

LEXICONS = Path(__file__).resolve().parents[1] / "src" / "dunletters" / "lint" / "lexicons"


def _edited_messages(tmp_path: Path, code: str, **changes: object) -> Path:
    data = yaml.safe_load(builtin_path().read_text(encoding="utf-8"))
    data[code].update(changes)
    copy = tmp_path / "messages.yml"
    copy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return copy


def _lint(rules: Iterable[Rule], text: str, **context: Any) -> list[Finding]:
    return Linter(Settings(), rules=rules).lint(text, **context)


def test_editing_a_python_rules_message_and_severity_changes_its_finding(tmp_path: Path) -> None:
    text = "您的账户已逾期，请尽快还款。"
    shipped = [f for f in _lint(RULES, text) if f.code == "DL102"]
    assert [(f.severity, f.message) for f in shipped] == [(Severity.ERROR, "未写明欠款金额")]

    edited = _edited_messages(
        tmp_path,
        "DL102",
        severity="warning",
        messages={"missing": "信中没有写欠款金额，请补上"},
    )
    found = [f for f in _lint(catalogue(edited), text) if f.code == "DL102"]
    assert [(f.severity, f.message) for f in found] == [
        (Severity.WARNING, "信中没有写欠款金额，请补上")
    ]


def test_an_edited_message_may_reorder_the_rules_placeholders(tmp_path: Path) -> None:
    edited = _edited_messages(
        tmp_path,
        "DL204",
        messages={
            "nonexistent": "「{date}」这一天并不存在",
            "weekday": "{weekday}不是{date}",
            "past": "期限{date}已早于{as_of}",
        },
    )
    found = [f for f in _lint(catalogue(edited), "请于2026年2月30日前还款。") if f.code == "DL204"]
    assert [f.message for f in found] == ["「2026年2月30日」这一天并不存在"]


def test_a_placeholder_the_rule_does_not_fill_is_refused_naming_file_and_rule(
    tmp_path: Path,
) -> None:
    edited = _edited_messages(tmp_path, "DL102", messages={"missing": "缺少金额 {amount}"})
    with pytest.raises(ConfigError, match=r"messages\.yml 中 DL102\.messages\.missing.*\{amount\}"):
        catalogue(edited)


def test_a_renamed_message_key_is_refused(tmp_path: Path) -> None:
    edited = _edited_messages(tmp_path, "DL102", messages={"absent": "未写明欠款金额"})
    with pytest.raises(ConfigError, match="DL102 的 messages 应恰有这些键：missing"):
        catalogue(edited)


def test_editing_an_existence_rules_list_changes_its_finding(tmp_path: Path) -> None:
    copy = tmp_path / "insult.yml"
    shutil.copy(LEXICONS / "insult.yml", copy)
    source = copy.read_text(encoding="utf-8")
    assert "message: 侮辱性用语「{match}」\nseverity: error\n" in source
    copy.write_text(
        source.replace(
            "message: 侮辱性用语「{match}」\nseverity: error\n",
            "message: 「{match}」是侮辱性称呼，不得使用\nseverity: warning\n",
        ),
        encoding="utf-8",
    )
    text = "你这个老赖，赶紧还钱。"
    shipped = [f for f in _lint(RULES, text) if f.code == "DL602"]
    assert [(f.severity, f.message) for f in shipped] == [(Severity.ERROR, "侮辱性用语「老赖」")]

    rule = existence_rule(load_lexicon(copy))
    found = _lint([rule], text)
    assert [(f.code, f.severity, f.message) for f in found] == [
        ("DL602", Severity.WARNING, "「老赖」是侮辱性称呼，不得使用")
    ]


def test_the_existence_rules_are_declared_in_their_lists() -> None:
    declared = {
        path.stem: load_lexicon(path).rule
        for path in sorted(LEXICONS.glob("*.yml"))
        if load_lexicon(path).extends == "existence"
    }
    assert sorted(declared.values()) == [
        "DL107",
        "DL205",
        "DL402",
        "DL503",
        "DL601",
        "DL602",
        "DL603",
    ]
    rules = rules_by_code()
    for name, code in declared.items():
        assert rules[code].lexicons == (name,)
        assert set(rules[code].messages) <= {"match", "frame"}


def test_an_existence_list_without_its_message_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "insult.yml"
    source = (LEXICONS / "insult.yml").read_text(encoding="utf-8")
    copy.write_text(source.replace("message: 侮辱性用语「{match}」\n", ""), encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"insult\.yml 无效.*extends: existence 的词表须写明 message"
    ):
        load_lexicon(copy)


def test_fixable_is_a_rule_field_that_fix_obeys() -> None:
    assert [rule.code for rule in RULES if rule.fixable] == ["DL107"]
    text = "您的账户目前为M2状态。"
    findings = [f for f in _lint(RULES, text, channel="letter") if f.code == "DL107"]
    assert findings and findings[0].suggestion
    fixed, count = apply_fixes(text, findings)
    assert count == 1 and "M2" not in fixed
    unfixable = [dataclasses.replace(r, fixable=False) for r in RULES]
    assert apply_fixes(text, findings, unfixable) == (text, 0)


def test_every_rule_says_since_when_and_the_template_checks_are_rules() -> None:
    assert all(rule.since == "0.1.0" for rule in (*RULES, *TEMPLATE_RULES))
    assert [rule.code for rule in TEMPLATE_RULES] == [f"DL00{n}" for n in range(1, 9)]
    assert {str(rule.severity) for rule in TEMPLATE_RULES} == {"error", "warning"}


def _declared_titles() -> dict[str, list[str]]:
    """Each rule code's ``title:`` entries in the shipped YAML files, wherever they are."""
    found: dict[str, list[str]] = {}
    shipped = yaml.safe_load(builtin_path().read_text(encoding="utf-8"))
    for code, entry in shipped.items():
        if "title" in entry:
            found.setdefault(code, []).append(entry["title"])
    for path in sorted(LEXICONS.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "title" in data:
            found.setdefault(data["rule"], []).append(data["title"])
    return found


@pytest.mark.parametrize("rule", [*TEMPLATE_RULES, *RULES], ids=lambda rule: rule.code)
def test_every_rule_has_one_chinese_title_in_yaml(rule: Rule) -> None:
    """In messages.yml, or in its phrase list for an existence rule: in one place only."""
    assert _declared_titles().get(rule.code) == [rule.title]
    assert rule.title and not rule.title.isascii()


def test_editing_a_title_renames_the_rule(tmp_path: Path) -> None:
    assert rules_by_code()["DL102"].title == "未写明金额"
    renamed = {
        r.code: r for r in catalogue(_edited_messages(tmp_path, "DL102", title="欠款金额缺失"))
    }
    assert renamed["DL102"].title == "欠款金额缺失"
    data = yaml.safe_load(builtin_path().read_text(encoding="utf-8"))
    del data["DL102"]["title"]  # an older copy without titles keeps the shipped ones
    copy = tmp_path / "untitled.yml"
    copy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert {r.code: r for r in catalogue(copy)}["DL102"].title == "未写明金额"


def test_an_existence_rules_title_is_in_its_list(tmp_path: Path) -> None:
    copy = tmp_path / "insult.yml"
    source = (LEXICONS / "insult.yml").read_text(encoding="utf-8")
    assert "\ntitle: 侮辱贬损\n" in source
    copy.write_text(source.replace("\ntitle: 侮辱贬损\n", "\ntitle: 辱骂\n"), encoding="utf-8")
    assert existence_rule(load_lexicon(copy)).title == "辱骂"
