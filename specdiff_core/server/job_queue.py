"""The queue of a :class:`~.pool.JobPool`: the jobs waiting, in the order they will run
(by priority, first come first served within one), and which job already answers a key
(one queued or running, or one of the last few done), so that equal requests are computed
once. It takes no lock of its own: the pool calls it under its lock."""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Hashable, Iterator

from .jobs import _Job

__all__ = ["JobQueue"]


class JobQueue:
    """Waiting jobs in running order, and the jobs that answer a key."""

    def __init__(self) -> None:
        self._waiting: deque[_Job] = deque()
        self._live: dict[Hashable, _Job] = {}  # key -> queued or running job
        self._done: OrderedDict[Hashable, _Job] = OrderedDict()  # key -> done job (LRU)

    def __len__(self) -> int:
        """How many jobs wait."""
        return len(self._waiting)

    def __iter__(self) -> Iterator[_Job]:
        """The waiting jobs, next to run first."""
        return iter(self._waiting)

    @property
    def kept(self) -> int:
        """How many done jobs are remembered for their key."""
        return len(self._done)

    def find(self, key: Hashable) -> _Job | None:
        """The queued or running job for ``key``, else a remembered done one (which
        becomes the most recently used)."""
        job = self._live.get(key)
        if job is None and key in self._done:
            job = self._done[key]
            self._done.move_to_end(key)
        return job

    def push(self, job: _Job) -> None:
        """Queue ``job`` behind every waiting job of its priority or higher and ahead of
        those of lower priority; it answers its key from now on."""
        at = next(
            (i for i, j in enumerate(self._waiting) if j.priority < job.priority),
            len(self._waiting),
        )
        self._waiting.insert(at, job)
        if job.key is not None:
            self._live[job.key] = job

    def pop(self) -> _Job:
        """The next job to run, taken off the queue."""
        return self._waiting.popleft()

    def remove(self, job: _Job) -> None:
        """Take a waiting job off the queue (nobody watches it any more)."""
        self._waiting.remove(job)

    def position(self, job: _Job) -> int | None:
        """``job``'s 1-based place in the queue; None if it does not wait."""
        return next((i for i, j in enumerate(self._waiting, 1) if j is job), None)

    def forget(self, job: _Job) -> None:
        """``job`` no longer answers its key: a new request for it starts afresh."""
        if self._live.get(job.key) is job:
            del self._live[job.key]

    def remember(self, job: _Job, keep: int) -> None:
        """Remember a done job for its key, at most ``keep`` of them (oldest forgotten first)."""
        if job.key is not None and keep > 0:
            self._done[job.key] = job
            while len(self._done) > keep:
                self._done.popitem(last=False)

    def clear(self) -> None:
        """Empty the queue (the pool shuts down)."""
        self._waiting.clear()
