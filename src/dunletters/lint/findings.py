"""Findings: what a rule reports, located in the text a person reads.

A finding carries the rule's identity (code, kebab-case name, principle from the
seed, severity), a Chinese message that names the matched text and what to write
instead, and a span given both as offsets and as 1-based line:column (start and
end, like ruff and Vale), so reporters for people (``path:line:col``) and for tools
(JSON, GitHub annotations, SARIF) read the same value.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

__all__ = ["Finding", "Severity"]


class Severity(enum.StrEnum):
    """How much a finding matters.

    ``error`` blocks a document in a batch (it is quarantined, not sent);
    ``warning`` is reported; ``info`` is advice.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for error, 1 for warning, 2 for info (sort order)."""
        return _RANKS[self]

    @property
    def label(self) -> str:
        """Chinese label."""
        return _LABELS[self]


_RANKS = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by one rule at one place."""

    code: str
    name: str
    severity: Severity
    principle: str
    message: str
    line: int = 1
    column: int = 1
    end_line: int = 1
    end_column: int = 1
    match: str = ""
    suggestion: str | None = None
    offset: int = field(default=0, compare=False)
    end_offset: int = field(default=0, compare=False)

    def sort_key(self) -> tuple[int, int, str]:
        """Order by position, then code."""
        return (self.line, self.column, self.code)

    def moved(self, line: int, column: int, end_line: int, end_column: int) -> Finding:
        """The same finding at another place (e.g. mapped back to a template line)."""
        return replace(self, line=line, column=column, end_line=end_line, end_column=end_column)

    def to_json(self) -> dict[str, object]:
        """The documented JSON form (schema_version 1)."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": str(self.severity),
            "principle": self.principle,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "match": self.match,
            "suggestion": self.suggestion,
        }
