"""A duel's jobs: training and sampling in a worker process, whose examples are rebuilt
there from the duel's settings (they are deterministic), so only the duel's state travels."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from .jobs import Cancelled, JobContext


def _from_state(state: dict[str, Any], train_set, probe_set) -> Any:
    """:meth:`Duel.from_state`, importing the network code only when a duel arrives."""
    from ..training import Duel

    return Duel.from_state(state, train_set, probe_set)


@functools.lru_cache(maxsize=8)
def demo_sets(
    family: str, seed: int, regime: str = "oracle", eps: float | None = None
) -> tuple[list, list, Any]:
    """(train set, probe set, test graph) of the app's duel, built once per process;
    ``regime`` and ``eps`` pick where its targets come from (config.REGIMES)."""
    from ..experiments import demo_examples

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
    """(In the worker.) Build a duel's training set and torch's optimiser machinery ahead
    of time (seconds in a fresh worker: imports and R_eff), so the first student's training
    starts at once."""
    from ..training.duel import warm_torch

    warm_torch()
    train, _, _ = demo_sets(family, seed)
    return len(train)


def sample_remote(
    state, data: tuple, k: int, sample_seed: int, example, decoder="chain", rho=None, *, chan
):
    """(In the worker.) Samples and scoreboard of one graph from a duel's models;
    ``data`` is the duel's ``(family, seed, regime, eps)``."""
    from ..experiments import sample_duel

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
    from ..experiments import run_experiment

    def progress(msg: str) -> None:
        chan.send(msg)
        if chan.cancelled:
            raise Cancelled("nobody is watching this run any more")

    return run_experiment(name, preset=preset, seeds=seeds, progress=progress)
