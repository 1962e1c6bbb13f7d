"""Shared fixtures: synthetic records only (no real person is ever used in tests)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dunletters.config import Settings, example_creditor, load_settings

AS_OF = date(2026, 11, 28)

TEST_CONFIG = Path(__file__).with_name("dunletters.toml")
"""The tests' config file: the synthetic example creditor, configured (not marked as an
example), for batch runs through the command line (``--config``)."""

TEST_CONFIG_TABLE: dict[str, Any] = tomllib.loads(TEST_CONFIG.read_text(encoding="utf-8"))
"""Its tables, for tests that add settings of their own (``{**TEST_CONFIG_TABLE, …}``)."""

TEST_SETTINGS: Settings = load_settings(TEST_CONFIG)
"""The same settings for batch runs in-process: a batch refuses a creditor nobody
configured (``Settings()`` has none), so every batch test runs with these."""

assert TEST_SETTINGS.creditor_status == "configured"
assert TEST_SETTINGS.creditor == example_creditor(), "the golden files print these values"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files under tests/golden/ from the current output",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def as_of() -> date:
    return AS_OF


@pytest.fixture
def row() -> dict[str, Any]:
    """A valid input row, as a CSV reader hands it over (all text)."""
    return {
        "account_id": "A00000001",
        "name": "张晓明",
        "gender": "男",
        "card_number": "6259 0000 0000 1234",
        "mobile": "+86 138-0000-1234",
        "address": "上海市浦东新区示例路88弄8号",
        "principal": "1,000.00",
        "interest": "4.50",
        "fees": "0",
        "total_due": "1004.50",
        "due_date": "2026-11-20",
        "days_past_due": "",
        "dispute": "否",
        "deceased": "N",
        "hardship": "0",
        "promises_broken": "",
        "promise_to_pay_until": "",
    }
