"""Required literals of a regex: the prefilter that keeps phrase-list regexes cheap.

Python's ``re`` has no literal prefilter for alternations: a list's regex entries
joined into one alternation are tried at every position of the text, and a list
of fifty patterns that start with a group such as ``(你|您)`` costs milliseconds a
letter. Grep-like tools (ripgrep, Hyperscan) avoid this by extracting from each
pattern a set of literal strings one of which *every* match must contain, finding
those literals with one multi-string search, and running a pattern only where its
literals occur. That is what this module computes — from the parse tree of
:mod:`re`, conservatively: when it cannot prove a literal is required it answers
``None`` and the pattern simply always runs.

``(一切|所有)?后果(由)?(你|您)承担`` → ``{"后果你承担", "后果您承担", …}`` is not
tried (optional parts break runs); ``{"后果"}`` or the best run is. The best set is
the one whose shortest member is longest: two-character Chinese anchors are rare
in a clean letter, single characters such as ``您`` are everywhere.
"""

from __future__ import annotations

import importlib
import itertools
import sys
import warnings
from collections.abc import Iterator
from typing import Any

__all__ = ["reads_parser", "required_literals"]

# ``re._parser`` is CPython's private parser: its tree shape is read here only on the
# minor versions it was checked against; elsewhere every pattern simply always runs.
SUPPORTED_PYTHONS = ((3, 11), (3, 12), (3, 13))


class _Unread:
    """Stands in for ``re._constants`` when the parser is not read: no tree is walked."""

    def __getattr__(self, name: str) -> None:
        return None


def re_internals(version: tuple[int, int]) -> tuple[Any, Any] | None:
    """CPython's ``re`` parser and constants on a checked minor version, else ``None``
    with a warning: the linter then stays correct, only slower."""
    if version not in SUPPORTED_PYTHONS:
        warnings.warn(
            f"Python {version[0]}.{version[1]} 未经检验：词表正则不做字面量预筛，检查结果不变，速度较慢",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    try:
        return importlib.import_module("re._parser"), importlib.import_module("re._constants")
    except ImportError:
        warnings.warn("re._parser 不可用：词表正则不做字面量预筛", RuntimeWarning, stacklevel=2)
        return None


_internals = re_internals((sys.version_info[0], sys.version_info[1]))
_parser: Any = _internals[0] if _internals else None
_constants: Any = _internals[1] if _internals else _Unread()

# Beyond this many alternatives a set stops paying for itself as an anchor.
_MAX_SET = 256
# Bounded repeats up to this count are expanded (X{1,4} → X, XX, XXX, XXXX).
_MAX_EXACT_REPEAT = 4

_LITERAL = _constants.LITERAL
_IN = _constants.IN
_SUBPATTERN = _constants.SUBPATTERN
_BRANCH = _constants.BRANCH
_MAX_REPEAT = _constants.MAX_REPEAT
_MIN_REPEAT = _constants.MIN_REPEAT
_POSSESSIVE_REPEAT = getattr(_constants, "POSSESSIVE_REPEAT", None)
_ATOMIC_GROUP = getattr(_constants, "ATOMIC_GROUP", None)
_ZERO_WIDTH = {
    _constants.AT,
    _constants.ASSERT,
    _constants.ASSERT_NOT,
}


def reads_parser() -> bool:
    """Whether anchors are worked out here (a cache of them is kept apart from one made
    where they are not, so an unchecked Python's empty anchors never slow a checked one)."""
    return _parser is not None


def required_literals(pattern: str) -> frozenset[str] | None:
    """Lower-cased literals one of which every match of ``pattern`` contains.

    ``None`` when no such set is known (the caller must then always run the
    pattern). Case: the pattern is matched with ``re.IGNORECASE`` over a lower-cased
    copy of the text, so literals are lower-cased; a literal with a non-ASCII cased
    letter (whose Unicode folding ``re`` may treat specially) gives ``None``.
    """
    if _parser is None:
        return None
    try:
        tree = _parser.parse(pattern, 0)
    except Exception:  # an invalid pattern is reported by the schema, not here
        return None
    best = _required(list(tree))
    if not best or min(map(len, best)) == 0:
        return None
    if any(_risky_case(literal) for literal in best):
        return None
    return frozenset(literal.lower() for literal in best)


def _risky_case(literal: str) -> bool:
    return any(not char.isascii() and char.lower() != char.upper() for char in literal)


# What every collection letter says. An anchor found here would run its pattern on
# every clean letter (公司 of 股份有限公司, 联系 of 联系我们), so a set with fewer
# such members is preferred over a set with longer ones.
_TYPICAL_LETTER = (
    "示范银行股份有限公司信用卡中心 客服热线 官方网站 催收函 函号 尊敬的先生女士您好："
    "截至2026年11月28日，您名下尾号1234的信用卡账户欠款合计人民币元整，到期还款日，已逾期天。"
    "本金 利息 违约金 合计 大写金额。请您务必于12月5日前全额归还上述欠款。"
    "请只通过以下我行官方渠道还款：收款户名 收款账号 开户银行 手机银行App 营业网点。"
    "如确有还款困难，请在期限前致电我们说明情况，并提出可行的还款方案，联系我们协商分期。"
    "您的逾期信息将依法报送金融信用信息基础数据库。我行将按合同约定继续计收利息和违约金。"
    "如对欠款金额有异议，请致电，我行将及时核实处理；相关证明材料可寄至。"
    "如您已还款，请忽略本函。特此函告。（盖章）本函仅寄送您本人，请妥善保管。"
)


def _score(literals: frozenset[str] | None) -> tuple[int, int, int, int]:
    """Fewest members common in letters, then longer shortest member (up to three), then
    fewer members, then the longer shortest member."""
    if not literals:
        return (-(10**6), -1, 0, 0)
    common = sum(literal in _TYPICAL_LETTER for literal in literals)
    # Beyond three characters a literal is selective enough; a smaller set then
    # keeps the shared automaton (built at every start-up) small.
    shortest = min(map(len, literals))
    return (-common, min(3, shortest), -len(literals), shortest)


def _exact(item: tuple[Any, Any]) -> frozenset[str] | None:
    """Every string ``item`` can match, when that is a small finite set."""
    op, av = item
    if op is _LITERAL:
        return frozenset({chr(av)})
    if op is _IN:
        if all(sub_op is _LITERAL for sub_op, _ in av) and len(av) <= _MAX_SET:
            return frozenset(chr(code) for _, code in av)
        return None
    if op is _SUBPATTERN:
        return _exact_sequence(list(av[-1]))
    if op is _BRANCH:
        return _union(_exact_sequence(list(alternative)) for alternative in av[1])
    if op is _MAX_REPEAT or op is _MIN_REPEAT or op is _POSSESSIVE_REPEAT:
        low, high, sub = av
        if high > _MAX_EXACT_REPEAT:
            return None
        inner = _exact_sequence(list(sub))
        if inner is None:
            return None
        # X{1,2} → {X, XX}; (的)? → {"", 的}
        return _union(_power(inner, count) for count in range(low, high + 1))
    return None


def _power(strings: frozenset[str], count: int) -> frozenset[str] | None:
    """Every concatenation of ``count`` members (None when too many)."""
    result: frozenset[str] = frozenset({""})
    for _ in range(count):
        result = frozenset(a + b for a, b in itertools.product(result, strings))
        if len(result) > _MAX_SET:
            return None
    return result


def _exact_sequence(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    result: frozenset[str] = frozenset({""})
    for item in items:
        part = _exact(item)
        if part is None:
            return None
        result = frozenset(a + b for a, b in itertools.product(result, part))
        if len(result) > _MAX_SET:
            return None
    return result


def _union(parts: Any) -> frozenset[str] | None:
    result: set[str] = set()
    for part in parts:
        if part is None:
            return None
        result |= part
        if len(result) > _MAX_SET:
            return None
    return frozenset(result)


def _required_item(item: tuple[Any, Any]) -> frozenset[str] | None:
    """Literals one of which every match of a single (non-exact) item contains."""
    op, av = item
    if op is _SUBPATTERN or op is _ATOMIC_GROUP:
        return _required(list(av[-1] if op is _SUBPATTERN else av))
    if op is _BRANCH:
        return _union(_required(list(alternative)) for alternative in av[1])
    if op is _MAX_REPEAT or op is _MIN_REPEAT or op is _POSSESSIVE_REPEAT:
        low, _high, sub = av
        if low < 1:
            return None
        # The first `low` repetitions are contiguous: X{3,} contains XXX.
        inner = _exact_sequence(list(sub))
        repeated = _power(inner, low) if inner is not None else None
        return repeated if repeated is not None else _required(list(sub))
    return None


def _required(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The best required set of a sequence: a window of consecutive exact items, or
    one other item's own.

    Zero-width items (lookarounds, ``^``) match nothing, so they neither extend nor
    break a run of exact items; anything else that is not exact ends the run. Every
    window of a run is a candidate: ``(孩子|小孩)在`` beats ``(你|您)的?(孩子|小孩)在``,
    as selective with far fewer members.
    """
    candidates: list[frozenset[str] | None] = []
    run: list[frozenset[str]] = []
    for item in items:
        if item[0] in _ZERO_WIDTH:
            continue
        part = _exact(item)
        if part is not None:
            run.append(part)
            continue
        candidates.extend(_windows(run))
        run = []
        candidates.append(_required_item(item))
    candidates.extend(_windows(run))
    return max(candidates, key=_score, default=None)


def _windows(parts: list[frozenset[str]]) -> Iterator[frozenset[str]]:
    """The concatenations of every window of consecutive parts (while small enough)."""
    for first in range(len(parts)):
        product: frozenset[str] = frozenset({""})
        for part in parts[first:]:
            product = frozenset(a + b for a, b in itertools.product(product, part))
            if len(product) > _MAX_SET:
                break
            yield product
