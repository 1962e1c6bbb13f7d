"""The 24 built-in templates: registry check, golden renders, SMS budget, one page.

Golden files are plain text, one per template, so a change to a letter reads as a
Chinese diff in review. Regenerate on purpose: ``pytest --update-golden``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dunletters.config import Settings
from dunletters.escalation import Decision, decision_for
from dunletters.lint.extract import html_to_text
from dunletters.registry import Registry
from dunletters.rendering import CONTEXT_MODELS, Renderer, make_environment
from dunletters.samples import LARGEST_AMOUNT, LONGEST_NAME, sample_account
from dunletters.vocabulary import STAGES, TONES

AS_OF = date(2026, 11, 28)

GOLDEN = Path(__file__).parent / "golden"
KEYS = [(stage, tone) for stage in STAGES for tone in TONES]
SETTINGS = Settings()


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(SETTINGS, Registry.load())


def _decision(stage: str, tone: str) -> Decision:
    return decision_for(SETTINGS.stage_rule(stage), tone)


def _check_golden(path: Path, text: str, update: bool) -> None:
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not update:
            pytest.fail(f"golden file {path.name} was missing and has been written; review it")
    assert text == path.read_text(encoding="utf-8"), f"{path} differs (pytest --update-golden)"


def test_builtin_set_is_complete_and_clean() -> None:
    registry = Registry.load()
    assert len(registry.templates) == 24
    assert (
        registry.check(make_environment(registry), SETTINGS.policy, context_models=CONTEXT_MODELS)
        == []
    )


@pytest.mark.parametrize(("stage", "tone"), KEYS)
def test_letter_golden(renderer: Renderer, stage: str, tone: str, update_golden: bool) -> None:
    account = sample_account(stage, as_of=AS_OF)
    document = renderer.letter_html(
        account, _decision(stage, tone), AS_OF, "示银信催〔2026〕第000001号"
    )
    _check_golden(GOLDEN / "letters" / f"{stage}.{tone}.html", document.html, update_golden)
    _check_golden(
        GOLDEN / "letters" / f"{stage}.{tone}.txt", html_to_text(document.html), update_golden
    )


@pytest.mark.parametrize(("stage", "tone"), KEYS)
def test_sms_golden_and_budget(
    renderer: Renderer, stage: str, tone: str, update_golden: bool
) -> None:
    account = sample_account(stage, as_of=AS_OF)
    sms = renderer.sms(account, _decision(stage, tone), AS_OF).sms
    _check_golden(GOLDEN / "sms" / f"{stage}.{tone}.txt", sms.text + "\n", update_golden)
    assert sms.segments <= 2
    assert "¥" not in sms.text and "退订" not in sms.text
    assert sms.text.startswith("【示范银行】")


@pytest.mark.parametrize(("stage", "tone"), KEYS)
def test_sms_fits_two_segments_at_the_extremes(renderer: Renderer, stage: str, tone: str) -> None:
    account = sample_account(stage, long_name=True, large_amount=True, as_of=AS_OF)
    creditor = SETTINGS.creditor.model_copy(
        update={"sms_signature": "示范银行信用卡中心催收", "hotline": "400-820-9099"}
    )
    extreme = Renderer(SETTINGS.model_copy(update={"creditor": creditor}), renderer.registry)
    assert extreme.sms(account, _decision(stage, tone), AS_OF).sms.segments <= 2


def test_markup_in_a_name_is_text(renderer: Renderer) -> None:
    account = sample_account("early", as_of=AS_OF).model_copy(
        update={"name": "<img src=file:///etc/passwd>"}
    )
    html = renderer.letter_html(account, _decision("early", "courteous"), AS_OF, "X").html
    assert "<img" not in html
    assert "&lt;img src=file:///etc/passwd&gt;" in html


def test_card_number_only_masked(renderer: Renderer) -> None:
    account = sample_account("final", as_of=AS_OF)
    for stage, tone in KEYS:
        html = renderer.letter_html(account, _decision(stage, tone), AS_OF, "X").html
        sms = renderer.sms(account, _decision(stage, tone), AS_OF).sms.text
        for text in (html, sms):
            assert account.card_number not in text
            assert account.mobile not in text


def test_extremes_keep_the_largest_amount_and_name(renderer: Renderer) -> None:
    account = sample_account("final", long_name=True, large_amount=True, as_of=AS_OF)
    html = renderer.letter_html(account, _decision("final", "firm"), AS_OF, "X").html
    assert LONGEST_NAME in html
    assert account.total_due > LARGEST_AMOUNT - 1


def test_all_24_lint_clean_with_real_page_count() -> None:
    """Zero errors and zero warnings, one page measured on the real PDF (DL301)."""
    from dunletters.drafts import lint_paths
    from dunletters.lint.drafts import DraftOptions
    from dunletters.pdf import PdfRenderer

    registry = Registry.load()
    options = DraftOptions(as_of=AS_OF, page_counter=PdfRenderer.for_registry(registry).page_count)
    templates_dir = Path(__file__).parents[1] / "templates"
    reports = lint_paths([templates_dir], SETTINGS, options)
    assert len(reports) == 24
    problems = [
        f"{r.path}:{f.line}: {f.code} {f.message}"
        for r in reports
        for f in r.findings
        if f.severity.value in ("error", "warning")
    ]
    assert [r.error for r in reports if r.error] == []
    assert problems == []


@pytest.fixture(scope="module")
def pdf_renderer() -> object:
    from dunletters.pdf import PdfRenderer

    return PdfRenderer.for_registry(Registry.load())


@pytest.mark.parametrize(("stage", "tone"), KEYS)
def test_pdf_text_golden(
    renderer: Renderer,
    pdf_renderer: object,
    tmp_path: Path,
    stage: str,
    tone: str,
    update_golden: bool,
) -> None:
    """The PDF says what the HTML says: pdftotext's output is a golden file too."""
    import subprocess

    from dunletters.produce import letter_pdf_metadata

    account = sample_account(stage, as_of=AS_OF)
    document = renderer.letter_html(
        account, _decision(stage, tone), AS_OF, "示银信催〔2026〕第000001号"
    )
    pdf = pdf_renderer.render(document.html, letter_pdf_metadata(SETTINGS, document))  # type: ignore[attr-defined]
    assert pdf.pages == 1
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    _check_golden(GOLDEN / "pdf" / f"{stage}.{tone}.txt", text, update_golden)
    for line in ("特此函告。", "如您已还款，请忽略本函。", account.name):
        assert line in text.replace("\n", "")
