"""Chinese formatting on Babel: money, 大写金额, dates, masks and 称谓.

The doctests in this module are the specification. ``tests/test_zh.py`` runs them,
as Babel's own ``numbers.py`` does with its doctests.

Why this module exists rather than calling Babel (or cn2an) directly:

* **One rounding, half up.** Ledgers round half up (¥0.125 → ¥0.13). Babel rounds
  half-even by default (¥0.125 → ¥0.12) and cn2an truncates (99.999 → 玖拾玖元玖角玖分).
  Every function here calls :func:`quantize_fen` first, so the figures (¥…) and the
  capitals (人民币…) come from the same rounded value and always agree. Only
  ``Decimal`` (or an exact ``int``) is accepted: a float is refused with ``TypeError``,
  and so is ``bool``. Rounding runs in a private decimal context, so neither a
  caller's ``decimal`` settings nor a large amount can change the result or raise
  ``InvalidOperation``.
* **大写 by the PBoC rules** (《正确填写票据和结算凭证的基本规定》, see
  shared/reference/china-rules-and-formatting.md §C.1):
  壹贰叁…玖 拾佰仟万亿 元角分 整; 零 for zeros between digits, one 零 for a run;
  零 after 元 when 角 is 0 and 分 is not (required: 壹万元零柒分); 整 after an amount
  ending at 元; no 整 after 分; 壹拾 (never a bare 拾) for 10–19.

  **Rule 4(c), our one convention.** Where the 万 digit (or 亿, 万亿) or the 元
  digit is 0 and the next digit, 仟 or 角, is not, PBoC allows one 零 or none. We
  write **no 零 when the zero is the last digit of a group that is written**. The
  unit (万, 亿, 元) already marks the place: 壹拾万柒仟元伍角叁分 (107,000.53),
  壹仟陆佰捌拾元叁角贰分 (1,680.32). cn2an ≥ 0.5.24 does the same. We write **零 when a
  whole four-digit group is skipped**, because without it 壹亿柒仟 reads like 1.7亿:
  壹亿零柒仟元整 (100,007,000). 零 is of course always written where the rules
  require it: 壹亿零壹万元整, 壹仟零肆元伍角. Above 1亿, the count of 亿 is
  written as one number: 壹万贰仟叁佰亿元整 (not 壹万亿贰仟叁佰亿). No 整 after 角.

  :func:`parse_capitals` in strict mode accepts every spelling the rules allow. That
  includes the other 4(c) choice, 整/正 after 角, the 万亿…亿 form, traditional
  characters (圆 圓 貳 參 陸 萬 億) and 人民币 with or without it. It rejects
  everything else with a Chinese reason.
* **Babel pitfalls avoided.** Figures use ``zh_CN``'s symbols (other locales print
  ``CN¥``), U+00A5 ¥, and always two decimals: ``format_decimal`` would drop
  trailing zeros. The symbols are read from Babel once, and the ``#,##0.00`` layout
  is done here, because a ``babel.numbers`` call would be most of an SMS's render
  time in a batch (benchmarks/NOTES.md#zh). The tests check the output against
  ``format_currency(..., 'CNY', locale='zh_CN')`` for random amounts. A date pattern
  string such as ``'yMMMd'`` is taken as a pattern, not a skeleton (``202611月28``),
  so dates use the explicit pattern ``y年M月d日`` (no zero padding). Naive
  datetimes would print in UTC, so they are refused, and aware ones are always
  shown in Asia/Shanghai.
* **Personal data stays out of errors.** No error message repeats the value it was
  given (amount, capitals, card, ID, mobile, name). It says what kind of value was
  wrong, never what the value was.

>>> SHANGHAI.key, MAX_CAPITALS
('Asia/Shanghai', Decimal('9999999999999.99'))
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import cache, lru_cache
from itertools import product
from typing import NamedTuple
from zoneinfo import ZoneInfo

__all__ = [
    "COMMON_COMPOUND_SURNAMES",
    "COMPOUND_SURNAMES",
    "MAX_CAPITALS",
    "SHANGHAI",
    "CapitalsError",
    "amount_in_capitals",
    "capitals_problems",
    "format_date",
    "format_datetime",
    "format_money",
    "format_yuan",
    "honorific",
    "mask_card",
    "mask_id",
    "mask_mobile",
    "mask_reference",
    "parse_capitals",
    "quantize_fen",
    "surname",
    "weekday_zh",
    "within_magnitude",
]

SHANGHAI: ZoneInfo = ZoneInfo("Asia/Shanghai")
"""The one time zone letters and SMS are dated in."""

MAX_CAPITALS: Decimal = Decimal("9999999999999.99")
"""The largest amount :func:`amount_in_capitals` writes (just under 壹拾万亿元), and so the
largest a record may hold (``models.MAX_AMOUNT``, ``samples.LARGEST_AMOUNT``)."""

_FEN = Decimal("0.01")
# Enough precision for any amount we accept; the rounding is given in each call.
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)
_MAX_INTEGER_DIGITS = 30  # beyond this an "amount" is a data error, not money

# -- money ---------------------------------------------------------------------------


def _checked(amount: object) -> Decimal:
    if type(amount) is Decimal:  # the usual case: the type tests and Decimal() would pass
        value = amount  # as it is: the checks below are all it needs
    elif isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError("金额须为 Decimal（或整数），不能是浮点数、布尔值或文本")
    else:
        value = Decimal(amount)
    if not value.is_finite():
        raise ValueError("金额不是有限数值（NaN 或无穷大）")
    if not within_magnitude(value):
        raise ValueError("金额数量级过大，不是有效金额")
    return value


def within_magnitude(value: Decimal) -> bool:
    """Whether a finite figure has few enough integer digits to be an amount: a longer
    run (a card or ID number typed after ¥) is a data error, not money.

    >>> within_magnitude(Decimal("16409.02")), within_magnitude(Decimal("1" * 36))
    (True, False)
    """
    return not value or value.adjusted() < _MAX_INTEGER_DIGITS


def quantize_fen(amount: Decimal) -> Decimal:
    """Round once to the fen (0.01), half up, unlike Babel's default half-even.

    >>> quantize_fen(Decimal("0.125")), quantize_fen(Decimal("1004.505"))
    (Decimal('0.13'), Decimal('1004.51'))
    >>> quantize_fen(Decimal("7")), quantize_fen(Decimal("-0.004"))
    (Decimal('7.00'), Decimal('0.00'))
    >>> quantize_fen(1.25)
    Traceback (most recent call last):
    ...
    TypeError: 金额须为 Decimal（或整数），不能是浮点数、布尔值或文本
    >>> quantize_fen(Decimal("NaN"))
    Traceback (most recent call last):
    ...
    ValueError: 金额不是有限数值（NaN 或无穷大）
    """
    # Positional arguments: keywords make Decimal.quantize dearer (benchmarks/NOTES.md#zh).
    value = _checked(amount).quantize(_FEN, ROUND_HALF_UP, _CONTEXT)
    return value.copy_abs() if value.is_zero() else value  # never "-0.00"


class _Symbols(NamedTuple):
    group: str
    decimal: str
    yuan: str
    minus: str


@cache
def _symbols() -> _Symbols:
    """Babel's zh_CN number data, read once (see the module docstring) — on first use,
    not at import: loading the locale is slow and `dunletters lint` rarely needs it.
    """
    from babel.numbers import (
        get_currency_symbol,
        get_decimal_symbol,
        get_group_symbol,
        get_minus_sign_symbol,
    )

    return _Symbols(
        get_group_symbol("zh_CN"),
        get_decimal_symbol("zh_CN"),
        get_currency_symbol("CNY", "zh_CN"),
        get_minus_sign_symbol("zh_CN"),
    )


def _figures(value: Decimal) -> str:
    """#,##0.00 with zh_CN's symbols, for an already rounded amount."""
    figures = f"{value.copy_abs():,.2f}"  # no context
    symbols = _symbols()
    if symbols.group == "," and symbols.decimal == ".":  # zh_CN's: nothing to replace
        return figures
    whole, _, fraction = figures.partition(".")
    return whole.replace(",", symbols.group) + symbols.decimal + fraction


def format_money(amount: Decimal) -> str:
    """Figures for a letter: ¥ (U+00A5), thousands separators, always two decimals.

    The same text as Babel's ``format_currency(value, 'CNY', locale='zh_CN')``
    for the half-up rounded value.

    >>> format_money(Decimal("1004.5")), format_money(Decimal("0.125"))
    ('¥1,004.50', '¥0.13')
    >>> format_money(Decimal("-5.5")), format_money(Decimal("100000000"))
    ('-¥5.50', '¥100,000,000.00')
    """
    value = quantize_fen(amount)
    symbols = _symbols()
    return f"{symbols.minus if value.is_signed() else ''}{symbols.yuan}{_figures(value)}"


def format_yuan(amount: Decimal) -> str:
    """Figures for an SMS: no ¥ (carriers reject it), 元 after the number.

    >>> format_yuan(Decimal("1004.5")), format_yuan(Decimal("16409.02")), format_yuan(Decimal("0"))
    ('1,004.50元', '16,409.02元', '0.00元')
    """
    value = quantize_fen(amount)
    # is_signed() is "< 0" here: quantize_fen never returns -0.00 (and is cheaper).
    return f"{_symbols().minus if value.is_signed() else ''}{_figures(value)}元"


# -- 大写金额 ------------------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_VALUE = {char: index for index, char in enumerate(_DIGITS)}
_SMALL_UNITS = ("", "拾", "佰", "仟")
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def _four_digits(value: int) -> str:
    """Capitals of 0 < value < 10000: zeros inside as one 零, none at the end."""
    out: list[str] = []
    zero = False
    for position in range(3, -1, -1):
        digit = value // 10**position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[digit] + _SMALL_UNITS[position])
    return "".join(out)


def _segments(cents: int) -> list[tuple[str, ...]]:
    """The spelling of ``cents`` as a list of choices, the canonical one first.

    Joining the first choices gives :func:`amount_in_capitals`. Every combination
    of choices is an allowed spelling (rule 4(c), 万亿, 整 after 角). Needs
    ``cents < 10**18``.
    """
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    groups = [yuan // 10 ** (4 * index) % 10**4 for index in range(4)]
    out: list[tuple[str, ...]] = []
    previous: int | None = None
    for index in range(3, -1, -1):
        group = groups[index]
        if not group:
            continue
        if previous is not None:
            if group < 1000:  # 4(a)/(b): zeros before this group's first digit
                out.append(("零",))
            elif previous - index > 1:  # 4(c), a whole group skipped: we write 零
                out.append(("零", ""))
            elif groups[previous] % 10 == 0:  # 4(c), zero 万/亿 digit: we write none
                out.append(("", "零"))
        out.append((_four_digits(group),))
        if index == 3:  # the 万 of the count of 亿
            out.append(("万", "万亿") if groups[2] else ("万亿",))
        elif index:
            out.append(("万" if index == 1 else "亿",))
        previous = index
    if yuan:
        out.append(("元",))
        if jiao and yuan % 10 == 0:  # 4(c) at 元: we write none
            out.append(("", "零"))
        elif not jiao and fen:  # 4(d): required
            out.append(("零",))
    elif not rest:
        out.append(("零元",))
    if jiao:
        out.append((_DIGITS[jiao] + "角",))
    if fen:
        out.append((_DIGITS[fen] + "分",))
    else:
        out.append(("", "整") if jiao else ("整",))
    return out


def amount_in_capitals(amount: Decimal, *, prefix: bool = True) -> str:
    """大写金额 by the PBoC rules, from the same half-up rounded value as the figures.

    >>> amount_in_capitals(Decimal("1004.50"))
    '人民币壹仟零肆元伍角'
    >>> amount_in_capitals(Decimal("10000.07"))
    '人民币壹万元零柒分'
    >>> amount_in_capitals(Decimal("100000000.00"))
    '人民币壹亿元整'
    >>> amount_in_capitals(Decimal("16409.02"))
    '人民币壹万陆仟肆佰零玖元零贰分'
    >>> amount_in_capitals(Decimal("10.00")), amount_in_capitals(Decimal("0.05"))
    ('人民币壹拾元整', '人民币伍分')
    >>> amount_in_capitals(Decimal("0.50")), amount_in_capitals(Decimal("0"))
    ('人民币伍角', '人民币零元整')
    >>> amount_in_capitals(Decimal("100010000"))
    '人民币壹亿零壹万元整'
    >>> amount_in_capitals(Decimal("1409.50")), amount_in_capitals(Decimal("6007.14"))
    ('人民币壹仟肆佰零玖元伍角', '人民币陆仟零柒元壹角肆分')
    >>> amount_in_capitals(Decimal("325.04"))
    '人民币叁佰贰拾伍元零肆分'

    Rule 4(c): no 零 after a written 万/元 digit of 0; 零 where a whole group is skipped.

    >>> amount_in_capitals(Decimal("107000.53")), amount_in_capitals(Decimal("1680.32"))
    ('人民币壹拾万柒仟元伍角叁分', '人民币壹仟陆佰捌拾元叁角贰分')
    >>> amount_in_capitals(Decimal("100007000")), amount_in_capitals(Decimal("1230000000000"))
    ('人民币壹亿零柒仟元整', '人民币壹万贰仟叁佰亿元整')

    Rounded half up first, so it matches :func:`format_money`:

    >>> amount_in_capitals(Decimal("99.995"), prefix=False), format_money(Decimal("99.995"))
    ('壹佰元整', '¥100.00')
    >>> amount_in_capitals(Decimal("-1"))
    Traceback (most recent call last):
    ...
    ValueError: 大写金额不能为负数
    """
    value = quantize_fen(amount)
    if value < 0:
        raise ValueError("大写金额不能为负数")
    if value > MAX_CAPITALS:
        raise ValueError("金额超出大写可表示的范围（壹拾万亿元以下）")
    cents = int(value.scaleb(2, context=_CONTEXT))
    return ("人民币" if prefix else "") + "".join(choice[0] for choice in _segments(cents))


class CapitalsError(ValueError):
    """Capitals that are not a well-formed PBoC amount. ``reason`` says why, in Chinese.

    The reason never repeats the text. ``expected`` is the canonical spelling
    (without 人民币) when the amount could still be read, else ``None``.

    >>> try:
    ...     parse_capitals("人民币壹万元柒分")
    ... except CapitalsError as error:
    ...     print(error.reason, error.expected)
    角为零而分不为零时，元后须写「零」 壹万元零柒分
    """

    def __init__(self, reason: str, expected: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.expected = expected


_TRADITIONAL = str.maketrans(
    {
        "圆": "元",
        "圓": "元",
        "貳": "贰",
        "貮": "贰",
        "參": "叁",
        "叄": "叁",
        "陸": "陆",
        "萬": "万",
        "億": "亿",
        "正": "整",
    }
)
_LOWERCASE = {
    "〇": "零",
    "一": "壹",
    "二": "贰",
    "两": "贰",
    "兩": "贰",
    "三": "叁",
    "四": "肆",
    "五": "伍",
    "六": "陆",
    "七": "柒",
    "八": "捌",
    "九": "玖",
    "十": "拾",
    "百": "佰",
    "千": "仟",
    "廿": "贰拾",
    "念": "贰拾",
    "卅": "叁拾",
}
_ALLOWED = frozenset(_DIGITS) | frozenset("拾佰仟万亿元角分整")
_FRACTION = re.compile(r"(零?)(?:([零壹贰叁肆伍陆柒捌玖])角)?(零?)(?:([壹贰叁肆伍陆柒捌玖])分)?")


def _section(text: str, *, leading: bool, final: bool) -> tuple[int, bool]:
    """Read a run below 万 (壹仟零肆). Returns the value and whether a bare 拾 began it.

    ``leading``: nothing is written before it. ``final``: 元 comes after it, so a
    last digit with no unit may be a colloquial short form (壹仟伍 = 1,500?).
    """
    value = 0
    last = 10_000
    digit: int | None = None
    zero = False
    bare_shi = False
    for char in text:
        if char == "零":
            if digit is not None:
                raise CapitalsError("数字后缺少位数单位（拾、佰、仟）")
            zero = True
        elif char in _SMALL:
            unit = _SMALL[char]
            if unit >= last:
                raise CapitalsError("位数单位顺序不对（如「佰」后又写「仟」）")
            if digit is None:
                if unit != 10 or last != 10_000:
                    raise CapitalsError(f"「{char}」前缺少数字")
                digit, bare_shi = 1, True
            value += digit * unit
            last, digit, zero = unit, None, False
        else:
            if digit is not None:
                raise CapitalsError("数字后缺少位数单位（拾、佰、仟）")
            digit = _VALUE[char]
    if digit is not None:
        if final and not (zero or last == 10 or (leading and last == 10_000)):
            raise CapitalsError("末位数字后缺少位数单位，金额含义不明（如「壹仟伍」）")
        value += digit
    return value, bare_shi


def _wan(text: str, *, leading: bool, final: bool) -> tuple[int, bool]:
    if text.count("万") > 1:
        raise CapitalsError("「万」重复或位置不对")
    if "万" not in text:
        return _section(text, leading=leading, final=final)
    head, tail = text.split("万")
    if not head.strip("零"):
        raise CapitalsError("「万」前缺少数字")
    high, shi_high = _section(head, leading=leading, final=False)
    low, shi_low = _section(tail, leading=False, final=final)
    return high * 10**4 + low, shi_high or shi_low


def _integer(text: str) -> tuple[int, bool]:
    if "亿" not in text:
        return _wan(text, leading=True, final=True)
    head, tail = text.rsplit("亿", 1)
    if "亿" in head:  # 壹万亿贰仟亿: inside the count of 亿, 万亿 is its 万
        if head.count("亿") > 1 or "万亿" not in head or head.endswith("万亿"):
            raise CapitalsError("「亿」重复或位置不对")
        head = head.replace("万亿", "万")
    if not head.strip("零"):
        raise CapitalsError("「亿」前缺少数字")
    high, shi_high = _wan(head, leading=True, final=False)
    low, shi_low = _wan(tail, leading=False, final=True)
    return high * 10**8 + low, shi_high or shi_low


def _zero_problem(written: str, accepted: set[str]) -> str:
    """Say what is wrong when ``written`` is no allowed spelling of its own value."""
    bare = written.replace("零", "")
    counts = [form.count("零") for form in accepted if form.replace("零", "") == bare]
    if not counts:
        return "位数单位的写法不规范"
    if written.count("零") < min(counts):
        return "数字中间有 0 时须写「零」"
    if written.count("零") > max(counts):
        return "多写了「零」"
    return "「零」的位置不对"


def _read(text: str, problems: list[str]) -> tuple[int, str]:
    """Read capitals leniently into cents and add what strict mode objects to ``problems``.

    Also returns the canonical spelling. Raises CapitalsError when the text cannot
    be read as one unambiguous amount.
    """
    if not isinstance(text, str):
        raise TypeError("大写金额须为文本")
    body = text.strip()
    if not body:
        raise CapitalsError("大写金额为空")
    if body.startswith("人民币"):
        body = body.removeprefix("人民币")
        if body[:1].isspace():
            problems.append("「人民币」与大写金额之间不应留空")
        body = body.lstrip()
        if not body:
            raise CapitalsError("只有「人民币」，缺少金额")
    if re.search(r"\s", body):
        problems.append("大写金额中间不应有空格")
        body = re.sub(r"\s+", "", body)
    body = body.translate(_TRADITIONAL)
    if re.search(r"\d", body):
        raise CapitalsError("大写金额中不能出现阿拉伯数字")
    if any(char in _LOWERCASE for char in body):
        problems.append("须用大写数字（壹贰叁…拾佰仟），不能用一二三、十百千、两、廿")
        body = "".join(_LOWERCASE.get(char, char) for char in body)
    for wrong, right in (("毛", "角"), ("另", "零")):
        if wrong in body:
            problems.append(f"「{right}」不能写作「{wrong}」")
            body = body.replace(wrong, right)
    if any(char not in _ALLOWED for char in body):
        raise CapitalsError("含有大写金额以外的字符")
    if "零零" in body:
        problems.append("连续的零只写一个「零」")
        body = re.sub("零+", "零", body)
    whole = body.endswith("整")
    body = body.removesuffix("整")
    if "整" in body:
        raise CapitalsError("「整」只能写在末尾")
    if body.count("元") > 1:
        raise CapitalsError("「元」重复")
    if "元" in body:
        integer_text, fraction = body.split("元")
        if not integer_text:
            raise CapitalsError("「元」前缺少数字")
    elif "角" in body or "分" in body:
        integer_text, fraction = "", body
    else:
        raise CapitalsError("缺少「元」" if body else "缺少金额")
    yuan, bare_shi = _integer(integer_text) if integer_text.strip("零") else (0, False)
    match = _FRACTION.fullmatch(fraction)
    if match is None:
        raise CapitalsError("角、分的写法不对（数字后须写角或分，角在分前）")
    jiao = _VALUE[match.group(2)] if match.group(2) else 0
    fen = _VALUE[match.group(4)] if match.group(4) else 0
    cents = yuan * 100 + jiao * 10 + fen
    segments = _segments(cents)
    canonical = "".join(choice[0] for choice in segments)

    found: list[str] = []
    if not jiao and not fen and not whole:
        found.append("到「元」为止的金额须在末尾写「整」")
    if fen and whole:
        found.append("写到「分」的金额不能加「整」")
    if not yuan and integer_text and (jiao or fen):
        found.append("不足一元的金额直接写角、分，不写「零元」")
    if bare_shi:
        found.append("10–19 须写「壹拾」，不能只写「拾」")
    if match.group(2) == "零":
        found.append("角为零时不写「零角」，只写一个「零」")
    elif yuan and not jiao and fen and not fraction.startswith("零"):
        found.append("角为零而分不为零时，元后须写「零」")
    written = body + ("整" if whole else "")
    if not found and written != canonical:
        accepted = {"".join(choice) for choice in product(*segments)}
        if written not in accepted:
            found.append(_zero_problem(written, accepted))
    problems.extend(found)
    return cents, canonical


def parse_capitals(text: str, *, strict: bool = True) -> Decimal:
    """Read 大写 back into a Decimal. ``strict`` enforces the PBoC form.

    Every allowed spelling is accepted: 人民币 or not, 整/正, both 4(c) choices,
    the traditional characters. Amounts above :data:`MAX_CAPITALS` (up to
    10,000,000,000,000,000) are read and checked too; the range is the writer's limit.

    >>> parse_capitals("人民币壹万陆仟肆佰零玖元零贰分")
    Decimal('16409.02')
    >>> parse_capitals("壹拾万零柒仟元零伍角叁分"), parse_capitals("玖仟陆佰陆拾伍圆壹角捌分")
    (Decimal('107000.53'), Decimal('9665.18'))
    >>> parse_capitals("人民币壹亿零壹万元正"), parse_capitals("伍角整")
    (Decimal('100010000.00'), Decimal('0.50'))
    >>> parse_capitals("人民币壹万元柒分")
    Traceback (most recent call last):
    ...
    dunletters.zh.CapitalsError: 角为零而分不为零时，元后须写「零」

    Non-strict mode reads anything unambiguous, but it never guesses a
    colloquial short form such as 壹仟伍 (1,005 or 1,500?).

    >>> parse_capitals("人民币壹仟元", strict=False), parse_capitals("一千零五元五毛", strict=False)
    (Decimal('1000.00'), Decimal('1005.50'))
    >>> parse_capitals("壹仟伍元", strict=False)
    Traceback (most recent call last):
    ...
    dunletters.zh.CapitalsError: 末位数字后缺少位数单位，金额含义不明（如「壹仟伍」）
    """
    problems: list[str] = []
    try:
        cents, canonical = _read(text, problems)
    except CapitalsError as error:
        if strict and problems:
            raise CapitalsError(problems[0]) from error
        raise
    if strict and problems:
        raise CapitalsError(problems[0], expected=canonical)
    return Decimal(cents).scaleb(-2, context=_CONTEXT)


def capitals_problems(text: str) -> list[str]:
    """Everything strict mode objects to, in Chinese (an empty list means well formed).

    >>> capitals_problems("人民币壹万陆仟肆佰零玖元零贰分")
    []
    >>> capitals_problems("人民币一千元")
    ['须用大写数字（壹贰叁…拾佰仟），不能用一二三、十百千、两、廿', '到「元」为止的金额须在末尾写「整」']
    >>> capitals_problems("人民币壹佰仟元整")
    ['位数单位顺序不对（如「佰」后又写「仟」）']
    """
    problems: list[str] = []
    try:
        _read(text, problems)
    except CapitalsError as error:
        problems.append(error.reason)
    return problems


# -- dates ---------------------------------------------------------------------------


def _plain_date(value: object, function: str) -> date:
    if isinstance(value, datetime):
        raise TypeError(
            f"{function} 只接受日期（date）；带时间的请用 format_datetime，"
            "或先换算到 Asia/Shanghai 再取 .date()"
        )
    if not isinstance(value, date):
        raise TypeError(f"{function} 只接受 datetime.date")
    return value


@lru_cache(maxsize=1024)
def format_date(d: date) -> str:
    """A date as formal Chinese letters write it: 2026年11月28日, no zero padding.

    >>> format_date(date(2026, 11, 28)), format_date(date(2026, 1, 5))
    ('2026年11月28日', '2026年1月5日')
    >>> format_date(datetime(2026, 11, 28, 14, 5))
    Traceback (most recent call last):
    ...
    TypeError: format_date 只接受日期（date）；带时间的请用 format_datetime，或先换算到 Asia/Shanghai 再取 .date()
    """
    # Babel's "y年M月d日" for zh_CN laid out directly, since a Babel call is dear per SMS
    # (tests/test_zh.py checks it against Babel); a run prints a handful of dates over and
    # over, hence the cache (benchmarks/NOTES.md#zh).
    d = _plain_date(d, "format_date")
    return f"{d.year}年{d.month}月{d.day}日"


def format_datetime(dt: datetime) -> str:
    """A moment shown in Asia/Shanghai: 2026年11月28日 14:05. Naive datetimes are refused.

    >>> from datetime import timezone
    >>> format_datetime(datetime(2026, 11, 28, 6, 5, tzinfo=timezone.utc))
    '2026年11月28日 14:05'
    >>> format_datetime(datetime(2026, 11, 28, 6, 5))
    Traceback (most recent call last):
    ...
    ValueError: 时间缺少时区：不猜测服务器时区，请给出带时区的时间
    """
    if not isinstance(dt, datetime):
        raise TypeError("format_datetime 只接受 datetime.datetime")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("时间缺少时区：不猜测服务器时区，请给出带时区的时间")
    from babel.dates import format_datetime as babel_datetime

    return babel_datetime(dt, "y年M月d日 HH:mm", tzinfo=SHANGHAI, locale="zh_CN")


_WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def weekday_zh(d: date) -> str:
    """星期一 … 星期日 (Babel's ``EEEE``). A datetime is refused, as in :func:`format_date`.

    >>> weekday_zh(date(2026, 11, 28)), weekday_zh(date(2026, 11, 29))
    ('星期六', '星期日')
    """
    return _WEEKDAYS[_plain_date(d, "weekday_zh").weekday()]  # Babel's EEEE (tested)


# -- masks ---------------------------------------------------------------------------


def _normalized(number: object, kind: str) -> str:
    if not isinstance(number, str):
        raise TypeError(f"{kind}须为文本")
    return unicodedata.normalize("NFKC", number)


_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


def mask_card(number: str) -> str:
    """A card or loan-contract number as 尾号1234: the last 4 letters or digits.

    Spaces, hyphens and already-masked stars are skipped. Full-width digits count.

    >>> mask_card("6259 0000 0000 1234"), mask_card("HT2026-0088"), mask_card("6259****5678")
    ('尾号1234', '尾号0088', '尾号5678')
    >>> mask_card("12-3")
    Traceback (most recent call last):
    ...
    ValueError: 卡号/合同号中少于 4 位字母或数字，无法取尾号
    """
    if isinstance(number, str) and number.isascii() and number.isalnum():
        usable = number  # the usual form: NFKC and the filter below would change nothing
    else:
        usable = _NOT_ALNUM.sub("", _normalized(number, "卡号"))
    if len(usable) < 4:
        raise ValueError("卡号/合同号中少于 4 位字母或数字，无法取尾号")
    return f"尾号{usable[-4:]}"


def mask_id(number: str) -> str:
    """A mainland ID number (18 or 15 digits): first 3 and last 4 shown, the rest starred.

    >>> mask_id("110101199003071234"), mask_id("11010119900307123x"), mask_id("110101900307123")
    ('110***********1234', '110***********123X', '110********7123')
    >>> mask_id("1101011990")
    Traceback (most recent call last):
    ...
    ValueError: 不是 18 位或 15 位的身份证号，无法脱敏
    """
    cleaned = re.sub(r"[\s\-]", "", _normalized(number, "身份证号")).upper()
    if not re.fullmatch(r"\d{17}[\dX]|\d{15}", cleaned, flags=re.ASCII):
        raise ValueError("不是 18 位或 15 位的身份证号，无法脱敏")
    return cleaned[:3] + "*" * (len(cleaned) - 7) + cleaned[-4:]


def mask_mobile(number: str) -> str:
    """A mainland mobile number as 138****5678. +86, 86 and 0086 prefixes are accepted.

    >>> mask_mobile("13812345678"), mask_mobile("+86 138-1234-5678"), mask_mobile("8613812345678")
    ('138****5678', '138****5678', '138****5678')
    >>> mask_mobile("91234567")
    Traceback (most recent call last):
    ...
    ValueError: 不是中国大陆手机号（11 位，1 开头），无法脱敏
    """
    cleaned = re.sub(r"[\s\-().]", "", _normalized(number, "手机号")).removeprefix("+")
    for prefix in ("0086", "86"):
        if len(cleaned) == 11 + len(prefix) and cleaned.startswith(prefix):
            cleaned = cleaned.removeprefix(prefix)
    if not re.fullmatch(r"1[3-9]\d{9}", cleaned, flags=re.ASCII):
        raise ValueError("不是中国大陆手机号（11 位，1 开头），无法脱敏")
    return f"{cleaned[:3]}****{cleaned[-4:]}"


def mask_reference(reference: str) -> str:
    """A payment reference shown by its last four characters (it may name a bank account).

    >>> mask_reference("TXN-0001-5678"), mask_reference("1234"), mask_reference("")
    ('****5678', '****', '')
    """
    if not reference:
        return ""
    return "****" + reference[-4:] if len(reference) > 4 else "****"


# -- 称谓 ----------------------------------------------------------------------------

COMMON_COMPOUND_SURNAMES: tuple[str, ...] = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "慕容",
    "令狐",
)
"""The commonest 复姓, in the order the sample generator draws them."""

_OTHER_COMPOUND_SURNAMES = """
    尉迟 公孙 长孙 宇文 司徒 夏侯 端木 独孤 南宫 西门 百里
    呼延 轩辕 万俟 闻人 澹台 公冶 太史 申屠 赫连 拓跋 钟离
    濮阳 淳于 东郭 第五 左丘 梁丘 微生 羊舌 司空 司寇 亓官
    子车 巫马 公西 漆雕 壤驷 公良 谷梁 宰父 段干 东门 公羊
"""
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    (*COMMON_COMPOUND_SURNAMES, *_OTHER_COMPOUND_SURNAMES.split())
)
"""复姓 recognised by :func:`surname` (a name of only two characters is 单姓 + 名)."""

_NAME_DOTS = re.compile(r"[·•・‧]")  # 名·姓 separators: U+00B7, U+2022, U+30FB, U+2027
_LATIN = re.compile(r"[A-Za-z]")
_SPACES = re.compile(r"\s+")
_UNUSUAL = re.compile(r"[A-Za-z\s·•・‧]")
"""Every character :func:`surname`'s special cases act on: Latin, white space, dots."""


def surname(name: str) -> str:
    """The surname to address someone by. Compound surnames are kept.

    A name in Latin letters is returned whole, stripped. For a transliterated name
    (名·姓, e.g. Uyghur), this returns the first part, as bank staff address people.

    >>> surname("张晓明"), surname("欧阳娜娜"), surname("司马 懿"), surname("  John Smith ")
    ('张', '欧阳', '司马', 'John Smith')
    >>> surname("阿卜杜热合曼·买买提依明")
    '阿卜杜热合曼'
    """
    if not isinstance(name, str):
        raise TypeError("姓名须为文本")
    if name and not _UNUSUAL.search(name):
        # The usual 张晓明: strip, the Latin test, the space removal and the dot split
        # would all change nothing: one search instead of four steps (benchmarks/NOTES.md#zh).
        return name[:2] if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else name[0]
    cleaned = name.strip()
    if not cleaned:
        raise ValueError("姓名为空")
    if _LATIN.search(cleaned):
        return cleaned
    cleaned = _SPACES.sub("", cleaned)
    if _NAME_DOTS.search(cleaned):
        first = _NAME_DOTS.split(cleaned)[0]
        if first:
            return first
    if len(cleaned) > 2 and cleaned[:2] in COMPOUND_SURNAMES:
        return cleaned[:2]
    return cleaned[0]


_TITLES = {"male": "先生", "female": "女士", "男": "先生", "女": "女士"}


def honorific(name: str, gender: str | None) -> str:
    """称谓: surname + 先生/女士, or 先生/女士 when the gender is unknown (None).

    >>> honorific("张晓明", "male"), honorific("欧阳娜娜", "female"), honorific("李雷", None)
    ('张先生', '欧阳女士', '李先生/女士')
    >>> honorific("李雷", "M")
    Traceback (most recent call last):
    ...
    ValueError: 性别应为 male、female 或空
    """
    if gender is None or gender == "":
        title = "先生/女士"
    elif gender in _TITLES:
        title = _TITLES[gender]
    else:
        raise ValueError("性别应为 male、female 或空")
    return surname(name) + title
