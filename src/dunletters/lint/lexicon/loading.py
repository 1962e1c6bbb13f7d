"""Reading the lists: YAML files validated into :class:`Lexicon` values, the built-in
ones kept parsed in the user's cache folder, a project's lists added to them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dunletters.errors import ConfigError, describe_validation
from dunletters.lint.anchors import reads_parser, required_literals
from dunletters.lint.lexicon.matching import CompiledLexicon, PhraseScanner
from dunletters.lint.lexicon.schema import Lexicon
from dunletters.lint.text import fold_chinese, folding_digest
from dunletters.usercache import user_cache_dir

__all__ = [
    "anchor_table",
    "build_compiled",
    "builtin_lexicons",
    "lexicon_cache_dir",
    "load_lexicon",
    "load_lexicons",
]


def load_lexicon(path: Path, data: object = None) -> Lexicon:
    """Read and validate one YAML list; errors name the file and the entry.

    ``data``: the list already parsed (from the compiled cache), to validate only.
    """
    data_given = data is not None
    if data is None:
        import yaml  # only when a list is not in the compiled cache (~25 ms to import)

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            # libyaml's C loader: the pure-Python one alone would cost a quarter
            # second of every `dunletters lint` start-up.
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise ConfigError(f"词表 {path.name} 无法读取：{error}") from None
    try:
        lexicon = Lexicon.model_validate(data)
    except ValidationError as error:
        raise ConfigError(describe_validation(error, f"词表 {path.name} 无效：")) from None
    if lexicon.name != path.stem:
        raise ConfigError(f"词表 {path.name} 的 list 应为 {path.stem}")
    proven = anchor_table() if data_given else {}
    for index, entry in enumerate(lexicon.entries):
        if entry.regex is not None and entry.regex not in proven:
            try:
                re.compile(entry.regex, re.IGNORECASE)
            except re.error as error:
                raise ConfigError(
                    f"词表 {path.name} 无效：entries.{index}.regex 无效：{error}"
                ) from None
    return lexicon


# --- the compiled cache of the built-in lists ------------------------------------------
#
# Parsing the YAML files and the regex patterns costs ~60 ms, a large part of the
# budget of a `dunletters lint` run on every save. The built-in lists are therefore
# kept, once parsed, as one JSON file with each pattern's anchors (anchors.py) in the
# user's cache folder (as the derived fonts are), named by a digest of the YAML
# files: an edited list gets a new name, so it is never shadowed by a stale cache,
# and nothing generated is kept in git.

_COMPILED_FORMAT = 4


def _builtin_dir() -> Path:
    return Path(str(resources.files("dunletters.lint") / "lexicons"))


def _builtin_paths() -> list[Path]:
    return sorted(_builtin_dir().glob("*.yml"))


def _digests(paths: Sequence[Path]) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def lexicon_cache_dir() -> Path:
    """``$DUNLETTERS_LEXICON_CACHE``, else ``$XDG_CACHE_HOME/dunletters/lexicons``."""
    return user_cache_dir("lexicons", "DUNLETTERS_LEXICON_CACHE")


def _cache_path(sources: dict[str, str]) -> Path:
    parts = [_COMPILED_FORMAT, reads_parser(), folding_digest(), sorted(sources.items())]
    key = json.dumps(parts).encode("utf-8")
    return lexicon_cache_dir() / f"compiled-{hashlib.sha256(key).hexdigest()[:32]}.json"


@cache
def _compiled() -> dict[str, Any]:
    """The built-in lists parsed, with their anchors: read from the user cache, or
    built from the YAML files (and stored there when the folder is writable)."""
    sources = _digests(_builtin_paths())
    path = _cache_path(sources)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if isinstance(data, dict) and data.get("sources") == sources:
        return data
    text = build_compiled()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)  # whole or absent, whatever runs in parallel
    except OSError:
        pass  # a read-only home: parse the YAML files on every run instead
    built: dict[str, Any] = json.loads(text)
    return built


@cache
def anchor_table() -> dict[str, list[str] | None]:
    """Anchors of the built-in patterns (each one compiled when the cache was made)."""
    anchors = _compiled().get("anchors", {})
    return anchors if isinstance(anchors, dict) else {}


def builtin_lexicons() -> list[Lexicon]:
    """The built-in lists (parsed once, then read from the user cache)."""
    lists = _compiled().get("lists", {})
    return [load_lexicon(path, lists.get(path.stem)) for path in _builtin_paths()]


def build_compiled() -> str:
    """The compiled cache's JSON text for the built-in lists as they are now."""
    paths = _builtin_paths()
    lexicons = [load_lexicon(path, None) for path in paths]
    anchors: dict[str, list[str] | None] = {}
    for pattern in sorted({e.regex for lx in lexicons for e in lx.entries if e.regex}):
        literals = required_literals(fold_chinese(pattern))
        anchors[pattern] = None if literals is None else sorted(literals)
    document = {
        "format": _COMPILED_FORMAT,
        "sources": _digests(paths),
        "lists": {lx.name: lx.model_dump(mode="json", by_alias=True) for lx in lexicons},
        "anchors": anchors,
    }
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@cache
def load_lexicons(extra_dirs: tuple[Path, ...] = ()) -> dict[str, CompiledLexicon]:
    """The built-in lists, extended by same-named lists in ``extra_dirs``.

    An extra file with the same list name adds its entries and pass examples to the
    built-in list (a compliance team extends, it does not have to copy).
    """
    lists: dict[str, Lexicon] = {}
    extra = [load_lexicon(path) for d in extra_dirs for path in sorted(Path(d).glob("*.yml"))]
    for lexicon in (*builtin_lexicons(), *extra):
        if lexicon.name in lists:
            base = lists[lexicon.name]
            lexicon = base.model_copy(
                update={
                    "entries": base.entries + lexicon.entries,
                    "pass_examples": base.pass_examples + lexicon.pass_examples,
                }
            )
        lists[lexicon.name] = lexicon
    scanner = PhraseScanner()
    table = anchor_table()
    return {name: CompiledLexicon(lexicon, scanner, table) for name, lexicon in lists.items()}
