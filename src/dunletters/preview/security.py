"""The preview server's defences: CSPs, security headers, the ``Host`` check, cross-site
posts, bounded bodies, and which file names a letter's HTML may link.

The server binds 127.0.0.1 and answers only to that ``Host`` (DNS rebinding); files
are served only from the templates folders, by a name checked part by part (no
``..``, no absolute or encoded escapes, no template sources); CSP allows nothing remote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "LETTER_CSP",
    "PAGE_CSP",
    "HostCheck",
    "SecurityHeaders",
    "asset_media_type",
    "cross_site",
    "read_body",
]

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


def asset_media_type(relative: str) -> str | None:
    """The media type of a file a letter may link (``css/letter.css``), or None when the
    name is not one: every part plain (no ``..``, no absolute or encoded escape) and a
    known suffix (no template source, no theme.toml)."""
    parts = relative.split("/")
    suffix = Path(parts[-1]).suffix.lower()
    if not all(_ASSET_PART.fullmatch(part) for part in parts):
        return None
    return _ASSET_TYPES.get(suffix)


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
