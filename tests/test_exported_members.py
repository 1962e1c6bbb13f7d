"""The public API: what ``import dunletters`` offers, pinned, and the README's example run."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import dunletters

README = Path(__file__).resolve().parents[1] / "README.md"

EXPECTED = [
    "Account",
    "AccountHeld",
    "BatchOptions",
    "BatchResult",
    "ConfigError",
    "Creditor",
    "Decision",
    "Documents",
    "DunlettersError",
    "ExitStatus",
    "Finding",
    "Hold",
    "InputError",
    "Job",
    "LintUsageError",
    "Linter",
    "Outcome",
    "PdfError",
    "PdfRenderer",
    "RecordError",
    "Registry",
    "Renderer",
    "RunContext",
    "RunSpec",
    "Settings",
    "Severity",
    "SmsError",
    "TemplateError",
    "__version__",
    "decide",
    "html_to_text",
    "lint_document",
    "load_settings",
    "parse_account",
    "produce",
    "produce_documents",
    "produce_record",
    "run_batch",
    "sample_account",
]


def test_all_is_pinned_and_sorted() -> None:
    """A name added to or dropped from the API changes this list on purpose."""
    assert dunletters.__all__ == EXPECTED
    assert dunletters.__all__ == sorted(dunletters.__all__)


def test_every_exported_member_is_the_defining_module_s_own() -> None:
    for name in dunletters.__all__:
        member = getattr(dunletters, name)
        if name == "__version__":
            assert re.fullmatch(r"\d+\.\d+\.\d+", member)
            continue
        if name == "produce":  # the per-account step's module: produce.produce(job, ctx)
            assert member is sys.modules["dunletters.produce"]
            assert callable(member.produce)
            continue
        module = getattr(member, "__module__", "")
        assert module.startswith("dunletters."), name
        assert getattr(sys.modules[module], name) is member


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="render_everything"):
        dunletters.render_everything  # type: ignore[attr-defined]  # noqa: B018


def test_importing_the_package_loads_no_stage_of_the_pipeline() -> None:
    """``dunletters --version`` and ``lint`` start as light as before: names load on use."""
    code = (
        "import sys, dunletters; "
        "print(sorted(m for m in sys.modules if m.startswith(('dunletters.', 'weasyprint', 'jinja2'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def readme_python() -> str:
    """The README's Python example: the one ``python`` block of its "Python" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 1
    return str(blocks[0])


def test_the_readme_example_is_five_lines() -> None:
    assert len([line for line in readme_python().splitlines() if line.strip()]) == 5


def test_the_readme_example_renders_and_lints_a_letter(tmp_path: Path) -> None:
    """Run exactly as a newcomer would paste it: a real PDF, read back with pdftotext."""
    (tmp_path / "examples").mkdir()
    shutil.copy(README.parent / "examples" / "record.json", tmp_path / "examples")
    result = subprocess.run(
        [sys.executable, "-c", readme_python()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 []"  # one page, no findings
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "letter.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "尊敬的王小明先生" in text.replace(" ", "")
    assert "3,948.46" in text
