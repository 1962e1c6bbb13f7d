"""Issue #16: ``[letters] print_order`` — a print file's letters in input or postcode order.

With ``postcode`` each print file's letters are sorted by postcode for the mail
house's sorting (stable: input order among equal postcodes; letters without a
postcode last), and the page list beside it follows; the outputs are the same bytes
for any number of workers. Real batches, real PDFs read back with pypdfium2.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import AS_OF, TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.config import Settings
from dunletters.samples import generate_accounts


def _settings(order: str) -> Settings:
    letters = TEST_SETTINGS.letters.model_copy(update={"print_order": order})
    return TEST_SETTINGS.model_copy(update={"letters": letters})


def _input(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """Accounts with postcodes in no order, some repeated, some missing; each id's row."""
    rng = random.Random(16)
    rows = list(generate_accounts(48, seed=16, as_of=AS_OF))
    for row in rows:
        row["postcode"] = rng.choice(["", "100020", "200120", "310000", "518000", "830000"])
    source = write_csv(tmp_path / "accounts.csv", rows)
    return source, {row["account_id"]: number for number, row in enumerate(rows)}


def _pages(out: Path) -> dict[str, list[dict[str, str]]]:
    """Each print file's page list, checked against the text of its pages."""
    found = {}
    for path in sorted((out / "print").glob("*.pdf")):
        with path.with_suffix(".csv").open(encoding="utf-8-sig") as stream:
            listed = list(csv.DictReader(stream))
        document = pdfium.PdfDocument(path)
        assert len(document) == len(listed)
        for page, entry in zip(document, listed, strict=True):
            text = page.get_textpage().get_text_range().replace("\r\n", "")
            assert f"函号：{entry['letter_number']}" in text
            assert not entry["postcode"] or entry["postcode"] in text
        found[path.name] = listed
    assert found
    return found


@pytest.mark.slow
def test_postcode_order_sorts_each_print_file_and_input_order_keeps_the_rows(
    tmp_path: Path,
) -> None:
    source, rows = _input(tmp_path)
    runs = {}
    for order, workers in (("input", 1), ("postcode", 1), ("postcode", 2)):
        out = tmp_path / f"{order}-{workers}" / "out"  # its own 函号 file beside it
        run_batch(_settings(order), BatchOptions(input=source, out=out, as_of=AS_OF,
                                                 workers=workers, channels=("letter",)))  # fmt: skip
        runs[order, workers] = out

    by_input = _pages(runs["input", 1])
    by_postcode = _pages(runs["postcode", 1])
    assert by_input.keys() == by_postcode.keys()
    sorted_somewhere = False
    for name, listed in by_input.items():
        ids = [entry["account_id"] for entry in listed]
        assert ids == sorted(ids, key=rows.__getitem__)  # input order
        ordered = by_postcode[name]
        assert sorted(e["account_id"] for e in ordered) == sorted(ids)  # the same letters
        expected = sorted(listed, key=lambda e: (not e["postcode"], e["postcode"]))
        assert [e["account_id"] for e in ordered] == [e["account_id"] for e in expected]
        sorted_somewhere |= expected != listed
        # The 函号 stay with their accounts: allocated in input order, whatever the print order.
        assert {(e["account_id"], e["letter_number"]) for e in ordered} == {
            (e["account_id"], e["letter_number"]) for e in listed
        }
    assert sorted_somewhere  # the input was not already in postcode order
    # Any number of workers: the same print files, byte for byte.
    for path in sorted((runs["postcode", 1] / "print").iterdir()):
        assert path.read_bytes() == (runs["postcode", 2] / "print" / path.name).read_bytes()


@pytest.mark.slow
def test_postcode_order_survives_a_stop_between_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dunletters.batch.run as run_module

    monkeypatch.setattr(run_module, "PRINT_PART", 4)  # in-process runs: several parts a stage
    source, _ = _input(tmp_path)
    settings = _settings("postcode")

    def run(out: Path) -> None:
        options = BatchOptions(input=source, out=out, as_of=AS_OF, workers=1, channels=("letter",))
        run_batch(settings, options)

    reference = tmp_path / "ref" / "out"
    run(reference)
    for listed in _pages(reference).values():  # each part sorted on its own
        assert listed == sorted(listed, key=lambda e: (not e["postcode"], e["postcode"]))
    stored, calls = run_module._store_part, 0

    def store_then_stop(*args: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt  # as Ctrl-C between two parts
        stored(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(run_module, "_store_part", store_then_stop)
    target = tmp_path / "stopped" / "out"
    with pytest.raises(KeyboardInterrupt):
        run(target)
    monkeypatch.setattr(run_module, "_store_part", stored)
    run(target)
    for path in sorted((reference / "print").iterdir()):
        assert path.read_bytes() == (target / "print" / path.name).read_bytes(), path.name
