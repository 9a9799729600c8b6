"""Effective resistance of every edge: exact (dense, sparse) and approximate.

For a graph with Laplacian ``L = D - W`` the effective resistance of an edge
``(u, v)`` is ``R_uv = (e_u - e_v)^T L^+ (e_u - e_v)``. Three ways to get it for all
edges, each working per connected component (isolated nodes are ignored):

``dense``
    Ground one node per component (drop its row and column, which makes the
    Laplacian positive definite), invert the grounded Laplacian with LAPACK
    ``dpotrf`` + ``dpotri`` and read ``R_uv = Z_uu + Z_vv - 2 Z_uv`` over the edge
    array. Exact; ``O(n^3)`` time and ``O(n^2)`` memory per component.
``sparse``
    Factor the grounded Laplacian sparsely (SuperLU, minimum-degree ordering, no
    pivoting, so ``P A P^T = L D L^T``) and compute the *selected inverse*: the
    entries of ``A^-1`` on the pattern of the factor, which contains every edge
    (Takahashi's recurrence, done by supernodes). Exact; fast when the factor is
    sparse (meshes, geometric graphs, trees), hopeless when it is not (random
    graphs: the factor is nearly dense and SuperLU is slower than ``dense``).
``approx``
    Spielman–Srivastava random projection: ``Z = Q W^{1/2} B L^+`` with ``k`` rows
    of random ``±1/sqrt(k)``; ``R_uv ≈ ||Z (e_u - e_v)||^2``. All ``k`` systems are
    solved together, by Jacobi-preconditioned conjugate gradients on the stacked
    right-hand sides or with one sparse factorisation when its fill is low.

``auto`` picks one from the component sizes and a cheap fill estimate (the
envelope of the grounded Laplacian in reverse Cuthill–McKee order, an upper bound
on the fill of a profile factorisation) and says why in ``ResistanceResult.reason``.
"""

from __future__ import annotations

import ctypes
import functools
import math
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack
from scipy.sparse.csgraph import connected_components, reverse_cuthill_mckee
from scipy.sparse.linalg import splu

from .errors import ConfigError, GraphError

__all__ = ["METHODS", "ResistanceResult", "effective_resistance", "laplacian"]

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
_SMALL_COMPONENT = 1000  # components up to this size always go dense under "auto"
_SPARSE_FRACTION = 0.1  # "auto" prefers sparse when envelope <= this share of dense storage
_THREADED_DENSE = 1000  # smaller dense inverses run on one BLAS thread (see _blas_threads)
_EDGE_CHUNK = 8192  # edges per block of random signs (fixed, so a seed gives fixed values)


@dataclass(frozen=True)
class ResistanceResult:
    """Effective resistance of every edge, aligned with :func:`graphs.edge_array`."""

    values: np.ndarray  # (m,) float64, R_eff per edge
    edges: np.ndarray  # (m, 2) int64, = graphs.edge_array(G)
    method: str  # which method actually ran: "dense" | "sparse" | "approx"
    reason: str  # one sentence: why this method (esp. why "auto" picked it)
    eps: float | None  # accuracy parameter for approx, else None


@dataclass(frozen=True)
class _Graph:
    """The arrays every method needs, extracted once from a canonical graph."""

    n: int
    edges: np.ndarray  # (m, 2) int64, canonical order
    w: np.ndarray  # (m,) float64 > 0
    deg: np.ndarray  # (n,) weighted degree
    labels: np.ndarray  # (n,) component label per node
    grounds: np.ndarray  # (c,) one grounded node per component with edges

    @property
    def m(self) -> int:
        return len(self.w)


# ------------------------------------------------------------------------- public API


def laplacian(G: nx.Graph, weight: str | None = "weight") -> sp.csr_matrix:
    """The weighted graph Laplacian ``L = D - W`` in canonical node order.

    Parameters
    ----------
    G : networkx.Graph
        A canonical graph (see :func:`graphs.validate_graph`).
    weight : str or None
        Edge attribute holding the weight; ``None`` means every edge has weight 1.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``(n, n)`` float64, symmetric, rows summing to zero.

    Raises
    ------
    GraphError
        If ``G`` is not canonical or a weight is not a positive finite number.

    Examples
    --------
    >>> laplacian(nx.path_graph(3)).toarray()
    array([[ 1., -1.,  0.],
           [-1.,  2., -1.],
           [ 0., -1.,  1.]])
    """
    n, edges, w = _edge_data(G, weight)
    return _laplacian(n, edges, w)


def effective_resistance(
    G: nx.Graph,
    method: str = "auto",
    *,
    eps: float = 0.3,
    seed: int | np.random.Generator | None = 0,
    k_constant: float = 4.0,
    weight: str | None = "weight",
    **solver_options: Any,
) -> ResistanceResult:
    """Effective resistance of every edge of a canonical graph.

    Parameters
    ----------
    G : networkx.Graph
        A canonical graph (nodes ``0..n-1``, undirected, positive weights); it is
        not modified. Components are handled separately; isolated nodes are ignored.
    method : {"auto", "dense", "sparse", "approx"}
        ``dense`` and ``sparse`` are exact; ``approx`` is the Spielman–Srivastava
        random projection; ``auto`` chooses (see ``reason`` in the result).
    eps : float
        Accuracy of ``approx``, in ``(0, 1)``: ``k = ceil(k_constant ln n / eps^2)``
        random projections. Checked for every method, used only by ``approx``.
    seed : int, Generator or None
        Random signs of ``approx``: the same seed gives the same values.
    k_constant : float
        The constant in ``k``; 4 gives a median relative error of about ``eps / 6``.
    weight : str or None
        Edge attribute with the conductance; ``None`` treats the graph as unweighted.
    **solver_options
        Tuning, see ``SOLVER_OPTIONS``: ``solver``, ``tol``, ``maxiter``,
        ``dense_max_nodes``, ``sparse_max_envelope``, ``max_memory_gib``.

    Returns
    -------
    ResistanceResult
        ``values[i]`` is the resistance of ``edges[i]`` (canonical edge order).

    Raises
    ------
    GraphError
        If ``G`` is not canonical, a weight is unusable, or the weights are so
        spread out that the grounded Laplacian is numerically singular.
    ConfigError
        For an unknown method or solver option, or ``eps``/``k_constant``/a
        solver option out of range.

    Notes
    -----
    Foster's theorem: ``sum_e w_e R_e = n - c`` where ``c`` counts components
    (isolated nodes count as neither nodes nor components here). A bridge of an
    unweighted graph has ``R = 1``; every edge of ``K_k`` has ``R = 2/k``.

    References
    ----------
    .. [1] D. A. Spielman, N. Srivastava, "Graph sparsification by effective
       resistances", SIAM J. Comput. 40(6), 2011.
    .. [2] K. Takahashi, J. Fagan, M.-S. Chin, "Formation of a sparse bus impedance
       matrix and its application to short circuit study", PICA, 1973.

    Examples
    --------
    >>> G = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])
    >>> effective_resistance(G).values.round(4).tolist()
    [0.6667, 0.6667, 0.6667, 1.0]
    """
    if method not in METHODS:
        raise ConfigError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    _check_eps(eps, k_constant)
    opts = _solver_options(solver_options)
    n, edges, w = _edge_data(G, weight)
    if len(w) == 0:
        ran = "dense" if method == "auto" else method
        return ResistanceResult(
            np.zeros(0), edges, ran, "the graph has no edges, so there is nothing to compute", None
        )
    # R scales as 1/w: work with weights divided by a power of two near their geometric
    # mean (exact in floating point) so that degrees neither overflow nor underflow.
    scale = 2.0 ** round(float(np.mean(np.log2(w))))
    g = _prepare(n, edges, w / scale)
    if method == "auto":
        method, reason = _choose(g, opts, eps)
    else:
        reason = f"method={method!r} was requested"
    if method == "dense":
        values = _dense_resistance(g)
    elif method == "sparse":
        values = _sparse_resistance(g)
    else:
        values, how = _approx_resistance(g, eps, seed, k_constant, opts)
        reason = f"{reason}; {how}"
    return ResistanceResult(
        values=values / scale,
        edges=edges,
        method=method,
        reason=reason,
        eps=float(eps) if method == "approx" else None,
    )


# ----------------------------------------------------------------------- validation


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
    edges = np.stack([edges.min(axis=1), edges.max(axis=1)], axis=1)  # (m, 2) u < v
    order = np.lexsort((edges[:, 1], edges[:, 0]))  # same order as graphs.edge_array
    return n, edges[order], w[order]


def _is_number(x: Any) -> bool:
    try:
        float(x)
    except (TypeError, ValueError):
        return False
    return True


# ------------------------------------------------------------------------ structure


def _laplacian(n: int, edges: np.ndarray, w: np.ndarray) -> sp.csr_matrix:
    u, v = edges[:, 0], edges[:, 1]
    deg = np.bincount(u, weights=w, minlength=n) + np.bincount(v, weights=w, minlength=n)
    rows = np.concatenate([u, v, np.arange(n)])  # (2m + n,)
    cols = np.concatenate([v, u, np.arange(n)])  # (2m + n,)
    vals = np.concatenate([-w, -w, deg])  # (2m + n,)
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, n))


def _prepare(n: int, edges: np.ndarray, w: np.ndarray) -> _Graph:
    """Components, weighted degrees and one grounded node (largest degree) per component."""
    u, v = edges[:, 0], edges[:, 1]
    deg = np.bincount(u, weights=w, minlength=n) + np.bincount(v, weights=w, minlength=n)
    adj = sp.csr_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    _, labels = connected_components(adj, directed=False)
    order = np.lexsort((-deg, labels))  # by component, then by decreasing degree
    first = np.r_[True, labels[order][1:] != labels[order][:-1]]
    grounds = order[first]
    grounds = grounds[deg[grounds] > 0]  # isolated nodes are no component here
    return _Graph(n, edges, w, deg, labels.astype(np.int64), grounds.astype(np.int64))


def _grounded(g: _Graph) -> tuple[sp.csc_matrix, np.ndarray]:
    """The Laplacian without grounded and isolated nodes, and each node's new index (-1 if gone)."""
    keep = g.deg > 0
    keep[g.grounds] = False
    index = np.full(g.n, -1, dtype=np.int64)
    index[keep] = np.arange(int(keep.sum()))
    L = _laplacian(g.n, g.edges, g.w)
    return L[keep][:, keep].tocsc(), index


def _envelope(A: sp.spmatrix) -> int:
    """Entries of the lower envelope of ``A`` in reverse Cuthill–McKee order (fill bound)."""
    if A.shape[0] == 0:
        return 0
    A = sp.csr_matrix(A)
    p = reverse_cuthill_mckee(A, symmetric_mode=True)
    B = A[p][:, p].tocsr()
    first = np.minimum.reduceat(B.indices, B.indptr[:-1])  # (N,) every row has its diagonal
    return int(np.maximum(np.arange(B.shape[0]) - first, 0).sum() + B.shape[0])


def _choose(g: _Graph, opts: dict[str, Any], eps: float) -> tuple[str, str]:
    sizes = np.bincount(g.labels[g.deg > 0])
    sizes = sizes[sizes > 0]
    n_max = int(sizes.max())
    if n_max <= _SMALL_COMPONENT:
        return "dense", (
            f"the largest component has {n_max} nodes (<= {_SMALL_COMPONENT}), "
            "so the exact dense Cholesky inverse takes at most milliseconds"
        )
    A, _ = _grounded(g)
    env = _envelope(A)
    dense_entries = float((sizes.astype(np.float64) ** 2).sum() / 2)
    budget = float(opts["sparse_max_envelope"])
    if env <= _SPARSE_FRACTION * dense_entries and env <= budget:
        return "sparse", (
            f"the grounded Laplacian's envelope ({env:,} entries) is under "
            f"{_SPARSE_FRACTION:.0%} of dense storage, so an exact sparse factorisation "
            "with selected inversion is cheaper than dense"
        )
    if n_max <= int(opts["dense_max_nodes"]):
        return "dense", (
            f"the largest component has {n_max:,} nodes (<= dense_max_nodes="
            f"{int(opts['dense_max_nodes']):,}) and its sparse factor would fill in "
            f"(envelope {env:,} entries), so the exact dense Cholesky inverse is used"
        )
    if env <= budget:
        return "sparse", (
            f"the largest component has {n_max:,} nodes (> dense_max_nodes) but the "
            f"envelope ({env:,} entries) is within sparse_max_envelope, so an exact sparse "
            "factorisation with selected inversion is used"
        )
    return "approx", (
        f"the largest component has {n_max:,} nodes (> dense_max_nodes) and the envelope "
        f"({env:,} entries) exceeds sparse_max_envelope, so exact methods are too costly "
        f"and the Spielman-Srivastava approximation (eps={eps:g}) is used"
    )


# ------------------------------------------------------------------------------ dense


def _dense_resistance(g: _Graph) -> np.ndarray:
    """Exact R_eff per component from the dense inverse of the grounded Laplacian."""
    values = np.empty(g.m)  # (m,)
    edge_comp = g.labels[g.edges[:, 0]]  # (m,)
    node_order = np.argsort(g.labels, kind="stable")  # (n,)
    node_bounds = np.searchsorted(g.labels[node_order], np.arange(g.labels.max() + 2))
    edge_order = np.argsort(edge_comp, kind="stable")  # (m,)
    edge_bounds = np.searchsorted(edge_comp[edge_order], np.arange(g.labels.max() + 2))
    local = np.empty(g.n, dtype=np.int64)  # node -> index in its grounded component
    for ground in g.grounds:
        c = g.labels[ground]
        nodes = node_order[node_bounds[c] : node_bounds[c + 1]]  # (nc,) sorted
        eids = edge_order[edge_bounds[c] : edge_bounds[c + 1]]  # (mc,)
        local[nodes] = np.arange(len(nodes))
        gi = local[ground]
        local[nodes] -= local[nodes] > gi
        local[ground] = -1
        a, b = local[g.edges[eids, 0]], local[g.edges[eids, 1]]  # (mc,) each
        if len(nodes) == 2:  # one edge: R = 1 / w
            values[eids] = 1.0 / g.w[eids]
            continue
        Z = _dense_grounded_inverse(len(nodes) - 1, a, b, g.w[eids], g.deg[nodes[nodes != ground]])
        values[eids] = _gather(Z, a, b)
    return values


def _dense_grounded_inverse(
    N: int, a: np.ndarray, b: np.ndarray, w: np.ndarray, diag: np.ndarray
) -> np.ndarray:
    """Inverse of the ``(N, N)`` grounded Laplacian via dpotrf + dpotri (lower triangle valid)."""
    both = (a >= 0) & (b >= 0)
    A = np.zeros((N, N))  # (N, N) grounded Laplacian, symmetric
    A[a[both], b[both]] = -w[both]
    A[b[both], a[both]] = -w[both]
    A[np.arange(N), np.arange(N)] = diag
    with _blas_threads(1 if N < _THREADED_DENSE else None):
        # A.T is the same symmetric matrix in Fortran order, so LAPACK works in place.
        c, info = lapack.dpotrf(A.T, lower=1, clean=0, overwrite_a=1)
        if info == 0:
            c, info = lapack.dpotri(c, lower=1, overwrite_c=1)
    if info != 0:
        raise GraphError(
            "the grounded Laplacian is numerically singular (edge weights span "
            f"{np.log10(w.max()) - np.log10(w.min()):.0f} orders of magnitude); bring the "
            "weights closer together or use method='approx'"
        )
    return c  # (N, N) Fortran order; entries (i, j) with i >= j are the inverse


def _gather(Z: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``Z_aa + Z_bb - 2 Z_ab`` from the lower triangle of Z; index -1 = grounded node."""
    ia, ib = np.maximum(a, 0), np.maximum(b, 0)
    za = np.where(a >= 0, Z[ia, ia], 0.0)  # (mc,)
    zb = np.where(b >= 0, Z[ib, ib], 0.0)  # (mc,)
    zab = np.where((a >= 0) & (b >= 0), Z[np.maximum(ia, ib), np.minimum(ia, ib)], 0.0)
    return za + zb - 2.0 * zab


# ----------------------------------------------------------------------------- sparse


def _sparse_resistance(g: _Graph) -> np.ndarray:
    """Exact R_eff from the selected inverse of a sparse LDL^T of the grounded Laplacian."""
    A, index = _grounded(g)
    N = A.shape[0]
    with _blas_threads(1):
        lu = _factor(A)
        perm = lu.perm_c.astype(np.int64)  # original index i sits at perm[i]
        if not np.array_equal(lu.perm_r, lu.perm_c):  # pragma: no cover - SPD needs no pivots
            raise RuntimeError("SuperLU pivoted on an SPD matrix; selected inversion needs none")
        Lf = sp.csc_matrix(lu.L)
        Lf.sort_indices()
        d = lu.U.diagonal()  # (N,) the D of L D L^T
        z, keys = _selected_inverse(Lf, d)
        if z is None:
            raise _underflow_error(g)
    pa = np.where(index[g.edges[:, 0]] >= 0, perm[np.maximum(index[g.edges[:, 0]], 0)], -1)
    pb = np.where(index[g.edges[:, 1]] >= 0, perm[np.maximum(index[g.edges[:, 1]], 0)], -1)
    hi, lo = np.maximum(pa, pb), np.minimum(pa, pb)  # (m,) each; lower triangle: col lo
    za = np.where(pa >= 0, z[Lf.indptr[np.maximum(pa, 0)]], 0.0)  # diagonal leads each column
    zb = np.where(pb >= 0, z[Lf.indptr[np.maximum(pb, 0)]], 0.0)
    want = np.maximum(lo, 0) * N + hi
    pos = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    if not np.all((keys[pos] == want) | (lo < 0)):
        raise _underflow_error(g)
    zab = np.where(lo >= 0, z[pos], 0.0)
    return za + zb - 2.0 * zab


def _underflow_error(g: _Graph) -> GraphError:
    return GraphError(
        f"edge weights span {np.log10(g.w.max()) - np.log10(g.w.min()):.0f} orders of "
        "magnitude, so entries of the sparse factor "
        "underflow to zero and its pattern is incomplete; use method='dense' or bring the "
        "weights closer together"
    )


def _factor(A: sp.csc_matrix) -> Any:
    """SuperLU with a symmetric minimum-degree ordering and no pivoting: P A P^T = L U."""
    return splu(
        A,
        permc_spec="MMD_AT_PLUS_A",
        diag_pivot_thresh=0.0,
        options={"SymmetricMode": True},
    )


def _selected_inverse(Lf: sp.csc_matrix, d: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """Entries of ``(L D L^T)^-1`` on the lower pattern of ``L`` (Takahashi, by supernodes).

    Processing supernodes ``J`` from last to first, with ``S`` the rows below ``J``:
    ``Z_SJ = -Z_SS L_SJ L_JJ^-1`` and ``Z_JJ = L_JJ^-T (D_J^-1 L_JJ^-1 - L_SJ^T Z_SJ)``.
    Every ``Z_SS`` needed lies in the pattern (the factor's pattern is chordal).
    Returns the values aligned with ``Lf.data`` and the sorted keys ``col * N + row``;
    the values are ``None`` if the pattern is not closed (entries that underflowed to
    zero were dropped from the factor).
    """
    N = Lf.shape[0]
    ip, rows, lv = Lf.indptr, Lf.indices.astype(np.int64), Lf.data
    count = np.diff(ip)  # (N,) entries per column, diagonal included
    keys = np.repeat(np.arange(N, dtype=np.int64), count) * N + rows  # (nnz,) sorted
    # Column j+1 continues j's supernode when struct(j) = {j} + struct(j+1).
    joins = np.zeros(N, dtype=bool)
    if N > 1:
        second = np.where(count[:-1] > 1, rows[np.minimum(ip[:-2] + 1, len(rows) - 1)], -1)
        joins[1:] = (count[:-1] == count[1:] + 1) & (second == np.arange(1, N))
    starts = np.flatnonzero(~joins)
    ends = np.r_[starts[1:], N]
    z = np.zeros_like(lv)  # (nnz,)
    for j0, j1 in zip(starts[::-1], ends[::-1], strict=True):
        t, p0 = j1 - j0, ip[j0]
        S = rows[p0 + t : ip[j0 + 1]]  # rows below the supernode
        Zss = _gather_symmetric(z, keys, S, N)  # (s, s)
        if Zss is None:
            return None, keys
        if t == 1:
            l = lv[p0 + 1 : ip[j0 + 1]]  # (s,)
            zs = -(Zss @ l)  # (s,)
            z[p0 + 1 : ip[j0 + 1]] = zs
            z[p0] = 1.0 / d[j0] - l @ zs
            continue
        r, i = np.arange(t + len(S))[:, None], np.arange(t)[None, :]
        mask = r >= i  # (t+s, t) stored part of the supernode's columns
        idx = np.where(mask, ip[j0:j1][None, :] + r - i, 0)  # (t+s, t) positions in data
        panel = np.where(mask, lv[idx], 0.0)  # (t+s, t) = [L_JJ; L_SJ]
        Ljj, Lsj = panel[:t], panel[t:]
        Linv, _ = lapack.dtrtri(Ljj, lower=1, unitdiag=1)  # (t, t)
        Zsj = -(Zss @ Lsj) @ Linv  # (s, t)
        M = Linv / d[j0:j1, None] - Lsj.T @ Zsj  # (t, t)
        Zjj = Linv.T @ M  # (t, t)
        z[idx[mask]] = np.vstack([Zjj, Zsj])[mask]
    return z, keys


def _gather_symmetric(z: np.ndarray, keys: np.ndarray, S: np.ndarray, N: int) -> np.ndarray | None:
    """The symmetric block ``Z[S, S]`` from values stored on the lower pattern (None: absent)."""
    s = len(S)
    a, b = _tril(s)
    want = S[b] * N + S[a]  # (s(s+1)/2,)
    pos = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    if not np.array_equal(keys[pos], want):
        return None
    Zss = np.empty((s, s))  # (s, s)
    Zss[a, b] = z[pos]
    Zss[b, a] = z[pos]
    return Zss


@functools.lru_cache(maxsize=512)
def _tril(s: int) -> tuple[np.ndarray, np.ndarray]:
    return np.tril_indices(s)


# ----------------------------------------------------------------------------- approx


def _approx_resistance(
    g: _Graph,
    eps: float,
    seed: int | np.random.Generator | None,
    k_constant: float,
    opts: dict[str, Any],
) -> tuple[np.ndarray, str]:
    """Spielman–Srivastava: R_e ~ ||Z b_e||^2 with Z = Q W^1/2 B L^+ (k random rows)."""
    k = math.ceil(k_constant * math.log(max(g.n, 2)) / eps**2)
    need_gib = 5 * g.n * k * 8 / 2**30
    if need_gib > float(opts["max_memory_gib"]):
        raise ConfigError(
            f"eps={eps:g} needs k={k:,} random projections of {g.n:,} nodes (about "
            f"{need_gib:.1f} GiB, over max_memory_gib={opts['max_memory_gib']}); "
            "raise eps, lower k_constant, or use an exact method"
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    Y = _projected_incidence(g, k, rng)  # (n, k) = B^T W^1/2 Q^T * sqrt(k)
    solver = opts["solver"]
    if solver == "auto":
        A, _ = _grounded(g)
        env = _envelope(A)
        solver = "factor" if env <= float(opts["sparse_max_envelope"]) else "cg"
    if solver == "factor":
        X = _solve_factor(g, Y)
        how = f"k={k} projections solved with one sparse factorisation"
    else:
        X, its, worst = _block_pcg(_laplacian(g.n, g.edges, g.w), Y, g.deg, opts)
        how = f"k={k} projections solved together by Jacobi-preconditioned CG in {its} iterations"
        if worst > float(opts["tol"]):
            warnings.warn(
                f"CG stopped after maxiter={opts['maxiter']} iterations with relative "
                f"residual {worst:.1e} > tol={opts['tol']:g}; raise maxiter or use "
                "solver='factor'",
                RuntimeWarning,
                stacklevel=3,
            )
            how += f" (not converged: residual {worst:.1e})"
    values = np.empty(g.m)  # (m,)
    u, v = g.edges[:, 0], g.edges[:, 1]
    for a in range(0, g.m, _EDGE_CHUNK):
        diff = X[u[a : a + _EDGE_CHUNK]] - X[v[a : a + _EDGE_CHUNK]]  # (chunk, k)
        values[a : a + _EDGE_CHUNK] = np.einsum("ij,ij->i", diff, diff) / k
    return values, how


def _projected_incidence(g: _Graph, k: int, rng: np.random.Generator) -> np.ndarray:
    """``B^T W^{1/2} S^T``: each edge adds ``±sqrt(w)`` to its ends in ``k`` columns."""
    Y = np.zeros((g.n, k))  # (n, k)
    sqrt_w = np.sqrt(g.w)  # (m,)
    for a in range(0, g.m, _EDGE_CHUNK):
        b = min(g.m, a + _EDGE_CHUNK)
        signs = rng.integers(0, 2, size=(b - a, k), dtype=np.int8)  # (c, k) in {0, 1}
        S = signs.astype(np.float64)  # (c, k)
        S *= 2.0
        S -= 1.0
        S *= sqrt_w[a:b, None]
        cols = np.arange(b - a)
        Bt = sp.csr_matrix(
            (
                np.r_[np.ones(b - a), -np.ones(b - a)],
                (np.r_[g.edges[a:b, 0], g.edges[a:b, 1]], np.r_[cols, cols]),
            ),
            shape=(g.n, b - a),
        )  # (n, c) signed incidence, transposed
        Y += Bt @ S
    return Y


def _solve_factor(g: _Graph, Y: np.ndarray) -> np.ndarray:
    """Solve ``L X = Y`` (columns of Y sum to 0 per component) with one sparse factor."""
    A, index = _grounded(g)
    keep = index >= 0
    X = np.zeros_like(Y)  # (n, k); grounded and isolated nodes stay 0
    with _blas_threads(1):
        lu = _factor(A)
        X[keep] = lu.solve(np.asfortranarray(Y[keep]))
    return X


def _block_pcg(
    L: sp.csr_matrix, Y: np.ndarray, deg: np.ndarray, opts: dict[str, Any]
) -> tuple[np.ndarray, int, float]:
    """Jacobi-preconditioned CG on all columns of ``L X = Y`` at once (own step per column).

    ``L`` is singular but every column of ``Y`` sums to zero on each component, so the
    system is consistent; the constant that CG may leave in each component cancels
    in ``X_u - X_v``. ``Y`` is overwritten (it becomes the residual).
    """
    tol, maxiter = float(opts["tol"]), int(opts["maxiter"])
    dinv = np.where(deg > 0, 1.0 / np.where(deg > 0, deg, 1.0), 0.0)[:, None]  # (n, 1)
    bnorm = np.sqrt(np.einsum("ij,ij->j", Y, Y))  # (k,)
    bnorm[bnorm == 0] = 1.0
    X = np.zeros_like(Y)  # (n, k)
    R = Y  # (n, k) residual, in place
    Z = dinv * R  # (n, k) preconditioned residual, also scratch
    P = Z.copy()  # (n, k) search directions
    rz = np.einsum("ij,ij->j", R, Z)  # (k,)
    worst, it = float(np.max(np.sqrt(np.einsum("ij,ij->j", R, R)) / bnorm)), 0
    while worst > tol and it < maxiter:
        AP = L @ P  # (n, k)
        pap = np.einsum("ij,ij->j", P, AP)  # (k,)
        alpha = np.divide(rz, pap, out=np.zeros_like(rz), where=pap > 0)  # (k,)
        np.multiply(P, alpha, out=Z)
        X += Z
        np.multiply(AP, alpha, out=Z)
        R -= Z
        del AP
        worst = float(np.max(np.sqrt(np.einsum("ij,ij->j", R, R)) / bnorm))
        it += 1
        np.multiply(R, dinv, out=Z)
        rz_new = np.einsum("ij,ij->j", R, Z)  # (k,)
        beta = np.divide(rz_new, rz, out=np.zeros_like(rz), where=rz > 0)  # (k,)
        rz = rz_new
        P *= beta
        P += Z
    return X, it, worst


# ----------------------------------------------------------------------- BLAS threads


@functools.cache
def _openblas_thread_setters() -> tuple[Any, ...]:
    """``openblas_set_num_threads_local`` of every OpenBLAS loaded (Linux only)."""
    if not sys.platform.startswith("linux"):
        return ()
    try:
        with open("/proc/self/maps") as fh:
            paths = sorted({ln.split()[-1] for ln in fh if "openblas" in ln.lower()})
    except OSError:
        return ()
    setters = []
    for path in paths:
        try:
            fn = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.restype, fn.argtypes = ctypes.c_int, [ctypes.c_int]
        setters.append(fn)
    return tuple(setters)


@contextmanager
def _blas_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` OpenBLAS threads in this thread (``None``: unchanged).

    Many small BLAS calls with several threads each wait for every thread to wake up;
    on a busy machine that costs milliseconds per call, so loops of small calls are run
    single-threaded. The setting is thread-local and restored afterwards.
    """
    setters = _openblas_thread_setters() if n is not None else ()
    old = [fn(n) for fn in setters]
    try:
        yield
    finally:
        for fn, value in zip(setters, old, strict=True):
            fn(value)
