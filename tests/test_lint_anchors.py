"""lint/anchors.py reads CPython's private ``re._parser`` only on checked Python
versions; elsewhere it warns and every phrase-list pattern runs unfiltered — the
linter's findings must be the same either way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from dunletters.lint import anchors

TEXTS = [
    "再不还款，我们将联系您的单位和家人，后果自负。",
    "【示范银行】您尾号1234的信用卡已逾期，请于12月5日前通过手机银行还款。",
    "你已被法院立案，明天公安上门拘留你，不还就让你坐牢。",
]

# Lints TEXTS in a fresh interpreter; argv[1] names the Python version it claims to be.
_PROGRAM = """
import json, sys
import importlib.util, pathlib
import dunletters
# anchors alone is loaded under the claimed version (pydantic and the rest need the real one)
path = pathlib.Path(dunletters.__file__).parent / "lint" / "anchors.py"
spec = importlib.util.spec_from_file_location("dunletters.lint.anchors", path)
anchors = importlib.util.module_from_spec(spec)
real = sys.version_info
sys.version_info = (*(int(part) for part in sys.argv[1].split(".")), 0, "final", 0)
spec.loader.exec_module(anchors)
sys.version_info = real
sys.modules["dunletters.lint.anchors"] = anchors
from dunletters.config import Settings
from dunletters.lint.engine import Linter
linter = Linter(Settings())
texts = json.loads(sys.stdin.read())
print(json.dumps({
    "parser_read": anchors._parser is not None,
    "found": [sorted((f.code, f.line, f.column, f.end_column) for f in linter.lint(t)) for t in texts],
}))
"""


def _lint_as(version: str, cache: Path) -> tuple[dict[str, object], str]:
    """Lint TEXTS claiming ``version``, with the lexicon cache in ``cache``."""
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM, version],
        env={**os.environ, "DUNLETTERS_LEXICON_CACHE": str(cache)},
        input=json.dumps(TEXTS),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout), done.stderr


def test_checked_version_reads_the_parser() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = anchors.re_internals((3, 11))
    assert found is not None
    assert found[0].__name__ == "re._parser"


def test_unchecked_version_warns_and_reads_nothing() -> None:
    with pytest.warns(RuntimeWarning, match="3.99"):
        assert anchors.re_internals((3, 99)) is None


def test_findings_are_the_same_with_and_without_the_parser(tmp_path: Path) -> None:
    # The plain run first, in the same cache: its anchor-less cache must not be reused.
    plain, plain_err = _lint_as("3.99", tmp_path)
    checked, checked_err = _lint_as("3.11", tmp_path)
    assert len(list(tmp_path.glob("compiled-*.json"))) == 2
    assert len(list(tmp_path.glob("frames-*.json"))) == 2
    assert checked["parser_read"] is True
    assert plain["parser_read"] is False
    assert "未经检验" in plain_err and "未经检验" not in checked_err
    assert checked["found"] == plain["found"]
    assert all(checked["found"])  # each text has findings, so the comparison means something
