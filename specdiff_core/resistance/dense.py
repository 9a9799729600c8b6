"""Exact resistance from the dense inverse of the grounded Laplacian (LAPACK Cholesky)."""

from __future__ import annotations

import numpy as np
from scipy.linalg import lapack

from ..errors import GraphError
from .blas import _blas_threads
from .structure import _Graph

_THREADED_DENSE = 1000  # smaller dense inverses run on one BLAS thread (see _blas_threads)


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
