"""Rare characters in names: printed from the fallback face, or refused at intake.

Real Chinese names use CJK Extension B and beyond (𠀀 U+20000, 𪚥 U+2A6A5), which the
Noto CJK faces lack: Debian's fonts-hanazono (HanaMinB) prints them, subset and
embedded like the others. A name with a character no installed face has (an emoji,
an unassigned code point) is a row reject naming the field and the position, never
the value. Synthetic names only.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from conftest import TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.config import STAGES, TONES, Settings
from dunletters.escalation import decision_for
from dunletters.pdf import PdfRenderer, name_check
from dunletters.pdf.fonts import ensure_fonts, unsupported_characters
from dunletters.produce import letter_pdf_metadata
from dunletters.registry import Registry
from dunletters.rendering import Renderer
from dunletters.samples import LONGEST_NAME, generate_accounts, sample_account

AS_OF = date(2026, 11, 28)
RARE = "李𠀀𪚥"
UNSUPPORTED = ("王\U00030000", "王😀", "赵\U000e0001")  # Ext G: no face; the others: not a name


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils (scripts/debian-packages.txt)")
    return path


def _hanazono() -> None:
    if not any(face.family == "HanaMinB" for face in ensure_fonts().faces):
        pytest.fail("HanaMinB is missing: install fonts-hanazono (scripts/debian-packages.txt)")


def test_the_fallback_face_covers_extension_b_and_nothing_covers_emoji() -> None:
    _hanazono()
    assert unsupported_characters("欧阳堃喆" + RARE + "·Anna Li") == []
    assert unsupported_characters("王😀😀明\u0378") == ["😀", "\u0378"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("王😀", "含有字体无法显示的字符（第 2 个字）"),
        ("王\u0378明\u0378", "含有字体无法显示的字符（第 2、4 个字）"),
        (RARE, None),
    ],
)
def test_the_intake_check_names_the_position_not_the_value(name: str, reason: str | None) -> None:
    _hanazono()
    assert name_check(Registry.load())(name) == reason


def _letter(name: str, stage: str = STAGES[2]) -> tuple[str, object]:
    settings, registry = Settings(), Registry.load()
    account = sample_account(stage, as_of=AS_OF).model_copy(update={"name": name})
    decision = decision_for(settings.stage_rule(stage), TONES[0])
    document = Renderer(settings, registry).letter_html(account, decision, AS_OF, "1")
    return document.html, letter_pdf_metadata(settings, document)


@pytest.mark.parametrize("name", [RARE, LONGEST_NAME[:-2] + "𠀀𪚥"])
def test_a_rare_name_prints_from_the_embedded_fallback_on_one_page(
    name: str, tmp_path: Path
) -> None:
    _hanazono()
    renderer = PdfRenderer.for_registry(Registry.load())
    html, meta = _letter(name)
    rendered = renderer.render(html, meta)  # type: ignore[arg-type]
    assert rendered.pages == 1
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(rendered.data)
    fonts = subprocess.run(
        [_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    hanazono = [row.split() for row in fonts if "+HanaMinB" in row]
    assert hanazono
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in hanazono)  # emb sub uni
    text = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert name in "".join(text.split())
    pdfjs = Path(__file__).parent / "pdfjs"
    if not (pdfjs / "node_modules" / "pdfjs-dist").is_dir():
        pytest.fail("pdfjs-dist is missing: make setup (npm ci --prefix tests/pdfjs)")
    extracted = subprocess.run(
        [_tool("node"), str(pdfjs / "text.mjs"), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    ).stdout
    assert name in "".join(json.loads(extracted)[0].split())


def test_a_letter_without_rare_characters_does_not_embed_the_fallback(tmp_path: Path) -> None:
    renderer = PdfRenderer.for_registry(Registry.load())
    html, meta = _letter("欧阳堃喆")
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(renderer.render(html, meta).data)  # type: ignore[arg-type]
    fonts = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True).stdout
    assert "HanaMin" not in fonts


@pytest.mark.slow
def test_a_batch_prints_rare_names_and_rejects_unprintable_ones(tmp_path: Path) -> None:
    _hanazono()
    rows = list(generate_accounts(6, seed=11, as_of=AS_OF))
    rows[1].update(name=RARE, dispute="否")
    for row, name in zip(rows[2:5], UNSUPPORTED, strict=True):
        row["name"] = name
    source = write_csv(tmp_path / "accounts.csv", rows)
    out = tmp_path / "out"
    result = run_batch(TEST_SETTINGS, BatchOptions(input=source, out=out, as_of=AS_OF, workers=1))
    assert result.counts["rejected"] == 3
    with (out / "rejects.csv").open(encoding="utf-8-sig") as stream:
        rejects = list(csv.DictReader(stream))
    assert [(r["row"], r["field"]) for r in rejects] == [
        ("4", "name"),  # row numbers count the header line
        ("5", "name"),
        ("6", "name"),
    ]
    assert rejects[0]["reason"] == "姓名（name）：含有字体无法显示的字符（第 2 个字）"
    written = (out / "rejects.csv").read_text(encoding="utf-8-sig")
    assert not any(name in written for name in UNSUPPORTED)
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").open(encoding="utf-8")]
    (entry,) = [e for e in manifest if e["account_id"] == rows[1]["account_id"]]
    assert entry["state"] == "written"
    text = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", str(out / entry["letter_path"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert RARE in "".join(text.split())
