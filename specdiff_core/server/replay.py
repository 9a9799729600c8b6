"""A stored run played back: a ticket-like handle that a session holds in place of a
training job's :class:`~.tickets.Ticket` when the run store already has the duel.

The page polls it like a training job: its mirror (``shared.duel``) gains the live run's
history chunk by chunk at the pace the live run had (its recorded training seconds per
chunk), and when the last chunk is due the stored models are handed over, restored bit
for bit. Nothing runs in the pool while it plays: a poll only moves the mirror on (a few
list operations), so a replay holds no worker and costs its watcher next to no CPU
(``benchmarks/replay.py``). Pausing asks the pool for the models at the step reached: the
last checkpoint before it, trained on the few steps that remain (a high-priority job).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from ..graphs import family_label
from .duel_jobs import DuelRun, train_duel_job
from .jobs import JobView
from .run_record import RunRecord, restore

__all__ = ["Replay", "SNAPSHOT_PRIORITY", "duel_at"]

SNAPSHOT_PRIORITY = 1  # a pause's few steps go ahead of queued training (like sampling)
SNAPSHOT_WAIT = 60.0  # seconds a pause's job may take before the pause gives up


def duel_at(rec: RunRecord, like: Any, step: int) -> Any:
    """A new duel of ``like``'s settings and examples in the state of ``rec``'s last
    checkpoint at or before ``step``."""
    from ..training import Duel

    fresh = Duel(like.config, like.train_set, probe=like.probe_set)
    ckpt = rec.before(step)
    return fresh if ckpt is None else restore(fresh, ckpt, rec.history)


class _ReplayRun(DuelRun):
    """The replay's shared object: the mirror, and snapshots from the pool."""

    def __init__(self, replay: Replay, duel: Any) -> None:
        super().__init__(duel)
        self._replay = replay

    def request_snapshot(self) -> Future:
        return self._replay._snapshot()


class Replay:
    """Play ``rec`` from ``duel``'s step to its end (see the module docstring).

    ``duel`` is the session's duel (on the run's path: same settings, trained from step
    0); ``key`` its ``session.duel_key``; ``pool`` and ``owner`` serve a pause; ``clock``
    is the time source (tests pass a fake one).
    """

    def __init__(
        self,
        rec: RunRecord,
        duel: Any,
        *,
        key: tuple,
        pool: Any,
        owner: str,
        chunk: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        assert duel.step_count < rec.steps, "nothing to replay"
        self.owner, self.reused, self.label = owner, False, f"replay {key}"
        self._rec, self._key, self._pool, self._chunk = rec, key, pool, chunk
        self._clock, self._t0 = clock, clock()
        self._lock = threading.Lock()
        start = duel.step_count
        base = rec.seconds_at(start)
        self._due = [(s, rows, sec, sec - base) for s, rows, sec in rec.chunks if s > start]
        self._next = 0
        self._rows = len(duel.history)
        self._cancelled = False
        self._result: Any = None
        self._snap_ticket: Any = None
        self.shared = _ReplayRun(self, duel.clone())

    @property
    def total(self) -> float:
        """Seconds the replay lasts."""
        return self._due[-1][3]

    def _advance(self) -> None:
        """Move the mirror on to every chunk that is due."""
        with self._lock:
            elapsed = self._clock() - self._t0
            mirror = self.shared.duel
            while self._next < len(self._due) and self._due[self._next][3] <= elapsed:
                step, rows, sec, _ = self._due[self._next]
                # copies: the record is shared, read-only, by every replay of it
                mirror.history.extend(dict(r) for r in self._rec.history[self._rows : rows])
                mirror.seconds, mirror.step_count = sec, step
                self._rows, self._next = rows, self._next + 1

    @property
    def status(self) -> str:
        if self._cancelled:
            return "cancelled"
        self._advance()
        return "done" if self._next == len(self._due) else "running"

    def poll(self) -> JobView:
        status = self.status
        elapsed = min(self._clock() - self._t0, self.total)
        done = status == "done"
        return JobView(
            status=status,
            position=None,
            queued=0,
            running=0 if done else 1,
            workers=getattr(self._pool, "workers", 1),
            eta=None if done or status == "cancelled" else max(self.total - elapsed, 0.0),
            progress=1.0 if done else elapsed / max(self.total, 1e-9),
            watchers=1,
            reused=False,
            error=None,
            elapsed=elapsed,
        )

    def result(self) -> Any:
        """The stored models at the run's end, as a duel of the session's examples."""
        if self.status != "done":
            raise RuntimeError(f"{self.label} is {self.status}, not done")
        if self._result is None:
            self._result = duel_at(self._rec, self.shared.duel, self._rec.steps)
        return self._result

    def cancel(self) -> None:
        self._cancelled = True
        if self._snap_ticket is not None:
            self._snap_ticket.cancel()

    def _snapshot(self) -> Future:
        """The duel at the step the mirror shows now (a pause)."""
        fut: Future = Future()
        mirror = self.shared.duel
        step = mirror.step_count
        base = duel_at(self._rec, mirror, step)
        if base.step_count == step:
            fut.set_result(base)
            return fut
        family, _, lam, seed, regime, eps = self._key
        ticket = self._pool.submit(
            train_duel_job(
                step, chunk=self._chunk, family=family, seed=seed, regime=regime, eps=eps
            ),
            owner=self.owner,
            key=("train", self._key, base.step_count, step),
            label=f"pause a replay of {family_label(family)} ({regime}) λ={lam:g} seed={seed} at step {step}",
            cost=step - base.step_count,
            shared=DuelRun(base),
            priority=SNAPSHOT_PRIORITY,
        )
        self._snap_ticket = ticket
        seconds = self._rec.seconds_at(step)

        def wait() -> None:
            view = ticket.wait(SNAPSHOT_WAIT)
            if view.status != "done":
                fut.set_exception(RuntimeError(f"pausing the replay: {view.status}"))
                return
            snap = ticket.result().clone()
            snap.seconds = seconds  # the live run's clock, as the page showed it
            fut.set_result(snap)

        threading.Thread(target=wait, name="specdiff-replay-pause", daemon=True).start()
        return fut
