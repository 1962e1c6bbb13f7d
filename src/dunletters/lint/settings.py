"""Linter settings: ``[lint]`` in dunletters.toml / ``[tool.dunletters.lint]``.

Select and ignore by code (``DL302``), prefix (``DL3``) or name (``long-sentence``);
override severities; set rule parameters; extend the phrase lists from a folder.
Compliance rules (DL6xx) are different on purpose: a template author cannot turn
them off inline, and a project can relax one only through an ``[[lint.allow]]``
entry that names the code and a written reason (kept in the config, reviewed like
code).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Allowance", "LintSettings", "code_matches"]

SeverityName = Literal["error", "warning", "info"]


def code_matches(selector: str, code: str, name: str) -> bool:
    """Whether a selector (code, code prefix or kebab-case name) picks a rule.

    >>> code_matches("DL3", "DL302", "long-sentence"), code_matches("threat", "DL601", "threat")
    (True, True)
    >>> code_matches("DL30", "DL310", "x"), code_matches("ALL", "DL601", "threat")
    (False, True)
    """
    selector = selector.strip()
    if selector.upper() == "ALL":
        return True
    if selector.upper().startswith("DL"):
        return code.startswith(selector.upper())
    return selector == name


class Allowance(BaseModel):
    """A project-level, reasoned relaxation of a compliance rule (DL6xx)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^DL6\d\d$")
    reason: str = Field(min_length=8, description="为何可以放宽：写给合规审查的人看")
    paths: tuple[str, ...] = Field(default=(), description="只对这些文件（glob）生效；空为全部")


class LintSettings(BaseModel):
    """The ``[lint]`` table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, SeverityName] = Field(default_factory=dict)
    params: dict[str, dict[str, int | float | str]] = Field(default_factory=dict)
    allow: tuple[Allowance, ...] = ()
    lexicons: tuple[str, ...] = Field(default=(), description="额外词表目录，同名词表追加条目")
    link_allowlist: tuple[str, ...] = Field(default=(), description="允许出现的官方域名")

    @model_validator(mode="after")
    def _compliance_needs_reason(self) -> LintSettings:
        allowed = {allowance.code for allowance in self.allow}
        for selector in self.ignore:
            if selector.upper().startswith("DL6") and not (
                len(selector) == 5 and selector.upper() in allowed
            ):
                raise ValueError(
                    f"合规规则 {selector} 不能用 ignore 关闭：请用 [[lint.allow]] 写明 code 与 reason"
                )
        for code, level in self.severity.items():
            if code.upper().startswith("DL6") and level != "error" and code.upper() not in allowed:
                raise ValueError(
                    f"合规规则 {code} 不能降级：请用 [[lint.allow]] 写明 code 与 reason"
                )
        return self
