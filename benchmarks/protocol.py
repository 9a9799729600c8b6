"""``python -m specdiff_core bench protocol``: how fast the paper's protocol runs.

The paper's Section 5 is a simulation, so it should be instant: the issue's targets are
the whole protocol (Exp I-IV with K = 500, the long-run references and the regime maps)
in under 30 s on one core, and what the app's Paper protocol page recomputes when a
slider moves (Exp I and II without the long run, Exp III's default reading) in under a
second. Both run with one BLAS thread. The baseline, measured in the same run, is the
same Exp I computed the plain way: one trial at a time, a networkx subgraph per trial
and ``networkx.algebraic_connectivity`` (dense) for lambda_2. Each time is the best of
a few repetitions.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from specdiff_core.files import atomic_write

__all__ = ["main", "naive_barbell"]


def _best(fn: Callable[[], Any], reps: int) -> tuple[float, float]:
    """(best wall seconds, CPU seconds of that run)."""
    best = (float("inf"), 0.0)
    for _ in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        w, c = time.perf_counter() - w0, time.process_time() - c0
        best = min(best, (w, c))
    return best


def naive_barbell(trials: int, seed: int = 0) -> float:
    """Exp I's weighted method, one trial at a time through networkx: the baseline."""
    import networkx as nx

    from specdiff_core.experiments.protocol import ProtocolConfig, protocol_graph

    cfg = ProtocolConfig()
    pg = protocol_graph("barbell", cfg)
    G = nx.Graph([tuple(e) for e in pg.edges.tolist()])
    edges = [tuple(e) for e in pg.edges.tolist()]
    scores = pg.freq + cfg.lam * pg.resistance
    rng = np.random.default_rng(seed)
    n_keep, connected = int(pg.rho * pg.m), 0
    for _ in range(trials):
        order = sorted(range(pg.m), key=lambda i: (-round(scores[i], 10), rng.random()))
        H = nx.Graph()
        H.add_nodes_from(G)
        H.add_edges_from(edges[i] for i in order[:n_keep])
        lam2 = nx.algebraic_connectivity(H, method="tracemin_lu") if nx.is_connected(H) else 0.0
        connected += lam2 > 1e-9
    return connected / trials


def main(quick: bool = False, out: str | None = None) -> int:
    from specdiff_core.experiments.protocol import (
        ProtocolConfig,
        run_protocol,
        run_table,
        run_thickness,
    )
    from specdiff_core.resistance import _blas_threads

    cfg = ProtocolConfig()
    reps = 1 if quick else 3
    naive_trials = 50 if quick else 200
    rows: dict[str, Any] = {}
    print(
        f"# paper protocol benchmark - {platform.machine()}, {os.cpu_count()} cores; "
        f"K = {cfg.trials}, one BLAS thread"
    )
    with _blas_threads(1):
        run_table("barbell", cfg, long_run=False)  # imports and caches warm
        w_all, c_all = _best(lambda: run_protocol(cfg), 1 if quick else 2)

        def page() -> None:
            run_table("barbell", cfg, long_run=False)
            run_table("asymmetric_chain", cfg, long_run=False)
            run_thickness(cfg)

        w_page, c_page = _best(page, reps)
        w_exp1, _ = _best(lambda: run_table("barbell", cfg, long_run=False), reps)
        w_naive, _ = _best(lambda: naive_barbell(naive_trials), 1)
    per_trial_ours = w_exp1 / (
        len(run_table("barbell", cfg, long_run=False)["methods"]) * cfg.trials
    )
    per_trial_naive = w_naive / naive_trials
    rows = {
        "all_seconds": w_all,
        "all_cpu_seconds": c_all,
        "page_seconds": w_page,
        "page_cpu_seconds": c_page,
        "exp1_seconds": w_exp1,
        "per_trial_ours": per_trial_ours,
        "per_trial_naive": per_trial_naive,
        "speedup": per_trial_naive / per_trial_ours,
    }
    print(
        f"whole protocol (Exp I-IV, long runs, regime maps): {w_all:.2f} s wall, {c_all:.2f} s CPU"
    )
    print(f"page redraw (Exp I + II without long runs, Exp III): {w_page:.3f} s wall")
    print(
        f"per trial: ours {1e6 * per_trial_ours:.0f} us (batched), networkx one by one "
        f"{1e6 * per_trial_naive:.0f} us ({naive_trials} trials): {rows['speedup']:.0f}x"
    )
    print(
        f"target: whole protocol on one core: {w_all:.2f} s (target <= 30 s): "
        + ("met" if w_all <= 30 else "missed")
    )
    print(
        f"target: Paper protocol page redraw: {w_page:.3f} s (target <= 1 s): "
        + ("met" if w_page <= 1 else "missed")
    )
    if out:
        atomic_write(out, json.dumps(rows, indent=1))
    return 0
