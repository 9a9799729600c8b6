"""The checks of every argument of :func:`effective_resistance`, and the graph as edge arrays."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np

from ..errors import ConfigError, GraphError

METHODS = ("auto", "dense", "sparse", "approx")
SOLVER_OPTIONS = {
    "solver": "approx: 'auto', 'cg' (Jacobi-preconditioned CG) or 'factor' (sparse LU)",
    "tol": "approx, CG: relative residual per right-hand side (default 1e-4)",
    "maxiter": "approx, CG: iteration cap (default 2000)",
    "dense_max_nodes": "auto: largest component that may still go to 'dense' (default 5000)",
    "sparse_max_envelope": "auto: envelope estimate above which no sparse factor is tried "
    "(default 2e7 entries)",
    "max_memory_gib": "approx: refuse projections needing more memory than this (default 2)",
}
_DEFAULTS: dict[str, Any] = {
    "solver": "auto",
    "tol": 1e-4,
    "maxiter": 2000,
    "dense_max_nodes": 5000,
    "sparse_max_envelope": 2e7,
    "max_memory_gib": 2.0,
}


def _check_eps(eps: float, k_constant: float) -> None:
    if isinstance(eps, bool) or not isinstance(eps, int | float | np.floating | np.integer):
        raise ConfigError(f"eps must be a number in (0, 1), got {eps!r}")
    if not 0.0 < float(eps) < 1.0:
        raise ConfigError(
            f"eps must be in (0, 1), got {eps}; smaller is more accurate and slower (try 0.3)"
        )
    if isinstance(k_constant, bool) or not isinstance(
        k_constant, int | float | np.floating | np.integer
    ):
        raise ConfigError(f"k_constant must be a positive number, got {k_constant!r}")
    if not (math.isfinite(float(k_constant)) and float(k_constant) > 0):
        raise ConfigError(f"k_constant must be a positive finite number, got {k_constant}")


def _solver_options(given: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(given) - set(_DEFAULTS))
    if unknown:
        raise ConfigError(
            f"unknown solver option(s) {unknown}; known options: {sorted(SOLVER_OPTIONS)}"
        )
    opts = {**_DEFAULTS, **given}
    if opts["solver"] not in ("auto", "cg", "factor"):
        raise ConfigError(f"solver must be 'auto', 'cg' or 'factor', got {opts['solver']!r}")
    for name in ("tol", "maxiter", "dense_max_nodes", "sparse_max_envelope", "max_memory_gib"):
        value = opts[name]
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise ConfigError(f"solver option {name} must be a number, got {value!r}")
        if not (math.isfinite(float(value)) and float(value) > 0):
            raise ConfigError(f"solver option {name} must be positive and finite, got {value}")
    if not opts["tol"] < 1:
        raise ConfigError(f"tol must be in (0, 1), got {opts['tol']} (try 1e-4)")
    return opts


def _edge_data(G: nx.Graph, weight: str | None) -> tuple[int, np.ndarray, np.ndarray]:
    """Check that ``G`` is canonical; return ``n``, the canonical edge array and weights."""
    n = _checked_node_count(G)
    pairs, raw_w = _edge_list(G, weight)
    edges, w = _checked_arrays(pairs, raw_w)
    edges = np.stack([edges.min(axis=1), edges.max(axis=1)], axis=1)  # (m, 2) u < v
    order = np.lexsort((edges[:, 1], edges[:, 0]))  # same order as graphs.edge_array
    return n, edges[order], w[order]


def _checked_node_count(G: nx.Graph) -> int:
    """``n`` of an undirected simple networkx graph with nodes ``0..n-1``; else GraphError."""
    if not isinstance(G, nx.Graph):
        raise GraphError(f"expected a networkx graph, got {type(G).__name__}")
    if G.is_directed() or G.is_multigraph():
        raise GraphError(
            "expected an undirected simple graph: pass it through graphs.validate_graph() first"
        )
    n = G.number_of_nodes()
    if not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in G):
        raise GraphError(
            "expected integer nodes 0..n-1: pass the graph through graphs.validate_graph() first"
        )
    nodes = np.fromiter(G, dtype=np.int64, count=n)  # (n,)
    if n and (nodes.min() != 0 or nodes.max() != n - 1):
        raise GraphError(
            "expected nodes 0..n-1: pass the graph through graphs.validate_graph() first"
        )
    return n


def _edge_list(G: nx.Graph, weight: str | None) -> tuple[list[tuple[Any, Any]], list[Any]]:
    """Every edge once as ``(u, v)`` with ``u <= v``, and its weight as stored (default 1.0)."""
    adj = getattr(G, "_adj", G.adj)  # the raw dict of dicts iterates ~3x faster than the view
    if weight is None:
        pairs = [(u, v) for u, nbrs in adj.items() for v in nbrs if u <= v]
        raw_w: list[Any] = [1.0] * len(pairs)
    else:
        triples = [
            (u, v, d.get(weight, 1.0)) for u, nbrs in adj.items() for v, d in nbrs.items() if u <= v
        ]
        pairs = [(u, v) for u, v, _ in triples]
        raw_w = [x for _, _, x in triples]
    return pairs, raw_w


def _checked_arrays(
    pairs: list[tuple[Any, Any]], raw_w: list[Any]
) -> tuple[np.ndarray, np.ndarray]:
    """``(edges (m, 2), w (m,))`` as arrays; GraphError for a bad weight or a self-loop."""
    m = len(pairs)
    edges = np.array(pairs, dtype=np.int64).reshape(m, 2)  # (m, 2)
    try:
        w = np.array(raw_w, dtype=np.float64)  # (m,)
    except (TypeError, ValueError):
        bad = next(i for i, x in enumerate(raw_w) if not _is_number(x))
        raise GraphError(
            f"edge {tuple(pairs[bad])}: weight {raw_w[bad]!r} is not a number; "
            "pass the graph through graphs.validate_graph() first"
        ) from None
    bad_mask = ~(np.isfinite(w) & (w > 0)) | (edges[:, 0] == edges[:, 1])
    if bad_mask.any():
        i = int(np.flatnonzero(bad_mask)[0])
        what = "is a self-loop" if edges[i, 0] == edges[i, 1] else f"has weight {w[i]!r}"
        raise GraphError(
            f"edge {tuple(pairs[i])} {what}; every edge needs a positive finite weight and "
            "distinct ends: pass the graph through graphs.validate_graph() first"
        )
    return edges, w


def _is_number(x: Any) -> bool:
    try:
        float(x)
    except (TypeError, ValueError):
        return False
    return True
