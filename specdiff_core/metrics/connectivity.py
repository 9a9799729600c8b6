"""Combinatorial metrics: components (of many samples at once), bridges kept, edges kept."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import scipy.sparse as sps
from scipy.sparse.csgraph import connected_components

from ..errors import ConfigError
from ..graphs import bridge_mask, edge_array
from .masks import _as_masks


def count_components(n: int, edges: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """``(K,)`` components of each ``(all n nodes, kept edges)``, in one csgraph call.

    ``edges`` is ``(m, 2)`` node indices (repeated pairs allowed), ``masks`` ``(K, m)``.

    Examples
    --------
    >>> count_components(3, np.array([[0, 1], [1, 2]]), np.array([[1, 1], [1, 0]])).tolist()
    [1, 2]
    """
    K = masks.shape[0]
    if K == 0 or n == 0:
        return np.zeros(K, dtype=np.int64)
    sample, idx = np.nonzero(masks)  # (nnz,) each
    rows = edges[idx, 0] + sample * n
    cols = edges[idx, 1] + sample * n
    adj = sps.coo_matrix((np.ones(len(idx)), (rows, cols)), shape=(K * n, K * n))
    _, labels = connected_components(adj, directed=False)  # (K n,)
    # samples share no edges, so every label lives in exactly one sample's block
    first = np.sort(labels.reshape(K, n), axis=1)  # (K, n)
    return 1 + (np.diff(first, axis=1) != 0).sum(axis=1)


def n_components(G: nx.Graph, mask: object) -> int:
    """Number of connected components of ``(all nodes of G, kept edges)``.

    Every node counts, so isolated nodes of ``G`` (and nodes the mask isolates) are
    components of their own.

    Examples
    --------
    >>> G = nx.path_graph(4)
    >>> n_components(G, [True, False, True])
    2
    """
    edges = edge_array(G)
    m_ = _as_masks(mask, len(edges), batch=False)
    return int(count_components(G.number_of_nodes(), edges, m_[None])[0])


def preserves_connectivity(G: nx.Graph, mask: object) -> bool:
    """True if the kept subgraph has as many components as ``G`` (connected if G is).

    Examples
    --------
    >>> preserves_connectivity(nx.cycle_graph(4), [True, True, True, False])
    True
    """
    edges = edge_array(G)
    full = np.ones((1, len(edges)), dtype=bool)
    return n_components(G, mask) == int(count_components(G.number_of_nodes(), edges, full)[0])


def bridge_survival(G: nx.Graph, mask: object) -> float:
    """Share of ``G``'s bridges that the mask keeps; ``nan`` if ``G`` has no bridge.

    Examples
    --------
    >>> bridge_survival(nx.path_graph(5), [True, False, True, True])
    0.75
    """
    edges = edge_array(G)
    m_ = _as_masks(mask, len(edges), batch=False)
    b = bridge_mask(G)
    return float(m_[b].mean()) if b.any() else math.nan


def edge_retention(mask: object) -> float:
    """Share of edges kept; ``nan`` for an empty mask.

    Examples
    --------
    >>> edge_retention([True, False, False, True])
    0.5
    """
    arr = np.asarray(mask)
    if arr.ndim != 1:
        raise ConfigError(f"mask must be one-dimensional (m,), got shape {arr.shape}")
    return float(arr.astype(bool).mean()) if arr.size else math.nan
