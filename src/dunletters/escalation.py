"""The escalation policy: days past due and case flags → (stage, tone) or a hold.

Pure functions of (account, policy, run date), so a batch decides the same way on
any machine and a test can call them alone. The rules come from the seed
(信用卡催收工作总结, 二、催收过程中采取的策略) and DESIGN.md:

* stages by days past due (前期 1–5, 中期 6–18, 后期 19–28, 最后通知 ≥ 29 by default);
* tone: the first of the policy's tone rules (``[[policy.tone_rules]]``: flags, amount
  bands, broken promises, days, segment, a requested tone) that matches; else hardship → ``empathetic`` (无能力还款: 劝慰, offer 协商/分期); repeated broken
  promises → ``firm`` (屡次爽约: state the negative credit record); otherwise the
  stage's default. Hardship wins over broken promises: a debtor who cannot pay is
  not helped by a harder letter;
* holds, checked in this order: deceased (死亡客户 — never dunned, manual handling),
  dispute (投诉/异议 — a dunning block until resolved), not yet overdue, an amount
  below the minimum worth a letter, an unexpired promise to pay.

A held account is returned as a :class:`Hold` with a reason code and a Chinese
explanation, so it is reported, never silently dropped.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from dunletters.config import Policy, StageRule
from dunletters.models import Account
from dunletters.vocabulary import STAGE_NAMES, TONE_NAMES

__all__ = [
    "Decision",
    "Hold",
    "HoldReason",
    "choose_tone",
    "decide",
    "decision_for",
    "stage_for_days",
    "tone_rule_lines",
]


class HoldReason(enum.StrEnum):
    """Why no dunning document is produced for an account."""

    DECEASED = "deceased"
    DISPUTE = "dispute"
    NOT_OVERDUE = "not_overdue"
    BELOW_MINIMUM = "below_minimum"
    PROMISE_PENDING = "promise_pending"
    NO_ADDRESS = "no_address"
    """The letter only: no usable postal address (the SMS is still sent)."""
    # From the contact ledger (dunletters.ledger.caps), checked after the ones above.
    ADDRESS_CHECK = "address_check"
    STAGE_ALREADY_SENT = "stage_already_sent"
    LETTER_GAP = "letter_gap"
    STAGE_SKIPPED = "stage_skipped"
    SMS_CAP = "sms_cap"
    PHONE_CAP = "phone_cap"
    SHARED_MOBILE = "shared_mobile"
    """The SMS only: its mobile is recorded under another name too (the letter is sent)."""

    @property
    def label(self) -> str:
        """Chinese explanation for reports (holds.csv, summary)."""
        return _HOLD_LABELS[self]


_HOLD_LABELS = {
    HoldReason.DECEASED: "客户已故：不发送催收文书，转人工处理",
    HoldReason.DISPUTE: "存在争议或投诉：暂停催收，待核实处理",
    HoldReason.NOT_OVERDUE: "尚未逾期",
    HoldReason.BELOW_MINIMUM: "欠款低于发函起点金额",
    HoldReason.PROMISE_PENDING: "客户承诺还款且未到期",
    HoldReason.NO_ADDRESS: "无可用通讯地址：信函暂停（短信照发），请补全地址",
    HoldReason.ADDRESS_CHECK: "此前信函被退回：暂停寄信，请先核实地址",
    HoldReason.STAGE_ALREADY_SENT: "本逾期周期内已发过该阶段的信函",
    HoldReason.LETTER_GAP: "距上一封信函未满规定间隔天数",
    HoldReason.STAGE_SKIPPED: "本逾期周期内尚无已送达的前一阶段文书：不跳阶段发函",
    HoldReason.SMS_CAP: "该客户的短信已达每日、每周或每月上限",
    HoldReason.PHONE_CAP: "该手机号的短信已达每日、每周或每月上限",
    HoldReason.SHARED_MOBILE: "同一手机号对应不同姓名：短信暂停（有信函的照发信函），以免发给债务人以外的人；请核实手机号",
}


MIN_ADDRESS_CHARS = 6
"""Fewer characters than a district and a street: no letter can be posted to it."""


def usable_address(address: str) -> bool:
    """Whether a letter can be posted to this address (a window envelope shows it)."""
    return len(address.strip()) >= MIN_ADDRESS_CHARS


@dataclass(frozen=True, slots=True)
class Decision:
    """Send a document of this stage in this tone."""

    stage: str
    tone: str
    stage_name: str
    deadline_days: int
    tone_rule: str = "stage"
    """What chose the tone: a tone rule's name, ``hardship_tone``, ``broken_promise_tone``
    or ``stage`` (the stage's default) — the manifest's ``tone_rule``."""


@dataclass(frozen=True, slots=True)
class Hold:
    """Send nothing; report the account with this reason."""

    reason: HoldReason

    @property
    def message(self) -> str:
        """Chinese explanation of the hold."""
        return self.reason.label


def decision_for(rule: StageRule, tone: str | None = None, tone_rule: str = "stage") -> Decision:
    """A decision for a stage rule, in its default tone or the one given.

    For a render asked for a stage explicitly (previews, drafts), and for rebuilding
    a journalled decision in a batch worker.
    """
    return _decision(rule.id, tone or rule.tone, rule.deadline_days, tone_rule)


@lru_cache(maxsize=256)
def _decision(stage: str, tone: str, deadline_days: int, tone_rule: str) -> Decision:
    """Decisions are immutable and a run makes a dozen distinct ones, asked for twice an
    account: each is built once and shared (benchmarks/NOTES.md#escalation)."""
    return Decision(
        stage=stage,
        tone=tone,
        stage_name=STAGE_NAMES[stage],
        deadline_days=deadline_days,
        tone_rule=tone_rule,
    )


def choose_tone(account: Account, stage: StageRule, days: int, policy: Policy) -> tuple[str, str]:
    """(tone, what chose it): the first matching tone rule, else hardship, else repeated
    broken promises, else the stage's default."""
    for rule in policy.tone_rules:
        if rule.matches(account, stage.id, days):
            return rule.tone_for(account), rule.name
    if account.hardship:
        return policy.hardship_tone, "hardship_tone"
    if account.promises_broken >= policy.firm_after_promises_broken:
        return policy.broken_promise_tone, "broken_promise_tone"
    return stage.tone, "stage"


def stage_for_days(days: int, policy: Policy) -> StageRule | None:
    """The stage whose day range holds ``days`` (None when not yet overdue).

    >>> from dunletters.config import Policy
    >>> [stage_for_days(d, Policy()).id for d in (1, 5, 6, 18, 19, 28, 29, 400)]
    ['early', 'early', 'middle', 'middle', 'late', 'late', 'final', 'final']
    """
    for stage in policy.stages:
        if days >= stage.min_days and (stage.max_days is None or days <= stage.max_days):
            return stage
    return None


def decide(account: Account, policy: Policy, as_of: date) -> Decision | Hold:
    """Decide what to send to one account on the run date ``as_of``."""
    if account.deceased:
        return Hold(HoldReason.DECEASED)
    if account.dispute:
        return Hold(HoldReason.DISPUTE)
    days = account.days_past_due
    if days is None:
        days = max(0, (as_of - account.due_date).days)
    stage = stage_for_days(days, policy)
    if stage is None:
        return Hold(HoldReason.NOT_OVERDUE)
    if account.total_due < policy.min_amount:
        return Hold(HoldReason.BELOW_MINIMUM)
    if account.promise_to_pay_until is not None and account.promise_to_pay_until >= as_of:
        return Hold(HoldReason.PROMISE_PENDING)
    tone, chosen_by = choose_tone(account, stage, days, policy)
    return decision_for(stage, tone, chosen_by)


def _tone_label(tone: str) -> str:
    """``firm（坚定）``; a project's own tone shows its id alone."""
    return f"{tone}（{TONE_NAMES[tone]}）" if tone in TONE_NAMES else tone


def tone_rule_lines(policy: Policy) -> list[str]:
    """The tone rules in the order they are tried, one line each (``dunletters stages``)."""
    if not policy.tone_rules:
        return ["语气规则：无（[[policy.tone_rules]]）：语气按下列缺省决定。"]
    lines = ["语气规则（按顺序，第一条符合的决定语气；其后才是下列缺省）："]
    for number, rule in enumerate(policy.tone_rules, start=1):
        tone = _tone_label(rule.tone) if rule.tone else "账户指定的语气"
        lines.append(f"  {number}. {rule.name}：{rule.describe()} → {tone}")
    return lines
