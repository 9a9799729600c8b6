"""The four methods of the paper's tables as keep masks over ``K`` trials (scores, top
``rho |E|`` with random tie-breaks, Spielman-Srivastava sampling), their summary
(connectivity, RSE), and the seeded random stream of every experiment and method."""

from __future__ import annotations

import math

import numpy as np

from ...errors import ConfigError
from .graphs import ProtocolGraph, lambda2, n_kept
from .settings import ProtocolConfig

_TIE_DECIMALS = 10  # scores equal to 10 decimals are ties (2/8 computed two ways differs at 1e-16)


def topk_masks(
    scores: np.ndarray, n_keep: int, trials: int, rng: np.random.Generator, ties: str = "random"
) -> np.ndarray:
    """``(trials, m)`` bool: the ``n_keep`` highest-scoring edges, equal scores (to 10
    decimals) in a fresh random order each trial (``ties="index"``: by edge index)."""
    s = np.round(np.asarray(scores, dtype=np.float64), _TIE_DECIMALS)
    m = len(s)
    n_keep = int(min(max(n_keep, 0), m))
    masks = np.zeros((trials, m), dtype=bool)
    if n_keep == 0:
        return masks
    if ties == "index":
        masks[:, np.argsort(-s, kind="stable")[:n_keep]] = True
        return masks
    # dense rank (0 = best score) plus a uniform in [0, 1): equal scores in random order,
    # unequal ones never swapped; argpartition finds the n_keep smallest keys in O(m)
    rank = np.unique(-s, return_inverse=True)[1].astype(np.float64)  # (m,)
    key = rank[None, :] + rng.random((trials, m))  # (trials, m)
    top = np.argpartition(key, n_keep - 1, axis=1)[:, :n_keep]
    np.put_along_axis(masks, top, True, axis=1)
    return masks


def oracle_sampling(
    R: np.ndarray, expected: float, trials: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Spielman-Srivastava's independent sampling at ``expected`` kept edges: masks and
    the ``1 / p_e`` reweighted weights, each ``(trials, m)`` (unit input weights)."""
    from ...sparsifiers import keep_scale

    C = max(keep_scale(R, expected), 0.0)
    p = np.minimum(1.0, C * R)  # (m,)
    masks = rng.random((trials, len(R))) < p
    return masks, np.where(masks, 1.0 / np.maximum(p, 1e-300), 0.0)


def _rng(cfg: ProtocolConfig, *stream: int) -> np.random.Generator:
    return np.random.default_rng([int(cfg.seed), *stream])


_STREAM = {"barbell": 1, "asymmetric_chain": 2, "thick": 3, "map": 4, "dynamics": 5, "custom": 6}
_LAYOUT_ID = {"parallel": 1, "disjoint": 2, "collapsed": 3}
_METHOD_ID = {"random": 1, "standard": 2, "weighted": 3, "oracle_sampling": 4, "oracle_topk": 5}


def method_trials(
    pg: ProtocolGraph,
    method: str,
    cfg: ProtocolConfig,
    rng: np.random.Generator,
    *,
    trials: int | None = None,
    rho: float | None = None,
    lam: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Masks ``(K, m)`` and the weights of the kept subgraphs for one method."""
    K = trials or cfg.trials
    n_keep = n_kept(rho if rho is not None else pg.rho, pg.m, cfg)
    lam = cfg.lam if lam is None else lam
    if method == "oracle_sampling":
        return oracle_sampling(pg.resistance, n_keep, K, rng)
    scores = {
        "random": np.zeros(pg.m),
        "standard": pg.freq,
        "weighted": pg.freq + lam * pg.resistance,
        "oracle_topk": pg.resistance,  # w_e R_e with unit weights
    }
    if method not in scores:
        raise ConfigError(f"unknown protocol method {method!r}")
    ties = "random" if method == "random" else cfg.ties
    masks = topk_masks(scores[method], n_keep, K, rng, ties)
    return masks, masks.astype(np.float64)


def summarize_trials(pg: ProtocolGraph, masks: np.ndarray, weights: np.ndarray) -> dict:
    """Connectivity (lambda_2 > 0) with its 95% Wilson interval, RSE mean/sd with a 95%
    interval of the mean, and how often the rare edge(s) were kept."""
    from ...metrics import wilson_ci

    l2 = lambda2(pg.n, pg.edges, weights)  # (K,)
    connected = l2 > 1e-9 * max(1.0, pg.lambda2)
    rse = np.abs(pg.lambda2 - l2) / pg.lambda2
    K = len(l2)
    half = 1.959963984540054 * float(rse.std(ddof=1)) / math.sqrt(K) if K > 1 else math.nan
    return {
        "connectivity": float(connected.mean()),
        "connectivity_ci": list(wilson_ci(int(connected.sum()), K)),
        "rse_mean": float(rse.mean()),
        "rse_sd": float(rse.std(ddof=1)) if K > 1 else 0.0,
        "rse_ci": [float(rse.mean()) - half, float(rse.mean()) + half],
        "rare_kept": float(masks[:, pg.rare].any(axis=1).mean()),
        "edges_kept": float(masks.sum(axis=1).mean()),
        "n_trials": K,
    }
