"""What every method needs: the Laplacian, components and grounded nodes, the envelope."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, reverse_cuthill_mckee


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
