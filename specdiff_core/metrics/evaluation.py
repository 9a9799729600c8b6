"""Every metric of one sparsified graph or of a batch, and the summary of a batch."""

from __future__ import annotations

import math
import warnings

import networkx as nx
import numpy as np

from ..errors import ConfigError
from ..graphs import bridge_mask, edge_array
from .connectivity import (
    bridge_survival,
    count_components,
    edge_retention,
    n_components,
    preserves_connectivity,
)
from .intervals import wilson_ci
from .masks import _as_masks, _kept_weights
from .spectral import DENSE_MAX_NODES, _basis, _spectral_batch, spectral_quality


def evaluate(
    G: nx.Graph,
    mask: object,
    weights: object = None,
    *,
    max_dense_nodes: int = DENSE_MAX_NODES,
) -> dict[str, float]:
    """All metrics of one sparsified graph.

    Parameters
    ----------
    G : networkx.Graph
        A canonical graph.
    mask : array of shape (m,)
        Kept edges, aligned with ``edge_array(G)``.
    weights : array of shape (m,), optional
        Weights of kept edges; default: their original weights (an unreweighted mask).

    Returns
    -------
    dict
        ``connected`` (1.0 if the number of components is preserved, else 0.0),
        ``n_components``, ``bridge_survival`` (nan without bridges), ``edge_retention``,
        ``spectral_error`` (the epsilon of :func:`spectral_quality`), ``lambda2_ratio``,
        and the counts ``bridges_kept`` and ``n_bridges``.

    Examples
    --------
    >>> out = evaluate(nx.path_graph(3), [True, False])
    >>> out["connected"], out["n_components"], out["bridge_survival"]
    (0.0, 2.0, 0.5)
    """
    edges = edge_array(G)
    m_ = _as_masks(mask, len(edges), batch=False)
    h = _kept_weights(G, edges, m_[None], None if weights is None else np.asarray(weights)[None])
    b = bridge_mask(G)
    q = spectral_quality(G, h[0], max_dense_nodes=max_dense_nodes)
    return {
        "connected": float(preserves_connectivity(G, m_)),
        "n_components": float(n_components(G, m_)),
        "bridge_survival": bridge_survival(G, m_),
        "edge_retention": edge_retention(m_),
        "spectral_error": q.epsilon,
        "lambda2_ratio": q.lambda2_ratio,
        "bridges_kept": float(m_[b].sum()),
        "n_bridges": float(b.sum()),
    }


def evaluate_batch(
    G: nx.Graph,
    masks: object,
    weights: object = None,
    *,
    spectral: bool = True,
    max_dense_nodes: int = DENSE_MAX_NODES,
) -> dict[str, np.ndarray]:
    """:func:`evaluate` for ``K`` samples at once; every value is a ``(K,)`` array.

    ``masks`` is ``(K, m)``; ``weights`` is ``(K, m)`` or None (original weights).
    With ``spectral=False`` the (costly) spectral metrics are nan.

    Examples
    --------
    >>> out = evaluate_batch(nx.path_graph(3), [[True, True], [True, False]])
    >>> out["connected"].tolist(), out["edge_retention"].tolist()
    ([1.0, 0.0], [1.0, 0.5])
    """
    edges = edge_array(G)
    M = _as_masks(masks, len(edges), batch=True)  # (K, m)
    H = _kept_weights(G, edges, M, weights)  # (K, m)
    K, n = M.shape[0], G.number_of_nodes()
    full = np.ones((1, len(edges)), dtype=bool)
    comps = count_components(n, edges, M)  # (K,)
    base = count_components(n, edges, full)[0]
    b = bridge_mask(G)  # (m,)
    kept_b = M[:, b].sum(axis=1).astype(np.float64)  # (K,)
    with np.errstate(invalid="ignore", divide="ignore"):
        survival = kept_b / b.sum() if b.any() else np.full(K, math.nan)
        retention = M.mean(axis=1) if len(edges) else np.full(K, math.nan)
    spec = np.full((K, 4), math.nan)
    if spectral and len(edges) and K:
        spec = _spectral_batch(_basis(G, edges, max_dense_nodes), edges, H)
    return {
        "connected": (comps == base).astype(np.float64),
        "n_components": comps.astype(np.float64),
        "bridge_survival": survival,
        "edge_retention": retention.astype(np.float64),
        "spectral_error": spec[:, 2],
        "lambda2_ratio": spec[:, 3],
        "bridges_kept": kept_b,
        "n_bridges": np.full(K, float(b.sum())),
    }


def _mean(x: np.ndarray) -> float:
    x = np.asarray(x, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-nan -> nan is what we want
        return float(np.nanmean(x)) if x.size else math.nan


def summarize(samples: dict[str, np.ndarray]) -> dict:
    """Proportions with Wilson 95% intervals, and means, over a batch of samples.

    Parameters
    ----------
    samples : dict of (K,) arrays
        As returned by :func:`evaluate_batch` (or concatenations of several).

    Returns
    -------
    dict
        ``n``; ``connectivity`` and ``connectivity_ci`` ``[low, high]``;
        ``bridge_survival`` pooled over all bridges of all samples
        (``sum bridges_kept / sum n_bridges``) and ``bridge_survival_ci``;
        ``edge_retention``, ``spectral_error``, ``lambda2_ratio``, ``n_components``:
        means over samples (nan values, e.g. a skipped eigensolve, left out).

    Raises
    ------
    ConfigError
        A required key is missing.

    Examples
    --------
    >>> s = evaluate_batch(nx.path_graph(3), [[True, True], [True, False]])
    >>> out = summarize(s)
    >>> out["n"], out["connectivity"], out["bridge_survival"]
    (2, 0.5, 0.75)
    """
    missing = [k for k in ("connected", "bridges_kept", "n_bridges") if k not in samples]
    if missing:
        raise ConfigError(f"samples lack {missing}; pass the output of evaluate_batch")
    conn = np.asarray(samples["connected"], dtype=np.float64)  # (K,)
    n = int(conn.size)
    ok = int(np.round(conn.sum()))
    kept = int(np.round(np.sum(samples["bridges_kept"])))
    total = int(np.round(np.sum(samples["n_bridges"])))
    out: dict = {
        "n": n,
        "connectivity": ok / n if n else math.nan,
        "connectivity_ci": list(wilson_ci(ok, n)),
        "bridge_survival": kept / total if total else math.nan,
        "bridge_survival_ci": list(wilson_ci(kept, total)),
        "n_bridges": total,
    }
    for key in ("edge_retention", "spectral_error", "lambda2_ratio", "n_components"):
        if key in samples:
            out[key] = _mean(samples[key])
    return out
