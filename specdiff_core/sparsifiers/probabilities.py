"""The oracle's keep probabilities ``p_e = min(1, C w_e R_e)``: resistances, leverage, ``C``."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from ..errors import ConfigError
from ..graphs import bridge_mask, edge_weights
from .common import Seed, _edges_of, _target_edges

BRIDGE_TOL = 1e-9  # |w_e R_e - 1| below this counts as a bridge (p_e = 1)


def _resistance_values(G: nx.Graph, edges: np.ndarray, resistance: Any, seed: Seed):
    """Return ``(R (m,), notices)``: the caller's values checked, or computed here."""
    notices: list[str] = []
    if resistance is None:
        from ..resistance import effective_resistance

        res = effective_resistance(G, seed=0 if isinstance(seed, np.random.Generator) else seed)
        values = res.values
        if getattr(res, "method", "") not in ("dense", "sparse"):
            notices.append(f"effective resistance by method={res.method} ({res.reason})")
    else:
        values = getattr(resistance, "values", resistance)
        res_edges = getattr(resistance, "edges", None)
        if res_edges is not None and not np.array_equal(np.asarray(res_edges), edges):
            raise ConfigError(
                "the resistance was computed for a different graph (its edges differ from "
                "edge_array(G)); recompute it for this graph"
            )
    R = np.asarray(values, dtype=np.float64)
    if R.shape != (len(edges),):
        raise ConfigError(
            f"resistance has shape {R.shape} but the graph has {len(edges)} edges; pass one "
            "value per edge, aligned with graphs.edge_array(G)"
        )
    if not np.all(np.isfinite(R)) or np.any(R <= 0):
        raise ConfigError(
            "resistance values must be finite and positive (every edge of a graph with "
            "positive weights has R_e > 0); recompute them"
        )
    return R, notices


def _leverage(G: nx.Graph, edges: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(s, forced)``: ``s_e = w_e R_e`` with bridges set to 1, and the bridge mask."""
    s = edge_weights(G, edges) * R  # (m,)
    forced = bridge_mask(G) | (np.abs(s - 1.0) <= BRIDGE_TOL)  # (m,)
    s[forced] = np.maximum(s[forced], 1.0)  # an approximate R must not unseat a bridge
    return s, forced


def _solve_scale(s: np.ndarray, k: float) -> float:
    """The ``C`` with ``sum_e min(1, C s_e) = k`` (exact, by sorting; ``0 < k <= m``)."""
    desc = np.sort(s)[::-1]  # (m,) s_(1) >= s_(2) >= ...
    tail = np.cumsum(desc[::-1])[::-1]  # (m,) tail[j] = sum_{i >= j} desc[i]
    after = np.append(tail[1:], 0.0)  # (m,) sum strictly after position j
    # f at the breakpoint C = 1/desc[j]: j+1 edges saturated, the rest scaled
    f_break = np.arange(1, len(s) + 1) + after / desc  # (m,) nondecreasing
    j = int(np.searchsorted(f_break, k, side="right"))  # number of saturated edges
    if j >= len(s):
        return float(1.0 / desc[-1])
    return float((k - j) / tail[j])


def keep_scale(s: np.ndarray, k: float) -> float:
    """The scale ``C`` with ``sum_e min(1, C s_e) = k`` expected kept edges (``s_e``: the
    leverage scores ``w_e R_e``, all positive; ``0 < k <= m``).

    Examples
    --------
    >>> keep_scale(np.array([1.0, 0.25, 0.25]), 2.0)
    2.0
    """
    s = np.asarray(s, dtype=np.float64)
    if s.ndim != 1 or not len(s) or not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ConfigError("leverage scores must be a non-empty vector of positive numbers")
    if not 0 < k <= len(s):
        raise ConfigError(f"expected kept edges must be in (0, {len(s)}], got {k}")
    return _solve_scale(s, float(k))


def _oracle_probs(s: np.ndarray, forced: np.ndarray, k: float) -> tuple[np.ndarray, float, float]:
    """``(p, k_used, k_min)`` for the independent variant at target ``k``."""
    k_min = float(np.minimum(1.0, s).sum())  # the budget at C = 1
    k_used = max(k, k_min)
    C = max(_solve_scale(s, k_used), 1.0)
    p = np.minimum(1.0, C * s)  # (m,)
    p[forced] = 1.0
    assert abs(p.sum() - k_used) <= 1e-6 * len(s) + 1e-9, "keep probabilities miss the budget"
    return p, k_used, k_min


def _budget_notice(k: float, k_min: float, m: int, n: int, c: int) -> str:
    return (
        f"budget raised from {k:.4g} to {k_min:.4g} expected edges ({k_min / m:.1%} of {m}): "
        f"the oracle keeps every bridge only with p_e = min(1, C w_e R_e) at C >= 1, and C = 1 "
        f"already gives sum_e min(1, w_e R_e) = {k_min:.4g} (Foster: n - components = "
        f"{n - c}); ask for at least that"
    )


def oracle_keep_probabilities(G: nx.Graph, *, budget: float, resistance: Any = None) -> np.ndarray:
    """Keep probabilities ``p_e = min(1, C w_e R_e)`` of the independent Spectral Oracle.

    Parameters
    ----------
    G, budget, resistance
        As for :func:`specdiff_core.sparsifiers.spectral_oracle`, whose independent variant
        keeps each edge with these probabilities (a budget below ``sum_e min(1, w_e R_e)``
        is raised to it).

    Returns
    -------
    numpy.ndarray
        ``(m,)`` float64; bridges have ``p_e = 1``; the sum is the (possibly raised) budget.

    Raises
    ------
    ConfigError
        Bad budget, or resistance of the wrong length or with non-positive values.

    Examples
    --------
    >>> G = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])
    >>> from specdiff_core.graphs import validate_graph
    >>> G = validate_graph(G).graph
    >>> R = np.array([2 / 3, 2 / 3, 2 / 3, 1.0])
    >>> oracle_keep_probabilities(G, budget=1.0, resistance=R).round(3).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    edges = _edges_of(G)
    k = _target_edges(budget, len(edges))
    R, _ = _resistance_values(G, edges, resistance, 0)
    s, forced = _leverage(G, edges, R)
    return _oracle_probs(s, forced, k)[0]
