"""Real networks whose bridges mean something physical, shipped as edge lists in
``assets/networks`` (taken from PyPI packages with their licences: that folder's README
and ``scripts/vendor_networks.py``); nothing is downloaded at run time.

- power grids (IEEE/MATPOWER cases from pypower): a bridge is a branch whose outage
  islands part of the grid (the grid is not N-1 secure there);
- a road network (Minnesota, from pygsp): a road segment with no detour;
- a connectome (C. elegans gap junctions, from cect): an electrical synapse whose loss cuts
  a group of neurons off the rest of the electrically coupled network.

Each loads as a canonical graph (:func:`~.canonical.validate_graph`). Parallel circuits
of a grid are one edge whose weight is their number (their conductances add: ``duplicates
="sum"``). Where the file has more than one component the largest is used, and the
loader says so in its notices.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..errors import GraphError
from ..paths import ASSETS_DIR
from .canonical import LoadedGraph, validate_graph

NETWORK_DIR = ASSETS_DIR / "networks"
_GRID = "BSD-3-Clause, (c) 1996-2015 PSERC and contributors (pypower 5.1.21's LICENSE)"
_GRID_SOURCE = "pypower 5.1.21 (PyPI), pypower/{}.py: MATPOWER's case file"
_GRID_MEANING = "a branch whose outage islands buses (no N-1 security there)"


@dataclass(frozen=True)
class RealNetwork:
    """A shipped network: what it is, where it comes from, and its size once loaded."""

    name: str
    title: str
    kind: str  # power grid, road network, connectome
    source: str
    licence: str
    meaning: str  # what a bridge is in this network
    n: int  # nodes of the graph used (the largest component)
    m: int  # its edges (parallel circuits merged into one)
    components: int = 1  # connected components in the file
    notes: tuple[str, ...] = field(default=())

    @property
    def path(self):
        return NETWORK_DIR / f"{self.name}.edges"


def _grid(case: str, title: str, n: int, m: int) -> RealNetwork:
    return RealNetwork(
        case, title, "power grid", _GRID_SOURCE.format(case), _GRID, _GRID_MEANING, n, m
    )


NETWORKS: dict[str, RealNetwork] = {
    net.name: net
    for net in (
        _grid("case14", "IEEE 14-bus system", 14, 20),
        _grid("case30", "IEEE 30-bus system", 30, 41),
        _grid("case39", "IEEE 39-bus New England system", 39, 46),
        _grid("case57", "IEEE 57-bus system", 57, 78),
        _grid("case118", "IEEE 118-bus system", 118, 179),
        RealNetwork(
            "minnesota",
            "Minnesota road network",
            "road network",
            "pygsp 0.6.1 (PyPI), pygsp/data/pointclouds/minnesota.mat (D. Gleich's MatlabBGL)",
            "BSD-3-Clause, (c) 2014 EPFL LTS2 (pygsp 0.6.1's LICENSE.txt)",
            "a road segment with no detour",
            2640,
            3302,
            components=2,
        ),
        RealNetwork(
            "celegans_gap",
            "C. elegans gap-junction connectome (Varshney et al. 2011)",
            "connectome",
            "cect 0.3.5 (PyPI), cect/cache/VarshneyDataReader.json, Generic_GJ",
            "MIT, (c) 2026 OpenWorm (cect 0.3.5's LICENSE)",
            "an electrical synapse whose loss cuts neurons off the coupled network",
            248,
            511,
            components=3,
        ),
    )
}


def load_network(name: str) -> LoadedGraph:
    """The shipped network ``name`` (a key of :data:`NETWORKS`) as a canonical graph, the
    largest component when the file has several (a notice says so).

    >>> g = load_network("case14")
    >>> g.n, g.m, len(list(nx.bridges(g.graph)))
    (14, 20, 1)
    """
    from .io import load_graph

    if name not in NETWORKS:
        raise GraphError(f"unknown network {name!r}; choose one of {', '.join(NETWORKS)}")
    net = NETWORKS[name]
    loaded = load_graph(net.path, duplicates="sum")
    G, notices = loaded.graph, [n for n in loaded.notices if "connected components" not in n]
    comps = list(nx.connected_components(G))
    if len(comps) > 1:
        big = max(comps, key=len)
        notices.append(
            f"{net.title}: the file has {len(comps)} components; the largest "
            f"({len(big)} of {G.number_of_nodes()} nodes) is used"
        )
        sub = nx.relabel_nodes(G.subgraph(big), {i: G.nodes[i]["label"] for i in big})
        G = validate_graph(sub, source=net.name).graph
    return LoadedGraph(G, notices, source=net.name)
