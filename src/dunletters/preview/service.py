"""The preview server's state: folders, settings, caches and one lock (no HTTP here).

:class:`PreviewService` reloads the registry only when the folders' ``stat``
fingerprint changes, keeps a template's lint report while its file and the shared
layouts are unchanged, and keeps uploaded records in memory only, in a bounded LRU
keyed by a random token.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from dunletters import zh
from dunletters.config import Settings
from dunletters.history import sample_history
from dunletters.lint.engine import Linter
from dunletters.lint.reporters import FileReport
from dunletters.models import Account
from dunletters.preview import core
from dunletters.registry import Registry

if TYPE_CHECKING:
    from dunletters.pdf import PdfRenderer

__all__ = ["PREVIEW_SECONDS", "PreviewOptions", "PreviewService"]

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
