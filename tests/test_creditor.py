"""No letters for a creditor nobody configured (issue 15, item 3; new-user friction 4)."""

from __future__ import annotations

import csv
import json
import os
import stat
from pathlib import Path

import pytest

from conftest import AS_OF, TEST_CONFIG, TEST_CONFIG_TABLE, TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.cli import main
from dunletters.config import Settings, load_settings, settings_from_mapping
from dunletters.errors import ConfigError, InputError
from dunletters.samples import generate_accounts

EXAMPLE = Path(__file__).parents[1] / "examples" / "dunletters.toml"


def accounts(tmp_path: Path, n: int = 3) -> Path:
    return write_csv(tmp_path / "accounts.csv", list(generate_accounts(n, seed=3, as_of=AS_OF)))


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


def test_creditor_status_missing_example_configured() -> None:
    assert Settings().creditor_status == "missing"
    assert load_settings(EXAMPLE).creditor_status == "example"
    assert load_settings(TEST_CONFIG).creditor_status == "configured"
    marked = {**TEST_CONFIG_TABLE, "creditor": {**TEST_CONFIG_TABLE["creditor"], "example": True}}
    assert settings_from_mapping(marked, "t").creditor_status == "example"
    # The flag is about the configuration: it is neither in the creditor nor in a dump.
    dumped = settings_from_mapping(marked, "t").model_dump_json()
    assert '"example":' not in dumped and "creditor_is_example" not in dumped


def test_example_flag_must_be_a_boolean() -> None:
    marked = {**TEST_CONFIG_TABLE, "creditor": {**TEST_CONFIG_TABLE["creditor"], "example": "yes"}}
    with pytest.raises(ConfigError, match=r"creditor\.example"):
        settings_from_mapping(marked, "t")


def test_batch_without_a_creditor_refuses_before_writing_anything(tmp_path: Path) -> None:
    source = accounts(tmp_path)
    with pytest.raises(InputError, match=r"未配置债权机构.*\[creditor\].*--demo"):
        run_batch(Settings(), BatchOptions(input=source, out=tmp_path / "out", as_of=AS_OF))
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "letter-numbers.sqlite").exists()


def test_cli_batch_with_the_example_config_needs_demo(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = accounts(tmp_path)
    out = tmp_path / "out"
    args = ["--config", str(EXAMPLE), "batch", str(source), "--out", str(out)]
    args += ["--as-of", AS_OF.isoformat(), "--channels", "sms", "--workers", "1"]
    code, _, err = cli(capsys, *args)
    assert code == 2
    assert err.count("\n") == 1 and "example = true" in err and "--demo" in err
    assert not out.exists()
    code, _, err = cli(capsys, *args, "--demo")
    assert code == 0, err
    with (out / "sms.csv").open(encoding="utf-8-sig") as stream:
        assert len(list(csv.DictReader(stream))) == 3


def test_cli_batch_with_no_config_at_all_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = accounts(tmp_path)
    monkeypatch.chdir(tmp_path)  # no dunletters.toml here
    code, _, err = cli(capsys, "batch", str(source), "--out", str(tmp_path / "o"))
    assert code == 2 and "未配置债权机构" in err and "examples/dunletters.toml" in err


def test_render_without_a_creditor_says_it_uses_the_example(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "x.txt"
    code, _, err = cli(capsys, "render", "--sample", "--channel", "sms", "-o", str(out))
    assert code == 0 and out.read_text(encoding="utf-8").startswith("【示范银行】")
    assert "未配置债权机构" in err and "仅供预览" in err
    code, _, err = cli(capsys, "--config", str(TEST_CONFIG), "render", "--sample",
                       "--channel", "sms", "-o", str(out))  # fmt: skip
    assert code == 0 and err == ""


def test_render_and_preview_outputs_are_owner_only_under_umask_022(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """D-33: a rendered document holds a record's data; an existing file is made 0600 too."""
    record = tmp_path / "r.json"
    record.write_text(
        json.dumps({"account_id": "R1", "name": "赵敏", "gender": "女",
                    "card_number": "6217374590813668", "mobile": "13912345678",
                    "principal": "100.00", "due_date": "2026-11-05"}, ensure_ascii=False),
        encoding="utf-8",
    )  # fmt: skip
    existing = tmp_path / "out" / "r.html"
    existing.parent.mkdir()
    existing.write_text("old", encoding="utf-8")
    existing.chmod(0o644)
    old = os.umask(0o022)
    try:
        base = ["--config", str(TEST_CONFIG)]
        code, _, err = cli(capsys, *base, "render", str(record), "--channel", "letter",
                           "-o", str(existing), "--as-of", "2026-11-28")  # fmt: skip
        assert code == 0, err
        fresh = tmp_path / "new" / "dir" / "r.txt"
        code, _, err = cli(capsys, *base, "render", str(record), "--channel", "sms",
                           "-o", str(fresh), "--as-of", "2026-11-28")  # fmt: skip
        assert code == 0, err
        previewed = tmp_path / "p" / "late.html"
        code, _, err = cli(capsys, *base, "preview", "late.firm", "--record", str(record),
                           "-o", str(previewed), "--as-of", "2026-11-28")  # fmt: skip
        assert code in (0, 1), err
    finally:
        os.umask(old)
    for path in (existing, fresh, previewed):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(fresh.parent.stat().st_mode) == 0o700


def test_special_files_are_refused_as_batch_input_and_as_record(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A FIFO or a device would block or never end: refused before anything is created."""
    fifo = tmp_path / "accounts.csv"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    for source in (fifo, Path("/dev/zero")):
        with pytest.raises(InputError, match="不是普通文件"):
            run_batch(TEST_SETTINGS, BatchOptions(input=source, out=out, as_of=AS_OF))
    with pytest.raises(InputError, match="找不到输入文件"):
        run_batch(TEST_SETTINGS, BatchOptions(input=tmp_path / "nope.csv", out=out, as_of=AS_OF))
    assert not out.exists()
    for record in (fifo, Path("/dev/zero")):
        code, _, err = cli(capsys, "--config", str(TEST_CONFIG), "render", str(record),
                           "--channel", "sms", "-o", str(tmp_path / "x.txt"))  # fmt: skip
        assert code == 2 and "不是普通文件" in err
    big = tmp_path / "big.json"
    big.write_text('{"a": "' + "x" * 2_000_000 + '"}', encoding="utf-8")
    code, _, err = cli(capsys, "--config", str(TEST_CONFIG), "render", str(big),
                       "--channel", "sms", "-o", str(tmp_path / "x.txt"))  # fmt: skip
    assert code == 2 and "记录文件过大" in err
