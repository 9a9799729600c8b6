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
        """Update from a finished job (under the pool's lock)."""
        if job.started is None or job.finished is None or job.cost < 1:
            return
        measured = (job.finished - job.started) / job.cost
        if measured <= 0:
            return
        self.sec_per_unit = (
            measured if not self._timed else 0.7 * self.sec_per_unit + 0.3 * measured
        )
        self._timed = True

    def remaining(self, job: Any, now: float) -> float:
        """Estimated seconds left for a running job (its own pace once it has one)."""
        left = max(job.cost - job.done_units, 0.0)
        if job.done_units > 0 and job.started is not None:
            return left * (now - job.started) / job.done_units
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
