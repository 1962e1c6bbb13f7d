"""The preview's history page: one account's documents and payments from the contact ledger.

The same rows as ``dunletters history`` (:func:`~dunletters.ledger.history.history_payload`),
looked up by the account id an analyst types. The ledger stores no names, card, ID or
phone numbers; the one free-text value it holds, a payment's reference, is shown
masked to its last four characters. The ledger is only read: a missing SQLite file
is reported, never created, and a bad id is refused before any query. The typed id
is never logged.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dunletters.config import Settings
from dunletters.errors import ConfigError
from dunletters.zh import mask_reference

if TYPE_CHECKING:
    from dunletters.ledger import Ledger

__all__ = ["ACCOUNT_ID", "HistoryLookup", "HistoryView", "mask_reference"]

ACCOUNT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
"""An account id as the batch accepts them: letters, digits, ``_ . -``, at most 64."""


@dataclass(frozen=True)
class HistoryView:
    """What the page shows: the asked id, and the documents and payments or why not."""

    asked: str
    error: str | None = None
    documents: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)


def _sqlite_path(url: str) -> Path | None:
    path = url.removeprefix("sqlite:///")
    return None if path == url or path in ("", ":memory:") else Path(path)


class HistoryLookup:
    """The preview server's read-only view of one ledger (opened once, on first use)."""

    def __init__(self, settings: Settings, url: str | None = None) -> None:
        chosen = url or settings.ledger.url
        if chosen and "://" not in chosen:
            chosen = f"sqlite:///{Path(chosen).resolve()}"
        self.url = chosen
        self._ledger: Ledger | None = None
        self._lock = threading.Lock()

    @property
    def configured(self) -> bool:
        """Whether a ledger was named (``serve --ledger`` or ``[ledger] url``)."""
        return bool(self.url)

    def _open(self) -> Ledger:
        from dunletters.ledger import Ledger  # SQLAlchemy loads only for this page

        with self._lock:
            if self._ledger is None:
                assert self.url is not None
                file = _sqlite_path(self.url)
                if file is not None and not file.is_file():
                    raise ConfigError(
                        f"联系记录库文件不存在：{file}（先运行一次启用联系记录库的批处理）"
                    )
                self._ledger = Ledger(self.url)
            return self._ledger

    def lookup(self, asked: str) -> HistoryView:
        """One account's history, or the reason it cannot be shown (in Chinese)."""
        from dunletters.ledger.history import history_payload

        asked = asked.strip()
        if not self.configured:
            return HistoryView(
                asked,
                "未配置联系记录库：请在配置 [ledger] url 中写明，或以 dunletters serve --ledger 启动",
            )
        if not ACCOUNT_ID.fullmatch(asked):
            return HistoryView(asked, "账号只能由字母、数字和 _ . - 组成，且不超过 64 个字符")
        try:
            payload = history_payload(self._open(), asked)
        except ConfigError as error:
            return HistoryView(asked, str(error))
        return HistoryView(asked, None, payload["documents"], payload["payments"])

    def close(self) -> None:
        """Release the ledger's connections."""
        with self._lock:
            if self._ledger is not None:
                self._ledger.close()
                self._ledger = None
