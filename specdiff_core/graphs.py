"""Graph families, loaders and the one validation gate every graph passes through.

Every graph the project works with is *canonical*: undirected, simple, nodes
relabelled ``0..n-1`` (the original label kept in the node attribute ``label``),
every edge carrying a finite positive float ``weight``. Per-edge arrays
everywhere in the project align with :func:`edge_array`, the canonical edge
order: rows ``(u, v)`` with ``u < v``, sorted lexicographically.

Bad input raises :class:`GraphError` with a message that says what is wrong and
what to do. Input that is usable but not canonical (self-loops, duplicate edges,
directed arcs, isolated nodes, several components) is repaired and *reported*
in the returned notices, never changed silently.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import numpy as np

from .errors import GraphError

__all__ = [
    "GraphError",
    "Limits",
    "DEFAULT_LIMITS",
    "LoadedGraph",
    "validate_graph",
    "edge_array",
    "edge_weights",
    "node_labels",
    "cliques_joined_by_bridges",
    "barbell",
    "asymmetric_chain",
    "classic",
    "erdos_renyi",
    "watts_strogatz",
    "stochastic_block_model",
    "random_geometric",
    "FAMILIES",
    "make_graph",
    "load_graph",
    "load_graph_dir",
    "parse_edgelist",
    "write_graph",
    "graph_to_bytes",
    "format_of",
]

FORMATS = ("edgelist", "gml", "graphml", "json")
_EXTENSIONS = {
    ".txt": "edgelist",
    ".edges": "edgelist",
    ".edgelist": "edgelist",
    ".el": "edgelist",
    ".tsv": "edgelist",
    ".gml": "gml",
    ".graphml": "graphml",
    ".xml": "graphml",
    ".json": "json",
}

_ATTR_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


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


# --------------------------------------------------------------------------- validation


def _as_weight(value: Any, where: str) -> float:
    """Parse one edge weight; raise GraphError naming ``where`` if it is unusable."""
    if isinstance(value, bool):
        raise GraphError(
            f"{where}: weight {value!r} is a boolean; weights must be positive numbers"
        )
    try:
        w = float(value)
    except (TypeError, ValueError):
        raise GraphError(
            f"{where}: weight {value!r} is not a number; give a positive number or drop the weight"
        ) from None
    if math.isnan(w):
        raise GraphError(f"{where}: weight is NaN; give a positive finite number")
    if math.isinf(w):
        raise GraphError(f"{where}: weight is infinite; give a positive finite number")
    if w <= 0:
        raise GraphError(
            f"{where}: weight {w:g} is not positive; effective resistance needs weights > 0 "
            "(remove the edge instead of giving it weight 0)"
        )
    return w


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
        or more nodes or edges than ``limits`` allow.

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

    notices: list[str] = []
    nodes = list(G.nodes())
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

    H = nx.Graph()
    H.graph.update({k: v for k, v in G.graph.items() if isinstance(k, str)})
    for i, v in enumerate(nodes):
        attrs = {k: a for k, a in G.nodes[v].items() if k != "label"}
        H.add_node(i, label=v, **attrs)
    for (a, b), w in sorted(merged.items()):
        H.add_edge(a, b, weight=w)

    isolated = sum(1 for _, d in H.degree() if d == 0)
    if isolated:
        notices.append(f"{isolated} isolated node(s) kept (they have no edges to sparsify)")
    comps = nx.number_connected_components(H) - isolated
    if comps > 1:
        notices.append(
            f"the graph has {comps} connected components (ignoring isolated nodes); "
            "effective resistance is computed per component"
        )
    return LoadedGraph(graph=H, notices=notices, source=source)


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


# ------------------------------------------------------------------------------ families


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _finish(G: nx.Graph, family: str, params: dict[str, Any]) -> nx.Graph:
    """Canonicalise a generated graph and record how it was made."""
    out = validate_graph(G, limits=Limits(10**7, 10**8, 10**12), source=family).graph
    out.graph.update({"family": family, "params": params})
    return out


def cliques_joined_by_bridges(
    sizes: Sequence[int],
    *,
    bridge_length: int = 0,
    seed: int | np.random.Generator | None = 0,
    shuffle: bool = True,
    family: str = "cliques_joined_by_bridges",
) -> nx.Graph:
    """Cliques ``K_{sizes[0]}, K_{sizes[1]}, ...`` in a chain, consecutive ones joined by a path.

    Parameters
    ----------
    sizes : sequence of int
        Clique sizes, each >= 2 (a clique of 1 is a single node).
    bridge_length : int
        Number of intermediate nodes on each joining path (0 = one bridge edge, as
        ``networkx.barbell_graph``'s ``m2``). Every edge on a joining path is a bridge.
    seed : int or Generator
        Chooses the endpoints inside each clique and the node relabelling.
    shuffle : bool
        Randomly permute node labels so position in the node order reveals nothing.

    Returns
    -------
    networkx.Graph
        Canonical graph with ``sum(sizes) + (len(sizes)-1) * bridge_length`` nodes.

    Examples
    --------
    >>> G = cliques_joined_by_bridges([3, 4], seed=1)
    >>> G.number_of_nodes(), G.number_of_edges(), len(list(nx.bridges(G)))
    (7, 10, 1)
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 1 or any(s < 2 for s in sizes):
        raise GraphError(f"clique sizes must each be >= 2, got {sizes}")
    if bridge_length < 0:
        raise GraphError(f"bridge_length must be >= 0, got {bridge_length}")
    rng = _rng(seed)
    G = nx.Graph()
    offset = 0
    blocks = []
    for s in sizes:
        block = list(range(offset, offset + s))
        G.add_edges_from((a, b) for i, a in enumerate(block) for b in block[i + 1 :])
        blocks.append(block)
        offset += s
    for left, right in zip(blocks[:-1], blocks[1:], strict=True):
        a = int(rng.choice(left))
        b = int(rng.choice(right))
        path = [a, *range(offset, offset + bridge_length), b]
        offset += bridge_length
        nx.add_path(G, path)
    if shuffle:
        perm = rng.permutation(G.number_of_nodes())
        G = nx.relabel_nodes(G, {i: int(perm[i]) for i in G.nodes()})
        # Insertion order becomes the canonical index, so insert nodes by their shuffled
        # label: inserting them as the edges list them would put each clique back in a
        # contiguous index block and undo the shuffle.
        H = nx.Graph()
        H.add_nodes_from(range(offset))
        H.add_edges_from(sorted(G.edges()))
        G = H
    return _finish(G, family, {"sizes": sizes, "bridge_length": bridge_length, "shuffle": shuffle})


def barbell(
    k1: int = 8, k2: int = 8, bridge_length: int = 0, *, seed: int | np.random.Generator | None = 0
) -> nx.Graph:
    """Two cliques ``K_k1`` and ``K_k2`` joined by a path of ``bridge_length`` inner nodes.

    Bridge endpoints are chosen at random in each clique and labels are shuffled.

    Examples
    --------
    >>> G = barbell(5, 5, seed=0)
    >>> G.number_of_edges(), len(list(nx.bridges(G)))
    (21, 1)
    """
    return cliques_joined_by_bridges(
        [k1, k2], bridge_length=bridge_length, seed=seed, family="barbell"
    )


def asymmetric_chain(
    sizes: Sequence[int] | None = None,
    *,
    n_cliques: int = 3,
    min_size: int = 4,
    max_size: int = 12,
    seed: int | np.random.Generator | None = 0,
) -> nx.Graph:
    """A chain of cliques of unequal sizes joined by single bridges.

    Parameters
    ----------
    sizes : sequence of int, optional
        Explicit clique sizes. If omitted, ``n_cliques`` distinct sizes are drawn
        uniformly from ``[min_size, max_size]`` with ``seed``.

    Examples
    --------
    >>> G = asymmetric_chain([3, 5, 8], seed=0)
    >>> G.number_of_nodes(), len(list(nx.bridges(G)))
    (16, 2)
    """
    rng = _rng(seed)
    if sizes is None:
        if max_size - min_size + 1 < n_cliques:
            raise GraphError(
                f"cannot draw {n_cliques} distinct clique sizes from [{min_size}, {max_size}]; "
                "widen the range or lower n_cliques"
            )
        sizes = sorted(
            int(s) for s in rng.choice(np.arange(min_size, max_size + 1), n_cliques, replace=False)
        )
        sizes = [int(s) for s in rng.permutation(sizes)]
    return cliques_joined_by_bridges(sizes, bridge_length=0, seed=rng, family="asymmetric_chain")


_CLASSICS: dict[str, Callable[[], nx.Graph]] = {
    "karate_club": nx.karate_club_graph,
    "les_miserables": nx.les_miserables_graph,
    "florentine_families": nx.florentine_families_graph,
    "davis_southern_women": nx.davis_southern_women_graph,
}


def classic(name: str = "karate_club", *, seed: int | None = 0) -> nx.Graph:
    """A classic small real graph shipped by networkx, unweighted.

    ``seed`` is accepted for a uniform interface and unused (these graphs are fixed).
    Weights that some of these graphs carry (co-occurrence counts) are dropped, so
    that bridges have resistance exactly 1.
    """
    del seed
    if name not in _CLASSICS:
        raise GraphError(f"unknown classic graph {name!r}; choose one of {sorted(_CLASSICS)}")
    raw = _CLASSICS[name]()
    G = nx.Graph()
    G.add_nodes_from(raw.nodes())
    G.add_edges_from(raw.edges())
    return _finish(G, name, {})


def erdos_renyi(n: int = 60, p: float = 0.1, *, seed: int | None = 0) -> nx.Graph:
    """Erdős–Rényi G(n, p)."""
    _check_prob("p", p)
    _check_count("n", n)
    return _finish(
        nx.gnp_random_graph(int(n), p, seed=_int_seed(seed)), "erdos_renyi", {"n": n, "p": p}
    )


def watts_strogatz(n: int = 60, k: int = 4, p: float = 0.1, *, seed: int | None = 0) -> nx.Graph:
    """Watts–Strogatz small world: ring lattice of degree ``k``, rewiring probability ``p``."""
    _check_prob("p", p)
    if not 2 <= k < n:
        raise GraphError(f"watts_strogatz needs 2 <= k < n, got k={k}, n={n}")
    G = nx.watts_strogatz_graph(int(n), int(k), p, seed=_int_seed(seed))
    return _finish(G, "watts_strogatz", {"n": n, "k": k, "p": p})


def stochastic_block_model(
    sizes: Sequence[int] = (20, 20, 20),
    p_in: float = 0.3,
    p_out: float = 0.01,
    *,
    seed: int | None = 0,
) -> nx.Graph:
    """Stochastic block model with equal in-block and out-block probabilities."""
    _check_prob("p_in", p_in)
    _check_prob("p_out", p_out)
    sizes = [int(s) for s in sizes]
    if not sizes or min(sizes) < 1:
        raise GraphError(f"stochastic_block_model needs block sizes >= 1, got {sizes}")
    probs = [[p_in if i == j else p_out for j in range(len(sizes))] for i in range(len(sizes))]
    G = nx.stochastic_block_model(sizes, probs, seed=_int_seed(seed))
    return _finish(
        nx.Graph(G), "stochastic_block_model", {"sizes": sizes, "p_in": p_in, "p_out": p_out}
    )


def random_geometric(n: int = 80, radius: float = 0.18, *, seed: int | None = 0) -> nx.Graph:
    """Random geometric graph in the unit square (nodes keep their ``pos``)."""
    if radius <= 0:
        raise GraphError(f"radius must be > 0, got {radius}")
    _check_count("n", n)
    G = nx.random_geometric_graph(int(n), radius, seed=_int_seed(seed))
    return _finish(G, "random_geometric", {"n": n, "radius": radius})


def _check_count(name: str, n: int) -> None:
    if int(n) < 1:
        raise GraphError(f"{name} must be a positive number of nodes, got {n}")


def _check_prob(name: str, p: float) -> None:
    if not (0.0 <= float(p) <= 1.0):
        raise GraphError(f"{name} must be a probability in [0, 1], got {p}")


def _int_seed(seed: int | np.random.Generator | None) -> int | None:
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**31))
    return None if seed is None else int(seed)


@dataclass(frozen=True)
class Family:
    """A named graph family: its builder and its default parameters."""

    name: str
    build: Callable[..., nx.Graph]
    defaults: dict[str, Any]
    doc: str


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in [
        Family(
            "barbell",
            barbell,
            {"k1": 8, "k2": 8, "bridge_length": 0},
            "two cliques + one bridge path",
        ),
        Family(
            "asymmetric_chain",
            asymmetric_chain,
            {"n_cliques": 3, "min_size": 4, "max_size": 12},
            "chain of unequal cliques joined by bridges",
        ),
        Family("erdos_renyi", erdos_renyi, {"n": 60, "p": 0.1}, "Erdős–Rényi G(n, p)"),
        Family("watts_strogatz", watts_strogatz, {"n": 60, "k": 4, "p": 0.1}, "small world"),
        Family(
            "stochastic_block_model",
            stochastic_block_model,
            {"sizes": (20, 20, 20), "p_in": 0.3, "p_out": 0.01},
            "planted communities",
        ),
        Family("random_geometric", random_geometric, {"n": 80, "radius": 0.18}, "spatial graph"),
        *[
            Family(
                name, (lambda name=name, seed=0: classic(name, seed=seed)), {}, "networkx classic"
            )
            for name in _CLASSICS
        ],
    ]
}


def make_graph(
    family: str, *, seed: int = 0, limits: Limits = DEFAULT_LIMITS, **params: Any
) -> nx.Graph:
    """Build a graph of a named family (see :data:`FAMILIES`) and enforce ``limits``."""
    if family not in FAMILIES:
        raise GraphError(f"unknown graph family {family!r}; choose one of {sorted(FAMILIES)}")
    fam = FAMILIES[family]
    unknown = set(params) - set(fam.defaults)
    if unknown:
        raise GraphError(
            f"{family} takes parameters {sorted(fam.defaults)}; unknown: {sorted(unknown)}"
        )
    p = _coerce_params(family, fam.defaults, params)
    _check_size_before_build(family, p, limits)
    G = fam.build(**p, seed=seed)
    if G.number_of_nodes() > limits.max_nodes or G.number_of_edges() > limits.max_edges:
        raise GraphError(
            f"{family}: {G.number_of_nodes():,} nodes / {G.number_of_edges():,} edges exceeds "
            f"the limits ({limits.max_nodes:,} / {limits.max_edges:,}); choose smaller parameters"
        )
    return G


def _coerce_params(family: str, defaults: dict[str, Any], params: dict[str, Any]) -> dict:
    """Parameters with the types of their defaults (ints, finite floats, tuples of ints)."""
    out: dict[str, Any] = {}
    for key, value in {**defaults, **params}.items():
        default = defaults[key]
        try:
            if isinstance(value, bool | str | bytes):
                raise TypeError
            if isinstance(default, tuple):
                out[key] = tuple(_as_int(v) for v in value)
            elif isinstance(default, int):
                out[key] = _as_int(value)
            else:
                out[key] = float(value)
                if not math.isfinite(out[key]):
                    raise ValueError
        except (TypeError, ValueError):
            kind = (
                "a list of integers"
                if isinstance(default, tuple)
                else "an integer"
                if isinstance(default, int)
                else "a finite number"
            )
            raise GraphError(f"{family}: parameter {key}={value!r} must be {kind}") from None
    return out


def _as_int(value: Any) -> int:
    if isinstance(value, bool | str | bytes) or float(value) != int(value):
        raise ValueError(value)
    return int(value)


def _check_size_before_build(family: str, p: dict[str, Any], limits: Limits) -> None:
    """Refuse requests that are (or are expected to be) too large before building them.

    Clique families have exact sizes (an upper bound for asymmetric_chain, whose
    sizes are drawn); random families are refused when their *expected* number of
    edges is over twice the limit, and checked exactly once built.
    """
    if family == "barbell":
        k1, k2, length = p["k1"], p["k2"], p["bridge_length"]
        n, m, slack = k1 + k2 + length, k1 * (k1 - 1) // 2 + k2 * (k2 - 1) // 2 + length + 1, 1
    elif family == "asymmetric_chain":
        sizes = range(max(p["max_size"] - p["n_cliques"] + 1, 0), p["max_size"] + 1)
        n, m, slack = sum(sizes), sum(s * (s - 1) // 2 for s in sizes) + len(sizes) - 1, 1
    elif family == "erdos_renyi":
        n, m, slack = p["n"], p["p"] * p["n"] * (p["n"] - 1) / 2, 2
    elif family == "watts_strogatz":
        n, m, slack = p["n"], p["n"] * (p["k"] // 2), 1
    elif family == "stochastic_block_model":
        sizes = p["sizes"]
        n = sum(sizes)
        same = sum(s * (s - 1) / 2 for s in sizes)
        m, slack = p["p_in"] * same + p["p_out"] * (n * (n - 1) / 2 - same), 2
    elif family == "random_geometric":
        n = p["n"]
        m, slack = n * (n - 1) / 2 * min(1.0, math.pi * p["radius"] ** 2), 2
    else:  # fixed classics: checked once built
        return
    if n > limits.max_nodes or m > slack * limits.max_edges:
        raise GraphError(
            f"{family}: these parameters give about {n:,} nodes / {int(m):,} edges, above the "
            f"limits ({limits.max_nodes:,} nodes / {limits.max_edges:,} edges); "
            "choose smaller parameters"
        )


# ------------------------------------------------------------------------------- loaders


def parse_edgelist(text: str, *, source: str = "edge list") -> nx.MultiGraph:
    """Parse a whitespace edge list: ``u v [weight]`` per line, ``#`` starts a comment.

    Duplicate lines and self-loops are kept here (as a multigraph) so that
    :func:`validate_graph` can report them. Node tokens that all look like integers
    become ints; otherwise all stay strings. Nodes are numbered in sorted label
    order, so the canonical graph does not depend on the order of the lines and a
    graph written by :func:`graph_to_bytes` reads back with the same edge order.
    An edge list cannot hold isolated nodes.

    Raises
    ------
    GraphError
        Naming the line number for a missing node, extra fields or a bad weight.

    Examples
    --------
    >>> g = parse_edgelist("# demo\\n1 2\\n2 3 0.5\\n")
    >>> sorted(g.edges(data="weight"))
    [(1, 2, 1.0), (2, 3, 0.5)]
    """
    rows: list[tuple[str, str, float]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.replace(",", " ").split()
        where = f"{source}, line {lineno}"
        if len(parts) < 2:
            raise GraphError(f"{where}: expected 'u v [weight]', found only {line!r}")
        if len(parts) > 3:
            raise GraphError(
                f"{where}: expected 'u v [weight]', found {len(parts)} fields in {line!r}; "
                "remove the extra columns"
            )
        w = _as_weight(parts[2], where) if len(parts) == 3 else 1.0
        rows.append((parts[0], parts[1], w))
    tokens = {t for u, v, _ in rows for t in (u, v)}
    convert: Callable[[str], Any] = int if tokens and all(_is_int(t) for t in tokens) else str
    G = nx.MultiGraph()
    G.add_nodes_from(sorted(convert(t) for t in tokens))
    for u, v, w in rows:
        G.add_edge(convert(u), convert(v), weight=w)
    return G


def _is_int(token: str) -> bool:
    """True for canonical integer spellings only ("7", "-3"; not "07", "+7", "1_0")."""
    try:
        return str(int(token)) == token
    except ValueError:
        return False


def _intify_labels(G: nx.Graph) -> nx.Graph:
    """Text formats store labels as strings: make them ints when all are integers.

    The same rule as :func:`parse_edgelist`, so a graph's labels do not depend on
    which text format it was saved in.
    """
    nodes = list(G.nodes())
    if nodes and all(isinstance(v, str) and _is_int(v) for v in nodes):
        return nx.relabel_nodes(G, {v: int(v) for v in nodes}, copy=True)
    return G


def _parse_gml(text: str) -> nx.Graph:
    """GML keyed by node ``label`` when every node has a distinct one, else by ``id``."""
    try:
        G = nx.parse_gml(text.splitlines(), label="label")
    except nx.NetworkXError as exc:
        if "label" not in str(exc):
            raise
        G = nx.parse_gml(text.splitlines(), label=None)
    return _intify_labels(G)


def _detect_format(name: str | None, data: bytes) -> str:
    if name:
        ext = Path(name).suffix.lower()
        if ext in _EXTENSIONS:
            return _EXTENSIONS[ext]
    head = data[:2000].lstrip()
    if head.startswith(b"{"):
        return "json"
    if head.startswith(b"<"):
        return "graphml"
    if b"graph" in head[:200] and b"[" in head[:400]:
        return "gml"
    return "edgelist"


def _decode(data: bytes, source: str, fmt: str) -> str:
    if b"\x00" in data[:4096]:
        raise GraphError(f"{source}: this looks like a binary file, not a {fmt} text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GraphError(
            f"{source}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 {fmt}"
        ) from None


def _parse(data: bytes, fmt: str, source: str) -> nx.Graph:
    text = _decode(data, source, fmt)
    if fmt == "edgelist":
        return parse_edgelist(text, source=source)
    if fmt == "gml":
        try:
            return _parse_gml(text)
        except Exception as exc:  # networkx raises several types for malformed GML
            raise GraphError(
                f"{source}: not valid GML ({exc}); check the file or its format"
            ) from None
    if fmt == "graphml":
        if "<!ENTITY" in text or "<!DOCTYPE" in text:
            raise GraphError(f"{source}: GraphML with DOCTYPE/ENTITY declarations is refused")
        try:
            return _intify_labels(nx.parse_graphml(text))
        except Exception as exc:
            raise GraphError(
                f"{source}: not valid GraphML ({exc}); check the file or its format"
            ) from None
    if fmt == "json":
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GraphError(f"{source}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
        if not isinstance(payload, dict) or "nodes" not in payload:
            raise GraphError(
                f"{source}: JSON must be a node-link object with 'nodes' and 'links' (or 'edges')"
            )
        key = "links" if "links" in payload else "edges"
        if key not in payload:
            raise GraphError(f"{source}: JSON node-link data has no 'links' or 'edges' list")
        try:
            # Always a multigraph, so repeated links are merged *and reported* by
            # validation (node_link_graph lets the payload's own flag override ours).
            return nx.node_link_graph(
                {**payload, "multigraph": True},
                directed=bool(payload.get("directed", False)),
                edges=key,
            )
        except Exception as exc:
            raise GraphError(f"{source}: malformed node-link JSON ({exc!r})") from None
    raise GraphError(f"unknown format {fmt!r}; choose one of {FORMATS}")


def load_graph(
    src: str | os.PathLike[str] | bytes,
    *,
    fmt: str | None = None,
    name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    duplicates: Literal["max", "sum"] = "max",
) -> LoadedGraph:
    """Load and validate a graph from a path or from raw bytes (an upload).

    Parameters
    ----------
    src : path or bytes
    fmt : {"edgelist", "gml", "graphml", "json"}, optional
        Detected from the file name's extension, else from the content.
    name : str, optional
        The file name of uploaded bytes (used for the format and for messages).

    Raises
    ------
    GraphError
        Missing file, too large, not the stated format, or any validation error.
    """
    if isinstance(src, bytes | bytearray):
        data = bytes(src)
        source = name or "upload"
    else:
        path = Path(src)
        source = name or path.name
        if not path.is_file():
            raise GraphError(f"{path}: no such file")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise GraphError(
                f"{source}: {size:,} bytes exceeds the limit of {limits.max_bytes:,} bytes"
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise GraphError(f"{path}: cannot read the file ({exc.strerror})") from None
        name = name or path.name
    if len(data) > limits.max_bytes:
        raise GraphError(f"{source}: {len(data):,} bytes exceeds the limit of {limits.max_bytes:,}")
    if not data.strip():
        raise GraphError(f"{source}: the file is empty; give at least one edge")
    fmt = fmt or _detect_format(name, data)
    if fmt not in FORMATS:
        raise GraphError(f"unknown format {fmt!r}; choose one of {FORMATS}")
    raw = _parse(data, fmt, source)
    return validate_graph(raw, limits=limits, duplicates=duplicates, source=source)


def load_graph_dir(
    path: str | os.PathLike[str],
    *,
    limits: Limits = DEFAULT_LIMITS,
    max_files: int = 10_000,
) -> list[LoadedGraph]:
    """Load every graph file (by extension) in a directory, sorted by name.

    Files with other extensions are skipped and reported in the first graph's
    notices. Any unreadable graph file raises GraphError naming that file.
    """
    root = Path(path)
    if not root.is_dir():
        raise GraphError(f"{root}: not a directory")
    files = sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith("."))
    usable = [p for p in files if p.suffix.lower() in _EXTENSIONS]
    skipped = [p.name for p in files if p.suffix.lower() not in _EXTENSIONS]
    if not usable:
        raise GraphError(
            f"{root}: no graph files found (expected extensions {sorted(_EXTENSIONS)})"
        )
    if len(usable) > max_files:
        raise GraphError(f"{root}: {len(usable):,} graph files exceeds the limit of {max_files:,}")
    out = [load_graph(p, limits=limits) for p in usable]
    if skipped:
        out[0].notices.append(f"skipped {len(skipped)} non-graph file(s): {skipped[:5]}")
    return out


def graph_to_bytes(G: nx.Graph, fmt: str = "edgelist", *, weights: bool = True) -> bytes:
    """Serialise a canonical graph with its original node labels.

    Only the structure, the weights, the labels and scalar node attributes are
    written. Loading the bytes back gives the same edges and weights; labels come
    back equal, except that text formats cannot tell ``1`` from ``"1"`` (all-integer
    labels load as ints, others as strings; node-link JSON keeps the types).

    Raises
    ------
    GraphError
        Unknown format, or (edge list) a label containing whitespace, ``#`` or ``,``.
    """
    if fmt not in FORMATS:
        raise GraphError(f"unknown format {fmt!r}; choose one of {FORMATS}")
    labels = node_labels(G)
    if fmt == "edgelist":
        for lab in labels:
            text = str(lab)
            if not text or any(c.isspace() or c in "#," for c in text):
                raise GraphError(
                    f"node label {text!r} cannot be written to an edge list (it is empty or "
                    "holds whitespace, '#' or ','); save as GML, GraphML or JSON instead"
                )
        if len({str(lab) for lab in labels}) != len(labels):
            raise GraphError("two node labels have the same text; relabel them before saving")
        buf = io.StringIO()
        buf.write("# u v weight\n" if weights else "# u v\n")
        for u, v in edge_array(G):
            a, b = labels[u], labels[v]
            if weights:
                buf.write(f"{a} {b} {G.edges[int(u), int(v)].get('weight', 1.0):.17g}\n")
            else:
                buf.write(f"{a} {b}\n")
        return buf.getvalue().encode()
    H = _export_graph(G, labels, native=fmt == "json")
    if fmt == "json":
        return json.dumps(nx.node_link_data(H, edges="links"), indent=1).encode()
    if fmt == "gml":
        return "\n".join(nx.generate_gml(H)).encode()
    return "\n".join(nx.generate_graphml(H)).encode()


def _export_graph(G: nx.Graph, labels: list[Any], *, native: bool) -> nx.Graph:
    """A plain copy keyed by label for the networkx writers: weights, scalar attributes.

    ``native`` keeps int labels (JSON); otherwise non-string labels become text.
    """
    keys = [
        lab
        if isinstance(lab, str) or (native and isinstance(lab, int) and not isinstance(lab, bool))
        else str(lab)
        for lab in labels
    ]
    if len(set(keys)) != len(keys):
        raise GraphError("two node labels have the same text; relabel them before saving")
    H = nx.Graph()
    for i, key in enumerate(keys):
        attrs = G.nodes[i].items()
        H.add_node(key, **{k: a for k, a in attrs if _plain_attr(k, a)})
    for u, v in edge_array(G):
        H.add_edge(keys[u], keys[v], weight=float(G.edges[int(u), int(v)].get("weight", 1.0)))
    return H


def _plain_attr(key: Any, value: Any) -> bool:
    """A node attribute every writer accepts: a GML-style name and a finite scalar value."""
    if not isinstance(key, str) or key in ("label", "id") or not _ATTR_NAME.fullmatch(key):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | int)


def format_of(path: str | os.PathLike[str]) -> str:
    """The format :func:`write_graph` uses for ``path``: by extension, else ``"edgelist"``."""
    return _EXTENSIONS.get(Path(path).suffix.lower(), "edgelist")


def write_graph(G: nx.Graph, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    """Write a canonical graph; the format follows the extension unless given.

    An edge list cannot hold isolated nodes: they are left out (the other formats keep them).
    """
    path = Path(path)
    fmt = fmt or format_of(path)
    path.write_bytes(graph_to_bytes(G, fmt))
    return path


def iter_components(G: nx.Graph) -> Iterable[np.ndarray]:
    """Node index arrays of the connected components with at least one edge."""
    for comp in nx.connected_components(G):
        if len(comp) > 1:
            yield np.fromiter(sorted(comp), dtype=np.int64)
