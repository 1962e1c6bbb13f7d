"""Chinese formatting: PBoC 大写 tables, the strict parser, property tests, dates, masks.

The worked cases come from shared/reference/china-rules-and-formatting.md §C.1
(PBoC 《正确填写票据和结算凭证的基本规定》). Where rule 4(c) allows 零 or none, the
writer's one convention is: no 零 after a written 万/亿/元 whose digit is 0, and 零
where a whole four-digit group is skipped. The parser accepts both.
"""

from __future__ import annotations

import contextlib
import doctest
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

import pytest
from babel.numbers import format_currency, format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from dunletters import zh
from dunletters.zh import (
    MAX_CAPITALS,
    CapitalsError,
    amount_in_capitals,
    capitals_problems,
    parse_capitals,
)

# -- 大写: worked cases ---------------------------------------------------------------

REQUIRED = [
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
]

EDGES = [
    ("0", "人民币零元整"),
    ("0.01", "人民币壹分"),
    ("0.10", "人民币壹角"),
    ("0.55", "人民币伍角伍分"),
    ("10", "人民币壹拾元整"),
    ("11", "人民币壹拾壹元整"),
    ("19", "人民币壹拾玖元整"),
    ("20", "人民币贰拾元整"),
    ("100", "人民币壹佰元整"),
    ("101", "人民币壹佰零壹元整"),
    ("110", "人民币壹佰壹拾元整"),
    ("1000", "人民币壹仟元整"),
    ("1001", "人民币壹仟零壹元整"),
    ("1010", "人民币壹仟零壹拾元整"),
    ("10001", "人民币壹万零壹元整"),
    ("100000", "人民币壹拾万元整"),
    ("100100", "人民币壹拾万零壹佰元整"),
    ("110000", "人民币壹拾壹万元整"),
    ("150000", "人民币壹拾伍万元整"),
    ("1000000", "人民币壹佰万元整"),
    ("10000000", "人民币壹仟万元整"),
    ("100000000", "人民币壹亿元整"),
    ("1500000000", "人民币壹拾伍亿元整"),
    ("2000000000.00", "人民币贰拾亿元整"),
    ("1000000000000", "人民币壹万亿元整"),
    ("1000100000000", "人民币壹万零壹亿元整"),
    ("1230000000000", "人民币壹万贰仟叁佰亿元整"),
    ("9999999999999.99", "人民币玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ("30000.50", "人民币叁万元伍角"),
    ("10000.10", "人民币壹万元壹角"),
    ("100000000.50", "人民币壹亿元伍角"),
    # Rule 4(c), our convention: no 零 after a written 万/元 whose digit is 0 ...
    ("1680.32", "人民币壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "人民币壹拾万柒仟元伍角叁分"),
    ("103453", "人民币壹拾万叁仟肆佰伍拾叁元整"),
    ("1000000010000", "人民币壹万亿零壹万元整"),
    ("1200000000000", "人民币壹万贰仟亿元整"),
    ("1050000000", "人民币壹拾亿伍仟万元整"),
    # ... and 零 where a whole group is skipped (else 壹亿柒仟 reads like 1.7亿).
    ("100007000", "人民币壹亿零柒仟元整"),
    ("1000000007000", "人民币壹万亿零柒仟元整"),
    ("100000700", "人民币壹亿零柒佰元整"),
]


@pytest.mark.parametrize(("amount", "capitals"), REQUIRED + EDGES)
def test_worked_cases(amount: str, capitals: str) -> None:
    value = Decimal(amount).quantize(Decimal("0.01"))
    assert amount_in_capitals(Decimal(amount)) == capitals
    assert amount_in_capitals(Decimal(amount), prefix=False) == capitals.removeprefix("人民币")
    assert parse_capitals(capitals) == value
    assert parse_capitals(capitals.removeprefix("人民币")) == value
    assert capitals_problems(capitals) == []


def test_integers_are_exact_amounts_too() -> None:
    # Typed as Decimal; an int is exact, so it is accepted at run time (a float is not).
    assert amount_in_capitals(10) == "人民币壹拾元整"  # type: ignore[arg-type]
    assert zh.format_money(10) == "¥10.00"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "figure", "yuan", "capitals"),
    [
        ("0.125", "¥0.13", "0.13元", "人民币壹角叁分"),
        ("0.005", "¥0.01", "0.01元", "人民币壹分"),
        ("0.004", "¥0.00", "0.00元", "人民币零元整"),
        ("99.995", "¥100.00", "100.00元", "人民币壹佰元整"),
        ("1004.505", "¥1,004.51", "1,004.51元", "人民币壹仟零肆元伍角壹分"),
        ("2.675", "¥2.68", "2.68元", "人民币贰元陆角捌分"),
    ],
)
def test_figures_and_capitals_round_half_up_together(
    amount: str, figure: str, yuan: str, capitals: str
) -> None:
    value = Decimal(amount)
    assert zh.format_money(value) == figure
    assert zh.format_yuan(value) == yuan
    assert amount_in_capitals(value) == capitals
    assert parse_capitals(capitals) == zh.quantize_fen(value)


def test_quantize_fen() -> None:
    assert zh.quantize_fen(Decimal("0.125")) == Decimal("0.13")
    assert zh.quantize_fen(Decimal("1004.505")) == Decimal("1004.51")
    assert zh.quantize_fen(Decimal("-1004.505")) == Decimal("-1004.51")
    assert str(zh.quantize_fen(Decimal("7"))) == "7.00"
    assert str(zh.quantize_fen(Decimal("-0.001"))) == "0.00"  # no negative zero


def test_money_formats() -> None:
    assert zh.format_money(Decimal("1004.5")) == "¥1,004.50"
    assert zh.format_money(Decimal("-5.5")) == "-¥5.50"
    assert zh.format_money(Decimal("-0.001")) == "¥0.00"
    assert zh.format_money(Decimal("0.5")) == "¥0.50"
    assert zh.format_money(Decimal("100000000")) == "¥100,000,000.00"
    assert "\u00a5" in zh.format_money(Decimal(1)) and "\uffe5" not in zh.format_money(Decimal(1))
    assert zh.format_yuan(Decimal("1004.5")) == "1,004.50元"
    assert zh.format_yuan(Decimal("-5.5")) == "-5.50元"


def test_callers_decimal_context_changes_nothing() -> None:
    with localcontext() as context:
        context.prec = 3
        assert zh.quantize_fen(Decimal("1004.505")) == Decimal("1004.51")
        assert zh.format_money(Decimal("123456789.125")) == "¥123,456,789.13"
        assert amount_in_capitals(Decimal("16409.02")) == "人民币壹万陆仟肆佰零玖元零贰分"
        assert parse_capitals("人民币壹万陆仟肆佰零玖元零贰分") == Decimal("16409.02")
    assert zh.format_money(Decimal("1e25")) == "¥10,000,000,000,000,000,000,000,000.00"


@pytest.mark.parametrize(
    "bad",
    [Decimal("-0.01"), Decimal("-1"), Decimal("10000000000000"), Decimal("9999999999999.995")],
)
def test_capitals_range(bad: Decimal) -> None:
    with pytest.raises(ValueError, match=r"负数|范围") as caught:
        amount_in_capitals(bad)
    assert str(bad) not in str(caught.value)


@pytest.mark.parametrize(
    "bad", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity")]
)
@pytest.mark.parametrize(
    "function", [zh.quantize_fen, zh.format_money, zh.format_yuan, amount_in_capitals]
)
def test_not_finite(function: object, bad: Decimal) -> None:
    with pytest.raises(ValueError, match="有限数值"):
        function(bad)  # type: ignore[operator]


def test_absurd_magnitude_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="数量级"):
        zh.format_money(Decimal("1e40"))


@pytest.mark.parametrize("bad", [1.5, 0.0, True, False, "1.00", None])
@pytest.mark.parametrize(
    "function", [zh.quantize_fen, zh.format_money, zh.format_yuan, amount_in_capitals]
)
def test_no_floats_bools_or_text(function: object, bad: object) -> None:
    with pytest.raises(TypeError, match="Decimal") as caught:
        function(bad)  # type: ignore[operator]
    assert repr(bad) not in str(caught.value)


# -- 大写: the parser -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        # Rule 4(c): the other choice, at 万 and at 元, and both at once.
        ("人民币壹拾万零柒仟元伍角叁分", "107000.53"),
        ("人民币壹拾万柒仟元零伍角叁分", "107000.53"),
        ("人民币壹拾万零柒仟元零伍角叁分", "107000.53"),
        ("人民币壹仟陆佰捌拾元零叁角贰分", "1680.32"),
        ("人民币壹拾万零叁仟肆佰伍拾叁元整", "103453"),
        ("人民币叁万元零伍角", "30000.50"),
        ("壹亿柒仟元整", "100007000"),  # a skipped group: 零 may also be left out
        ("壹拾亿零伍仟万元整", "1050000000"),
        # 整/正 after 角; 正 for 整; 圆 and the traditional characters; 万亿…亿.
        ("人民币壹仟零肆元伍角整", "1004.50"),
        ("人民币壹亿零壹万元正", "100010000"),
        ("玖仟陆佰陆拾伍圆壹角捌分", "9665.18"),
        ("貳萬參仟陸佰圓整", "23600"),
        ("壹億圓整", "100000000"),
        ("壹万亿贰仟叁佰亿元整", "1230000000000"),
        ("壹万亿零壹亿元整", "1000100000000"),
        ("  人民币壹仟元整  ", "1000"),
    ],
)
def test_every_allowed_spelling_parses_strictly(written: str, amount: str) -> None:
    assert parse_capitals(written) == Decimal(amount).quantize(Decimal("0.01"))
    assert capitals_problems(written) == []


STRICT_REJECTS = [
    ("人民币壹万元柒分", "元后须写「零」"),  # 10000.07 without the required 零
    ("人民币叁佰贰拾伍元肆分", "元后须写「零」"),
    ("人民币一千零四元五角", "大写数字"),
    ("人民币壹仟零肆元伍角", None),  # control: fine
    ("人民币两万元整", "大写数字"),
    ("人民币壹拾元零五分", "大写数字"),
    ("人民币十元整", "大写数字"),
    ("人民币廿元整", "大写数字"),
    ("人民币壹仟元伍毛", "不能写作「毛」"),
    ("人民币壹仟另伍元整", "不能写作「另」"),
    ("人民币1000元整", "阿拉伯数字"),
    ("人民币壹仟元伍角贰分整", "不能加「整」"),
    ("人民币伍分整", "不能加「整」"),
    ("人民币壹仟元", "须在末尾写「整」"),
    ("人民币壹亿元", "须在末尾写「整」"),
    ("人民币壹仟零零壹元整", "只写一个「零」"),
    ("人民币壹佰仟元整", "单位顺序"),
    ("人民币壹仟佰元整", "缺少数字"),
    ("人民币拾元整", "壹拾"),
    ("人民币拾伍万元整", "壹拾"),
    ("人民币壹亿壹万元整", "须写「零」"),  # 100,010,000
    ("人民币壹仟壹拾元整", "须写「零」"),  # 1,010
    ("人民币壹万壹拾元整", "须写「零」"),  # 10,010
    ("人民币壹仟肆元伍角", "含义不明"),  # 1,004.50 without 零 reads like 1,400.50
    ("人民币陆仟柒元壹角肆分", "含义不明"),
    ("人民币壹仟零肆元零伍角", "多写了「零」"),  # 元 digit is 4: no 4(c) 零
    ("人民币伍万零柒仟元整", "多写了「零」"),  # 万 digit is 5: no 4(c) 零
    ("人民币零伍分", "多写了「零」"),
    ("人民币零元伍角", "不写「零元」"),
    ("人民币壹万元零角柒分", "零角"),
    ("人民币 壹仟元整", "不应留空"),
    ("人民币壹仟 零肆元整", "不应有空格"),
    ("人民币壹仟元整整", "只能写在末尾"),
    ("人民币壹仟伍元", "含义不明"),  # 1,005 or 1,500?
    ("人民币壹万伍元整", "含义不明"),
    ("人民币壹仟元伍", "角、分"),
    ("¥壹仟元整", "以外的字符"),
    ("人民币壹仟", "缺少「元」"),
    ("人民币元伍角", "前缺少数字"),
    ("人民币壹万亿亿元整", "「亿」"),
    ("人民币壹万壹万元整", "「万」"),
]


@pytest.mark.parametrize(("written", "reason"), [r for r in STRICT_REJECTS if r[1]])
def test_strict_parser_rejects_with_a_reason(written: str, reason: str) -> None:
    with pytest.raises(CapitalsError, match=reason) as caught:
        parse_capitals(written)
    assert isinstance(caught.value, ValueError)
    assert caught.value.reason == str(caught.value)
    assert re.search(r"[\u4e00-\u9fff]", caught.value.reason)  # a Chinese reason
    # The reason never repeats the text (it may be personal data).
    assert written.strip().removeprefix("人民币").strip() not in caught.value.reason
    assert capitals_problems(written)[0] == caught.value.reason


@pytest.mark.parametrize("written", ["", "   ", "人民币"])
def test_empty_capitals(written: str) -> None:
    for strict in (True, False):
        with pytest.raises(CapitalsError, match=r"为空|缺少金额"):
            parse_capitals(written, strict=strict)


def test_capitals_error_carries_the_expected_spelling() -> None:
    with pytest.raises(CapitalsError) as caught:
        parse_capitals("人民币壹亿壹万元整")
    assert caught.value.expected == "壹亿零壹万元整"
    assert "壹亿零壹万元整" not in str(caught.value)
    with pytest.raises(CapitalsError) as unreadable:
        parse_capitals("人民币壹佰仟元整")
    assert unreadable.value.expected is None


def test_capitals_problems_lists_every_problem() -> None:
    assert capitals_problems("人民币壹万陆仟肆佰零玖元零贰分") == []
    problems = capitals_problems("人民币 一千元")
    assert len(problems) == 3
    assert any("不应留空" in p for p in problems)
    assert any("大写数字" in p for p in problems)
    assert any("整" in p for p in problems)


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("人民币壹仟元", "1000"),
        ("人民币壹万元柒分", "10000.07"),
        ("人民币壹万元零角柒分", "10000.07"),
        ("一千零五元五毛", "1005.50"),
        ("两万元", "20000"),
        ("人民币拾元整", "10"),
        ("人民币伍分整", "0.05"),
        ("人民币壹仟零零壹元整", "1001"),
        ("壹亿壹万元整", "100010000"),
        ("零元伍角", "0.50"),
        ("人民币 壹仟 元整", "1000"),
    ],
)
def test_lenient_parser_reads_anything_unambiguous(written: str, amount: str) -> None:
    assert parse_capitals(written, strict=False) == Decimal(amount).quantize(Decimal("0.01"))
    with pytest.raises(CapitalsError):
        parse_capitals(written)


@pytest.mark.parametrize(
    "written",
    [
        "壹仟伍元",
        "壹万伍元整",
        "壹亿伍元整",
        "壹仟元伍",
        "壹佰仟元整",
        "壹仟元整整",
        "壹仟",
        "1000元",
        "伍角伍角",
    ],
)
def test_lenient_parser_still_refuses_the_ambiguous(written: str) -> None:
    with pytest.raises(CapitalsError):
        parse_capitals(written, strict=False)


def test_parser_type_error() -> None:
    with pytest.raises(TypeError):
        parse_capitals(1000)  # type: ignore[arg-type]


# -- 大写: properties ----------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def naive_value(capitals: str) -> Decimal:
    """A textbook reading of canonical capitals, independent of zh's parser."""
    text = capitals.removeprefix("人民币").removesuffix("整")
    integer, _, fraction = text.partition("元") if "元" in text else ("", "", text)
    total = section = number = 0
    for char in integer:
        if char in _DIGITS:
            number = _DIGITS.index(char)
        elif char in _UNITS:
            section, number = section + number * _UNITS[char], 0
        elif char == "万":
            section, number = (section + number) * 10**4, 0
        elif char == "亿":
            total, section, number = (total + section + number) * 10**8, 0, 0
    cents = (total + section + number) * 100
    for digit, unit in re.findall(r"([壹贰叁肆伍陆柒捌玖])([角分])", fraction):
        cents += _DIGITS.index(digit) * (10 if unit == "角" else 1)
    return Decimal(cents) / 100


def _with_zeros(cents: int, mask: int) -> int:
    """Zero the digits of ``cents`` picked by ``mask``: zeros are where 大写 goes wrong."""
    digits = [
        "0" if mask >> position & 1 else digit
        for position, digit in enumerate(reversed(str(cents)))
    ]
    return int("".join(reversed(digits)))


# Any amount of the range, small ones more often, with runs of zeros in any place.
CENTS = st.builds(
    _with_zeros,
    st.one_of(
        st.integers(min_value=0, max_value=10**7),
        st.integers(min_value=0, max_value=int(MAX_CAPITALS * 100)),
    ),
    st.integers(min_value=0, max_value=2**15 - 1),
)
AMOUNTS = CENTS.map(lambda cents: Decimal(cents).scaleb(-2))


@settings(max_examples=2000, deadline=None)
@given(AMOUNTS)
def test_capitals_round_trip(amount: Decimal) -> None:
    capitals = amount_in_capitals(amount)
    assert parse_capitals(capitals) == amount
    assert parse_capitals(amount_in_capitals(amount, prefix=False)) == amount
    assert parse_capitals(capitals, strict=False) == amount
    assert naive_value(capitals) == amount
    assert "零零" not in capitals
    assert capitals.endswith("整") == (amount % 1 == 0)
    assert not capitals.removeprefix("人民币").startswith(("拾", "零")) or amount == 0


@settings(max_examples=300, deadline=None)
@given(AMOUNTS, st.data())
def test_a_zero_more_or_less_never_changes_the_value(amount: Decimal, data: st.DataObject) -> None:
    """Adding or dropping one 零 is either another allowed spelling or an error."""
    capitals = amount_in_capitals(amount, prefix=False)
    where = data.draw(st.integers(min_value=0, max_value=len(capitals)))
    mutations = [capitals[:where] + "零" + capitals[where:]]
    if "零" in capitals:
        zeros = [i for i, char in enumerate(capitals) if char == "零"]
        drop = data.draw(st.sampled_from(zeros))
        mutations.append(capitals[:drop] + capitals[drop + 1 :])
    for mutated in mutations:
        for strict in (True, False):
            with contextlib.suppress(CapitalsError):
                assert parse_capitals(mutated, strict=strict) == amount


@settings(max_examples=500, deadline=None)
@given(AMOUNTS)
def test_figures_round_trip(amount: Decimal) -> None:
    assert Decimal(zh.format_money(amount).removeprefix("¥").replace(",", "")) == amount
    assert Decimal(zh.format_yuan(amount).removesuffix("元").replace(",", "")) == amount


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(10**17) + 1, max_value=10**17 - 1))
def test_figures_match_babel(cents: int) -> None:
    """The fast layout says exactly what babel.numbers says for zh_CN."""
    amount = Decimal(cents).scaleb(-2)
    assert zh.format_money(amount) == format_currency(amount, "CNY", locale="zh_CN")
    expected = format_decimal(amount, format="#,##0.00", locale="zh_CN") + "元"
    assert zh.format_yuan(amount) == expected


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False))
def test_figures_and_capitals_always_agree(amount: Decimal) -> None:
    rounded = zh.quantize_fen(amount)
    money = zh.format_money(amount)
    assert Decimal(money.replace("¥", "").replace(",", "")) == rounded
    if rounded >= 0:
        assert parse_capitals(amount_in_capitals(amount)) == rounded


# -- dates ---------------------------------------------------------------------------


def test_dates_have_no_zero_padding() -> None:
    assert zh.format_date(date(2026, 11, 28)) == "2026年11月28日"
    assert zh.format_date(date(2026, 1, 5)) == "2026年1月5日"
    assert zh.format_date(date(2027, 10, 1)) == "2027年10月1日"


@pytest.mark.parametrize(
    ("day", "weekday"),
    [
        (date(2026, 11, 28), "星期六"),
        (date(2026, 11, 29), "星期日"),
        (date(2026, 11, 30), "星期一"),
    ],
)
def test_weekday(day: date, weekday: str) -> None:
    assert zh.weekday_zh(day) == weekday


@pytest.mark.parametrize("function", [zh.format_date, zh.weekday_zh])
def test_a_datetime_is_not_a_date(function: object) -> None:
    with pytest.raises(TypeError, match="format_datetime"):
        function(datetime(2026, 11, 28, tzinfo=UTC))  # type: ignore[operator]
    with pytest.raises(TypeError):
        function("2026-11-28")  # type: ignore[operator]


def test_datetimes_are_shown_in_shanghai() -> None:
    assert zh.format_datetime(datetime(2026, 11, 28, 6, 5, tzinfo=UTC)) == "2026年11月28日 14:05"
    # Across midnight, and from another zone.
    assert zh.format_datetime(datetime(2026, 11, 28, 17, 30, tzinfo=UTC)) == "2026年11月29日 01:30"
    new_york = datetime(2026, 11, 28, 1, 5, tzinfo=ZoneInfo("America/New_York"))
    assert zh.format_datetime(new_york) == "2026年11月28日 14:05"
    plus_eight = datetime(2026, 1, 5, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    assert zh.format_datetime(plus_eight) == "2026年1月5日 09:00"
    assert zh.SHANGHAI.key == "Asia/Shanghai"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="时区"):
        zh.format_datetime(datetime(2026, 11, 28, 6, 5))
    with pytest.raises(TypeError):
        zh.format_datetime(date(2026, 11, 28))  # type: ignore[arg-type]


# -- masks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("6259000000001234", "尾号1234"),
        ("6259 0000 0000 1235", "尾号1235"),
        ("6259-0000-0000-1236", "尾号1236"),
        ("HT2026-0088", "尾号0088"),
        ("LN20260001AB", "尾号01AB"),
        ("6259********5678", "尾号5678"),
        ("６２５９００００１２３４", "尾号1234"),  # full-width digits
        ("1234", "尾号1234"),
    ],
)
def test_mask_card(number: str, masked: str) -> None:
    assert zh.mask_card(number) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("110101199003071234", "110***********1234"),
        ("11010119900307123X", "110***********123X"),
        ("11010119900307123x", "110***********123X"),
        ("110101 19900307 1234", "110***********1234"),
        ("110101900307123", "110********7123"),
    ],
)
def test_mask_id(number: str, masked: str) -> None:
    assert zh.mask_id(number) == masked
    assert len(masked) == len(re.sub(r"\s", "", number))


@pytest.mark.parametrize(
    "number",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+8613812345678",
        "+86 138-1234-5678",
        "86 13812345678",
        "008613812345678",
        "+86 (138) 1234 5678",
    ],
)
def test_mask_mobile(number: str) -> None:
    assert zh.mask_mobile(number) == "138****5678"


@pytest.mark.parametrize(
    ("function", "value"),
    [
        (zh.mask_card, "123"),
        (zh.mask_card, "12-3"),
        (zh.mask_card, "ab-c"),
        (zh.mask_id, "1101011990"),
        (zh.mask_id, "11010119900307123Y"),
        (zh.mask_id, "1101011990030712345"),
        (zh.mask_mobile, "91234567"),
        (zh.mask_mobile, "12812345678"),
        (zh.mask_mobile, "1381234567"),
        (zh.mask_mobile, "+44 7700 900123"),
    ],
)
def test_mask_errors_never_echo_the_value(function: object, value: str) -> None:
    with pytest.raises(ValueError) as caught:  # noqa: PT011 - the point is what it does not say
        function(value)  # type: ignore[operator]
    assert value not in str(caught.value)
    assert re.sub(r"\D", "", value) not in str(caught.value) or len(re.sub(r"\D", "", value)) < 4


@pytest.mark.parametrize("function", [zh.mask_card, zh.mask_id, zh.mask_mobile])
def test_masks_want_text(function: object) -> None:
    with pytest.raises(TypeError) as caught:
        function(13812345678)  # type: ignore[operator]
    assert "13812345678" not in str(caught.value)


# -- 称谓 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张晓明", "张"),
        ("李娜", "李"),
        ("欧阳娜娜", "欧阳"),
        ("司马懿", "司马"),
        ("诸葛亮", "诸葛"),
        ("上官婉儿", "上官"),
        ("尉迟恭", "尉迟"),
        ("万俟卨", "万俟"),
        ("万伟", "万"),  # a 复姓's first character alone is a surname too
        ("欧阳", "欧"),  # two characters: 单姓 + 名
        (" 王 芳 ", "王"),
        ("John Smith", "John Smith"),
        ("  Li Na  ", "Li Na"),
        ("阿卜杜热合曼·买买提依明", "阿卜杜热合曼"),
    ],
)
def test_surname(name: str, expected: str) -> None:
    assert zh.surname(name) == expected


@pytest.mark.parametrize(
    ("name", "gender", "expected"),
    [
        ("张晓明", "male", "张先生"),
        ("李娜", "female", "李女士"),
        ("王芳", None, "王先生/女士"),
        ("欧阳娜娜", "female", "欧阳女士"),
        ("欧阳修", "male", "欧阳先生"),
        ("司马懿", None, "司马先生/女士"),
        ("诸葛亮", "male", "诸葛先生"),
        ("阿卜杜热合曼·买买提依明", "male", "阿卜杜热合曼先生"),
        ("John Smith", "male", "John Smith先生"),
    ],
)
def test_honorific(name: str, gender: str | None, expected: str) -> None:
    assert zh.honorific(name, gender) == expected


def test_honorific_errors_do_not_echo() -> None:
    with pytest.raises(ValueError, match="性别") as caught:
        zh.honorific("张晓明", "unknown-gender")
    assert "unknown-gender" not in str(caught.value)
    assert "张晓明" not in str(caught.value)
    with pytest.raises(ValueError, match="姓名为空"):
        zh.honorific("   ", "male")


# -- the doctests are the spec --------------------------------------------------------


def test_doctests_are_the_spec() -> None:
    result = doctest.testmod(zh)
    assert result.attempted > 40
    assert result.failed == 0


def test_every_public_function_has_a_doctest() -> None:
    for name in zh.__all__:
        obj = getattr(zh, name)
        if callable(obj) and not isinstance(obj, type | frozenset):
            assert obj.__doc__ and ">>>" in obj.__doc__, name


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
@settings(max_examples=500, deadline=None)
def test_dates_match_babel(d: date) -> None:
    """The direct layouts say exactly what Babel's zh_CN patterns say."""
    from babel.dates import format_date as babel_date

    assert zh.format_date(d) == babel_date(d, "y年M月d日", locale="zh_CN")
    assert zh.weekday_zh(d) == babel_date(d, "EEEE", locale="zh_CN")


# -- fast paths agree with the general ones ---------------------------------------------


def _surname_general(name: str) -> str:
    """zh.surname's general steps alone (strip, Latin, spaces, dots): the reference."""
    cleaned = name.strip()
    if not cleaned:
        raise ValueError("姓名为空")
    if re.search(r"[A-Za-z]", cleaned):
        return cleaned
    cleaned = re.sub(r"\s+", "", cleaned)
    if re.search(r"[·•・‧]", cleaned):
        first = re.split(r"[·•・‧]", cleaned)[0]
        if first:
            return first
    if len(cleaned) > 2 and cleaned[:2] in zh.COMPOUND_SURNAMES:
        return cleaned[:2]
    return cleaned[0]


_NAME_PARTS = [
    "张",
    "欧阳",
    "司马",
    "万",
    "俟",
    "晓",
    "明",
    "𠀀",
    "Ｊ",
    "a",
    "Z",
    " ",
    "\u3000",
    "\t",
]
_NAME_PARTS += ["·", "•", "・", "‧", "<b>", "é", "ß", "0", "-", "\u200b"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_NAME_PARTS), max_size=6).map("".join))
def test_surname_fast_path_agrees(name: str) -> None:
    try:
        expected = _surname_general(name)
    except ValueError as error:
        with pytest.raises(ValueError, match=str(error)):
            zh.surname(name)
    else:
        assert zh.surname(name) == expected


def test_remembered_dates_still_refuse_datetimes() -> None:
    day = date(2026, 12, 3)
    assert zh.format_date(day) == zh.format_date(date(2026, 12, 3)) == "2026年12月3日"
    with pytest.raises(TypeError, match="format_datetime"):
        zh.format_date(datetime(2026, 12, 3))  # equal hash, but not a date


def test_date_memo_is_bounded() -> None:
    for offset in range(3000):
        day = date(2000, 1, 1) + timedelta(days=offset)
        assert zh.format_date(day) == f"{day.year}年{day.month}月{day.day}日"
    assert zh.format_date.cache_info().currsize <= 1024


def test_figures_with_other_symbols(monkeypatch: pytest.MonkeyPatch) -> None:
    # zh_CN's symbols skip the replacement; any other locale data still gets it.
    monkeypatch.setattr(zh, "_symbols", lambda: zh._Symbols(".", ",", "¥", "−"))
    assert zh.format_money(Decimal("-1234567.891")) == "−¥1.234.567,89"
    assert zh.format_yuan(Decimal("0.004")) == "0,00元"


def test_decimal_subclasses_and_ints_take_the_general_path() -> None:
    class Money(Decimal):
        pass

    assert zh.format_yuan(Money("1004.505")) == zh.format_yuan(Decimal("1004.505")) == "1,004.51元"
    assert type(zh.quantize_fen(Money("1"))) is Decimal
    assert zh.format_money(7) == "¥7.00"
    with pytest.raises(TypeError):
        zh.format_yuan(True)
