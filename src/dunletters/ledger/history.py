"""One account's contact history for people: every document and payment, as text or JSON.

The ledger holds no names, card or ID numbers and no phone numbers; the one free-text
value it holds, a payment's reference, is masked to its last four characters here, so the
CLI's text and JSON and the preview's page show the same masked value.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from dunletters.ledger.store import Ledger
from dunletters.vocabulary import CHANNEL_NAMES, STAGE_NAMES, TONE_NAMES
from dunletters.zh import format_money, mask_reference

__all__ = ["STATUS_NAMES", "history_json", "history_payload", "history_text"]

STATUS_NAMES = {"delivered": "已送达", "failed": "发送失败", "returned": "退回", None: "未回执"}


def _document(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "as_of": row["as_of"].isoformat(),
        "channel": row["channel"],
        "stage": row["stage"],
        "tone": row["tone"],
        "template": row["template_key"],
        "template_revision": row["template_sha256"][:12],
        "letter_number": row["letter_number"],
        "scheduled_at": row["scheduled_at"],
        "status": row["status"],
        "status_on": row["status_on"].isoformat() if isinstance(row["status_on"], date) else None,
        "run_id": row["run_id"],
    }


def history_payload(ledger: Ledger, account_id: str) -> dict[str, Any]:
    """The account's documents and payments, oldest first (JSON-ready: the CLI's JSON and
    the preview's history page show the same)."""
    return {
        "account_id": account_id,
        "documents": [_document(row) for row in ledger.documents_of(account_id)],
        "payments": [
            {
                "paid_on": row["paid_on"].isoformat(),
                "amount": f"{row['amount']:.2f}",
                "reference": mask_reference(row["reference"]),
            }
            for row in ledger.payments_of(account_id)
        ],
    }


def history_json(ledger: Ledger, account_id: str) -> str:
    """The account's documents and payments as one JSON object."""
    return json.dumps(history_payload(ledger, account_id), ensure_ascii=False, indent=2)


def history_text(ledger: Ledger, account_id: str) -> str:
    """The account's documents and payments, one line each, oldest first."""
    lines = [f"账号 {account_id} 的联系记录"]
    found = ledger.documents_of(account_id)
    if not found:
        lines.append("  （联系记录库中没有该账号的文书）")
    for row in found:
        item = _document(row)
        number = f" {item['letter_number']}" if item["letter_number"] else ""
        status = STATUS_NAMES.get(item["status"], item["status"])
        when = f"（{item['status_on']}）" if item["status_on"] else ""
        lines.append(
            f"  {item['as_of']} {CHANNEL_NAMES.get(item['channel'], item['channel'])}"
            f" {STAGE_NAMES.get(item['stage'], item['stage'])}"
            f" {TONE_NAMES.get(item['tone'], item['tone'])}"
            f" 模板 {item['template']}@{item['template_revision']}{number}"
            f" 发送 {item['scheduled_at'] or '-'} {status}{when}"
        )
    paid = ledger.payments_of(account_id)
    if paid:
        lines.append("还款")
        for row in paid:
            lines.append(f"  {row['paid_on'].isoformat()} {format_money(row['amount'])}")
    return "\n".join(lines)
