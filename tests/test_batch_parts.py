"""Letters are produced a print part at a time: laid out once, written twice.

Each part is the next ``PRINT_PART`` letters of a stage in input order; its letters
are written as their own PDFs and, when delivered, together as one print file. These
tests use small parts (in-process runs, so the module constant applies) to cover
stages with several parts, and a run stopped between parts and resumed.
"""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

import dunletters.batch.run as run_module
from conftest import TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.journal import dumps
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.samples import generate_accounts

AS_OF = date(2026, 11, 28)
pytestmark = pytest.mark.slow


def run(source: Path, out: Path) -> dict[str, int]:
    options = BatchOptions(input=source, out=out, as_of=AS_OF, workers=1)
    return run_batch(TEST_SETTINGS, options).counts


def outputs(out: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and not path.name.startswith("journal.sqlite")
    }


def pages_text(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page.strip() for page in text.split("\f") if page.strip()]


def test_stages_with_several_parts_and_one_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run_module, "PRINT_PART", 4)
    source = write_csv(tmp_path / "accounts.csv", list(generate_accounts(24, seed=5, as_of=AS_OF)))
    out = tmp_path / "out"
    run(source, out)
    files = sorted(path.name for path in (out / "print").iterdir())
    letters = {
        stage.name: sorted(stage.iterdir(), key=lambda p: p.name)
        for stage in (out / "letters").iterdir()
    }
    for stage, paths in letters.items():
        parts = -(-len(paths) // 4)
        names = (
            [f"{stage}.pdf"]
            if parts == 1
            else [f"{stage}-{n:03d}.pdf" for n in range(1, parts + 1)]
        )
        assert set(names) <= set(files), (stage, files)
        # the parts hold the stage's letters in input order (account ids are in input order)
        printed = [page for name in names for page in pages_text(out / "print" / name)]
        assert printed == [pages_text(path)[0] for path in paths]
    assert any(name.endswith("-002.pdf") for name in files)


def test_a_run_stopped_between_parts_resumes_to_the_same_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run_module, "PRINT_PART", 4)
    source = write_csv(tmp_path / "accounts.csv", list(generate_accounts(24, seed=5, as_of=AS_OF)))
    reference = tmp_path / "ref" / "run"
    run(source, reference)

    stored = run_module._store_part
    calls = 0

    def store_then_stop(*args: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt  # as Ctrl-C between two parts
        stored(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(run_module, "_store_part", store_then_stop)
    target = tmp_path / "stopped" / "run"
    with pytest.raises(KeyboardInterrupt):
        run(source, target)
    monkeypatch.setattr(run_module, "_store_part", stored)
    run(source, target)
    assert outputs(target) == outputs(reference)


def test_quarantined_letters_stay_out_of_the_print_file(tmp_path: Path) -> None:
    """A letter with an error finding is quarantined, and its part prints the others."""
    from dunletters.registry import Registry

    built_in = next(t for t in Registry.load([]) if t.name == "letters/early.courteous.html.j2")
    overlay = tmp_path / "templates" / "letters"
    overlay.mkdir(parents=True)
    (overlay / "early.courteous.html.j2").write_text(
        built_in.path.read_text(encoding="utf-8").replace(
            "<p>再次感谢您的理解与配合。</p>",
            "<p>再次感谢您的理解与配合。</p>"
            "{% if account.days_past_due is odd %}<p>如果再不还款，后果自负！</p>{% endif %}",
        ),
        encoding="utf-8",
    )
    rows = list(generate_accounts(40, seed=5, as_of=AS_OF))
    source = write_csv(tmp_path / "accounts.csv", rows)
    out = tmp_path / "out"
    options = BatchOptions(
        input=source,
        out=out,
        as_of=AS_OF,
        workers=1,
        template_dirs=(tmp_path / "templates",),
        allow_unreviewed=True,  # a wording made to fail its lint: never approved
    )
    result = run_batch(TEST_SETTINGS, options)
    quarantined = sorted(path.name for path in (out / "quarantine").glob("*.pdf"))
    assert quarantined and result.counts["quarantined"] == len(quarantined)
    delivered = sorted((out / "letters" / "early").iterdir(), key=lambda p: p.name)
    printed = pages_text(out / "print" / "early.pdf")
    assert printed == [pages_text(path)[0] for path in delivered]
    assert not any("后果自负" in page for page in printed)
    # The manifest's lines (built by SQLite's json_object) are what ``dumps`` writes:
    # compact, keys sorted, the quarantined letters' findings counted by code.
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert lines == [dumps(entry) for entry in entries]
    assert sum(entry["state"] == "quarantined" for entry in entries) == len(quarantined)
    assert all(
        entry["findings"].get("DL601", 0) >= 1
        for entry in entries
        if entry["state"] == "quarantined"
    )


def test_dry_run_writes_no_letters_and_agrees_with_the_real_run(tmp_path: Path) -> None:
    """SAP's sample printout: summary, holds, rejects and lint, and nothing to send."""
    import json

    rows = list(generate_accounts(30, seed=8, as_of=AS_OF))
    rows[3]["principal"] = "abc"  # one reject
    source = write_csv(tmp_path / "accounts.csv", rows)
    out = tmp_path / "out"
    dry = run_batch(TEST_SETTINGS, BatchOptions(input=source, out=out, as_of=AS_OF, dry_run=True))
    assert sorted(path.name for path in out.iterdir()) == ["dry-run"]
    assert not list((out / "dry-run").glob("*.pdf")) and not (out / "dry-run" / "sms.csv").exists()
    real = tmp_path / "real"
    run(source, real)
    assert (
        dry.counts
        == run_batch(TEST_SETTINGS, BatchOptions(input=source, out=real, as_of=AS_OF)).counts
    )
    for name in ("holds.csv", "rejects.csv"):
        assert (out / "dry-run" / name).read_bytes() == (real / name).read_bytes()
    summaries = [
        json.loads((folder / "summary.json").read_text()) for folder in (out / "dry-run", real)
    ]
    for summary in summaries:
        del summary["letters"], summary["sms"]  # sizes and SMS exist only in the real run
    assert summaries[0] == summaries[1]
