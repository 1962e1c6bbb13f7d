"""The template check's cache: a clean result is remembered, problems never are."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.errors import InputError
from dunletters.registry import Registry
from dunletters.rendering import CONTEXT_MODELS, make_environment
from dunletters.template_checks import CHECK_CACHE_VARIABLE
from test_registry import FRONT, ONE_STAGE, minimal_set, write

UNMASKED = "{{ account.card_number }}的账户欠款{{ account.total_due }}元。"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "checks"
    monkeypatch.setenv(CHECK_CACHE_VARIABLE, str(folder))
    return folder


def _check(root: Path, models: dict[str, object] | None = None) -> list[str]:
    registry = Registry.load([root], builtin=False)
    problems = registry.check(
        make_environment(registry),
        ONE_STAGE,
        context_models=dict(CONTEXT_MODELS if models is None else models),  # type: ignore[arg-type]
        cache=True,
    )
    return [str(p) for p in problems]


def test_a_clean_check_is_remembered_once_per_template(tmp_path: Path, cache: Path) -> None:
    root = minimal_set(tmp_path / "templates")
    assert _check(root) == []
    entries = sorted(cache.iterdir())
    assert len(entries) == 3  # the layout, the letter and the SMS
    assert _check(root) == []
    assert sorted(cache.iterdir()) == entries


def test_a_template_with_problems_is_never_remembered(tmp_path: Path, cache: Path) -> None:
    """Edited after a clean check, a template is checked again and fails every time."""
    root = minimal_set(tmp_path / "templates")
    assert _check(root) == []
    before = set(cache.iterdir())
    write(root, "sms/early.courteous.txt.j2", UNMASKED, stage="early", tone="courteous", channel="sms")  # fmt: skip
    for _ in range(2):
        problems = _check(root)
        assert len(problems) == 1 and "直接输出 account.card_number" in problems[0]
        assert set(cache.iterdir()) == before


def test_the_context_models_are_part_of_the_key(tmp_path: Path, cache: Path) -> None:
    """A field the models no longer have is found although the same source was clean."""
    root = minimal_set(tmp_path / "templates", letter_body="{{ creditor.hotline }}")
    assert _check(root) == []
    fewer = {name: model for name, model in CONTEXT_MODELS.items() if name != "creditor"}
    assert any("未知变量 creditor" in p for p in _check(root, fewer))


def test_a_batch_stops_on_a_template_that_fails_after_a_clean_run(
    tmp_path: Path, cache: Path
) -> None:
    """The SMS template is found clean by one batch's check (and remembered), then edited
    to print the full card number: the next batch stops before writing anything."""
    root = tmp_path / "templates"
    sms = root / "sms" / "late.firm.txt.j2"
    sms.parent.mkdir(parents=True)
    front = FRONT.format(stage="late", tone="firm", channel="sms")
    clean = "{{ account.card_number | mask_card }}的账户欠款{{ account.total_due }}元。"
    sms.write_text(front + clean, encoding="utf-8")
    row = {"account_id": "C1", "name": "张伟", "gender": "男", "card_number": "HT2026001234567",
           "mobile": "13800138000", "principal": "1000.00", "due_date": "2026-11-05"}  # fmt: skip
    source = write_csv(tmp_path / "card.csv", [row])

    def batch(name: str) -> Path:
        out = tmp_path / name
        options = BatchOptions(input=source, out=out, as_of=date(2026, 11, 28), channels=("sms",),
                               template_dirs=(root,), allow_unreviewed=True)  # fmt: skip
        run_batch(TEST_SETTINGS, options)
        return out

    assert (batch("first") / "sms.csv").exists()
    remembered = set(cache.iterdir())
    assert remembered
    sms.write_text(front + UNMASKED, encoding="utf-8")
    with pytest.raises(InputError, match=r"模板检查未通过.*直接输出 account\.card_number"):
        batch("second")
    assert not (tmp_path / "second" / "sms.csv").exists()
    assert set(cache.iterdir()) == remembered


def test_a_full_cache_starts_afresh(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dunletters import template_checks

    monkeypatch.setattr(template_checks, "CHECK_CACHE_LIMIT", 5)
    cache.mkdir()
    for number in range(5):
        (cache / f"old{number}").touch()
    assert _check(minimal_set(tmp_path / "templates")) == []
    assert len(list(cache.iterdir())) == 3 and not list(cache.glob("old*"))
