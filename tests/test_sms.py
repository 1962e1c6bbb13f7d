"""SMS length as carriers bill it: signature included, 70/67, GSM-7 only when asked."""

from __future__ import annotations

import random
import re
import sys

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


_WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))]


def _normalize_by_regex(body: str) -> str:
    """normalize_body as first written (regular expressions only): the reference."""
    text = re.sub(r"\s+", " ", body).strip()
    return re.sub(
        r"(?<=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]) "
        r"| (?=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef])",
        "",
        text,
    )


def test_split_whitespace_is_regex_whitespace() -> None:
    # normalize_body relies on str.split() and r"\s" agreeing on every code point.
    assert [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()] == _WHITESPACE
    for space in _WHITESPACE:
        assert normalize_body(f"{space}a{space}{space}b{space}") == "a b"
        assert normalize_body(f"张{space}先生") == "张先生"


def test_normalize_body_agrees_with_regex_reference() -> None:
    rng = random.Random(20261128)
    alphabet = [*_WHITESPACE, "a", "Z", "9", "，", "张", "。", "　", "😀", "\x00", "\u200b"]
    for _ in range(20_000):
        body = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        assert normalize_body(body) == _normalize_by_regex(body), repr(body)


def _measure_directly(text: str, international: bool) -> tuple[int, int, str]:
    """measure() as first written, without the shared results: the reference."""
    if international and all(c in _GSM_CHARS for c in text):
        units = sum(2 if c in "^{}\\[~]|€\f" else 1 for c in text)
        single, segment, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-be")) // 2
        single, segment, encoding = 70, 67, "UCS-2"
    return units, (1 if units <= single else -(-units // segment)), encoding


_GSM_CHARS = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€\f"
)


def test_measure_agrees_with_direct_count() -> None:
    rng = random.Random(7)
    alphabet = ["字", "a", "€", "😀", "𠀀", "\n", "{", "é", "，"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(400)))
        for international in (False, True):
            length = measure(text, international=international)
            expected = _measure_directly(text, international)
            assert (length.characters, length.segments, length.encoding) == expected
    assert measure("字" * 80) is measure("字" * 80)  # shared: immutable
    with pytest.raises(UnicodeEncodeError, match=r"'utf-16-be' codec .* surrogates not allowed"):
        measure("a\ud800")  # as str.encode("utf-16-be") says it
