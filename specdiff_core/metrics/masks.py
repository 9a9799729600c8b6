"""Checks of the masks and weights that describe a sparsified graph."""

from __future__ import annotations

import networkx as nx
import numpy as np

from ..errors import ConfigError
from ..graphs import edge_weights


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
