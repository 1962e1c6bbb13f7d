"""Template checks (DL0xx) and inline suppressions in template drafts.

Inline suppression, in templates only, with Jinja comments::

    {# dunletters: disable=DL107 #}          the next line
    {# dunletters: disable[DL302,DL303] #}   from here …
    {# dunletters: enable[DL302,DL303] #}    … to here

Compliance rules (DL6xx) cannot be suppressed inline (DL006); a directive that
suppresses nothing is reported (DL005). Shared by plain-draft linting and the
template-draft composition step (:mod:`dunletters.template_drafts`), which imports this
module and never the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dunletters.lint.findings import Finding
from dunletters.lint.rules.templates import TEMPLATE_RULES

__all__ = [
    "TEMPLATE_RULES",
    "Suppression",
    "apply_suppressions",
    "find_suppressions",
    "template_finding",
]


_TEMPLATE_RULES = {rule.code: rule for rule in TEMPLATE_RULES}


def template_finding(code: str, message: str, line: int = 1, column: int = 1) -> Finding:
    """A DL0xx finding at a template line (template checks have no text offsets)."""
    rule = _TEMPLATE_RULES[code]
    return Finding(
        code=code,
        name=rule.name,
        severity=rule.severity,
        principle="模板",
        message=message,
        line=line,
        column=column,
        end_line=line,
        end_column=column,
    )


# -- suppressions ----------------------------------------------------------------------

_DIRECTIVE = re.compile(
    r"\{#-?\s*dunletters:\s*(?P<verb>disable|enable)(?:=(?P<next>[\w,\s-]+?)|\[(?P<range>[\w,\s-]+)\])\s*-?#\}"
)


@dataclass
class Suppression:
    """One inline directive: codes silenced on lines ``first``–``last`` (written on ``line``)."""

    codes: tuple[str, ...]
    first: int
    last: int
    line: int
    used: set[str] = field(default_factory=set)


def find_suppressions(body: str) -> tuple[list[Suppression], list[Finding]]:
    """A template body's directives, and DL006 for each compliance code it tries to silence."""
    lines = body.split("\n")
    found: list[Suppression] = []
    problems: list[Finding] = []
    open_ranges: dict[str, tuple[int, int]] = {}
    for index, line in enumerate(lines, start=1):
        for match in _DIRECTIVE.finditer(line):
            raw = match.group("next") or match.group("range") or ""
            codes = tuple(code.strip().upper() for code in raw.split(",") if code.strip())
            allowed = []
            for code in codes:
                if code.startswith("DL6"):
                    problems.append(
                        template_finding(
                            "DL006",
                            f"合规规则 {code} 不能在模板内关闭；如确有必要，请在项目配置 [[lint.allow]] 中写明理由",
                            index,
                            match.start() + 1,
                        )
                    )
                else:
                    allowed.append(code)
            if match.group("next") is not None and match.group("verb") == "disable":
                target = index + 1
                while target <= len(lines) and not lines[target - 1].strip():
                    target += 1
                found.append(Suppression(tuple(allowed), target, target, index))
            elif match.group("verb") == "disable":
                for code in allowed:
                    open_ranges[code] = (index, index)
            else:
                for code in allowed:
                    if code in open_ranges:
                        start, at = open_ranges.pop(code)
                        found.append(Suppression((code,), start, index, at))
    for code, (start, at) in open_ranges.items():
        found.append(Suppression((code,), start, len(lines), at))
    return found, problems


def apply_suppressions(findings: list[Finding], suppressions: list[Suppression]) -> list[Finding]:
    """The findings no directive silences, plus DL005 for each directive that silenced nothing."""
    kept = []
    for finding in findings:
        suppressed = False
        for suppression in suppressions:
            if (
                finding.code in suppression.codes
                and suppression.first <= finding.line <= suppression.last
            ):
                suppression.used.add(finding.code)
                suppressed = True
        if not suppressed:
            kept.append(finding)
    for suppression in suppressions:
        for code in suppression.codes:
            if code not in suppression.used:
                kept.append(
                    template_finding(
                        "DL005", f"行内抑制 {code} 没有抑制任何问题，请删除", suppression.line
                    )
                )
    return kept
