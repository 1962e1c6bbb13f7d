"""Issue #16 item 6: the content a bank expects in its letters.

Zero amounts have no row; the fees line carries the contract's name
(``[letters] fee_label``); an optional ``minimum_due`` (最低还款额) is stated by the
early-stage letters; the 函号 of a one-off render says it is a preview number. Real
renders, real lint, real PDFs read back with pdftotext.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import AS_OF, TEST_CONFIG, TEST_CONFIG_TABLE, TEST_SETTINGS
from dunletters.columns import lookup_table
from dunletters.config import Settings, settings_from_mapping
from dunletters.errors import ConfigError, RecordError
from dunletters.escalation import decide, decision_for
from dunletters.lint.extract import html_to_text
from dunletters.models import parse_account
from dunletters.produce import Documents, produce_record
from dunletters.registry import Registry
from dunletters.rendering import Renderer


def letter(record: dict[str, Any], settings: Settings = TEST_SETTINGS, **changes: str) -> Documents:
    """The letter for a record, rendered and linted (no PDF: the text is what is checked)."""
    return produce_record({**record, **changes}, as_of=AS_OF, settings=settings, pdf=False)


def amount_rows(documents: Documents) -> list[str]:
    assert documents.letter is not None
    table = documents.letter.html.split('<table class="amounts">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td class="item">([^<]+)</td>', table)


def test_a_zero_amount_has_no_row(row: dict[str, Any]) -> None:
    documents = letter(row)  # fees "0"
    assert amount_rows(documents) == ["本金", "利息", "合计"]
    assert documents.letter_text is not None and "¥0.00" not in documents.letter_text
    assert "人民币零元整" not in documents.letter_text
    assert not [f for f in documents.letter_findings if f.code.startswith("DL2")]
    with_fees = letter(row, fees="12.30", total_due="1016.80")
    assert amount_rows(with_fees) == ["本金", "利息", "违约金", "合计"]
    no_interest = letter(row, interest="0", total_due="1000.00")
    assert amount_rows(no_interest) == ["本金", "合计"]


@pytest.mark.parametrize("label", ["滞纳金", "逾期费用"])
def test_the_fee_label_is_the_contracts(row: dict[str, Any], label: str) -> None:
    settings = settings_from_mapping({**TEST_CONFIG_TABLE, "letters": {"fee_label": label}}, "t")
    documents = letter(row, settings, fees="12.30", total_due="1016.80", due_date="2026-11-10")
    assert documents.letter is not None and documents.letter.template.stage == "middle"
    assert amount_rows(documents) == ["本金", "利息", label, "合计"]
    text = documents.letter_text or ""
    assert "违约金" not in text
    assert not [f for f in documents.letter_findings if f.severity.value == "error"]
    late = letter(row, settings, fees="12.30", total_due="1016.80", due_date="2026-10-25")
    assert f"计收利息和{label}" in (late.letter_text or "")


def test_an_unknown_fee_label_is_refused() -> None:
    with pytest.raises(ConfigError, match="fee_label"):
        settings_from_mapping({**TEST_CONFIG_TABLE, "letters": {"fee_label": "手续费"}}, "t")


def test_minimum_due_is_stated_by_early_letters_only(row: dict[str, Any]) -> None:
    early = letter(row, minimum_due="100.45", due_date="2026-11-25")
    assert early.letter is not None and early.letter.template.stage == "early"
    text = early.letter_text or ""
    assert "最低还款额¥100.45（人民币壹佰元肆角伍分）" in text
    assert not [f for f in early.letter_findings if f.code.startswith("DL2")]
    renderer = Renderer(TEST_SETTINGS, Registry.load())
    account = parse_account({**row, "minimum_due": "100.45"}, as_of=AS_OF)
    for tone in ("empathetic", "firm"):
        forced = decision_for(TEST_SETTINGS.stage_rule("early"), tone)
        html = renderer.letter_html(account, forced, AS_OF, "x").html
        assert "最低还款额¥100.45（人民币壹佰元肆角伍分）" in html_to_text(html), tone
    without = letter(row, due_date="2026-11-25")
    assert "最低还款额" not in (without.letter_text or "")
    middle = letter(row, minimum_due="100.45", due_date="2026-11-10")
    assert "最低还款额" not in (middle.letter_text or "")


def test_minimum_due_is_read_and_checked(row: dict[str, Any]) -> None:
    assert lookup_table({})["最低还款额"] == "minimum_due"
    assert parse_account({**row, "minimum_due": ""}, as_of=AS_OF).minimum_due is None
    with pytest.raises(RecordError) as error:
        parse_account({**row, "minimum_due": "2000"}, as_of=AS_OF)
    assert "minimum_due" in str(error.value) and "2000" not in str(error.value)


def test_a_one_off_render_marks_its_number_as_a_preview(tmp_path: Path) -> None:
    target = tmp_path / "early.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG), "render", "--sample",
         "--channel", "letter", "--stage", "early", "--as-of", "2026-11-28", "-o", str(target)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    # The mark may wrap beside the address window.
    assert "函号：示银信催〔2026〕第000000号（预览编号，非正式函号）" in re.sub(r"\s+", "", text)


def test_a_numbered_letter_has_no_preview_mark(row: dict[str, Any]) -> None:
    registry = Registry.load()
    account = parse_account(row, as_of=AS_OF)
    decision = decide(account, TEST_SETTINGS.policy, AS_OF)
    html = (
        Renderer(TEST_SETTINGS, registry)
        .letter_html(account, decision, AS_OF, "示银信催〔2026〕第000001号")  # type: ignore[arg-type]
        .html
    )
    assert "函号：示银信催〔2026〕第000001号</div>" in html and "预览编号" not in html
