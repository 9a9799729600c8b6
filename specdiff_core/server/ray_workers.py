"""The job pool's Ray backend: a :class:`RayWorker` has :class:`~.workers.ProcessWorker`'s
interface and runs each call in a Ray actor of its own (one CPU, on the cluster at the
pool's address or on a Ray started here), so training and sampling leave the machine while
the Streamlit server stays the front.

The channel works over the actor. A call runs in one of the actor's two threads and leaves
what it sends in a mailbox; the pool thread asks the actor, in its other thread, for what is
there (:meth:`_Runner.exchange` waits up to ``POLL`` s for something), handing over at the
same time a cancellation and whatever ``pump()`` returned. The call's result comes back
through the same exchange, after every message sent before it. A call, its messages and its
result cross as plain pickle bytes, as in :class:`~.workers.ProcessWorker`: a call's function is found by import on
the cluster (the package travels in Ray's runtime env, :mod:`specdiff_core.cluster`), and
tensors and arrays come back as the caller's own, not views of Ray's object store.

An actor that dies (a crash, the out-of-memory killer, a lost node) fails the job it ran
with :class:`~.workers.WorkerDied`, and a fresh actor takes the next job.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import pickle
import threading
import traceback
from typing import Any

from ..cluster import import_ray, join_ray
from .workers import RemoteError, Watched, WorkerDied, settle_worker

__all__ = ["RayCluster", "RayWorker"]

_PICKLE = pickle.HIGHEST_PROTOCOL


class _Mailbox:
    """One call's traffic inside the actor: messages out, the reply, cancel and requests in."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.out: list[bytes] = []
        self.reply: bytes | None = None
        self.cancelled = False
        self.requests: list[Any] = []


class _ActorChannel:
    """The ``chan`` of a function run in a Ray actor (see the module docstring)."""

    def __init__(self, box: _Mailbox) -> None:
        self._box = box

    def send(self, payload: Any) -> None:
        data = pickle.dumps(payload, protocol=_PICKLE)  # as it is now, like a pipe's send
        with self._box.cond:
            self._box.out.append(data)
            self._box.cond.notify_all()

    @property
    def cancelled(self) -> bool:
        with self._box.cond:
            return self._box.cancelled

    def requests(self) -> list[Any]:
        with self._box.cond:
            out, self._box.requests = self._box.requests, []
        return out


class _Runner:  # pragma: no cover - runs in a Ray actor
    """The actor: :meth:`run` runs calls one at a time, :meth:`exchange` serves the channel
    (a threaded actor, ``max_concurrency=2``: one thread each)."""

    def __init__(self) -> None:
        settle_worker()
        self._lock = threading.Lock()
        self._boxes: dict[int, _Mailbox] = {}  # by call id: run and exchange may come in any order

    def _box(self, call_id: int) -> _Mailbox:
        with self._lock:
            return self._boxes.setdefault(call_id, _Mailbox())

    def run(self, call_id: int, payload: bytes) -> None:
        box = self._box(call_id)
        try:
            import torch

            torch.set_num_threads(1)  # per OS thread under OpenMP: this thread's own
        except ImportError:
            pass
        try:
            fn, args, kwargs = pickle.loads(payload)
            result = fn(*args, chan=_ActorChannel(box), **kwargs)
            reply = pickle.dumps(("result", result), protocol=_PICKLE)
        except BaseException as exc:  # noqa: BLE001 - reported to the pool, which decides
            error = ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc())
            reply = pickle.dumps(error, protocol=_PICKLE)
        with box.cond:
            box.reply = reply
            box.cond.notify_all()

    def exchange(
        self, call_id: int, cancel: bool, requests: list, wait: float
    ) -> tuple[list[bytes], bytes | None]:
        """Hand in a cancellation and requests; wait up to ``wait`` s for messages or the
        reply; return both (the reply only once every message before it is out)."""
        box = self._box(call_id)
        with box.cond:
            box.cancelled = box.cancelled or cancel
            box.requests.extend(requests)
            box.cond.wait_for(lambda: box.out or box.reply is not None, timeout=wait)
            out, box.out, reply = box.out, [], box.reply
        if reply is not None:
            with self._lock:
                self._boxes.pop(call_id, None)
        return out, reply


@functools.cache
def _runner_actor() -> Any:
    ray = import_ray("the job pool's ray backend")
    return ray.remote(num_cpus=1, max_concurrency=2, max_restarts=0)(_Runner)


def _first_line(exc: BaseException) -> str:
    line = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {line[:160]}" if line else type(exc).__name__


class RayWorker:
    """One Ray actor that runs :meth:`JobContext.call` for one pool thread; the same
    interface as :class:`~.workers.ProcessWorker` (``start``, ``call``, ``close``)."""

    POLL = 0.05  # longest wait of one exchange: how late a cancel or a request can be

    def __init__(self) -> None:
        self._actor: Any = None
        self._lock = threading.Lock()  # start/close come from the pool thread and shutdown
        self._closed = False  # once closed by the pool, never restarted
        self._ids = itertools.count(1)

    def alive(self) -> bool:
        return self._actor is not None

    def start(self) -> None:
        """Create the actor (Ray places it once a CPU is free on the cluster)."""
        runner = _runner_actor()
        with self._lock:
            if self._closed:
                raise WorkerDied("the job pool is shutting down")
            if self._actor is None:
                self._actor = runner.remote()

    def close(self, timeout: float = 5.0, *, final: bool = False) -> None:
        """Kill the actor (a job running in it ends with WorkerDied). Safe from any thread,
        any number of times; ``final`` (the pool's shutdown) also means never restarted."""
        with self._lock:
            self._closed = self._closed or final
            actor, self._actor = self._actor, None
        if actor is not None:
            ray = import_ray("the job pool's ray backend")
            with contextlib.suppress(Exception):  # already dead, or Ray already shut down
                ray.kill(actor, no_restart=True)

    def _died(self, why: str) -> WorkerDied:
        if self._closed:  # closed by the pool's shutdown while the job ran
            return WorkerDied("the job pool shut down while this job ran")
        self.close()
        with contextlib.suppress(WorkerDied):  # unless the pool is closing meanwhile
            self.start()  # a fresh actor for the next job
        return WorkerDied(f"the Ray worker running this job died ({why})")

    def call(self, fn, args, kwargs, *, ctx: Watched, on_message=None, pump=None) -> Any:
        """``fn(*args, chan=..., **kwargs)`` in the actor; see :meth:`JobContext.call`."""
        ray = import_ray("the job pool's ray backend")
        if self._actor is None:
            self.start()
        actor, call_id = self._actor, next(self._ids)  # this call's own: close() may clear it
        if actor is None:
            raise self._died("it was closed")
        payload = pickle.dumps((fn, args, kwargs), protocol=_PICKLE)
        try:
            actor.run.remote(call_id, payload)
        except ray.exceptions.RayError as exc:  # the actor (or its node) is gone
            raise self._died(_first_line(exc)) from None
        cancel_sent = False
        while True:
            cancel = ctx.cancelled and not cancel_sent
            requests = list(pump()) if pump is not None else []
            try:
                ref = actor.exchange.remote(call_id, cancel, requests, self.POLL)
                out, reply = ray.get(ref)
            except ray.exceptions.RayError as exc:  # the actor (or its node) is gone
                raise self._died(_first_line(exc)) from None
            cancel_sent = cancel_sent or cancel
            for data in out:
                if on_message is not None:
                    on_message(pickle.loads(data))
            if reply is not None:
                msg = pickle.loads(reply)
                if msg[0] == "result":
                    return msg[1]
                raise RemoteError(msg[1], msg[2])


class RayCluster:
    """The Ray of one pool: joined (or started here) when the pool is made, stopped at the
    pool's shutdown only if the pool started it. Raises :class:`ConfigError` when ray is
    missing or nothing answers at ``address``."""

    def __init__(self, address: str | None, num_cpus: int) -> None:
        self.address = address
        self.started = join_ray(address, num_cpus, what="the job pool's ray backend")

    def worker(self) -> RayWorker:
        return RayWorker()

    def shutdown(self) -> None:
        if self.started:
            self.started = False
            import_ray("the job pool's ray backend").shutdown()
