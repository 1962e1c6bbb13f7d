"""``dunletters serve``: the local preview server, set up and ready to run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dunletters.config import Settings

__all__ = ["Serving", "prepare_server"]

_LOCAL = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Serving:
    """A preview server ready to :meth:`run`, and what to tell its user first."""

    server: Any
    """The ``uvicorn.Server``."""
    url_line: str
    """Where the preview is, and how to stop it."""
    warning: str | None
    """Said when others on the network can reach the server."""

    def run(self) -> None:
        """Serve until Ctrl-C."""
        self.server.run()


def prepare_server(
    settings: Settings,
    template_dirs: Sequence[Path],
    *,
    builtin: bool,
    host: str,
    port: int,
    as_of: date | None,
    ledger_url: str | None = None,
) -> Serving:
    """The preview app behind a uvicorn server that ends its live-reload streams on exit."""
    import uvicorn

    from dunletters.preview.app import PreviewOptions, create_app

    # Answer to the name the server was started with; an any-address bind takes any name.
    hosts = ("*",) if host in ("0.0.0.0", "::") else ("127.0.0.1", "localhost", host)
    app = create_app(
        tuple(template_dirs),
        settings,
        PreviewOptions(builtin=builtin, as_of=as_of, allowed_hosts=hosts, ledger_url=ledger_url),
    )
    warning = None
    if host not in _LOCAL:
        warning = f"注意：预览服务监听 {host}，同一网络中的其他人也能访问（页面可显示上传的记录）。"
    shown = f"[{host}]" if ":" in host else host
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2)
    )
    stop = server.handle_exit

    def handle_exit(sig: int, frame: Any) -> None:
        app.state.stopping.set()  # the live-reload streams end: no wait, no cancelled task
        stop(sig, frame)

    server.handle_exit = handle_exit  # type: ignore[method-assign]
    return Serving(server, f"模板预览：http://{shown}:{port}/ （Ctrl-C 停止）", warning)
