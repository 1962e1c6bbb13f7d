"""The linter's shortcuts find exactly what the plain computations find.

The per-document lint of an SMS was cut by prechecks that prove "nothing here" from
something cheaper (a character the pattern needs, the shared phrase scan, a start
offset before which nothing can match) and by patterns rewritten to start with a
character class. Each is checked here against the plain computation it replaces,
on generated texts made of the characters and fragments those patterns care about.
The differential corpus (test_lint_corpus.py) checks the whole linter on documents.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dunletters.config import Settings
from dunletters.lint.engine import Linter
from dunletters.lint.rules import RULES
from dunletters.lint.rules.compliance import _URL, _url_hits
from dunletters.lint.rules.length import _sentence_key
from dunletters.lint.text import TextView, dates, figures, sentences
from dunletters.samples import sample_account

AS_OF = date(2026, 11, 28)

FRAGMENTS = [
    *"0123456789０１٣*xX ,.-/\n\t　。！？；!?;，：（）()【】[]¥￥元万年月日号天周星期礼拜本函",
    *"人民币壹贰叁肆零拾佰仟整角分一二三十两尊敬的先生女士合计本金利息通知",
    "2026",
    "2026年12月5日",
    "12月5日前",
    "2026-12-05",
    "（星期六）",
    "收到本函之日起5日内",
    "1,004.50",
    "16,409.02元",
    "1.5万元",
    "人民币壹万陆仟肆佰零玖元零贰分",
    "110101199003070011",
    "6259000000001235",
    "13800001234",
    "138****1234",
    "t.cn/abc",
    "www.example-bank.cn",
    "https://pay.example.com/x",
    "M2",
    "DPD",
    "后果自负",
    "老赖",
    "通知你的单位",
    "回复TD退订",
    "😊",
    "请尽快还款，以免影响您的信用记录。",
]
texts = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)

# The patterns as they were before they were rewritten for a fast start.
_OLD_MONEY_BARE = re.compile(rf"(?<![\d.,])(?P<n>{figures._NUMBER})\s?(?P<wan>万)?元$")
_OLD_UNIT_RUN = re.compile(r"[¥￥]?[0-9A-Za-z][0-9A-Za-z.,:/%\-*]*")


def _spans(matches: list[re.Match[str]]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]


@settings(max_examples=400, deadline=None)
@given(texts)
def test_bare_money_pattern_matches_as_before(text: str) -> None:
    for end in range(len(text) + 1):
        for start in range(max(0, end - 12), end + 1):
            old = _OLD_MONEY_BARE.search(text, start, end)
            new = figures._MONEY_BARE.search(text, start, end)
            assert _spans([old] if old else []) == _spans([new] if new else [])


@settings(max_examples=400, deadline=None)
@given(texts)
def test_bare_figure_found_where_the_window_search_finds_it(text: str) -> None:
    for at, char in enumerate(text):
        if char == "元":
            for start in range(max(0, at - 12), at + 1):
                old = figures._MONEY_BARE.search(text, start, at + 1)
                new = figures._bare_figure(text, start, at)
                assert _spans([old] if old else []) == _spans([new] if new else [])


@settings(max_examples=400, deadline=None)
@given(texts)
def test_unit_runs_as_before(text: str) -> None:
    assert sentences._UNIT_RUN.findall(text) == _OLD_UNIT_RUN.findall(text)


def _plain_dates(text: str, year: int | None) -> list[tuple[int, int, str, str | None]]:
    """Dates as the plain scan finds them: from offset 0, a weekday tried everywhere."""
    found = []
    for match in dates._DATE.finditer(text):
        if match.group("m1") is None and match.group("m2") is None and year is None:
            continue
        after = dates._WEEKDAY.match(text, match.end())
        weekday = after.group("w").replace("天", "日") if after is not None else None
        found.append((match.start(), match.end(), match.group(0), weekday))
    return found


@settings(max_examples=400, deadline=None)
@given(texts, st.sampled_from([2026, None]))
def test_dates_searched_from_the_first_possible_start(text: str, year: int | None) -> None:
    spans = [(d.start, d.end, d.text, d.weekday) for d in TextView(text).dates(year)]
    assert spans == _plain_dates(text, year)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_extractor_prechecks_change_nothing(text: str) -> None:
    view = TextView(text)
    numbers = [
        (m.start(), m.end())
        for m in figures._NUMBERISH.finditer(text)
        if figures._DATED_GROUP.search(m.group(0)) is None
        and figures._classify(figures.ascii_digits(figures._GROUP_SEPARATORS.sub("", m.group(0))))
    ]
    assert [(n.start, n.end) for n in view.numbers] == numbers
    capitals = [
        (m.start(), m.end())
        for m in figures._CAPITALS.finditer(text)
        if (m.group(0)[0] == "人" or not figures._CAPITAL_NONZERO.isdisjoint(m.group(0)))
        and any(unit in m.group(0) for unit in "元圆角分")
        and len(m.group(0)) >= 2
    ]
    assert [(c.start, c.end) for c in view.capitals] == capitals
    relative = [(m.start(), m.end()) for m in dates._RELATIVE_DEADLINE.finditer(text)]
    assert [(start, end) for _, start, end in view.relative_deadlines] == relative
    signed = [m.span() for m in figures._MONEY_SIGNED.finditer(text)]
    assert {(s.start, s.end) for s in view.money} >= set(signed)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_sentence_keys_differ_when_first_characters_do(text: str) -> None:
    # DL305's shortcut: keys start with the sentence's first character unless that
    # is a comma or a dot.
    for sentence in TextView(text).sentences:
        key = _sentence_key(sentence.text)
        if sentence.text[0] not in "，,." and key:
            assert key[0] == sentence.text[0]


LINTER = Linter(Settings())
# The same rules without their gates (Rule.hits_need): every rule always runs.
UNGATED = Linter(Settings(), rules=[dataclasses.replace(r, hits_need=()) for r in RULES])
ACCOUNT = sample_account("final", as_of=AS_OF)


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(["sms", "letter"]), st.sampled_from(["courteous", "firm"]))
def test_gated_rules_find_what_ungated_rules_find(text: str, channel: str, tone: str) -> None:
    context = {"channel": channel, "stage": "early", "tone": tone, "as_of": AS_OF}
    gated = [f.to_json() for f in LINTER.lint(text, account=ACCOUNT, **context)]
    assert gated == [f.to_json() for f in UNGATED.lint(text, account=ACCOUNT, **context)]


LINKED = Linter(Settings.model_validate({"lint": {"link_allowlist": ["example-bank.cn"]}}))
"""Links are judged against an allowlist only when one is configured."""


def _plain_url_hits(text: str) -> list[tuple[int, int]]:
    """DL606/DL607's links as found before the precheck on a dot and two letters."""
    found = []
    for match in _URL.finditer(text):
        url = match.group(0)
        if url[-1].isdigit() and "/" not in url:
            continue
        host = re.sub(r"^https?://", "", url, count=1).split("/")[0].lower()
        if re.search(r"\.[a-z]{2,}$", host) is None:
            continue
        if not any(host == d or host.endswith("." + d) for d in LINKED.link_allowlist):
            found.append(match.span())
    return found


@settings(max_examples=300, deadline=None)
@given(texts)
def test_link_precheck_keeps_every_link(text: str) -> None:
    ctx = LINKED.context(text, channel="sms")
    spans = [ctx.view.origin_span(*span) for span in _plain_url_hits(ctx.view.match_text)]
    assert [(hit.start, hit.end) for hit in _url_hits(ctx)] == spans


@settings(max_examples=400, deadline=None)
@given(texts)
def test_sentences_of_a_text_without_white_space_as_the_plain_split(text: str) -> None:
    # TextView._find_sentences: a text without white space is split without match
    # objects, each sentence starting where the one before ends.
    for variant in (text, "".join(text.split())):
        plain = []
        for match in sentences._SENTENCE.finditer(variant):
            sentence = match.group().rstrip()
            if any(map(str.isalnum, sentence)):
                plain.append((sentence, match.start(), match.start() + len(sentence)))
        found = [(s.text, s.start, s.end) for s in TextView(variant).sentences]
        assert found == plain


# Phrase-list examples and the letters that fold like ASCII ones under IGNORECASE.
_LIST_EXAMPLES = sorted(
    {e.example for c in LINTER.lexicons.values() for e in c.lexicon.entries if e.regex}
)
list_texts = st.lists(
    st.sampled_from([*FRAGMENTS, *_LIST_EXAMPLES, "不会", "ſ", "K", "S", "k"]), max_size=12
).map("".join)


@settings(max_examples=400, deadline=None)
@given(list_texts)
def test_a_list_pattern_left_unanchored_by_the_scan_matches_nowhere(text: str) -> None:
    # The prefilter (lint/anchors.py) may skip a pattern only where it cannot match.
    view = TextView(text)
    for name, compiled in LINTER.lexicons.items():
        scanner = compiled.scanner
        anchored = scanner.anchored(scanner.scan(view), name)
        for index, entry in enumerate(compiled.lexicon.entries):
            if entry.regex is None or index in anchored or index in compiled._always:
                continue
            assert compiled._regex(index).search(view.match_text) is None, (name, index)
