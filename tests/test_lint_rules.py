"""Every rule fires on each of its fail examples and on none of its pass examples.

Plus structure tests that keep the catalogue honest: unique codes, kebab-case names,
every rule documented and exemplified, every code in docs/rule-catalogue.md (shared/RULES.md) implemented.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunletters.config import Settings
from dunletters.lint.engine import Linter
from dunletters.lint.rule import Rule
from dunletters.lint.rules import RULES
from dunletters.lint.rules.compliance import _URL
from dunletters.lint.rules.length import _sentence_key
from dunletters.lint.text import TextView
from dunletters.samples import sample_account

AS_OF = date(2026, 11, 28)


def _lint(rule: Rule, text: str) -> list[str]:
    ctx = dict(rule.example_context)
    channel = ctx.get("channel") or ("letter" if "letter" in rule.channels else "sms")
    account = sample_account(ctx.get("stage", "early"), as_of=AS_OF)
    if ctx.get("deceased"):
        account = account.model_copy(update={"deceased": True})
    linter = Linter(Settings(), select=[rule.code])
    findings = linter.lint(
        text,
        channel=channel,
        stage=ctx.get("stage"),
        tone=ctx.get("tone"),
        account=account,
        as_of=AS_OF,
        pages=int(ctx["pages"]) if "pages" in ctx else None,
        scheduled=datetime.fromisoformat(ctx["scheduled"]) if "scheduled" in ctx else None,
    )
    return [f.code for f in findings]


FAILS = [(rule, example) for rule in RULES for example in rule.fail]
PASSES = [(rule, example) for rule in RULES for example in rule.passes]


@pytest.mark.parametrize(
    ("rule", "example"), FAILS, ids=[f"{r.code}-{i}" for i, (r, _) in enumerate(FAILS)]
)
def test_rule_fires_on_fail_example(rule: Rule, example: str) -> None:
    assert rule.code in _lint(rule, example)


@pytest.mark.parametrize(
    ("rule", "example"), PASSES, ids=[f"{r.code}-{i}" for i, (r, _) in enumerate(PASSES)]
)
def test_rule_quiet_on_pass_example(rule: Rule, example: str) -> None:
    assert rule.code not in _lint(rule, example)


def test_codes_unique_and_names_kebab_case() -> None:
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)
    for rule in RULES:
        assert re.fullmatch(r"DL[1-6]\d\d", rule.code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)


def test_every_rule_is_documented_and_exemplified() -> None:
    for rule in RULES:
        assert rule.rationale and rule.what and rule.why and rule.use_instead, rule.code
        assert rule.fail, f"{rule.code} has no failing example"


def test_catalogue_matches_shared_rules_md() -> None:
    rules_md = Path(__file__).parents[1] / "docs" / "rule-catalogue.md"  # vendored RULES.md
    listed = dict(
        re.findall(r"^\| (DL\d{3}) \| ([a-z-]+) \|", rules_md.read_text(encoding="utf-8"), re.M)
    )
    implemented = {rule.code: rule.name for rule in RULES}
    assert implemented == listed


_REF_URL = re.compile(
    r"(?<![A-Za-z0-9-])(?:https?://)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[^\s，。]*)?"
)


@given(st.text(alphabet="htps:/.wxyz0129-，。 abc", max_size=24))
@settings(max_examples=3000, deadline=None)
def test_url_pattern_finds_what_the_plain_one_finds(text: str) -> None:
    """rules._URL starts with a class for speed; it must agree with the plain pattern."""
    assert [m.span() for m in _URL.finditer(text)] == [m.span() for m in _REF_URL.finditer(text)]


@given(st.text(alphabet="请尽快还款，,. \u3000\t。！；?ab", max_size=30))
@settings(max_examples=2000, deadline=None)
def test_sentence_key_drops_every_mark_and_space(text: str) -> None:
    """DL305's key: what the plain regex removes from each sentence, removed."""
    for sentence in TextView(text).sentences:
        assert _sentence_key(sentence.text) == re.sub(r"[\s。！？；，,.!?;]", "", sentence.text)


def test_capitals_beside_a_figure_too_large_for_capitals_do_not_stop_the_lint() -> None:
    # Found by test_lint_fastpaths: DL202 spelled the figure in 大写 to compare, and
    # zh.amount_in_capitals refuses amounts from 壹拾万亿元 up.
    text = "欠款1101011990030700111.5万元（人民币壹万陆仟肆佰零玖元零贰分）"
    findings = Linter(Settings(), select=["DL202"]).lint(text, channel="sms")
    assert [(f.code, f.suggestion) for f in findings] == [("DL202", None)]


def test_unmasked_number_in_other_digits_is_reported_without_a_suggestion() -> None:
    """Arabic-Indic digits make an 18-digit run the scan reads as an ID number, which
    mask_id (ASCII and full-width only) refuses: reported, no fix, no crash."""
    findings = Linter(Settings(), select=["DL605"]).lint(
        "您的号码٣٣6259000000001235。", channel="sms", tone="courteous"
    )
    assert [(f.code, f.suggestion) for f in findings] == [("DL605", None)]
    masked = Linter(Settings(), select=["DL605"]).lint(
        "卡号6259000000001235。", channel="sms", tone="courteous"
    )
    assert [(f.code, f.suggestion) for f in masked] == [("DL605", "尾号1235")]


def test_one_span_one_message_is_one_finding() -> None:
    """A list entry and a frame that read the same words at the same place say it once."""
    from dunletters.lint.engine import _outermost
    from dunletters.lint.rule import Hit

    hits = [Hit(3, 8, "A"), Hit(3, 8, "A"), Hit(3, 8, "B"), Hit(4, 6, "A"), Hit(9, 12, "A")]
    assert _outermost(hits) == [Hit(3, 8, "A"), Hit(3, 8, "B"), Hit(9, 12, "A")]
    found = Linter(Settings()).lint("逾期不还将列入征信黑名单。")
    spans = [(f.code, f.offset, f.end_offset, f.message) for f in found]
    assert len(spans) == len(set(spans))
