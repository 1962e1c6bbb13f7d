"""Phrase lists (lexicons): YAML data a compliance team extends without code.

Each file under ``lint/lexicons/`` is one list (Vale's *existence* and
*substitution* styles): the rule that uses it, a description and its basis, the
entries — a ``phrase`` (substring) or a ``regex`` — each with an optional
``suggest`` replacement, an ``except`` list of legitimate longer phrases, and an
``example`` the entry must match; and ``pass_examples`` no entry may match. The
tests run every example, so an entry that stops matching its own example fails CI.

Matching is on :attr:`TextView.match_text` (full-width folded, whitespace next to
Chinese removed). Chinese phrases match as substrings — ``\\b`` never matches
inside Chinese — while a phrase that starts or ends with a Latin letter or digit is
guarded with ASCII-only neighbours, case-insensitively, so ``M1`` does not fire
inside ``M10``. All literal phrases of all lists are found in one pass over the
text (:class:`PhraseScanner`), whatever the lists' length.

The package's modules: :mod:`.schema` (what a list file may hold, validated by
pydantic), :mod:`.loading` (reading the YAML files, the compiled cache of the
built-in lists in the user's cache folder, and extending them with a project's
lists) and :mod:`.matching` (the shared phrase scanner and the compiled lists).
"""

from __future__ import annotations

from dunletters.lint.lexicon.loading import (
    anchor_table,
    build_compiled,
    builtin_lexicons,
    lexicon_cache_dir,
    load_lexicon,
    load_lexicons,
)
from dunletters.lint.lexicon.matching import CompiledLexicon, LexiconMatch, PhraseScanner
from dunletters.lint.lexicon.schema import Entry, Lexicon, RuleDoc

__all__ = [
    "CompiledLexicon",
    "Entry",
    "Lexicon",
    "LexiconMatch",
    "PhraseScanner",
    "RuleDoc",
    "anchor_table",
    "build_compiled",
    "builtin_lexicons",
    "lexicon_cache_dir",
    "load_lexicon",
    "load_lexicons",
]
