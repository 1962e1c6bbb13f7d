"""The preview server's uploads and requests (issue 15; red-team D-29, D-30, D-31).

The real app through Starlette's TestClient; the IPv6 and runaway-template cases run
a real server process (tests/test_render_limits.py).
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from conftest import TEST_SETTINGS
from dunletters.preview.app import _BODY_LIMIT, PreviewOptions, create_app
from dunletters.preview.security import _host_name

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.formparsers import MultiPartParser
    from starlette.testclient import TestClient

AS_OF = date(2026, 11, 28)
URL = "/t/letter/late.firm"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app([], TEST_SETTINGS, PreviewOptions(as_of=AS_OF))
    with TestClient(app, base_url="http://127.0.0.1:8765") as test_client:
        yield test_client


def record(**changes: Any) -> bytes:
    data = {"account_id": "C1", "name": "王小明", "card_number": "6217374590813668",
            "mobile": "13912345678", "principal": "100.00", "due_date": "2026-11-05"}  # fmt: skip
    return json.dumps({**data, **changes}, ensure_ascii=False).encode()


def post(client: TestClient, payload: bytes, **headers: str) -> Any:
    files = {"record": ("r.json", payload, "application/json")}
    return client.post(URL, files=files, headers=headers, follow_redirects=False)


def test_a_same_origin_upload_is_accepted(client: TestClient) -> None:
    assert post(client, record()).status_code == 303
    assert post(client, record(), Origin="http://127.0.0.1:8765").status_code == 303
    assert post(client, record(), **{"Sec-Fetch-Site": "same-origin"}).status_code == 303


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://127.0.0.1:9999"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:8765"},
    ],
)
def test_a_cross_site_post_is_refused(client: TestClient, headers: dict[str, str]) -> None:
    response = post(client, record(), **headers)
    assert response.status_code == 403
    assert "拒绝来自其他网站的提交" in response.text


def test_an_upload_declared_too_large_is_refused_before_it_is_read(client: TestClient) -> None:
    payload = record(address="x" * 50_000_000)
    started = time.monotonic()
    response = post(client, payload)
    assert response.status_code == 422 and "记录文件过大" in response.text
    assert time.monotonic() - started < 10


def test_an_undeclared_streamed_upload_stops_at_the_limit(client: TestClient) -> None:
    boundary = "b0undary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="record"; filename="r.json"\r\n'
            "Content-Type: application/json\r\n\r\n").encode()  # fmt: skip
    sent = [0]

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(400):  # 40 MB, if it were all read
            sent[0] += 1
            yield b"x" * 100_000

    response = client.post(
        URL,
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 422 and "记录文件过大" in response.text


def test_the_in_memory_limit_is_below_the_form_parsers_spool_size() -> None:
    """A body up to the limit is parsed in memory: its file part never rolls over to disk."""
    assert MultiPartParser.spool_max_size > _BODY_LIMIT


@pytest.mark.parametrize(
    "payload",
    [
        b'{"account_id": ' + b"9" * 5000 + b"}",
        b"[" * 50_000 + b"]" * 50_000,
        b'{"a": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001,
    ],
    ids=["huge-int", "deep-list", "deep-object"],
)
def test_huge_or_deep_json_is_a_clear_422(client: TestClient, payload: bytes) -> None:
    response = post(client, payload)
    assert response.status_code == 422
    assert "数字过长或嵌套过深" in response.text


@pytest.mark.parametrize(
    ("header", "name"),
    [("[::1]:8000", "[::1]"), ("[::1]", "[::1]"), ("127.0.0.1:80", "127.0.0.1"),
     ("LocalHost", "localhost"), ("[fe80::1%eth0]:1", "[fe80::1%eth0]")],
)  # fmt: skip
def test_host_names_of_ipv6_literals_keep_their_brackets(header: str, name: str) -> None:
    assert _host_name(header) == name


def test_the_ipv6_loopback_host_is_answered_and_others_are_not() -> None:
    app = create_app(
        [], TEST_SETTINGS, PreviewOptions(as_of=AS_OF, allowed_hosts=("127.0.0.1", "::1"))
    )
    with TestClient(app, base_url="http://[::1]:8767") as ipv6:
        assert ipv6.get("/").status_code == 200
    with TestClient(app, base_url="http://evil.example:8767") as foreign:
        assert foreign.get("/").status_code == 400


def test_pages_say_when_the_creditor_is_the_example() -> None:
    from dunletters.config import Settings

    with TestClient(create_app([], Settings(), PreviewOptions(as_of=AS_OF)),
                    base_url="http://127.0.0.1") as example:  # fmt: skip
        assert "预览使用示例债权机构「示范银行股份有限公司」" in example.get("/").text
    with TestClient(create_app([], TEST_SETTINGS, PreviewOptions(as_of=AS_OF)),
                    base_url="http://127.0.0.1") as configured:  # fmt: skip
        assert "示例债权机构" not in configured.get("/").text
