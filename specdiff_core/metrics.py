"""How good is a sparsified graph: connectivity, bridge survival, spectral error.

A sparsified graph is given as a ``mask`` (and optionally ``weights``) aligned with
:func:`specdiff_core.graphs.edge_array`; it always has **all** the nodes of ``G``.
Components are counted over all nodes, so an isolated node of ``G`` is a component
of ``G`` and of every sparsification of it; "connectivity is preserved" means the
kept subgraph has as many components as ``G`` (for a connected ``G``: it is connected).

Batches (``masks`` of shape ``(K, m)``) are evaluated together: bridges and the
spectral basis of ``L_G`` are computed once, components of all ``K`` samples in a
single ``connected_components`` call, eigenvalues in batched dense solves.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sps
from scipy.sparse.csgraph import connected_components

from .errors import ConfigError
from .graphs import bridge_mask, edge_array, edge_weights

__all__ = [
    "DENSE_MAX_NODES",
    "SpectralQuality",
    "bridge_mask",
    "n_components",
    "count_components",
    "preserves_connectivity",
    "bridge_survival",
    "edge_retention",
    "spectral_quality",
    "wilson_ci",
    "t_interval",
    "evaluate",
    "evaluate_batch",
    "summarize",
]

DENSE_MAX_NODES = 2_000  # larger components get nan spectral metrics (dense eigensolve too slow)
_CHUNK_BYTES = 64 * 2**20  # memory for one chunk of stacked dense Laplacians
Z95 = 1.959963984540054  # two-sided 95% normal quantile


@dataclass(frozen=True)
class SpectralQuality:
    """Extreme generalised eigenvalues of ``(L_H, L_G)`` off ``L_G``'s null space."""

    lambda_min: float  # smallest x^T L_H x / x^T L_G x
    lambda_max: float  # largest x^T L_H x / x^T L_G x
    epsilon: float  # max(1 - lambda_min, lambda_max - 1): H is an epsilon-spectral sparsifier
    lambda2_ratio: float  # lambda_2(L_H) / lambda_2(L_G); nan unless G is connected
    note: str = ""  # why a value is nan, if one is


# ---------------------------------------------------------------------------- checks


def _as_masks(masks: object, m: int, *, batch: bool) -> np.ndarray:
    """Check a mask (or a ``(K, m)`` stack of them) and return it as bool."""
    arr = np.asarray(masks)
    want = "(K, m)" if batch else "(m,)"
    if arr.ndim != (2 if batch else 1) or arr.shape[-1] != m:
        raise ConfigError(
            f"mask has shape {arr.shape}, expected {want} with m = {m} edges aligned with "
            "graphs.edge_array(G); pass masks made for this graph"
        )
    if arr.dtype != bool:
        if not np.isin(arr, (0, 1)).all():
            raise ConfigError("mask entries must be booleans (or 0/1)")
        arr = arr.astype(bool)
    return arr


def _kept_weights(G: nx.Graph, edges: np.ndarray, masks: np.ndarray, weights: object):
    """Weights of the sparsified graph(s), 0 on dropped edges; shape of ``masks``."""
    if weights is None:
        return np.where(masks, edge_weights(G, edges), 0.0)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != masks.shape:
        raise ConfigError(
            f"weights have shape {w.shape} but the masks have {masks.shape}; pass one weight "
            "per edge aligned with graphs.edge_array(G)"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ConfigError("weights must be finite and >= 0")
    return np.where(masks, w, 0.0)


# ------------------------------------------------------------------- combinatorial metrics


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


# ------------------------------------------------------------------------ spectral metrics


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
        assert d[0] < 1e-8 * max(d[-1], 1.0) and d[1] > 0, "component Laplacian not connected"
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


# ------------------------------------------------------------------------------- evaluate


def wilson_ci(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion ``successes / n``.

    Returns ``(nan, nan)`` for ``n = 0``; the bounds are exactly 0 for ``0/n`` and
    exactly 1 for ``n/n``.

    Raises
    ------
    ConfigError
        Negative counts, ``successes > n`` or ``z <= 0``.

    References
    ----------
    E. B. Wilson, "Probable inference, the law of succession, and statistical
    inference", J. Am. Stat. Assoc. 22, 1927.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_ci(5, 10)]
    [0.2366, 0.7634]
    """
    if not (0 <= successes <= n) or int(successes) != successes or int(n) != n:
        raise ConfigError(f"need integers 0 <= successes <= n, got {successes}/{n}")
    if not (z > 0 and math.isfinite(z)):
        raise ConfigError(f"z must be a positive finite number, got {z}")
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    denom = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, center - half)
    high = 1.0 if successes == n else min(1.0, center + half)
    return (low, high)


def t_interval(values: object, level: float = 0.95) -> list[float]:
    """Student-t interval of the mean of ``values``, one per independent replicate (a
    trained model, an SGD trajectory); ``[nan, nan]`` for fewer than two.

    Examples
    --------
    >>> [round(x, 3) for x in t_interval([0.5, 0.7, 0.6])]
    [0.352, 0.848]
    """
    from scipy import stats

    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or len(x) < 2:
        return [math.nan, math.nan]
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return [float(x.mean()) - half, float(x.mean()) + half]


_KEYS = (
    "connected",
    "n_components",
    "count_components",
    "bridge_survival",
    "edge_retention",
    "spectral_error",
    "lambda2_ratio",
    "bridges_kept",
    "n_bridges",
)


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
