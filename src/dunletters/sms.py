"""Collection SMS: signature, length as carriers bill it, and the segment budget.

Mainland carriers and SMS platforms (阿里云、腾讯云、华为云 message rules):

* the platform prepends the signature as 【签名】 and it counts toward the length;
* every character — Chinese, Latin, digit, punctuation, full- or half-width — counts
  as one; ≤ 70 characters is one billed message, above that 67 per segment;
* the 160/153 GSM-7 counting applies only to international / 港澳台 numbers and only
  to text made entirely of GSM-7 characters (extension characters cost two).

A template body is written across lines for readability; the SMS is one paragraph,
so whitespace runs collapse (and vanish next to Chinese text, where a space would
be a visible gap and a billed character).
"""

from __future__ import annotations

import codecs
import functools
import math
import re
from dataclasses import dataclass

from dunletters.errors import SmsError

__all__ = ["Sms", "SmsLength", "compose_sms", "measure", "normalize_body"]

UCS2_SINGLE, UCS2_SEGMENT = 70, 67
GSM_SINGLE, GSM_SEGMENT = 160, 153

# 3GPP TS 23.038 default alphabet and its extension table (each extension char costs 2).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")

_WIDE = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BY_WIDE = re.compile(rf"(?<=[{_WIDE}]) | (?=[{_WIDE}])")


def normalize_body(body: str) -> str:
    """One paragraph: whitespace runs collapse, and disappear next to Chinese text.

    >>> normalize_body("  张先生，您好！\\n  您尾号1234的账户 \\n 已逾期。 ")
    '张先生，您好！您尾号1234的账户已逾期。'
    >>> normalize_body("call 95099  now")
    'call 95099 now'
    """
    # str.split() splits at runs of exactly the characters r"\s" matches (str.isspace:
    # tests/test_sms.py checks every code point) and drops the ends, as a
    # re.sub(r"\s+", " ") + strip() does, only faster (benchmarks/NOTES.md#sms).
    text = " ".join(body.split())
    if " " not in text:  # usual for Chinese: no lookaround scan needed
        return text
    return _SPACE_BY_WIDE.sub("", text)


@dataclass(frozen=True, slots=True)
class SmsLength:
    """How a carrier bills a text."""

    characters: int
    segments: int
    encoding: str
    """``"UCS-2"`` (mainland and any non-GSM text) or ``"GSM-7"``."""


def measure(text: str, *, international: bool = False) -> SmsLength:
    """Characters and billed segments of a complete SMS (signature included).

    >>> measure("【签名】" + "字" * 66)
    SmsLength(characters=70, segments=1, encoding='UCS-2')
    >>> measure("【签名】" + "字" * 67)
    SmsLength(characters=71, segments=2, encoding='UCS-2')
    >>> measure("x" * 160, international=True).segments
    1
    """
    if international and all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        return _length(sum(2 if c in _GSM_EXTENDED else 1 for c in text), True)
    # UTF-16 code units: a character outside the BMP (an emoji) takes two.
    return _length(len(_UTF16_BE(text)[0]) // 2, False)


_UTF16_BE = codecs.getencoder("utf-16-be")
"""``str.encode("utf-16-be")`` without looking the codec up by name every time
(benchmarks/NOTES.md#sms)."""


@functools.lru_cache(maxsize=1024)
def _length(units: int, gsm: bool) -> SmsLength:
    """The billing of ``units``: one shared, immutable result per count.

    A batch's SMS have a few dozen lengths between them, and building a frozen
    dataclass is dear per SMS (benchmarks/NOTES.md#sms). Positional arguments:
    keywords would make the cache's key dearer.
    """
    if gsm:
        single, segment, encoding = GSM_SINGLE, GSM_SEGMENT, "GSM-7"
    else:
        single, segment, encoding = UCS2_SINGLE, UCS2_SEGMENT, "UCS-2"
    segments = 1 if units <= single else math.ceil(units / segment)
    return SmsLength(units, segments, encoding)


@dataclass(frozen=True, slots=True)
class Sms:
    """A complete SMS as the debtor's phone shows it."""

    text: str
    length: SmsLength

    @property
    def segments(self) -> int:
        """Billed messages."""
        return self.length.segments


def compose_sms(
    signature: str, body: str, *, max_segments: int | None = 2, international: bool = False
) -> Sms:
    """【signature】 + the normalized body, measured, within the segment budget.

    Raises :class:`SmsError` if the body carries its own 【】 (the platform adds the
    signature; a second bracket pair is rejected by carriers) or is over budget.
    """
    text_body = normalize_body(body)
    if not text_body:
        raise SmsError("短信正文为空")
    if "【" in text_body or "】" in text_body:
        raise SmsError("短信正文不能包含【】：签名由平台自动添加")
    text = f"【{signature}】{text_body}"
    length = measure(text, international=international)
    if max_segments is not None and length.segments > max_segments:
        raise SmsError(
            f"短信共{length.characters}字（含签名），计费{length.segments}条，"
            f"超出预算{max_segments}条（70字以内1条，超过按67字/条计）"
        )
    return Sms(text, length)
