"""The URL fetcher WeasyPrint gets: files under the templates folder and ``data:`` only.

Anything else (http(s), ``file:`` elsewhere, ftp) stops the render and becomes a
:class:`~dunletters.errors.PdfError` naming the scheme and host, never the path or
query (they could carry data).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

__all__ = ["make_fetcher"]


def _blocked_error() -> type[BaseException]:
    from weasyprint.urls import FatalURLFetchingError

    class BlockedURL(FatalURLFetchingError):
        """Raised inside WeasyPrint to stop a render at the first forbidden URL."""

    return BlockedURL


def make_fetcher(roots: Sequence[Path]) -> Any:
    """A WeasyPrint ``URLFetcher`` serving only files under ``roots`` and ``data:``.

    ``roots[0]`` is the base; a relative file missing there is looked up in the later
    roots at the same relative path (a user's templates overlaying the built-in ones).
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    blocked = _blocked_error()
    resolved = [root.resolve() for root in roots]

    class _TemplateFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            found = self.read_file(url)
            if found is None:
                return super().fetch(url, headers)
            return URLFetcherResponse(found[0], found[1], {"Content-Type": found[2]})

        def read_file(self, url: str) -> tuple[str, bytes, str] | None:
            """``(URL, content, MIME type)`` of a file under the roots; None for ``data:``.

            Anything else is refused (:func:`_blocked_error`).
            """
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return None
            if scheme != "file" or parts.netloc not in ("", "localhost"):
                host = f"（{parts.hostname}）" if parts.hostname else ""
                raise blocked(
                    f"禁止访问外部资源：{scheme or '无协议'}{host}；信函只能引用模板目录中的文件 / "
                    f"blocked URL scheme {scheme!r}"
                    + (f" host {parts.hostname!r}" if parts.hostname else "")
                )
            path = Path(url2pathname(unquote(parts.path)))
            relative = _relative_to(path, resolved)
            if relative is None:
                raise blocked(
                    "禁止访问模板目录之外的文件（file:）/ "
                    "blocked file: URL outside the templates folder"
                )
            for root in resolved:
                candidate = (root / relative).resolve()
                if candidate.is_relative_to(root) and candidate.is_file():
                    kind = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                    return candidate.as_uri(), candidate.read_bytes(), kind
            raise blocked(
                f"模板目录中没有文件 {relative.as_posix()} / "
                f"no such file in the templates folder: {relative.as_posix()}"
            )

    return _TemplateFetcher(allowed_protocols=("file", "data"))


def _relative_to(path: Path, roots: Sequence[Path]) -> Path | None:
    """``path`` relative to the first root it lies under (symlinks resolved), if any.

    A ``..`` left in the URL's path, or a link out of the folder, is refused.
    """
    if ".." in path.parts:
        return None
    resolved = path.resolve()
    for root in roots:
        if resolved.is_relative_to(root):
            return resolved.relative_to(root)
    return None
