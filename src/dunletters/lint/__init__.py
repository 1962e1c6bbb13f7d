"""The letter linter: every rule of docs/RULES.md, on text in, findings out.

Modules: ``text`` (Chinese text analysis), ``lexicon`` (phrase lists as YAML data),
``rule``/``rules`` (the catalogue), ``engine`` (running rules on a document),
``drafts`` (plain drafts and template checks), ``suppressions`` (inline directives),
``reporters`` (text, JSON, GitHub, SARIF). The linter never renders: template drafts
are rendered and then linted by :mod:`dunletters.template_drafts`.
"""

from __future__ import annotations

from dunletters.lint import charsets

charsets.install()  # before the rules compile their patterns (see charsets)
charsets.install_compiled()

from dunletters.lint.engine import Linter, lint_document  # noqa: E402
from dunletters.lint.findings import Finding, Severity  # noqa: E402

__all__ = ["Finding", "Linter", "Severity", "lint_document"]
