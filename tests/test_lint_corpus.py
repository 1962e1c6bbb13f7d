"""The linter gives exactly the stored findings for every document of the corpus.

The corpus (``tests/golden/lint_corpus.jsonl.gz``, built by ``tests/lint_corpus.py``)
holds ~7,700 documents — rendered SMS and letters, the same mutated, every rule's and
list's examples, the drafts — with the findings the linter gave when it was made. Any
speed work on the linter must keep them all, to the character.
"""

from __future__ import annotations

import pytest

from dunletters.config import Settings
from dunletters.lint.engine import Linter
from lint_corpus import PATH, account_of, lint_case, load, write


def test_corpus_findings_unchanged(update_golden: bool) -> None:
    cases = load()
    linter = Linter(Settings())
    differing: list[str] = []
    for case in cases:
        found = lint_case(linter, case, account_of(case))
        if found != case["findings"]:
            differing.append(case["id"])
            case["findings"] = found
    if update_golden and differing:
        write(cases)
        pytest.fail(f"{PATH.name}: findings of {len(differing)} documents rewritten; review them")
    assert not differing, f"{len(differing)} documents lint differently: {differing[:20]}"


def test_corpus_covers_every_stage_tone_and_rule() -> None:
    cases = load()
    rendered = {
        (case["channel"], case["stage"], case["tone"])
        for case in cases
        if case["id"].startswith(("sms-", "letter-")) and not case["id"].endswith("-mut")
    }
    for channel in ("sms", "letter"):
        assert {stage for c, stage, _ in rendered if c == channel} == {
            "early",
            "middle",
            "late",
            "final",
        }
        assert {tone for c, _, tone in rendered if c == channel} == {
            "courteous",
            "empathetic",
            "firm",
        }
    codes = {finding["code"] for case in cases for finding in case["findings"]}
    assert {rule.code for rule in Linter(Settings()).rules} <= codes
