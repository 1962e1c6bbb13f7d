"""DL2xx 正确性: amounts, 大写, sums and dates agree with the record and with themselves."""

from __future__ import annotations

import bisect
import re
from datetime import date
from decimal import Decimal

from dunletters import zh
from dunletters.lint.context import LintContext
from dunletters.lint.findings import Severity
from dunletters.lint.rule import Hit, Rule, rule
from dunletters.lint.rules.claims import contact_claim
from dunletters.lint.rules.common import (
    _DEADLINE_WORDS,
    say,
)
from dunletters.lint.rules.existence import declared

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# -- DL2xx 正确性 ------------------------------------------------------------------------


def _record_amounts(ctx: LintContext) -> set[Decimal]:
    account = ctx.account
    assert account is not None
    parts = (account.principal, account.interest, account.fees)
    values = {
        account.total_due,
        *parts,
        parts[0] + parts[1],
        parts[1] + parts[2],
        parts[0] + parts[2],
    }
    if account.minimum_due is not None:
        values.add(account.minimum_due)
    # Record amounts have at most two decimals (models.parse_amount refuses more), and
    # equal Decimals hash alike whatever their exponent: no rounding needed to compare.
    return values


@rule(
    "DL201",
    "amount-mismatch",
    principle="正确性",
    needs=("record",),
    rationale="信中所写的款项数额必须正确（原则六：正确性）。",
    what="正文中的某个金额与记录中的任何金额（本金、利息、违约金、合计）都对不上。",
    why="写错金额会让债务人多付或少付，引发投诉和纠纷，也削弱催收函的证据效力。",
    fail=("您的欠款合计¥16,490.02。",),
    passes=("您的欠款合计¥16,409.02，其中本金¥15,680.00。",),
    use_instead="金额一律用记录字段和 money 过滤器生成，不要手写数字。",
)
def amount_mismatch(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    money = ctx.view.money
    if not money:
        return hits
    account = ctx.account
    assert account is not None
    # Most figures are the total or one of its parts: compare those first, and add
    # up the pairs only for a figure that is none of them.
    written = (account.total_due, account.principal, account.interest, account.fees)
    allowed: set[Decimal] | None = None
    for span in money:
        # A written figure has at most two decimals (see TextView.money), and equal
        # Decimals compare (and hash) alike whatever their exponent: no rounding needed.
        if span.amount in written:
            continue
        if allowed is None:
            allowed = _record_amounts(ctx)
        if span.amount not in allowed:
            hits.append(Hit(span.start, span.end, say(ctx, "DL201", "mismatch", amount=span.text)))
    return hits


def _figure_before(ctx: LintContext, start: int, ends: list[int]) -> Decimal | None:
    """The last money figure before ``start`` on the same line (its 小写).

    ``ends``: where each of ``ctx.view.money`` ends (figures are in text order and
    never overlap, so the candidates are those ending before ``start``).
    """
    line_start = ctx.text.rfind("\n", 0, start) + 1
    money = ctx.view.money
    index = bisect.bisect_right(ends, start)
    if index and money[index - 1].start >= line_start:
        return money[index - 1].amount
    return None


def _spelled(figure: Decimal | None) -> str | None:
    """The figure's canonical 大写, or None: no figure, or one beyond what 大写 can
    spell (壹拾万亿元 and up), which must not stop the lint of the document."""
    if figure is None or zh.quantize_fen(figure) > zh.MAX_CAPITALS:
        return None
    return zh.amount_in_capitals(figure)


@rule(
    "DL202",
    "capitals-mismatch",
    principle="正确性",
    rationale="大写金额须与小写一致，且符合人民银行《正确填写票据和结算凭证的基本规定》。",
    what="大写金额与旁边的数字金额不一致，或大写写法不合规范（缺「整」、缺「零」、用小写数字等）。",
    why="大小写不一致时金额以哪一个为准会产生争议；不规范的大写在财务上不被接受。",
    fail=("合计¥16,409.02（人民币壹万陆仟肆佰玖元贰分）", "合计¥10.00（人民币拾元）"),
    passes=("合计¥16,409.02（人民币壹万陆仟肆佰零玖元零贰分）",),
    use_instead="大写一律用 capitals 过滤器由同一金额生成。",
)
def capitals_mismatch(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    if not ctx.view.capitals:
        return hits
    ends = [span.end for span in ctx.view.money]
    for span in ctx.view.capitals:
        figure = _figure_before(ctx, span.start, ends)
        right = _spelled(figure)
        if right is not None and span.text == right:
            continue  # the canonical spelling of its own figure: well formed and equal
        try:
            value = zh.parse_capitals(span.text, strict=True)
        except zh.CapitalsError as error:
            hits.append(
                Hit(
                    span.start,
                    span.end,
                    say(ctx, "DL202", "malformed", capitals=span.text, reason=error.reason),
                )
            )
            continue
        if figure is not None and zh.quantize_fen(figure) != value:
            hits.append(
                Hit(
                    span.start,
                    span.end,
                    say(
                        ctx,
                        "DL202",
                        "mismatch",
                        capitals=span.text,
                        figure=zh.format_money(figure),
                    ),
                    suggestion=right,
                )
            )
    return hits


_COMPONENTS = ("本金", "利息", "违约金", "费用", "滞纳金", "罚息")
_TOTAL = re.compile(r"合计|总计|共计|欠款总额|应还总额|总欠款")


def _labelled_amounts(
    ctx: LintContext,
) -> tuple[dict[str, tuple[Decimal, int]], tuple[Decimal, int, int] | None]:
    components: dict[str, tuple[Decimal, int]] = {}
    total: tuple[Decimal, int, int] | None = None
    for span in ctx.view.money:
        line_start = ctx.text.rfind("\n", 0, span.start) + 1
        before = ctx.text[max(line_start, span.start - 12) : span.start]
        if _TOTAL.search(before):
            total = (span.amount, span.start, span.end)
            continue
        for label in _COMPONENTS:
            if label in before and label not in components:
                components[label] = (span.amount, span.start)
                break
    return components, total


@rule(
    "DL203",
    "breakdown-sum",
    principle="正确性",
    rationale="明细之和必须等于合计（原则六：正确性）。",
    what="写出的本金、利息、违约金等明细相加不等于写出的合计。",
    why="明细与合计对不上，债务人会质疑全部金额。",
    fail=("本金¥1,000.00，利息¥4.50，违约金¥0.00，合计¥1,014.50。",),
    passes=("本金¥1,000.00，利息¥4.50，违约金¥0.00，合计¥1,004.50。",),
    use_instead="明细与合计都由记录字段生成（total_due = principal + interest + fees）。",
)
def breakdown_sum(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    # A total and two parts are three figures, and a total's label is in the text
    # (an SMS states one figure, labelled 欠款).
    if len(ctx.view.money) < 3 or _TOTAL.search(ctx.text) is None:
        return hits
    components, total = _labelled_amounts(ctx)
    if total is None or len(components) < 2:
        return hits
    stated = sum((amount for amount, _ in components.values()), Decimal(0))
    if stated != total[0]:
        hits.append(
            Hit(
                total[1],
                total[2],
                say(
                    ctx,
                    "DL203",
                    "sum",
                    stated=zh.format_money(stated),
                    total=zh.format_money(total[0]),
                ),
            )
        )
    return hits


_PAST_TERM = re.compile(
    r"(?:截止|截至|截止到|截止至|应于|应当于|应在|原定于?|约定于?|曾于|已于|未能?[于在]|没有?[于在]"
    r"|曾|此前|先前|上次|前次)[^，。；,;\n]{0,6}$"
)
"""Before a date, words that make it the balance's as-of date (「截止2026年12月3日止」) or
the missed due date the letter reports (「贵司应于2024年4月1日前支付」), not a deadline
it sets."""


_ROLLOVER_DAYS = 120
"""A date written without its year (「1月5日前」) that falls this soon after the letter's
date in the next year is in the next year: a letter of 12月28日 sets 1月5日 of the next."""


def _in_year(value: date, written: str, as_of: date | None) -> date:
    """The date a year-less 「1月5日」 means: the next year's when the letter's own
    year puts it before the letter and the next year's falls soon after it."""
    if as_of is None or value >= as_of or any(mark in written for mark in "年-/."):
        return value
    try:
        later = value.replace(year=value.year + 1)
    except ValueError:  # 2月29日 in a year without one
        return value
    return later if (later - as_of).days <= _ROLLOVER_DAYS else value


@rule(
    "DL204",
    "date-inconsistent",
    principle="正确性",
    rationale="日期必须真实可行：不存在的日期、与星期不符、早于发函日的期限都会误导债务人。",
    what="不存在的日期（2月30日）、与所写星期不符的日期、早于发函日期的还款期限。",
    why="日期错误让期限失效，也让整封信显得不可信。",
    fail=(
        "请于2026年2月30日前还款。",
        "请于2026年12月5日（星期五）前还款。",
        "请于2026年11月20日前还款。",
    ),
    passes=(
        "请于2026年12月5日（星期六）前还款。",
        "根据合同约定，贵司应于2024年4月1日前支付货款。",
        "截止2026年12月03日止，上述贷款尚有58,300.00元逾期未还。",
    ),
    use_instead="日期一律由 letter.deadline 等字段经 zh_date 生成。",
)
def date_inconsistent(ctx: LintContext) -> list[Hit]:
    hits: list[Hit] = []
    year = ctx.as_of.year if ctx.as_of else None
    for span in ctx.view.dates(year):
        if span.value is None:
            hits.append(Hit(span.start, span.end, say(ctx, "DL204", "nonexistent", date=span.text)))
            continue
        value = _in_year(span.value, span.text, ctx.as_of)
        if span.weekday is not None and "一二三四五六日"[value.weekday()] != span.weekday:
            hits.append(
                Hit(
                    span.start,
                    span.end,
                    say(ctx, "DL204", "weekday", date=span.text, weekday=zh.weekday_zh(value)),
                )
            )
        is_deadline = _DEADLINE_WORDS.match(ctx.text[span.end : span.end + 4]) is not None or (
            span.weekday is not None and "前" in ctx.text[span.end : span.end + 8]
        )
        if is_deadline and _PAST_TERM.search(ctx.text[max(0, span.start - 12) : span.start]):
            is_deadline = False
        if is_deadline and ctx.as_of is not None and value < ctx.as_of:
            hits.append(
                Hit(
                    span.start,
                    span.end,
                    say(ctx, "DL204", "past", date=span.text, as_of=zh.format_date(ctx.as_of)),
                )
            )
    return hits


unfilled_placeholder = declared("placeholder")


__register__: tuple[Rule, ...] = (
    amount_mismatch,
    capitals_mismatch,
    breakdown_sum,
    date_inconsistent,
    unfilled_placeholder,
    contact_claim,
)
