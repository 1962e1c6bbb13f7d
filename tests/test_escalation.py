"""Escalation policy: stage boundaries, tone rules and holds (DESIGN.md defaults)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from dunletters.config import Policy
from dunletters.escalation import Decision, Hold, HoldReason, decide
from dunletters.models import parse_account


def _decide(
    row: dict[str, Any], as_of: date, policy: Policy | None = None, **changes: Any
) -> Decision | Hold:
    if "days_past_due" in changes and "due_date" not in changes:
        # The given days must agree with the due date (issue #15, D-09).
        days = int(changes["days_past_due"])
        changes["due_date"] = (as_of - timedelta(days=days)).isoformat()
    row.update(changes)
    return decide(parse_account(row, as_of=as_of), policy or Policy(), as_of)


@pytest.mark.parametrize(
    ("days", "stage", "tone"),
    [
        (1, "early", "courteous"),
        (5, "early", "courteous"),
        (6, "middle", "firm"),
        (18, "middle", "firm"),
        (19, "late", "firm"),
        (28, "late", "firm"),
        (29, "final", "firm"),
        (720, "final", "firm"),
    ],
)
def test_stage_boundaries(
    row: dict[str, Any], as_of: date, days: int, stage: str, tone: str
) -> None:
    decision = _decide(row, as_of, days_past_due=str(days))
    assert isinstance(decision, Decision)
    assert (decision.stage, decision.tone) == (stage, tone)


def test_hardship_is_empathetic_even_with_broken_promises(row: dict[str, Any], as_of: date) -> None:
    decision = _decide(row, as_of, days_past_due="3", hardship="是", promises_broken="4")
    assert isinstance(decision, Decision)
    assert decision.tone == "empathetic"


def test_repeated_broken_promises_are_firm(row: dict[str, Any], as_of: date) -> None:
    once = _decide(dict(row), as_of, days_past_due="3", promises_broken="1")
    twice = _decide(dict(row), as_of, days_past_due="3", promises_broken="2")
    assert isinstance(once, Decision) and once.tone == "courteous"
    assert isinstance(twice, Decision) and twice.tone == "firm"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"deceased": "是", "dispute": "是"}, HoldReason.DECEASED),
        ({"dispute": "Y"}, HoldReason.DISPUTE),
        ({"due_date": "2026-11-28"}, HoldReason.NOT_OVERDUE),
        ({"due_date": "2026-12-10"}, HoldReason.NOT_OVERDUE),
        (
            {"principal": "9.99", "interest": "0", "fees": "0", "total_due": "9.99"},
            HoldReason.BELOW_MINIMUM,
        ),
        ({"promise_to_pay_until": "2026-11-28"}, HoldReason.PROMISE_PENDING),
    ],
)
def test_holds(
    row: dict[str, Any], as_of: date, changes: dict[str, str], reason: HoldReason
) -> None:
    decision = _decide(row, as_of, **changes)
    assert decision == Hold(reason)
    assert decision.message  # every hold is explained in Chinese


def test_expired_promise_no_longer_holds(row: dict[str, Any], as_of: date) -> None:
    assert isinstance(_decide(row, as_of, promise_to_pay_until="2026-11-27"), Decision)


def test_minimum_amount_is_configurable(row: dict[str, Any], as_of: date) -> None:
    policy = Policy(min_amount="2000")  # type: ignore[arg-type]
    assert _decide(row, as_of, policy) == Hold(HoldReason.BELOW_MINIMUM)


def test_custom_stage_boundaries(row: dict[str, Any], as_of: date) -> None:
    policy = Policy.model_validate(
        {
            "stages": [
                {
                    "id": "early",
                    "min_days": 1,
                    "max_days": 10,
                    "tone": "courteous",
                    "deadline_days": 7,
                },
                {"id": "final", "min_days": 11, "tone": "firm", "deadline_days": 3},
            ]
        }
    )
    decision = _decide(row, as_of, policy, days_past_due="10")
    assert isinstance(decision, Decision) and decision.stage == "early"


def test_decisions_are_shared_but_follow_the_rule() -> None:
    """decision_for builds each distinct decision once (they are immutable); a rule with
    another deadline, or another tone, still gets its own."""
    from dunletters.config import StageRule
    from dunletters.escalation import decision_for

    rule = Policy().stages[1]
    first = decision_for(rule, "empathetic")
    assert decision_for(rule, "empathetic") is first
    assert decision_for(rule).tone == rule.tone != first.tone
    longer = StageRule(**{**rule.model_dump(), "deadline_days": rule.deadline_days + 3})
    later = decision_for(longer, "empathetic")
    assert later is not first
    assert (later.stage, later.tone, later.stage_name, later.deadline_days) == (
        first.stage,
        "empathetic",
        first.stage_name,
        rule.deadline_days + 3,
    )
