"""A user's own graph as a training family of the duel ("your graph").

The family's name *is* the graph: ``graph:`` and its canonical edge list on one line
(``0 1;1 2 2.5;...``: ``u v [weight]`` entries, ``;`` between them). A duel is rebuilt
from its family name everywhere it goes (the job pool's workers, the run store's
identity, the class log, the Ray backend), so a name that holds the whole graph goes
everywhere the graph must, with nothing to look up. The text is read back through the
hardened edge-list reader (:func:`.io.load_graph`), never through a parser of its own.

The training set is copies of the graph with their nodes shuffled (the denoiser sees
structure only, so a copy is the same graph in another order), each with its own
teacher targets; the held-out graph is one more shuffled copy: with one graph there is
nothing else to hold out, and the pages say so.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from ..errors import GraphError
from .canonical import Limits, bridge_mask, edge_array, edge_weights
from .io import load_graph

__all__ = [
    "CUSTOM_PREFIX",
    "DUEL_LIMITS",
    "check_duel_graph",
    "custom_family",
    "custom_graph",
    "custom_copies",
    "is_custom",
    "family_label",
    "family_stem",
]

CUSTOM_PREFIX = "graph:"
# A duel trains on batches of 8 copies: 400 edges cost about 3x the default barbell's
# ~130, still a duel of well under a minute here; the name stays a few kB.
DUEL_LIMITS = Limits(max_nodes=200, max_edges=400, max_bytes=20_000)


def is_custom(family: str) -> bool:
    """Whether a family name holds a user's graph (see :func:`custom_family`)."""
    return isinstance(family, str) and family.startswith(CUSTOM_PREFIX)


def check_duel_graph(G: nx.Graph) -> None:
    """GraphError saying what to change when ``G`` cannot be a duel's family: too big for
    :data:`DUEL_LIMITS`, not connected, or without a bridge (the duel measures whether
    the models keep bridges, so a graph without one has nothing to measure)."""
    n, m = G.number_of_nodes(), G.number_of_edges()
    if n > DUEL_LIMITS.max_nodes or m > DUEL_LIMITS.max_edges:
        raise GraphError(
            f"a duel's own graph may have at most {DUEL_LIMITS.max_nodes} nodes and "
            f"{DUEL_LIMITS.max_edges} edges; this one has {n} and {m}: draw a smaller one"
        )
    if m == 0:
        raise GraphError("the graph has no edges: draw at least two nodes and an edge")
    if not nx.is_connected(G):
        k = nx.number_connected_components(G)
        raise GraphError(
            f"the graph is in {k} pieces: a duel needs one connected graph; join the "
            "pieces with an edge (it will be a bridge)"
        )
    if not bridge_mask(G).any():
        raise GraphError(
            "the graph has no bridge (every edge is on a cycle), so there is nothing for the "
            "duel to lose; cut an edge of a cycle or add a pendant node"
        )


def custom_family(G: nx.Graph) -> str:
    """The family name of a canonical graph (nodes ``0..n-1``): ``graph:`` and its edge
    list; GraphError when it cannot be a duel's family (:func:`check_duel_graph`).

    Examples
    --------
    >>> name = custom_family(nx.path_graph(3))
    >>> name
    'graph:0 1;1 2'
    >>> custom_graph(name).number_of_edges()
    2
    >>> custom_family(nx.cycle_graph(4))
    Traceback (most recent call last):
    ...
    specdiff_core.errors.GraphError: the graph has no bridge (every edge is on a cycle), so there is nothing for the duel to lose; cut an edge of a cycle or add a pendant node
    """
    check_duel_graph(G)
    edges = edge_array(G)
    w = edge_weights(G, edges)
    parts = [
        f"{u} {v}" if wt == 1.0 else f"{u} {v} {wt!r}"
        for (u, v), wt in zip(edges.tolist(), w.tolist(), strict=True)
    ]
    return CUSTOM_PREFIX + ";".join(parts)


def custom_graph(family: str) -> nx.Graph:
    """The graph a ``graph:`` family name holds, read by the edge-list reader and checked
    as :func:`custom_family` checks it (a name from a tampered link or job is refused with
    the reader's message, never trusted)."""
    if not is_custom(family):
        raise GraphError(f"{family!r} is not a user's graph (it does not start with 'graph:')")
    text = family[len(CUSTOM_PREFIX) :].replace(";", "\n")
    if len(text) > DUEL_LIMITS.max_bytes:
        raise GraphError(
            f"the graph's text is {len(text):,} bytes; a duel's own graph may be at most "
            f"{DUEL_LIMITS.max_bytes:,} ({DUEL_LIMITS.max_edges} edges)"
        )
    G = load_graph(
        text.encode(), fmt="edgelist", name="the duel's own graph", limits=DUEL_LIMITS
    ).graph
    check_duel_graph(G)
    if custom_family(G) != family:  # repaired by the reader (a loop, a duplicate, a label)
        raise GraphError(
            "the graph in this duel's name is not in canonical form (nodes 0..n-1, each edge "
            "once as 'u v [weight]' with u < v, in order); make the name with custom_family"
        )
    G.graph["family"] = "graph"
    return G


def custom_copies(family: str, n: int, rng: np.random.Generator) -> list[nx.Graph]:
    """``n`` copies of the family's graph, each with its nodes in a fresh random order
    (canonical: node ``i`` of a copy is node ``perm[i]`` of the graph)."""
    G = custom_graph(family)
    edges, w = edge_array(G), edge_weights(G)
    out = []
    for _ in range(n):
        perm = rng.permutation(G.number_of_nodes())  # old node -> new node
        H = nx.Graph(family="graph")
        H.add_nodes_from(range(G.number_of_nodes()))
        new = np.sort(perm[edges], axis=1)  # (m, 2), u < v
        order = np.lexsort((new[:, 1], new[:, 0]))
        H.add_weighted_edges_from(
            (int(a), int(b), float(x)) for (a, b), x in zip(new[order], w[order], strict=True)
        )
        out.append(H)
    return out


def family_label(family: str) -> str:
    """How a page or a log names a family: the name itself, or for a user's graph
    ``your graph (12 nodes, 17 edges, 1 bridge)``, read from the name."""
    if not is_custom(family):
        return family
    try:
        G = custom_graph(family)
    except GraphError:
        return "your graph (unreadable)"
    b = int(bridge_mask(G).sum())
    return (
        f"your graph ({G.number_of_nodes()} nodes, {G.number_of_edges()} edges, "
        f"{b} bridge{'s' if b != 1 else ''})"
    )


def family_stem(family: str) -> str:
    """A family as part of a file name: the name, or ``graph`` and a short hash of it."""
    if not is_custom(family):
        return family
    import hashlib

    return "graph-" + hashlib.sha1(family.encode()).hexdigest()[:8]
