"""A user's graph as a duel's training family: the name holds the graph, read back
through the edge-list reader and refused unless it is exactly what custom_family writes."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from specdiff_core import graphs
from specdiff_core.errors import GraphError
from specdiff_core.experiments import demo_examples


def _weighted_barbell() -> nx.Graph:
    G = graphs.barbell(4, 5, seed=3)
    G[0][next(iter(G[0]))]["weight"] = 2.5
    return G


def test_the_name_holds_the_graph_with_its_weights():
    G = _weighted_barbell()
    name = graphs.custom_family(G)
    H = graphs.custom_graph(name)
    assert np.array_equal(graphs.edge_array(H), graphs.edge_array(G))
    assert np.array_equal(graphs.edge_weights(H), graphs.edge_weights(G))
    assert " 2.5" in name and graphs.is_custom(name) and not graphs.is_custom("barbell")


def test_copies_are_the_graph_in_other_node_orders_and_seeded():
    G = _weighted_barbell()
    name = graphs.custom_family(G)
    a = graphs.custom_copies(name, 4, np.random.default_rng(7))
    b = graphs.custom_copies(name, 4, np.random.default_rng(7))
    assert [graphs.edge_array(x).tolist() for x in a] == [graphs.edge_array(x).tolist() for x in b]
    assert len({graphs.edge_array(x).tobytes() for x in a}) > 1  # shuffled, not one order
    em = nx.algorithms.isomorphism.numerical_edge_match("weight", 1.0)
    assert all(nx.is_isomorphic(x, G, edge_match=em) for x in a)
    assert all(graphs.bridge_mask(x).sum() == 1 for x in a)


@pytest.mark.parametrize(
    ("G", "says"),
    [
        (nx.cycle_graph(5), "no bridge"),
        (nx.union(nx.path_graph(2), nx.path_graph([2, 3])), "in 2 pieces"),
        (nx.path_graph(201), "at most 200 nodes"),
        (nx.complete_graph(30), "at most 200 nodes and 400 edges"),
    ],
)
def test_a_graph_the_duel_cannot_use_says_what_to_change(G, says):
    with pytest.raises(GraphError, match=says):
        graphs.custom_family(G)


@pytest.mark.parametrize(
    "name",
    [
        "graph:0 1;1 x",  # not a node id
        "graph:0 1;1 2;1 2",  # an edge twice
        "graph:1 0;1 2",  # u > v
        "graph:0 1;1 1;1 2",  # a loop
        "graph:0 1;1 2 nan",  # a weight that is no number
        "graph:0 1;1 2 -1",
        "graph:0 " + "9" * 5000,  # an integer past any limit
        "graph:" + ";".join(f"{i} {i + 1}" for i in range(5000)),  # far too big
        "graph:",
        "barbell",
    ],
)
def test_a_tampered_name_is_refused_with_one_line(name):
    with pytest.raises(GraphError) as err:
        graphs.custom_graph(name)
    assert "\n" not in str(err.value) and len(str(err.value)) < 400


def test_labels_and_file_stems_are_short_and_safe():
    name = graphs.custom_family(_weighted_barbell())
    assert graphs.family_label(name) == "your graph (9 nodes, 17 edges, 1 bridge)"
    stem = graphs.family_stem(name)
    assert stem.startswith("graph-") and stem.replace("-", "").isalnum() and len(stem) == 14
    assert graphs.family_stem("barbell") == "barbell" == graphs.family_label("barbell")
    assert graphs.family_label("graph:0 1;1 x") == "your graph (unreadable)"


def test_the_duels_examples_on_a_users_graph_in_both_regimes():
    name = graphs.custom_family(_weighted_barbell())
    for regime in ("oracle", "rare"):
        train, test = demo_examples(0, family=name, regime=regime)
        assert len(train) == 16 and all(ex.graph.number_of_edges() == 17 for ex in train)
        assert test.bridges.sum() == 1
        if regime == "oracle":  # the teacher keeps every bridge (R = 1)
            assert all(ex.targets[:, ex.bridges].all() for ex in train)
