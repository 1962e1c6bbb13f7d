"""Traditional and full-width text is matched as simplified, half-width text, in place."""

from __future__ import annotations

import pytest

from dunletters.lint.engine import Linter
from dunletters.lint.frames import builtin_frames
from dunletters.lint.lexicon import builtin_lexicons
from dunletters.lint.text import TextView, fold, fold_chinese


def codes(text: str) -> list[str]:
    return [f.code for f in Linter().lint(text) if f.code >= "DL5"]


def test_folding_keeps_every_offset() -> None:
    text = "【示範銀行】再不還錢，後果自負！ＤＰＤ１２"
    folded = fold(text)
    assert folded == "【示范银行】再不还钱，后果自负！DPD12"
    assert len(folded) == len(text)


def test_simplified_half_width_text_is_returned_as_it_is() -> None:
    text = "尊敬的张晓明先生：请于2026年12月5日前还款。"
    assert fold(text) is text


@pytest.mark.parametrize(
    ("traditional", "simplified", "code"),
    [
        ("逾期不還，後果自負。", "逾期不还，后果自负。", "DL601"),  # a phrase list
        ("我們將通知你的單位和家人。", "我们将通知你的单位和家人。", "DL604"),  # a frame
        (
            "你的案件已進入司法程序，法院傳票已寄出。",
            "你的案件已进入司法程序，法院传票已寄出。",
            "DL603",
        ),
        # Taiwan words the lists write as the mainland does: 聯絡 is 联系, 資訊 is 信息
        (
            "如仍未還款，我司將與您的工作單位取得聯絡。",
            "如仍未还款，我司将与您的工作单位取得联系。",
            "DL604",
        ),
        ("您的欠款資訊將同步給您的緊急聯絡人。", "您的欠款信息将同步给您的紧急联系人。", "DL604"),
        (
            "緊急聯絡人張某某13912345678，我們已經打過了。",
            "紧急联系人张某某13912345678，我们已经打过了。",
            "DL605",
        ),
    ],
)
def test_a_traditional_text_gets_the_findings_of_its_simplified_form(
    traditional: str, simplified: str, code: str
) -> None:
    assert code in codes(simplified)
    assert codes(traditional) == codes(simplified)


def test_taiwan_words_fold_in_texts_and_patterns_alike() -> None:
    assert fold("請回傳簡訊或聯絡客服，身分證影本") == "请回传短信或联系客服，身份证影本"
    assert fold("请联络我们") == "请联系我们"  # a mainland text that writes 联络 too
    assert fold_chinese("(?:联络|聯絡)人|简讯") == "(?:联系|联系)人|短信"


def test_a_finding_quotes_the_text_as_written() -> None:
    (finding,) = [f for f in Linter().lint("逾期不還，後果自負。") if f.code == "DL601"]
    assert finding.match == "後果自負"
    assert finding.column == 6


def test_frames_and_regexes_fold_their_words_but_not_full_width_symbols() -> None:
    assert fold_chinese("(?:通知|告訴)你的(?:單位|家人)") == "(?:通知|告诉)你的(?:单位|家人)"
    assert fold_chinese("［０-９］") == "［０-９］"


def test_the_view_matches_on_the_folded_text() -> None:
    view = TextView("債務人：張曉明")
    assert view.match_text == "债务人：张晓明"


def _matchers() -> list[tuple[str, str]]:
    """Every phrase, regex and exception of the built-in lists, and every word, literal
    part and exception of the built-in frames, with where it is."""
    found: list[tuple[str, str]] = []
    for lexicon in builtin_lexicons():
        for entry in lexicon.entries:
            for text in (entry.phrase, entry.regex, *entry.except_):
                if text:
                    found.append((lexicon.name, text))
    for code, compiled in builtin_frames().items():
        source = compiled.source
        found += [(code, word) for words in source.words.values() for word in words]
        found += [(code, word) for word in source.negations]
        for frame in source.frames:
            found += [(f"{code} {frame.name}", text) for text in frame.unless]
            found += [(f"{code} {frame.name}", part) for p in frame.patterns for part in p]
    return found


WRITTEN_IN_CANTONESE = {
    "再唔",
    "唔还",
    "(你|您)(就)?知死|(你|您)等住",
    '"过数|转账|转帐|付款|还款|资料"',
    '"(?:落|下)(?:楼)下?(?:来|嚟)?"',
    '"不还|再不还|再唔还|唔还|不给钱|不处理|再拖"',
    '"找(?:你|您)|揾(?:你|您)|堵(?:你|您)|要账|讨债|收拾(?:你|您)"',
    "(?:工作|饭碗|生意|前途|这份工)(?:也|就|怕是|恐怕)?(?:别想(?:要|干|保住)?|保不住|难保|不保|"
    "干不长|做不长|到头了?|就完了|完了|丢掉|丢了|没了|砸了)",
}
"""Entries written in Cantonese before the Cantonese fold came: their Mandarin twin is
beside them (不还, 找你, 等着, 转账, 工作), so they are redundant but harmless."""


def test_lists_and_frames_are_written_in_simplified_mandarin() -> None:
    """Folding finds a traditional or Cantonese text with a simplified Mandarin list; a
    traditional entry or a Cantonese-only character beside its Mandarin twin would report
    the same words twice. (A Cantonese *word* Mandarin writes too, 差佬 or 屋企, may stand in
    a list: a Cantonese text without a Cantonese-only character is not folded.)"""
    written = [
        (where, text)
        for where, text in _matchers()
        if fold_chinese(text) != text and text not in WRITTEN_IN_CANTONESE
    ]
    assert written == []


def test_the_entries_written_in_cantonese_are_still_there() -> None:
    """Drop an entry from WRITTEN_IN_CANTONESE when its list no longer holds it."""
    assert {text for _, text in _matchers()} >= WRITTEN_IN_CANTONESE
