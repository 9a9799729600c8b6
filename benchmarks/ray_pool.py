"""The job pool's Ray backend against its local worker processes, on this machine.

``python benchmarks/ray_pool.py [--jobs 40] [--steps 100] [--address ADDR]``

Prints, measured in this run, for each backend (``process``: the default, one worker
process per pool thread; ``ray``: one Ray actor per pool thread, on a Ray of ``--workers``
CPUs started here, or on the cluster at ``--address``):

1. the time to start the pool (joining or starting Ray, the workers' first job);
2. the overhead per job: submit and wait for ``--jobs`` jobs, one at a time, whose remote
   part does nothing (``warm_remote`` once its training set is cached), so each takes
   what the pool and its channel cost (median and 90th percentile);
3. the app's default duel trained ``--steps`` steps (streamed in chunks of 5, as the
   app does) in seconds, and whether its weights and history are identical to the local
   processes' (``torch.equal`` on every tensor).

The issue gives no target, so there is no ``target:`` line.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from specdiff_core import experiments, server  # noqa: E402
from specdiff_core.server import JobPool  # noqa: E402
from specdiff_core.training import Duel  # noqa: E402


def _noop_jobs(pool: JobPool, jobs: int) -> list[float]:
    """Seconds from submit to done of ``jobs`` near-empty jobs, one at a time."""
    out = []
    for i in range(jobs):
        start = time.perf_counter()
        t = pool.submit(lambda ctx: ctx.call(server.warm_remote, "barbell", 0), owner=f"s{i}")
        assert t.wait(300).status == "done", t.error  # a fresh worker warms up first
        out.append(time.perf_counter() - start)
    return out


def _duel(pool: JobPool, steps: int) -> tuple[float, Duel]:
    train, probe, _ = server.demo_sets("barbell", 0)
    duel = Duel(experiments.demo_duel_config(0, steps=steps), train, probe=probe)
    start = time.perf_counter()
    t = pool.submit(server.train_duel_job(steps, chunk=5), owner="a", shared=server.DuelRun(duel))
    assert t.wait(600).status == "done", t.error
    return time.perf_counter() - start, t.result()


def _measure(backend: str, args) -> tuple[dict, Duel]:
    address = args.address if backend == "ray" else None
    start = time.perf_counter()
    pool = JobPool(workers=args.workers, reap_every=0, backend=backend, ray_address=address)
    _noop_jobs(pool.start(), args.workers)  # every worker up, its training set built
    startup = time.perf_counter() - start
    try:
        times = sorted(_noop_jobs(pool, args.jobs))
        seconds, duel = _duel(pool, args.steps)
    finally:
        pool.shutdown()
    p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
    return {"start": startup, "median": statistics.median(times), "p90": p90, "duel": seconds}, duel


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=40, help="near-empty jobs per backend")
    ap.add_argument("--steps", type=int, default=100, help="training steps of the duel")
    ap.add_argument("--workers", type=int, default=1, help="pool threads (and Ray CPUs)")
    ap.add_argument("--address", default=None, help="a Ray cluster (default: start one here)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    figures, duels = {}, {}
    for backend in ("process", "ray"):
        figures[backend], duels[backend] = _measure(backend, args)
    print(f"{args.jobs} near-empty jobs one at a time, {args.workers} worker(s):")
    for backend, f in figures.items():
        print(
            f"  {backend:8s} start {f['start']:6.2f} s, per job median {1e3 * f['median']:6.1f} ms"
            f", p90 {1e3 * f['p90']:6.1f} ms; duel of {args.steps} steps {f['duel']:5.2f} s"
        )
    extra = figures["ray"]["median"] - figures["process"]["median"]
    print(f"ray's overhead per job over local processes: {1e3 * extra:+.1f} ms (median)")
    a, b = duels["process"], duels["ray"]
    same = all(
        torch.equal(x, y)
        for m in a.players
        for x, y in zip(
            a.players[m].model.state_dict().values(),
            b.players[m].model.state_dict().values(),
            strict=True,
        )
    )
    rows = [[{k: v for k, v in r.items() if k != "seconds"} for r in d.history] for d in (a, b)]
    print(f"duel on ray identical to local processes: weights {same}, history {rows[0] == rows[1]}")
    return 0 if same and rows[0] == rows[1] else 1


if __name__ == "__main__":
    raise SystemExit(main())
