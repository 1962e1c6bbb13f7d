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


def test_templates_list_and_check(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "templates", "list")
    assert code == 0 and "early" in out and "courteous" in out
    code, out, _ = run(capsys, "templates", "check")
    assert code == 0 and "24 个模板，全部通过" in out


def test_templates_check_fails_on_a_broken_overlay(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "sms").mkdir()
    (tmp_path / "sms" / "early.courteous.txt.j2").write_text("没有头部", encoding="utf-8")
    code, out, _ = run(capsys, "templates", "check", "--templates", str(tmp_path))
    assert code == 1 and "缺少 YAML 头部" in out


def test_render_sms_and_html(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sms = tmp_path / "s.txt"
    code, out, _ = run(capsys, "render", "--sample", "--channel", "sms", "--stage", "middle",
                       "--as-of", "2026-11-28", "-o", str(sms))  # fmt: skip
    assert code == 0 and "计费" in out
    assert sms.read_text(encoding="utf-8").startswith("【示范银行】")
    html = tmp_path / "l.html"
    code, _, _ = run(capsys, "render", "--channel", "letter", "--stage", "late", "--tone", "empathetic",
                     "--as-of", "2026-11-28", "-o", str(html))  # fmt: skip
    assert code == 0 and '<link rel="stylesheet" href="letter.css">' in html.read_text(
        encoding="utf-8"
    )


def test_render_record_decides_and_holds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, row: dict[str, str]
) -> None:
    record = tmp_path / "r.json"
    record.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    out_file = tmp_path / "r.txt"
    code, _, _ = run(
        capsys,
        "render",
        str(record),
        "--channel",
        "sms",
        "--as-of",
        "2026-11-28",
        "-o",
        str(out_file),
    )
    assert code == 0 and "张先生" in out_file.read_text(encoding="utf-8")
    row["deceased"] = "是"
    record.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(
        capsys,
        "render",
        str(record),
        "--channel",
        "sms",
        "--as-of",
        "2026-11-28",
        "-o",
        str(out_file),
    )
    assert code == 1 and "客户已故" in err


def test_render_bad_record_names_fields_not_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, row: dict[str, str]
) -> None:
    row["mobile"] = "+852 9123 4567"
    record = tmp_path / "r.json"
    record.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(
        capsys, "render", str(record), "--channel", "sms", "-o", str(tmp_path / "x.txt")
    )
    assert code == 2 and "mobile" in err and "9123" not in err and "张晓明" not in err
    record.write_text("{not json", encoding="utf-8")
    code, _, err = run(
        capsys, "render", str(record), "--channel", "sms", "-o", str(tmp_path / "x.txt")
    )
    assert code == 2 and "不是有效的 JSON" in err


def test_render_suffix_must_match_channel(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, _ = run(capsys, "render", "--channel", "sms", "-o", str(tmp_path / "x.pdf"))
    assert code == 2
