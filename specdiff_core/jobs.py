"""A bounded pool of background jobs shared by every session of one server (no streamlit).

Thirty students press *Train* at once: each press becomes a job in one first-in,
first-out queue served by a fixed number of worker threads (default: the cores this
process may use), so the machine trains at most that many models at a time and every
other request waits its turn, with its place in the queue and an estimate.

* **Job**: ``fn(ctx)`` run once on a worker thread. ``ctx.cancelled`` asks it to stop
  early, ``ctx.report(done)`` records progress in work units (training steps, say),
  ``ctx.shared`` is an object its watchers also see (the duel jobs' mirror of the duel),
  and ``ctx.call`` runs the heavy part in the worker's process.
* **Ticket**: one watcher's handle on a job (a session that asked for it). Jobs submitted
  with the same ``key`` while one is queued, running or recently done are computed once
  and watched by several tickets (deduplication). Give a key only to deterministic work,
  where the same key always means the same result.
* A job whose tickets are all cancelled is dropped from the queue, or, if running, asked
  to stop. The reaper thread cancels tickets that were not polled for ``stale_after``
  seconds and tickets whose owner ``alive(owner)`` reports gone for ``owner_grace``
  seconds (a closed browser tab), so a class that leaves does not leave work behind.
* An exception inside a job marks that job failed; its watchers see the message and the
  worker goes on with the next job. Nothing a job raises reaches another job.

Threads, not processes: jobs share the server's read-only data (training graphs, R_eff)
and hand back live objects (a model being trained), and torch releases the GIL inside
its kernels (two duels on two threads ran 1.6x faster than one after the other on this
2-core machine).

Examples
--------
>>> pool = JobPool(workers=1)
>>> t = pool.submit(lambda ctx: 6 * 7, owner="alice", key="answer")
>>> t.wait(5).status, t.result()
('done', 42)
>>> pool.submit(lambda ctx: 0, owner="bob", key="answer").result()  # computed once
42
>>> pool.shutdown()
"""

from __future__ import annotations

import functools
import heapq
import itertools
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

__all__ = [
    "JobPool",
    "Ticket",
    "JobView",
    "JobContext",
    "PoolFull",
    "Cancelled",
    "default_workers",
    "RemoteError",
    "WorkerDied",
    "ProcessWorker",
    "DuelRun",
    "train_duel_job",
    "sample_duel_job",
    "warm_remote",
    "experiment_remote",
]

STATUSES = ("queued", "running", "done", "failed", "cancelled")
FINISHED = ("done", "failed", "cancelled")


class PoolFull(RuntimeError):
    """The queue already holds ``max_queue`` jobs; the message says what to do."""


def default_workers() -> int:
    """The number of cores this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


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
        self.cancel_event = threading.Event()
        self.tickets: set[Ticket] = set()


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
        self._job.done_units = float(done)


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
    ) -> None:
        self.thread_init = thread_init
        self.processes = bool(processes)
        self._workers: list[ProcessWorker] = []
        self.workers = int(workers) if workers else default_workers()
        assert self.workers >= 1, f"workers must be >= 1, got {workers}"
        assert max_queue >= 1, f"max_queue must be >= 1, got {max_queue}"
        self.max_queue = int(max_queue)
        self.stale_after = float(stale_after)
        self.owner_grace = float(owner_grace)
        self.alive = alive
        self.keep_finished = int(keep_finished)
        self.sec_per_unit = float(sec_per_unit)
        self._timed = False  # sec_per_unit still the first guess
        self.log = log
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._queue: deque[_Job] = deque()
        self._running: set[_Job] = set()
        self._live: dict[Hashable, _Job] = {}  # key -> queued or running job
        self._done: OrderedDict[Hashable, _Job] = OrderedDict()  # key -> done job (LRU)
        self._dead_since: dict[str, float] = {}
        self._ids = itertools.count(1)
        self._threads: list[threading.Thread] = []
        self._closing = False
        self.counts = dict.fromkeys(("requests", "computed", *FINISHED), 0)
        self._reap_every = float(reap_every)
        self._reaper: threading.Thread | None = None

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
            job = None
            if key is not None:
                job = self._live.get(key)
                if job is None and key in self._done:
                    job = self._done[key]
                    self._done.move_to_end(key)
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
                at = next(
                    (i for i, j in enumerate(self._queue) if j.priority < job.priority),
                    len(self._queue),
                )
                self._queue.insert(at, job)
                if key is not None:
                    self._live[key] = job
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
            worker = ProcessWorker()
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
                job = self._queue.popleft()
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
            if self._live.get(job.key) is job:
                del self._live[job.key]
            if job.cancel_event.is_set():  # stopped on request, by returning or by raising
                job.status = "cancelled"
            elif error is not None:
                job.status, job.error, job.trace = "failed", error, trace
            else:
                job.status, job.result = "done", result
                self._learn_rate(job)
                if job.key is not None and self.keep_finished > 0:
                    self._done[job.key] = job
                    while len(self._done) > self.keep_finished:
                        self._done.popitem(last=False)
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

    def _learn_rate(self, job: _Job) -> None:
        """Seconds per work unit from a finished job (moving average); under the lock."""
        if job.started is None or job.finished is None or job.cost < 1:
            return
        measured = (job.finished - job.started) / job.cost
        if measured <= 0:
            return
        self.sec_per_unit = (
            measured if not self._timed else 0.7 * self.sec_per_unit + 0.3 * measured
        )
        self._timed = True

    # ------------------------------------------------------------------- views

    def _remaining(self, job: _Job, now: float) -> float:
        """Estimated seconds left for a running job (its own pace once it has one)."""
        left = max(job.cost - job.done_units, 0.0)
        if job.done_units > 0 and job.started is not None:
            return left * (now - job.started) / job.done_units
        return left * self.sec_per_unit

    def _eta(self, job: _Job, now: float) -> float | None:
        if job.status in FINISHED:
            return None
        if job.status == "running":
            return self._remaining(job, now)
        # Queued: hand the queue ahead of it to the earliest-free worker, in order.
        free = [self._remaining(j, now) for j in self._running]
        free += [0.0] * max(self.workers - len(free), 0)
        heapq.heapify(free)
        for j in self._queue:
            start = heapq.heappop(free)
            end = start + j.cost * self.sec_per_unit
            if j is job:
                return end
            heapq.heappush(free, end)
        return None

    def _view(self, ticket: Ticket) -> JobView:
        with self._lock:
            job, now = ticket._job, time.monotonic()
            position = None
            if job.status == "queued":
                position = next((i for i, j in enumerate(self._queue, 1) if j is job), None)
            return JobView(
                status=job.status,
                position=position,
                queued=len(self._queue),
                running=len(self._running),
                workers=self.workers,
                eta=self._eta(job, now),
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
                "kept": len(self._done),
                "sec_per_unit": self.sec_per_unit,
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
            if self._live.get(job.key) is job:
                del self._live[job.key]  # a new request for this key starts afresh
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
        now = time.monotonic() if now is None else now
        with self._lock:
            tickets = [t for j in (*self._queue, *self._running) for t in j.tickets]
        gone: set[str] = set()
        if self.alive is not None:
            for owner in {t.owner for t in tickets}:
                try:
                    ok = bool(self.alive(owner))
                except Exception:  # noqa: BLE001 - a failing probe must not stop the reaper
                    ok = True
                if ok:
                    self._dead_since.pop(owner, None)
                elif now - self._dead_since.setdefault(owner, now) >= self.owner_grace:
                    gone.add(owner)
            for owner in list(self._dead_since):
                if owner not in {t.owner for t in tickets}:
                    del self._dead_since[owner]
        victims = [t for t in tickets if t.owner in gone or now - t.last_seen > self.stale_after]
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

    def shutdown(self, wait: bool = True) -> None:
        """Cancel queued jobs, ask running ones to stop, and (optionally) join the workers."""
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
            for t in self._threads:
                t.join(timeout=30)
        for w in list(self._workers):
            w.close()


# ------------------------------------------------------------------ worker processes


class RemoteError(RuntimeError):
    """An exception raised by a function run in a worker process; ``str`` is the remote
    ``"Type: message"`` and ``trace`` its traceback."""

    def __init__(self, message: str, trace: str) -> None:
        super().__init__(message)
        self.trace = trace


class WorkerDied(RuntimeError):
    """The worker process exited while running a job (a crash, or out of memory)."""


class Cancelled(Exception):
    """Raised inside a job (or its worker process) once nobody watches it."""


def _send(conn, obj: Any) -> None:
    """Send with the plain pickle. A Connection's own send uses multiprocessing's pickler,
    for which torch registers reducers that move tensors to shared memory: the receiver
    would get live views of the sender's parameters, which go on changing as it trains."""
    conn.send_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def _recv(conn) -> Any:
    return pickle.loads(conn.recv_bytes())


class _LocalChannel:
    """The channel of a function run in the job's own thread."""

    def __init__(self, ctx: JobContext, on_message, pump) -> None:
        self._ctx, self._on_message, self._pump = ctx, on_message, pump

    def send(self, payload: Any) -> None:
        if self._on_message is not None:
            self._on_message(pickle.loads(pickle.dumps(payload)))

    @property
    def cancelled(self) -> bool:
        return self._ctx.cancelled

    def requests(self) -> list[Any]:
        return list(self._pump()) if self._pump is not None else []


class _ChildChannel:
    """The channel of a function run in a worker process (talks over the pipe)."""

    def __init__(self, conn) -> None:
        self._conn, self._cancelled, self._requests = conn, False, []

    def _drain(self) -> None:
        while self._conn.poll():
            msg = _recv(self._conn)
            if msg[0] == "cancel":
                self._cancelled = True
            elif msg[0] == "request":
                self._requests.append(msg[1])

    def send(self, payload: Any) -> None:
        _send(self._conn, ("msg", payload))

    @property
    def cancelled(self) -> bool:
        self._drain()
        return self._cancelled

    def requests(self) -> list[Any]:
        self._drain()
        out, self._requests = self._requests, []
        return out


def _worker_entry(fd: int) -> None:  # pragma: no cover - runs in the worker process
    """Entry point of a worker process: serve calls on the inherited socket ``fd``."""
    from multiprocessing.connection import Connection

    _child_main(Connection(fd))


WORKER_NICE = 5  # how much worker processes yield the CPU to the server (os.nice)


def _child_main(conn) -> None:  # pragma: no cover - runs in the worker process
    """A worker process: run calls one at a time until told to stop or the pipe closes.

    It runs at a lower CPU priority than the server (``WORKER_NICE``): on a machine with
    as many busy workers as cores, pages waited for the CPU behind training (a key press
    on the duel page took up to 1.9 s to show while the duel trained on 2 cores, and the
    live progress line stalled for up to 3.5 s). Training loses nothing when a core is
    idle; when the server needs one, the students' pages come first. 5 rather than 10:
    with 10 the load test's shared duel took 44 s instead of 32 s to finish (a heavily
    niced process is preempted often and did the same training in ~40% more CPU time),
    and 5 kept every figure of app_speed --duel under 1 s as well."""
    try:
        os.nice(int(os.environ.get("SPECDIFF_WORKER_NICE", WORKER_NICE)))
    except (OSError, ValueError):  # not allowed, or a bad value: run at normal priority
        pass
    try:
        import torch

        torch.set_num_threads(1)  # one small model per process: one thread is fastest
    except ImportError:
        pass
    while True:
        try:
            msg = _recv(conn)
        except (EOFError, OSError):
            return
        if msg[0] == "stop":
            return
        if msg[0] != "call":
            # A "cancel" or "request" that crossed the last call's result in the pipe
            # (the parent sent it as the call finished): nothing to act on now. Unpacking
            # it as a call killed the worker, and the next student's job with it.
            continue
        _, fn, args, kwargs = msg
        try:
            result = fn(*args, chan=_ChildChannel(conn), **kwargs)
            reply = ("result", result)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
            reply = ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc())
        try:
            _send(conn, reply)
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
            _send(conn, ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))


class ProcessWorker:
    """One persistent worker process that runs :meth:`JobContext.call` for one pool thread.

    A fresh interpreter started with ``subprocess`` (``python -c`` importing only this
    module), joined by a socket pair: not ``multiprocessing``'s spawn, which re-imports the
    parent's ``__main__``, and inside Streamlit that is whichever page script is running,
    so every worker would run the app. The child gets the parent's ``sys.path``.
    """

    POLL = 0.05  # seconds between checks for messages, cancellation and requests

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._conn = None

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        from multiprocessing.connection import Connection

        mine, theirs = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        code = f"from specdiff_core.jobs import _worker_entry; _worker_entry({theirs.fileno()})"
        self._proc = subprocess.Popen(
            [sys.executable, "-c", code], pass_fds=(theirs.fileno(),), env=env, close_fds=True
        )
        theirs.close()
        self._conn = Connection(mine.detach())

    def close(self) -> None:
        if self._proc is None:
            return
        try:
            _send(self._conn, ("stop",))
        except (OSError, ValueError):
            pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=5)
        self._conn.close()
        self._proc = self._conn = None

    def _died(self) -> WorkerDied:
        code = None
        if self._proc is not None:
            try:
                code = self._proc.wait(timeout=5)  # the socket closes just before the exit
            except subprocess.TimeoutExpired:
                pass
        self.close()
        self.start()  # a fresh process for the next job
        return WorkerDied(f"the worker process running this job died (exit code {code})")

    def call(self, fn, args, kwargs, *, ctx: JobContext, on_message=None, pump=None) -> Any:
        if not self.alive():
            self.close()
            self.start()
        _send(self._conn, ("call", fn, args, kwargs))
        cancel_sent = False
        while True:
            try:
                ready = self._conn.poll(self.POLL)
                msg = _recv(self._conn) if ready else None
            except (EOFError, OSError):
                raise self._died() from None
            if msg is not None:
                if msg[0] == "msg":
                    if on_message is not None:
                        on_message(msg[1])
                elif msg[0] == "result":
                    return msg[1]
                else:
                    raise RemoteError(msg[1], msg[2])
            elif self._proc.poll() is not None:
                raise self._died()
            if ctx.cancelled and not cancel_sent:
                _send(self._conn, ("cancel",))
                cancel_sent = True
            for request in pump() if pump is not None else ():
                _send(self._conn, ("request", request))


# ------------------------------------------------------------------------ duel jobs


def _from_state(state: dict[str, Any], train_set, probe_set) -> Any:
    """:meth:`Duel.from_state`, importing the network code only when a duel arrives."""
    from .training import Duel

    return Duel.from_state(state, train_set, probe_set)


@functools.lru_cache(maxsize=8)
def demo_sets(
    family: str, seed: int, regime: str = "oracle", eps: float | None = None
) -> tuple[list, list, Any]:
    """(train set, probe set, test graph) of the app's duel, built once per process;
    ``regime`` and ``eps`` pick where its targets come from (config.REGIMES)."""
    from .experiments import demo_examples

    train, test = demo_examples(seed, family=family, regime=regime, eps=eps)
    return train, [test], test


class DuelRun:
    """The shared object of a training job: ``duel`` mirrors the duel being trained (its
    step count and history, for drawing), and :meth:`request_snapshot` asks for a copy of
    the real thing at the current step (to pause a run that others still watch)."""

    def __init__(self, duel: Any) -> None:
        self.duel = duel
        self._lock = threading.Lock()
        self._asked: list[Future] = []

    def request_snapshot(self) -> Future:
        fut: Future = Future()
        with self._lock:
            self._asked.append(fut)
        return fut

    def take_requests(self) -> list[Future]:
        with self._lock:
            out, self._asked = self._asked, []
        return out


def train_duel_job(
    until: int,
    *,
    chunk: int = 5,
    family: str = "barbell",
    seed: int = 0,
    regime: str = "oracle",
    eps: float | None = None,
) -> Callable[[JobContext], Any]:
    """A job that trains the duel of ``ctx.shared`` (a :class:`DuelRun`) up to step
    ``until`` in the worker's process, streaming progress into the mirror.

    The duel's examples are rebuilt there from ``(family, seed, regime, eps)`` (they are
    deterministic),
    so only its state travels. A duel is deterministic given its config and seed, and
    chunking does not change it, so jobs keyed by (settings, seed, start step, end step)
    may be shared. Returns the trained duel, joined to the mirror's (shared) examples.
    """

    def train(ctx: JobContext) -> Any:
        run: DuelRun = ctx.shared
        mirror = run.duel
        start = mirror.step_count
        waiting: list[Future] = []

        def on_message(msg) -> None:
            if msg[0] == "progress":
                _, step, rows, seconds = msg
                mirror.history.extend(rows)
                mirror.seconds = seconds
                mirror.step_count = step
                ctx.report(step - start)
            elif msg[0] == "snapshot":
                snap = _from_state(msg[1], mirror.train_set, mirror.probe_set)
                for fut in waiting:
                    fut.set_result(snap)
                waiting.clear()

        def pump() -> list[str]:
            new = run.take_requests()
            waiting.extend(new)
            return ["snapshot"] if new else []

        state = ctx.call(
            train_remote,
            mirror.state(),
            family,
            seed,
            until,
            chunk,
            regime,
            eps,
            on_message=on_message,
            pump=pump,
        )
        result = _from_state(state, mirror.train_set, mirror.probe_set)
        for fut in waiting + run.take_requests():  # asked too late for a chunk boundary
            fut.set_result(result)
        return result

    return train


def train_remote(
    state,
    family: str,
    seed: int,
    until: int,
    chunk: int,
    regime: str = "oracle",
    eps: float | None = None,
    *,
    chan,
) -> dict:
    """(In the worker.) Train to ``until`` in chunks; progress and snapshots to ``chan``."""
    train, probe, _ = demo_sets(family, seed, regime, eps)
    duel = _from_state(state, train, probe)
    if duel.config.train.threads > 0 and duel.device.type == "cpu":
        import torch

        torch.set_num_threads(duel.config.train.threads)
    sent = len(duel.history)
    while duel.step_count < min(until, duel.config.train.steps) and not chan.cancelled:
        duel.step(min(chunk, until - duel.step_count))
        chan.send(("progress", duel.step_count, duel.history[sent:], duel.seconds))
        sent = len(duel.history)
        if chan.requests():
            chan.send(("snapshot", duel.state()))
    return duel.state()


def sample_duel_job(
    duel: Any,
    *,
    family: str,
    seed: int,
    k: int,
    sample_seed: int,
    example: Any = None,
    regime: str = "oracle",
    eps: float | None = None,
    decoder: str = "chain",
    rho: float | None = None,
) -> Callable[[JobContext], Any]:
    """A job drawing ``k`` samples per model of ``example`` (default: the duel's held-out
    test graph) with :func:`experiments.sample_duel`, decoded by ``decoder`` (``"topk"``:
    the top ``rho |E|`` edges by the samples' keep frequency), in the worker's process."""
    state = duel.state()  # the duel as it is now
    data = (family, seed, regime, eps)

    def sample(ctx: JobContext) -> Any:
        return ctx.call(sample_remote, state, data, k, sample_seed, example, decoder, rho)

    return sample


def warm_remote(family: str, seed: int, *, chan) -> int:
    """(In the worker.) Build a duel's training set ahead of time (about 3 s in a fresh
    worker: imports and R_eff), so the first student's training starts at once."""
    train, _, _ = demo_sets(family, seed)
    return len(train)


def sample_remote(
    state, data: tuple, k: int, sample_seed: int, example, decoder="chain", rho=None, *, chan
):
    """(In the worker.) Samples and scoreboard of one graph from a duel's models;
    ``data`` is the duel's ``(family, seed, regime, eps)``."""
    from .experiments import sample_duel

    train, probe, test = demo_sets(*data)
    duel = _from_state(state, train, probe)
    return sample_duel(
        duel,
        test if example is None else example,
        k=k,
        seed=sample_seed,
        decoder=decoder,
        rho=rho,
    )


def experiment_remote(name: str, preset: Any, seeds: list[int], *, chan) -> dict:
    """(In the worker.) One of the paper's experiments; progress lines go to ``chan`` and
    the run stops at the next progress line once nobody watches it."""
    from .experiments import run_experiment

    def progress(msg: str) -> None:
        chan.send(msg)
        if chan.cancelled:
            raise Cancelled("nobody is watching this run any more")

    return run_experiment(name, preset=preset, seeds=seeds, progress=progress)
