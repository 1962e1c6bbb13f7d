"""What a phrase-list file may hold: its entries, and the rule an existence list declares.

Frozen pydantic models that forbid unknown keys: a misspelt key in a list a compliance
team edits is refused when the file is read (:func:`~.loading.load_lexicon` names the
file and the entry), not silently ignored.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dunletters.lint.findings import Severity

__all__ = ["Entry", "Lexicon", "RuleDoc"]


class Entry(BaseModel):
    """One phrase (or pattern) of a list."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    phrase: str | None = Field(default=None, min_length=1)
    regex: str | None = Field(default=None, min_length=1)
    suggest: str | None = None
    except_: tuple[str, ...] = Field(default=(), alias="except")
    example: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_of(self) -> Entry:
        # Patterns are compiled (and so checked) by load_lexicon, which knows which
        # ones the shipped anchor table has already proven valid.
        if (self.phrase is None) == (self.regex is None):
            raise ValueError("每个条目须有且只有 phrase 或 regex 之一")
        return self

    @property
    def label(self) -> str:
        """The phrase, or the pattern, for messages and docs."""
        return self.phrase if self.phrase is not None else f"/{self.regex}/"


class RuleDoc(BaseModel):
    """An existence rule's documentation (the sections of ``docs/rules.md``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    principle: str
    what: str
    why: str
    fail: tuple[str, ...] = ()
    passes: tuple[str, ...] = ()
    use_instead: str


class Lexicon(BaseModel):
    """A phrase list file; with ``extends: existence`` it also declares its rule."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str = Field(alias="list", pattern=r"^[a-z][a-z0-9_]*$")
    rule: str = Field(pattern=r"^DL\d{3}$")
    description: str
    source: str
    entries: tuple[Entry, ...] = Field(min_length=1)
    pass_examples: tuple[str, ...] = Field(min_length=1)
    extends: Literal["existence"] | None = None
    """``existence``: the rule is one finding per match (see lint/rules/existence.py)."""
    title: str | None = Field(default=None, min_length=1)
    """The declared rule's Chinese name (as ``title`` in lint/rules/messages.yml)."""
    message: str | None = None
    """The finding's message; ``{match}`` is the matched text (and ``{stage}``, ``{tone}``)."""
    frame_message: str | None = None
    """Also report the rule's sentence frames (lint/frames/), with this message
    (``{match}``, ``{frame}``)."""
    severity: Severity | None = None
    basis: str | None = None
    """The rule's basis in the rules and the seed (``依据``)."""
    doc: RuleDoc | None = None
    since: str = "0.1.0"
    fixable: bool = False
    needs: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    """The stages the rule applies at (empty: all)."""
    example_context: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _declared(self) -> Lexicon:
        if self.extends is not None:
            missing = [
                key for key in ("message", "severity", "basis", "doc") if getattr(self, key) is None
            ]
            if missing:
                raise ValueError(f"extends: existence 的词表须写明 {'、'.join(missing)}")
        return self
