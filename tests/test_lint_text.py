"""Chinese text analysis: positions, sentences, reading length and extractors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dunletters.checksums import luhn_check_digit, luhn_valid
from dunletters.lint.text import TextView, reading_length

LETTER = (
    "尊敬的张晓明先生：\n"
    "\n"
    "截至2026年11月28日，您尾号1234的信用卡\n已逾期12天，欠款合计¥16,409.02"
    "（人民币壹万陆仟肆佰零玖元零贰分）。\n"
    "请于2026年12月5日（星期六）前还款，或于收到本函之日起三日内还款。\n"
)


def test_positions_are_one_based_line_and_column() -> None:
    view = TextView(LETTER)
    offset = LETTER.index("已逾期")
    assert view.position(offset) == (4, 1)
    assert view.position(0) == (1, 1)


def test_matching_view_joins_wrapped_chinese_and_folds_fullwidth() -> None:
    view = TextView("信用卡\n  已逾期 ＤＰＤ１２ call  95099")
    assert view.match_text == "信用卡已逾期DPD12 call 95099"
    index = view.match_text.index("卡已")
    start, end = view.origin_span(index, index + 2)
    assert view.text[start:end] == "卡\n  已"


def test_reading_length_counts_a_number_once() -> None:
    assert reading_length("欠款合计¥16,409.02元。") == 7
    assert reading_length("请致电95099") == 4


def test_sentences_split_on_chinese_punctuation_and_lines() -> None:
    view = TextView("第一句。第二句！第三句？第四；\n第五\n\n")
    assert [s.text for s in view.sentences] == [
        "第一句。",
        "第二句！",
        "第三句？",
        "第四；",
        "第五",
    ]


def test_paragraphs_are_blank_line_blocks() -> None:
    view = TextView(LETTER)
    assert len(view.paragraphs) == 2
    assert view.paragraphs[0].text == "尊敬的张晓明先生："


def test_money_figures() -> None:
    view = TextView("¥1,004.50、人民币2,000元、300.00元、1.5万元、逾期3天、第000123号")
    assert [m.amount for m in view.money] == [
        Decimal("1004.50"),
        Decimal("2000"),
        Decimal("300.00"),
        Decimal("15000.0"),
    ]


def test_capitals_and_dates() -> None:
    view = TextView(LETTER)
    assert [c.text for c in view.capitals] == ["人民币壹万陆仟肆佰零玖元零贰分"]
    dates = view.dates(2026)
    assert [d.value for d in dates] == [date(2026, 11, 28), date(2026, 12, 5)]
    assert dates[1].weekday == "六"
    assert view.relative_deadlines[0][0] == 3


def test_impossible_and_short_dates() -> None:
    dates = TextView("2月30日前、12月5日前").dates(2026)
    assert dates[0].value is None
    assert dates[1].value == date(2026, 12, 5)


def test_numbers_full_and_masked() -> None:
    card = "625900000000123" + luhn_check_digit("625900000000123")
    text = f"卡号{card}，尾号1234，6259****1234，身份证110101199003070011，110***********0011，手机13812345678，138****5678"
    kinds = [(n.kind, n.masked) for n in TextView(text).numbers]
    assert kinds == [
        ("card", False),
        ("card", True),
        ("id", False),
        ("id", True),
        ("mobile", False),
        ("mobile", True),
    ]


def test_invalid_numbers_are_not_identifiers() -> None:
    assert TextView("编号1234567890123456，身份证110101199003070018").numbers == []


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
