"""Issue #6, preview: the web app's routes (Starlette TestClient) and ``dunletters preview``.

The overlay folder holds three broken templates on purpose: an SMS with a threat
(后果自负, DL601), a letter with a Jinja syntax error and an SMS reading a field the
record does not have. Everyone in here is synthetic (``dunletters.samples``).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import TEST_CONFIG
from dunletters.cli import cli, main
from dunletters.config import Settings
from dunletters.preview import core
from dunletters.preview.app import PAGE_CSP, PreviewOptions, create_app
from dunletters.registry import BUILTIN_TEMPLATES, Registry
from dunletters.samples import LONGEST_NAME

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 fork for its TestClient; httpx (pinned in the
    # dev extra) works the same and only warns.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

AS_OF = date(2026, 11, 28)

THREAT = "否则后果自负"
DRAFTS = Path(__file__).parent / "drafts"


def make_overlay(root: Path) -> Path:
    """A templates folder overlaying three built-ins with broken copies."""
    (root / "letters").mkdir(parents=True)
    (root / "sms").mkdir()
    sms = (BUILTIN_TEMPLATES / "sms" / "early.firm.txt.j2").read_text(encoding="utf-8")
    assert "。" in sms.rstrip()[-1:]
    (root / "sms" / "early.firm.txt.j2").write_text(
        sms.rstrip()[:-1] + f"，{THREAT}。\n", encoding="utf-8"
    )
    letter = (BUILTIN_TEMPLATES / "letters" / "middle.firm.html.j2").read_text(encoding="utf-8")
    (root / "letters" / "middle.firm.html.j2").write_text(
        letter.replace("{% block request %}", "{% block request %}{% if %}", 1), encoding="utf-8"
    )
    late = (BUILTIN_TEMPLATES / "sms" / "late.firm.txt.j2").read_text(encoding="utf-8")
    (root / "sms" / "late.firm.txt.j2").write_text(
        late.replace("{{ creditor.hotline }}", "{{ account.nickname }}", 1), encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def overlay(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_overlay(tmp_path_factory.mktemp("preview") / "templates")


@pytest.fixture(scope="module")
def client(overlay: Path) -> Iterator[TestClient]:
    app = create_app([overlay], Settings(), PreviewOptions(as_of=AS_OF))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def record(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "account_id": "T-0001",
        "name": "李思远",
        "gender": "女",
        "card_number": "6259000000005678",
        "mobile": "13900005678",
        "principal": "2000.00",
        "interest": "12.30",
        "fees": "0",
        "due_date": "2026-10-01",
    }
    data.update(changes)
    return data


def upload(client: TestClient, url: str, payload: bytes, **kwargs: Any) -> Any:
    files = {"record": ("record.json", payload, "application/json")}
    return client.post(url, files=files, **kwargs)


# -- the matrix ------------------------------------------------------------------------------


def test_matrix_shows_every_template_with_review_version_and_status(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    registry = Registry.load()
    assert html.count('class="cell status-') == len(registry.templates) == 24
    for template in registry:
        assert f'href="/t/{template.channel}/{template.stage}.{template.tone}"' in html
    assert "审核：合规审查组 2026-11-28 " in html  # the approval of each body (issue #16)
    assert Registry.load().get("final", "firm", "letter").short_version in html
    for word in ("信函", "短信", "前期提醒", "最后通知", "以礼相待", "劝慰", "坚定"):
        assert word in html
    # The overlay's broken templates are red, the rest green; overlays are labelled.
    cell = re.search(
        r'<td class="cell status-(\w+)">\s*<a class="cell-link" href="/t/sms/early.firm"', html
    )
    assert cell is not None and cell.group(1) == "errors"
    assert html.count("status-clean") >= 20
    assert "覆盖：templates" in html


def test_partial_is_the_fragment_with_its_version(client: TestClient) -> None:
    full = client.get("/")
    part = client.get("/?partial=1")
    assert part.status_code == 200
    assert "<html" not in part.text and '<div id="view" data-version="' in part.text
    version = re.search(r'data-version="(\w+)"', full.text)
    assert version is not None and version.group(1) in part.text


def test_security_headers_and_no_remote_sources(client: TestClient) -> None:
    for url in ("/", "/t/letter/final.firm", "/t/sms/early.courteous", "/nowhere"):
        response = client.get(url)
        assert response.headers["x-content-type-options"] == "nosniff"
        csp = response.headers["content-security-policy"]
        assert csp == PAGE_CSP
        assert "http:" not in csp and "https:" not in csp and "*" not in csp
        assert "'unsafe-inline'" not in csp
    html = client.get("/t/letter/final.firm").text
    assert not re.search(r'(src|href)="(https?:)?//', html), "nothing may come from elsewhere"
    css = client.get("/static/preview.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "http" not in css.text and "@import" not in css.text


# -- a template page ---------------------------------------------------------------------------


def test_letter_page_embeds_pdf_image_and_sandboxed_html(client: TestClient) -> None:
    response = client.get("/t/letter/final.firm")
    assert response.status_code == 200
    html = response.text
    assert "最后还款通知函" in html and "final.firm" in html
    assert re.search(
        r'<object class="paper pdf-frame" data="/t/letter/final.firm/preview.pdf\?', html
    )
    assert re.search(
        r'<iframe class="paper html-frame" sandbox src="/t/letter/final.firm/preview.html', html
    )
    assert "共 1 页" in html
    assert "审核：合规审查组 2026-12-07 " in html


def test_letter_documents_are_the_real_pdf_png_and_html(client: TestClient) -> None:
    pdf = client.get("/t/letter/final.firm/preview.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    png = client.get("/t/letter/final.firm/preview.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG\r\n\x1a\n")
    page = client.get("/t/letter/final.firm/preview.html")
    assert page.status_code == 200 and "最后还款通知函" in page.text
    csp = page.headers["content-security-policy"]
    assert "sandbox" in csp and "script-src" not in csp and "default-src 'none'" in csp
    # Its stylesheet comes from the templates folder, beside the letter's URL.
    css = client.get("/t/letter/final.firm/letter.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.content == (BUILTIN_TEMPLATES / "letters" / "letter.css").read_bytes()


def test_sms_page_shows_the_bubble_length_and_segments(client: TestClient) -> None:
    html = client.get("/t/sms/early.courteous").text
    bubble = re.search(r'<div class="bubble" id="sms-bubble">(.*?)</div>', html, re.S)
    assert bubble is not None and bubble.group(1).startswith("【示范银行】张先生您好！")
    meta = re.search(r'<p class="sms-meta" id="sms-meta">(.*?)</p>', html, re.S)
    assert meta is not None
    text = re.sub(r"<[^>]+>", "", meta.group(1))
    assert re.search(r"\d+ 字（含签名）", text) and re.search(r"计费 \d+ 条", text)
    assert "UCS-2" in text


def test_findings_are_listed_and_marked_in_the_text(client: TestClient) -> None:
    html = client.get("/t/sms/early.firm").text
    assert "模板检查：有错误" in html and "DL601" in html
    # In the template source: the matched phrase is marked, and the list links to it.
    source = re.search(r'<mark id="(tf-\d+)" class="sev-error"[^>]*>后果自负</mark>', html)
    assert source is not None
    assert f'href="#{source.group(1)}"' in html
    # In the SMS as the phone shows it, too.
    bubble = re.search(r'<div class="bubble" id="sms-bubble">(.*?)</div>', html, re.S)
    assert bubble is not None
    marked = re.search(
        r'<mark id="(df-\d+)" class="sev-error"[^>]*>后果自负</mark>', bubble.group(1)
    )
    assert marked is not None and f'href="#{marked.group(1)}"' in html


def test_sample_picker_offers_the_cases_and_switches_account(client: TestClient) -> None:
    html = client.get("/t/letter/final.firm").text
    options = re.findall(r'<option value="([\w-]+)"', html)
    assert options == [
        "early",
        "middle",
        "late",
        "final",
        "hardship",
        "broken-promises",
        "long-name",
        "large-amount",
    ]
    assert '<option value="final" selected>' in html
    long_name = client.get("/t/letter/final.firm?sample=long-name").text
    assert LONGEST_NAME in long_name and '<option value="long-name" selected>' in long_name
    large = client.get("/t/letter/final.firm?sample=large-amount").text
    assert "¥9,999,999,999,999.99" in large or "9,999,999,999,999.99" in large
    hardship = client.get("/t/letter/final.firm?sample=hardship").text
    assert "按策略，该账户实际会收到 final.empathetic 模板" in hardship
    unknown = client.get("/t/letter/final.firm?sample=nobody")
    assert unknown.status_code == 200 and "没有名为" in unknown.text


def test_default_sample_is_one_the_policy_sends_the_template_to(client: TestClient) -> None:
    firm = client.get("/t/sms/early.firm").text
    assert '<option value="broken-promises" selected>' in firm and "按策略" not in firm
    empathetic = client.get("/t/letter/middle.empathetic").text
    assert '<option value="hardship" selected>' in empathetic and "按策略" not in empathetic
    courteous = client.get("/t/letter/final.courteous").text
    assert '<option value="final" selected>' in courteous


def test_uploaded_record_is_previewed(client: TestClient) -> None:
    response = upload(
        client, "/t/sms/final.firm", json.dumps(record()).encode(), follow_redirects=False
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.fullmatch(r"/t/sms/final\.firm\?record=[\w-]+", location)
    page = client.get(location)
    assert page.status_code == 200
    assert "李女士" in page.text and '<option value="" selected>上传的记录</option>' in page.text
    assert "李思远" not in location  # the URL carries a token, never the record
    # The letter documents follow the same record.
    letter = upload(client, "/t/letter/final.firm", json.dumps(record()).encode())
    assert letter.status_code == 200 and "尊敬的李思远女士" in letter.text


def test_bad_record_json_is_422_with_the_line(client: TestClient) -> None:
    response = upload(client, "/t/sms/final.firm", b'{"name": "\xe6\x9d\x8e",\n oops}')
    assert response.status_code == 422
    assert "记录无法使用" in response.text and "第2行不是有效的 JSON" in response.text
    assert "Traceback" not in response.text
    empty = client.post("/t/sms/final.firm", files={"record": ("r.json", b"", "application/json")})
    assert empty.status_code == 422 and "请选择一个记录文件" in empty.text


def test_invalid_record_names_the_field_never_the_value(client: TestClient) -> None:
    response = upload(
        client, "/t/sms/final.firm", json.dumps(record(mobile="12-SECRET-99")).encode()
    )
    assert response.status_code == 422
    assert "mobile" in response.text and "12-SECRET-99" not in response.text


def test_record_values_are_escaped(client: TestClient) -> None:
    """Markup is never a name (issue #15, D-07): the upload is refused, naming the field
    and never echoing the value; the renderer's escaping is tested in test_pdf_parse."""
    evil = "<script>alert(1)</script>"
    response = upload(client, "/t/letter/final.firm", json.dumps(record(name=evil)).encode())
    assert response.status_code == 422
    assert evil not in response.text and "alert(1)" not in response.text
    assert "name" in response.text
    sms = upload(client, "/t/sms/final.firm", json.dumps(record(name=evil)).encode())
    assert evil not in sms.text


def test_syntax_error_shows_file_and_line_not_a_500(client: TestClient) -> None:
    response = client.get("/t/letter/middle.firm")
    assert response.status_code == 200
    html = response.text
    assert "渲染失败" in html and "letters/middle.firm.html.j2:21: 模板语法错误" in html
    assert "DL001" in html and "Traceback" not in html
    assert client.get("/t/letter/middle.firm/preview.pdf").status_code == 422
    assert client.get("/").status_code == 200


def test_missing_field_names_the_field_never_record_values(client: TestClient) -> None:
    html = client.get("/t/sms/late.firm").text
    error = re.search(r'<div class="alert error render-error"[^>]*>(.*?)</div>', html, re.S)
    assert error is not None
    assert "sms/late.firm.txt.j2:11: 未定义的字段：Account.nickname" in error.group(1)
    assert "张晓明" not in error.group(1) and "Traceback" not in html


def test_unknown_template_is_404_listing_what_exists(client: TestClient) -> None:
    for url in ("/t/letter/nope.firm", "/t/fax/early.firm", "/t/letter/early"):
        response = client.get(url)
        assert response.status_code == 404
        assert 'href="/t/letter/early.courteous"' in response.text
        assert 'href="/t/sms/final.firm"' in response.text
    assert client.get("/no/such/page").status_code == 404


def raw_get(app: Any, raw_path: bytes) -> tuple[int, bytes]:
    """Send a request path to the ASGI app exactly as given (clients normalise ``..``)."""
    from urllib.parse import unquote_to_bytes

    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote_to_bytes(raw_path).decode("utf-8", "replace"),
        "raw_path": raw_path,
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8000")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return status, body


@pytest.mark.parametrize(
    "path",
    [
        b"/t/letter/final.firm/../../../../etc/passwd",
        b"/t/letter/final.firm/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
        b"/t/letter/final.firm/..%2f..%2f..%2fREADME.md",
        b"/t/letter/final.firm/%2Fetc%2Fpasswd",
        b"/t/letter/final.firm//etc/passwd",
        b"/t/letter/final.firm/../letter.css",
        b"/t/letter/final.firm/final.firm.html.j2",
        b"/t/letter/final.firm/theme.toml",
        b"/t/letter/..%2f..%2f..%2fetc/passwd",
        b"/t/letter/%2e%2e/preview.html",
        b"/t/sms/early.courteous/../letters/letter.css",
        b"/static/..%2fapp.py",
        b"/static/%2e%2e/core.py",
    ],
)
def test_path_traversal_is_refused(client: TestClient, path: bytes) -> None:
    status, body = raw_get(client.app, path)
    assert status in (400, 404)
    assert b"root:" not in body and b"[project]" not in body and b"stage:" not in body


def test_other_host_names_are_refused(client: TestClient) -> None:
    """A page elsewhere that rebinds its DNS name to 127.0.0.1 gets nothing."""
    response = client.get("/t/sms/final.firm", headers={"host": "attacker.example"})
    assert response.status_code == 400 and "示范银行" not in response.text
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200


def test_events_stream_sends_the_version_and_each_change(tmp_path: Path) -> None:
    overlay = make_overlay(tmp_path / "templates")
    options = PreviewOptions(as_of=AS_OF, pdf=False, poll_interval=0.05, stream_lifetime=1.2)
    app = create_app([overlay], Settings(), options)
    target = overlay / "sms" / "early.firm.txt.j2"
    before = core.fingerprint(app.state.service.roots).all

    def edit() -> None:
        time.sleep(0.4)
        target.write_text(target.read_text(encoding="utf-8").replace(THREAT, "谢谢"), "utf-8")

    editor = threading.Thread(target=edit)
    with TestClient(app, base_url="http://localhost") as test_client:
        editor.start()
        response = test_client.get("/events")
        editor.join()
    assert response.headers["content-type"].startswith("text/event-stream")
    versions = re.findall(r"event: version\ndata: (\w+)\n\n", response.text)
    assert versions[0] == before and len(versions) == 2 and versions[1] != before
    assert versions[1] == core.fingerprint(app.state.service.roots).all


def test_serve_binds_localhost_by_default() -> None:
    serve = cli.commands["serve"]
    defaults = {param.name: param.default for param in serve.params}
    assert defaults["host"] == "127.0.0.1" and defaults["port"] == 8000


# -- core --------------------------------------------------------------------------------------------


def test_highlight_spans_never_overlap_and_keep_every_character() -> None:
    from dunletters.lint.findings import Finding, Severity

    text = "甲乙丙丁戊"
    findings = [
        Finding("DL1", "a", Severity.WARNING, "p", "m", offset=1, end_offset=3),
        Finding("DL2", "b", Severity.ERROR, "p", "m", offset=2, end_offset=4),
        Finding("DL3", "c", Severity.INFO, "p", "m", offset=4, end_offset=5),
    ]
    segments = core.highlight_text(text, findings)
    assert "".join(s.text for s in segments) == text
    assert [(s.text, s.mark) for s in segments] == [
        ("甲", None),
        ("乙丙", 0),
        ("丁", None),
        ("戊", 2),
    ]


# -- the command line ----------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main(["--config", str(TEST_CONFIG), *args])  # a configured creditor: no note on stderr
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


@pytest.mark.parametrize(
    ("fmt", "magic"), [("png", b"\x89PNG"), ("pdf", b"%PDF-"), ("html", b"<!DOCTYPE html>")]
)
def test_preview_letter_writes_png_pdf_html(tmp_path: Path, fmt: str, magic: bytes) -> None:
    out = tmp_path / f"letter.{fmt}"
    result = CliRunner().invoke(
        cli,
        ["preview", "final.firm", "-o", str(out), "--as-of", "2026-11-28"],
        standalone_mode=False,
    )
    assert result.exception is None, result.output
    assert result.return_value == 0
    assert out.read_bytes().lstrip().startswith(magic)
    assert "检查了 1 个文件：0 个错误，0 个警告" in result.output
    assert f"已写入 {out}（final.firm" in result.output


def test_preview_sms_prints_text_length_and_segments(tmp_path: Path) -> None:
    out = tmp_path / "sms.txt"
    result = CliRunner().invoke(
        cli,
        ["preview", "early.courteous", "--channel", "sms", "-o", str(out), "--as-of", "2026-11-28"],
        standalone_mode=False,
    )
    assert result.exception is None and result.return_value == 0
    lines = result.stdout.splitlines()  # stderr: the note on the example creditor
    assert lines[0].startswith("【示范银行】张先生您好！")
    assert re.fullmatch(r"\d+字（含签名），计费\d条，UCS-2", lines[1])
    assert out.read_text(encoding="utf-8") == lines[0] + "\n"


def test_preview_prints_what_lint_prints_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    draft = DRAFTS / "early.firm.html.j2"
    code, out, _ = run(
        capsys,
        "preview",
        str(draft),
        "--format",
        "html",
        "-o",
        str(tmp_path / "d.html"),
        "--as-of",
        "2026-11-28",
    )
    assert code == 1
    _, linted, _ = run(capsys, "lint", str(draft), "--as-of", "2026-11-28")
    report = out.split("已写入")[0]
    assert report == linted
    assert (tmp_path / "d.html").read_text(encoding="utf-8").lstrip().startswith("<!DOCTYPE html>")


def test_preview_overlay_threat_exits_1(capsys: pytest.CaptureFixture[str], overlay: Path) -> None:
    code, out, _ = run(
        capsys,
        "preview",
        "early.firm",
        "--channel",
        "sms",
        "--templates",
        str(overlay),
        "--as-of",
        "2026-11-28",
    )
    assert code == 1
    assert "DL601 threat" in out and THREAT in out.splitlines()[0]


def test_preview_with_a_record(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record(), ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(
        capsys,
        "preview",
        "final.firm",
        "--channel",
        "sms",
        "--record",
        str(path),
        "--as-of",
        "2026-11-28",
    )
    assert code == 0
    assert (
        out.startswith("【示范银行】李女士") and f"渲染结果[{path}]" not in out
    )  # no findings: no lines
    assert "检查了 2 个文件" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nonsense"], "阶段.语气"),
        (["final.firm", "--format", "txt"], "预览格式只能是"),
        (["final.firm", "-o", "x.pdf", "--format", "png"], "不符"),
        (["early.courteous", "--channel", "sms", "--format", "pdf"], "预览格式只能是"),
        (["nope.firm"], "没有 nope.firm 的信函模板"),
        (["final.firm", "--sample", "nobody"], "没有样例账户"),
    ],
)
def test_preview_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, "preview", *args)
    assert code == 2 and message in err


def test_preview_broken_template_prints_findings_then_exits_2(
    capsys: pytest.CaptureFixture[str], overlay: Path, tmp_path: Path
) -> None:
    code, out, err = run(
        capsys,
        "preview",
        str(overlay / "letters" / "middle.firm.html.j2"),
        "-o",
        str(tmp_path / "x.png"),
        "--as-of",
        "2026-11-28",
    )
    assert code == 2
    assert "DL001 template-syntax" in out
    assert "middle.firm.html.j2:21: 模板语法错误" in err and err.count("\n") == 1
    assert not (tmp_path / "x.png").exists()


def test_preview_pdf_is_the_pdf_render_writes(tmp_path: Path) -> None:
    """Same template, sample and date: ``preview`` and ``render`` give the same bytes."""
    rendered, previewed = tmp_path / "render.pdf", tmp_path / "preview.pdf"
    common = ["--as-of", "2026-11-28"]
    render = ["render", "--sample", "--channel", "letter", "--stage", "final", "-o", str(rendered)]
    assert CliRunner().invoke(cli, render + common, standalone_mode=False).exception is None
    preview = ["preview", "final.firm", "-o", str(previewed)]
    assert CliRunner().invoke(cli, preview + common, standalone_mode=False).exception is None
    assert rendered.read_bytes() == previewed.read_bytes()
