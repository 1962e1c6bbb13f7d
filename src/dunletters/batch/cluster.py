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

import hashlib
import importlib.metadata
import importlib.util
import logging
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import CancelledError
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar

from dunletters import __version__
from dunletters.batch.executor import AHEAD
from dunletters.errors import DunlettersError, ExitStatus
from dunletters.produce import RunSpec
from dunletters.registry import BUILTIN_TEMPLATES

__all__ = ["ClusterError", "ClusterLost", "DaskExecutor", "fingerprint"]

T = TypeVar("T")
R = TypeVar("R")

EXTRA_HINT = "pip install 'dunletters[dask]'"
RETRIES = 2
"""A task whose worker died is run again up to this many times (beyond Dask's own
rescheduling of tasks lost with a worker)."""
PLUGIN_NAME = "dunletters-run"


class ClusterError(DunlettersError):
    """The cluster cannot run this batch (not installed, unreachable, a worker refused)."""

    exit_status = ExitStatus.USAGE


class ClusterLost(DunlettersError):
    """The scheduler went away mid-run: what was committed stays, the run resumes."""

    exit_status = ExitStatus.INTERRUPTED


def available() -> bool:
    """Whether ``distributed`` is installed (the ``dask`` extra)."""
    return importlib.util.find_spec("distributed") is not None


# -- what every worker must share with the driver ---------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def fingerprint(spec: RunSpec) -> dict[str, str]:
    """What decides a run's bytes on this machine: versions, template files, font files.

    Keys name a package, a template file (by its place in the template folders) or a
    font face (by family and weight), never a machine path, so machines can compare.
    """
    found = {"dunletters": __version__}
    for package in ("jinja2", "pydantic"):
        found[f"package {package}"] = _version(package)
    roots = [Path(folder) for folder in spec.template_dirs] + [BUILTIN_TEMPLATES]
    for number, root in enumerate(roots):
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found[f"template {number}:{path.relative_to(root).as_posix()}"] = _sha256(path)
    if spec.pdf:
        from dunletters.pdf.fonts import ensure_fonts

        for package in ("weasyprint", "pydyf", "fonttools"):
            found[f"package {package}"] = _version(package)
        for face in ensure_fonts().faces:
            name = f"font {face.family} {face.weight}"
            found[name] = _sha256(face.path)
            if face.fallback is not None:
                found[name + " fallback"] = _sha256(face.fallback)
    return found


def differences(expected: dict[str, str], found: dict[str, str]) -> list[str]:
    """The keys whose values differ, or that one side lacks, in order."""
    return sorted(
        key for key in expected.keys() | found.keys() if expected.get(key) != found.get(key)
    )


def refusal(address: str, differ: list[str]) -> str:
    """The one-line reason a worker is refused."""
    shown = "、".join(differ[:5]) + ("等" if len(differ) > 5 else "")
    return (
        f"Dask 工作节点 {address} 与本机不一致（{shown}），字节会不同：批次未开始。"
        "请在每台机器安装同一版本的 dunletters、模板与字体"
    )


# -- in the driver ----------------------------------------------------------------------------


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
        self.dashboard = dashboard
        self.retries = retries
        self._cluster: Any = None  # distributed's LocalCluster and Client (untyped)
        self._client: Any = None

    def start(self) -> None:
        """Start or join the cluster and ready every worker (refusing a mismatched one)."""
        if self._client is not None:
            return
        import distributed

        distributed_any: Any = distributed  # untyped calls

        from dunletters.batch.dask_worker import RunPlugin

        expected = fingerprint(self.spec)
        if self.scheduler is None:
            self._cluster = distributed_any.LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":8787" if self.dashboard else None,
                silence_logs=logging.ERROR,
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

        def submit(job: T) -> Any:
            return client.submit(run_sealed, Sealed(function, job), pure=False, retries=retries)

        queued = iter(jobs)
        slots = [submit(job) for _, job in zip(range(self.workers * ahead), queued, strict=False)]
        slots.reverse()  # popped from the end: the oldest last
        try:
            while slots:
                future = slots.pop()
                try:
                    result: R = future.result()
                except DunlettersError:
                    raise
                except (CancelledError, OSError, TimeoutError) as error:
                    raise self._lost(error) from None
                for job in zip(range(1), queued, strict=False):
                    slots.insert(0, submit(job[1]))
                yield result
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
        return f"{where}（{self.workers} 个工作进程）"
