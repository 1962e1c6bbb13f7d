"""Which letters work: per stage × tone × template revision, who paid after a document.

For each document sent between two dates: was it delivered, and did its account pay
within 7, 14 and 30 days of its as-of date (from the imported payments)? Shares come
with Wilson 95 % intervals, and a group too small to compare is marked so. The HTML is
one self-contained file (inline SVG chart, no script, nothing fetched).
"""

from __future__ import annotations

import bisect
import html
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from dunletters.ledger.schema import documents, payments
from dunletters.ledger.store import Ledger
from dunletters.vocabulary import CHANNEL_NAMES, STAGE_NAMES, STAGES, TONE_NAMES
from dunletters.zh import format_money

__all__ = ["WINDOWS", "Group", "report_html", "report_rows", "report_text", "wilson"]

WINDOWS = (7, 14, 30)
"""Days after a document within which a payment counts."""

SMALL = 30
"""Documents below which a group's shares are too uncertain to compare."""


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95 % by default)."""
    if trials == 0:
        return 0.0, 0.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Group:
    """One stage × tone × channel × template revision."""

    stage: str
    tone: str
    channel: str
    template: str
    revision: str
    documents: int = 0
    delivered: int = 0
    paid: dict[int, int] = field(default_factory=lambda: dict.fromkeys(WINDOWS, 0))
    recovered: Decimal = Decimal("0.00")

    @property
    def small(self) -> bool:
        """Too few documents to compare with another group."""
        return self.documents < SMALL


def report_rows(ledger: Ledger, start: date, end: date) -> list[Group]:
    """The groups of documents with an as-of date in [start, end], in stage order."""
    last = max(WINDOWS)
    query = sa.select(
        documents.c.account_id, documents.c.as_of, documents.c.stage, documents.c.tone,
        documents.c.channel, documents.c.template_key, documents.c.template_sha256,
        documents.c.status,
    ).where(documents.c.as_of >= start, documents.c.as_of <= end)  # fmt: skip
    paid_query = sa.select(payments.c.account_id, payments.c.paid_on, payments.c.amount).where(
        payments.c.paid_on >= start, payments.c.paid_on <= end + timedelta(days=last)
    )
    paid: dict[str, tuple[list[date], list[Decimal]]] = defaultdict(lambda: ([], []))
    groups: dict[tuple[str, str, str, str, str], Group] = {}
    with ledger.engine.connect() as connection:
        for account_id, day, amount in sorted(connection.execute(paid_query)):
            paid[account_id][0].append(day)
            paid[account_id][1].append(Decimal(amount))
        for account_id, day, stage, tone, channel, key, sha, status in connection.execute(query):
            group_key = (stage, tone, channel, key, sha[:12])
            group = groups.get(group_key)
            if group is None:
                group = groups[group_key] = Group(stage, tone, channel, key, sha[:12])
            group.documents += 1
            group.delivered += status == "delivered"
            found = paid.get(account_id)
            if found is None:
                continue
            days, amounts = found
            first = bisect.bisect_left(days, day)
            for window in WINDOWS:
                if first < len(days) and days[first] <= day + timedelta(days=window):
                    group.paid[window] += 1
            stop = bisect.bisect_right(days, day + timedelta(days=last))
            group.recovered += sum(amounts[first:stop], Decimal("0.00"))
    order: dict[str, int] = {stage: index for index, stage in enumerate(STAGES)}
    return sorted(
        groups.values(),
        key=lambda g: (order.get(g.stage, 9), g.tone, g.channel, g.template, g.revision),
    )


def _share(group: Group, window: int) -> str:
    low, high = wilson(group.paid[window], group.documents)
    share = group.paid[window] / group.documents if group.documents else 0.0
    return f"{share:.1%} [{low:.1%}–{high:.1%}]"


def _label(group: Group) -> str:
    return (
        f"{STAGE_NAMES.get(group.stage, group.stage)}·{TONE_NAMES.get(group.tone, group.tone)}"
        f"·{CHANNEL_NAMES.get(group.channel, group.channel)}"
    )


def report_text(groups: list[Group], start: date, end: date) -> str:
    """The report as plain text, one group a line."""
    lines = [f"催收效果报告 {start.isoformat()} 至 {end.isoformat()}（还款比例附 95% Wilson 区间）"]
    if not groups:
        lines.append("  （此期间没有文书）")
    for group in groups:
        note = "  样本太少，不宜比较" if group.small else ""
        lines.append(
            f"  {_label(group)} {group.template}@{group.revision} 文书 {group.documents}"
            f" 已送达 {group.delivered} 7天 {_share(group, 7)} 14天 {_share(group, 14)}"
            f" 30天 {_share(group, 30)} 30天内还款 {format_money(group.recovered)}{note}"
        )
    return "\n".join(lines)


def _chart(groups: list[Group]) -> str:
    """An inline SVG bar chart: share paid within 30 days, with its interval."""
    row, width, left = 26, 420, 300
    height = row * len(groups) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" height="{height}"'
        ' role="img" aria-label="30 天内还款比例">'
    ]
    for index, group in enumerate(groups):
        y = 10 + index * row
        share = group.paid[30] / group.documents if group.documents else 0.0
        low, high = wilson(group.paid[30], group.documents)
        label = html.escape(f"{_label(group)} {group.template}@{group.revision}")
        colour = "#9aa5b1" if group.small else "#2f6f9f"
        parts.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" font-size="12">{label}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{share * width:.1f}" height="16" fill="{colour}"/>'
            f'<line x1="{left + low * width:.1f}" x2="{left + high * width:.1f}" y1="{y + 11}"'
            f' y2="{y + 11}" stroke="#111" stroke-width="1.5"/>'
            f'<text x="{left + width + 6}" y="{y + 15}" font-size="12">{share:.0%}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def report_html(groups: list[Group], start: date, end: date) -> str:
    """The report as one self-contained HTML page (table and chart)."""
    title = f"催收效果报告 {start.isoformat()} 至 {end.isoformat()}"
    head = "".join(
        f"<th>{name}</th>"
        for name in ("阶段·语气·渠道", "模板@版本", "文书", "已送达", "7 天内还款", "14 天内还款",
                     "30 天内还款", "30 天内还款金额", "说明")
    )  # fmt: skip
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(cell))}</td>"
            for cell in (
                _label(group),
                f"{group.template}@{group.revision}",
                group.documents,
                group.delivered,
                _share(group, 7),
                _share(group, 14),
                _share(group, 30),
                format_money(group.recovered),
                "样本太少，不宜比较" if group.small else "",
            )
        )
        + "</tr>"
        for group in groups
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;margin:2em}}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
        f"</style></head><body><h1>{html.escape(title)}</h1>"
        "<p>每组为一个阶段 × 语气 × 渠道 × 模板版本；还款比例为收到该文书后 7/14/30 天内有还款记录的文书所占比例，"
        f"方括号内为 95% Wilson 区间；少于 {SMALL} 份文书的组样本太少，不宜比较（图中灰色）。</p>"
        f"{_chart(groups)}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</body></html>\n"
    )
