"""Running an experiment's units: serially, on local processes or on Ray; resumable.

An experiment (:class:`specdiff_core.experiments.Experiment`) is a list of independent
units (a seed, or a setting and a seed), each seeded by its own description only. A
unit runs the same way on every backend: in a process with one torch thread and one
BLAS thread, its result put through a JSON round trip (exact for floats). So the
combined result is identical whatever ran the units, and a unit read back from disk
is indistinguishable from one just computed.

Backends
--------
``serial``
    In this process, in order (progress messages from inside the unit are passed on).
``local``
    A process pool on this machine, ``spawn`` context, ``workers`` processes.
``ray``
    Ray tasks of one CPU each: on the cluster at ``address``, or on a Ray instance
    started here (and stopped afterwards) when no address is given.

Resuming
--------
With ``store_dir``, every finished unit is written at once (atomically) to
``store_dir/.units/<experiment>-<key>/<unit>.json``, ``key`` hashing the experiment,
the package version, the full configuration and the user's graphs. A later call with
the same settings reads finished units back instead of running them, so an
interrupted sweep continues where it stopped, and adding seeds reuses the old ones.
(``reproduce`` removes an experiment's unit files once its result file is written.)
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..cluster import THREAD_VARS, import_ray, join_ray
from ..errors import ConfigError
from ..jsonio import normalise
from ..signals import children_ignore_sigint, deferred_signals
from .store import UnitStore

if TYPE_CHECKING:
    from .config import ExperimentConfig

__all__ = ["BACKENDS", "RunInfo", "run_units", "unit_id"]

BACKENDS = ("serial", "local", "ray")


@dataclass
class RunInfo:
    """The units' results, in the experiment's unit order, and how they were obtained."""

    results: list[dict[str, Any]]
    info: dict[str, Any] = field(default_factory=dict)


def unit_id(unit: dict[str, Any]) -> str:
    """A unit's stable name, e.g. ``"seed=0"`` or ``"fraction=0.2,seed=1"``.

    Examples
    --------
    >>> unit_id({"fraction": 0.2, "seed": 1})
    'fraction=0.2,seed=1'
    """
    return ",".join(f"{k}={v}" for k, v in unit.items())


# ------------------------------------------------------------------------------- work


def _work(
    run_unit: Callable[..., dict[str, Any]],
    cfg: ExperimentConfig,
    unit: dict[str, Any],
    graphs: Sequence[nx.Graph] | None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run one unit here, single-threaded; what every backend runs (``run_unit`` is a
    module-level function or a partial of one, so it pickles by reference)."""
    import torch

    from ..resistance import _blas_threads

    torch.set_num_threads(1)
    t0 = time.perf_counter()
    with _blas_threads(1):
        part = run_unit(cfg, unit, graphs=graphs, progress=progress)
    return {"result": normalise(part), "seconds": time.perf_counter() - t0}


@contextmanager
def _single_thread_env() -> Iterator[None]:
    """Child processes started inside inherit one-thread BLAS/OpenMP settings."""
    old = {k: os.environ.get(k) for k in THREAD_VARS}
    os.environ.update(dict.fromkeys(THREAD_VARS, "1"))
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@dataclass(frozen=True)
class _Batch:
    """The units a backend has to run: ``run_unit`` with ``cfg`` and ``graphs`` on each
    ``(uid, unit)`` of ``todo``, every result handed to ``finish(uid, payload)``."""

    run_unit: Callable[..., dict[str, Any]]
    cfg: ExperimentConfig
    todo: list[tuple[str, dict[str, Any]]]
    graphs: Sequence[nx.Graph] | None
    finish: Callable[[str, dict[str, Any]], None]


def _run_local(batch: _Batch, workers: int) -> None:
    """The units on a spawn-context process pool. Ctrl-C and SIGTERM stop it cleanly: the
    workers are started ignoring SIGINT (a Ctrl-C reaches this process only, not each
    worker with a traceback), the signals are held while waiting and raised between waits,
    and then every worker is terminated before the exception goes on, so none is left
    running, orphaned, with the resource tracker waiting on it."""
    ctx = mp.get_context("spawn")
    with deferred_signals() as pending:
        with _single_thread_env(), children_ignore_sigint():
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
            # the workers start here, inside the block (spawn starts them on submission)
            futures = {
                pool.submit(_work, batch.run_unit, batch.cfg, unit, batch.graphs): uid
                for uid, unit in batch.todo
            }
        try:
            pending_futures = set(futures)
            while pending_futures:
                pending.check()
                done, pending_futures = wait(
                    pending_futures, timeout=0.2, return_when=FIRST_COMPLETED
                )
                for fut in sorted(done, key=lambda f: futures[f]):
                    batch.finish(futures[fut], fut.result())
        except BaseException:
            _stop_pool(pool)
            raise
    pool.shutdown(wait=True)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel what waits, terminate the workers (running units too) and reap them."""
    processes = getattr(pool, "_processes", None)  # {pid: Process}; no public API before 3.14
    procs = list(processes.values()) if isinstance(processes, dict) else []
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.terminate()
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)


def _run_ray(batch: _Batch, workers: int, address: str | None) -> None:
    ray = import_ray("--backend ray")  # a ConfigError naming the package when it is missing
    started = join_ray(address, workers, what="--backend ray")
    try:
        task = ray.remote(num_cpus=1, max_retries=0)(_work)
        cfg_ref, graphs_ref = ray.put(batch.cfg), ray.put(batch.graphs)
        refs = {
            task.remote(batch.run_unit, cfg_ref, unit, graphs_ref): uid for uid, unit in batch.todo
        }
        pending = list(refs)
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            for ref in ready:
                batch.finish(refs[ref], ray.get(ref))
    except BaseException:
        for ref in refs if "refs" in locals() else ():
            ray.cancel(ref, force=True)
        raise
    finally:
        if started:
            ray.shutdown()


# -------------------------------------------------------------------------------- run


def run_units(
    experiment: Any,
    cfg: ExperimentConfig,
    seeds: Sequence[int],
    *,
    graphs: Sequence[nx.Graph] | None = None,
    backend: str = "serial",
    workers: int | None = None,
    address: str | None = None,
    store_dir: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    on_unit: Callable[[str, dict[str, Any]], None] | None = None,
) -> RunInfo:
    """Run (or read back) every unit of experiment ``name``.

    Parameters
    ----------
    experiment : registry.Experiment
        Anything with ``name``, ``units(cfg, seeds)`` and ``run_unit(cfg, unit, graphs=,
        progress=)``.
    cfg : ExperimentConfig
    seeds : sequence of int
    graphs : sequence of networkx graphs, optional
        The user's graphs, handed to every unit.
    backend : {"serial", "local", "ray"}
    workers : int, optional
        Processes (``local``) or CPUs of a locally started Ray; default: the CPU count.
    address : str, optional
        Ray cluster address (``ray`` only).
    store_dir : path, optional
        Write finished units here and reuse the ones already there.
    progress : callable(str), optional
        Messages: one per finished unit (and, serially, from inside units).
    on_unit : callable(unit_id, payload), optional
        Called after each unit is finished and stored (tests interrupt from here).

    Returns
    -------
    RunInfo
        ``results``: the units' results in unit order; ``info``: backend, workers,
        units run and reused, and the seconds spent inside units.

    Raises
    ------
    ConfigError
        Unknown backend, ``address`` without Ray, fewer than one worker, or Ray missing.
    """
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if address and backend != "ray":
        raise ConfigError("--address is for --backend ray only")
    if workers is not None and workers < 1:
        raise ConfigError(f"workers must be >= 1, got {workers}")
    name, run_unit = experiment.name, experiment.run_unit
    units = experiment.units(cfg, list(seeds))
    ids = [unit_id(u) for u in units]
    assert len(set(ids)) == len(ids), f"duplicate units in {name}: {ids}"
    store = UnitStore(store_dir, name, cfg, graphs) if store_dir is not None else None
    done: dict[str, dict[str, Any]] = {}
    if store is not None:
        for uid in ids:
            payload = store.load(uid)
            if payload is not None:
                done[uid] = payload
    reused = len(done)
    todo = [(uid, u) for uid, u in zip(ids, units, strict=True) if uid not in done]

    def finish(uid: str, payload: dict[str, Any]) -> None:
        if store is not None:
            store.save(uid, payload)
        done[uid] = payload
        if progress:
            progress(f"{len(done)}/{len(ids)} units done ({uid}, {payload['seconds']:.0f} s)")
        if on_unit:
            on_unit(uid, payload)

    n_workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    batch = _Batch(run_unit, cfg, todo, graphs, finish)
    if backend == "serial" or (backend == "local" and n_workers == 1):
        for uid, unit in todo:
            finish(uid, _work(run_unit, cfg, unit, graphs, progress))
    elif backend == "local":
        _run_local(batch, n_workers)
    elif todo:
        _run_ray(batch, workers or os.cpu_count() or 1, address)
    seconds = sum(done[uid]["seconds"] for uid in ids)
    return RunInfo(
        results=[done[uid]["result"] for uid in ids],
        info={
            "backend": backend,
            "workers": n_workers if backend != "serial" else 1,
            "units": len(ids),
            "reused": reused,
            "unit_seconds": seconds if math.isfinite(seconds) else None,
        },
    )
