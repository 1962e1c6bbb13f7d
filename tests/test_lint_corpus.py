"""The linter gives exactly the stored findings for every document of the corpus.

The corpus (built from seeds by ``tests/lint_corpus.py``) holds ~7,700 documents —
rendered SMS and letters, the same mutated, every rule's and list's examples, the
drafts — and ``tests/golden/lint-corpus.txt`` the findings' codes and spans the
linter gave, one sorted line per document. Any speed work on the linter must keep
them all.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dunletters.config import Settings
from dunletters.lint.engine import Linter
from lint_corpus import PATH, account_of, documents, golden_line, lint_case, load, write


def test_corpus_findings_unchanged(update_golden: bool) -> None:
    linter = Linter(Settings())
    lines = [golden_line(case, lint_case(linter, case, account_of(case))) for case in documents()]
    expected = load()
    differing = [line for line in lines if expected.get(line.split("\t", 1)[0]) != line]
    gone = set(expected) - {line.split("\t", 1)[0] for line in lines}
    if update_golden and (differing or gone):
        write(lines)
        pytest.fail(f"{PATH.name}: {len(differing)} documents' lines rewritten; review the diff")
    assert not gone, f"documents no longer built: {sorted(gone)[:20]}"
    assert not differing, f"{len(differing)} documents lint differently: {differing[:5]}"


def test_the_golden_file_is_sorted_plain_text() -> None:
    lines = PATH.read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    assert len(lines) == len(documents()) > 7000


def test_corpus_covers_every_stage_tone_and_rule() -> None:
    cases = documents()
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
    codes = {code for line in load().values() for code in line.split("\t")[1].split()[::2]}
    assert {rule.code for rule in Linter(Settings()).rules} <= codes


def test_corpus_linted_many_at_a_time_as_one_at_a_time() -> None:
    """``Linter.run_many`` (the batch: rule by rule across a job's documents) finds for
    each document what ``run`` finds for it alone, whatever the documents around it."""
    import random

    cases = [case for case in documents() if not case.get("explain_skips")]
    random.Random(7).shuffle(cases)  # mix channels, stages and contexts in each job
    linter = Linter(Settings())
    for start in range(0, len(cases), 64):
        job = cases[start : start + 64]
        contexts = [
            linter.context(
                case["text"],
                channel=case.get("channel"),
                stage=case.get("stage"),
                tone=case.get("tone"),
                account=account_of(case),
                as_of=date.fromisoformat(case["as_of"]) if case.get("as_of") else None,
                pages=case.get("pages"),
                scheduled=(
                    datetime.fromisoformat(case["scheduled"]) if case.get("scheduled") else None
                ),
                sent_today=case.get("sent_today", 0),
            )
            for case in job
        ]
        for case, found in zip(job, linter.run_many(contexts), strict=True):
            assert isinstance(found, list), case["id"]
            alone = lint_case(linter, case, account_of(case))
            assert [finding.to_json() for finding in found] == alone, case["id"]


def test_an_error_in_one_document_leaves_the_others_linted() -> None:
    """A rule that raises a DunlettersError ends only its own document's lint."""
    import dataclasses

    from dunletters.errors import DunlettersError
    from dunletters.lint.rules import rules_by_code

    def refuse(ctx: object) -> list[object]:
        if "拒绝" in getattr(ctx, "text", ""):
            raise DunlettersError("该文书无法检查")
        return []

    refusing = dataclasses.replace(rules_by_code()["DL101"], code="DL999", check=refuse)
    linter = Linter(Settings(), rules=[rules_by_code()["DL101"], refusing])
    texts = ["您的欠款已逾期。", "拒绝检查。", "示范银行提醒您还款。"]
    results = linter.run_many([linter.context(text, channel="sms") for text in texts])
    assert [f.code for f in results[0]] == ["DL101"]  # type: ignore[union-attr]
    assert isinstance(results[1], DunlettersError)
    assert results[2] == []
    with pytest.raises(DunlettersError, match="无法检查"):
        linter.lint(texts[1], channel="sms")
