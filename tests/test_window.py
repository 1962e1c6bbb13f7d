"""Issue #16 item 1: the recipient block where a window envelope shows it.

Every page of a batch's print files, and every template at the hostile extremes
(longest name, largest amount, a long address), shows the postcode, address and
addressee inside the window that ``theme.toml [envelope]`` sets (default: DL window
envelope, 20 mm from the left, 45 mm from the top, 85 × 45 mm). Positions are read
with pypdfium2 from the real PDFs; pages are rasterised with pdftoppm to check that
the window holds ink.
"""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import AS_OF, TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.escalation import decision_for
from dunletters.models import Account
from dunletters.pdf import PdfRenderer
from dunletters.pdf.theme import Envelope
from dunletters.produce import letter_pdf_metadata
from dunletters.registry import Registry
from dunletters.rendering import Renderer
from dunletters.samples import LONGEST_NAME, generate_accounts, sample_account

MM = 72 / 25.4
PAGE_HEIGHT = 297 * MM
WINDOW = Envelope()
LONG_ADDRESS = (
    "新疆维吾尔自治区伊犁哈萨克自治州伊宁市解放西路示例小区二期十七号楼三单元一千二百零八室"
)


def window_rect() -> tuple[float, float, float, float]:
    """The window in PDF points (left, bottom, right, top; origin bottom left)."""
    left, top = WINDOW.left * MM, PAGE_HEIGHT - WINDOW.top * MM
    return left, top - WINDOW.height * MM, left + WINDOW.width * MM, top


Box = tuple[float, float, float, float]


def boxes(page: pdfium.PdfPage, text: str) -> list[list[Box]]:
    """The character boxes of each occurrence of ``text`` on the page."""
    textpage = page.get_textpage()
    searcher = textpage.search(text)
    found = []
    while (hit := searcher.get_next()) is not None:
        index, count = hit
        found.append([textpage.get_charbox(i) for i in range(index, index + count)])
    return found


def inside(box: Box) -> bool:
    left, bottom, right, top = window_rect()
    x0, y0, x1, y1 = box
    return left <= x0 and x1 <= right and bottom <= y0 and y1 <= top


def assert_in_window(page: pdfium.PdfPage, *texts: str) -> None:
    for text in texts:
        found = boxes(page, text)
        assert found, f"{text} not on the page"
        # The name is also in the salutation: one occurrence must be wholly in the window.
        assert any(all(inside(b) for b in chars) for chars in found), f"{text} outside the window"


def test_hostile_letters_keep_one_page_and_the_block_in_the_window() -> None:
    registry = Registry.load()
    renderer = Renderer(TEST_SETTINGS, registry)
    pdf = PdfRenderer.for_registry(registry)
    base = sample_account("final", long_name=True, large_amount=True, as_of=AS_OF)
    account = Account.model_validate(
        {**base.model_dump(), "address": LONG_ADDRESS, "postcode": "835000"}
    )
    for template in registry:
        if template.channel != "letter":
            continue
        decision = decision_for(TEST_SETTINGS.stage_rule(template.stage), template.tone)
        document = renderer.letter_html(account, decision, AS_OF, "示银信催〔2026〕第000001号")
        written = pdf.render(document.html, letter_pdf_metadata(TEST_SETTINGS, document))
        assert written.pages == 1, template.name
        page = pdfium.PdfDocument(written.data)[0]
        assert_in_window(page, "835000", LONG_ADDRESS[:12], LONG_ADDRESS[-6:], LONGEST_NAME[:5])


@pytest.mark.slow
def test_every_print_page_shows_the_recipient_in_the_window(tmp_path: Path) -> None:
    """The issue's check at its size: a 1,000-account run, every print page."""
    rows = list(generate_accounts(1000, seed=16, as_of=AS_OF))
    for number, row in enumerate(rows):
        row["postcode"] = f"{200000 + number:06d}"
    source = write_csv(tmp_path / "accounts.csv", rows)
    out = tmp_path / "out"
    run_batch(TEST_SETTINGS, BatchOptions(input=source, out=out, as_of=AS_OF, workers=2,
                                          channels=("letter",)))  # fmt: skip
    by_postcode = {row["postcode"]: row for row in rows}
    files = sorted((out / "print").glob("*.pdf"))
    assert files
    pages = 0
    for path in files:
        document = pdfium.PdfDocument(path)
        with path.with_suffix(".csv").open(encoding="utf-8-sig") as stream:
            listed = list(csv.DictReader(stream))
        assert [int(entry["page"]) for entry in listed] == list(range(1, len(document) + 1))
        for page, entry in zip(document, listed, strict=True):
            pages += 1
            text = page.get_textpage().get_text_range()
            postcode = next(code for code in by_postcode if code in text)
            row = by_postcode[postcode]
            assert (entry["account_id"], entry["postcode"]) == (row["account_id"], postcode)
            assert f"函号：{entry['letter_number']}" in text.replace("\r\n", "")
            assert_in_window(page, postcode, row["address"], row["name"])
        # Rasterised, the window holds ink on every page (the block is drawn, not only text).
        subprocess.run(["pdftoppm", "-r", "36", "-gray", str(path), str(tmp_path / path.stem)],
                       check=True)  # fmt: skip
        for image in sorted(tmp_path.glob(f"{path.stem}-*.pgm")):
            assert window_ink(image.read_bytes(), 36) > 20, image.name
    assert pages == sum(1 for _ in (out / "letters").rglob("*.pdf"))


def window_ink(data: bytes, dpi: int) -> int:
    """Dark pixels inside the window of a rasterised page (PGM)."""
    magic, width, _, _, pixels = data.split(maxsplit=4)
    assert magic == b"P5"
    w = int(width)
    scale = dpi / 25.4
    x0, x1 = int(WINDOW.left * scale), int((WINDOW.left + WINDOW.width) * scale)
    y0, y1 = int(WINDOW.top * scale), int((WINDOW.top + WINDOW.height) * scale)
    return sum(1 for y in range(y0, y1) for x in range(x0, x1) if pixels[y * w + x] < 128)


def test_the_postcode_is_a_field_with_its_chinese_headers(row: dict[str, str]) -> None:
    from dunletters.columns import lookup_table
    from dunletters.errors import RecordError
    from dunletters.models import parse_account

    table = lookup_table({})
    assert table["邮编"] == table["邮政编码"] == "postcode"
    assert parse_account({**row, "postcode": " 200120 "}, as_of=AS_OF).postcode == "200120"
    assert parse_account(row, as_of=AS_OF).postcode == ""
    with pytest.raises(RecordError) as error:
        parse_account({**row, "postcode": "20012"}, as_of=AS_OF)
    assert "postcode" in str(error.value) and "20012" not in str(error.value)


@pytest.mark.slow
def test_a_letter_without_a_usable_address_is_held_and_its_sms_sent(tmp_path: Path) -> None:
    rows = list(generate_accounts(24, seed=21, as_of=AS_OF))
    for row in rows:
        row.update(dispute="否", deceased="否", promise_to_pay_until="")
    rows[0]["address"], rows[1]["address"] = "", "上海"  # none, and too short to post to
    source = write_csv(tmp_path / "accounts.csv", rows)
    out = tmp_path / "out"
    result = run_batch(TEST_SETTINGS, BatchOptions(input=source, out=out, as_of=AS_OF, workers=1))
    no_address = {rows[0]["account_id"], rows[1]["account_id"]}
    with (out / "holds.csv").open(encoding="utf-8-sig") as stream:
        holds = {r["account_id"]: r for r in csv.DictReader(stream)}
    assert no_address <= set(holds)
    assert all(
        holds[a]["reason"] == "no_address" and "地址" in holds[a]["说明"] for a in no_address
    )
    with (out / "sms.csv").open(encoding="utf-8-sig") as stream:
        assert no_address <= {r["account_id"] for r in csv.DictReader(stream)}
    letters = {path.stem for path in (out / "letters").rglob("*.pdf")}
    assert letters and not (letters & no_address)
    printed = set()
    for listing in (out / "print").glob("*.csv"):
        with listing.open(encoding="utf-8-sig") as stream:
            printed |= {r["account_id"] for r in csv.DictReader(stream)}
    assert printed == letters
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["holds_by_reason"]["no_address"] == 2
    assert result.counts["written"] >= len(letters) + 2
