"""The shipped real networks: every one loads as a canonical, connected graph of its
documented size, with its source and licence named in its file and in NETWORKS."""

from __future__ import annotations

import networkx as nx
import pytest

from specdiff_core.errors import GraphError
from specdiff_core.graphs import bridge_mask, edge_array, load_graph, validate_graph
from specdiff_core.graphs.real import NETWORK_DIR, NETWORKS, load_network


@pytest.mark.parametrize("name", list(NETWORKS))
def test_every_network_loads_connected_at_its_documented_size(name):
    net = NETWORKS[name]
    loaded = load_network(name)
    G = loaded.graph
    assert (G.number_of_nodes(), G.number_of_edges()) == (net.n, net.m)
    assert nx.is_connected(G)
    assert sorted(G.nodes) == list(range(net.n))  # canonical: 0..n-1, labels kept
    again = validate_graph(G).graph
    assert (edge_array(again) == edge_array(G)).all()
    raw = load_graph(net.path)
    components = nx.number_connected_components(raw.graph)
    assert components == net.components
    said = any("largest" in note for note in loaded.notices)
    assert said == (components > 1)  # the largest component is used, and said so


@pytest.mark.parametrize("name", list(NETWORKS))
def test_each_file_names_its_source_and_licence(name):
    head = NETWORKS[name].path.read_text().splitlines()[:4]
    assert any(line.startswith("# source: ") for line in head)
    assert any(line.startswith("# licence: ") for line in head)
    assert NETWORKS[name].source and NETWORKS[name].licence


def test_bridges_agree_with_networkx():
    G = load_network("case118").graph
    mask = bridge_mask(G)
    found = {frozenset(e) for e in nx.bridges(G)}
    assert {frozenset(map(int, e)) for e in edge_array(G)[mask]} == found
    assert len(found) == 9


def test_parallel_circuits_are_one_edge_of_their_number():
    G = load_network("case57").graph
    weights = sorted({w for _, _, w in G.edges(data="weight")})
    assert weights == [1.0, 2.0]  # two double circuits in the case file


def test_unknown_network_names_the_choices():
    with pytest.raises(GraphError, match="case14"):
        load_network("atlantis")


def test_no_file_is_left_unlisted():
    assert {p.stem for p in NETWORK_DIR.glob("*.edges")} == set(NETWORKS)
