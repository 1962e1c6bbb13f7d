"""The domain's words: escalation stages, tones and channels, with their Chinese labels.

One home for the names every layer uses (DESIGN.md, "Domain"), so a stage or a
channel is spelt once. The policy decides which stage and tone an account gets
(``config.Policy``); this module only says which names exist and how they read in
Chinese. Projects may add their own tones; stages and channels are fixed.

>>> STAGES, CHANNELS
(('early', 'middle', 'late', 'final'), ('letter', 'sms'))
>>> STAGE_NAMES["final"], TONE_NAMES["empathetic"], CHANNEL_NAMES["sms"]
('最后通知', '劝慰', '短信')
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "CHANNELS",
    "CHANNEL_NAMES",
    "STAGES",
    "STAGE_NAMES",
    "TONES",
    "TONE_NAMES",
    "Channel",
    "Stage",
    "Tone",
    "stage_order",
]

Stage = Literal["early", "middle", "late", "final"]
STAGES: tuple[Stage, ...] = ("early", "middle", "late", "final")
"""Escalation stages in order (seed: 前期 1–5 天、中期 6–18 天、后期 19–28 天; then 最后通知)."""

STAGE_NAMES: dict[str, str] = {
    "early": "前期提醒",
    "middle": "中期催收",
    "late": "后期催收",
    "final": "最后通知",
}

Tone = str
"""A tone id: the built-in ones below, or a project's own (``config`` checks its spelling)."""
TONES: tuple[str, ...] = ("courteous", "empathetic", "firm")
"""Built-in tones: 以礼相待, 劝慰 (hardship), 坚定. Projects may add their own."""

TONE_NAMES: dict[str, str] = {"courteous": "以礼相待", "empathetic": "劝慰", "firm": "坚定"}
"""Chinese names of the built-in tones (a project's own tones show their id)."""

Channel = Literal["letter", "sms"]
CHANNELS: tuple[Channel, ...] = ("letter", "sms")
"""Where a document goes: an A4 letter (PDF) or an SMS."""

CHANNEL_NAMES: dict[str, str] = {"letter": "信函", "sms": "短信"}


def stage_order(stage: str) -> int:
    """Where a stage sits in the escalation (an unknown one last), for sorting reports."""
    return STAGES.index(stage) if stage in STAGES else len(STAGES)
