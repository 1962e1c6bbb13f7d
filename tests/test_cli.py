"""The command line: version, config dump, stages, and the one error handler."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dunletters import __version__
from dunletters.cli import main

EXAMPLE = Path(__file__).parents[1] / "examples" / "dunletters.toml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and __version__ in out


def test_config_dump_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--config", str(EXAMPLE), "config", "--dump")
    assert code == 0
    data = json.loads(out)
    assert data["policy"]["stages"][0]["id"] == "early"
    assert data["creditor"]["sms_signature"] == "示范银行"


def test_stages_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--config", str(EXAMPLE), "stages")
    assert code == 0
    for word in ("前期提醒", "中期催收", "后期催收", "最后通知", "≥ 29"):
        assert word in out


def test_config_error_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "dunletters.toml"
    bad.write_text("[polcy]\n", encoding="utf-8")
    code, _, err = run(capsys, "--config", str(bad), "stages")
    assert code == 2
    assert err.count("\n") == 1 and "polcy" in err and "Traceback" not in err


def test_verbose_shows_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "dunletters.toml"
    bad.write_text("[polcy]\n", encoding="utf-8")
    code, _, err = run(capsys, "-v", "--config", str(bad), "stages")
    assert code == 2 and "Traceback" in err


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "no-such-command")
    assert code == 2


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dunletters", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and __version__ in result.stdout
