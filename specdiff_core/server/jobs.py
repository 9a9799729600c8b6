"""A job and what its function and its watchers see: the job itself, the
:class:`JobContext` its function receives, and the :class:`JobView` a page polls (a
watcher's handle, :class:`Ticket`, is in ``tickets.py``)."""

from __future__ import annotations

import pickle
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from .workers import ProcessWorker, _LocalChannel

STATUSES = ("queued", "running", "done", "failed", "cancelled")


FINISHED = ("done", "failed", "cancelled")


class PoolFull(RuntimeError):
    """The queue already holds ``max_queue`` jobs; the message says what to do."""


@dataclass(frozen=True)
class JobView:
    """What a watcher sees of its job at one moment."""

    status: str  # queued | running | done | failed | cancelled
    position: int | None  # 1-based place in the queue while queued
    queued: int  # jobs waiting in the whole pool
    running: int  # jobs running in the whole pool
    workers: int
    eta: float | None  # estimated seconds until the job is done (None when finished)
    progress: float  # 0..1 of the job's work
    watchers: int  # tickets on this job now (1 = only you)
    reused: bool  # the job was already queued, running or done when this ticket joined
    error: str | None  # "ExcType: message" when failed
    elapsed: float  # seconds since the job started running (0 while queued)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class _Job:
    def __init__(self, jid: int, fn: Callable, key: Hashable | None, label: str, cost: float):
        self.id = jid
        self.fn = fn
        self.key = key
        self.label = label
        self.cost = max(float(cost), 1e-9)
        self.priority = 0
        self.shared: Any = None
        self.status = "queued"
        self.result: Any = None
        self.error: str | None = None
        self.trace: str | None = None
        self.created = time.monotonic()
        self.started: float | None = None
        self.finished: float | None = None
        self.done_units = 0.0
        self.first_report: tuple[float, float] | None = None  # (time, units) of the first report
        self.cancel_event = threading.Event()
        self.tickets: set[Any] = set()  # tickets.Ticket: the watchers


class JobContext:
    """Handed to a job's function: progress, cancellation, the shared object, and
    :meth:`call` to run the heavy part in the worker's process."""

    def __init__(self, job: _Job, worker: ProcessWorker | None = None) -> None:
        self._job = job
        self._worker = worker

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_message: Callable[[Any], None] | None = None,
        pump: Callable[[], list[Any]] | None = None,
        **kwargs: Any,
    ) -> Any:
        """``fn(*args, chan=channel, **kwargs)`` in this worker's process (or, in a pool
        without processes, right here on copies of the arguments: the same semantics).

        ``fn`` must be importable (a module-level function) and its arguments and result
        picklable. Through ``chan`` it sends messages (``chan.send(x)`` reaches
        ``on_message(x)`` here), sees ``chan.cancelled`` once nobody watches the job, and
        reads ``chan.requests()``: whatever ``pump()`` returned here since it last asked.
        Raises :class:`RemoteError` with the remote traceback if ``fn`` raises, and
        :class:`WorkerDied` if the process exits (it is restarted for the next job).
        """
        if self._worker is None:
            args, kwargs = pickle.loads(pickle.dumps((args, kwargs)))
            chan = _LocalChannel(self, on_message, pump)
            return pickle.loads(pickle.dumps(fn(*args, chan=chan, **kwargs)))
        return self._worker.call(fn, args, kwargs, ctx=self, on_message=on_message, pump=pump)

    @property
    def cancelled(self) -> bool:
        """True once nobody watches the job any more: return as soon as convenient."""
        return self._job.cancel_event.is_set()

    @property
    def shared(self) -> Any:
        return self._job.shared

    def check(self) -> None:
        """Raise :class:`Cancelled` if the job should stop (for code that cannot return early,
        e.g. from inside a progress callback)."""
        if self.cancelled:
            raise Cancelled(f"job {self._job.label!r} was cancelled")

    def report(self, done: float) -> None:
        """Work units done so far (out of the job's ``cost``)."""
        job = self._job
        job.done_units = float(done)
        if job.first_report is None:
            job.first_report = (time.monotonic(), job.done_units)


class Cancelled(Exception):
    """Raised inside a job (or its worker process) once nobody watches it."""
