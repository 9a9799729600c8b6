"""The protocol's graphs as arrays (cliques joined by bridges, a bridge thickened into
parallel edges), with their exact effective resistances and batched Laplacian spectra."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ...errors import ConfigError
from .settings import THICK_LAYOUTS, ProtocolConfig


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


CUSTOM_MAX_NODES = 150  # a user's graph: K Laplacian spectra of n x n per method


def protocol_graph_of(G, cfg: ProtocolConfig, rho: float | None = None) -> ProtocolGraph:
    """Any canonical graph under the protocol's rules (the paper ran only its own): each
    bridge is a rare edge with ``P_freq = eps``, every other edge ``p_common``; ``rho``
    defaults to Exp I's ``rho_barbell``.

    Raises ConfigError for a graph the protocol cannot score: more than
    :data:`CUSTOM_MAX_NODES` nodes, weighted (the protocol's graphs are not), not connected
    (lambda_2 = 0 before any edge goes), or without a bridge (no rare edge).

    Examples
    --------
    >>> import networkx as nx
    >>> from specdiff_core.graphs import barbell
    >>> pg = protocol_graph_of(barbell(4, 4, seed=0), ProtocolConfig())
    >>> pg.m, int(pg.rare.sum()), pg.freq[pg.rare].tolist(), round(float(pg.resistance[pg.rare][0]), 6)
    (13, 1, [0.05], 1.0)
    """
    from ...graphs import bridge_mask, edge_array, edge_weights

    n = G.number_of_nodes()
    if n > CUSTOM_MAX_NODES:
        raise ConfigError(
            f"the protocol scores graphs of at most {CUSTOM_MAX_NODES} nodes here (each trial "
            f"is an n x n spectrum); this one has {n}: use a smaller graph"
        )
    E = edge_array(G)
    rare = bridge_mask(G)
    if n < 2 or not len(E) or not rare.any():
        raise ConfigError(
            "the graph has no bridge, so the protocol has no rare edge to keep or lose; "
            "use a graph with at least one bridge"
        )
    w = edge_weights(G, E)
    if not np.all(w == 1.0):
        raise ConfigError(
            f"the paper's protocol scores unweighted graphs, and {int((w != 1.0).sum())} of "
            "this graph's edges have a weight other than 1: set them to 1 to score it"
        )
    L = laplacians(n, E, w[None, :])[0]
    lam2 = float(np.linalg.eigvalsh(L)[1])
    if lam2 <= 1e-9:
        raise ConfigError(
            "the graph is not connected (lambda_2 = 0), so every method's subgraph is too; "
            "join its pieces"
        )
    return ProtocolGraph(
        name="custom",
        n=n,
        edges=E,
        freq=np.where(rare, cfg.eps, cfg.p_common),
        rare=rare,
        rho=cfg.rho_barbell if rho is None else float(rho),
        resistance=edge_resistance(n, E, L),
        lambda2=lam2,
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
