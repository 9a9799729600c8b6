"""What both sparsifiers share: the result type and the checks of seed, graph and budget."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from ..errors import ConfigError, GraphError
from ..graphs import edge_array

METHODS = ("oracle", "uniform")
VARIANTS = ("independent", "sampling")
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
