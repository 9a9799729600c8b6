"""The queue's estimate: seconds per work unit learned from finished jobs, and when a
queued or running job should end."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import Any

from .jobs import FINISHED

__all__ = ["RateEstimator"]


class RateEstimator:
    """Seconds per work unit: a first guess, then a moving average over finished jobs."""

    def __init__(self, sec_per_unit: float = 1.0) -> None:
        self.sec_per_unit = float(sec_per_unit)
        self._timed = False  # sec_per_unit still the first guess

    def learn(self, job: Any) -> None:
        """Update from a finished job (under the pool's lock).

        A job of cost 0 is not measured in work units (the server's warm-up: it builds a
        training set and is timed by nothing): it teaches nothing. Learning its 8 s as the
        seconds of one unit made the first duel after a server start promise two hours. A
        job that reported progress is timed from its first report, as :meth:`remaining`
        times it, so its one-off start is not counted as the pace either.
        """
        if job.started is None or job.finished is None or job.cost < 1:
            return
        first = getattr(job, "first_report", None)
        if first is not None and job.cost > first[1] and job.finished > first[0]:
            measured = (job.finished - first[0]) / (job.cost - first[1])
        else:
            measured = (job.finished - job.started) / job.cost
        if measured <= 0:
            return
        self.sec_per_unit = (
            measured if not self._timed else 0.7 * self.sec_per_unit + 0.3 * measured
        )
        self._timed = True

    def remaining(self, job: Any, now: float) -> float:
        """Estimated seconds left for a running job: its own pace once it has one.

        The pace is measured from the job's first progress report, not from its start: what
        comes before the first report (a worker importing torch, building the training set)
        happens once, and divided over the first few units it made the first training after
        a server start promise half an hour for a job of seconds.
        """
        left = max(job.cost - job.done_units, 0.0)
        first = getattr(job, "first_report", None)
        if first is not None and job.done_units > first[1] and now > first[0]:
            return left * (now - first[0]) / (job.done_units - first[1])
        return left * self.sec_per_unit

    def eta(
        self, job: Any, now: float, running: Iterable[Any], queue: Iterable[Any], workers: int
    ) -> float | None:
        """Seconds until ``job`` finishes; a queued job gets the queue ahead of it handed to
        the earliest-free worker, in order."""
        if job.status in FINISHED:
            return None
        if job.status == "running":
            return self.remaining(job, now)
        free = [self.remaining(j, now) for j in running]
        free += [0.0] * max(workers - len(free), 0)
        heapq.heapify(free)
        for j in queue:
            start = heapq.heappop(free)
            end = start + j.cost * self.sec_per_unit
            if j is job:
                return end
            heapq.heappush(free, end)
        return None
