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
* **Safe by default.** Binds 127.0.0.1 (``cli.serve``) and answers only to that
  ``Host`` (DNS rebinding); files are served only from the
  templates folders, by a name checked part by part (no ``..``, no absolute or
  encoded escapes, no template sources); every page is rendered by an autoescaping
  Jinja environment; CSP allows nothing remote. Uploaded records live in memory only
  (a bounded LRU keyed by a random token) and are never logged or written to disk;
  errors name template file, line and field, never a record value.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
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
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dunletters import zh
from dunletters.cells import record_cells
from dunletters.config import STAGE_NAMES, STAGES, TONES, Settings
from dunletters.errors import DunlettersError, InputError
from dunletters.history import sample_history
from dunletters.lint.engine import Linter
from dunletters.lint.findings import Finding
from dunletters.lint.reporters import FileReport
from dunletters.models import Account, parse_account
from dunletters.preview import core
from dunletters.preview.history import HistoryLookup
from dunletters.registry import BUILTIN_TEMPLATES, Registry, Template

if TYPE_CHECKING:
    from dunletters.pdf import PdfRenderer

__all__ = ["PreviewOptions", "create_app"]

_HERE = Path(__file__).parent
_STATIC = {
    "preview.css": ("text/css; charset=utf-8", _HERE / "static" / "preview.css"),
    "preview.js": ("text/javascript; charset=utf-8", _HERE / "static" / "preview.js"),
}
_KEY = re.compile(r"[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*")
_ASSET_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_ASSET_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
}
"""What a letter's HTML may link. Template sources and theme.toml are not served."""

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; object-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'self'"
)
"""The app's pages: only this server, no inline script or style, nothing remote."""

LETTER_CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox"
)
"""The letter's HTML: styles and images from the templates folder, no script, sandboxed
even when opened on its own (a letter's inline ``style=`` attributes are allowed)."""

_RECORD_LIMIT = 1_000_000
"""Largest uploaded record file (bytes): one account is a few hundred."""

_BODY_LIMIT = 1_040_000
"""Largest upload request (the record and the multipart framing), counted as it arrives
and kept in memory: below the form parser's 1 MiB spool size, so nothing reaches disk."""

PREVIEW_SECONDS = 3.0
"""Render time limit of the preview server (at most the configured one): renders hold
the service lock, and a runaway template must not keep other pages waiting long."""


@dataclass(frozen=True)
class PreviewOptions:
    """How the app runs (everything but the templates and the settings)."""

    builtin: bool = True
    as_of: date | None = None
    """Issue date of the previews; None: today in Beijing time, per request."""
    poll_interval: float = 0.3
    """Seconds between two looks at the template folders (live reload)."""
    stream_lifetime: float = 300.0
    """Seconds an ``/events`` stream stays open; the browser reconnects on its own."""
    heartbeat: float = 2.0
    """Seconds between keep-alive comments, which also find closed connections."""
    pdf: bool = True
    """Lay letters out as PDF (False: HTML only — the page then says so)."""
    ledger_url: str | None = None
    """The contact ledger the history page reads (None: ``[ledger] url``)."""
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    """``Host`` headers answered: a web page elsewhere that rebinds its DNS name to
    127.0.0.1 must not read the previews (they can show an uploaded record)."""


_V = TypeVar("_V")


class _LRU(OrderedDict[Any, _V]):
    """A small least-recently-used map (records, renders, images)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_fresh(self, key: Any) -> _V | None:
        if key in self:
            self.move_to_end(key)
            return self[key]
        return None

    def put(self, key: Any, value: _V) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class PreviewService:
    """State of one preview server: folders, settings, caches — and one lock.

    Renders are serialised (Pango and WeasyPrint are not thread-safe, and one author
    at a laptop does not need parallel renders); the events stream never takes the lock.
    """

    def __init__(
        self, template_dirs: Sequence[Path], settings: Settings, options: PreviewOptions
    ) -> None:
        self.template_dirs = tuple(Path(d) for d in template_dirs)
        limit = min(settings.render.time_limit, PREVIEW_SECONDS)
        self.settings = settings.model_copy(
            update={"render": settings.render.model_copy(update={"time_limit": limit})}
        )
        self.options = options
        # Fails early (exit 2 from the CLI) when a --templates folder does not exist.
        self.roots = Registry.load(self.template_dirs, builtin=options.builtin).roots
        self._lock = threading.RLock()
        self._registry: tuple[str, Registry] | None = None
        self._linter: Linter | None = None
        self._pdf: PdfRenderer | None = None
        self._reports: _LRU[FileReport] = _LRU(256)
        self._rendered: _LRU[core.Rendered] = _LRU(24)
        self._images: _LRU[bytes] = _LRU(24)
        self._records: _LRU[Account] = _LRU(32)

    # -- shared pieces -------------------------------------------------------------------

    def as_of(self) -> date:
        """The issue date of every preview."""
        return self.options.as_of or datetime.now(zh.SHANGHAI).date()

    def fingerprint(self) -> core.Fingerprint:
        """What the template folders hold now (cheap: ``stat`` only)."""
        return core.fingerprint(self.roots)

    def registry(self, version: core.Fingerprint) -> Registry:
        """The registry as of ``version``, reloaded only when a file changed."""
        with self._lock:
            if self._registry is None or self._registry[0] != version.all:
                registry = Registry.load(self.template_dirs, builtin=self.options.builtin)
                self._registry = (version.all, registry)
            return self._registry[1]

    @property
    def linter(self) -> Linter:
        """One linter per server: the phrase lists compile once."""
        with self._lock:
            if self._linter is None:
                self._linter = Linter(self.settings)
            return self._linter

    def pdf_renderer(self) -> PdfRenderer | None:
        """One PDF renderer per server (fonts set up once); None with ``pdf=False``."""
        if not self.options.pdf:
            return None
        with self._lock:
            if self._pdf is None:
                from dunletters.pdf import PdfRenderer  # WeasyPrint: only when a letter is shown

                self._pdf = PdfRenderer.for_registry(
                    Registry.load(self.template_dirs, builtin=self.options.builtin)
                )
            return self._pdf

    # -- per template ----------------------------------------------------------------------

    def report(self, source: core.TemplateSource, version: core.Fingerprint) -> FileReport:
        """The template's lint report, as ``dunletters lint`` gives it (cached by content)."""
        template = source.template
        as_of = self.as_of()
        key = (str(template.path), template.version, version.shared, as_of)
        with self._lock:
            cached = self._reports.get_fresh(key)
            if cached is None:
                cached = core.lint_template(
                    self.settings,
                    source,
                    as_of=as_of,
                    linter=self.linter,
                    template_dirs=self.template_dirs,
                    shown=template.name,
                )
                self._reports.put(key, cached)
            return cached

    def rendered(
        self,
        source: core.TemplateSource,
        account_key: str,
        account: Account,
        version: core.Fingerprint,
    ) -> core.Rendered:
        """The template rendered for an account (cached per version and account)."""
        key = (source.template.key, source.template.version, version.all, account_key, self.as_of())
        with self._lock:
            cached = self._rendered.get_fresh(key)
            if cached is None:
                cached = core.render_preview(
                    self.settings,
                    source,
                    account,
                    as_of=self.as_of(),
                    linter=self.linter,
                    pdf_renderer=self.pdf_renderer()
                    if source.template.channel == "letter"
                    else None,
                    history=sample_history(source.template.stage, self.as_of())
                    if account_key.startswith("sample:")
                    else None,
                )
                self._rendered.put(key, cached)
            return cached

    def png(self, key: tuple[Any, ...], pdf: bytes) -> bytes:
        """The letter's page as PNG (cached with the render it came from).

        ``pdftoppm`` runs outside the lock: it is a separate process, and a page
        refresh after the next save should not wait for the last page's image.
        """
        with self._lock:
            cached = self._images.get_fresh(key)
        if cached is None:
            cached = core.pdf_to_png(pdf)
            with self._lock:
                self._images.put(key, cached)
        return cached

    # -- uploaded records ----------------------------------------------------------------------

    def keep_record(self, account: Account) -> str:
        """Keep an uploaded account in memory; the token stands for it in URLs."""
        token = secrets.token_urlsafe(12)
        with self._lock:
            self._records.put(token, account)
        return token

    def record(self, token: str) -> Account | None:
        """An uploaded account by its token (None once evicted or unknown)."""
        with self._lock:
            found = self._records.get_fresh(token)
            return found if isinstance(found, Account) else None


def parse_record_upload(data: bytes, as_of: date) -> Account:
    """An uploaded record file → an account; errors name the line or field, never a value.

    The same checks as ``dunletters render record.json`` (``documents.load_record``),
    for bytes instead of a path.
    """
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("上传的记录不是 UTF-8 编码的 JSON 文件") from None
    except json.JSONDecodeError as error:
        raise InputError(f"上传的记录第{error.lineno}行不是有效的 JSON（{error.msg}）") from None
    except (ValueError, RecursionError):
        # A number of thousands of digits, or nesting thousands deep (D-31).
        raise InputError("上传的记录不是有效的 JSON（数字过长或嵌套过深）") from None
    if not isinstance(payload, dict):
        raise InputError("上传的记录须为一个 JSON 对象（一条账户记录）")
    return parse_account(
        record_cells(payload, source="上传的记录"), as_of=as_of, source="上传的记录"
    )


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


# -- security headers ------------------------------------------------------------------------------


class SecurityHeaders:
    """Adds CSP (unless a response set its own), nosniff, no-referrer, same-origin framing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = {
                    b"content-security-policy": PAGE_CSP.encode(),
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"no-referrer",
                    b"x-frame-options": b"SAMEORIGIN",
                    b"cross-origin-resource-policy": b"same-origin",
                }
                headers.extend((k, v) for k, v in extra.items() if k not in names)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HostCheck:
    """Answer only to the allowed ``Host`` names, IPv6 literals included (``[::1]:8000``).

    Starlette's own check compares what comes before the first ``:``, so a bracketed
    IPv6 host never matched and ``serve --host ::1`` answered every request 400 (D-29).
    """

    def __init__(self, app: ASGIApp, allowed: Sequence[str]) -> None:
        self.app = app
        self.any = "*" in allowed
        self.allowed = {_bracketed(name) for name in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.any or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = _host_name(_header(scope, b"host"))
        if host in self.allowed:
            await self.app(scope, receive, send)
            return
        await PlainTextResponse("Invalid host header", status_code=400)(scope, receive, send)


def _bracketed(name: str) -> str:
    """An IPv6 literal as it appears in a Host header: in brackets."""
    return f"[{name}]" if ":" in name and not name.startswith("[") else name.lower()


def _host_name(host: str) -> str:
    """The name part of a Host header (``[::1]:8000`` → ``[::1]``, ``a:80`` → ``a``)."""
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.split(":", 1)[0].lower()


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def cross_site(scope: Scope) -> bool:
    """Whether a request comes from another site's page (a form posted from elsewhere).

    Browsers send ``Sec-Fetch-Site`` and ``Origin`` with a POST; a request from this
    server's own page says ``same-origin`` and its own ``http://host``. A tool without
    either header (curl, a test) is not a browser tricked by a page (D-30).
    """
    site = _header(scope, b"sec-fetch-site")
    if site and site not in ("same-origin", "none"):
        return True
    origin = _header(scope, b"origin")
    if not origin:
        return False
    own = f"{scope.get('scheme', 'http')}://{_header(scope, b'host')}"
    return origin.lower() != own.lower()


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request body, read as it arrives; None as soon as it passes ``limit`` bytes
    (a declared ``Content-Length`` above it is refused before anything is read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


# -- the application --------------------------------------------------------------------------------


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


def create_app(
    template_dirs: Sequence[Path],
    settings: Settings,
    options: PreviewOptions | None = None,
) -> Starlette:
    """The preview app over ``template_dirs`` (overlaying the built-ins unless told not to)."""
    options = options or PreviewOptions()
    service = PreviewService(template_dirs, settings, options)
    stopping = threading.Event()
    """Set when the server is asked to stop: open event streams end, so Ctrl-C is quick."""
    pages = _page_environment()
    pages.globals["creditor_note"] = None
    if settings.creditor_status != "configured":
        pages.globals["creditor_note"] = (
            f"预览使用示例债权机构「{settings.creditor.name}」（未配置贵机构的 [creditor]）："
            "仅供预览，真实批次须先配置。"
        )

    def page(name: str, code: int = 200, /, **context: Any) -> HTMLResponse:
        html = pages.get_template(name).render(**context)
        return HTMLResponse(html, status_code=code, headers={"Cache-Control": "no-store"})

    def not_found(registry: Registry | None, channel: str, asked: str) -> HTMLResponse:
        keys: dict[str, list[str]] = {c: [] for c in core.CHANNEL_NAMES}
        if registry is not None:
            for template in registry:
                keys[template.channel].append(f"{template.stage}.{template.tone}")
        return page(
            "not_found.html", 404, title="找不到模板", asked=asked, channel=channel, keys=keys
        )

    def lookup(
        request: Request,
    ) -> tuple[core.TemplateSource | None, Response | None, core.Fingerprint]:
        version = service.fingerprint()
        channel = request.path_params["channel"]
        key = request.path_params["key"]
        registry = service.registry(version)
        if channel not in core.CHANNEL_NAMES or not _KEY.fullmatch(key):
            return None, not_found(registry, channel, f"{channel}/{key}"), version
        stage, tone = key.split(".", 1)
        if (stage, tone, channel) not in registry.templates:
            return None, not_found(registry, channel, f"{channel}/{key}"), version
        return core.registered_source(registry, stage, tone, channel), None, version

    def choose_account(
        request: Request, template: Template
    ) -> tuple[str, Account, dict[str, str], str | None, dict[str, core.SampleChoice]]:
        """(cache key, account, query for sub-resources, notice, sample choices)."""
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

    # -- endpoints ------------------------------------------------------------------------------

    def matrix(request: Request) -> Response:
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
            "pdf": options.pdf,
        }
        if request.query_params.get("partial"):
            return page("_matrix.html", **context)
        return page("matrix.html", title="模板总览", **context)

    def template_context(
        request: Request,
        source: core.TemplateSource,
        version: core.Fingerprint,
        upload_error: str | None,
    ) -> dict[str, Any]:
        template = source.template
        account_key, account, query, notice, choices = choose_account(request, template)
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
            "pdf": options.pdf,
            "sms_settings": service.settings.sms,
        }

    def template_page(request: Request) -> Response:
        source, missing, version = lookup(request)
        if missing is not None or source is None:
            return missing or PlainTextResponse("", 404)
        context = template_context(request, source, version, None)
        title = f"{source.template.meta.title} · {source.key}"
        if request.query_params.get("partial"):
            return page("_template.html", **context)
        return page("template.html", title=title, **context)

    async def upload_record(request: Request) -> Response:
        if cross_site(request.scope):
            return page(
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
        source, missing, version = await run_in_threadpool(lookup, request)
        if missing is not None or source is None:
            return missing or PlainTextResponse("", 404)
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
        context = await run_in_threadpool(template_context, request, source, version, error)
        title = f"{source.template.meta.title} · {source.key}"
        return page("template.html", 422, title=title, **context)

    def document(kind: str) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            source, missing, version = lookup(request)
            if missing is not None or source is None:
                return missing or PlainTextResponse("", 404)
            account_key, account, _, _, _ = choose_account(request, source.template)
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

        return endpoint

    def asset(request: Request) -> Response:
        """A file the letter's HTML links, from the templates folders' ``letters/`` only."""
        relative = request.path_params["asset"]
        parts = relative.split("/")
        suffix = Path(parts[-1]).suffix.lower()
        if (
            request.path_params["channel"] != "letter"
            or not all(_ASSET_PART.fullmatch(part) for part in parts)
            or suffix not in _ASSET_TYPES
        ):
            return PlainTextResponse("找不到文件", 404)
        registry = service.registry(service.fingerprint())
        found = registry.loader.find(f"letters/{relative}")
        if found is None:
            return PlainTextResponse("找不到文件", 404)
        # The letter's HTML runs in a sandboxed frame (an opaque origin): its stylesheet
        # and images must be loadable cross-origin. They hold no personal data.
        headers = {"Cache-Control": "no-store", "Cross-Origin-Resource-Policy": "cross-origin"}
        return Response(found.read_bytes(), media_type=_ASSET_TYPES[suffix], headers=headers)

    def static(request: Request) -> Response:
        entry = _STATIC.get(request.path_params["name"])
        if entry is None:
            return PlainTextResponse("找不到文件", 404)
        media_type, path = entry
        return Response(
            path.read_bytes(), media_type=media_type, headers={"Cache-Control": "no-cache"}
        )

    async def events(request: Request) -> Response:
        loop = asyncio.get_running_loop()

        async def stream() -> AsyncIterator[str]:
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

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def http_error(request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, HTTPException) else 500
        messages = {404: "找不到该页面", 405: "不支持该请求方法", 400: "请求无效"}
        return page(
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
        return page("error.html", 500, title="出错了", status=500, message=message)

    ledger = HistoryLookup(settings, options.ledger_url)

    async def history(request: Request) -> Response:
        from dunletters.ledger.history import STATUS_NAMES  # SQLAlchemy: only for this page

        asked = request.query_params.get("account")
        view = None if asked is None else await run_in_threadpool(ledger.lookup, asked)
        return page("history.html", title="联系记录", view=view, status_names=STATUS_NAMES)

    routes = [
        Route("/", matrix),
        Route("/history", history),
        Route("/events", events),
        Route("/static/{name}", static),
        Route("/t/{channel}/{key}", template_page, methods=["GET"]),
        Route("/t/{channel}/{key}", upload_record, methods=["POST"]),
        Route("/t/{channel}/{key}/preview.pdf", document("pdf")),
        Route("/t/{channel}/{key}/preview.png", document("png")),
        Route("/t/{channel}/{key}/preview.html", document("html")),
        Route("/t/{channel}/{key}/{asset:path}", asset),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(HostCheck, allowed=list(options.allowed_hosts)),
            Middleware(SecurityHeaders),
        ],
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.service = service
    app.state.ledger = ledger
    app.state.stopping = stopping
    return app
