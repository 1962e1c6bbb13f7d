"""Selecting rules by code, prefix or name, as ``[lint]`` and ``--select`` write them.

The ``[lint]`` schema itself is configuration and lives in :mod:`dunletters.config`
(``LintSettings``, ``Allowance``); it is re-exported here for existing importers.
"""

from __future__ import annotations

from dunletters.config import Allowance, LintSettings

__all__ = ["Allowance", "LintSettings", "code_matches"]


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
