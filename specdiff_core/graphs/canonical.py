"""The validation gate and the canonical form every graph is put in; per-edge arrays align
with :func:`edge_array`."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
import numpy as np

from ..errors import GraphError
from ..parsing import as_float


@dataclass(frozen=True)
class Limits:
    """Size limits for interactive use; raise them explicitly for batch runs."""

    max_nodes: int = 5_000  # more nodes than this are refused
    max_edges: int = 100_000  # more edges than this are refused
    max_bytes: int = 50_000_000  # larger files / uploads are refused before parsing

    def __post_init__(self) -> None:
        for name in ("max_nodes", "max_edges", "max_bytes"):
            if int(getattr(self, name)) <= 0:
                raise GraphError(f"Limits.{name} must be a positive integer")


DEFAULT_LIMITS = Limits()


@dataclass
class LoadedGraph:
    """A validated, canonical graph plus what validation did to get there."""

    graph: nx.Graph
    notices: list[str] = field(default_factory=list)
    source: str = "graph"

    @property
    def n(self) -> int:
        return self.graph.number_of_nodes()

    @property
    def m(self) -> int:
        return self.graph.number_of_edges()


MIN_WEIGHT, MAX_WEIGHT = 1e-100, 1e100  # 1/w and sums of weights stay far from 0 and inf
MAX_WEIGHT_SPAN = 1e8  # largest / smallest weight of one graph (double precision, below)


def _as_weight(value: Any, where: str) -> float:
    """Parse one edge weight; raise GraphError naming ``where`` if it is unusable."""
    if isinstance(value, bool):
        raise GraphError(
            f"{where}: weight {value!r} is a boolean; weights must be positive numbers"
        )
    w = as_float(value, where=where, error=GraphError, what="weight")
    if w <= 0:
        raise GraphError(
            f"{where}: weight {w:g} is not positive; effective resistance needs weights > 0 "
            "(remove the edge instead of giving it weight 0)"
        )
    if not MIN_WEIGHT <= w <= MAX_WEIGHT:
        raise GraphError(
            f"{where}: weight {w:g} is outside {MIN_WEIGHT:g}..{MAX_WEIGHT:g}; rescale the "
            "weights (effective resistance scales as 1/w, so the bridges stay the same)"
        )
    return w


def _check_span(merged: dict[tuple[int, int], float], source: str) -> None:
    """Refuse weights that span more than :data:`MAX_WEIGHT_SPAN`: a Laplacian whose
    weights span 10^12 already gives a bridge's w R 16% off in double precision (10^8:
    1e-5), and 600 orders of magnitude gave R = 0 for a real edge."""
    if not merged:
        return
    lo, hi = min(merged.values()), max(merged.values())
    if hi / lo > MAX_WEIGHT_SPAN:
        raise GraphError(
            f"{source}: the weights span {math.log10(hi / lo):.0f} orders of magnitude "
            f"({lo:g} to {hi:g}); at most {math.log10(MAX_WEIGHT_SPAN):.0f} are computed "
            "accurately: drop or merge the extreme edges, or compress the weights (e.g. log)"
        )


def _check_labels(nodes: list, source: str) -> None:
    """Node labels must equal themselves: a NaN id (JSON ``NaN``, a float node) is never
    found again by its own edges."""
    for v in nodes:
        if isinstance(v, float) and not math.isfinite(v):
            raise GraphError(
                f"{source}: node id {v!r} is not a usable label; give every node a finite "
                "number or a name"
            )


def validate_graph(
    G: nx.Graph,
    *,
    limits: Limits = DEFAULT_LIMITS,
    weight: str | None = "weight",
    duplicates: Literal["max", "sum"] = "max",
    source: str = "graph",
) -> LoadedGraph:
    """Check ``G`` and return a canonical copy with the notices of what was repaired.

    Parameters
    ----------
    G : networkx graph
        Any networkx graph: directed, multi, weighted or not. It is never mutated.
    limits : Limits
        Size limits; a larger graph raises :class:`GraphError`.
    weight : str or None
        Edge attribute holding the weight; ``None`` treats the graph as unweighted.
        Missing attributes count as weight 1.
    duplicates : {"max", "sum"}
        How parallel edges and reciprocal directed arcs are merged: keep the largest
        weight (default, so an edge listed twice stays weight 1) or add them
        (parallel conductors).
    source : str
        Name used in messages (a file name, "upload", ...).

    Returns
    -------
    LoadedGraph
        ``graph`` is undirected and simple with nodes ``0..n-1`` (original label in
        the node attribute ``label``) and a float ``weight`` on every edge.

    Raises
    ------
    GraphError
        Empty graph, no edges, non-numeric / NaN / infinite / non-positive weights,
        weights outside ``MIN_WEIGHT..MAX_WEIGHT`` or spanning more than
        ``MAX_WEIGHT_SPAN``, a NaN node id, or more nodes or edges than ``limits`` allow.

    Examples
    --------
    >>> g = nx.MultiGraph([(0, 1), (1, 0), (1, 1)])
    >>> out = validate_graph(g)
    >>> out.graph.number_of_edges(), len(out.notices)
    (1, 2)
    """
    if not isinstance(G, nx.Graph):
        raise GraphError(f"{source}: expected a networkx graph, got {type(G).__name__}")
    if duplicates not in ("max", "sum"):
        raise GraphError(f"duplicates must be 'max' or 'sum', got {duplicates!r}")
    _check_size(G, source, limits)
    nodes = list(G.nodes())
    _check_labels(nodes, source)
    merged, counts = _merged_edges(G, nodes, weight, duplicates, source)
    _check_span(merged, source)
    notices = _merge_notices(G, counts, duplicates)
    m = len(merged)
    if m == 0:
        raise GraphError(
            f"{source}: the graph has no edges (after dropping self-loops); "
            "sparsification needs at least one edge"
        )
    if m > limits.max_edges:
        raise GraphError(
            f"{source}: {m:,} edges exceeds the limit of {limits.max_edges:,}; "
            "use a smaller graph or raise the limit (CLI: --max-edges)"
        )
    H = _canonical_copy(G, nodes, merged)
    notices += _shape_notices(H)
    return LoadedGraph(graph=H, notices=notices, source=source)


def _check_size(G: nx.Graph, source: str, limits: Limits) -> None:
    """Refuse an empty or oversized graph before anything is copied."""
    n = G.number_of_nodes()
    if n == 0:
        raise GraphError(f"{source}: the graph is empty (no nodes); give at least one edge")
    if n > limits.max_nodes:
        raise GraphError(
            f"{source}: {n:,} nodes exceeds the limit of {limits.max_nodes:,}; "
            "use a smaller graph or raise the limit (CLI: --max-nodes)"
        )
    raw_edges = G.number_of_edges()
    if raw_edges > limits.max_edges * 2 + 10:  # cheap early refusal before any copying
        raise GraphError(
            f"{source}: {raw_edges:,} edges exceeds the limit of {limits.max_edges:,}; "
            "use a smaller graph or raise the limit (CLI: --max-edges)"
        )


def _merged_edges(
    G: nx.Graph, nodes: list, weight: str | None, duplicates: str, source: str
) -> tuple[dict[tuple[int, int], float], tuple[int, int, int]]:
    """Each undirected edge once, as (u, v) with u < v in node positions, with its weight;
    and the counts (self-loops dropped, duplicates merged, duplicates whose weights differ)."""
    index = {v: i for i, v in enumerate(nodes)}
    merged: dict[tuple[int, int], float] = {}
    n_self = n_dup = n_conflict = 0
    edge_iter = G.edges(data=True, keys=False) if G.is_multigraph() else G.edges(data=True)
    for u, v, data in edge_iter:
        if u == v:
            n_self += 1
            continue
        where = f"{source}: edge ({u!r}, {v!r})"
        w = 1.0 if weight is None or weight not in data else _as_weight(data[weight], where)
        a, b = index[u], index[v]
        key = (a, b) if a < b else (b, a)
        if key in merged:
            n_dup += 1
            old = merged[key]
            if old != w:
                n_conflict += 1
            merged[key] = old + w if duplicates == "sum" else max(old, w)
        else:
            merged[key] = w
    return merged, (n_self, n_dup, n_conflict)


def _merge_notices(G: nx.Graph, counts: tuple[int, int, int], duplicates: str) -> list[str]:
    """What merging changed: symmetrised arcs, merged duplicates, dropped self-loops."""
    n_self, n_dup, n_conflict = counts
    notices: list[str] = []
    if G.is_directed():
        notices.append(
            f"directed input symmetrised: every arc u->v became the undirected edge u-v "
            f"({n_dup} reciprocal/duplicate pair(s) merged by '{duplicates}')"
        )
    elif n_dup:
        msg = f"{n_dup} duplicate edge(s) merged into one (weights combined by '{duplicates}')"
        if n_conflict:
            msg += f"; {n_conflict} of them had differing weights"
        notices.append(msg)
    if n_self:
        notices.append(f"{n_self} self-loop(s) dropped (they carry no current)")
    return notices


def _canonical_copy(G: nx.Graph, nodes: list, merged: dict[tuple[int, int], float]) -> nx.Graph:
    """Nodes 0..n-1 (the original label kept as ``label``), edges in canonical order."""
    H = nx.Graph()
    if isinstance(G.graph, dict):  # node-link JSON can set it to anything
        H.graph.update({k: v for k, v in G.graph.items() if isinstance(k, str)})
    for i, v in enumerate(nodes):
        attrs = {k: a for k, a in G.nodes[v].items() if k != "label"}
        H.add_node(i, label=v, **attrs)
    for (a, b), w in sorted(merged.items()):
        H.add_edge(a, b, weight=w)
    return H


def _shape_notices(H: nx.Graph) -> list[str]:
    """Isolated nodes and several components: allowed, but said."""
    notices: list[str] = []
    isolated = sum(1 for _, d in H.degree() if d == 0)
    if isolated:
        notices.append(f"{isolated} isolated node(s) kept (they have no edges to sparsify)")
    comps = nx.number_connected_components(H) - isolated
    if comps > 1:
        notices.append(
            f"the graph has {comps} connected components (ignoring isolated nodes); "
            "effective resistance is computed per component"
        )
    return notices


def _require_canonical(G: nx.Graph) -> None:
    n = G.number_of_nodes()
    if G.is_directed() or G.is_multigraph():
        raise GraphError("expected a canonical graph: pass it through validate_graph() first")
    if set(G.nodes()) != set(range(n)):
        raise GraphError("expected nodes 0..n-1: pass the graph through validate_graph() first")


def edge_array(G: nx.Graph) -> np.ndarray:
    """The canonical edge order: an ``(m, 2)`` int64 array, ``u < v``, rows sorted.

    Examples
    --------
    >>> edge_array(nx.Graph([(2, 1), (0, 2)])).tolist()
    [[0, 2], [1, 2]]
    """
    if not isinstance(G, nx.Graph):
        raise GraphError(f"expected a networkx graph, got {type(G).__name__}")
    _require_canonical(G)
    if G.number_of_edges() == 0:
        return np.zeros((0, 2), dtype=np.int64)
    e = np.array(G.edges(), dtype=np.int64)  # (m, 2)
    e.sort(axis=1)
    order = np.lexsort((e[:, 1], e[:, 0]))
    return e[order]


def edge_weights(G: nx.Graph, edges: np.ndarray | None = None) -> np.ndarray:
    """Weights aligned with ``edges`` (default: the canonical order); missing = 1."""
    if edges is None:
        edges = edge_array(G)
    return np.array(
        [G.edges[int(u), int(v)].get("weight", 1.0) for u, v in edges], dtype=np.float64
    )


def node_labels(G: nx.Graph) -> list[Any]:
    """Original node labels of a canonical graph (index i -> label)."""
    return [G.nodes[i].get("label", i) for i in range(G.number_of_nodes())]


def iter_components(G: nx.Graph) -> Iterable[np.ndarray]:
    """Node index arrays of the connected components with at least one edge."""
    for comp in nx.connected_components(G):
        if len(comp) > 1:
            yield np.fromiter(sorted(comp), dtype=np.int64)


def bridge_mask(G: nx.Graph) -> np.ndarray:
    """``(m,)`` bool: which edges of ``G`` are bridges (``networkx.bridges``).

    Examples
    --------
    >>> bridge_mask(nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])).tolist()
    [False, False, False, True]
    """
    edges = edge_array(G)
    n = G.number_of_nodes()
    found = np.array([sorted(e) for e in nx.bridges(G)], dtype=np.int64).reshape(-1, 2)
    return np.isin(edges[:, 0] * n + edges[:, 1], found[:, 0] * n + found[:, 1])


def graph_fingerprint(G: nx.Graph) -> str:
    """A short hash of a canonical graph's nodes, edges and weights (cache key).

    Uses ``G.graph["fingerprint"]`` when :func:`build_graph` already stored it.
    """
    stored = G.graph.get("fingerprint")
    if isinstance(stored, str):
        return stored
    h = hashlib.sha1(str(G.number_of_nodes()).encode())
    edges = edge_array(G)
    h.update(edges.tobytes())
    h.update(edge_weights(G, edges).tobytes())
    return h.hexdigest()[:16]


BRIDGE_CLASSES = ("pendant", "tree", "core")  # codes 1, 2, 3 of bridge_classes (0: no bridge)


def bridge_classes(G: nx.Graph) -> np.ndarray:
    """``(m,)`` int codes, canonical edge order: 0 = not a bridge, 1 = pendant bridge
    (an endpoint has degree 1), 2 = tree bridge (no pendant, but one side holds no
    cycle), 3 = core bridge (both sides hold a cycle: a bridge between dense parts).

    Examples
    --------
    >>> G = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (5, 6)])
    >>> bridge_classes(G).tolist()
    [0, 0, 0, 3, 0, 0, 0, 1]
    """
    edges = edge_array(G)  # (m,  2)
    codes = np.zeros(len(edges), dtype=np.int64)
    for i in np.flatnonzero(bridge_mask(G)):
        u, v = (int(x) for x in edges[i])
        if G.degree(u) == 1 or G.degree(v) == 1:
            codes[i] = 1
            continue
        cut = nx.restricted_view(G, [], [(u, v)])
        sides = [nx.node_connected_component(cut, x) for x in (u, v)]
        dense = [G.subgraph(side).number_of_edges() >= len(side) for side in sides]
        codes[i] = 3 if all(dense) else 2
    return codes
