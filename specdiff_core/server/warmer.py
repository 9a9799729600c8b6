"""Training the app's preset duels ahead of time into the run store: the ``warm`` command
a teacher runs before class (:func:`warm`), and the server itself while its pool is idle
(:class:`IdleWarmer`).

The default grid is the duels a class opens with: the Duel page's two families, both
regimes (the rare one at the paper's eps) and seeds 0-3, at the page's default steps and
λ (``experiments.DEMO``). The duel has no clique-size setting (its graphs come from the
quick preset's families), so the grid has no clique-size axis.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .duel_jobs import demo_sets
from .jobs import FINISHED
from .run_record import record_duel
from .run_store import RunStore

__all__ = [
    "GRIDS",
    "IDLE_PRIORITY",
    "IdleWarmer",
    "grid_keys",
    "warm",
    "warm_run_remote",
]

FAMILIES = ("barbell", "asymmetric_chain")  # the Duel page's families
REGIMES = ("oracle", "rare")
GRIDS = ("default",)
IDLE_PRIORITY = -1  # behind every other job: the queue serves it only when nothing waits
WARM_OWNER = "run-store warmer"


def grid_keys(
    grid: str = "default",
    *,
    families: Sequence[str] | None = None,
    regimes: Sequence[str] | None = None,
    seeds: Sequence[int] | None = None,
    steps: int | None = None,
) -> list[tuple]:
    """The duel keys (``session.duel_key``) of ``grid``, each axis replaceable.

    Examples
    --------
    >>> len(grid_keys()), grid_keys(families=["barbell"], regimes=["oracle"], seeds=[0])
    (16, [('barbell', 600, 100.0, 0, 'oracle', None)])
    """
    from ..errors import ConfigError
    from ..experiments import DEMO
    from .session import DEFAULT_EPS, duel_key

    if grid not in GRIDS:
        raise ConfigError(f"grid {grid!r}: the grids are {', '.join(GRIDS)}")
    return [
        duel_key(f, DEMO.steps if steps is None else steps, DEMO.lam, s, r, DEFAULT_EPS)
        for f in families or FAMILIES
        for r in regimes or REGIMES
        for s in (range(4) if seeds is None else seeds)
    ]


def _duel(key: tuple):
    """A fresh duel of ``key``, its examples built (or cached) in this process."""
    from ..experiments import demo_duel_config
    from ..training import Duel

    family, steps, lam, seed, regime, eps = key
    train, probe, _ = demo_sets(family, seed, regime, eps)
    return Duel(demo_duel_config(seed, steps=steps, lam=lam), train, probe=probe)


def warm_run_remote(key: tuple, root: str, chunk: int, *, chan) -> bool:
    """(In a worker.) Train duel ``key`` to its end, recording it, and store it under
    ``root``; False if it was cancelled first (nothing is stored)."""
    from .run_store import run_identity

    rec = record_duel(_duel(key), run_identity(key), chunk=chunk, stop=lambda: chan.cancelled)
    if rec is None:
        return False
    RunStore(root).save(rec)
    return True


def warm(
    keys: Iterable[tuple],
    store: RunStore,
    *,
    pool,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Train and store every duel of ``keys`` that ``store`` lacks, on ``pool``'s workers;
    returns how many were ``stored`` and how many ``skipped`` (already there)."""
    from .session import TRAIN_CHUNK

    todo, skipped = [], 0
    for key in keys:
        if store.has(key):
            skipped += 1
        else:
            todo.append(key)
    tickets = [
        (key, pool.submit(_warm_job(key, store.root, TRAIN_CHUNK), owner=WARM_OWNER, cost=key[1]))
        for key in todo
    ]
    stored = 0
    for key, t in tickets:
        view = t.wait()
        if view.status != "done":
            raise RuntimeError(f"warming {key} {view.status}: {view.error}")
        stored += 1
        if progress is not None:
            progress(f"stored {key} ({stored} of {len(todo)}; {view.elapsed:.1f} s)")
    return {"stored": stored, "skipped": skipped}


def _warm_job(key: tuple, root: Path, chunk: int):
    def job(ctx) -> bool:
        return ctx.call(warm_run_remote, key, str(root), chunk)

    return job


class IdleWarmer:
    """A thread that warms ``keys`` into ``store`` while ``pool`` has nothing else to do.

    Every ``every`` seconds it looks at the pool: with no job waiting and a worker free,
    it submits the next missing run at :data:`IDLE_PRIORITY` (one at a time); as soon as
    another job waits while that run trains, it cancels the run (the worker is free
    again within one chunk, about 0.1 s) and tries it again at the next idle moment. A
    student never waits behind warming for more than a chunk.
    """

    def __init__(
        self,
        pool,
        store: RunStore,
        keys: Sequence[tuple],
        *,
        every: float = 2.0,
        owner: str = WARM_OWNER,
    ) -> None:
        self.pool, self.store, self.keys, self.every = pool, store, list(keys), float(every)
        self.owner = owner  # one the pool's reaper never takes for gone
        self.ticket = None
        self._stored: set[tuple] = set()  # verified once: not read again
        self.preempted = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> IdleWarmer:
        self._thread = threading.Thread(target=self._loop, name="specdiff-warmer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self.ticket is not None:
            self.ticket.cancel()

    def missing(self) -> list[tuple]:
        """The runs not stored yet (a damaged record counts as missing)."""
        self._stored.update(k for k in self.keys if k not in self._stored and self.store.has(k))
        return [k for k in self.keys if k not in self._stored]

    def tick(self) -> bool:
        """One look at the pool; returns False once every run is stored."""
        from .session import TRAIN_CHUNK

        stats = self.pool.stats()
        if self.ticket is not None:
            view = self.ticket.poll()  # polled: the reaper leaves it alone
            if view.status not in FINISHED:
                if stats["queued"] > 0:
                    self.ticket.cancel()  # somebody waits: give the worker back
                    self.ticket, self.preempted = None, self.preempted + 1
                return True
            self.ticket = None
        todo = self.missing()
        if not todo:
            return False
        if stats["queued"] == 0 and stats["running"] < stats["workers"]:
            key = todo[0]
            self.ticket = self.pool.submit(
                _warm_job(key, self.store.root, TRAIN_CHUNK),
                owner=self.owner,
                label=f"warm the run store: {key}",
                cost=key[1],
                priority=IDLE_PRIORITY,
            )
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.tick():
                    return
            except RuntimeError:  # the pool was shut down
                return
            time.sleep(self.every)
