"""What runs inside each Dask worker for ``--executor dask`` (needs ``distributed``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from distributed import Worker, WorkerPlugin

from dunletters.batch.fingerprint import ClusterError, differences, fingerprint, refusal
from dunletters.produce import RunSpec, init_worker

__all__ = ["RunPlugin", "Sealed", "run_sealed"]

_refused: list[str] = []
"""Set in a worker whose fingerprint differs: every job it is given fails with it."""


class RunPlugin(WorkerPlugin):
    """Readies each worker (and each restarted one) from the run's spec, after it proves
    it has the driver's versions, templates and fonts (a Dask ``WorkerPlugin``)."""

    def __init__(self, spec: RunSpec, expected: dict[str, str]) -> None:
        self.spec = spec
        self.expected = expected
        self.paused: list[str] = []

    def setup(self, worker: Worker) -> None:
        """Compare, then build the run context once for the worker's jobs."""
        differ = differences(self.expected, fingerprint(self.spec))
        if differ:
            reason = refusal(str(worker.address), differ)
            _refused[:] = [reason]
            raise ClusterError(reason)
        _refused.clear()
        init_worker(self.spec)
        self.paused = [name for name in PROFILER if _running(worker, name)]
        for name in self.paused:
            worker.periodic_callbacks[name].stop()

    def teardown(self, worker: Worker) -> None:
        """The worker's profiler back on; the run's state goes with the process."""
        for name in self.paused:
            worker.periodic_callbacks[name].start()
        self.paused = []


PROFILER = ("profile", "profile-cycle")
"""The worker's statistical profiler, paused for the run: every 10 ms it walks the stack
of the running task from the worker's event loop, taking the GIL from the letter being
laid out (deep WeasyPrint stacks; benchmarks/NOTES.md#dask-executor)."""


def _running(worker: Worker, name: str) -> bool:
    callback = worker.periodic_callbacks.get(name)
    return callback is not None and bool(callback.is_running())


class Sealed:
    """A job on its way to a worker: Dask logs a failed task's arguments, and a job
    carries personal data, so its repr says nothing about it."""

    __slots__ = ("function", "job")

    def __init__(self, function: Callable[[Any], Any], job: Any) -> None:
        self.function = function
        self.job = job

    def __repr__(self) -> str:
        return "<dunletters job>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Sealed, (self.function, self.job))


def run_sealed(sealed: Sealed) -> Any:
    """Run a job on a worker the plugin has readied (a refused worker runs none)."""
    if _refused:
        raise ClusterError(_refused[0])
    return sealed.function(sealed.job)
