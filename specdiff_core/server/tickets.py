"""A watcher's handle on a job of a :class:`~.pool.JobPool`: poll it for a
:class:`~.jobs.JobView`, wait on it, read the result, cancel it when the watcher leaves.
It asks its pool for all of these (``pool._view``, ``pool._cond``, ``pool._cancel_ticket``)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .jobs import FINISHED, JobView, _Job

if TYPE_CHECKING:
    from .pool import JobPool

__all__ = ["Ticket"]


class Ticket:
    """One watcher's handle on a job. Poll it; cancel it when the watcher leaves."""

    def __init__(self, pool: JobPool, job: _Job, owner: str, reused: bool) -> None:
        self._pool = pool
        self._job = job
        self.owner = owner
        self.reused = reused
        self.active = True  # False once cancelled (or detached)
        self.last_seen = time.monotonic()

    @property
    def status(self) -> str:
        return self._job.status

    @property
    def label(self) -> str:
        return self._job.label

    @property
    def shared(self) -> Any:
        """The job's shared object (for duel jobs, a :class:`DuelRun` mirroring the duel)."""
        return self._job.shared

    def poll(self) -> JobView:
        """The job's state now; also tells the pool this watcher is still here."""
        self.last_seen = time.monotonic()
        return self._pool._view(self)

    def wait(self, timeout: float | None = None) -> JobView:
        """Block until the job has finished (or ``timeout`` seconds); for scripts and tests."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._pool._cond:
            while self._job.status not in FINISHED:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                self._pool._cond.wait(left if left is not None else 1.0)
        return self.poll()

    def result(self) -> Any:
        """The job's return value; raises RuntimeError unless the job is done."""
        if self._job.status != "done":
            raise RuntimeError(f"job {self._job.label!r} is {self._job.status}, not done")
        return self._job.result

    @property
    def error(self) -> str | None:
        return self._job.error

    @property
    def trace(self) -> str | None:
        return self._job.trace

    def cancel(self) -> None:
        """Stop watching. The job itself stops only when nobody else watches it."""
        self._pool._cancel_ticket(self)
