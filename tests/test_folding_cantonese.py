"""A Cantonese text is read by the Mandarin lists and frames, in place; Mandarin is left
as it is."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from dunletters.lint.engine import Linter
from dunletters.lint.text import TextView, fold, fold_cantonese, fold_chinese
from dunletters.lint.text.folding import _tables

CONTENT = {"DL402", "DL502", "DL503", "DL601", "DL602", "DL603", "DL604", "DL605", "DL606"}


def _entries() -> list[tuple[str, str, str]]:
    """Every (Cantonese, Mandarin, kind) row of the table."""
    data = resources.files("dunletters.lint.text").joinpath("yue2cmn.txt")
    rows = []
    for line in data.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cantonese, mandarin, kind, _why = line.split("\t")
            rows.append((cantonese, mandarin, kind))
    return rows


def codes(text: str) -> set[str]:
    return {f.code for f in Linter().lint(text)} & CONTENT


def test_the_table_is_length_for_length_and_each_entry_once() -> None:
    rows = _entries()
    assert len(rows) > 150
    assert all(len(c) == len(m) for c, m, _ in rows)
    assert len({c for c, _, _ in rows}) == len(rows)
    assert {kind for _, _, kind in rows} == {"gate", "char", "word"}
    simplified = _tables()[2]
    assert [c for c, _, _ in rows if c.translate(simplified) != c] == []  # after t2s.txt


@pytest.mark.parametrize(("cantonese", "mandarin", "kind"), _entries())
def test_each_entry_is_folded_in_a_cantonese_text(cantonese: str, mandarin: str, kind: str) -> None:
    text = f"唔係，{cantonese}。"
    folded = fold(text)
    assert folded == f"不是，{mandarin}。"
    assert len(folded) == len(text)


@pytest.mark.parametrize(
    ("cantonese", "mandarin"),
    [
        ("再唔還錢，我哋就上你屋企搵你阿媽", "再不还钱，我们就去你家里找你妈妈"),
        ("你唔還錢，小心你條命", "你不还钱，小心你的命"),
        ("聽日再唔見錢，你就知死", "明天再不见钱，你就知死"),
        ("Whatsapp 我啦，我send個戶口畀你過數", "Whatsapp 我啦，我send个户口给你转账"),
        ("仲唔還？申請仲裁都冇用", "还不还？申请仲裁都没用"),
        ("好唔好？唔好意思，唔好再拖", "好不好？不好意思，不要再拖"),
        ("嗰個女人同你個女講咗", "那个女人同你女儿讲了"),
        ("ＦＰＳ入數，唔該", "FPS转账，谢谢"),
    ],
)
def test_a_cantonese_sentence_reads_as_mandarin_with_every_offset_kept(
    cantonese: str, mandarin: str
) -> None:
    folded = fold(cantonese)
    assert folded == mandarin
    assert len(folded) == len(cantonese)


@pytest.mark.parametrize(
    "text",
    [
        "尊敬的张晓明先生：请于2026年12月5日前还款。",
        "如对欠款有异议，可申请仲裁，或向户口所在地街坊邻居核实。",  # 仲裁, 户口, 街坊
        "老母亲身体不好，成日卧床，而家里只有他一人照顾。",  # 老母, 成日, 而家 in Mandarin
        "他返还了欠款，拉人进群的事与我行无关。",
        "好嘞，我明天还。",  # 嘞 alone: northern Mandarin
    ],
)
def test_a_mandarin_text_is_not_read_as_cantonese(text: str) -> None:
    assert fold(text) is text


def test_real_style_mandarin_texts_fold_as_before() -> None:
    """The 101 real-style reminders hold no Cantonese-only character, so only the
    traditional and full-width folds touch them (no Cantonese word is rewritten)."""
    fixture = Path(__file__).with_name("lint_real_styles.txt").read_text(encoding="utf-8")
    table = _tables()[1]
    assert fold(fixture) == fixture.translate(table)


def test_a_traditional_mandarin_text_is_not_read_as_cantonese() -> None:
    text = "您的帳戶已逾期，請於到期日前還款，如有查詢請致電客服。"
    assert fold(text) == "您的账户已逾期，请于到期日前还款，如有查询请致电客服。"


@pytest.mark.parametrize(
    ("cantonese", "mandarin", "code"),
    [
        ("你唔還錢，我哋就通知你屋企人同老細", "你不还钱，我们就通知你家里人同老板", "DL604"),
        ("你唔還錢，小心你屋企人出事", "你不还钱，小心你家里人出事", "DL601"),
        (
            "你筆數已經交咗俾差佬，法院傳票聽日寄到",
            "你欠款已经交了给警察，法院传票明天寄到",
            "DL603",
        ),
        ("公司戶口凍結咗，直接過數到我私人帳戶", "公司户口冻结了，直接转账到我私人账户", "DL606"),
    ],
)
def test_a_cantonese_text_gets_the_findings_of_its_mandarin_form(
    cantonese: str, mandarin: str, code: str
) -> None:
    assert code in codes(mandarin)
    assert codes(cantonese) == codes(mandarin)


def test_a_finding_quotes_the_cantonese_as_written() -> None:
    text = "陳生，你唔還錢，我哋就通知你屋企人"
    (finding,) = [f for f in Linter().lint(text) if f.code == "DL604"]
    assert "屋企" in finding.match
    assert text[finding.column - 1 :].startswith(finding.match)


def test_a_lawful_cantonese_reminder_stays_silent() -> None:
    text = "唔該你喺到期日前還款，如有查詢請致電熱線。我哋唔會聯絡你嘅家人或者公司。"
    assert codes(text) == set()


def test_patterns_fold_cantonese_only_characters_but_not_words() -> None:
    """A regex fragment's 唔/搵 are folded as the text's are; its words are not, since
    拉人 or 街坊 in a Mandarin pattern must still find a Mandarin text."""
    assert fold_chinese("再唔(?:還|俾)錢") == "再不(?:还|给)钱"
    assert fold_chinese("街坊|拉人|坐监") == "街坊|拉人|坐监"
    assert fold_cantonese("街坊") == "街坊"  # left out of the table: Mandarin writes it too


def test_the_view_matches_on_the_mandarin_reading() -> None:
    view = TextView("佢 喺 你 屋企 樓下")
    assert view.match_text == "他在你家里楼下"
