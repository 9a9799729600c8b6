"""Spectral Oracle (Spielman–Srivastava) and the structure-blind uniform baseline.

Both sparsifiers return a :class:`Sparsified`: per-edge arrays aligned with
:func:`specdiff_core.graphs.edge_array`, the keep probability every edge had, and
the notices a user should read (a raised budget, an approximate resistance).

The *budget* is the target **expected** number of kept edges: a fraction in
``(0, 1]`` of the ``m`` edges, or an absolute count ``> 1`` (at most ``m``).

The oracle never drops a bridge. Its keep probabilities are
``p_e = min(1, C w_e R_e)``; a bridge has ``w_e R_e = 1``, so it is kept with
certainty exactly when ``C >= 1``. ``C = 1`` gives the smallest budget,
``sum_e min(1, w_e R_e)``, which by Foster's theorem is ``n - (components)``: a
spanning forest's worth of edges, below which no subgraph can stay connected
anyway. A smaller budget is raised to that minimum and the notices say so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np

from .errors import ConfigError, GraphError
from .graphs import edge_array, edge_weights
from .metrics import bridge_mask

__all__ = [
    "Sparsified",
    "METHODS",
    "VARIANTS",
    "BRIDGE_TOL",
    "spectral_oracle",
    "uniform_sparsifier",
    "sparsify",
    "sparse_graph",
    "oracle_keep_probabilities",
    "keep_scale",
]

METHODS = ("oracle", "uniform")
VARIANTS = ("independent", "sampling")
BRIDGE_TOL = 1e-9  # |w_e R_e - 1| below this counts as a bridge (p_e = 1)

Seed = int | np.random.Generator


@dataclass(frozen=True)
class Sparsified:
    """One sparsified graph, as arrays aligned with ``edge_array(G)``."""

    mask: np.ndarray  # (m,) bool, edge kept
    weights: np.ndarray  # (m,) float64, reweighted weight of kept edges (0 where dropped)
    probs: np.ndarray  # (m,) float64, the keep probability each edge had
    method: str  # "oracle" | "uniform"
    notices: tuple[str, ...] = ()  # anything the user should know (e.g. budget raised)

    @property
    def n_kept(self) -> int:
        """Number of kept edges."""
        return int(self.mask.sum())


# ------------------------------------------------------------------------------ checks


def _rng(seed: Seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ConfigError(f"seed must be an int or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def _edges_of(G: nx.Graph) -> np.ndarray:
    if not isinstance(G, nx.Graph):
        raise GraphError(f"expected a networkx graph, got {type(G).__name__}")
    edges = edge_array(G)  # (m, 2)
    if len(edges) == 0:
        raise GraphError("the graph has no edges; there is nothing to sparsify")
    return edges


def _target_edges(budget: Any, m: int) -> float:
    """The budget as an expected number of kept edges in ``(0, m]``."""
    hint = "give a fraction in (0, 1] of the edges or an absolute edge count > 1"
    if isinstance(budget, bool) or not isinstance(budget, int | float | np.integer | np.floating):
        raise ConfigError(f"budget must be a number, got {budget!r}; {hint}")
    b = float(budget)
    if not math.isfinite(b) or b <= 0:
        raise ConfigError(f"budget must be a positive finite number, got {budget!r}; {hint}")
    if b <= 1:
        return b * m
    if b > m:
        raise ConfigError(
            f"budget of {b:g} edges exceeds the graph's {m} edges; "
            f"give at most {m} or a fraction in (0, 1]"
        )
    return b


def _resistance_values(G: nx.Graph, edges: np.ndarray, resistance: Any, seed: Seed):
    """Return ``(R (m,), notices)``: the caller's values checked, or computed here."""
    notices: list[str] = []
    if resistance is None:
        from .resistance import effective_resistance

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


# ------------------------------------------------------------------------------ oracle


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
    G : networkx.Graph
        A canonical graph (see :func:`specdiff_core.graphs.validate_graph`).
    budget : float
        Target expected number of kept edges: a fraction in ``(0, 1]`` of the edges or
        an absolute count ``> 1``. Raised to ``sum_e min(1, w_e R_e)`` if below it.
    resistance : array of shape (m,) or ResistanceResult, optional
        Precomputed effective resistances aligned with ``edge_array(G)``.

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


# ----------------------------------------------------------------------------- uniform


def uniform_sparsifier(G: nx.Graph, *, budget: float = 0.5, seed: Seed = 0) -> Sparsified:
    """Keep every edge with the same probability ``p = budget / m``; reweight by ``1/p``.

    Structure-blind: a bridge is kept with probability ``p`` like any other edge.

    Parameters
    ----------
    G : networkx.Graph
        A canonical graph.
    budget : float
        Target expected number of kept edges: a fraction in ``(0, 1]`` or a count ``> 1``.
    seed : int or numpy.random.Generator
        Same seed, same result.

    Returns
    -------
    Sparsified
        ``method="uniform"``; kept edges have weight ``w_e / p``.

    Raises
    ------
    ConfigError
        Bad budget.

    Examples
    --------
    >>> G = nx.complete_graph(5)
    >>> nx.set_edge_attributes(G, 1.0, "weight")
    >>> sp = uniform_sparsifier(G, budget=0.5, seed=0)
    >>> float(sp.probs[0]), sorted(set(sp.weights.tolist()))
    (0.5, [0.0, 2.0])
    """
    rng = _rng(seed)
    edges = _edges_of(G)
    m = len(edges)
    p = _target_edges(budget, m) / m
    probs = np.full(m, p)  # (m,)
    mask = rng.random(m) < probs  # (m,)
    weights = np.where(mask, edge_weights(G, edges) / p, 0.0)  # (m,)
    return Sparsified(mask, weights, probs, "uniform", ())


# ------------------------------------------------------------------------------- entry


def sparsify(
    G: nx.Graph,
    method: Literal["oracle", "uniform"] = "oracle",
    *,
    budget: float = 0.5,
    seed: Seed = 0,
    variant: Literal["independent", "sampling"] = "independent",
    resistance: Any = None,
) -> Sparsified:
    """Sparsify ``G`` with the Spectral Oracle or the uniform baseline.

    ``variant`` and ``resistance`` apply to the oracle only (``variant`` is still checked).

    Raises
    ------
    ConfigError
        Unknown method or variant, or a bad budget.

    Examples
    --------
    >>> G = nx.complete_graph(4)
    >>> sparsify(G, "uniform", budget=1.0).n_kept
    6
    """
    if method not in METHODS:
        raise ConfigError(f"unknown sparsifier {method!r}; choose one of {METHODS}")
    if variant not in VARIANTS:
        raise ConfigError(f"unknown oracle variant {variant!r}; choose one of {VARIANTS}")
    if method == "uniform":
        return uniform_sparsifier(G, budget=budget, seed=seed)
    return spectral_oracle(G, budget=budget, variant=variant, seed=seed, resistance=resistance)


def sparse_graph(G: nx.Graph, sp: Sparsified) -> nx.Graph:
    """The sparsified graph: every node of ``G`` (with attributes), kept edges reweighted.

    Raises
    ------
    ConfigError
        ``sp`` was made for a graph with a different number of edges.

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> nx.set_edge_attributes(G, 1.0, "weight")
    >>> sp = Sparsified(np.array([True, False]), np.array([2.0, 0.0]), np.ones(2), "uniform")
    >>> H = sparse_graph(G, sp)
    >>> H.number_of_nodes(), list(H.edges(data="weight"))
    (3, [(0, 1, 2.0)])
    """
    edges = edge_array(G)  # (m, 2)
    mask = np.asarray(sp.mask, dtype=bool)
    if mask.shape != (len(edges),) or np.shape(sp.weights) != (len(edges),):
        raise ConfigError(
            f"this sparsification has {mask.size} edges but the graph has {len(edges)}; "
            "pass the graph it was made from"
        )
    H = nx.Graph()
    H.graph.update(G.graph)
    H.add_nodes_from(G.nodes(data=True))
    kept = edges[mask]  # (k, 2)
    new_w = np.asarray(sp.weights, dtype=np.float64)[mask]  # (k,)
    H.add_weighted_edges_from(
        (int(u), int(v), float(x)) for (u, v), x in zip(kept, new_w, strict=True)
    )
    return H
