"""Chinese formatting: PBoC 大写 tables, the strict parser, property tests, dates, masks.

The worked cases are those of shared/reference/china-rules-and-formatting.md §C.1
(PBoC 《正确填写票据和结算凭证的基本规定》) and the foundation issue.
"""

from __future__ import annotations

import doctest
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunletters import zh
from dunletters.zh import CapitalsError, amount_in_capitals, parse_capitals

WORKED = [
    ("1004.50", "人民币壹仟零肆元伍角"),
    ("10000.07", "人民币壹万元零柒分"),
    ("100000000.00", "人民币壹亿元整"),
    ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
    ("10.00", "人民币壹拾元整"),
    ("0.05", "人民币伍分"),
    ("0.50", "人民币伍角"),
    ("100010000", "人民币壹亿零壹万元整"),
    ("1409.50", "人民币壹仟肆佰零玖元伍角"),
    ("6007.14", "人民币陆仟零柒元壹角肆分"),
    ("325.04", "人民币叁佰贰拾伍元零肆分"),
    ("0", "人民币零元整"),
    ("0.01", "人民币壹分"),
    ("0.10", "人民币壹角"),
    ("11", "人民币壹拾壹元整"),
    ("19", "人民币壹拾玖元整"),
    ("20", "人民币贰拾元整"),
    ("101", "人民币壹佰零壹元整"),
    ("110", "人民币壹佰壹拾元整"),
    ("1001", "人民币壹仟零壹元整"),
    ("10001", "人民币壹万零壹元整"),
    ("100000", "人民币壹拾万元整"),
    ("1000000000000", "人民币壹万亿元整"),
    ("2000000000.00", "人民币贰拾亿元整"),
    ("30000.50", "人民币叁万元伍角"),
    ("1680.32", "人民币壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "人民币壹拾万柒仟元伍角叁分"),
    ("103453", "人民币壹拾万叁仟肆佰伍拾叁元整"),
    ("1000000010000", "人民币壹万亿零壹万元整"),
    ("1200000000000", "人民币壹万贰仟亿元整"),
    ("9999999999999.99", "人民币玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
]


@pytest.mark.parametrize(("amount", "capitals"), WORKED)
def test_worked_cases(amount: str, capitals: str) -> None:
    assert amount_in_capitals(Decimal(amount)) == capitals
    assert parse_capitals(capitals) == Decimal(amount).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("amount", "figure", "capitals"),
    [
        ("0.125", "¥0.13", "人民币壹角叁分"),
        ("0.005", "¥0.01", "人民币壹分"),
        ("99.995", "¥100.00", "人民币壹佰元整"),
        ("1004.505", "¥1,004.51", "人民币壹仟零肆元伍角壹分"),
    ],
)
def test_figures_and_capitals_round_half_up_together(
    amount: str, figure: str, capitals: str
) -> None:
    assert zh.format_money(Decimal(amount)) == figure
    assert amount_in_capitals(Decimal(amount)) == capitals


@pytest.mark.parametrize(
    "written",
    [
        "壹拾万零柒仟元伍角叁分",
        "壹仟陆佰捌拾元零叁角贰分",
        "壹仟零肆元伍角整",
        "玖仟陆佰陆拾伍圆壹角捌分",
        "人民币壹亿零壹万元正",
    ],
)
def test_every_allowed_spelling_parses(written: str) -> None:
    assert parse_capitals(written) > 0


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("人民币壹万元柒分", "元后须写「零」"),
        ("人民币一千元整", "大写数字"),
        ("人民币壹仟元", "须在末尾写「整」"),
        ("人民币壹仟元伍角贰分整", "不能加「整」"),
        ("人民币拾元整", "壹拾"),
        ("壹亿壹万元整", "应写作「壹亿零壹万元整」"),
        ("人民币壹仟零零壹元整", "只写一个「零」"),
        ("人民币壹佰仟元整", "缺少数字"),
        ("壹仟伍毛", "不能用「毛」"),
        ("人民币1000元整", "阿拉伯数字"),
        ("", "为空"),
    ],
)
def test_strict_parser_rejects_with_a_reason(written: str, reason: str) -> None:
    with pytest.raises(CapitalsError, match=reason):
        parse_capitals(written)


def test_lenient_parser() -> None:
    assert parse_capitals("人民币壹仟元", strict=False) == Decimal("1000.00")


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("10000000000000"), Decimal("NaN")])
def test_capitals_range(bad: Decimal) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is checked elsewhere
        amount_in_capitals(bad)


@pytest.mark.parametrize("bad", [1.5, True, "1.00"])
def test_no_floats_or_text(bad: object) -> None:
    with pytest.raises(TypeError, match="Decimal"):
        zh.format_money(bad)  # type: ignore[arg-type]


AMOUNTS = st.integers(min_value=0, max_value=999_999_999_999_999).map(
    lambda cents: Decimal(cents) / 100
)


@settings(max_examples=3000, deadline=None)
@given(AMOUNTS)
def test_capitals_round_trip(amount: Decimal) -> None:
    assert parse_capitals(amount_in_capitals(amount)) == amount
    assert parse_capitals(amount_in_capitals(amount, prefix=False)) == amount


@settings(max_examples=1000, deadline=None)
@given(AMOUNTS)
def test_figures_round_trip(amount: Decimal) -> None:
    assert Decimal(zh.format_money(amount).removeprefix("¥").replace(",", "")) == amount
    assert Decimal(zh.format_yuan(amount).removesuffix("元").replace(",", "")) == amount


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=-999_999_999_999_999, max_value=999_999_999_999_999))
def test_figures_match_babel(cents: int) -> None:
    """The fast formatter says exactly what babel.numbers says for zh_CN."""
    from babel.numbers import format_currency, format_decimal

    amount = Decimal(cents) / 100
    assert zh.format_money(amount) == format_currency(amount, "CNY", locale="zh_CN")
    assert (
        zh.format_yuan(amount) == format_decimal(amount, format="#,##0.00", locale="zh_CN") + "元"
    )


def test_dates() -> None:
    assert zh.format_date(date(2026, 11, 28)) == "2026年11月28日"
    assert zh.format_date(date(2026, 1, 5)) == "2026年1月5日"
    assert zh.weekday_zh(date(2026, 11, 28)) == "星期六"
    with pytest.raises(TypeError, match="format_datetime"):
        zh.format_date(datetime(2026, 11, 28, tzinfo=UTC))


def test_datetimes_are_shanghai_and_never_naive() -> None:
    assert zh.format_datetime(datetime(2026, 11, 28, 6, 5, tzinfo=UTC)) == "2026年11月28日 14:05"
    with pytest.raises(ValueError, match="时区"):
        zh.format_datetime(datetime(2026, 11, 28, 6, 5))


def test_masks_and_errors_without_values() -> None:
    assert zh.mask_card("6259 0000 0000 1235") == "尾号1235"
    assert zh.mask_id("110101199003070011") == "110***********0011"
    assert zh.mask_mobile("+86 138-0000-1234") == "138****1234"
    for function, value in (
        (zh.mask_card, "12"),
        (zh.mask_id, "1101011990"),
        (zh.mask_mobile, "91234567"),
    ):
        with pytest.raises(ValueError, match="无法脱敏") as caught:
            function(value)
        assert value not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "gender", "expected"),
    [
        ("张晓明", "male", "张先生"),
        ("李娜", "female", "李女士"),
        ("欧阳娜娜", "female", "欧阳女士"),
        ("司马懿", "male", "司马先生"),
        ("王芳", None, "王先生/女士"),
        ("阿卜杜热合曼·买买提依明", "male", "阿卜杜热合曼先生"),
    ],
)
def test_honorific(name: str, gender: str | None, expected: str) -> None:
    assert zh.honorific(name, gender) == expected


def test_doctests_are_the_spec() -> None:
    assert doctest.testmod(zh).failed == 0
