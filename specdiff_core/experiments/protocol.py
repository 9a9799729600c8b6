"""The paper's own protocol: Algorithm 5.1 of Siami (2025), a scoring simulation.

The paper's Section 5 trained no network. Its experiments score every edge of a fixed
graph from *theoretical* marginal frequencies ``P_freq`` and effective resistances, keep
the top ``rho |E|`` edges by score, and repeat ``K = 500`` times (ties broken at
random); a trial counts as connected when ``lambda_2`` of the kept subgraph is positive,
and its relative spectral error is ``RSE = |lambda_2(G) - lambda_2(H)| / lambda_2(G)``.
This module runs exactly that, for the four methods of its tables:

- random: ``rho |E|`` edges chosen uniformly;
- standard: score ``S_e = P_freq(e)`` (what a likelihood-trained model converges to,
  the paper's Lemma 3.1);
- weighted: ``S_e = P_freq(e) + lambda R_e`` (the paper's score; it needs R_eff when
  decoding);
- Spectral Oracle: Spielman-Srivastava sampling (``p_e = min(1, C w_e R_e)`` with an
  expected ``rho |E|`` edges, kept edges reweighted by ``1 / p_e``), and the top
  ``rho |E|`` edges by ``w_e R_e`` beside it (``oracle_topk``): the paper's text
  supports both readings, so both are reported.

and for its four experiments: I (barbell 2 x K8, one bridge, rho = 0.5), II (cliques of
10, 15 and 20 in a chain joined by single bridges, rho = 0.6), III (the bridge thickened
into k parallel edges, k = 1..8) and IV (one logit trained by SGD on Bernoulli(eps)
targets, with the positive class weighted by omega). Where the paper is silent every
choice is a field of :class:`ProtocolConfig`; docs/science.md says which we took and why.

It is plain NumPy on graphs of at most a few hundred edges: all four experiments run in
a few seconds on one core, the app's Paper protocol page redraws in well under one.
Nothing here imports torch.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from ..errors import ConfigError

__all__ = [
    "PAPER_TABLES",
    "PAPER_THICKNESS",
    "PAPER_DYNAMICS",
    "PROTOCOL_METHODS",
    "ProtocolConfig",
    "ProtocolGraph",
    "protocol_graph",
    "thick_frequency",
    "edge_resistance",
    "laplacians",
    "lambda2",
    "topk_masks",
    "n_kept",
    "oracle_sampling",
    "method_trials",
    "summarize_trials",
    "run_table",
    "run_thickness",
    "thickness_variants",
    "THICK_LAYOUTS",
    "run_dynamics",
    "fixed_point",
    "rescue_lambda",
    "regime_map",
    "run_protocol",
    "at_paper_settings",
]

# The paper's reported figures (Tables 1 and 2, Fig. 4 and Fig. 5 of arXiv:2511.18593v1):
# copied for comparison only, never used in any computation. Connectivity as a fraction;
# RSE as mean and standard deviation over the K = 500 trials.
PAPER_TABLES: dict[str, dict[str, dict[str, float]]] = {
    "barbell": {
        "random": {"connectivity": 0.460, "rse_mean": 0.67, "rse_sd": 0.35},
        "standard": {"connectivity": 0.0, "rse_mean": 1.00, "rse_sd": 0.00},
        "weighted": {"connectivity": 0.896, "rse_mean": 0.36, "rse_sd": 0.24},
        "oracle": {"connectivity": 0.882, "rse_mean": 0.37, "rse_sd": 0.25},
    },
    "asymmetric_chain": {
        "random": {"connectivity": 0.530, "rse_mean": 0.51, "rse_sd": 0.47},
        "standard": {"connectivity": 0.0, "rse_mean": 1.00, "rse_sd": 0.00},
        "weighted": {"connectivity": 1.0, "rse_mean": 0.01, "rse_sd": 0.00},
        "oracle": {"connectivity": 1.0, "rse_mean": 0.01, "rse_sd": 0.00},
    },
}
PAPER_THICKNESS = {  # Fig. 4, read off the paper's text
    "standard": "0% connected for k < 3, a sharp transition near k = 3.5, 100% for k >= 4",
    "weighted": "about 100% connected at every k",
    "transition": 3.5,
}
PAPER_DYNAMICS = {"standard": 0.05, "weighted": 1.0}  # Fig. 5: where p settles (text)
# The paper reports connectivity to 0.1% and RSE to 0.01: a figure is "within" our interval
# when the interval meets the range its rounding allows.
_ROUNDING = {"connectivity": 0.0005, "rse_mean": 0.005}

PROTOCOL_METHODS = {  # key -> what it keeps
    "random": "rho|E| edges chosen uniformly at random",
    "standard": "top rho|E| by S = P_freq (a likelihood-trained model's marginals)",
    "weighted": "top rho|E| by S = P_freq + lambda R_eff (needs R_eff at decoding)",
    "oracle": "Spielman-Srivastava: keep e with p_e = min(1, C w_e R_e), reweight by 1/p_e",
    "oracle_topk": "top rho|E| by w_e R_e",
}
THICK_LAYOUTS = {  # how a bridge "thickened into k parallel edges" is built (Exp III)
    "parallel": "k copies of the bridge between the same two nodes (a multigraph; R = 1/k each)",
    "disjoint": "k edges between the two cliques with distinct endpoints (a simple graph)",
    "collapsed": "one edge, as networkx.Graph keeps k parallel edges: only its frequency rises",
}
_TIE_DECIMALS = 10  # scores equal to 10 decimals are ties (2/8 computed two ways differs at 1e-16)


@dataclass(frozen=True)
class ProtocolConfig:
    """Every setting of the paper's protocol; the defaults are the paper's where it gives
    one and our documented choice where it is silent (docs/science.md)."""

    trials: int = 500  # K, trials per method and setting
    seed: int = 0  # every trial's tie-breaks and draws derive from it
    p_common: float = 0.95  # P_freq of a clique edge (the paper's 95%)
    eps: float = 0.05  # P_freq of a bridge: the share of training samples that hold it
    lam: float = 10.0  # lambda of S = P_freq + lambda R (the paper never gives a value)
    ties: str = "random"  # equal scores: "random" order per trial, or "index" (edge order)
    keep: str = "floor"  # kept edges: "floor" (int(rho |E|)), "round" or "ceil" of rho |E|
    oracle: str = "sampling"  # which oracle fills methods.oracle: "sampling" or "topk"
    clique: int = 8  # Exp I: two K_clique joined by one bridge
    rho_barbell: float = 0.5  # Exp I's target density
    chain: tuple[int, ...] = (10, 15, 20)  # Exp II: clique sizes along the chain
    rho_chain: float = 0.6  # Exp II's target density
    thickness: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8)  # Exp III: k parallel edges
    thick_layout: str = "parallel"  # "parallel" copies of the bridge, "disjoint", "collapsed"
    thick_unit: float | None = None  # P_freq each unit of thickness adds (None: eps)
    thick_alt_unit: float = 0.25  # the unit the paper's transition at k = 3.5 implies
    dyn_eps: float = 0.05  # Exp IV: P(y = 1)
    dyn_batch: int = 64  # Exp IV: SGD batch
    dyn_lr: float = 0.05  # Exp IV: learning rate
    dyn_omega: float = 50.0  # Exp IV: weight of the positive class
    dyn_steps: int = 2000  # Exp IV: SGD steps (the paper does not say)
    dyn_seeds: int = 20  # Exp IV: independent trajectories
    dyn_p0: float = 0.5  # Exp IV: the logit starts at sigmoid^-1(dyn_p0)
    dyn_tail: float = 0.25  # Exp IV: final p = mean of p over this last share of steps
    map_eps: tuple[float, ...] = tuple(round(x, 3) for x in np.linspace(0.0, 1.0, 21))
    map_lam: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0)
    map_rho: tuple[float, ...] = tuple(round(x, 3) for x in np.linspace(0.1, 0.9, 17))
    map_trials: int = 200  # K per cell of the regime maps
    reference_trials: int = 20_000  # K of the long-run reference beside each K-trial figure

    def __post_init__(self) -> None:
        def frac(name: str, x: float, lo_open: bool = False) -> None:
            ok = math.isfinite(x) and (0 < x if lo_open else 0 <= x) and x <= 1
            if not ok:
                raise ConfigError(f"{name} must be a number in {'(0' if lo_open else '[0'}, 1]")

        for name in ("trials", "map_trials", "reference_trials"):
            if not 1 <= int(getattr(self, name)) <= 100_000:
                raise ConfigError(f"{name} must be in 1..100000, got {getattr(self, name)}")
        if int(self.seed) < 0:
            raise ConfigError(f"seed must be >= 0, got {self.seed}")
        for name in ("p_common", "eps", "dyn_eps"):
            frac(name, getattr(self, name))
        for name in ("rho_barbell", "rho_chain"):
            frac(name, getattr(self, name), lo_open=True)
        if not math.isfinite(self.lam) or self.lam < 0:
            raise ConfigError(f"lambda must be a finite number >= 0, got {self.lam}")
        if self.ties not in ("random", "index"):
            raise ConfigError(f"ties must be 'random' or 'index', got {self.ties!r}")
        if self.keep not in ("floor", "round", "ceil"):
            raise ConfigError(f"keep must be 'floor', 'round' or 'ceil', got {self.keep!r}")
        if self.oracle not in ("sampling", "topk"):
            raise ConfigError(f"oracle must be 'sampling' or 'topk', got {self.oracle!r}")
        if (
            not 2 <= self.clique <= 60
            or len(self.chain) < 2
            or any(not 2 <= s <= 60 for s in self.chain)
        ):
            raise ConfigError("clique sizes must be in 2..60, and a chain needs 2 or more")
        if not self.thickness or any(not 1 <= k <= self.clique for k in self.thickness):
            raise ConfigError(f"thickness values must be in 1..clique ({self.clique})")
        if self.thick_layout not in THICK_LAYOUTS:
            raise ConfigError(f"thick_layout must be one of {list(THICK_LAYOUTS)}")
        if self.thick_unit is not None:
            frac("thick_unit", self.thick_unit)
        frac("thick_alt_unit", self.thick_alt_unit)
        if not 1 <= self.dyn_batch <= 100_000 or not 1 <= self.dyn_steps <= 1_000_000:
            raise ConfigError("dyn_batch must be in 1..100000 and dyn_steps in 1..1000000")
        if not 1 <= self.dyn_seeds <= 10_000:
            raise ConfigError("dyn_seeds must be in 1..10000")
        if not (0 < self.dyn_lr < 100 and math.isfinite(self.dyn_omega) and self.dyn_omega > 0):
            raise ConfigError("dyn_lr must be in (0, 100) and dyn_omega a positive number")
        if not 0 < self.dyn_p0 < 1 or not 0 < self.dyn_tail <= 1:
            raise ConfigError("dyn_p0 must be in (0, 1) and dyn_tail in (0, 1]")
        for x in (*self.map_eps, *self.map_rho):
            frac("a regime-map value", x)
        if any(not math.isfinite(x) or x < 0 for x in self.map_lam):
            raise ConfigError("map_lam values must be finite and >= 0")


# ------------------------------------------------------------------------------ graphs


@dataclass(frozen=True)
class ProtocolGraph:
    """A graph of the protocol as arrays; parallel edges are allowed (Exp III)."""

    name: str
    n: int
    edges: np.ndarray  # (m, 2) int
    freq: np.ndarray  # (m,) P_freq of each edge
    rare: np.ndarray  # (m,) bool: the bridge(s), or the thickened bridge's edges
    rho: float
    resistance: np.ndarray = field(repr=False)  # (m,) R_eff of each edge
    lambda2: float = 0.0  # of the whole graph

    @property
    def m(self) -> int:
        return int(len(self.edges))


def _cliques(sizes: Sequence[int]) -> tuple[list[tuple[int, int]], list[list[int]]]:
    edges, blocks, off = [], [], 0
    for s in sizes:
        block = list(range(off, off + s))
        edges += [(a, b) for i, a in enumerate(block) for b in block[i + 1 :]]
        blocks.append(block)
        off += s
    return edges, blocks


def thick_frequency(k: int, cfg: ProtocolConfig, unit: float | None = None) -> float:
    """P_freq of each edge of a bridge thickened into ``k`` parallel edges: the
    connection is held by ``k`` times as many training samples, ``min(1, k * unit)``
    with ``unit = cfg.thick_unit`` (default: the bridge's own ``eps``)."""
    u = unit if unit is not None else (cfg.thick_unit if cfg.thick_unit is not None else cfg.eps)
    return float(min(1.0, k * u))


def protocol_graph(
    name: str,
    cfg: ProtocolConfig,
    *,
    k: int = 1,
    unit: float | None = None,
    layout: str | None = None,
) -> ProtocolGraph:
    """``barbell`` (Exp I), ``asymmetric_chain`` (Exp II) or ``thick`` (Exp III: ``k``
    parallel edges built as ``layout``, default ``cfg.thick_layout``; ``unit`` overrides
    the frequency each unit of thickness adds)."""
    layout = layout or cfg.thick_layout
    if name == "barbell" or (name == "thick" and k == 1):
        sizes, rho = [cfg.clique, cfg.clique], cfg.rho_barbell
    elif name == "asymmetric_chain":
        sizes, rho = list(cfg.chain), cfg.rho_chain
    elif name == "thick":
        sizes, rho = [cfg.clique, cfg.clique], cfg.rho_barbell
    else:
        raise ConfigError(f"unknown protocol graph {name!r}; use barbell, asymmetric_chain, thick")
    edges, blocks = _cliques(sizes)
    rare = [False] * len(edges)
    # Consecutive cliques are joined by one edge (a bridge), from the last node of one to
    # the first of the next; every node of a clique is alike, so which ones does not matter.
    links = [(left[-1], right[0]) for left, right in zip(blocks[:-1], blocks[1:], strict=True)]
    if name == "thick" and k > 1:
        a, b = blocks
        if layout == "disjoint":  # k edges with distinct endpoints on both sides
            links = [(a[-1 - i], b[i]) for i in range(k)]
        elif layout == "parallel":  # k copies of the one edge: a multigraph, R = 1/k each
            links = [(a[-1], b[0])] * k
        elif layout != "collapsed":  # collapsed: the one bridge, only its frequency rises
            raise ConfigError(f"unknown thickness layout {layout!r}; use {list(THICK_LAYOUTS)}")
    edges += links
    rare += [True] * len(links)
    E = np.array(edges, dtype=np.int64)
    rare_arr = np.array(rare)
    f_rare = thick_frequency(k, cfg, unit) if name == "thick" else cfg.eps
    freq = np.where(rare_arr, f_rare, cfg.p_common)
    n = int(sum(sizes))
    L = laplacians(n, E, np.ones((1, len(E))))[0]
    R = edge_resistance(n, E, L)
    return ProtocolGraph(
        name=name if name != "thick" else f"thick k={k} ({layout})",
        n=n,
        edges=E,
        freq=freq,
        rare=rare_arr,
        rho=rho,
        resistance=R,
        lambda2=float(np.linalg.eigvalsh(L)[1]),
    )


def edge_resistance(n: int, edges: np.ndarray, L: np.ndarray | None = None) -> np.ndarray:
    """Exact R_eff of every edge (parallel copies included) from the Laplacian's
    pseudo-inverse; for the protocol's small graphs (tests compare it with
    :mod:`specdiff_core.resistance`)."""
    if L is None:
        L = laplacians(n, edges, np.ones((1, len(edges))))[0]
    Lp = np.linalg.pinv(L, hermitian=True)
    u, v = edges[:, 0], edges[:, 1]
    return Lp[u, u] + Lp[v, v] - 2 * Lp[u, v]


def laplacians(n: int, edges: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``(K, n, n)`` Laplacians of ``K`` weightings ``(K, m)`` of the same edges (a zero
    weight drops the edge; repeated edges add up)."""
    W = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    K, m = W.shape
    u, v = edges[:, 0], edges[:, 1]
    base = (np.arange(K) * n * n)[:, None]  # (K, 1)
    idx = np.concatenate(
        [base + u * n + v, base + v * n + u, base + u * n + u, base + v * n + v], axis=1
    )  # (K, 4m)
    vals = np.concatenate([-W, -W, W, W], axis=1)  # (K, 4m)
    L = np.bincount(idx.ravel(), weights=vals.ravel(), minlength=K * n * n)
    return L.reshape(K, n, n)


def lambda2(n: int, edges: np.ndarray, weights: np.ndarray, chunk: int = 256) -> np.ndarray:
    """``(K,)`` second-smallest Laplacian eigenvalue of each weighting (batched)."""
    W = np.atleast_2d(weights)
    out = np.empty(W.shape[0])
    for s in range(0, W.shape[0], chunk):
        out[s : s + chunk] = np.linalg.eigvalsh(laplacians(n, edges, W[s : s + chunk]))[:, 1]
    return out


def n_kept(rho: float, m: int, cfg: ProtocolConfig) -> int:
    """How many edges "the top rho |E|" keeps under ``cfg.keep`` (at least 1).

    Examples
    --------
    >>> n_kept(0.5, 57, ProtocolConfig()), n_kept(0.5, 57, ProtocolConfig(keep="ceil"))
    (28, 29)
    """
    k = rho * m
    n = {"floor": math.floor(k + 1e-9), "round": round(k), "ceil": math.ceil(k - 1e-9)}[cfg.keep]
    return int(min(m, max(1, n)))


# ----------------------------------------------------------------------------- methods


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
    from ..sparsifiers import keep_scale

    C = max(keep_scale(R, expected), 0.0)
    p = np.minimum(1.0, C * R)  # (m,)
    masks = rng.random((trials, len(R))) < p
    return masks, np.where(masks, 1.0 / np.maximum(p, 1e-300), 0.0)


def _rng(cfg: ProtocolConfig, *stream: int) -> np.random.Generator:
    return np.random.default_rng([int(cfg.seed), *stream])


_STREAM = {"barbell": 1, "asymmetric_chain": 2, "thick": 3, "map": 4, "dynamics": 5}
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
    from ..metrics import wilson_ci

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


def _long_run(pg: ProtocolGraph, method: str, cfg: ProtocolConfig) -> dict[str, Any]:
    """Connectivity over ``cfg.reference_trials`` trials (another stream): what K = 500
    estimates, so that a paper figure outside our K-trial interval can be told apart from
    a K-trial figure that merely drew unlucky."""
    from ..metrics import count_components, wilson_ci

    rng = _rng(cfg, 99, _STREAM[pg.name], _METHOD_ID[method])
    masks, _ = method_trials(pg, method, cfg, rng, trials=cfg.reference_trials)
    ok = count_components(pg.n, pg.edges, masks) == 1  # lambda_2 > 0, counted exactly
    return {
        "connectivity": float(ok.mean()),
        "connectivity_ci": list(wilson_ci(int(ok.sum()), len(ok))),
        "n_trials": int(len(ok)),
    }


# The settings the paper's figures were reported at; another setting has no paper figure.
_PAPER_SETTINGS = {
    "barbell": {"p_common": 0.95, "eps": 0.05, "clique": 8, "rho_barbell": 0.5},
    "asymmetric_chain": {"p_common": 0.95, "eps": 0.05, "chain": (10, 15, 20), "rho_chain": 0.6},
    "thick": {
        "p_common": 0.95,
        "clique": 8,
        "rho_barbell": 0.5,
        "thickness": (1, 2, 3, 4, 5, 6, 7, 8),
    },
    "dynamics": {"dyn_eps": 0.05, "dyn_batch": 64, "dyn_lr": 0.05, "dyn_omega": 50.0},
}


def at_paper_settings(cfg: ProtocolConfig, experiment: str) -> bool:
    """Does ``cfg`` run ``experiment`` at the settings the paper reported it at? (Only
    then is a paper figure shown beside ours: anything else compares unlike things.)"""
    want = _PAPER_SETTINGS[experiment]
    return all(
        tuple(v) == tuple(getattr(cfg, k)) if isinstance(v, tuple) else getattr(cfg, k) == v
        for k, v in want.items()
    )


def _within(paper: float, ci: Sequence[float], key: str) -> bool:
    tol = _ROUNDING[key]
    return bool(ci[0] - 1e-9 <= paper + tol and paper - tol <= ci[1] + 1e-9)


def _table_methods(cfg: ProtocolConfig) -> dict[str, str]:
    """Result key -> protocol method: ``oracle`` is the configured reading of the Spectral
    Oracle, and the other reading is reported beside it under its own name."""
    chosen = f"oracle_{cfg.oracle}"
    other = "oracle_topk" if cfg.oracle == "sampling" else "oracle_sampling"
    return {
        "random": "random",
        "standard": "standard",
        "weighted": "weighted",
        "oracle": chosen,
        other: other,
    }


def run_table(name: str, cfg: ProtocolConfig, *, long_run: bool = True) -> dict[str, Any]:
    """Exp I (``barbell``) or Exp II (``asymmetric_chain``): every method, K trials, our
    figures beside the paper's with a within-interval verdict; ``long_run`` adds each
    method's connectivity over ``cfg.reference_trials`` trials."""
    pg = protocol_graph(name, cfg)
    paper = PAPER_TABLES.get(name, {}) if at_paper_settings(cfg, name) else {}
    methods: dict[str, Any] = {}
    for key, method in _table_methods(cfg).items():
        rng = _rng(cfg, _STREAM[name], _METHOD_ID[method])
        res = summarize_trials(pg, *method_trials(pg, method, cfg, rng))
        res["method"] = method
        if long_run:
            res["long_run"] = _long_run(pg, method, cfg)
        p = paper.get(key)
        if p is not None:
            res["paper"] = dict(p)
            res["within"] = {
                "connectivity": _within(p["connectivity"], res["connectivity_ci"], "connectivity"),
                "rse_mean": _within(p["rse_mean"], res["rse_ci"], "rse_mean"),
            }
            if long_run:
                ci = res["long_run"]["connectivity_ci"]
                res["within"]["long_run"] = _within(p["connectivity"], ci, "connectivity")
        methods[key] = res
    return {
        "at_paper_settings": at_paper_settings(cfg, name),
        "graph": {
            "n": pg.n,
            "m": pg.m,
            "kept": n_kept(pg.rho, pg.m, cfg),
            "rho": pg.rho,
            "bridges": int(pg.rare.sum()),
            "lambda2": pg.lambda2,
            "R_bridge": float(pg.resistance[pg.rare].mean()),
            "R_clique": sorted({round(float(r), 6) for r in pg.resistance[~pg.rare]}),
        },
        "methods": methods,
        "bound_random": _random_bound(pg, cfg),
    }


def _random_bound(pg: ProtocolGraph, cfg: ProtocolConfig) -> float:
    """P(every bridge is among rho|E| edges drawn uniformly): an upper bound on the
    random method's connectivity (each bridge must be kept)."""
    n_keep, b = n_kept(pg.rho, pg.m, cfg), int(pg.rare.sum())
    return float(math.comb(pg.m - b, n_keep - b) / math.comb(pg.m, n_keep)) if n_keep >= b else 0.0


# --------------------------------------------------------------------------- thickness


def _transition(ks: Sequence[int], conn: Sequence[float]) -> float | None:
    """The thickness where connectivity first climbs through 50% (linear interpolation
    between the two k around it); None if it never starts below and ends above."""
    for i in range(1, len(conn)):
        if conn[i - 1] < 0.5 <= conn[i]:
            k0, k1, c0, c1 = ks[i - 1], ks[i], conn[i - 1], conn[i]
            return float(k0 + (0.5 - c0) * (k1 - k0) / (c1 - c0))
    return None


def run_thickness(
    cfg: ProtocolConfig, *, unit: float | None = None, layout: str | None = None
) -> dict[str, Any]:
    """Exp III: standard vs weighted (and random) as the bridge thickens, k in
    ``cfg.thickness``; ``layout`` and ``unit`` override the configured reading."""
    ks = list(cfg.thickness)
    layout = layout or cfg.thick_layout
    out: dict[str, Any] = {"k": ks, "layout": layout, "freq": [], "R_rare": [], "R_clique_max": []}
    for method in ("standard", "weighted", "random"):
        out[method], out[f"{method}_ci"], out[f"{method}_rse"] = [], [], []
    for k in ks:
        pg = protocol_graph("thick", cfg, k=k, unit=unit, layout=layout)
        out["freq"].append(float(pg.freq[pg.rare][0]))
        out["R_rare"].append(float(pg.resistance[pg.rare].mean()))
        out["R_clique_max"].append(float(pg.resistance[~pg.rare].max()))
        for method in ("standard", "weighted", "random"):
            rng = _rng(cfg, _STREAM["thick"], k, _METHOD_ID[method], _LAYOUT_ID[layout])
            res = summarize_trials(pg, *method_trials(pg, method, cfg, rng))
            out[method].append(res["connectivity"])
            out[f"{method}_ci"].append(res["connectivity_ci"])
            out[f"{method}_rse"].append(res["rse_mean"])
    out["transition"] = {m: _transition(ks, out[m]) for m in ("standard", "weighted")}
    out["at_paper_settings"] = at_paper_settings(cfg, "thick")
    out["unit"] = unit if unit is not None else (cfg.thick_unit or cfg.eps)
    return out


def thickness_variants(cfg: ProtocolConfig) -> list[dict[str, Any]]:
    """Exp III under every layout, with the default frequency unit and with the unit the
    paper's transition implies (``cfg.thick_alt_unit``): which reading gives Fig. 4?"""
    base = cfg.thick_unit if cfg.thick_unit is not None else cfg.eps
    rows = []
    for layout in THICK_LAYOUTS:
        for unit in dict.fromkeys((base, cfg.thick_alt_unit)):
            r = run_thickness(cfg, unit=unit, layout=layout)
            rows.append(
                {k: r[k] for k in ("layout", "unit", "k", "freq", "R_rare")}
                | {
                    "standard": r["standard"],
                    "weighted": r["weighted"],
                    "transition": r["transition"],
                    "default": layout == cfg.thick_layout and unit == base,
                }
            )
    return rows


# ---------------------------------------------------------------------------- dynamics


def fixed_point(omega: float, eps: float) -> float:
    """Where the expected gradient of a single logit vanishes when the positive class is
    weighted by ``omega``: ``omega eps / (omega eps + 1 - eps)`` (``omega = 1``: eps).

    Examples
    --------
    >>> round(fixed_point(50, 0.05), 4), fixed_point(1, 0.05)
    (0.7246, 0.05)
    """
    return float(omega * eps / (omega * eps + 1 - eps))


def run_dynamics(cfg: ProtocolConfig, *, keep_every: int | None = None) -> dict[str, Any]:
    """Exp IV: one logit, targets ~ Bernoulli(eps), SGD on the batch-mean cross-entropy;
    "weighted" multiplies the positive terms by omega. ``dyn_seeds`` trajectories each."""
    from ..metrics import t_interval

    S, B, T = cfg.dyn_seeds, cfg.dyn_batch, cfg.dyn_steps
    every = keep_every or max(1, T // 200)
    out: dict[str, Any] = {"steps": list(range(0, T + 1, every))}
    tail = max(1, int(round(cfg.dyn_tail * T)))
    finals: dict[str, np.ndarray] = {}
    for j, (name, omega) in enumerate((("standard", 1.0), ("weighted", cfg.dyn_omega))):
        rng = _rng(cfg, _STREAM["dynamics"], j)
        theta = np.full(S, math.log(cfg.dyn_p0 / (1 - cfg.dyn_p0)))
        traj, tail_sum = [1 / (1 + np.exp(-theta))], np.zeros(S)
        for step in range(1, T + 1):
            p = 1 / (1 + np.exp(-theta))
            y = rng.random((S, B)) < cfg.dyn_eps  # (S, B)
            w = np.where(y, omega, 1.0)
            theta = theta - cfg.dyn_lr * (w * (p[:, None] - y)).mean(axis=1)
            p = 1 / (1 + np.exp(-theta))
            if step > T - tail:
                tail_sum += p
            if step % every == 0:
                traj.append(p)
        finals[name] = tail_sum / tail
        out[name] = np.stack(traj, axis=1).tolist()  # (S, steps) per seed
    out["final_p"] = {m: float(v.mean()) for m, v in finals.items()}
    out["final_p_ci"] = {m: t_interval(v) for m, v in finals.items()}
    out["final_p_per_seed"] = {m: v.tolist() for m, v in finals.items()}
    out["fixed_point"] = fixed_point(cfg.dyn_omega, cfg.dyn_eps)
    out["fixed_point_standard"] = fixed_point(1.0, cfg.dyn_eps)
    if at_paper_settings(cfg, "dynamics"):
        out["paper"] = dict(PAPER_DYNAMICS)
    return out


# --------------------------------------------------------------------------- regime map


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


# ------------------------------------------------------------------------------ all four


def run_protocol(
    cfg: ProtocolConfig | None = None,
    *,
    maps: bool = True,
    long_run: bool = True,
    variants: bool = True,
) -> dict[str, Any]:
    """All four experiments of the paper's Section 5 (and the regime maps), JSON-ready.
    ``long_run``, ``variants`` and ``maps`` can be left out where speed matters (the app
    redraws Exp I-IV in about half a second without them)."""
    from .. import __version__

    cfg = cfg or ProtocolConfig()
    t0 = time.perf_counter()
    body: dict[str, Any] = {
        "experiment": "paper_protocol",
        "version": __version__,
        "description": "the paper's own protocol (Algorithm 5.1): a scoring simulation",
        "config": _jsonable(asdict(cfg)),
        "barbell": run_table("barbell", cfg, long_run=long_run),
        "asymmetric_chain": run_table("asymmetric_chain", cfg, long_run=long_run),
        "thickness": run_thickness(cfg),
        "dynamics": run_dynamics(cfg),
        "paper_thickness": dict(PAPER_THICKNESS),
    }
    if variants:
        body["thickness_variants"] = thickness_variants(cfg)
    if maps:
        body["regime_map"] = regime_map(cfg)
    body["seconds"] = time.perf_counter() - t0
    return body


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


def config_from(**changes: Any) -> ProtocolConfig:
    """The default configuration with some fields changed (values checked)."""
    return replace(ProtocolConfig(), **changes)
