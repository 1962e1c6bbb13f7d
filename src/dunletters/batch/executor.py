"""Where a batch's jobs run: one small protocol, and the engines that implement it.

The batch (:mod:`dunletters.batch.run`) hands an executor picklable jobs and
reads their results back in job order; it never learns where they ran. Every
process that runs jobs is readied once from the run's :class:`~dunletters.produce.RunSpec`
(:func:`~dunletters.produce.init_worker`). The driver stays the only writer of the
journal and the outputs, whatever the engine.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Protocol, TypeVar

from dunletters.produce import RunSpec, init_worker
from dunletters.registry import Registry

__all__ = ["AHEAD", "Executor", "InProcess", "ProcessPool", "in_order"]

AHEAD = 8
"""Jobs per worker submitted ahead of the one the driver is storing: keeps the workers busy
while the driver's memory stays bounded (all jobs at once held every result until stored)."""

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """What the batch needs of an engine: started once, jobs mapped in order, closed."""

    workers: int
    """Processes running jobs at once (the in-flight budget is ``workers * ahead``)."""
    local: bool
    """Jobs run in this process: they may carry objects that do not travel (parsed accounts)."""
    same_machine: bool
    """Workers run on this machine and can read its files (the journal, for the finishing pass)."""
    retried: int
    """Tasks run again so far (a worker lost mid-task); the summary reports it."""

    def start(self) -> None:
        """Start the workers now, so they load while the driver goes on."""

    def map(
        self, function: Callable[[T], R], jobs: Iterable[T], ahead: int = AHEAD
    ) -> Generator[R, None, None]:
        """Results in job order; closing the generator cancels what has not started."""

    def close(self) -> None:
        """Stop the workers (what has not started is cancelled)."""

    def describe(self) -> str:
        """The engine and its workers, for the summary."""


class InProcess:
    """Jobs run here, one after another: no pickling, no start-up (``--workers 1``)."""

    local = True
    same_machine = True
    workers = 1
    retried = 0

    def __init__(self, spec: RunSpec) -> None:
        self.spec = spec
        self.registry: Registry | None = None
        """The driver's registry, once loaded: reused rather than loaded again (~10 ms)."""
        self._ready = False

    def start(self) -> None:
        """Nothing to start: this process is readied on the first job (after the registry)."""

    def map(
        self, function: Callable[[T], R], jobs: Iterable[T], ahead: int = AHEAD
    ) -> Generator[R, None, None]:
        """Each job in turn, in this process."""
        if not self._ready:
            init_worker(self.spec, self.registry)
            self._ready = True
        yield from map(function, jobs)

    def close(self) -> None:
        """Nothing to stop."""

    def describe(self) -> str:
        """For the summary."""
        return "本进程（1 个工作进程）"


FORKSERVER_PRELOAD = [
    "dunletters.batch.run",
    "dunletters.produce",
    "dunletters.lint.engine",
    "dunletters.rendering",
]
"""Imported once by the fork server: each worker forked from it starts with them loaded
(single-threaded, with neither WeasyPrint nor fonts loaded, so as clean as a spawn)."""


class ProcessPool:
    """``workers`` processes of this machine, forked from a fork server, readied by
    :func:`~dunletters.produce.init_worker` (a stdlib ``ProcessPoolExecutor``)."""

    local = False
    same_machine = True
    retried = 0
    """Never: a process that dies breaks the pool, and the run stops (resumable)."""

    def __init__(self, spec: RunSpec, workers: int) -> None:
        self.spec = spec
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(FORKSERVER_PRELOAD)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=init_worker,
                initargs=(self.spec,),
            )
        return self._pool

    def start(self) -> None:
        """Start every process now (the pool starts one per job it is given)."""
        executor = self._executor()
        for _ in range(self.workers):
            executor.submit(os.getpid)

    def map(
        self, function: Callable[[T], R], jobs: Iterable[T], ahead: int = AHEAD
    ) -> Generator[R, None, None]:
        """Results in job order, ``ahead`` jobs per process in flight."""
        executor = self._executor()
        return in_order(executor.submit, function, jobs, self.workers * ahead)

    def close(self) -> None:
        """Stop the processes; jobs not started are cancelled."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def describe(self) -> str:
        """For the summary."""
        return f"本机进程池（{self.workers} 个工作进程）"


def in_order(
    submit: Callable[..., Future[R]],
    function: Callable[[T], R],
    jobs: Iterable[T],
    in_flight: int,
) -> Generator[R, None, None]:
    """Submit jobs as results are taken, at most ``in_flight`` at a time; yield in job order.

    Jobs are pulled from ``jobs`` only as they are needed, so neither the jobs nor
    their results pile up in the driver. Closing the generator cancels the rest.
    """
    queued = iter(jobs)
    slots: deque[Future[R]] = deque(submit(function, job) for job in islice(queued, in_flight))
    try:
        while slots:
            result = slots.popleft().result()
            for job in islice(queued, 1):
                slots.append(submit(function, job))
            yield result
    finally:
        for slot in slots:
            slot.cancel()
