"""Linter controls: select/ignore, severities, parameters, and the DL6xx rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from dunletters.config import Settings, load_settings
from dunletters.errors import ConfigError
from dunletters.lint.engine import Linter
from dunletters.lint.findings import Severity
from dunletters.lint.settings import LintSettings

LONG = "鉴于您的信用卡账户自上一个账单周期以来一直未能按照合同约定按时足额归还最低还款额因此我行特此再次致函提醒您。"
THREAT = "如果再不还款，后果自负！"


def _codes(linter: Linter, text: str) -> list[str]:
    return [f.code for f in linter.lint(text, channel="letter", stage="middle", tone="firm")]


def test_select_by_prefix_and_name() -> None:
    assert set(_codes(Linter(select=["DL3"]), LONG + THREAT)) == {"DL302"}
    assert set(_codes(Linter(select=["threat"]), LONG + THREAT)) == {"DL601"}


def test_ignore_and_severity_and_params() -> None:
    lint = LintSettings(
        select=("DL302",),
        severity={"DL302": "error"},
        params={"DL302": {"max_warning": 200, "max_info": 100}},
    )
    linter = Linter(Settings(lint=lint))
    assert _codes(linter, LONG) == []
    linter = Linter(Settings(lint=LintSettings(select=("DL302",), severity={"DL302": "error"})))
    findings = linter.lint(LONG, channel="letter")
    assert findings and all(f.severity is Severity.ERROR for f in findings)


def test_compliance_rules_cannot_be_ignored_without_a_reason() -> None:
    with pytest.raises(ValueError, match=r"\[\[lint.allow\]\]"):
        LintSettings(ignore=("DL601",))
    with pytest.raises(ValueError, match=r"\[\[lint.allow\]\]"):
        LintSettings(ignore=("DL6",))
    with pytest.raises(ValueError, match=r"不能降级"):
        LintSettings(severity={"DL605": "warning"})
    with pytest.raises(ValueError, match="reason"):
        LintSettings.model_validate(
            {"allow": [{"code": "DL605", "reason": "短"}], "ignore": ["DL605"]}
        )


def test_compliance_rule_relaxed_with_a_reason(tmp_path: Path) -> None:
    config = tmp_path / "dunletters.toml"
    config.write_text(
        '[lint]\nignore = ["DL604"]\n[[lint.allow]]\ncode = "DL604"\n'
        'reason = "担保人函件模板：收件人是担保人本人，经合规部批准"\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    assert "DL604" not in _codes(Linter(settings), "我们将通知你的单位。")


def test_unknown_lint_key_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "dunletters.toml"
    config.write_text('[lint]\nselekt = ["DL1"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"lint\.selekt"):
        load_settings(config)


def test_extra_lexicon_folder_extends_a_list(tmp_path: Path) -> None:
    (tmp_path / "threat.yml").write_text(
        "list: threat\nrule: DL601\ndescription: 本行补充\nsource: 合规部\n"
        "entries:\n  - phrase: 叫你好看\n    example: 再不还叫你好看。\n"
        "pass_examples:\n  - 请按时还款。\n",
        encoding="utf-8",
    )
    linter = Linter(Settings(lint=LintSettings(lexicons=(str(tmp_path),))))
    assert "DL601" in _codes(linter, "再不还叫你好看。")
    assert "DL601" in _codes(linter, THREAT)  # the built-in entries are still there
