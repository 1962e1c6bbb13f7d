"""The letter linter: every rule of shared/RULES.md, on drafts and rendered documents.

Modules: ``text`` (Chinese text analysis), ``lexicon`` (phrase lists as YAML data),
``rule``/``rules`` (the catalogue), ``engine`` (running rules on a document),
``drafts`` (templates and plain drafts), ``reporters`` (text, JSON, GitHub, SARIF).
``lint_document`` and ``Linter`` are re-exported lazily so that importing the
settings schema stays light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Linter", "lint_document"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from dunletters.lint import engine

        return getattr(engine, name)
    raise AttributeError(name)
