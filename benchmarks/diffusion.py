"""``python -m specdiff_core bench diffusion``: figures for the live demo and the cost of the cure.

Prints, measured in this run:
1. the default barbell duel end to end (data + R_eff + teacher, training both models,
   64 samples each, metrics) against the 20 s lecture target;
2. sampling time of the spectrally-weighted model / the standard model on the same
   graphs (zero inference overhead: the ratio should be 1.00 +- 0.05), with the
   Spectral Oracle's cost (R_eff + sampling) on the same graphs beside it;
3. training steps per second and peak memory (max RSS of a fresh child process) at
   three graph sizes.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import resource
import statistics
import sys
import time
from typing import Any

import numpy as np

from specdiff_core.config import with_steps
from specdiff_core.diffusion import sample_masks
from specdiff_core.experiments import demo_duel_config, demo_examples
from specdiff_core.files import atomic_write
from specdiff_core.training import Duel


def _default_duel(seed: int = 0) -> dict[str, Any]:
    from specdiff_core.metrics import evaluate_batch, summarize

    t0 = time.perf_counter()
    cfg = demo_duel_config(seed)
    train, test = demo_examples(seed)
    t_data = time.perf_counter() - t0
    duel = Duel(cfg, train, probe=[test])
    duel.step(cfg.train.steps)
    t_train = time.perf_counter() - t0 - t_data
    samples = duel.sample(test, 64, seed=seed)
    t_sample = time.perf_counter() - t0 - t_data - t_train
    metrics = {m: summarize(evaluate_batch(test.graph, r.masks)) for m, r in samples.items()}
    total = time.perf_counter() - t0
    return {
        "data_s": t_data,
        "train_s": t_train,
        "sample_s": t_sample,
        "total_s": total,
        "steps": cfg.train.steps,
        "bridge_survival": {m: v["bridge_survival"] for m, v in metrics.items()},
    }


def _inference_overhead(reps: int = 7, seed: int = 0) -> dict[str, Any]:
    from specdiff_core.resistance import effective_resistance
    from specdiff_core.sparsifiers import spectral_oracle

    cfg = with_steps(demo_duel_config(seed), 50)
    train, test = demo_examples(seed)
    duel = Duel(cfg, train, probe=[test])
    duel.step(50)
    times: dict[str, list[float]] = {m: [] for m in duel.players}
    times["oracle"] = []
    for r in range(reps):  # interleaved, so drift in machine load hits every method alike
        for m in duel.players:
            t0 = time.perf_counter()
            sample_masks(duel.players[m].model, duel.diffusion, test.tensors, 64, seed=r)
            times[m].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        R = effective_resistance(test.graph).values
        rng = np.random.default_rng(r)
        for _ in range(64):
            spectral_oracle(test.graph, budget=0.6, seed=rng, resistance=R)
        times["oracle"].append(time.perf_counter() - t0)
    med = {m: statistics.median(v) for m, v in times.items()}
    best = {m: min(v) for m, v in times.items()}  # least disturbed by other load on the machine
    return {
        "median_s": med,
        "min_s": best,
        "ratio_spectral_over_standard": best["spectral"] / best["standard"],
        "ratio_median": med["spectral"] / med["standard"],
        "graph": {"n": test.graph.number_of_nodes(), "m": test.m},
        "reps": reps,
    }


def _size_child(k: int, steps: int, q: mp.Queue) -> None:
    from specdiff_core.config import DuelConfig, TrainConfig
    from specdiff_core.experiments import ExperimentConfig
    from specdiff_core.experiments.evaluation import _examples
    from specdiff_core.graphs import family_graphs

    cfg = ExperimentConfig(n_train=8, clique_min=k, clique_max=k)
    train = _examples(family_graphs("barbell", 8, cfg, 0), cfg, 0, False)
    duel = Duel(DuelConfig(train=TrainConfig(steps=steps, log_every=10**9)), train)
    duel.step(2)  # warm-up
    t0 = time.perf_counter()
    duel.step(steps - 2)
    dt = time.perf_counter() - t0
    q.put(
        {
            "clique": k,
            "edges_per_graph": train[0].m,
            "steps_per_s": (steps - 2) / dt,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def _sizes(quick: bool) -> list[dict[str, Any]]:
    ctx = mp.get_context("spawn")
    out = []
    for k in (8, 24, 48) if not quick else (8, 16):
        q: mp.Queue = ctx.Queue()
        p = ctx.Process(target=_size_child, args=(k, 22 if quick else 52, q))
        p.start()
        out.append(q.get(timeout=600))
        p.join()
    return out


def main(quick: bool = False, out: str | None = None) -> int:
    rows: dict[str, Any] = {}
    print("== default barbell duel (train both, sample 64 each, metrics); target < 20 s")
    d = _default_duel()
    rows["default_duel"] = d
    print(
        f"data+R_eff+teacher {d['data_s']:.2f} s | train {d['steps']} steps x 2 models "
        f"{d['train_s']:.2f} s | sample 64 x 2 {d['sample_s']:.2f} s | total {d['total_s']:.2f} s "
        f"({'meets' if d['total_s'] < 20 else 'MISSES'} the 20 s target)"
    )
    print(
        "bridge survival in those samples:",
        {m: round(v, 3) for m, v in d["bridge_survival"].items()},
    )
    print("\n== zero inference overhead: 64 samples of one graph, best of interleaved reps")
    o = _inference_overhead(reps=5 if quick else 11)
    rows["inference"] = o
    med = o["min_s"]
    print(
        f"graph n={o['graph']['n']} m={o['graph']['m']}: standard {med['standard'] * 1e3:.1f} ms | "
        f"spectral {med['spectral'] * 1e3:.1f} ms | ratio {o['ratio_spectral_over_standard']:.3f} "
        f"(target 1.00 +- 0.05; median ratio {o['ratio_median']:.3f}) | Spectral Oracle (R_eff + 64 draws) {med['oracle'] * 1e3:.1f} ms"
    )
    print("\n== training throughput and peak memory (fresh process per size, both models per step)")
    sizes = _sizes(quick)
    rows["sizes"] = sizes
    print(f"{'clique k':>8} {'edges/graph':>11} {'steps/s':>8} {'peak RSS MiB':>12}")
    for s in sizes:
        print(
            f"{s['clique']:>8} {s['edges_per_graph']:>11} {s['steps_per_s']:>8.1f} {s['peak_rss_mib']:>12.0f}"
        )
    if out:
        atomic_write(out, json.dumps(rows, indent=1, default=float))
        print(f"\nwrote {out}", file=sys.stderr)
    return 0
