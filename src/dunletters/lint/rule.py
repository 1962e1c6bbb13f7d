"""The shape of a rule: one value carrying its identity, scope, docs and check.

Like ruff's rules (stable code, kebab-case name, fixed doc sections) and
proselint's checks (a small value, registered explicitly — no import side effects,
no global mutable registry). A rule's ``check`` returns (or yields) :class:`Hit`
values; the engine turns them into located :class:`~dunletters.lint.findings.Finding`
values. The built-in checks return lists: a generator per rule and document costs
more than most of them take to find nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from dunletters.errors import ConfigError
from dunletters.lint.context import LintContext
from dunletters.lint.findings import Severity
from dunletters.lint.ruledata import RuleData, builtin_rule_data
from dunletters.vocabulary import CHANNELS, STAGES

__all__ = ["ALL_CHANNELS", "ALL_STAGES", "Check", "Hit", "Rule", "rule", "with_data"]

ALL_CHANNELS: frozenset[str] = frozenset(CHANNELS)
ALL_STAGES: frozenset[str] = frozenset(STAGES)


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule's raw result: a span of the text, a message, maybe a replacement."""

    start: int
    end: int
    message: str
    suggestion: str | None = None
    severity: Severity | None = None
    """Overrides the rule's severity for this hit (DL302: info at 40, warning at 60)."""


Check = Callable[[LintContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """One lint rule."""

    code: str
    name: str
    principle: str
    severity: Severity
    rationale: str
    what: str
    why: str
    fail: tuple[str, ...]
    passes: tuple[str, ...]
    use_instead: str
    check: Check = field(repr=False, compare=False)
    channels: frozenset[str] = ALL_CHANNELS
    stages: frozenset[str] = ALL_STAGES
    needs: frozenset[str] = frozenset()
    """What the rule cannot run without: ``channel``, ``stage``, ``tone``, ``record``,
    ``pages``, ``schedule``. Missing ⇒ the rule is skipped, never guessed."""
    severity_by_channel: tuple[tuple[str, Severity], ...] = ()
    lexicons: tuple[str, ...] = ()
    hits_need: tuple[str, ...] = ()
    """Lists one of which must match for the rule to hit at all (its hits are their
    matches): where none of them can match — the shared phrase scan found none of
    their phrases or anchors — the engine does not run the rule. Most rules of a
    clean document are skipped this way."""
    example_context: tuple[tuple[str, str], ...] = ()
    """Context the fail/pass examples are checked in (e.g. ``(("stage", "early"),)``)."""
    messages: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    """The rule's message templates by key (YAML data, see :mod:`~dunletters.lint.ruledata`)."""
    since: str = "0.1.0"
    """The dunletters version the rule first shipped in."""
    fixable: bool = False
    """``dunletters lint --fix`` may apply its suggestions (safe substitutions only)."""
    title: str = ""
    """The rule's Chinese name (YAML data; ``name`` is its stable kebab-case id)."""

    def severity_for(self, channel: str | None) -> Severity:
        """The default severity on a channel (DL103: error in letters, warning in SMS)."""
        for name, severity in self.severity_by_channel:
            if name == channel:
                return severity
        return self.severity

    @property
    def compliance(self) -> bool:
        """DL6xx: regulatory rules, which only project config (with a reason) may relax."""
        return self.code.startswith("DL6")


def with_data(rule: Rule, data: RuleData) -> Rule:
    """The rule with its title, severity, messages, ``since`` and ``fixable`` taken from
    data (an edited rule-data file without a title keeps the shipped one)."""
    return replace(
        rule,
        title=data.title or rule.title,
        severity=data.severity,
        severity_by_channel=tuple(data.severity_by_channel.items()),
        messages=dict(data.messages),
        since=data.since,
        fixable=data.fixable,
    )


def rule(
    code: str,
    name: str,
    *,
    principle: str,
    rationale: str,
    what: str,
    why: str,
    fail: Iterable[str],
    passes: Iterable[str],
    use_instead: str,
    channels: Iterable[str] = ALL_CHANNELS,
    stages: Iterable[str] = ALL_STAGES,
    needs: Iterable[str] = (),
    severity: Severity | None = None,
    lexicons: Iterable[str] = (),
    hits_need: Iterable[str] = (),
    example_context: Iterable[tuple[str, str]] = (),
) -> Callable[[Check], Rule]:
    """Decorate a check function into a :class:`Rule` value; its severity and messages
    come from the shipped rule data (``lint/rules/messages.yml``).

    ``severity``: only for a rule not yet in that file (one added on another branch),
    which then keeps its messages in Python until its data is added there.
    """
    data = builtin_rule_data().get(code)
    if data is None and severity is not None:
        data = RuleData(severity=severity)
    if data is None:
        raise ConfigError(f"规则 {code} 在 lint/rules/messages.yml 中没有级别与提示语")

    def wrap(check: Check) -> Rule:
        made = Rule(
            code=code,
            name=name,
            principle=principle,
            severity=data.severity,
            rationale=rationale,
            what=what,
            why=why,
            fail=tuple(fail),
            passes=tuple(passes),
            use_instead=use_instead,
            check=check,
            channels=frozenset(channels),
            stages=frozenset(stages),
            needs=frozenset(needs),
            lexicons=tuple(lexicons),
            hits_need=tuple(hits_need),
            example_context=tuple(example_context),
        )
        return with_data(made, data)

    return wrap
