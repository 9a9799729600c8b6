"""Regime maps: connectivity of the standard and weighted scores over eps x lambda and
eps x rho, beside the analytic boundary where the weighted score rescues the bridge."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from .graphs import lambda2, n_kept, protocol_graph
from .scores import _STREAM, _TIE_DECIMALS, _rng, topk_masks
from .settings import ProtocolConfig


def rescue_lambda(p_common: float, eps: float, r_rare: float, r_common: float) -> float:
    """The smallest lambda at which a rare edge's score ``eps + lambda r_rare`` overtakes
    a common edge's ``p_common + lambda r_common`` (0 if it already leads; inf if never).

    Examples
    --------
    >>> rescue_lambda(0.95, 0.05, 1.0, 0.25)  # the barbell's bridge vs a K8 edge
    1.2
    """
    gap, slope = p_common - eps, r_rare - r_common
    if gap < 0:
        return 0.0
    return math.inf if slope <= 0 else round(gap / slope, 12)


def regime_map(cfg: ProtocolConfig, graph: str = "barbell") -> dict[str, Any]:
    """Connectivity of standard and weighted over eps x lambda (at the graph's rho) and
    over eps x rho (at ``cfg.lam``), ``cfg.map_trials`` trials per cell, with the
    analytic rescue boundary. Cells whose scores rank the edges alike share one run:
    the protocol's outcome depends on the ranking (and rho) only."""
    base = protocol_graph(graph, cfg)
    r_common = float(base.resistance[~base.rare].max())
    r_rare = float(base.resistance[base.rare].min())
    cache: dict[tuple, float] = {}

    def conn(method: str, eps: float, lam: float, rho: float) -> float:
        freq = np.where(base.rare, eps, cfg.p_common)
        scores = freq if method == "standard" else freq + lam * base.resistance
        s = np.round(scores, _TIE_DECIMALS)
        ranks = np.unique(-s, return_inverse=True)[1]
        n_keep = n_kept(rho, base.m, cfg)
        key = (tuple(ranks.tolist()), n_keep)
        if key not in cache:
            rng = _rng(cfg, _STREAM["map"], len(cache))
            masks = topk_masks(s, n_keep, cfg.map_trials, rng, cfg.ties)
            l2 = lambda2(base.n, base.edges, masks.astype(np.float64))
            cache[key] = float((l2 > 1e-9 * max(1.0, base.lambda2)).mean())
        return cache[key]

    t0 = time.perf_counter()
    eps, lams, rhos = list(cfg.map_eps), list(cfg.map_lam), list(cfg.map_rho)
    out: dict[str, Any] = {"graph": graph, "eps": eps, "lam": lams, "rho": rhos}
    for method in ("standard", "weighted"):
        out[f"{method}_eps_lam"] = [[conn(method, e, lam, base.rho) for e in eps] for lam in lams]
        out[f"{method}_eps_rho"] = [[conn(method, e, cfg.lam, r) for e in eps] for r in rhos]
    out["boundary_lam"] = [rescue_lambda(cfg.p_common, e, r_rare, r_common) for e in eps]
    out["boundary_standard_eps"] = cfg.p_common  # S = P_freq: the bridge must be as frequent
    out["rho_default"], out["lam_default"] = base.rho, cfg.lam
    out["distinct_runs"] = len(cache)
    out["seconds"] = time.perf_counter() - t0
    return out
