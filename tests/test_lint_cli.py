"""`dunletters lint` and `dunletters rules` as a template author and CI use them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dunletters.cli import main

DRAFTS = Path(__file__).parent / "drafts"
GOLDEN = Path(__file__).parent / "golden" / "lint-drafts.txt"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


def test_golden_output_over_the_drafts(
    capsys: pytest.CaptureFixture[str], update_golden: bool
) -> None:
    code, out, _ = run(capsys, "lint", str(DRAFTS), "--as-of", "2026-11-28", "--no-pdf")
    out = out.replace(str(DRAFTS), "tests/drafts")
    assert code == 1
    if update_golden:
        GOLDEN.write_text(out, encoding="utf-8")
    assert out == GOLDEN.read_text(encoding="utf-8")


def test_clean_draft_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "lint",
        str(DRAFTS / "clean-early.txt"),
        "--stage=early",
        "--tone=courteous",
        "--channel=letter",
        "--as-of=2026-11-28",
        "--select=DL1,DL2,DL4,DL5,DL6",
    )
    assert code == 0, out


def test_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lint", str(DRAFTS / "threats.txt"), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["schema_version"] == 1
    finding = data["files"][0]["findings"][1]
    assert set(finding) == {
        "code", "name", "severity", "principle", "message", "line", "column",
        "end_line", "end_column", "match", "suggestion",
    }  # fmt: skip


def test_github_and_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "lint", str(DRAFTS / "threats.txt"), "--format", "github")
    assert "::error file=" in out and "title=DL601 threat::" in out
    _, out, _ = run(capsys, "lint", str(DRAFTS / "threats.txt"), "--format", "sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    assert any(r["ruleId"] == "DL601" for r in sarif["runs"][0]["results"])


def test_unreadable_files_exit_two_and_others_still_linted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes("尊敬的张先生".encode("gbk"))
    shutil.copy(DRAFTS / "threats.txt", tmp_path / "threats.txt")
    code, out, _ = run(capsys, "lint", str(tmp_path))
    assert code == 2
    assert "binary.txt: 错误: 是二进制文件" in out
    assert "empty.txt: 错误: 文件为空" in out
    assert "gbk.txt: 错误: 不是 UTF-8 编码：第1行（看起来是 GBK/GB18030 编码" in out
    assert "threats.txt:3:4: DL602 insult" in out


def test_bad_record_is_reported_and_drafts_still_linted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    record = tmp_path / "record.json"
    record.write_text('{"account_id": "A1", "name": "张三"}', encoding="utf-8")
    code, out, _ = run(capsys, "lint", str(DRAFTS / "threats.txt"), "--record", str(record))
    assert code == 2
    assert "record.json: 错误:" in out and "card_number" in out and "张三" not in out
    assert "DL601 threat" in out


def test_template_syntax_error_names_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lint", str(DRAFTS / "broken.txt.j2"))
    assert code == 1
    assert "broken.txt.j2:11:1: DL001 template-syntax" in out


def test_fix_replaces_jargon_only(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("您的账户为M2状态，欠款¥1,004.50，请致电95099。\n", encoding="utf-8")
    run(capsys, "lint", str(draft), "--fix")
    assert draft.read_text(encoding="utf-8") == "您的账户为逾期状态，欠款¥1,004.50，请致电95099。\n"


def test_rules_docs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "DL601")
    assert code == 0
    assert out.startswith("DL601 threat") and "反例" in out and "建议写法" in out
    _, out, _ = run(capsys, "rules", "--markdown")
    docs = Path(__file__).parents[1] / "docs" / "rules.md"
    assert out == docs.read_text(encoding="utf-8"), (
        "docs/rules.md is stale: dunletters rules --markdown > docs/rules.md"
    )
    code, _, err = run(capsys, "rules", "DL999")
    assert code == 2 and "没有规则" in err


def _lint_stdin(data: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    """``dunletters lint -`` in its own process, the draft piped in as an editor or CI would."""
    command = [sys.executable, "-m", "dunletters", "lint", "-", "--as-of=2026-11-28", *args]
    return subprocess.run(command, input=data, capture_output=True, timeout=120, check=False)


def test_standard_input_is_linted_as_a_plain_draft() -> None:
    done = _lint_stdin("【示范银行】再拖下去，你家里人也别想安生。\n".encode())
    out = done.stdout.decode()
    assert done.returncode == 1, out
    assert "-:1:1: DL000 context-missing: 渠道推断为短信" in out
    assert "-:1:" in out and "DL601 threat" in out


def test_standard_input_refuses_fix_empty_and_binary_input() -> None:
    fixed = _lint_stdin("您的账户为M2状态。\n".encode(), "--fix")
    assert fixed.returncode == 2 and "--fix" in fixed.stderr.decode()
    empty = _lint_stdin(b"")
    assert empty.returncode == 2 and "-: 错误: 文件为空" in empty.stdout.decode()
    binary = _lint_stdin(b"\x00\x01\x02")
    assert binary.returncode == 2 and "是二进制文件" in binary.stdout.decode()


def test_a_plain_draft_never_loads_the_rendering_stack() -> None:
    """Linting a .txt draft on every save must not pay for Jinja, the registry or WeasyPrint."""
    probe = (
        "import sys\n"
        "from dunletters.cli import main\n"
        "try:\n"
        "    main(['lint', 'tests/drafts/threats.txt'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('jinja2', 'weasyprint', 'dunletters.registry', 'dunletters.rendering')\n"
        "print('LOADED:' + ','.join(name for name in heavy if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert "DL601" in done.stdout  # the draft was really linted
    assert done.stdout.splitlines()[-1] == "LOADED:"
