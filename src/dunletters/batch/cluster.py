"""``--executor dask``: the batch's jobs on a Dask cluster, with exactly-once outputs.

Dask runs a task at least once (a task whose worker dies is run again elsewhere).
The outputs stay exactly-once because nothing a task does is a side effect: a job
returns its files' bytes and its journal rows, the driver alone writes the files
(deterministic names, atomic replace) and commits the rows, and 函号 are allocated
before submission. A task run twice only costs its CPU time.

Letters from machines with different versions, templates or fonts would differ in
their bytes, so every worker proves it has the driver's (:func:`fingerprint`) before
it takes a job; a worker that does not is refused, naming what differs.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import CancelledError
from contextlib import suppress
from typing import Any, TypeVar

from dunletters.batch.executor import AHEAD
from dunletters.batch.fingerprint import ClusterError, fingerprint
from dunletters.errors import DunlettersError, ExitStatus
from dunletters.produce import RunSpec

__all__ = [
    "ClusterError",
    "ClusterLost",
    "DaskExecutor",
    "dashboard_options",
    "fingerprint",
    "rerun",
]

T = TypeVar("T")
R = TypeVar("R")

EXTRA_HINT = "pip install 'dunletters[dask]'"
RETRIES = 2
"""A task whose worker died is run again up to this many times (beyond Dask's own
rescheduling of tasks lost with a worker)."""
PLUGIN_NAME = "dunletters-run"


class ClusterLost(DunlettersError):
    """The scheduler went away mid-run: what was committed stays, the run resumes."""

    exit_status = ExitStatus.INTERRUPTED


def available() -> bool:
    """Whether ``distributed`` is installed (the ``dask`` extra)."""
    return importlib.util.find_spec("distributed") is not None


def _quiet_engine_logs() -> None:
    """The driver says what a lost scheduler or worker means, in one line of its own:
    Dask's client, its event loop and asyncio would otherwise add log lines and tracebacks."""
    names = [name for name in logging.root.manager.loggerDict if name.startswith("distributed")]
    for name in [*names, "distributed", "tornado", "asyncio"]:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


class DaskExecutor:
    """Jobs on a Dask cluster: an existing one (``scheduler``), or a ``LocalCluster`` of
    ``workers`` single-threaded processes started here and closed with the run."""

    local = False

    def __init__(
        self,
        spec: RunSpec,
        *,
        workers: int,
        scheduler: str | None = None,
        dashboard: bool = False,
        retries: int = RETRIES,
    ) -> None:
        if not available():
            raise ClusterError(f"--executor dask 需要 Dask：{EXTRA_HINT}")
        self.spec = spec
        self.workers = workers
        self.scheduler = scheduler
        self.same_machine = scheduler is None
        """A cluster joined by address may span machines: they cannot read the journal."""
        self.dashboard = dashboard
        self.retries = retries
        self._cluster: Any = None  # distributed's LocalCluster and Client (untyped)
        self._client: Any = None
        self.retried = 0
        """Tasks run again because the worker running them (or holding their result) was
        lost or left: Dask reschedules them elsewhere (counted from the scheduler's events)."""

    def start(self) -> None:
        """Start or join the cluster and ready every worker (refusing a mismatched one)."""
        if self._client is not None:
            return
        import distributed

        distributed_any: Any = distributed  # untyped calls

        from dunletters.batch.dask_worker import RunPlugin

        expected = fingerprint(self.spec)
        _quiet_engine_logs()
        if self.scheduler is None:
            self._cluster = distributed_any.LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                silence_logs=logging.ERROR,
                **dashboard_options(self.dashboard),
            )
            self._client = distributed_any.Client(self._cluster)
        else:
            try:
                self._client = distributed_any.Client(self.scheduler, timeout="20s")
            except (OSError, TimeoutError) as error:
                raise ClusterError(
                    f"无法连接 Dask 调度器 {self.scheduler}（{type(error).__name__}）"
                ) from None
            self._client.wait_for_workers(1, timeout=60)
        self._client.register_plugin(RunPlugin(self.spec, expected), name=PLUGIN_NAME)
        threads = self._client.nthreads()
        self.workers = sum(threads.values())

    def worker_pids(self) -> dict[str, int]:
        """Each worker's process id, by address (tests stop one by it)."""
        import os

        assert self._client is not None
        return dict(self._client.run(os.getpid))

    def map(
        self, function: Callable[[T], R], jobs: Iterable[T], ahead: int = AHEAD
    ) -> Generator[R, None, None]:
        """Results in job order, ``ahead`` tasks per worker in flight."""
        self.start()
        client = self._client
        assert client is not None
        retries = self.retries
        from dunletters.batch.dask_worker import Sealed, run_sealed

        queued = iter(jobs)
        keys: set[str] = set()

        def submit(job: T) -> Any:
            future = client.submit(run_sealed, Sealed(function, job), pure=False, retries=retries)
            keys.add(future.key)
            return future

        slots = [submit(job) for _, job in zip(range(self.workers * ahead), queued, strict=False)]
        slots.reverse()  # popped from the end: the oldest last
        try:
            while slots:
                try:  # the future let go at once: a worker lost later owes it nothing
                    result: R = slots.pop().result()
                except DunlettersError:
                    raise
                except (CancelledError, OSError, TimeoutError) as error:
                    raise self._lost(error) from None
                for job in zip(range(1), queued, strict=False):
                    slots.insert(0, submit(job[1]))
                yield result
            with suppress(OSError, TimeoutError):  # the scheduler gone: the next step says so
                self.retried += rerun(client.get_events("all"), keys)
        finally:
            for future in slots:
                future.cancel()

    def _lost(self, error: BaseException) -> DunlettersError:
        if self._client is None or self._client.status != "running":
            return ClusterLost("Dask 调度器已断开：已提交的结果保留，可用相同命令继续")
        return ClusterError(f"Dask 任务失败（{type(error).__name__}）")

    def close(self) -> None:
        """Leave the cluster; a cluster started here is stopped."""
        client, self._client = self._client, None
        if client is not None:
            with suppress(Exception):  # the scheduler may be gone: nothing to unregister then
                client.unregister_worker_plugin(PLUGIN_NAME)
            client.close(timeout=10)
        cluster, self._cluster = self._cluster, None
        if cluster is not None:
            cluster.close(timeout=10)

    def describe(self) -> str:
        """For the summary."""
        where = f"Dask 集群 {self.scheduler}" if self.scheduler else "Dask 本地集群"
        return f"{where}（{self.workers} 个工作进程，任务重试 {self.retried} 次）"


def dashboard_options(dashboard: bool) -> dict[str, Any]:
    """A LocalCluster's web server: Dask's dashboard on :8787 when asked for; otherwise no
    dashboard and its server (``/health``) on a free port of this machine only — with
    ``dashboard_address=None`` Dask still takes :8787, and warns when another run has it."""
    if dashboard:
        return {"dashboard_address": ":8787"}
    return {"dashboard_address": "127.0.0.1:0", "scheduler_kwargs": {"dashboard": False}}


def rerun(events: Iterable[tuple[float, Any]], keys: set[str]) -> int:
    """How many of ``keys`` were run again: each time a worker left (killed, lost, retired)
    while running one of them or holding its result not yet fetched, the scheduler logs a
    ``remove-worker`` event naming it, and runs it again elsewhere. Keys are unique to a
    run (``pure=False``), so older events of a long-lived cluster count none."""
    count = 0
    for _, event in events:
        if isinstance(event, dict) and event.get("action") == "remove-worker":
            lost = set(event.get("processing-tasks", ())) | set(
                event.get("lost-computed-tasks", ())
            )
            count += len(lost & keys)
    return count
