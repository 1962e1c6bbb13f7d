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
