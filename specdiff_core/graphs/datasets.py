"""The graph collections of the experiments: barbell and chain families with clique sizes
drawn per graph, the barbell's bridgeless look-alike, the paper's own graphs (with their
rare edges), and subgraphs cut from real networks. Every function is seeded.

The settings come from an experiment configuration (``ExperimentConfig``); only the
attributes named in :class:`Sizes` are read, so this module does not import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import networkx as nx
import numpy as np

from ..errors import ConfigError, GraphError
from .canonical import bridge_mask, edge_array, validate_graph
from .custom import custom_copies, is_custom
from .families import barbell, classic, cliques_joined_by_bridges


class Sizes(Protocol):
    """What the data sets read of an experiment configuration."""

    clique_min: int
    clique_max: int
    n_cliques: int
    subgraph_min: int
    subgraph_max: int
    real_joined: float
    real_sources: tuple[str, ...]
    protocol: Any  # a protocol.ProtocolConfig: the paper's graphs
    paper_thick_layout: str


def family_graphs(family: str, n: int, cfg: Sizes, seed: int) -> list[nx.Graph]:
    """``n`` graphs of an experiment family, seeded (sizes drawn per graph); a user's
    graph (a ``graph:`` family, :mod:`.custom`) gives ``n`` shuffled copies of it."""
    rng = np.random.default_rng(seed)
    if is_custom(family):
        return custom_copies(family, n, rng)
    lo, hi = cfg.clique_min, cfg.clique_max
    out = []
    for _ in range(n):
        if family == "barbell":
            k1, k2 = (int(x) for x in rng.integers(lo, hi + 1, size=2))
            out.append(barbell(k1, k2, seed=rng))
        elif family == "asymmetric_chain":
            if hi - lo + 1 < cfg.n_cliques:
                raise ConfigError("clique size range too narrow for distinct chain sizes")
            sizes = rng.choice(np.arange(lo, hi + 1), cfg.n_cliques, replace=False)
            out.append(
                cliques_joined_by_bridges(
                    [int(s) for s in sizes], seed=rng, family="asymmetric_chain"
                )
            )
        elif family == "double_joined":
            out.append(
                _double_joined(int(rng.integers(lo, hi + 1)), int(rng.integers(lo, hi + 1)), rng)
            )
        else:
            raise ConfigError(f"unknown experiment family {family!r}")
    return out


def _double_joined(k1: int, k2: int, rng: np.random.Generator) -> nx.Graph:
    """Two cliques joined by two disjoint edges: the barbell's look-alike without a bridge."""
    G = barbell(k1, k2, seed=rng)
    bridge = next(iter(nx.bridges(G)))
    a_side = nx.node_connected_component(nx.restricted_view(G, [], [bridge]), bridge[0])
    left = sorted(a_side - {bridge[0]})
    right = sorted(set(G) - a_side - {bridge[1]})
    G = G.copy()
    G.add_edge(int(rng.choice(left)), int(rng.choice(right)), weight=1.0)
    if nx.has_bridges(G):
        raise GraphError("internal: double-joined graph still has a bridge")
    return G


def real_sources(
    cfg: Sizes, graphs: Sequence[nx.Graph] | None = None
) -> list[tuple[str, nx.Graph]]:
    """The large graphs that real-network datasets are cut from: the user's ``graphs``
    when given (a directory on the CLI), else the networkx classics of
    ``cfg.real_sources``."""
    if graphs:
        return [(str(G.graph.get("source", f"graph {i}")), G) for i, G in enumerate(graphs)]
    if not cfg.real_sources:
        raise ConfigError("real_sources is empty: name networkx classics or pass --graphs DIR")
    return [(name, classic(name)) for name in cfg.real_sources]


def _snowball(G: nx.Graph, size: int, rng: np.random.Generator) -> set[int]:
    """``size`` nodes reached by a breadth-first search from a random node, neighbours
    visited in random order (the whole component when it is smaller); connected."""
    nodes = [v for v in G if G.degree(v) > 0]
    start = int(nodes[int(rng.integers(len(nodes)))])
    seen, queue = {start}, [start]
    while queue and len(seen) < size:
        u = queue.pop(0)
        nbrs = sorted(set(G[u]) - seen)
        for v in (nbrs[i] for i in rng.permutation(len(nbrs))):
            if len(seen) >= size:
                break
            seen.add(int(v))
            queue.append(int(v))
    return seen


def _cut(
    sources: Sequence[tuple[str, nx.Graph]], size: int, rng: np.random.Generator
) -> tuple[str, nx.Graph] | None:
    """One snowball subgraph of a random source, canonical; None when under 3 nodes."""
    name, G = sources[int(rng.integers(len(sources)))]
    keep = _snowball(G, size, rng)
    if len(keep) < 3:
        return None
    return name, validate_graph(G.subgraph(sorted(keep)).copy(), source=name).graph


def _joined(a: nx.Graph, b: nx.Graph, rng: np.random.Generator) -> nx.Graph:
    """Disjoint union of ``a`` and ``b`` plus one edge between a random node of each."""
    H = nx.disjoint_union(a, b)
    u = int(rng.integers(a.number_of_nodes()))
    v = a.number_of_nodes() + int(rng.integers(b.number_of_nodes()))
    H.add_edge(u, v, weight=1.0)
    return validate_graph(H, source="joined").graph


def sample_subgraphs(
    sources: Sequence[tuple[str, nx.Graph]],
    n: int,
    cfg: Sizes,
    seed: int,
    *,
    need_bridge: bool = False,
) -> list[nx.Graph]:
    """``n`` connected subgraphs cut from ``sources`` by seeded snowball sampling.

    Each draw picks a source graph, a size in ``[cfg.subgraph_min, cfg.subgraph_max]``
    and a start node, and keeps the induced subgraph on the nodes a randomised
    breadth-first search reaches. Nodes on the sample's boundary often keep one edge
    only, so pendant bridges are common, as in any sampled real network. A share
    ``cfg.real_joined`` of the draws instead joins two such subgraphs (each of half the
    size) by one edge: a bridge between two real dense parts, which small real graphs
    rarely contain by themselves.

    Parameters
    ----------
    sources : sequence of (name, graph)
        Canonical graphs (see :func:`real_sources`); never modified.
    n : int
        Number of subgraphs.
    cfg : ExperimentConfig
        Supplies the size range and the joined share.
    seed : int
        Same seed, same subgraphs.
    need_bridge : bool
        Keep only subgraphs with at least one bridge (test graphs: bridge survival is
        defined only where there is a bridge).

    Returns
    -------
    list of networkx.Graph
        Canonical and connected; ``graph["source"]`` names the source(s).

    Raises
    ------
    GraphError
        When the sources yield no usable subgraph (fewer than 3 nodes, or no bridge
        while one is needed) in many draws.
    """
    rng = np.random.default_rng(seed)
    out: list[nx.Graph] = []
    lo, hi = cfg.subgraph_min, cfg.subgraph_max
    for _ in range(50 * n + 100):
        if len(out) == n:
            break
        size = int(rng.integers(lo, hi + 1))
        if rng.random() < cfg.real_joined:
            parts = [_cut(sources, max(3, size // 2), rng) for _ in range(2)]
            if parts[0] is None or parts[1] is None:
                continue
            H = _joined(parts[0][1], parts[1][1], rng)
            name = f"{parts[0][0]} + {parts[1][0]}"
        else:
            part = _cut(sources, size, rng)
            if part is None:
                continue
            name, H = part
        if need_bridge and not nx.has_bridges(H):
            continue
        H.graph["source"] = name
        out.append(H)
    if len(out) < n:
        what = "with a bridge " if need_bridge else ""
        raise GraphError(
            f"could not cut {n} connected subgraphs {what}of >= 3 nodes from "
            f"{[name for name, _ in sources]}; give larger graphs, graphs with bridges, "
            "or other subgraph_min/subgraph_max"
        )
    return out


def thickened(G: nx.Graph, k: int, rng: np.random.Generator) -> tuple[nx.Graph, np.ndarray]:
    """A barbell's bridge thickened into ``k`` edges with distinct endpoints (a simple
    graph), and the mask of those edges in canonical order."""
    bridge = next(iter(nx.bridges(G)))
    side_a = nx.node_connected_component(nx.restricted_view(G, [], [bridge]), bridge[0])
    a_nodes = [int(x) for x in rng.permutation(sorted(side_a - {bridge[0]}))]
    b_nodes = [int(x) for x in rng.permutation(sorted(set(G) - side_a - {bridge[1]}))]
    if k - 1 > min(len(a_nodes), len(b_nodes)):
        raise ConfigError(f"a thickness of {k} needs cliques of at least {k} nodes")
    H = G.copy()
    H.add_edges_from(
        (a, b, {"weight": 1.0}) for a, b in zip(a_nodes[: k - 1], b_nodes, strict=False)
    )
    e = edge_array(H)
    rare = np.isin(e[:, 0], list(side_a)) != np.isin(e[:, 1], list(side_a))  # across the cut
    return H, rare


def paper_graphs(
    exp: str, k: int, n: int, cfg: Sizes, seed: int
) -> list[tuple[nx.Graph, np.ndarray]]:
    """``n`` copies of one of the paper's graphs, node labels shuffled per copy, each
    with its rare edges: Exp I's barbell, Exp II's chain, Exp III's thickened barbell."""
    pc = cfg.protocol
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        if exp == "asymmetric_chain":
            G = cliques_joined_by_bridges(list(pc.chain), seed=rng, family="asymmetric_chain")
            out.append((G, bridge_mask(G)))
            continue
        if exp not in ("barbell", "thick"):
            raise ConfigError(f"unknown paper experiment {exp!r}")
        G = barbell(pc.clique, pc.clique, seed=rng)
        if exp == "thick" and k > 1 and cfg.paper_thick_layout == "disjoint":
            out.append(thickened(G, k, rng))
        else:  # Exp I, or "collapsed": the one bridge, only its frequency rises
            out.append((G, bridge_mask(G)))
    return out
