"""Issue #6, preview, end to end: the served app in real headless Chromium (Playwright).

uvicorn serves the app from a background thread on a free port, over a temporary
templates overlay; Playwright drives Debian's ``/usr/bin/chromium`` (installed by
``make test`` from ``scripts/debian-packages.txt`` — no browser is ever downloaded).
Each page is saved as a screenshot under ``out/test-screenshots/`` for a reviewer.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dunletters.config import Settings
from dunletters.preview.app import PreviewOptions, create_app
from dunletters.registry import BUILTIN_TEMPLATES

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "out" / "test-screenshots"
THREAT = "否则后果自负"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (/usr/bin/chromium): run `make test` or "
        "`sh scripts/system-deps.sh` as root",
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
uvicorn = pytest.importorskip("uvicorn")


def _with_threat(name: str) -> str:
    text = (BUILTIN_TEMPLATES / "sms" / name).read_text(encoding="utf-8").rstrip()
    assert text.endswith("。")
    return text[:-1] + f"，{THREAT}。\n"


@pytest.fixture(scope="module")
def overlay(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two SMS with a threat (DL601) to highlight, then fix while the page is open."""
    root = tmp_path_factory.mktemp("browser") / "templates"
    (root / "sms").mkdir(parents=True)
    (root / "letters").mkdir()
    for name in ("early.firm.txt.j2", "middle.courteous.txt.j2"):
        (root / "sms" / name).write_text(_with_threat(name), encoding="utf-8")
    shutil.copy(BUILTIN_TEMPLATES / "letters" / "final.firm.html.j2", root / "letters")
    return root


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(overlay: Path) -> Iterator[str]:
    app = create_app([overlay], Settings(), PreviewOptions(as_of=date(2026, 11, 28)))
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=server, locale="zh-CN"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    yield page
    context.close()
    assert not errors, f"errors in the browser console: {errors}"


def shot(page: Any, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def expect(locator: Any) -> Any:
    return sync_api.expect(locator)


def test_matrix(page: Any) -> None:
    page.goto("/")
    cells = page.locator("td.cell")
    expect(cells).to_have_count(24)
    expect(page.locator("h1")).to_have_text("模板总览")
    overlaid = page.locator('td.cell:has(a[href="/t/sms/early.firm"])')
    expect(overlaid).to_have_class("cell status-errors")
    expect(overlaid.locator(".badge")).to_contain_text("有错误")
    expect(page.locator("#live")).to_have_text("实时预览：已连接")
    shot(page, "01-matrix")


def test_review_follows_the_template_body(page: Any) -> None:
    """Issue #16: an edited wording is 「未审核」; an unchanged copy keeps its approval."""
    page.goto("/")
    edited = page.locator('td.cell:has(a[href="/t/sms/early.firm"]) .review')
    expect(edited).to_have_text("审核：未审核")
    expect(edited).to_have_class("cell-meta review unreviewed")
    copied = page.locator('td.cell:has(a[href="/t/letter/final.firm"]) .review')
    expect(copied).to_have_text(re.compile(r"^审核：合规审查组 2026-12-07 [0-9a-f]{8}$"))
    page.goto("/t/sms/middle.courteous")
    expect(page.locator("#review")).to_have_text("审核：未审核")
    color = page.locator("#review").evaluate("e => getComputedStyle(e).color")
    assert color != page.locator(".meta-row span").last.evaluate("e => getComputedStyle(e).color")
    shot(page, "01b-unreviewed")


def test_letter_page_shows_pdf_image_and_html(page: Any) -> None:
    page.goto("/t/letter/final.firm")
    expect(page.locator("h1")).to_contain_text("最后还款通知函")
    # The page image is the default tab (a browser without a PDF viewer showed a blank pane).
    expect(page.locator('.tab-panel[data-panel="png"] img')).to_be_visible()
    page.get_by_role("button", name="PDF").click()
    expect(page.locator("object.pdf-frame")).to_be_visible()
    # Chromium's PDF viewer draws after the load event, and again if the viewport
    # changes size (as a full-page screenshot does): wait, then shoot the viewport.
    page.wait_for_timeout(1500)
    shot(page, "02-letter-pdf", full_page=False)
    page.get_by_role("button", name="页面图像").click()
    image = page.locator('.tab-panel[data-panel="png"] img')
    expect(image).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('.tab-panel[data-panel=png] img');"
        " return i && i.complete && i.naturalWidth > 800; }"
    )
    shot(page, "03-letter-image")
    page.get_by_role("button", name="HTML（沙箱）").click()
    frame = page.frame_locator("iframe.html-frame")
    expect(frame.locator("h1.title")).to_have_text("最后还款通知函")
    # The letter's stylesheet reached the sandboxed frame (served from the templates folder).
    color = frame.locator(".letterhead .org").evaluate("e => getComputedStyle(e).color")
    assert color != "rgb(0, 0, 0)"
    expect(page.locator("text=共 1 页")).to_be_visible()
    shot(page, "04-letter-html")


def test_sms_page_with_finding_highlighted(page: Any) -> None:
    page.goto("/t/sms/early.firm")
    bubble = page.locator("#sms-bubble")
    expect(bubble).to_contain_text("【示范银行】")
    mark = bubble.locator("mark.sev-error")
    expect(mark).to_have_text("后果自负")
    expect(page.locator("#sms-meta")).to_contain_text("字（含签名）")
    expect(page.locator("#sms-meta")).to_contain_text("计费")
    source_mark = page.locator("#source mark.sev-error")
    expect(source_mark).to_have_text("后果自负")
    link = page.locator(".findings a.jump", has_text="DL601").first
    link.click()
    target = source_mark.get_attribute("id")
    assert page.url.endswith(f"#{target}")
    shot(page, "05-sms-finding")


def test_live_reload_updates_the_open_page(page: Any, overlay: Path) -> None:
    template = overlay / "sms" / "early.firm.txt.j2"
    page.goto("/t/sms/early.firm")
    expect(page.locator("#live")).to_have_text("实时预览：已连接")
    page.evaluate("window.__notReloaded = true")
    text = template.read_text(encoding="utf-8")
    saved = time.monotonic()
    template.write_text(text.replace(THREAT, "谢谢您的配合"), encoding="utf-8")
    bubble = page.locator("#sms-bubble")
    expect(bubble).to_contain_text("谢谢您的配合", timeout=5000)
    elapsed = time.monotonic() - saved
    expect(bubble.locator("mark")).to_have_count(0)
    expect(page.locator("#lint-status")).to_contain_text("通过")
    assert page.evaluate("window.__notReloaded") is True, "the page must not reload"
    assert elapsed < 3.0, f"the page took {elapsed:.1f} s to follow the save"
    shot(page, "06-sms-after-save")


def test_live_reload_updates_the_matrix(page: Any, overlay: Path) -> None:
    template = overlay / "sms" / "middle.courteous.txt.j2"
    page.goto("/")
    cell = page.locator('td.cell:has(a[href="/t/sms/middle.courteous"])')
    expect(cell).to_have_class("cell status-errors")
    expect(page.locator("#live")).to_have_text("实时预览：已连接")
    template.write_text(
        template.read_text(encoding="utf-8").replace(f"，{THREAT}", ""), encoding="utf-8"
    )
    expect(cell).to_have_class("cell status-clean", timeout=5000)
    shot(page, "07-matrix-after-save")
