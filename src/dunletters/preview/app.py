"""``dunletters serve``: the local preview web app for template authors (Starlette).

Routes (all GET unless said)::

    /                                      the registry: stage × tone per channel, lint status
    /t/{channel}/{stage.tone}              one template: letter (PDF, page image, HTML) or
                                           SMS bubble, findings marked in the text, samples;
                                           POST: upload a record (JSON) to preview with
    /t/{channel}/{key}/preview.pdf|.png|.html   the rendered document itself
    /t/letter/{key}/{file}                 a file the letter's HTML links (letter.css …),
                                           from the templates folders only
    /history?account=ID                    one account's documents and payments (contact ledger)
    /events                                Server-Sent Events: the templates' version
    /static/{name}                         this app's own CSS and JavaScript

Why it is built this way:

* **Live reload without a watcher thread.** ``/events`` polls the folders' ``stat``
  fingerprint every ~300 ms (microseconds each) and sends the version when it changes;
  the page re-fetches its own content (``?partial=1``) — no manual refresh, no
  extra dependency, and it works on any file system (including bind mounts, where
  inotify is unreliable).
* **Caches keyed by content, not by time.** The registry is reloaded when the
  fingerprint changes; a template's lint report is kept while its file and the shared
  layouts are unchanged, so saving one template re-lints one template.
* **The page shows the real thing.** The PDF is what WeasyPrint writes for a batch;
  the PNG is that PDF rasterised by poppler; the HTML is the exact input of the PDF,
  shown in a sandboxed ``<iframe>`` (no scripts, opaque origin) with its stylesheet
  served from the templates folder.
* **Safe by default.** Binds 127.0.0.1 (``dunletters serve``) and answers only to that
  ``Host`` (DNS rebinding); files are served only from the
  templates folders, by a name checked part by part (no ``..``, no absolute or
  encoded escapes, no template sources); every page is rendered by an autoescaping
  Jinja environment; CSP allows nothing remote. Uploaded records live in memory only
  (a bounded LRU keyed by a random token) and are never logged or written to disk;
  errors name template file, line and field, never a record value.

The state (folders, settings, caches, the lock) is :mod:`dunletters.preview.service`'s
and the defences (CSPs, headers, the ``Host`` check, asset names) are
:mod:`dunletters.preview.security`'s; the endpoints here read the service from
``request.app.state``.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route
from starlette.types import Message, Receive

from dunletters.config import STAGE_NAMES, STAGES, TONES, Settings
from dunletters.errors import DunlettersError
from dunletters.lint.findings import Finding
from dunletters.models import Account
from dunletters.preview import core
from dunletters.preview.history import HistoryLookup
from dunletters.preview.security import (
    LETTER_CSP,
    PAGE_CSP,
    HostCheck,
    SecurityHeaders,
    asset_media_type,
    cross_site,
    read_body,
)
from dunletters.preview.service import PREVIEW_SECONDS, PreviewOptions, PreviewService
from dunletters.record_json import UPLOAD, account_from_json
from dunletters.registry import BUILTIN_TEMPLATES, Registry, Template

__all__ = [
    "LETTER_CSP",
    "PAGE_CSP",
    "PREVIEW_SECONDS",
    "PreviewOptions",
    "PreviewService",
    "create_app",
    "parse_record_upload",
]

_HERE = Path(__file__).parent
_STATIC = {
    "preview.css": ("text/css; charset=utf-8", _HERE / "static" / "preview.css"),
    "preview.js": ("text/javascript; charset=utf-8", _HERE / "static" / "preview.js"),
}
_KEY = re.compile(r"[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*")

_RECORD_LIMIT = 1_000_000
"""Largest uploaded record file (bytes): one account is a few hundred."""

_BODY_LIMIT = 1_040_000
"""Largest upload request (the record and the multipart framing), counted as it arrives
and kept in memory: below the form parser's 1 MiB spool size, so nothing reaches disk."""


def parse_record_upload(data: bytes, as_of: date) -> Account:
    """An uploaded record file → an account; errors name the line or field, never a value.

    The same loader as ``dunletters render record.json``, for bytes instead of a path.
    """
    return account_from_json(data, as_of, UPLOAD)


# -- the page templates ------------------------------------------------------------------------


def _page_environment() -> jinja2.Environment:
    """The app's own pages: a normal Jinja environment that escapes every value."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        stage_names=STAGE_NAMES,
        tone_names=core.TONE_NAMES,
        channel_names=core.CHANNEL_NAMES,
        severity_labels={"error": "错误", "warning": "警告", "info": "提示"},
        status_labels={"clean": "通过", "warnings": "有警告", "errors": "有错误"},
    )
    return env


def _origin_label(template: Template) -> str:
    if Path(template.origin).resolve() == BUILTIN_TEMPLATES.resolve():
        return "内置"
    return f"覆盖：{Path(template.origin).name}"


def _counts(findings: Sequence[Finding]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        counts[str(finding.severity)] += 1
    return counts


# -- what every endpoint shares --------------------------------------------------------------------


def _service(request: Request) -> PreviewService:
    return cast(PreviewService, request.app.state.service)


def _page(request: Request, name: str, code: int = 200, /, **context: Any) -> HTMLResponse:
    pages = cast(jinja2.Environment, request.app.state.pages)
    html = pages.get_template(name).render(**context)
    return HTMLResponse(html, status_code=code, headers={"Cache-Control": "no-store"})


def _not_found(
    request: Request, registry: Registry | None, channel: str, asked: str
) -> HTMLResponse:
    keys: dict[str, list[str]] = {c: [] for c in core.CHANNEL_NAMES}
    if registry is not None:
        for template in registry:
            keys[template.channel].append(f"{template.stage}.{template.tone}")
    return _page(
        request, "not_found.html", 404, title="找不到模板", asked=asked, channel=channel, keys=keys
    )


def _lookup(
    request: Request,
) -> tuple[core.TemplateSource | None, Response | None, core.Fingerprint]:
    service = _service(request)
    version = service.fingerprint()
    channel = request.path_params["channel"]
    key = request.path_params["key"]
    registry = service.registry(version)
    if channel not in core.CHANNEL_NAMES or not _KEY.fullmatch(key):
        return None, _not_found(request, registry, channel, f"{channel}/{key}"), version
    stage, tone = key.split(".", 1)
    if (stage, tone, channel) not in registry.templates:
        return None, _not_found(request, registry, channel, f"{channel}/{key}"), version
    return core.registered_source(registry, stage, tone, channel), None, version


def _choose_account(
    request: Request, template: Template
) -> tuple[str, Account, dict[str, str], str | None, dict[str, core.SampleChoice]]:
    """(cache key, account, query for sub-resources, notice, sample choices)."""
    service = _service(request)
    stage = template.stage
    choices = core.sample_choices(stage, service.as_of())
    default = core.default_sample(service.settings, stage, template.tone)
    notice = None
    token = request.query_params.get("record")
    if token:
        account = service.record(token)
        if account is not None:
            return f"record:{token}", account, {"record": token}, None, choices
        notice = "上传的记录已不在内存中（服务重启或记录过多），已改用样例账户；请重新上传。"
    sample = request.query_params.get("sample") or default
    if sample not in choices:
        notice = f"没有名为“{sample}”的样例账户，已改用本模板的缺省样例。"
        sample = default
    return f"sample:{sample}", choices[sample].account, {"sample": sample}, notice, choices


def _template_context(
    request: Request,
    source: core.TemplateSource,
    version: core.Fingerprint,
    upload_error: str | None,
) -> dict[str, Any]:
    service = _service(request)
    template = source.template
    account_key, account, query, notice, choices = _choose_account(request, template)
    report = service.report(source, version)
    rendered = service.rendered(source, account_key, account, version)
    lines = core.highlight_lines(source.text, report.findings)
    marked = {s.mark for line in lines for s in line.segments if s.mark is not None}
    doc_segments = core.highlight_text(rendered.text, rendered.findings)
    doc_marked = {s.mark for s in doc_segments if s.mark is not None}
    base = f"/t/{template.channel}/{source.key}"
    sub_query = urlencode({**query, "v": version.all})
    return {
        "source": source,
        "template": template,
        "review": template.review_label,
        "reach": core.reach(service.settings, template.stage, template.tone),
        "origin": _origin_label(template),
        "report": report,
        "status": core.lint_status(report.findings, report.error),
        "counts": _counts(report.findings),
        "lines": lines,
        "marked": marked,
        "rendered": rendered,
        "doc_segments": doc_segments,
        "doc_marked": doc_marked,
        "doc_counts": _counts(rendered.findings),
        "choices": choices,
        "selected": query.get("sample", ""),
        "record_token": query.get("record"),
        "notice": notice,
        "upload_error": upload_error,
        "base": base,
        # Chrome's viewer: no thumbnail pane, page fitted to the frame's width.
        "pdf_url": f"{base}/preview.pdf?{sub_query}",
        "pdf_view": f"{base}/preview.pdf?{sub_query}#navpanes=0&view=FitH",
        "png_url": f"{base}/preview.png?{sub_query}",
        "html_url": f"{base}/preview.html?{sub_query}",
        "version": version.all,
        "as_of": service.as_of(),
        "pdf": service.options.pdf,
        "sms_settings": service.settings.sms,
    }


def _replay(body: bytes) -> Receive:
    """An ASGI ``receive`` that hands over a body already read (to the form parser)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


# -- endpoints ----------------------------------------------------------------------------------


def matrix(request: Request) -> Response:
    """The registry: stage × tone per channel, each cell with its lint status."""
    service = _service(request)
    version = service.fingerprint()
    registry = service.registry(version)
    tones = list(TONES) + sorted({t.tone for t in registry} - set(TONES))
    channels = []
    for channel in core.CHANNEL_NAMES:
        rows = []
        for stage in STAGES:
            cells: list[dict[str, Any] | None] = []
            for tone in tones:
                template = registry.templates.get((stage, tone, channel))
                if template is None:
                    cells.append(None)
                    continue
                source = core.registered_source(registry, stage, tone, channel)
                report = service.report(source, version)
                cells.append(
                    {
                        "template": template,
                        "origin": _origin_label(template),
                        "status": core.lint_status(report.findings, report.error),
                        "counts": _counts(report.findings),
                        "url": f"/t/{channel}/{stage}.{tone}",
                    }
                )
            rows.append({"stage": stage, "cells": cells})
        channels.append({"id": channel, "rows": rows})
    context: dict[str, Any] = {
        "channels": channels,
        "tones": tones,
        "problems": registry.problems,
        "version": version.all,
        "as_of": service.as_of(),
        "pdf": service.options.pdf,
    }
    if request.query_params.get("partial"):
        return _page(request, "_matrix.html", **context)
    return _page(request, "matrix.html", title="模板总览", **context)


def template_page(request: Request) -> Response:
    """One template: its document, findings marked in the text, the sample accounts."""
    source, missing, version = _lookup(request)
    if missing is not None or source is None:
        return missing or PlainTextResponse("", 404)
    context = _template_context(request, source, version, None)
    title = f"{source.template.meta.title} · {source.key}"
    if request.query_params.get("partial"):
        return _page(request, "_template.html", **context)
    return _page(request, "template.html", title=title, **context)


async def upload_record(request: Request) -> Response:
    """A record to preview with: kept in memory under a token, never written or logged."""
    if cross_site(request.scope):
        return _page(
            request,
            "error.html",
            403,
            title="出错了",
            status=403,
            message="拒绝来自其他网站的提交：请在本预览服务的页面上上传记录",
        )
    body = await read_body(request, _BODY_LIMIT)
    data = b""
    if body is not None:
        replay = _replay(body)
        form_request = Request(request.scope, replay)
        async with form_request.form(
            max_files=1, max_fields=8, max_part_size=_RECORD_LIMIT
        ) as form:
            upload = form.get("record")
            if isinstance(upload, UploadFile):
                data = await upload.read(_RECORD_LIMIT + 1)
    source, missing, version = await run_in_threadpool(_lookup, request)
    if missing is not None or source is None:
        return missing or PlainTextResponse("", 404)
    service = _service(request)
    error: str | None = None
    if body is not None and not data:
        error = "请选择一个记录文件（JSON）再上传。"
    elif body is None or len(data) > _RECORD_LIMIT:
        error = "记录文件过大：一条账户记录的 JSON 应在 1 MB 以内。"
    else:
        try:
            account = parse_record_upload(data, service.as_of())
        except DunlettersError as failure:
            error = str(failure)
        else:
            token = service.keep_record(account)
            return RedirectResponse(
                f"/t/{source.template.channel}/{source.key}?record={token}", 303
            )
    context = await run_in_threadpool(_template_context, request, source, version, error)
    title = f"{source.template.meta.title} · {source.key}"
    return _page(request, "template.html", 422, title=title, **context)


def _document(request: Request, kind: str) -> Response:
    """The rendered document itself: the letter's PDF, its page as PNG, or its HTML."""
    source, missing, version = _lookup(request)
    if missing is not None or source is None:
        return missing or PlainTextResponse("", 404)
    service = _service(request)
    account_key, account, _, _, _ = _choose_account(request, source.template)
    rendered = service.rendered(source, account_key, account, version)
    headers = {"Cache-Control": "no-store"}
    if rendered.error is not None:
        return PlainTextResponse(rendered.error, 422, headers=headers)
    if kind == "html" and rendered.html is not None:
        headers["Content-Security-Policy"] = LETTER_CSP
        return HTMLResponse(rendered.html, headers=headers)
    if kind == "pdf" and rendered.pdf is not None:
        headers["Content-Disposition"] = f'inline; filename="{source.key}.pdf"'
        return Response(rendered.pdf, media_type="application/pdf", headers=headers)
    if kind == "png" and rendered.pdf is not None:
        key = (source.template.version, version.all, account_key)
        try:
            image = service.png(key, rendered.pdf)
        except DunlettersError as error:
            return PlainTextResponse(str(error), 422, headers=headers)
        return Response(image, media_type="image/png", headers=headers)
    return PlainTextResponse("此模板没有这种预览格式", 404, headers=headers)


def preview_pdf(request: Request) -> Response:
    return _document(request, "pdf")


def preview_png(request: Request) -> Response:
    return _document(request, "png")


def preview_html(request: Request) -> Response:
    return _document(request, "html")


def asset(request: Request) -> Response:
    """A file the letter's HTML links, from the templates folders' ``letters/`` only."""
    relative = request.path_params["asset"]
    media_type = asset_media_type(relative)
    if request.path_params["channel"] != "letter" or media_type is None:
        return PlainTextResponse("找不到文件", 404)
    service = _service(request)
    registry = service.registry(service.fingerprint())
    found = registry.loader.find(f"letters/{relative}")
    if found is None:
        return PlainTextResponse("找不到文件", 404)
    # The letter's HTML runs in a sandboxed frame (an opaque origin): its stylesheet
    # and images must be loadable cross-origin. They hold no personal data.
    headers = {"Cache-Control": "no-store", "Cross-Origin-Resource-Policy": "cross-origin"}
    return Response(found.read_bytes(), media_type=media_type, headers=headers)


def static(request: Request) -> Response:
    """This app's own CSS and JavaScript."""
    entry = _STATIC.get(request.path_params["name"])
    if entry is None:
        return PlainTextResponse("找不到文件", 404)
    media_type, path = entry
    return Response(path.read_bytes(), media_type=media_type, headers={"Cache-Control": "no-cache"})


async def _versions(request: Request) -> AsyncIterator[str]:
    """The templates' version whenever it changes, with keep-alive comments between."""
    service = _service(request)
    options = service.options
    stopping = cast(threading.Event, request.app.state.stopping)
    loop = asyncio.get_running_loop()
    yield "retry: 1000\n\n"
    last = None
    quiet_since = loop.time()
    end = loop.time() + options.stream_lifetime
    while True:
        current = service.fingerprint().all
        if current != last:
            last = current
            quiet_since = loop.time()
            yield f"event: version\ndata: {current}\n\n"
        elif loop.time() - quiet_since >= options.heartbeat:
            quiet_since = loop.time()
            yield ": keep-alive\n\n"
        if loop.time() >= end or stopping.is_set() or await request.is_disconnected():
            return
        await asyncio.sleep(options.poll_interval)


async def events(request: Request) -> Response:
    """Server-Sent Events: the page re-fetches itself when a template file changes."""
    return StreamingResponse(
        _versions(request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def history(request: Request) -> Response:
    """One account's documents and payments, from the contact ledger."""
    from dunletters.ledger.history import STATUS_NAMES  # SQLAlchemy: only for this page

    ledger = cast(HistoryLookup, request.app.state.ledger)
    asked = request.query_params.get("account")
    view = None if asked is None else await run_in_threadpool(ledger.lookup, asked)
    return _page(request, "history.html", title="联系记录", view=view, status_names=STATUS_NAMES)


async def http_error(request: Request, error: Exception) -> Response:
    status = error.status_code if isinstance(error, HTTPException) else 500
    messages = {404: "找不到该页面", 405: "不支持该请求方法", 400: "请求无效"}
    return _page(
        request,
        "error.html",
        status,
        title="出错了",
        status=status,
        message=messages.get(status, "请求无法处理"),
    )


async def server_error(request: Request, error: Exception) -> Response:
    # Never a traceback in the page: it could hold record values.
    if isinstance(error, DunlettersError):
        message = str(error)
    else:
        message = "预览服务内部错误（这是 dunletters 的缺陷，请报告）"
    return _page(request, "error.html", 500, title="出错了", status=500, message=message)


ROUTES = (
    Route("/", matrix),
    Route("/history", history),
    Route("/events", events),
    Route("/static/{name}", static),
    Route("/t/{channel}/{key}", template_page, methods=["GET"]),
    Route("/t/{channel}/{key}", upload_record, methods=["POST"]),
    Route("/t/{channel}/{key}/preview.pdf", preview_pdf),
    Route("/t/{channel}/{key}/preview.png", preview_png),
    Route("/t/{channel}/{key}/preview.html", preview_html),
    Route("/t/{channel}/{key}/{asset:path}", asset),
)


# -- the application --------------------------------------------------------------------------------


def create_app(
    template_dirs: Sequence[Path],
    settings: Settings,
    options: PreviewOptions | None = None,
) -> Starlette:
    """The preview app over ``template_dirs`` (overlaying the built-ins unless told not to)."""
    options = options or PreviewOptions()
    pages = _page_environment()
    pages.globals["creditor_note"] = None
    if settings.creditor_status != "configured":
        pages.globals["creditor_note"] = (
            f"预览使用示例债权机构「{settings.creditor.name}」（未配置贵机构的 [creditor]）："
            "仅供预览，真实批次须先配置。"
        )
    app = Starlette(
        routes=list(ROUTES),
        middleware=[
            Middleware(HostCheck, allowed=list(options.allowed_hosts)),
            Middleware(SecurityHeaders),
        ],
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.service = PreviewService(template_dirs, settings, options)
    app.state.pages = pages
    app.state.ledger = HistoryLookup(settings, options.ledger_url)
    # Set when the server is asked to stop: open event streams end, so Ctrl-C is quick.
    app.state.stopping = threading.Event()
    return app
