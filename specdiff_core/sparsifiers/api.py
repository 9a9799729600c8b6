"""Either sparsifier by name, and a sparsification turned back into a graph."""

from __future__ import annotations

from typing import Any, Literal

import networkx as nx
import numpy as np

from ..errors import ConfigError
from ..graphs import edge_array
from .common import METHODS, VARIANTS, Seed, Sparsified
from .oracle import spectral_oracle
from .uniform import uniform_sparsifier


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
