"""Package hygiene: doctests are the spec, templates ship with the package."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import dunletters


def _modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(dunletters.__path__, "dunletters.")
        if not info.name.endswith("__main__")
    )


@pytest.mark.parametrize("name", _modules())
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
