"""What cutting one edge does to every other edge's effective resistance.

Rayleigh's monotonicity law: removing an edge (lowering a conductance to 0) can only raise
effective resistances, so every change is >= 0. Cutting a bridge changes nothing else: no
current between the ends of another edge ever crossed it.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..errors import GraphError
from ..graphs import edge_array
from .api import effective_resistance


@dataclass(frozen=True)
class CutEffect:
    """Per edge of the graph (canonical order): R_eff before and after the cut, and their
    difference; the cut edge itself is NaN after. ``disconnects``: the cut was a bridge."""

    edge: int  # index of the cut edge
    before: np.ndarray  # (m,)
    after: np.ndarray  # (m,), NaN at ``edge``
    disconnects: bool

    @property
    def delta(self) -> np.ndarray:
        """``after - before``: >= 0 up to rounding (Rayleigh), NaN at the cut edge."""
        return self.after - self.before


def cut_effect(G: nx.Graph, edge: int, *, before: np.ndarray | None = None) -> CutEffect:
    """Exact R_eff of every edge of ``G`` with edge number ``edge`` removed.

    Parameters
    ----------
    G : networkx.Graph
        A canonical graph; not modified.
    edge : int
        Index of the edge to cut in the canonical order (:func:`graphs.edge_array`).
    before : array, optional
        ``G``'s exact R_eff, if already computed (saves one solve).

    Raises
    ------
    GraphError
        If ``edge`` is not an index of an edge of ``G``.

    Examples
    --------
    A triangle with a pendant edge: cut a triangle edge and the other two become bridges.

    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3)])
    >>> eff = cut_effect(G, 0)
    >>> eff.after.round(3).tolist(), eff.disconnects
    ([nan, 1.0, 1.0, 1.0], False)
    >>> eff.delta.round(3).tolist()[1:]
    [0.333, 0.333, 0.0]
    """
    edges = edge_array(G)
    if (
        isinstance(edge, bool)
        or not isinstance(edge, int | np.integer)
        or not 0 <= edge < len(edges)
    ):
        raise GraphError(f"edge {edge!r} is not an edge index of this graph (0..{len(edges) - 1})")
    if before is None:
        before = effective_resistance(G, "dense").values
    u, v = (int(x) for x in edges[edge])
    H = G.copy()
    H.remove_edge(u, v)
    after = np.insert(effective_resistance(H, "dense").values, int(edge), np.nan)
    return CutEffect(
        int(edge), np.asarray(before, dtype=np.float64), after, not nx.has_path(H, u, v)
    )
