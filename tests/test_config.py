"""Configuration: lookup order, typed settings, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from dunletters.config import Settings, ToneRule, load_settings
from dunletters.errors import ConfigError

EXAMPLE = Path(__file__).parents[1] / "examples" / "dunletters.toml"


def test_example_config_documents_and_loads_every_setting() -> None:
    settings = load_settings(EXAMPLE)
    assert settings.creditor.sms_signature
    assert settings.creditor_status == "example" and "example = true" in EXAMPLE.read_text("utf-8")
    assert [stage.id for stage in settings.policy.stages] == ["early", "middle", "late", "final"]
    assert settings.batch.columns["证件卡号"] == "card_number"
    # Every top-level table and every key of the model appears in the example file.
    text = EXAMPLE.read_text(encoding="utf-8")
    assert set(Settings.model_fields) - {"source", "creditor_is_example"} == {
        "policy",
        "sms",
        "letters",
        "render",
        "creditor",
        "lint",
        "batch",
        "ledger",
    }
    for table, model in (
        ("policy", settings.policy),
        ("sms", settings.sms),
        ("letters", settings.letters),
        ("render", settings.render),
        ("creditor", settings.creditor),
        ("lint", settings.lint),
        ("batch", settings.batch),
        ("ledger", settings.ledger),
        ("ledger.policy", settings.ledger.policy),
    ):
        assert f"[{table}]" in text
        for key in type(model).model_fields:
            if key in ("payment", "policy") and table != "policy":
                assert f"[{table}.{key}]" in text
            elif key in ("url", "secret"):
                assert f"# {key} =" in text, f"{table}.{key} not documented in the example"
            elif key == "payment":
                assert f"[{table}.payment]" in text
            elif key == "tone_rules":  # a list of tables, each condition documented
                assert "[[policy.tone_rules]]" in text
                for condition in ToneRule.model_fields:
                    assert f"{condition} =" in text, f"tone_rules.{condition} not documented"
            elif key != "stages":
                assert f"{key} =" in text, f"{table}.{key} not documented in the example"


def test_defaults_without_any_file(tmp_path: Path) -> None:
    settings = load_settings(cwd=tmp_path)
    assert settings == Settings()
    assert settings.source == "(内置默认)"


def test_dunletters_toml_in_cwd_wins(tmp_path: Path) -> None:
    (tmp_path / "dunletters.toml").write_text('[policy]\nmin_amount = "50"\n', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dunletters.policy]\nmin_amount = "20"\n', encoding="utf-8"
    )
    assert str(load_settings(cwd=tmp_path).policy.min_amount) == "50"


def test_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dunletters.policy]\nmin_amount = "20"\n', encoding="utf-8"
    )
    settings = load_settings(cwd=tmp_path)
    assert str(settings.policy.min_amount) == "20"
    assert "[tool.dunletters]" in settings.source


def _error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "dunletters.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    return str(caught.value)


def test_unknown_key_is_named(tmp_path: Path) -> None:
    message = _error(tmp_path, '[policy]\nmin_amout = "5"\n')
    assert "policy.min_amout" in message and "未知的配置项" in message


def test_unknown_stage_is_named(tmp_path: Path) -> None:
    message = _error(
        tmp_path,
        '[[policy.stages]]\nid = "urgent"\nmin_days = 1\ntone = "firm"\ndeadline_days = 3\n',
    )
    assert "policy.stages" in message and "不是已知阶段" in message


def test_gap_between_stages(tmp_path: Path) -> None:
    message = _error(
        tmp_path,
        '[[policy.stages]]\nid = "early"\nmin_days = 1\nmax_days = 5\n'
        'tone = "courteous"\ndeadline_days = 7\n'
        '[[policy.stages]]\nid = "final"\nmin_days = 9\ntone = "firm"\ndeadline_days = 3\n',
    )
    assert "不连续" in message


def test_signature_with_brackets(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'sms_signature = "示范银行"', 'sms_signature = "【示范银行】"'
    )
    message = _error(tmp_path, text)
    assert "creditor.sms_signature" in message and "【】" in message


def test_sms_window_inside_quiet_hours(tmp_path: Path) -> None:
    assert "22:00" in _error(tmp_path, '[sms]\nwindow_start = "07:00"\n')


def test_letter_number_format(tmp_path: Path) -> None:
    assert "{seq}" in _error(tmp_path, '[letters]\nnumber_format = "催字〔{year}〕号"\n')
    assert "{year}" in _error(tmp_path, '[letters]\nnumber_format = "{who}{seq}"\n')


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    assert "TOML" in _error(tmp_path, "[policy\n")
    with pytest.raises(ConfigError, match="找不到"):
        load_settings(tmp_path / "nope.toml")
