"""The run summary: ``summary.json`` for tools and ``summary.html`` for people.

Counts per stage, tone and channel; holds and rejects by reason; the amounts
involved (sums of ``total_due``, exact Decimals, printed to the fen); lint findings by
code. The HTML has two bar charts drawn in plain CSS (no script, no external file),
so it opens anywhere, offline.
"""

from __future__ import annotations

import html
import json
import sqlite3
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from dunletters import zh
from dunletters.batch.journal import Journal
from dunletters.columns import label
from dunletters.config import DEFAULT_SOURCES, Settings
from dunletters.escalation import HoldReason
from dunletters.vocabulary import STAGE_NAMES, TONE_NAMES, stage_order

__all__ = [
    "Tally",
    "add_tally",
    "digest_of",
    "findings_digest",
    "new_tally",
    "summarize",
    "summary_html",
    "tally",
]


class Tally(NamedTuple):
    """What :func:`summarize` needs of each row, counted a range of rows at a time."""

    amounts: dict[str, Decimal]
    """Accounts' amounts by state (exact sums of ``total_due``)."""
    groups: Counter[tuple[Any, ...]]
    """Accounts counted by (state, reason, stage, tone, findings tally, tone rule)."""
    documents: Counter[str]
    """The written accounts' ``letters``, ``letter_bytes``, ``sms``, ``sms_segments``."""


_AMOUNTS = "SELECT state, total_due FROM accounts WHERE row >= ? AND row < ?"
_GROUPS = (
    "SELECT state, reason, stage, tone, findings, tone_rule, COUNT(*),"
    " COUNT(NULLIF(letter_bytes, 0)), TOTAL(letter_bytes),"
    " COUNT(NULLIF(sms_text, '')), TOTAL(CASE WHEN sms_text != '' THEN sms_segments END)"
    " FROM accounts WHERE row >= ? AND row < ?"
    " GROUP BY state, reason, stage, tone, findings, tone_rule"
)


FINDINGS_LISTED = 1000
"""Findings the summary lists one by one (account, rule, sentence); the rest are in the manifest."""
_FINDINGS = (
    "SELECT row, account_id, state, letter_path, finding_details FROM accounts"
    " WHERE finding_details IS NOT NULL ORDER BY row"
)

QUARANTINE_LISTED = 1000
"""Quarantined accounts the summary lists by name (each links to its findings)."""
_QUARANTINED = (
    "SELECT row, account_id, reason FROM accounts WHERE state = 'quarantined' ORDER BY row LIMIT ?"
)


def tally(db: sqlite3.Connection, first: int, end: int) -> Tally:
    """The :class:`Tally` of a range of the journal's rows (the batch's finishing jobs
    count a range each, in the workers, and the driver adds them up: :func:`add_tally`).

    Amounts are summed here, exactly (SQLite's SUM of text would go through floats);
    the rest is counted by SQLite, the documents in the same pass as the groups.
    """
    cursor = db.cursor()
    cursor.row_factory = None
    amounts: dict[str, Decimal] = {}
    for state, total_due in cursor.execute(_AMOUNTS, (first, end)):
        amounts[state] = amounts.get(state, Decimal(0)) + Decimal(total_due or 0)
    groups: Counter[tuple[Any, ...]] = Counter()
    documents: Counter[str] = Counter()
    for *key, count, letters, letter_bytes, sms, segments in cursor.execute(_GROUPS, (first, end)):
        groups[tuple(key)] += count
        if key[0] == "written":
            documents.update(
                letters=letters, letter_bytes=int(letter_bytes), sms=sms, sms_segments=int(segments)
            )
    return Tally(amounts, groups, documents)


def new_tally() -> Tally:
    """The tally of no rows, to :func:`add_tally` ranges to."""
    return Tally({}, Counter(), Counter())


def add_tally(total: Tally, part: Tally) -> None:
    """Add a range's tally to ``total``."""
    for state, amount in part.amounts.items():
        total.amounts[state] = total.amounts.get(state, Decimal(0)) + amount
    total.groups.update(part.groups)
    total.documents.update(part.documents)


def summarize(
    journal: Journal, as_of: date, channels: tuple[str, ...], counted: Tally
) -> dict[str, Any]:
    """Everything summary.json holds, from the journal and its rows' :data:`Tally`."""
    by_state: Counter[str] = Counter()
    by_stage: Counter[str] = Counter()
    by_stage_tone: Counter[str] = Counter()
    holds: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    amounts, groups, documents = counted
    # Each distinct findings tally is read once.
    by_tone_rule: Counter[str] = Counter()
    for (state, reason, stage, tone, found, tone_rule), count in groups.items():
        by_state[state] += count
        if state == "held":
            holds[reason] += count
            continue
        if reason in (HoldReason.NO_ADDRESS, HoldReason.SHARED_MOBILE):  # letter or SMS held
            holds[reason] += count
        by_stage[stage] += count
        by_stage_tone[f"{stage}.{tone}"] += count
        by_tone_rule[tone_rule or "stage"] += count
        for code, times in json.loads(found or "{}").items():
            findings[code] += times * count
    letters, letter_bytes = documents["letters"], documents["letter_bytes"]
    quarantined = [
        {"row": row, "account_id": account_id, "reason": reason}
        for row, account_id, reason in journal.db.execute(_QUARANTINED, (QUARANTINE_LISTED,))
    ]
    rejects: Counter[str] = Counter(r["field"] for r in journal.rejects())
    listed = _listed_findings(journal)
    return {
        "as_of": as_of.isoformat(),
        "channels": list(channels),
        "accounts": {
            "total": sum(by_state.values()) + sum(rejects.values()),
            "written": by_state["written"],
            "quarantined": by_state["quarantined"],
            "held": by_state["held"],
            "rejected": sum(rejects.values()),
            "pending": by_state["pending"],
        },
        "by_stage": dict(sorted(by_stage.items(), key=lambda item: stage_order(item[0]))),
        "by_stage_tone": dict(
            sorted(by_stage_tone.items(), key=lambda item: _stage_tone_order(item[0]))
        ),
        "by_tone_rule": dict(by_tone_rule.most_common()),
        "holds_by_reason": dict(sorted(holds.items())),
        "rejects_by_field": dict(sorted(rejects.items())),
        "amounts": {state: str(zh.quantize_fen(value)) for state, value in sorted(amounts.items())},
        "letters": {
            "count": letters,
            "bytes": letter_bytes,
            "bytes_per_letter": letter_bytes // letters if letters else 0,
        },
        "sms": {"count": documents["sms"], "segments": documents["sms_segments"]},
        "findings_by_code": dict(sorted(findings.items())),
        "findings": listed,
        "findings_not_listed": max(0, sum(findings.values()) - len(listed)),
        "quarantined_accounts": quarantined,
    }


def _listed_findings(journal: Journal) -> list[dict[str, Any]]:
    """The first :data:`FINDINGS_LISTED` findings in row order: account, rule, sentence,
    and the file to open (the letter, or the quarantined document's findings)."""
    listed: list[dict[str, Any]] = []
    for row, account_id, state, letter_path, details in journal.db.execute(_FINDINGS):
        quarantined = state == "quarantined"
        path = f"quarantine/{account_id}.findings.json" if quarantined else letter_path
        for detail in json.loads(details):
            if len(listed) == FINDINGS_LISTED:
                return listed
            listed.append({"row": row, "account_id": account_id, **detail, "path": path})
    return listed


def findings_digest(summary: dict[str, Any], limit: int = 5) -> list[str]:
    """A few findings as lines for the terminal (the command's closing output)."""
    listed = summary.get("findings") or []
    if not listed:
        return []
    total = sum(summary.get("findings_by_code", {}).values())
    lines = [f"检查发现 {total} 条（全部见 summary.html 与 manifest.jsonl）："]
    for item in listed[:limit]:
        where = f"第{item['row']}行 {item['account_id']}（{_CHANNELS.get(item['channel'], item['channel'])}）"
        sentence = f"：「{item['excerpt']}」" if item["excerpt"] else f"：{item['message']}"
        lines.append(f"  {item['code']} {item['rule']} · {where}{sentence}")
    if total > limit:
        lines.append(f"  …… 另有 {total - min(limit, len(listed))} 条")
    return lines


def digest_of(folder: Path) -> list[str]:
    """:func:`findings_digest` of the summary a run wrote in ``folder`` (none: no lines)."""
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return findings_digest(summary)


_CHANNELS = {"letter": "信函", "sms": "短信"}


def _stage_tone_order(key: str) -> tuple[int, str]:
    """``stage.tone`` in escalation order, then by tone."""
    stage, _, tone = key.partition(".")
    return stage_order(stage), tone


def _stage_tone_label(key: str) -> str:
    """``late.firm`` → 「后期催收 · 坚定」 (a project's own tone shows its id)."""
    stage, _, tone = key.partition(".")
    return f"{STAGE_NAMES.get(stage, stage)} · {TONE_NAMES.get(tone, tone)}"


def _rule_label(code: str) -> tuple[str, str]:
    """A finding code's Chinese rule name and what it means (the rule catalogue's words)."""
    from dunletters.excerpts import rule_title
    from dunletters.lint.rules import RULES

    for rule in RULES:
        if rule.code == code:
            return rule_title(code), rule.what
    return rule_title(code), ""


def _finding_rows(summary: dict[str, Any]) -> str:
    """Each listed finding: code, rule, severity, the account linked to its file, the sentence."""
    listed = summary.get("findings") or []
    if not listed:
        return ""
    rows = "".join(
        f"<tr class='{html.escape(item['severity'])}'><td>{html.escape(item['code'])}</td>"
        f"<td>{html.escape(item['rule'])}</td><td>{_SEVERITIES.get(item['severity'], '')}</td>"
        f"<td>第{item['row']}行 "
        + (
            f"<a href='{html.escape(item['path'])}'>{html.escape(item['account_id'])}</a>"
            if item.get("path")
            else html.escape(item["account_id"])
        )
        + f"（{_CHANNELS.get(item['channel'], '')}）</td>"
        f"<td>{html.escape(item['excerpt'] or item['message'])}</td></tr>"
        for item in listed
    )
    more = summary.get("findings_not_listed") or 0
    tail = f"<p>另有 {more} 条，见 manifest.jsonl 的 finding_details。</p>" if more else ""
    return (
        "<section><h2>逐条检查发现（规则、账户与原句，已脱敏）</h2><table>"
        "<tr><th>规则</th><th>名称</th><th>级别</th><th>账户</th><th>原句</th></tr>"
        f"{rows}</table>{tail}</section>"
    )


_SEVERITIES = {"error": "错误", "warning": "警告", "info": "提示"}


_FILES = (
    ("letters/", "信函（按阶段分目录）"),
    ("print/", "印刷合并文件"),
    ("sms.csv", "短信发送清单"),
    ("holds.csv", "暂停清单"),
    ("rejects.csv", "拒绝清单"),
    ("quarantine/", "隔离文书及其检查结果"),
    ("manifest.jsonl", "逐份文书清单（模板、审核、哈希、检查结果）"),
)


def _links(summary: dict[str, Any]) -> str:
    """Links to the run's outputs, relative to the summary (the output folder)."""
    stages = "".join(
        f" <a href='letters/{html.escape(stage)}/'>{html.escape(STAGE_NAMES.get(stage, stage))}</a>"
        for stage in summary["by_stage"]
    )
    items = "".join(
        f"<li><a href='{path}'>{path}</a> {label}{stages if path == 'letters/' else ''}</li>"
        for path, label in _FILES
    )
    return f"<section class='files'><h2>输出文件</h2><ul>{items}</ul></section>"


def _bars(title: str, data: dict[str, int], labels: dict[str, str]) -> str:
    if not data:
        return f"<section><h2>{html.escape(title)}</h2><p class='none'>无</p></section>"
    top = max(data.values()) or 1
    rows = "".join(
        f"<div class='bar'><span class='label'>{html.escape(labels.get(key, key))}</span>"
        f"<span class='track'><span class='fill' style='width:{100 * value / top:.1f}%'></span></span>"
        f"<span class='value'>{value}</span></div>"
        for key, value in data.items()
    )
    return f"<section><h2>{html.escape(title)}</h2>{rows}</section>"


_STATES = {"written": "已生成", "held": "暂停", "quarantined": "隔离", "pending": "未完成"}


def _field_labels(fields: dict[str, int]) -> dict[str, str]:
    """Reject fields as a user reads them: 本金（principal）, several joined by 、."""
    return {key: "、".join(label(name) for name in key.split("、")) for key in fields}


def _quarantined(summary: dict[str, Any]) -> str:
    """The quarantined accounts, each linked to its findings and document."""
    listed = summary.get("quarantined_accounts") or []
    if not listed:
        return ""
    items = "".join(
        f"<li>第{entry['row']}行 <a href='quarantine/{html.escape(entry['account_id'])}.findings.json'>"
        f"{html.escape(entry['account_id'])}</a>：{html.escape(entry['reason'] or '')}</li>"
        for entry in listed
    )
    more = summary["accounts"]["quarantined"] - len(listed)
    tail = f"<p>另有 {more} 个，见 manifest.jsonl。</p>" if more > 0 else ""
    return f"<section class='warn'><h2>隔离的账户（未发出）</h2><ul>{items}</ul>{tail}</section>"


def _notes(notes: list[str]) -> str:
    """What the reader noticed about the input file (no flag columns, 合计 rows, sheets)."""
    if not notes:
        return ""
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return f"<section class='notes'><h2>输入文件提示</h2><ul>{items}</ul></section>"


def _capped(summary: dict[str, Any]) -> str:
    """The warning about SMS left out of sms.csv by the send schedule's cap, if any."""
    capped = summary.get("sms_not_scheduled")
    if not capped:
        return ""
    return (
        f"<section class='warn'><h2>注意：{capped['count']} 条短信未排入 sms.csv</h2>"
        f"<p>{html.escape(capped['reason'])}（账号见 summary.json 的 sms_not_scheduled）。</p></section>"
    )


def _shared(summary: dict[str, Any]) -> str:
    """The mobiles recorded under different names (D-16): their accounts, never the values."""
    shared = summary.get("shared_mobile")
    if not shared:
        return ""
    groups = "".join(f"<li>{html.escape('、'.join(group))}</li>" for group in shared["groups"])
    return (
        f"<section class='warn'><h2>注意：{shared['mobiles']} 个手机号对应不同姓名</h2>"
        f"<p>{html.escape(shared['reason'])}（每行为同一手机号的账户）。</p><ul>{groups}</ul></section>"
    )


def summary_html(summary: dict[str, Any], settings: Settings) -> str:
    """A one-page report people would rather look at than read."""
    accounts = summary["accounts"]
    cards = "".join(
        f"<div class='card {key}'><div class='n'>{accounts[key]}</div><div class='k'>{label}</div></div>"
        for key, label in (
            ("total", "账户"),
            ("written", "已生成"),
            ("quarantined", "隔离"),
            ("held", "暂停"),
            ("rejected", "拒绝"),
        )
    )
    amounts = "".join(
        f"<tr><td>{html.escape(_STATES.get(state, state))}</td><td class='num'>{zh.format_money(Decimal(value))}</td></tr>"
        for state, value in summary["amounts"].items()
    )
    hold_labels = {reason.value: reason.label for reason in HoldReason}
    findings = (
        "".join(
            f"<tr><td>{html.escape(code)}</td><td>{html.escape(name)}</td>"
            f"<td>{html.escape(what)}</td><td class='num'>{count}</td></tr>"
            for code, count in summary["findings_by_code"].items()
            for name, what in (_rule_label(code),)
        )
        or "<tr><td colspan='4'>无</td></tr>"
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>批处理摘要 {summary["as_of"]}</title>
<style>
body{{font-family:"Noto Sans CJK SC",sans-serif;margin:2rem auto;max-width:60rem;color:#222}}
h1{{font-size:1.4rem}} h2{{font-size:1.05rem;margin-top:1.6rem}}
.cards{{display:flex;gap:.8rem}} .card{{flex:1;border:1px solid #ddd;border-radius:.4rem;padding:.6rem;text-align:center}}
.card .n{{font-size:1.6rem;font-weight:bold}} .quarantined .n{{color:#b45309}} .rejected .n{{color:#b91c1c}}
.bar{{display:flex;align-items:center;gap:.5rem;margin:.25rem 0}} .label{{width:12rem}}
.track{{flex:1;background:#eee;height:1rem;border-radius:.2rem}} .fill{{display:block;height:100%;background:#2563eb;border-radius:.2rem}}
.value{{width:4rem;text-align:right}} table{{border-collapse:collapse}} td{{padding:.2rem .8rem;border-bottom:1px solid #eee}} .num{{text-align:right}}
</style></head><body>
<h1>{html.escape(settings.creditor.name)} 催收文书批处理摘要（基准日 {summary["as_of"]}）</h1>
<div class="cards">{cards}</div>
{_notes(summary.get("input_notes", []))}
{_links(summary)}
{_bars("按阶段", summary["by_stage"], STAGE_NAMES)}
{_bars("按阶段与语气", summary["by_stage_tone"], {k: _stage_tone_label(k) for k in summary["by_stage_tone"]})}
{_bars("语气由谁决定（语气规则或缺省）", summary.get("by_tone_rule", {}), DEFAULT_SOURCES)}
{_bars("暂停原因", summary["holds_by_reason"], hold_labels)}
{_bars("拒绝原因（字段）", summary["rejects_by_field"], _field_labels(summary["rejects_by_field"]))}
<section><h2>金额合计（欠款总额）</h2><table>{amounts}</table></section>
<section><h2>检查发现（按规则；每份文书的发现见 manifest.jsonl，隔离文书的详情见 quarantine/）</h2><table>{findings}</table></section>
{_finding_rows(summary)}
{_quarantined(summary)}
{_capped(summary)}
{_shared(summary)}
<p>信函 {summary["letters"]["count"]} 封，平均 {summary["letters"]["bytes_per_letter"] // 1024} KiB；短信 {summary["sms"]["count"]} 条，计费 {summary["sms"]["segments"]} 条。</p>
</body></html>
"""
