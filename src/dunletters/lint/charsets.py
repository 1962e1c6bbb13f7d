"""The one seam where the linter reaches into the standard library's ``re``: character
classes optimised once per process, and compiled patterns remembered across processes.

Compiling a Chinese character class (``[\\u4e00-\\u9fff]``) costs ``re`` about a
millisecond: ``re._compiler._optimize_charset`` marks the class's 21,000 characters in a
bitmap one by one, in Python. The linter's rules, lists and frames write the same few
classes hundreds of times, and a single draft's start-up paid for each of them.
:func:`install` wraps that function so that a class seen before reuses the
result: the function is pure for a case-sensitive class (no ``fixup``), and its result
is only read by the compiler, so every compiled pattern is the same as without it.

Even so, parsing and compiling the rules' few hundred patterns is most of what one
``dunletters lint draft.txt`` costs, and every run compiles the same strings again.
:func:`install` also wraps ``re._compiler.compile``: the code ``re`` compiles a pattern
string to (a list of integers, a pure function of the string, its flags and the
interpreter) is kept in the user cache, one JSON file per interpreter and ``re`` engine,
and a later process hands it straight to ``_sre.compile``. The wrapper checks itself on
install (a pattern built from remembered code must equal the one ``re`` builds, and
``re.Pattern`` equality compares the code) and stays out when it does not.

Off switch: ``DUNLETTERS_RE_ACCEL=0`` (or ``false``, ``no``, ``off``) before the linter
is imported. The seam does nothing on a Python whose ``re`` has no such functions.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENVIRONMENT_VARIABLE = "DUNLETTERS_RE_ACCEL"
_OFF = {"0", "false", "no", "off"}
_LIMIT = 4096
"""Distinct classes remembered (the built-in rules hold about 600)."""

Optimise = Callable[..., tuple[list[Any], bool]]


def requested() -> bool:
    """Whether the environment leaves the seam on (the default)."""
    return os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() not in _OFF


def remembering(optimise: Optimise) -> Optimise:
    """``optimise`` with its case-sensitive results remembered by the class's items."""
    known: dict[tuple[Any, ...], tuple[list[Any], bool]] = {}

    def optimise_once(
        charset: list[Any], iscased: Any = None, fixup: Any = None, fixes: Any = None
    ) -> tuple[list[Any], bool]:
        if fixup is not None:  # a case-insensitive class depends on more than its items
            return optimise(charset, iscased, fixup, fixes)
        try:
            key = tuple(charset)
            found = known.get(key)
        except TypeError:  # an item that cannot be hashed: never the case in 3.11–3.13
            return optimise(charset, iscased, fixup, fixes)
        if found is None:
            if len(known) >= _LIMIT:
                known.clear()
            found = known[key] = optimise(charset, iscased, fixup, fixes)
        items, cased = found
        return list(items), cased

    optimise_once.__wrapped__ = optimise  # type: ignore[attr-defined]
    return optimise_once


def _re_compiler() -> Any:
    """``re``'s compiler module, or None when the seam is off or this Python has none."""
    if not requested():
        return None
    try:
        from re import _compiler as compiler  # type: ignore[attr-defined]
    except ImportError:
        return None
    return compiler


def install() -> bool:
    """Wrap ``re``'s class optimiser once, unless switched off; whether it is wrapped."""
    compiler = _re_compiler()
    if compiler is None:
        return False
    current = getattr(compiler, "_optimize_charset", None)
    if current is None:
        return False
    if not hasattr(current, "__wrapped__"):
        compiler._optimize_charset = remembering(current)
    return True


_STORE_LIMIT = 8192
"""Patterns kept in the file (the built-in rules compile about 700)."""

Compile = Callable[..., Any]


class CompiledStore:
    """Remembered compiled code by pattern, read from and written back to one file.

    The file keeps what the last process that wrote it used, so a run that compiled
    thousands of other patterns (the test suite) does not slow every later draft."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.known: dict[str, list[Any]] = {}
        self.used: set[str] = set()
        self.added = False
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict):
                    self.known = data
            except (OSError, ValueError):
                pass

    def save(self) -> None:
        """Write the patterns this process used (atomically), when it compiled a new one
        or used less than half of the file."""
        if self.path is None or not (self.added or 2 * len(self.used) < len(self.known)):
            return
        kept = {key: self.known[key] for key in self.used if _encodable(key)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            partial.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
            os.replace(partial, self.path)
        except (OSError, ValueError):
            pass  # a read-only home or a full disk: compile on every run instead
        self.added = False


def _encodable(pattern: str) -> bool:
    """Whether UTF-8 can write the pattern (a hostile file name may carry a lone surrogate)."""
    try:
        pattern.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def remembering_compile(compile_: Compile, store: CompiledStore) -> Compile:
    """``re._compiler.compile`` with the code of a pattern string taken from ``store``."""
    import _sre  # type: ignore[import-not-found]
    from re import _compiler as compiler  # type: ignore[attr-defined]
    from re import _parser as parser  # type: ignore[attr-defined]

    def compile_once(pattern: Any, flags: int = 0) -> Any:
        if not isinstance(pattern, str) or flags & compiler.SRE_FLAG_DEBUG:
            return compile_(pattern, flags)
        key = f"{int(flags)}:{pattern}"
        found = store.known.get(key)
        if found is not None:
            try:
                final, code, groups, groupindex, indexgroup = found
                compiled = _sre.compile(pattern, final, code, groups, groupindex, tuple(indexgroup))
            except (TypeError, ValueError, RuntimeError):  # a damaged entry: compile afresh
                del store.known[key]
            else:
                store.used.add(key)
                return compiled
        parsed = parser.parse(pattern, flags)
        code = compiler._code(parsed, flags)
        final, groups = int(flags | parsed.state.flags), parsed.state.groups - 1
        names = dict(parsed.state.groupdict)
        by_index: list[str | None] = [None] * parsed.state.groups
        for name, index in names.items():
            by_index[index] = name
        if len(store.known) < _STORE_LIMIT:
            store.known[key] = [final, code, groups, names, by_index]
            store.used.add(key)
            store.added = True
        return _sre.compile(pattern, final, code, groups, names, tuple(by_index))

    compile_once.__wrapped__ = compile_  # type: ignore[attr-defined]
    return compile_once


def _store_path(compiler: Any) -> Path:
    from dunletters.usercache import user_cache_dir

    version = "".join(map(str, sys.version_info[:3]))
    name = f"compiled-{version}-{compiler.MAGIC}.json"  # the engine's MAGIC, as _sre's
    return user_cache_dir("re", "DUNLETTERS_RE_CACHE") / name


def _same_as_re(compile_once: Compile, compile_: Compile) -> bool:
    """Whether patterns built through the wrapper equal ``re``'s own (code included)."""
    probes = [
        r"(?P<who>[\u4e00-\u9fff]{2,4})(?:先生|女士)",
        r"(?<![机社])会[^，。]{0,8}?通知",
        "(?i)abc|d",
    ]
    try:
        return all(
            compile_once(probe, 0) == compile_(probe, 0) == compile_once(probe, 0)
            for probe in probes
        )
    except Exception:  # any surprise from re internals: stay out
        return False


def install_compiled(path: Path | None = None) -> bool:
    """Wrap ``re``'s compiler with a store of compiled code, unless switched off."""
    compiler = _re_compiler()
    if compiler is None:
        return False
    current = getattr(compiler, "compile", None)
    if current is None or not hasattr(compiler, "_code"):
        return False
    if hasattr(current, "__wrapped__"):
        return True
    if not _same_as_re(remembering_compile(current, CompiledStore(None)), current):
        return False
    store = CompiledStore(path if path is not None else _store_path(compiler))
    compiler.compile = remembering_compile(current, store)
    atexit.register(store.save)
    return True
