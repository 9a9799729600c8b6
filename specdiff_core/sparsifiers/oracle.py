"""The Spectral Oracle: independent keeps, or the paper's draws with replacement."""

from __future__ import annotations

from typing import Any, Literal

import networkx as nx
import numpy as np

from ..errors import ConfigError
from ..graphs import edge_weights
from .common import VARIANTS, Seed, Sparsified, _edges_of, _rng, _target_edges
from .probabilities import _budget_notice, _leverage, _oracle_probs, _resistance_values


def _sampling_draws(pi: np.ndarray, target: float) -> int | None:
    """Smallest-error ``q``: expected distinct edges of ``q`` draws closest to ``target``.

    ``None`` means the target needs every edge (the ``q -> infinity`` limit).
    """
    log_stay = np.log1p(-np.minimum(pi, 1.0))  # (m',) log(1 - pi_e), -inf if pi_e = 1

    def expected(q: int) -> float:
        return float(-np.expm1(q * log_stay).sum())

    if target >= len(pi) - 1e-9:
        return None
    hi = 1
    while expected(hi) < target:
        hi *= 2
        if hi > 2**50:
            return None
    lo = hi // 2  # expected(lo) < target <= expected(hi), or lo == 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if expected(mid) < target else (lo, mid)
    if lo >= 1 and target - expected(lo) < expected(hi) - target:
        return lo
    return hi


def _oracle_sampling(
    s: np.ndarray, forced: np.ndarray, w: np.ndarray, k: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """``(mask, weights, probs, notice)`` of the sample-q-edges-with-replacement variant."""
    free = ~forced  # (m,) edges that are drawn
    mask = forced.copy()
    weights = np.where(forced, w, 0.0)  # (m,)
    probs = forced.astype(np.float64)  # (m,)
    if not free.any():
        return mask, weights, probs, "every edge is a bridge: all kept"
    pi = s[free] / s[free].sum()  # (m',) draw probabilities, sum to 1
    q = _sampling_draws(pi, k - forced.sum())
    if q is None:  # the limit q -> infinity: every edge kept with its own weight
        mask[:] = True
        weights = w.copy()
        probs[:] = 1.0
        return mask, weights, probs, "the budget keeps every edge: no draws needed"
    counts = rng.multinomial(q, pi)  # (m',)
    mask[free] = counts > 0
    weights[free] = w[free] * counts / (q * pi)
    probs[free] = -np.expm1(q * np.log1p(-np.minimum(pi, 1.0)))
    note = (
        f"sampling variant: {q} draws with replacement over {int(free.sum())} non-bridge "
        f"edges; {int(forced.sum())} bridge(s) kept with their own weight"
    )
    return mask, weights, probs, note


def spectral_oracle(
    G: nx.Graph,
    *,
    budget: float = 0.5,
    variant: Literal["independent", "sampling"] = "independent",
    seed: Seed = 0,
    resistance: Any = None,
) -> Sparsified:
    """Spielman–Srivastava sparsification by effective resistance; never drops a bridge.

    Parameters
    ----------
    G : networkx.Graph
        A canonical graph (see :func:`specdiff_core.graphs.validate_graph`).
    budget : float
        Target expected number of kept edges: a fraction in ``(0, 1]`` of the edges or
        an absolute count ``> 1``. A budget below ``sum_e min(1, w_e R_e)`` (the value
        at ``C = 1``, i.e. ``n - components`` for exact resistances) is raised to it,
        with a notice.
    variant : {"independent", "sampling"}
        ``"independent"``: keep each edge with ``p_e = min(1, C w_e R_e)``, ``C`` solved
        so that ``sum_e p_e`` equals the budget; a kept edge gets weight ``w_e / p_e``.
        ``"sampling"``: the paper's sampling scheme; ``q`` draws with replacement,
        edge ``e`` drawn with probability ``pi_e = w_e R_e / sum w R``, each draw adding
        ``w_e / (q pi_e)``; ``q`` is chosen so that the expected number of distinct kept
        edges matches the budget.
    seed : int or numpy.random.Generator
        Same seed, same result.
    resistance : array of shape (m,) or ResistanceResult, optional
        Precomputed effective resistances aligned with ``edge_array(G)``; computed with
        :func:`specdiff_core.resistance.effective_resistance` when omitted.

    Returns
    -------
    Sparsified
        ``method="oracle"``; ``probs`` is each edge's probability of being kept.

    Raises
    ------
    ConfigError
        Bad budget or variant, or resistance of the wrong length or with values <= 0.
    GraphError
        A graph with no edges, or one that is not canonical.

    Notes
    -----
    Bridges (found with ``networkx.bridges``, plus any edge with ``w_e R_e`` within
    ``1e-9`` of 1) are kept with certainty in both variants. In the sampling variant
    they are taken out of the draws and kept deterministically with their original
    weight, which is what their draws would converge to (``p_e = 1``) and spares the
    budget for the rest; the draws then run over the non-bridge edges only. Both
    variants reweight so that the expected Laplacian of the result is ``L_G``
    (unbiased). Using the same minimum budget in both variants keeps a budget's
    meaning the same in both.

    References
    ----------
    D. A. Spielman and N. Srivastava, "Graph sparsification by effective resistances",
    SIAM J. Comput. 40(6), 2011.

    Examples
    --------
    >>> from specdiff_core.graphs import barbell
    >>> G = barbell(5, 5, seed=0)
    >>> sp = spectral_oracle(G, budget=0.6, seed=1)
    >>> bool(sp.mask[sp.probs == 1].all()), round(float(sp.probs.sum()), 6)
    (True, 12.6)
    """
    if variant not in VARIANTS:
        raise ConfigError(f"unknown oracle variant {variant!r}; choose one of {VARIANTS}")
    rng = _rng(seed)
    edges = _edges_of(G)
    m = len(edges)
    k = _target_edges(budget, m)
    R, notices = _resistance_values(G, edges, resistance, seed)
    s, forced = _leverage(G, edges, R)
    w = edge_weights(G, edges)  # (m,)
    p, k_used, k_min = _oracle_probs(s, forced, k)
    if k_used > k + 1e-9:
        c = nx.number_connected_components(G)
        notices.append(_budget_notice(k, k_min, m, G.number_of_nodes(), c))
    if variant == "independent":
        mask = rng.random(m) < p  # (m,)
        weights = np.where(mask, w / p, 0.0)  # (m,)
        probs = p
    else:
        mask, weights, probs, note = _oracle_sampling(s, forced, w, k_used, rng)
        notices.append(note)
    assert mask[forced].all(), "the oracle dropped a bridge"
    return Sparsified(mask, weights, probs, "oracle", tuple(notices))
