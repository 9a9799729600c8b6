"""``python -m specdiff_core bench diffusion``: figures for the live demo and the cost of the cure.

Prints, measured in this run:
1. the default barbell duel end to end (data + R_eff + teacher, training both models,
   64 samples each, metrics) against the 20 s lecture target;
2. sampling time of the spectrally-weighted model / the standard model on the same
   graphs (zero inference overhead: the ratio should be 1.00 +- 0.05), with the
   Spectral Oracle's cost (R_eff + sampling) on the same graphs beside it;
3. training steps per second and peak memory (max RSS of a fresh child process) at
   three graph sizes;
4. the duel's training (the grouped network, instrumentation included) against a naive
   reference in the same run: the same two networks trained one after the other by a
   plain eager loop (forward, the one loss, backward, clip, torch's default Adam), no
   instrumentation, the same batches.

Ends with one ``target: ...: met|missed`` line per target.
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


def _naive_reference(steps: int, seed: int = 0) -> dict[str, float]:
    """CPU and wall seconds of ``steps`` steps of the demo duel trained (a) by the duel and
    (b) by a plain loop over the same models and batches; interleaved halves, so a load
    change on the machine affects both alike."""
    import copy

    import torch

    from specdiff_core.training.losses import edge_loss

    cfg = with_steps(demo_duel_config(seed), steps)
    train, test = demo_examples(seed)
    ours = Duel(cfg, train, probe=[test])
    ref = Duel(cfg, train, probe=[test])  # only for its initial models, weights and batches
    batches = [ref._batch() for _ in range(steps)]
    players = list(ref.players.values())
    models = [copy.deepcopy(p.model) for p in players]
    opts = [torch.optim.Adam(m.parameters(), lr=cfg.train.lr) for m in models]
    keep = ref.diffusion.keep_rate

    def naive(lo: int, hi: int) -> None:
        for b in batches[lo:hi]:
            for p, model, opt in zip(players, models, opts, strict=True):
                w = p.batch_weights(b.idx, b.x0, keep, ref.device)
                loss = edge_loss(model(b.g, b.x_t, b.t), b.x0, w, focal_gamma=p.focal_gamma)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.train.grad_clip)
                opt.step()

    out = {"ours_cpu": 0.0, "naive_cpu": 0.0, "ours_wall": 0.0, "naive_wall": 0.0}
    for lo, hi in ((0, steps // 2), (steps // 2, steps)):
        for name in ("ours", "naive"):
            c, w = time.process_time(), time.perf_counter()
            ours.step(hi - lo) if name == "ours" else naive(lo, hi)
            out[f"{name}_cpu"] += time.process_time() - c
            out[f"{name}_wall"] += time.perf_counter() - w
    out["steps"] = steps
    return out


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
    print("\n== the duel's training vs a naive reference (same models, same batches, this run)")
    steps = 200 if quick else d["steps"]
    r = _naive_reference(steps)
    rows["naive_reference"] = r
    ratio = r["ours_cpu"] / r["naive_cpu"]
    print(
        f"{steps} steps x 2 models: ours {r['ours_cpu']:.2f} CPU s ({r['ours_wall']:.2f} s wall, "
        f"instrumentation included) | naive {r['naive_cpu']:.2f} CPU s ({r['naive_wall']:.2f} s "
        f"wall) | ratio {ratio:.2f}"
    )
    ratio_s = o["ratio_spectral_over_standard"]
    targets = [
        (
            "training CPU time / the naive reference",
            ratio,
            f"{ratio:.2f}",
            "<= 0.35",
            ratio <= 0.35,
        ),
        (
            "default duel (train both + sample 64 each + metrics) wall",
            d["total_s"],
            f"{d['total_s']:.2f} s",
            "<= 2.5 s",
            d["total_s"] <= 2.5,
        ),
        (
            "sampling time weighted / standard",
            ratio_s,
            f"{ratio_s:.3f}",
            "1.00 +- 0.05",
            abs(ratio_s - 1) <= 0.05,
        ),
    ]
    print()
    for what, _, fig, bound, ok in targets:
        print(f"target: {what}: {fig} (target {bound}): {'met' if ok else 'missed'}")
    if out:
        atomic_write(out, json.dumps(rows, indent=1, default=float))
        print(f"\nwrote {out}", file=sys.stderr)
    return 0
