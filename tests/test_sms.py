"""SMS length as carriers bill it: signature included, 70/67, GSM-7 only when asked."""

from __future__ import annotations

import pytest

from dunletters.errors import SmsError
from dunletters.sms import compose_sms, measure, normalize_body


@pytest.mark.parametrize(
    ("body_chars", "segments"),
    [(1, 1), (64, 1), (65, 2), (128, 2), (129, 3), (195, 3), (196, 4)],
)
def test_segments_count_the_signature(body_chars: int, segments: int) -> None:
    # 【示范银行】 is 6 characters: 6 + 64 = 70 → 1; 6 + 65 = 71 → 2; 6 + 128 = 134 → 2.
    sms = compose_sms("示范银行", "字" * body_chars, max_segments=None)
    assert sms.length.characters == 6 + body_chars
    assert sms.segments == segments


def test_huawei_examples() -> None:
    # 华为云: 68 → 1, 134 → 2, 135 → 3 characters.
    assert [measure("字" * n).segments for n in (68, 134, 135)] == [1, 2, 3]


def test_aliyun_example() -> None:
    # 阿里云: 160 characters → 67 + 67 + 26 = 3 messages.
    assert measure("字" * 160).segments == 3


def test_ascii_is_ucs2_for_mainland() -> None:
    assert measure("a" * 100).segments == 2
    assert measure("a" * 100, international=True).segments == 1
    assert measure("a" * 161, international=True).segments == 2
    assert measure("a" * 153 * 2, international=True).segments == 2


def test_gsm_extension_characters_cost_two() -> None:
    assert measure("€" * 80, international=True).characters == 160
    assert measure("€" * 81, international=True).segments == 2


def test_chinese_forces_ucs2_even_when_international() -> None:
    assert measure("你" + "a" * 100, international=True).encoding == "UCS-2"


def test_emoji_counts_two_units() -> None:
    assert measure("😀").characters == 2


def test_budget_is_an_error_with_counts() -> None:
    with pytest.raises(SmsError, match=r"141字.*计费3条.*预算2条"):
        compose_sms("示范银行", "字" * 135)


def test_body_may_not_carry_brackets() -> None:
    with pytest.raises(SmsError, match="【】"):
        compose_sms("示范银行", "【示范银行】您好")


def test_whitespace_collapses() -> None:
    assert normalize_body("张先生：\n   您好 ，\tcall  95099 ") == "张先生：您好，call 95099"
    with pytest.raises(SmsError, match="为空"):
        compose_sms("示范银行", "  \n ")
