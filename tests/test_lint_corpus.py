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


def test_corpus_linted_many_at_a_time_as_one_at_a_time() -> None:
    """``Linter.run_many`` (the batch: rule by rule across a job's documents) finds for
    each document what ``run`` finds for it alone, whatever the documents around it."""
    import random
    from datetime import date, datetime

    cases = [case for case in load() if not case.get("explain_skips")]
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
            assert [finding.to_json() for finding in found] == case["findings"], case["id"]


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
