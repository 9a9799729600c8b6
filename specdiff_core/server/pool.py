"""The pool: a priority queue of jobs (:mod:`.job_queue`) served by a fixed number of worker
threads (each with its own worker process, :mod:`.workers`, when asked); the estimate is
:mod:`.eta`'s, who is gone is :mod:`.reaper`'s, and a watcher holds a
:class:`~.tickets.Ticket`."""

from __future__ import annotations

import itertools
import os
import threading
import time
import traceback
from collections.abc import Callable, Hashable
from typing import Any

from ..errors import ConfigError
from .eta import RateEstimator
from .job_queue import JobQueue
from .jobs import FINISHED, JobContext, JobView, PoolFull, _Job
from .ray_workers import RayCluster
from .reaper import Reaper
from .tickets import Ticket
from .workers import ProcessWorker, RemoteError

__all__ = ["BACKENDS", "JobPool", "Ticket", "default_workers"]

BACKENDS = ("thread", "process", "ray")  # where a job's ctx.call runs (JobPool's backend)


def default_workers() -> int:
    """The number of cores this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class JobPool:
    """A FIFO queue of jobs served by ``workers`` threads; see the module docstring.

    Parameters
    ----------
    workers : int, optional
        How many jobs run at once (default: :func:`default_workers`).
    max_queue : int
        Submitting while this many jobs wait raises :class:`PoolFull`.
    stale_after : float
        Seconds without a poll after which a ticket is cancelled.
    owner_grace : float
        Seconds an owner may look gone (``alive(owner)`` False) before its tickets are
        cancelled; covers a browser that reconnects after a network blip.
    alive : callable(owner) -> bool, optional
        Whether an owner (a session) is still connected. None: rely on ``stale_after``.
    keep_finished : int
        Finished jobs kept for deduplication (the oldest is forgotten first).
    sec_per_unit : float
        First guess of seconds per work unit, until jobs have been timed.
    reap_every : float
        Seconds between reaper passes (0: no reaper thread; call :meth:`reap`).
    log : callable(str), optional
        Receives one line per finished job.
    processes : bool
        Give each worker thread its own worker process (spawned once, restarted if it
        dies), in which :meth:`JobContext.call` runs the heavy part of a job. Training in
        the server's own threads made every thread wait for the GIL on a busy 2-core
        machine (a 100-step duel took 20 s instead of 2 with three pages polling);
        processes keep the server responsive, use every core, and a crash (even out of
        memory) kills one worker, not the server.
    thread_init : callable(), optional
        Run once in each worker thread before its first job. Per-thread settings belong
        here: torch's intra-op thread count is per OS thread under OpenMP, so a
        ``torch.set_num_threads(1)`` made elsewhere does not reach the workers (two
        OpenMP threads per job on a busy 2-core machine made training ~10x slower).
    backend : {"thread", "process", "ray"}, optional
        Where :meth:`JobContext.call` runs: the worker thread, its process, or its Ray
        actor (:mod:`.ray_workers`; default ``"process"`` if ``processes``). The pool joins
        Ray when made: a wrong address is a :class:`ConfigError` here, not a failed job.
    ray_address : str, optional
        The Ray cluster (:mod:`specdiff_core.cluster`; none: a Ray of ``workers`` CPUs
        started here and stopped at :meth:`shutdown`). Only with ``backend="ray"``.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        max_queue: int = 256,
        stale_after: float = 300.0,
        owner_grace: float = 10.0,
        alive: Callable[[str], bool] | None = None,
        keep_finished: int = 32,
        sec_per_unit: float = 1.0,
        reap_every: float = 1.0,
        log: Callable[[str], None] | None = None,
        thread_init: Callable[[], None] | None = None,
        processes: bool = False,
        backend: str | None = None,
        ray_address: str | None = None,
    ) -> None:
        self.thread_init = thread_init
        self.backend = backend or ("process" if processes else "thread")
        if self.backend not in BACKENDS:
            raise ConfigError(f"job pool backend {backend!r}: choose one of {', '.join(BACKENDS)}")
        if ray_address and self.backend != "ray":
            raise ConfigError(f"a Ray address is for the ray backend, not {self.backend!r}")
        self.processes = self.backend != "thread"
        self._workers: list[Any] = []  # ProcessWorker or RayWorker: one per thread
        self.workers = int(workers) if workers else default_workers()
        assert self.workers >= 1, f"workers must be >= 1, got {workers}"
        assert max_queue >= 1, f"max_queue must be >= 1, got {max_queue}"
        self.max_queue = int(max_queue)
        self.reaper = Reaper(stale_after=stale_after, owner_grace=owner_grace, alive=alive)
        self.keep_finished = int(keep_finished)
        self.rate = RateEstimator(sec_per_unit)
        self.log = log
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._queue = JobQueue()  # waiting jobs, and the job that answers each key
        self._running: set[_Job] = set()
        self._ids = itertools.count(1)
        self._threads: list[threading.Thread] = []
        self._closing = False
        self.counts = dict.fromkeys(("requests", "computed", *FINISHED), 0)
        self._reap_every = float(reap_every)
        self._reaper: threading.Thread | None = None
        # last: the settings are checked before Ray is joined (or started)
        self._cluster = RayCluster(ray_address, self.workers) if self.backend == "ray" else None

    @property
    def sec_per_unit(self) -> float:
        """Seconds per work unit, as learned from finished jobs (the queue's estimate)."""
        return self.rate.sec_per_unit

    # ------------------------------------------------------------------ submit

    def submit(
        self,
        fn: Callable[[JobContext], Any],
        *,
        owner: str,
        key: Hashable | None = None,
        label: str = "",
        cost: float = 1.0,
        shared: Any = None,
        priority: int = 0,
    ) -> Ticket:
        """Queue ``fn`` (or join the job with the same ``key``) and return a ticket.

        ``cost`` is the job's size in work units (for the estimate); ``shared`` becomes
        ``ctx.shared``. A job waits behind every queued job of its ``priority`` or higher
        and ahead of those of lower priority (first come, first served within one
        priority): the app gives short jobs that finish a student's duel (sampling) a
        higher one than training, so a student whose models are trained does not wait
        behind every other student's training for a one-second job. Raises
        :class:`PoolFull` when ``max_queue`` jobs already wait.
        """
        with self._cond:
            if self._closing:
                raise RuntimeError("the job pool has been shut down")
            self.counts["requests"] += 1
            job = self._queue.find(key) if key is not None else None
            reused = job is not None
            if job is None:
                if len(self._queue) >= self.max_queue:
                    raise PoolFull(
                        f"the server is busy: {len(self._queue)} jobs are already waiting. "
                        "Try again in a minute."
                    )
                job = _Job(next(self._ids), fn, key, label or getattr(fn, "__name__", "job"), cost)
                job.shared = shared
                job.priority = int(priority)
                self._queue.push(job)
                self.counts["computed"] += 1
                self._start_threads()
                self._cond.notify_all()
            ticket = Ticket(self, job, owner, reused)
            if job.status not in FINISHED:
                job.tickets.add(ticket)
            return ticket

    def start(self) -> JobPool:
        """Start the worker threads (and processes) now rather than at the first job."""
        with self._lock:
            self._start_threads()
        return self

    def _start_threads(self) -> None:
        """Start the workers (and the reaper) on first use; called under the lock."""
        while len(self._threads) < self.workers:
            t = threading.Thread(
                target=self._work, name=f"specdiff-job-{len(self._threads)}", daemon=True
            )
            t.start()
            self._threads.append(t)
        if self._reaper is None and self._reap_every > 0:
            self._reaper = threading.Thread(
                target=self._reap_loop, name="specdiff-reaper", daemon=True
            )
            self._reaper.start()

    # ----------------------------------------------------------------- workers

    def _work(self) -> None:
        if self.thread_init is not None:
            try:
                self.thread_init()
            except Exception:  # noqa: BLE001 - a worker without its settings still works
                traceback.print_exc()
        worker = None
        if self.processes:
            worker = ProcessWorker() if self._cluster is None else self._cluster.worker()
            with self._lock:
                self._workers.append(worker)
            try:
                worker.start()
            except Exception:  # noqa: BLE001 - call() retries, and reports, at the first job
                traceback.print_exc()
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    self._cond.wait()
                if not self._queue:
                    if worker is not None:
                        worker.close()
                    return
                job = self._queue.pop()
                job.status = "running"
                job.started = time.monotonic()
                self._running.add(job)
            try:
                result, error, trace = job.fn(JobContext(job, worker)), None, None
            except RemoteError as exc:  # raised in the worker process
                result, error, trace = None, str(exc), exc.trace
            except BaseException as exc:  # noqa: BLE001 - one job's failure stays in that job
                result, error, trace = None, f"{type(exc).__name__}: {exc}", traceback.format_exc()
            self._finish(job, result, error, trace)

    def _finish(self, job: _Job, result: Any, error: str | None, trace: str | None) -> None:
        with self._cond:
            self._running.discard(job)
            job.finished = time.monotonic()
            self._queue.forget(job)
            if job.cancel_event.is_set():  # stopped on request, by returning or by raising
                job.status = "cancelled"
            elif error is not None:
                job.status, job.error, job.trace = "failed", error, trace
            else:
                job.status, job.result = "done", result
                self.rate.learn(job)
                self._queue.remember(job, self.keep_finished)
            self.counts[job.status] += 1
            job.tickets.clear()
            job.fn = None  # drop the closure (and what it holds) as soon as possible
            self._cond.notify_all()
        if self.log is not None:
            self.log(
                f"job {job.id} {job.label!r}: {job.status} in {job.finished - job.started:.1f} s"
                f" after {job.started - job.created:.1f} s queued"
                + (f"; {job.error}" if job.error else "")
            )

    # ------------------------------------------------------------------- views

    def _view(self, ticket: Ticket) -> JobView:
        with self._lock:
            job, now = ticket._job, time.monotonic()
            position = self._queue.position(job) if job.status == "queued" else None
            return JobView(
                status=job.status,
                position=position,
                queued=len(self._queue),
                running=len(self._running),
                workers=self.workers,
                eta=self.rate.eta(job, now, self._running, self._queue, self.workers),
                progress=1.0 if job.status == "done" else min(job.done_units / job.cost, 1.0),
                watchers=len(job.tickets),
                reused=ticket.reused,
                error=job.error,
                elapsed=0.0 if job.started is None else (job.finished or now) - job.started,
            )

    def stats(self) -> dict[str, Any]:
        """Counts since start (requests, computed, done, failed, cancelled) and the queue now."""
        with self._lock:
            return {
                **self.counts,
                "workers": self.workers,
                "queued": len(self._queue),
                "running": len(self._running),
                "kept": self._queue.kept,
                "sec_per_unit": self.rate.sec_per_unit,
            }

    # ------------------------------------------------------------ cancellation

    def _cancel_ticket(self, ticket: Ticket) -> None:
        with self._cond:
            if not ticket.active:
                return
            ticket.active = False
            job = ticket._job
            job.tickets.discard(ticket)
            if job.tickets or job.status in FINISHED:
                return
            job.cancel_event.set()
            self._queue.forget(job)  # a new request for this key starts afresh
            if job.status == "queued":
                self._queue.remove(job)
                job.status = "cancelled"
                job.finished = time.monotonic()
                job.fn = None
                self.counts["cancelled"] += 1
                self._cond.notify_all()

    def cancel_owner(self, owner: str) -> int:
        """Cancel every ticket of ``owner``; returns how many were active."""
        with self._lock:
            mine = [
                t for j in (*self._queue, *self._running) for t in j.tickets if t.owner == owner
            ]
        for t in mine:
            t.cancel()
        return len(mine)

    def cancel_all(self) -> int:
        """Cancel every ticket of every queued or running job (an administrator's reset)."""
        with self._lock:
            every = [t for j in (*self._queue, *self._running) for t in j.tickets]
        for t in every:
            t.cancel()
        return len(every)

    def touch(self, owner: str) -> None:
        """Mark every ticket of ``owner`` as seen now (the owner is active elsewhere)."""
        now = time.monotonic()
        with self._lock:
            for j in (*self._queue, *self._running):
                for t in j.tickets:
                    if t.owner == owner:
                        t.last_seen = now

    def reap(self, now: float | None = None) -> int:
        """Cancel stale tickets and those of owners gone for ``owner_grace`` seconds.

        Runs every ``reap_every`` seconds on its own thread; returns how many it cancelled.
        """
        with self._lock:
            tickets = [t for j in (*self._queue, *self._running) for t in j.tickets]
        victims = self.reaper.victims(tickets, time.monotonic() if now is None else now)
        for t in victims:
            t.cancel()
        return len(victims)

    def _reap_loop(self) -> None:
        while not self._closing:
            time.sleep(self._reap_every)
            try:
                self.reap()
            except Exception:  # noqa: BLE001 - keep reaping whatever happens
                traceback.print_exc()

    def shutdown(self, wait: bool = True, *, grace: float = 5.0) -> None:
        """Cancel queued jobs, ask running ones to stop, and stop every worker process.

        With ``wait``, running jobs get ``grace`` seconds to see the cancellation and
        return; then each worker process is closed, and a job still running in one (one
        that ignores cancellation) is killed with it, and the threads are joined. Without
        ``wait``, the processes are stopped at once and the threads finish on their own (a
        job running in a thread rather than a process cannot be killed: it sees
        ``ctx.cancelled``). Never raises, and a second call does nothing more.
        """
        with self._cond:
            self._closing = True
            for job in list(self._queue):
                for t in list(job.tickets):
                    t.active = False
                job.tickets.clear()
                job.cancel_event.set()
                job.status = "cancelled"
                self.counts["cancelled"] += 1
            self._queue.clear()
            for job in self._running:
                job.cancel_event.set()
            self._cond.notify_all()
        if wait:
            deadline = time.monotonic() + grace
            for t in self._threads:
                t.join(timeout=max(0.0, deadline - time.monotonic()))
        with self._lock:
            workers = list(self._workers)
        for w in workers:
            try:
                w.close(timeout=1.0 if wait else 0.2, final=True)
            except Exception:  # noqa: BLE001 - shutting down: report, and close the rest
                traceback.print_exc()
        if wait:
            for t in self._threads:
                t.join(timeout=30)
        if self._cluster is not None:
            try:
                self._cluster.shutdown()  # only a Ray the pool started itself
            except Exception:  # noqa: BLE001 - shutting down: report, never raise
                traceback.print_exc()
