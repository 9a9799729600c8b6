"""What every view of a graph shares: limits, colours, the seeded layout, edge colours and
segments, the edge table, a view's checked inputs (:class:`_Drawing`) and the histograms'
range and colours."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import plotly.colors as pcolors

from ..graphs import (
    edge_array,
    edge_weights,
    node_labels,
)

COLORSCALE = "Viridis_r"  # colour-blind-safe, perceptually uniform; high values dark


BRIDGE_COLOUR = "#D55E00"  # Okabe-Ito vermillion, only ever paired with a cross marker


DROPPED_COLOUR = "#BBBBBB"


DRAW_MAX_NODES = 1_500  # larger graphs get the table and histogram, not a drawing


DRAW_MAX_EDGES = 10_000


PYVIS_MAX_EDGES = 3_000  # the interactive canvas gets sluggish beyond this


SVG_MAX_EDGES = 2_000  # the static SVG view (two <line>s and a <title> per edge) up to this


def layout(G: nx.Graph, *, seed: int = 0) -> np.ndarray:
    """Node positions ``(n, 2)`` in ``[-1, 1]``, the same for the same graph and seed.

    Uses the nodes' own ``pos`` attribute when every node has one (random geometric
    graphs). A graph made of dense blocks joined by bridges (barbells, chains of cliques)
    gets each block as a ring and the rings laid out along the bridges, each bridge's ends
    facing each other (:func:`_block_layout`): a spring layout squashes a K60 into a blob,
    crosses a chain's bridges and stretches a barbell into a thin strip. Anything else: a
    seeded spring layout (spectral start for large graphs).
    """
    n = G.number_of_nodes()
    if n == 0:
        return np.zeros((0, 2))
    blocks = _blocks(G) if n <= 2_000 else None
    if all("pos" in d for _, d in G.nodes(data=True)):
        pos = np.array([G.nodes[i]["pos"] for i in range(n)], dtype=np.float64)  # (n, 2)
    elif n == 1:
        pos = np.zeros((1, 2))
    elif blocks is not None:
        pos = _block_layout(G, blocks)
    else:
        init = None
        iterations = 100 if n <= 100 else 50
        if n > 500:  # the sparse spring layout is a Python loop: start close, iterate less
            init = nx.spectral_layout(G, weight=None)
            iterations = 20
        raw = nx.spring_layout(G, seed=int(seed), pos=init, iterations=iterations, weight=None)
        pos = np.array([raw[i] for i in range(n)], dtype=np.float64)  # (n, 2)
    pos = pos - pos.mean(axis=0)
    # Rotate the widest spread onto the x axis (screens are wide), with a fixed sign.
    _, _, vt = np.linalg.svd(pos, full_matrices=False)  # vt: (2, 2) principal axes
    vt = vt * np.where(vt[:, :1] < 0, -1.0, 1.0)
    pos = pos @ vt.T
    scale = np.abs(pos).max()
    return pos / scale if scale > 0 else pos


def _blocks(G: nx.Graph) -> tuple[list[list[int]], list[tuple[int, int]]] | None:
    """The 2-edge-connected blocks of G (what is left when its bridges are cut), when G is
    connected and at least two blocks have 4 or more nodes and they hold most nodes;
    else None (no block structure worth drawing)."""
    if not nx.is_connected(G):
        return None
    bridges = list(nx.bridges(G))
    cut = G.copy()
    cut.remove_edges_from(bridges)
    blocks = sorted((sorted(c) for c in nx.connected_components(cut)), key=lambda b: b[0])
    big = [b for b in blocks if len(b) >= 4]
    if len(big) < 2 or sum(map(len, big)) < 0.6 * G.number_of_nodes():
        return None
    return blocks, bridges


def _block_layout(G: nx.Graph, found: tuple[list[list[int]], list[tuple[int, int]]]) -> np.ndarray:
    """Each block a ring of radius ~sqrt(size), ring centres placed by a Kamada-Kawai layout
    of the block tree (edge length: the two radii and a gap), each ring turned so that its
    bridge ends face the blocks they join."""
    blocks, bridges = found
    of = {v: i for i, b in enumerate(blocks) for v in b}
    radius = [0.0 if len(b) == 1 else 0.5 * np.sqrt(len(b)) for b in blocks]
    tree = nx.Graph()
    tree.add_nodes_from(range(len(blocks)))
    ends: dict[int, list[tuple[int, int]]] = {i: [] for i in range(len(blocks))}
    for u, v in bridges:
        a, b = of[u], of[v]
        tree.add_edge(a, b, length=1.5 * (radius[a] + radius[b]) + 1.0)  # the bridge shows
        ends[a].append((u, b))
        ends[b].append((v, a))
    centre = nx.kamada_kawai_layout(tree, weight="length", scale=1.0)
    dist = dict(nx.shortest_path_length(tree, weight="length"))
    span = max(max(d.values()) for d in dist.values())
    pos = np.zeros((G.number_of_nodes(), 2))
    for i, block in enumerate(blocks):
        c = np.asarray(centre[i]) * span / 2  # back to the lengths' units
        if len(block) == 1:
            pos[block[0]] = c
            continue
        pos[block] = c + _ring(block, ends[i], c, centre, span, radius[i])
    return pos


def _ring(block, ends, c, centre, span, r) -> np.ndarray:
    """A block's nodes on a circle of radius r round c: the first bridge end at the angle
    towards its neighbour block, a second one opposite, the others evenly in between."""
    k = len(block)
    attached = [u for u, _ in ends]
    order = [u for u in block if u not in attached]
    if attached:
        order.insert(0, attached[0])
    if len(attached) > 1:
        order.insert(k // 2, attached[1])
    order += [u for u in attached[2:] if u not in order]
    start = 0.0
    if ends:
        toward = np.asarray(centre[ends[0][1]]) * span / 2 - c
        start = float(np.arctan2(toward[1], toward[0]))
    angles = start + 2 * np.pi * np.arange(k) / k
    slot = {u: j for j, u in enumerate(order)}
    at = np.array([slot[u] for u in block])
    return r * np.stack([np.cos(angles[at]), np.sin(angles[at])], axis=1)  # (k, 2)


def edge_table(
    G: nx.Graph,
    values: np.ndarray,
    *,
    bridges: np.ndarray | None = None,
    value_label: str = "R_eff",
) -> pd.DataFrame:
    """One row per edge in canonical order: endpoints (original labels), weight, value, bridge."""
    edges = edge_array(G)
    values = np.asarray(values, dtype=np.float64)
    _check_aligned(values, edges, value_label)
    labels = node_labels(G)
    w = edge_weights(G, edges)
    df = pd.DataFrame(
        {
            "u": [str(labels[u]) for u in edges[:, 0]],
            "v": [str(labels[v]) for v in edges[:, 1]],
            "weight": w,
            value_label: values,
            f"w·{value_label}": w * values,
            "bridge": _bridges_or_none(bridges, len(edges)),
        }
    )
    df.insert(0, "rank", df[value_label].rank(ascending=False, method="first").astype(int))
    return df


def _bridges_or_none(bridges: np.ndarray | None, m: int) -> np.ndarray:
    if bridges is None:
        return np.zeros(m, dtype=bool)
    b = np.asarray(bridges, dtype=bool)
    if b.shape != (m,):
        raise ValueError(f"bridges has shape {b.shape}, expected ({m},) aligned with edge_array")
    return b


def _check_aligned(values: np.ndarray, edges: np.ndarray, what: str) -> None:
    if values.shape != (len(edges),):
        raise ValueError(
            f"{what} has shape {values.shape} but the graph has {len(edges)} edges; "
            "pass one value per edge aligned with graphs.edge_array(G)"
        )


def _scale_range(values: np.ndarray, cmin: float | None, cmax: float | None) -> tuple[float, float]:
    lo = 0.0 if cmin is None else float(cmin)
    hi = max(1.0, float(np.nanmax(values))) if cmax is None and len(values) else (cmax or 1.0)
    return lo, (hi if hi > lo else lo + 1.0)


def edge_colours(
    values: np.ndarray, *, cmin: float = 0.0, cmax: float = 1.0, scale: str = COLORSCALE
) -> list[str]:
    """Hex colours of ``values`` on ``scale`` (vectorised linear interpolation).

    >>> edge_colours(np.array([0.0, 1.0]))
    ['#fde725', '#440154']
    """
    stops = pcolors.get_colorscale(scale)
    ts = np.array([s[0] for s in stops], dtype=np.float64)
    rgb = np.array([pcolors.hex_to_rgb(c) if c.startswith("#") else _rgb(c) for _, c in stops])
    t = np.clip((np.asarray(values, dtype=np.float64) - cmin) / (cmax - cmin), 0.0, 1.0)
    chans = [np.interp(t, ts, rgb[:, i]) for i in range(3)]
    out = np.rint(np.stack(chans, axis=1)).astype(int)  # (m, 3)
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in out]


def _rgb(c: str) -> tuple[int, int, int]:
    r, g, b = (int(float(x)) for x in c[c.index("(") + 1 : c.index(")")].split(",")[:3])
    return r, g, b


def _segments(pos: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Line coordinates for many edges in one trace, NaN between segments."""
    p = pos[edges]  # (k, 2 ends, 2 coords)
    xs = np.full((len(edges), 3), np.nan)
    ys = np.full((len(edges), 3), np.nan)
    xs[:, :2], ys[:, :2] = p[:, :, 0], p[:, :, 1]
    return xs.ravel(), ys.ravel()


def _widths(m: int) -> tuple[float, float]:
    base = 2.0 if m <= 200 else 1.4 if m <= 1_000 else 0.8
    return base, base * 2.5 + 1.0  # (edge, bridge)


def fitted_height(pos: np.ndarray, *, width: int = 820, lo: int = 280, hi: int = 640) -> int:
    """Plot height (px) that fits a layout drawn ``width`` px wide, within ``[lo, hi]``."""
    span = np.ptp(pos, axis=0) if len(pos) else np.ones(2)
    return int(np.clip(width * span[1] / max(span[0], 1e-9) + 90, lo, hi))


def _node_size(n: int) -> int:
    return 11 if n <= 40 else 8 if n <= 150 else 5 if n <= 600 else 3


@dataclass(frozen=True)
class _Drawing:
    """What every view of a graph draws: the edges (canonical order) and their values,
    which are bridges and which kept, the colour scale and the line widths."""

    edges: np.ndarray  # (m, 2)
    values: np.ndarray  # (m,)
    is_bridge: np.ndarray  # (m,) bool
    keep: np.ndarray  # (m,) bool
    scale: tuple[float, float]  # (lo, hi) of the colour scale
    widths: tuple[float, float]  # (edge, bridge)

    @property
    def colours(self) -> list[str]:
        """Each edge's colour on the scale."""
        lo, hi = self.scale
        return edge_colours(self.values, cmin=lo, cmax=hi)


def _drawing(
    G: nx.Graph,
    values: np.ndarray,
    bridges: np.ndarray | None,
    kept: np.ndarray | None,
    value_label: str,
    cmin: float | None,
    cmax: float | None,
) -> _Drawing:
    """The checked inputs of a graph view (one value per edge; no ``kept``: all kept)."""
    edges = edge_array(G)
    m = len(edges)
    values = np.asarray(values, dtype=np.float64)
    _check_aligned(values, edges, value_label)
    return _Drawing(
        edges=edges,
        values=values,
        is_bridge=_bridges_or_none(bridges, m),
        keep=np.ones(m, dtype=bool) if kept is None else np.asarray(kept, dtype=bool),
        scale=_scale_range(values, cmin, cmax),
        widths=_widths(m),
    )


def _histogram_data(
    values: np.ndarray, bridges: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, float]:
    """A histogram's values, which of them are bridges, and where its x axis ends (past
    R = 1, so that the line there always shows)."""
    values = np.asarray(values, dtype=np.float64)
    is_bridge = _bridges_or_none(bridges, len(values))
    hi = max(1.05, float(values.max()) * 1.02) if len(values) else 1.05
    return values, is_bridge, hi


def _chart_colours() -> tuple[str, str]:
    """The charts' two colours: other edges mid-scale, bridges dark."""
    mid_colour, dark = edge_colours(np.array([0.45, 0.95]))
    return mid_colour, dark
