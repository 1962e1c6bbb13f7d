"""Chinese formatting on Babel: money, 大写金额, dates, masks and 称谓.

The docstrings' examples are the specification (as in Babel's own ``numbers.py``).

* Every amount is rounded **once**, to the fen, with ``ROUND_HALF_UP`` (Babel
  rounds half-even by default: ¥0.125 would print as ¥0.12), and the figures and
  the capitals are both made from that one rounded value, so they always agree.
* 大写 follows the PBoC's 《正确填写票据和结算凭证的基本规定》: 零 for interior
  zeros, one 零 for a run, 零 after 元 when 角 is 0 and 分 is not, 整 after 元, no
  整 after 分, 壹拾 for 10–19. Where rule 4(c) allows 零 or not (a zero 万/亿/元
  digit before a non-zero 仟/角), we write none (壹拾万柒仟元, 壹仟陆佰捌拾元叁角贰分,
  as cn2an ≥ 0.5.24 does); a skipped 仟 digit or a skipped group always gets its 零
  (壹亿零壹万元整). The parser accepts every spelling the rules allow.
* Dates use the explicit pattern ``y年M月d日`` (no zero padding); datetimes must be
  timezone-aware and are shown in Asia/Shanghai — never the server's zone.
* Masks and errors never echo the value they were given: it is personal data.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import (
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
)

__all__ = [
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
    "parse_capitals",
    "quantize_fen",
    "surname",
    "weekday_zh",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_CAPITALS = Decimal("9999999999999.99")
_FEN = Decimal("0.01")
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")


def _check_decimal(amount: object) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError("金额须为 Decimal（或整数），不能是浮点数或文本")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError("金额不是有限数值")
    return value


def quantize_fen(amount: Decimal) -> Decimal:
    """Round once to the fen, half up (not Babel's half-even).

    >>> quantize_fen(Decimal("0.125")), quantize_fen(Decimal("1004.505")), quantize_fen(Decimal("7"))
    (Decimal('0.13'), Decimal('1004.51'), Decimal('7.00'))
    """
    return _check_decimal(amount).quantize(_FEN, rounding=ROUND_HALF_UP)


# Babel's zh_CN number data, read once. Formatting through babel.numbers costs
# ~0.1–0.2 ms a call — most of an SMS's render time in a batch — so the figures are
# laid out here with the same symbols and pattern (#,##0.00, ¤ before the number);
# tests/test_zh.py checks the result against babel.numbers for random amounts.
_GROUP = get_group_symbol("zh_CN")
_DECIMAL = get_decimal_symbol("zh_CN")
_YUAN_SIGN = get_currency_symbol("CNY", "zh_CN")
_MINUS = get_minus_sign_symbol("zh_CN")


def _figures(value: Decimal) -> str:
    """#,##0.00 with zh_CN's symbols, for an already rounded amount."""
    whole, _, fraction = f"{abs(value):,.2f}".partition(".")
    return whole.replace(",", _GROUP) + _DECIMAL + fraction


def format_money(amount: Decimal) -> str:
    """Figures for a letter: ¥ (U+00A5), thousands separators, two decimals.

    >>> format_money(Decimal("1004.5")), format_money(Decimal("0.125")), format_money(Decimal("-5.5"))
    ('¥1,004.50', '¥0.13', '-¥5.50')
    """
    value = quantize_fen(amount)
    return f"{_MINUS if value < 0 else ''}{_YUAN_SIGN}{_figures(value)}"


def format_yuan(amount: Decimal) -> str:
    """Figures for an SMS: no ¥ (carriers reject it), 元 after the number.

    >>> format_yuan(Decimal("1004.5")), format_yuan(Decimal("16409.02"))
    ('1,004.50元', '16,409.02元')
    """
    value = quantize_fen(amount)
    return f"{_MINUS if value < 0 else ''}{_figures(value)}元"


def _four_digits(value: int) -> str:
    """Capitals of 0 < value < 10000, with interior zeros as one 零."""
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


def _below_yi(value: int) -> str:
    """Capitals of 0 ≤ value < 10⁸ (up to 仟万)."""
    high, low = divmod(value, 10000)
    if not high:
        return _four_digits(low)
    out = _four_digits(high) + "万"
    if low:
        out += ("零" if low < 1000 else "") + _four_digits(low)
    return out


def _integer_capitals(value: int) -> str:
    """Capitals of the yuan part, read as Chinese does: …万…亿…万… (万亿 = 万 of 亿)."""
    high, low = divmod(value, 10**8)
    if not high:
        return _below_yi(low)
    out = _below_yi(high) + "亿"
    if low:
        out += ("零" if low < 10**7 else "") + _below_yi(low)
    return out


def amount_in_capitals(amount: Decimal, *, prefix: bool = True) -> str:
    """大写金额 by the PBoC rules, from the same half-up rounded value as the figures.

    >>> amount_in_capitals(Decimal("1004.50"))
    '人民币壹仟零肆元伍角'
    >>> amount_in_capitals(Decimal("10000.07"))
    '人民币壹万元零柒分'
    >>> amount_in_capitals(Decimal("100000000"))
    '人民币壹亿元整'
    >>> amount_in_capitals(Decimal("16409.02"))
    '人民币壹万陆仟肆佰零玖元零贰分'
    >>> amount_in_capitals(Decimal("10.00")), amount_in_capitals(Decimal("0.05"))
    ('人民币壹拾元整', '人民币伍分')
    >>> amount_in_capitals(Decimal("100010000")), amount_in_capitals(Decimal("107000.53"))
    ('人民币壹亿零壹万元整', '人民币壹拾万柒仟元伍角叁分')
    >>> amount_in_capitals(Decimal("0")), amount_in_capitals(Decimal("99.995"), prefix=False)
    ('人民币零元整', '壹佰元整')
    """
    value = quantize_fen(amount)
    if value < 0:
        raise ValueError("大写金额不能为负数")
    if value > MAX_CAPITALS:
        raise ValueError("金额超出大写可表示的范围（万亿元以内）")
    cents = int(value * 100)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    head = "人民币" if prefix else ""
    integer = _integer_capitals(yuan)
    if not rest:
        return f"{head}{integer or '零'}元整"
    out = f"{integer}元" if integer else ""
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif integer:
        out += "零"  # 4(d): 角 is 0 and 分 is not — 零 is required after 元
    if fen:
        out += _DIGITS[fen] + "分"
    return head + out


class CapitalsError(ValueError):
    """大写 that is not a well-formed PBoC amount; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_TRADITIONAL = str.maketrans(
    {"圆": "元", "貳": "贰", "參": "叁", "陸": "陆", "萬": "万", "億": "亿", "正": "整"}
)
_LOWERCASE = re.compile(r"[一二三四五六七八九十百千两]")
_VALUE = {char: index for index, char in enumerate(_DIGITS)}
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}
_FRACTION = re.compile(f"(?:([{_DIGITS[1:]}])角)?(?:([{_DIGITS[1:]}])分)?")
_ARABIC = re.compile(r"[0-9]")
_MISSING_ZERO = re.compile(r"元[壹贰叁肆伍陆柒捌玖]分")


def _parse_section(text: str) -> int:
    """Parse a run below 万 (壹仟零肆); raises CapitalsError on misplaced units."""
    total = 0
    digit: int | None = None
    last_unit = 10000
    for char in text:
        if char in _VALUE:
            if digit is not None and digit != 0 and char != "零":
                raise CapitalsError("数字之间缺少位数单位")
            digit = _VALUE[char]
        elif char in _SMALL:
            unit = _SMALL[char]
            if digit is None or digit == 0:
                raise CapitalsError(f"「{char}」前缺少数字（10–19 应写壹拾）")
            if unit >= last_unit:
                raise CapitalsError("位数单位顺序错误")
            total += digit * unit
            last_unit = unit
            digit = None
        else:  # pragma: no cover - callers pass only digits and small units
            raise CapitalsError(f"不应出现「{char}」")
    if digit:
        total += digit
    return total


def _parse_integer(text: str) -> int:
    if "亿" in text:
        head, tail = text.rsplit("亿", 1)
        # 壹万亿叁仟亿: inside the count of 亿, "万亿" is just 万 (万亿 is the largest unit).
        head = head.replace("万亿", "万")
        if not head.strip("零") or "亿" in head:
            raise CapitalsError("「亿」前缺少数字或单位重复")
        return _parse_wan(head) * 10**8 + _parse_wan(tail)
    return _parse_wan(text)


def _parse_wan(text: str) -> int:
    if "万" in text:
        head, tail = text.split("万", 1)
        if not head.strip("零"):
            raise CapitalsError("「万」前缺少数字")
        return _parse_section(head) * 10**4 + _parse_section(tail)
    return _parse_section(text)


def parse_capitals(text: str, *, strict: bool = True) -> Decimal:
    """Read 大写 back into a Decimal; ``strict`` enforces the PBoC form.

    >>> parse_capitals("人民币壹万陆仟肆佰零玖元零贰分")
    Decimal('16409.02')
    >>> parse_capitals("壹拾万柒仟元零伍角叁分"), parse_capitals("玖仟陆佰陆拾伍圆壹角捌分")
    (Decimal('107000.53'), Decimal('9665.18'))
    >>> parse_capitals("人民币壹万元柒分")
    Traceback (most recent call last):
    ...
    dunletters.zh.CapitalsError: 角为零而分不为零时，元后须写「零」
    >>> parse_capitals("人民币壹仟元", strict=False)
    Decimal('1000.00')
    """
    original = text.strip()
    if not original:
        raise CapitalsError("大写金额为空")
    body = original.removeprefix("人民币").strip().translate(_TRADITIONAL)
    if strict:
        _strict_checks(body)
    whole = body.endswith("整")
    body = body.removesuffix("整")
    if "整" in body:
        raise CapitalsError("「整」只能写在末尾")
    bad = next(
        (c for c in body if c not in _VALUE and c not in _SMALL and c not in "万亿元角分"), None
    )
    if bad is not None:
        raise CapitalsError(f"不应出现「{bad}」")
    integer_text, _, fraction = body.partition("元") if "元" in body else ("", "", body)
    if "元" not in body and not any(u in body for u in "角分"):
        raise CapitalsError("缺少「元」")
    integer = _parse_integer(integer_text.rstrip("零")) if integer_text.strip("零") else 0
    jiao = fen = 0
    rest = fraction.lstrip("零")
    match = _FRACTION.fullmatch(rest)
    if match is None:
        raise CapitalsError("角分部分写法不正确")
    if match.group(1):
        jiao = _VALUE[match.group(1)]
    if match.group(2):
        fen = _VALUE[match.group(2)]
    if whole and fen:
        raise CapitalsError("写到「分」的金额不能加「整」")
    value = (Decimal(integer) + Decimal(jiao) / 10 + Decimal(fen) / 100).quantize(_FEN)
    if strict and value <= MAX_CAPITALS:
        written = body + ("整" if whole else "")
        canonical = amount_in_capitals(value, prefix=False)
        if written != canonical and written not in _accepted_forms(value):
            raise CapitalsError(f"写法不规范，应写作「{canonical}」")
    return value


_DIGIT_CLASS = "[壹贰叁肆伍陆柒捌玖]"


def _accepted_forms(value: Decimal) -> set[str]:
    """Every PBoC-acceptable spelling of an amount (the canonical one and rule 4(c)/整 variants)."""
    forms = {amount_in_capitals(value, prefix=False)}
    toggles = (
        (rf"([拾佰仟])万({_DIGIT_CLASS}仟)", r"\1万零\2"),
        (rf"([拾佰仟万])亿({_DIGIT_CLASS}仟)", r"\1亿零\2"),
        (rf"([拾佰仟万亿])元({_DIGIT_CLASS}角)", r"\1元零\2"),
    )
    for pattern, replacement in toggles:
        forms |= {re.sub(pattern, replacement, form) for form in forms}
    forms |= {form + "整" for form in forms if form.endswith("角")}
    return forms


def _strict_checks(body: str) -> None:
    if _LOWERCASE.search(body):
        raise CapitalsError("须用大写数字（壹贰叁…拾佰仟），不能用一二三或十百千")
    if _ARABIC.search(body):
        raise CapitalsError("大写金额中不能出现阿拉伯数字")
    for wrong in ("毛", "另"):
        if wrong in body:
            raise CapitalsError(f"不能用「{wrong}」")
    if "零零" in body:
        raise CapitalsError("连续的零只写一个「零」")
    if body.endswith("分整"):
        raise CapitalsError("写到「分」的金额不能加「整」")
    if body.endswith("元"):
        raise CapitalsError("到「元」为止的金额须在末尾写「整」")
    if _MISSING_ZERO.search(body):
        raise CapitalsError("角为零而分不为零时，元后须写「零」")
    if body.startswith("拾"):
        raise CapitalsError("10–19 应写「壹拾」")


def capitals_problems(text: str) -> list[str]:
    """Why a 大写 amount is not well formed (empty list: it is).

    >>> capitals_problems("人民币壹万陆仟肆佰零玖元零贰分"), capitals_problems("人民币一千元整")
    ([], ['须用大写数字（壹贰叁…拾佰仟），不能用一二三或十百千'])
    """
    try:
        parse_capitals(text, strict=True)
    except CapitalsError as error:
        return [error.reason]
    return []


def format_date(value: date) -> str:
    """A date as formal Chinese letters write it: 2026年11月28日, no zero padding.

    >>> format_date(date(2026, 11, 28)), format_date(date(2026, 1, 5))
    ('2026年11月28日', '2026年1月5日')
    """
    if isinstance(value, datetime):
        raise TypeError("format_date 只接受日期；带时间的请用 format_datetime")
    if not isinstance(value, date):
        raise TypeError("format_date 只接受 datetime.date")
    return _babel_date(value, "y年M月d日", locale="zh_CN")


def format_datetime(value: datetime) -> str:
    """A moment in Asia/Shanghai: 2026年11月28日 14:05. Naive datetimes are refused.

    >>> from datetime import timezone
    >>> format_datetime(datetime(2026, 11, 28, 6, 5, tzinfo=timezone.utc))
    '2026年11月28日 14:05'
    """
    if not isinstance(value, datetime):
        raise TypeError("format_datetime 只接受 datetime.datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("时间缺少时区：不能猜测服务器时区，请给出带时区的时间")
    return _babel_datetime(value, "y年M月d日 HH:mm", tzinfo=SHANGHAI, locale="zh_CN")


def weekday_zh(value: date) -> str:
    """星期一 … 星期日.

    >>> weekday_zh(date(2026, 11, 28))
    '星期六'
    """
    return "星期" + "一二三四五六日"[value.weekday()]


def _digits_only(number: str, kind: str) -> str:
    if not isinstance(number, str):
        raise TypeError(f"{kind}须为文本")
    return re.sub(r"[\s\-]", "", number)


def mask_card(number: str) -> str:
    """A card or loan number as 尾号1234.

    >>> mask_card("6259 0000 0000 1234"), mask_card("HT2026-0088")
    ('尾号1234', '尾号0088')
    """
    cleaned = _digits_only(number, "卡号")
    if len(cleaned) < 4 or not cleaned.isalnum():
        raise ValueError("卡号/合同号过短或含非法字符，无法脱敏")
    return f"尾号{cleaned[-4:]}"


def mask_id(number: str) -> str:
    """A mainland ID number: first 3 and last 4 shown, the rest starred.

    >>> mask_id("110101199003071234")
    '110***********1234'
    """
    cleaned = _digits_only(number, "身份证号").upper()
    if not re.fullmatch(r"\d{17}[\dX]|\d{15}", cleaned):
        raise ValueError("不是有效的身份证号格式，无法脱敏")
    return cleaned[:3] + "*" * (len(cleaned) - 7) + cleaned[-4:]


def mask_mobile(number: str) -> str:
    """A mainland mobile as 138****5678 (+86 / 0086 prefixes accepted).

    >>> mask_mobile("13812345678"), mask_mobile("+86 138-1234-5678")
    ('138****5678', '138****5678')
    """
    cleaned = _digits_only(number, "手机号").removeprefix("+")
    for prefix in ("0086", "86"):
        if len(cleaned) == 11 + len(prefix) and cleaned.startswith(prefix):
            cleaned = cleaned[len(prefix) :]
    if not re.fullmatch(r"1[3-9]\d{9}", cleaned):
        raise ValueError("不是中国大陆手机号，无法脱敏")
    return f"{cleaned[:3]}****{cleaned[-4:]}"


COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "令狐",
        "夏侯",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "轩辕",
        "万俟",
        "闻人",
        "澹台",
        "公冶",
        "太史",
        "申屠",
        "赫连",
        "拓跋",
        "钟离",
        "濮阳",
        "淳于",
        "单于",
        "东郭",
        "第五",
        "左丘",
        "梁丘",
        "微生",
        "羊舌",
        "司空",
        "司寇",
        "亓官",
        "子车",
        "巫马",
        "公西",
        "漆雕",
        "乐正",
        "壤驷",
        "公良",
        "谷梁",
        "宰父",
        "段干",
        "东门",
        "公羊",
    ]
)


def surname(name: str) -> str:
    """The surname for a 称谓: compound surnames kept; 名·姓 names use the first part.

    >>> surname("张晓明"), surname("欧阳娜娜"), surname("John Smith")
    ('张', '欧阳', 'John Smith')
    >>> surname("阿卜杜热合曼·买买提依明")
    '阿卜杜热合曼'
    """
    cleaned = name.strip()
    if not cleaned:
        raise ValueError("姓名为空")
    if re.search(r"[A-Za-z]", cleaned):
        return cleaned
    if "·" in cleaned or "•" in cleaned:
        # Transliterated names (维吾尔族等) have no surname in the Han sense: address
        # the person by the first part of the name, as bank staff do.
        return re.split(r"[·•]", cleaned)[0]
    if cleaned[:2] in COMPOUND_SURNAMES and len(cleaned) > 2:
        return cleaned[:2]
    return cleaned[0]


def honorific(name: str, gender: str | None) -> str:
    """称谓 for an SMS: surname + 先生/女士 (先生/女士 when gender is unknown).

    >>> honorific("张晓明", "male"), honorific("欧阳娜娜", "female"), honorific("李雷", None)
    ('张先生', '欧阳女士', '李先生/女士')
    """
    title = {"male": "先生", "female": "女士"}.get(gender or "", "先生/女士")
    return surname(name) + title
