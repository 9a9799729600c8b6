"""What the graph editor's canvas draws: the drawing's nodes where they were put, its edges
coloured by R_eff (or, while an edge is cut, by how much each other edge's R_eff rose),
bridges wide and dashed, every value on hover. Plain JSON for the browser."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from ..graphs.editing import Drawing
from ..resistance.cut import CutEffect
from .common import BRIDGE_COLOUR, DROPPED_COLOUR, _widths, edge_colours


def editor_view(
    drawing: Drawing,
    G: nx.Graph | None,
    R: np.ndarray | None,
    bridges: np.ndarray | None,
    *,
    cut: CutEffect | None = None,
) -> dict[str, Any]:
    """Nodes and edges for the canvas; ``G`` is the drawing's graph (read from its edge
    list), ``R`` and ``bridges`` align with ``G``'s canonical edges (None: no edges yet).

    >>> d = Drawing({0: (0.0, 0.0), 1: (80.0, 0.0)}, {(0, 1): 1.0})
    >>> G = nx.Graph([(0, 1)])
    >>> nx.set_node_attributes(G, {0: 0, 1: 1}, "label")
    >>> view = editor_view(d, G, np.array([1.0]), np.array([True]))
    >>> view["edges"][0]["id"], view["edges"][0]["dashes"], view["edges"][0]["title"]
    ('0-1', [10, 6], 'edge 0 – 1\\nR_eff = 1.000\\nweight = 1\\nbridge')
    """
    nodes = [
        {"id": int(i), "x": float(x), "y": float(y), "label": str(i)}
        for i, (x, y) in sorted(drawing.nodes.items())
    ]
    if G is None or R is None or G.number_of_edges() == 0:
        return {"nodes": nodes, "edges": [], "scale": [0.0, 1.0], "cut": None}
    ids = drawing.edge_index(G)
    is_bridge = np.zeros(len(ids), dtype=bool) if bridges is None else np.asarray(bridges, bool)
    values = R if cut is None else np.nan_to_num(cut.delta, nan=0.0)
    hi = max(1.0, float(values.max())) if cut is None else max(1e-9, float(values.max()))
    colours = edge_colours(values, cmin=0.0, cmax=hi)
    w_edge, w_bridge = _widths(len(ids))
    edges = []
    for j, (u, v) in enumerate(ids.tolist()):
        w = drawing.edges[(u, v)]
        lines = [f"edge {u} – {v}", f"R_eff = {R[j]:.3f}"]
        if cut is not None and j != cut.edge:
            lines[1] = (
                f"R_eff {cut.before[j]:.3f} → {cut.after[j]:.3f} (+{max(0.0, cut.delta[j]):.3f})"
            )
        lines.append(f"weight = {w:g}")
        if is_bridge[j]:
            lines.append("bridge")
        colour = colours[j]
        if cut is not None and j == cut.edge:
            colour = BRIDGE_COLOUR if cut.disconnects else DROPPED_COLOUR
            lines.append("cut")
        edges.append(
            {
                "id": f"{u}-{v}",
                "from": u,
                "to": v,
                "title": "\n".join(lines),
                "color": {"color": colour, "highlight": colour, "hover": colour},
                "width": w_bridge if is_bridge[j] else w_edge,
                "dashes": [2, 5]
                if cut is not None and j == cut.edge
                else ([10, 6] if is_bridge[j] else False),
            }
        )
    cut_pair = None if cut is None else [int(x) for x in ids[cut.edge]]
    return {"nodes": nodes, "edges": edges, "scale": [0.0, hi], "cut": cut_pair}
