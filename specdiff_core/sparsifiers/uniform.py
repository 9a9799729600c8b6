"""The structure-blind baseline: every edge kept with the same probability."""

from __future__ import annotations

import networkx as nx
import numpy as np

from ..graphs import edge_weights
from .common import Seed, Sparsified, _edges_of, _rng, _target_edges


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
