"""Spectral metrics: the extreme eigenvalues of ``(L_H, L_G)`` and the ratio of ``lambda_2``."""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sps
from scipy.sparse.csgraph import connected_components

from ..errors import ConfigError, GraphError
from ..graphs import edge_array, edge_weights
from .connectivity import count_components
from .masks import _kept_weights

DENSE_MAX_NODES = 2_000  # larger components get nan spectral metrics (dense eigensolve too slow)
_CHUNK_BYTES = 64 * 2**20  # memory for one chunk of stacked dense Laplacians


@dataclass(frozen=True)
class SpectralQuality:
    """Extreme generalised eigenvalues of ``(L_H, L_G)`` off ``L_G``'s null space."""

    lambda_min: float  # smallest x^T L_H x / x^T L_G x
    lambda_max: float  # largest x^T L_H x / x^T L_G x
    epsilon: float  # max(1 - lambda_min, lambda_max - 1): H is an epsilon-spectral sparsifier
    lambda2_ratio: float  # lambda_2(L_H) / lambda_2(L_G); nan unless G is connected
    note: str = ""  # why a value is nan, if one is


@dataclass(frozen=True)
class _Block:
    """One component of ``G`` (>= 2 nodes), ready for pencil eigenvalues."""

    nodes: np.ndarray  # (k,) node ids
    local: np.ndarray  # (m_b, 2) its edges, renumbered 0..k-1
    edge_idx: np.ndarray  # (m_b,) their rows in edge_array(G)
    T: np.ndarray | None  # (k, k-1) = U_r diag(d_r)^{-1/2}: T^T L_G T = I; None if too big


@dataclass(frozen=True)
class _Basis:
    """Everything about ``G`` the spectral metrics need, computed once."""

    n: int
    blocks: tuple[_Block, ...]
    lambda2_G: float  # algebraic connectivity of G if G (all nodes) is connected, else nan
    note: str


def _laplacians(local: np.ndarray, W: np.ndarray, k: int) -> np.ndarray:
    """Stacked dense Laplacians ``(B, k, k)`` of the weightings ``W`` ``(B, m_b)``."""
    B = W.shape[0]
    L = np.zeros((B, k, k))
    L[:, local[:, 0], local[:, 1]] = -W
    L[:, local[:, 1], local[:, 0]] = -W
    diag = np.arange(k)
    L[:, diag, diag] = -L.sum(axis=2)
    return L


def _basis(G: nx.Graph, edges: np.ndarray, max_dense_nodes: int) -> _Basis:
    n = G.number_of_nodes()
    w = edge_weights(G, edges)  # (m,)
    adj = sps.coo_matrix((w, (edges[:, 0], edges[:, 1])), shape=(n, n))
    n_comp, labels = connected_components(adj, directed=False)  # (n,)
    edge_lab = labels[edges[:, 0]]  # (m,)
    blocks, notes, lam2 = [], [], math.nan
    for c in np.unique(edge_lab):
        nodes = np.flatnonzero(labels == c)  # (k,)
        edge_idx = np.flatnonzero(edge_lab == c)  # (m_b,)
        local = np.searchsorted(nodes, edges[edge_idx])  # (m_b, 2)
        k = len(nodes)
        if k > max_dense_nodes:
            notes.append(f"a component has {k} nodes > max_dense_nodes={max_dense_nodes}")
            blocks.append(_Block(nodes, local, edge_idx, None))
            continue
        d, U = np.linalg.eigh(_laplacians(local, w[None, edge_idx], k)[0])  # (k,), (k, k)
        if not (d[0] < 1e-8 * max(d[-1], 1.0) and d[1] > 0):  # weights past double precision
            raise GraphError(
                f"a component of {k} nodes has a numerically singular Laplacian (lambda_2 = "
                f"{d[1]:.3g}, lambda_max = {d[-1]:.3g}): its weights span too many orders of "
                "magnitude for double precision; compress them (e.g. log) or drop extreme edges"
            )
        blocks.append(_Block(nodes, local, edge_idx, U[:, 1:] / np.sqrt(d[1:])))
        if n_comp == 1:
            lam2 = float(d[1])
    note = "; ".join(notes)
    if notes:
        note += " (dense eigensolves skipped: spectral metrics are nan; raise max_dense_nodes)"
    return _Basis(n, tuple(blocks), lam2, note)


def _spectral_batch(basis: _Basis, edges: np.ndarray, W: np.ndarray) -> np.ndarray:
    """``(K, 4)``: lambda_min, lambda_max, epsilon, lambda2_ratio of each weighting."""
    K = W.shape[0]
    lo = np.full(K, np.inf)
    hi = np.full(K, -np.inf)
    ratio = np.full(K, math.nan)
    for blk in basis.blocks:
        if blk.T is None:
            lo[:] = hi[:] = math.nan
            continue
        k = len(blk.nodes)
        sub = W[:, blk.edge_idx]  # (K, m_b)
        broken = count_components(k, blk.local, sub > 0) > 1  # (K,) H splits this block
        step = max(1, _CHUNK_BYTES // (8 * k * k))
        for a in range(0, K, step):
            L = _laplacians(blk.local, sub[a : a + step], k)  # (B, k, k)
            M = blk.T.T @ L @ blk.T  # (B, k-1, k-1)
            ev = np.linalg.eigvalsh(M)  # (B, k-1) ascending
            lo[a : a + step] = np.minimum(lo[a : a + step], ev[:, 0])
            hi[a : a + step] = np.maximum(hi[a : a + step], ev[:, -1])
            if not math.isnan(basis.lambda2_G):  # G connected: this is the only block
                lam2_H = np.linalg.eigvalsh(L)[:, 1]  # (B,)
                ratio[a : a + step] = np.where(broken[a : a + step], 0.0, lam2_H)
        lo = np.where(broken, 0.0, lo)  # exact: a split component has lambda_min = 0
    ratio = ratio / basis.lambda2_G
    eps = np.maximum(1.0 - lo, hi - 1.0)
    return np.stack([lo, hi, eps, ratio], axis=1)


def spectral_quality(
    G: nx.Graph, weights: object, *, max_dense_nodes: int = DENSE_MAX_NODES
) -> SpectralQuality:
    """How well ``H`` (``G``'s edges with ``weights``) approximates ``G`` spectrally.

    Parameters
    ----------
    G : networkx.Graph
        A canonical graph.
    weights : array of shape (m,)
        Weights of ``H`` on ``G``'s edges (aligned with ``edge_array(G)``); 0 = dropped.
    max_dense_nodes : int
        Components larger than this are not eigensolved; the result is nan with a note.

    Returns
    -------
    SpectralQuality
        ``lambda_min``, ``lambda_max``: the extreme ``x^T L_H x / x^T L_G x`` over ``x``
        orthogonal to ``L_G``'s null space (the constants on each component);
        ``epsilon = max(1 - lambda_min, lambda_max - 1)``; ``lambda2_ratio`` =
        ``lambda_2(L_H) / lambda_2(L_G)`` when ``G`` is connected, else nan.

    Raises
    ------
    ConfigError
        Weights of the wrong length, negative or not finite.

    Notes
    -----
    ``H`` is an epsilon-spectral sparsifier of ``G`` when
    ``(1 - eps) L_G <= L_H <= (1 + eps) L_G`` (Spielman–Teng; Spielman–Srivastava 2011).
    Per component of ``G`` with Laplacian ``L_G = U diag(d) U^T`` the eigenvalues are
    those of ``T^T L_H T`` with ``T = U_r diag(d_r)^{-1/2}`` (the zero mode dropped),
    by dense solves. A component split by ``H`` gives ``lambda_min = 0`` exactly, so
    ``epsilon >= 1``. Components with no edge (isolated nodes) are ignored.

    Examples
    --------
    >>> G = nx.cycle_graph(4)
    >>> q = spectral_quality(G, 2.0 * np.ones(4))
    >>> round(q.lambda_min, 9), round(q.lambda_max, 9), round(q.epsilon, 9)
    (2.0, 2.0, 1.0)
    """
    edges = edge_array(G)
    if len(edges) == 0:
        return SpectralQuality(math.nan, math.nan, math.nan, math.nan, "the graph has no edges")
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1:
        raise ConfigError(f"weights must be one-dimensional (m,), got shape {w.shape}")
    _kept_weights(G, edges, np.ones((1, len(edges)), bool), w[None])  # checks only
    basis = _basis(G, edges, max_dense_nodes)
    lo, hi, eps, ratio = _spectral_batch(basis, edges, w[None])[0]
    return SpectralQuality(float(lo), float(hi), float(eps), float(ratio), basis.note)
