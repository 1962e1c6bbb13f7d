"""Synthetic accounts: the built-in samples and a seeded generator.

Template authors preview a template against a sample account for its stage, the
linter renders drafts against them, and tests and benchmarks generate thousands.
Every person here is invented: names are drawn from common surname and given-name
characters, card numbers are Luhn-valid numbers in a made-up 62xxxx range, mobiles
are random 1[3-9]xxxxxxxxx numbers. None refers to a real person or account.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from dunletters import zh
from dunletters.checksums import id_check_digit, luhn_check_digit
from dunletters.models import Account
from dunletters.vocabulary import STAGES

__all__ = [
    "LARGEST_AMOUNT",
    "LONGEST_NAME",
    "generate_accounts",
    "sample_account",
    "sample_accounts",
    "synthetic_id_number",
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = zh.COMMON_COMPOUND_SURNAMES
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红梅海燕玉兰俊峰晓东"
    "雪梅文博思远子涵欣怡浩然宇轩雨桐嘉怡梓萱一诺佳琪泽宇博文晨曦"
    "堃喆玥彧祎珺琛璟昊煜瑾蕊"
)
"""Given-name characters, ending with ones outside GB2312 level 1 (堃 喆 玥 彧 祎 珺 …)
so that font coverage is exercised, not assumed."""

LONGEST_NAME = "阿卜杜热合曼·买买提依明·艾则孜"
"""A long (Uyghur, transliterated) name: the layout must keep one page with it."""

LARGEST_AMOUNT = zh.MAX_CAPITALS
"""The largest amount 大写 can express; the letter must still fit one page."""


def _card(rng: random.Random) -> str:
    body = "62" + "".join(str(rng.randrange(10)) for _ in range(13))
    return body + luhn_check_digit(body)


def _mobile(rng: random.Random) -> str:
    return "1" + str(rng.choice("3456789")) + "".join(str(rng.randrange(10)) for _ in range(9))


def synthetic_id_number(rng: random.Random) -> str:
    """A well-formed (GB 11643 check digit) but invented mainland ID number."""
    area = rng.choice(("110101", "310104", "440305", "510107", "330106"))
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 40))
    seq = f"{rng.randrange(1000):03d}"
    body = area + birth.strftime("%Y%m%d") + seq
    return body + id_check_digit(body)


def _name(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.04 else rng.choice(SURNAMES)
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))


def _amounts(rng: random.Random, scale: int) -> tuple[Decimal, Decimal, Decimal]:
    principal = Decimal(rng.randrange(100_00, scale * 100)) / 100
    interest = (principal * Decimal(rng.randrange(1, 80)) / 1000).quantize(Decimal("0.01"))
    fees = Decimal(rng.randrange(0, 500_00)) / 100
    return principal, interest, fees


_DISTRICTS = ("北京市朝阳区", "上海市徐汇区", "广州市天河区", "成都市武侯区")

_STAGE_DAYS: dict[str, int] = dict(zip(STAGES, (3, 12, 24, 45), strict=True))
"""Days past due of each stage's sample: inside the default policy's ranges."""


def sample_account(
    stage: str = "early",
    *,
    hardship: bool = False,
    promises_broken: int = 0,
    long_name: bool = False,
    large_amount: bool = False,
    as_of: date = date(2026, 11, 28),
) -> Account:
    """A fixed, readable sample account for a stage (for previews, drafts, goldens)."""
    days = _STAGE_DAYS.get(stage, 3)
    principal, interest, fees = Decimal("15680.00"), Decimal("312.45"), Decimal("416.57")
    if large_amount:
        principal = Decimal("9999999990000.00")
        interest = Decimal("9000.00")
        fees = Decimal("999.99")
    return Account(
        account_id=f"SAMPLE-{stage.upper()}",
        name=LONGEST_NAME if long_name else "张晓明",
        gender="male",
        card_number="6259000000011234",  # Luhn-valid: DL605 sees it printed whole
        mobile="13800001234",
        address="上海市浦东新区示例路88弄8号",
        principal=principal,
        interest=interest,
        fees=fees,
        due_date=as_of - timedelta(days=days),
        days_past_due=days,
        hardship=hardship,
        promises_broken=promises_broken,
    )


def sample_accounts(as_of: date = date(2026, 11, 28)) -> dict[str, Account]:
    """The named sample accounts a template author can pick from."""
    samples: dict[str, Account] = {}
    for stage in _STAGE_DAYS:
        samples[stage] = sample_account(stage, as_of=as_of)
    samples["hardship"] = sample_account("middle", hardship=True, as_of=as_of)
    samples["broken-promises"] = sample_account("late", promises_broken=3, as_of=as_of)
    samples["long-name"] = sample_account("final", long_name=True, as_of=as_of)
    samples["large-amount"] = sample_account("final", large_amount=True, as_of=as_of)
    return samples


def generate_accounts(
    n: int, *, seed: int = 20261128, as_of: date = date(2026, 11, 28)
) -> Iterator[dict[str, str]]:
    """Yield ``n`` synthetic input rows (canonical columns, text cells as in a CSV).

    The mix follows a typical monthly file: mostly early and middle stages, some
    hardship and broken promises, a few disputes, deceased and promises to pay.
    """
    rng = random.Random(seed)
    for index in range(n):
        days = rng.choice((1, 2, 3, 4, 5, 7, 9, 12, 15, 18, 20, 23, 26, 28, 31, 45, 60, 95))
        principal, interest, fees = _amounts(rng, rng.choice((5_000, 50_000, 300_000)))
        roll = rng.random()
        yield {
            "account_id": f"A{index + 1:08d}",
            "name": _name(rng),
            "gender": rng.choice(("男", "女")),
            "card_number": _card(rng),
            "mobile": _mobile(rng),
            "address": rng.choice(_DISTRICTS) + f"示例路{rng.randrange(1, 999)}号",
            "principal": str(principal),
            "interest": str(interest),
            "fees": str(fees),
            "total_due": str(principal + interest + fees),
            "due_date": (as_of - timedelta(days=days)).isoformat(),
            "days_past_due": str(days),
            "dispute": "是" if roll < 0.01 else "否",
            "deceased": "是" if 0.01 <= roll < 0.015 else "否",
            "hardship": "是" if 0.1 <= roll < 0.2 else "否",
            "promises_broken": str(rng.choice((0, 0, 0, 0, 1, 2, 3))),
            "promise_to_pay_until": (as_of + timedelta(days=3)).isoformat()
            if 0.2 <= roll < 0.22
            else "",
        }
