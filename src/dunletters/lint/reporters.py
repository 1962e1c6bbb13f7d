"""Output formats: text for people, JSON/GitHub/SARIF for tools.

* ``text`` — ``path:line:col: DL601 threat: 威胁性用语「后果自负」…`` (ruff/Vale style),
  then a one-line summary;
* ``json`` — ``{"schema_version": 1, "files": [{"path", "findings": [...]}]}``
  (documented in ``docs/lint-json.md``);
* ``github`` — workflow commands (``::error file=…,line=…,col=…::…``) that GitHub
  turns into annotations on the pull request;
* ``sarif`` — SARIF 2.1.0 for code-scanning dashboards.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from dunletters import __version__
from dunletters.lint.findings import Finding, Severity
from dunletters.lint.rule import Rule

__all__ = ["FORMATS", "FileReport", "render_report"]

FORMATS = ("text", "json", "github", "sarif")
SCHEMA_VERSION = 1


@dataclass
class FileReport:
    """The findings for one linted file, or the reason it could not be linted."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None


def _text(reports: Sequence[FileReport]) -> str:
    lines: list[str] = []
    counts = dict.fromkeys(Severity, 0)
    for report in reports:
        if report.error is not None:
            lines.append(f"{report.path}: 错误: {report.error}")
            continue
        for finding in report.findings:
            counts[finding.severity] += 1
            tail = ""
            if finding.suggestion and finding.suggestion not in finding.message:
                tail = f"（建议：{finding.suggestion}）"
            lines.append(
                f"{report.path}:{finding.line}:{finding.column}: {finding.code} {finding.name}: "
                f"{finding.message}{tail}"
            )
    failed = sum(1 for r in reports if r.error is not None)
    summary = (
        f"检查了 {len(reports) - failed} 个文件：{counts[Severity.ERROR]} 个错误，"
        f"{counts[Severity.WARNING]} 个警告，{counts[Severity.INFO]} 个提示"
    )
    if failed:
        summary += f"；{failed} 个文件无法检查"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def _json(reports: Sequence[FileReport]) -> str:
    payload = {
        "schema_version": SCHEMA_VERSION,
        "files": [
            {
                "path": report.path,
                **({"error": report.error} if report.error is not None else {}),
                "findings": [finding.to_json() for finding in report.findings],
            }
            for report in reports
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _escape_github(value: str, *, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def _github(reports: Sequence[FileReport]) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for report in reports:
        path = _escape_github(report.path, property_value=True)
        if report.error is not None:
            lines.append(f"::error file={path}::{_escape_github(report.error)}")
            continue
        for f in report.findings:
            title = _escape_github(f"{f.code} {f.name}", property_value=True)
            lines.append(
                f"::{level[f.severity]} file={path},line={f.line},col={f.column},"
                f"endLine={f.end_line},endColumn={f.end_column},title={title}::"
                f"{_escape_github(f.message)}"
            )
    return "\n".join(lines) + ("\n" if lines else "")


def _sarif(reports: Sequence[FileReport], rules: Sequence[Rule]) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    results = []
    for report in reports:
        for f in report.findings:
            results.append(
                {
                    "ruleId": f.code,
                    "level": level[f.severity],
                    "message": {"text": f.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": report.path},
                                "region": {
                                    "startLine": f.line,
                                    "startColumn": f.column,
                                    "endLine": f.end_line,
                                    "endColumn": f.end_column,
                                },
                            }
                        }
                    ],
                }
            )
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dunletters",
                        "version": __version__,
                        "rules": [
                            {
                                "id": r.code,
                                "name": r.name,
                                "shortDescription": {"text": r.rationale},
                                "fullDescription": {"text": r.what},
                                "defaultConfiguration": {"level": level[r.severity]},
                            }
                            for r in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"


def render_report(reports: Sequence[FileReport], fmt: str, rules: Sequence[Rule] = ()) -> str:
    """Render reports in one of :data:`FORMATS`."""
    if fmt == "text":
        return _text(reports)
    if fmt == "json":
        return _json(reports)
    if fmt == "github":
        return _github(reports)
    if fmt == "sarif":
        return _sarif(reports, rules)
    raise ValueError(fmt)
