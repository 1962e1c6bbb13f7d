"""Where dunletters keeps what it can rebuild: one folder per kind under the user's cache.

Derived fonts, compiled phrase lists and clean template checks each live in
``$XDG_CACHE_HOME/dunletters/<kind>`` (``~/.cache`` without it), unless their own
environment variable names another folder.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["user_cache_dir"]


def user_cache_dir(kind: str, variable: str) -> Path:
    """``$variable`` if set, else ``$XDG_CACHE_HOME/dunletters/<kind>``."""
    configured = os.environ.get(variable)
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dunletters" / kind
