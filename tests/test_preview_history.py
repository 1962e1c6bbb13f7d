"""The preview's history page (issue 19, item 5): one account's contact history.

A real SQLite ledger with synthetic documents and payments, read by the app through
Starlette's TestClient, and once in real headless Chromium (Playwright, Debian's
``/usr/bin/chromium``), as the other preview browser tests do.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dunletters.config import Settings
from dunletters.ledger import Ledger
from dunletters.preview.app import PreviewOptions, create_app
from dunletters.preview.history import mask_reference

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette prefers httpx2 for its TestClient
    from starlette.testclient import TestClient

AS_OF = date(2026, 11, 28)
CHROMIUM = Path("/usr/bin/chromium")
REFERENCE = "TXN20261201009876"


def _document(
    account: str, channel: str, stage: str, day: date, number: str | None
) -> dict[str, Any]:
    return {
        "run_id": f"run-{day.isoformat()}",
        "account_id": account,
        "channel": channel,
        "stage": stage,
        "tone": "courteous",
        "template_key": f"{stage}.courteous",
        "template_sha256": "ab" * 32,
        "letter_number": number,
        "output_sha256": "cd" * 32,
        "as_of": day,
        "scheduled_at": "2026-11-05T10:00:00+08:00" if channel == "sms" else day.isoformat(),
        "phone_hmac": "ef" * 32 if channel == "sms" else None,
    }


@pytest.fixture(scope="module")
def ledger_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ledger") / "ledger.sqlite"
    ledger = Ledger(f"sqlite:///{path}")
    ledger.record(
        [
            _document(
                "A00000042", "letter", "early", date(2026, 11, 5), "示银信催〔2026〕第000042号"
            ),
            _document("A00000042", "sms", "early", date(2026, 11, 5), None),
            _document(
                "A00000042", "letter", "middle", date(2026, 11, 20), "示银信催〔2026〕第000142号"
            ),
            _document("A00000043", "sms", "early", date(2026, 11, 5), None),
        ]
    )
    ledger.set_status(
        [("number", "示银信催〔2026〕第000042号", "letter", "delivered", date(2026, 11, 8))]
    )
    ledger.set_status([("account", "A00000042", "sms", "failed", date(2026, 11, 5))])
    ledger.add_payments([("A00000042", date(2026, 12, 1), Decimal("1200.50"), REFERENCE)])
    ledger.close()
    return path


@pytest.fixture
def client(ledger_file: Path) -> Iterator[TestClient]:
    app = create_app([], Settings(), PreviewOptions(as_of=AS_OF, ledger_url=str(ledger_file)))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client
    app.state.ledger.close()


def test_history_page_lists_documents_statuses_and_payments(client: TestClient) -> None:
    html = client.get("/history", params={"account": "A00000042"}).text
    assert "账号 <code>A00000042</code> 的文书（3 份）" in html
    assert html.index("2026-11-05") < html.index("2026-11-20")  # oldest first
    assert "示银信催〔2026〕第000042号" in html and "示银信催〔2026〕第000142号" in html
    assert "已送达（2026-11-08）" in html and "发送失败（2026-11-05）" in html
    assert "未回执" in html  # the middle letter has no receipt yet
    assert "前期提醒" in html and "中期催收" in html and "信函" in html and "短信" in html
    assert "early.courteous@abababababab" in html
    assert "还款（1 笔）" in html and "1200.50" in html and "2026-12-01" in html
    assert REFERENCE not in html and mask_reference(REFERENCE) in html  # masked: ****9876
    assert "A00000043" not in html  # another account's document


def test_an_unknown_account_and_a_bad_id_say_so(client: TestClient) -> None:
    assert "联系记录库中没有该账号的文书" in client.get("/history?account=B1").text
    bad = client.get("/history", params={"account": "<script>alert(1)</script>"}).text
    assert "账号只能由字母、数字和 _ . - 组成" in bad
    assert "<script>alert(1)" not in bad  # escaped in the form's value
    assert 'name="account"' in client.get("/history").text  # the form, nothing looked up


def test_the_page_answers_only_on_loopback_names(client: TestClient) -> None:
    response = client.get("/history?account=A00000042", headers={"Host": "evil.example"})
    assert response.status_code == 400 and "A00000042" not in response.text


def test_without_a_ledger_the_page_says_how_to_name_one(tmp_path: Path) -> None:
    app = create_app([], Settings(), PreviewOptions(as_of=AS_OF))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert "未配置联系记录库" in client.get("/history?account=A1").text
    missing = tmp_path / "none.sqlite"
    app = create_app([], Settings(), PreviewOptions(as_of=AS_OF, ledger_url=str(missing)))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert "联系记录库文件不存在" in client.get("/history?account=A1").text
    assert not missing.exists()  # read only: never created


def test_mask_reference() -> None:
    assert mask_reference("") == "" and mask_reference("1234") == "****"
    assert mask_reference("TXN-0001-5678") == "****5678"


# -- in the browser ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_history_page_in_the_browser(ledger_file: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    uvicorn = pytest.importorskip("uvicorn")
    app = create_app([], Settings(), PreviewOptions(as_of=AS_OF, ledger_url=str(ledger_file)))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            page = browser.new_page(base_url=f"http://127.0.0.1:{port}", locale="zh-CN")
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto("/")
            page.click("a.history-link")  # reached from the top bar of every page
            sync_api.expect(page.locator("h1")).to_have_text("联系记录")
            page.fill("#account", "A00000042")
            page.press("#account", "Enter")
            sync_api.expect(page.locator("#history-documents tbody tr")).to_have_count(3)
            sync_api.expect(page.locator("#history-payments")).to_contain_text("****9876")
            assert "account=A00000042" in page.url
            page.screenshot(
                path=str(
                    Path(__file__).resolve().parents[1] / "out" / "test-screenshots" / "history.png"
                )
            )
            browser.close()
            assert not errors, errors
    finally:
        server.should_exit = True
        thread.join(10)


def test_history_json_and_text_show_the_reference_masked(ledger_file: Path) -> None:
    from dunletters.ledger.history import history_json, history_text

    ledger = Ledger(f"sqlite:///{ledger_file}")
    try:
        shown = history_json(ledger, "A00000042") + history_text(ledger, "A00000042")
    finally:
        ledger.close()
    assert REFERENCE not in shown and '"reference": "****9876"' in shown
