"""Small command-line fixes of issue 15: ``-v`` after the subcommand (friction 18), where a
dry run's outputs are (friction 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import AS_OF, TEST_CONFIG
from csvfiles import write_csv
from dunletters.cli import _verbose_first, main
from dunletters.samples import generate_accounts


def test_verbose_moves_to_the_front_but_never_past_a_double_dash() -> None:
    assert _verbose_first(["batch", "x.csv", "-v"]) == (["-v", "batch", "x.csv"], True)
    assert _verbose_first(["--verbose", "stages"]) == (["--verbose", "stages"], True)
    assert _verbose_first(["lint", "--", "-v"]) == (["lint", "--", "-v"], False)
    assert _verbose_first(["stages"]) == (["stages"], False)


def test_v_after_the_subcommand_is_accepted_and_gives_the_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[polcy]\n", encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        main(["--config", str(bad), "stages", "-v"])
    _, err = capsys.readouterr()
    assert caught.value.code == 2
    assert "No such option" not in err and "Traceback" in err and "polcy" in err


def test_dry_run_says_where_its_outputs_are(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "a.csv", list(generate_accounts(3, seed=2, as_of=AS_OF)))
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as caught:
        main(["--config", str(TEST_CONFIG), "batch", str(source), "--out", str(out),
              "--as-of", "2026-11-28", "--dry-run", "--workers", "1", "-v"])  # fmt: skip
    printed, _ = capsys.readouterr()
    assert caught.value.code in (0, 1)
    assert f"输出在 {out / 'dry-run'}" in printed
    assert (out / "dry-run" / "summary.html").is_file()


def test_config_says_when_the_creditor_is_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).parents[1] / "examples" / "dunletters.toml"
    with pytest.raises(SystemExit):
        main(["--config", str(example), "config"])
    assert "（示例：批处理只能加 --demo 运行）" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--config", str(TEST_CONFIG), "config"])
    assert "--demo" not in capsys.readouterr().out


def test_a_batch_says_what_it_is_doing_before_its_first_accounts(tmp_path: Path) -> None:
    """Friction 14: the bar had no total and no word for the first half-minute."""
    from conftest import TEST_SETTINGS
    from dunletters.batch.pipeline import BatchOptions, run_batch

    source = write_csv(tmp_path / "a.csv", list(generate_accounts(5, seed=2, as_of=AS_OF)))
    said: list[str] = []
    reports: list[tuple[int, int]] = []
    run_batch(
        TEST_SETTINGS,
        BatchOptions(input=source, out=tmp_path / "out", as_of=AS_OF, workers=1),
        lambda done, total: reports.append((done, total)),
        said.append,
    )
    assert said[:4] == [
        "检查模板",
        "准备字体",
        "启动工作进程（加载模板、字体与排版引擎）",
        "读取输入",
    ]
    assert said[4:] == ["生成中", "整理输出（短信清单、暂停与拒绝清单、摘要）"]
    assert reports[0][0] == 0 and reports[0][1] >= 5  # the total before the first account
