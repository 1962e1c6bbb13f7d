"""Issue #16 item 3: archival letters, PDF/A-2b through WeasyPrint's own ``pdf_variant``.

Checked with pikepdf (qpdf): the PDF/A identification in the XMP metadata, the sRGB
output intent, the metadata stream itself, every font embedded; and the same input
still gives the same bytes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pikepdf

from conftest import AS_OF, TEST_CONFIG, TEST_CONFIG_TABLE
from dunletters.config import settings_from_mapping
from dunletters.produce import produce_record


def render(tmp_path: Path, name: str, *extra: str) -> bytes:
    target = tmp_path / name
    done = subprocess.run(
        [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG), "render", "--sample",
         "--channel", "letter", "--stage", "final", "--as-of", "2026-11-28", "-o", str(target),
         *extra],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return target.read_bytes()


def check_pdfa_2b(path: Path) -> None:
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "2B"
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == "最后还款通知函"
        assert "/Metadata" in pdf.Root and pdf.Root.Metadata.Type == "/Metadata"
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        profile = intents[0].DestOutputProfile
        assert profile.N == 3 and len(profile.read_bytes()) > 1000  # an RGB ICC profile
        assert "/ID" in pdf.trailer
        assert pdf.pdf_version >= "1.7"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)  # emb


def test_a_pdfa_letter_passes_the_structural_checks_and_is_stable(tmp_path: Path) -> None:
    first = render(tmp_path, "a.pdf", "--pdf-variant", "pdf/a-2b")
    check_pdfa_2b(tmp_path / "a.pdf")
    assert render(tmp_path, "b.pdf", "--pdf-variant", "pdf/a-2b") == first
    plain = render(tmp_path, "plain.pdf")
    with pikepdf.open(tmp_path / "plain.pdf") as pdf:
        assert "/OutputIntents" not in pdf.Root
    assert plain != first


def test_the_configuration_asks_for_pdfa(tmp_path: Path) -> None:
    table = {**TEST_CONFIG_TABLE, "letters": {"pdf_variant": "pdf/a-2b"}}
    settings = settings_from_mapping(table, "t")
    record = {
        "account_id": "P1", "name": "测试甲", "card_number": "6200000000001234",
        "mobile": "13800000001", "principal": "100.00", "due_date": "2026-10-01",
    }  # fmt: skip
    documents = produce_record(record, as_of=AS_OF, settings=settings)
    assert documents.letter_pdf is not None
    (tmp_path / "p.pdf").write_bytes(documents.letter_pdf)
    with pikepdf.open(tmp_path / "p.pdf") as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
