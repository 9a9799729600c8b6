"""Tests of specdiff_core.graphs: families, canonical order, validation, loaders, writers.

Expected sizes are worked out by hand: K_k has k(k-1)/2 edges, and a path of L inner
nodes joining two cliques adds L + 1 edges, every one of them a bridge.
"""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specdiff_core import graphs as g
from specdiff_core.errors import GraphError, SpecDiffError


def k(n: int) -> int:
    """Edges of the complete graph K_n."""
    return n * (n - 1) // 2


def bridges(G: nx.Graph) -> list[tuple[int, int]]:
    return sorted(tuple(sorted(e)) for e in nx.bridges(G))


def labelled_edges(G: nx.Graph) -> list[tuple[tuple, float]]:
    """Edges as (sorted label pair, weight): comparable across differently indexed graphs."""
    lab = g.node_labels(G)
    return sorted(
        (tuple(sorted((lab[u], lab[v]), key=repr)), w) for u, v, w in G.edges(data="weight")
    )


def assert_canonical(G: nx.Graph) -> None:
    assert type(G) is nx.Graph
    assert sorted(G.nodes()) == list(range(G.number_of_nodes()))
    for _, _, w in G.edges(data="weight"):
        assert isinstance(w, float) and math.isfinite(w) and w > 0


def clique_blocks(G: nx.Graph) -> list[list[int]]:
    """Node sets left when every bridge is removed, sorted."""
    H = G.copy()
    H.remove_edges_from(nx.bridges(G))
    return sorted(sorted(c) for c in nx.connected_components(H))


# ------------------------------------------------------------------------------ barbell


@pytest.mark.parametrize("k1,k2,length", [(3, 3, 0), (8, 8, 0), (4, 7, 0), (5, 5, 1), (6, 3, 4)])
def test_barbell_sizes_and_bridges(k1, k2, length):
    G = g.barbell(k1, k2, length, seed=3)
    assert_canonical(G)
    assert G.number_of_nodes() == k1 + k2 + length
    assert G.number_of_edges() == k(k1) + k(k2) + length + 1
    assert len(bridges(G)) == length + 1
    assert nx.is_connected(G)
    assert G.graph["family"] == "barbell"
    assert all(w == 1.0 for _, _, w in G.edges(data="weight"))


def test_barbell_cliques_are_cliques():
    G = g.barbell(5, 7, seed=1)
    blocks = clique_blocks(G)
    assert sorted(len(b) for b in blocks) == [5, 7]
    for b in blocks:
        assert G.subgraph(b).number_of_edges() == k(len(b))


def test_barbell_same_seed_same_graph():
    a, b = g.barbell(8, 8, seed=42), g.barbell(8, 8, seed=42)
    assert np.array_equal(g.edge_array(a), g.edge_array(b))
    assert g.node_labels(a) == g.node_labels(b)


def test_barbell_seed_moves_the_bridge():
    ends = {bridges(g.barbell(8, 8, seed=s))[0] for s in range(10)}
    assert len(ends) > 3, "labels are not shuffled: the bridge sits at the same nodes"


def test_barbell_shuffle_reaches_the_canonical_index():
    # Regression: the cliques used to stay in index blocks 0..7 / 8..15 after shuffling.
    contiguous = [list(range(8)), list(range(8, 16))]
    assert all(clique_blocks(g.barbell(8, 8, seed=s)) != contiguous for s in range(5))


def test_unshuffled_cliques_are_contiguous():
    G = g.cliques_joined_by_bridges([4, 5], seed=0, shuffle=False)
    assert clique_blocks(G) == [[0, 1, 2, 3], [4, 5, 6, 7, 8]]


def test_barbell_accepts_a_generator():
    a = g.barbell(4, 4, seed=np.random.default_rng(7))
    b = g.barbell(4, 4, seed=np.random.default_rng(7))
    assert np.array_equal(g.edge_array(a), g.edge_array(b))


def test_barbell_refuses_a_one_node_clique():
    with pytest.raises(GraphError, match=">= 2"):
        g.barbell(1, 5)


def test_barbell_refuses_a_negative_bridge_length():
    with pytest.raises(GraphError, match="bridge_length"):
        g.barbell(4, 4, -1)


# ------------------------------------------------------------------- generic / chain


def test_cliques_joined_by_bridges_chain_with_paths():
    G = g.cliques_joined_by_bridges([3, 4, 5], bridge_length=2, seed=0)
    assert G.number_of_nodes() == 3 + 4 + 5 + 2 * 2
    assert G.number_of_edges() == k(3) + k(4) + k(5) + 2 * 3
    assert len(bridges(G)) == 2 * 3
    assert G.graph["params"] == {"sizes": [3, 4, 5], "bridge_length": 2, "shuffle": True}


def test_single_clique_has_no_bridge():
    G = g.cliques_joined_by_bridges([5], seed=0)
    assert G.number_of_edges() == k(5) and bridges(G) == []


def test_cliques_joined_by_bridges_refuses_no_sizes():
    with pytest.raises(GraphError, match="clique sizes"):
        g.cliques_joined_by_bridges([])


def test_asymmetric_chain_unequal_sizes_and_bridges():
    for seed in range(4):
        G = g.asymmetric_chain(n_cliques=4, min_size=3, max_size=9, seed=seed)
        sizes = [len(b) for b in clique_blocks(G)]
        assert len(sizes) == 4 and len(set(sizes)) == 4
        assert all(3 <= s <= 9 for s in sizes)
        assert len(bridges(G)) == 4 - 1
        assert G.number_of_edges() == sum(k(s) for s in sizes) + 3
        assert G.graph["family"] == "asymmetric_chain"


def test_asymmetric_chain_explicit_sizes():
    G = g.asymmetric_chain([3, 5, 8], seed=0)
    assert sorted(len(b) for b in clique_blocks(G)) == [3, 5, 8]
    assert len(bridges(G)) == 2


def test_asymmetric_chain_same_seed_same_graph_and_seeds_differ():
    a = g.asymmetric_chain(seed=5)
    assert np.array_equal(g.edge_array(a), g.edge_array(g.asymmetric_chain(seed=5)))
    arrays = {g.edge_array(g.asymmetric_chain(seed=s)).tobytes() for s in range(4)}
    assert len(arrays) > 1


def test_asymmetric_chain_refuses_too_narrow_a_size_range():
    with pytest.raises(GraphError, match="distinct clique sizes"):
        g.asymmetric_chain(n_cliques=5, min_size=4, max_size=6)


# ---------------------------------------------------------------------------- classics


@pytest.mark.parametrize(
    "name,n,m,n_bridges",
    [
        ("karate_club", 34, 78, 1),
        ("florentine_families", 15, 20, 5),
        ("davis_southern_women", 32, 89, 0),
        ("les_miserables", 77, 254, 18),
    ],
)
def test_classics(name, n, m, n_bridges):
    G = g.classic(name)
    assert_canonical(G)
    assert (G.number_of_nodes(), G.number_of_edges(), len(bridges(G))) == (n, m, n_bridges)
    assert {w for _, _, w in G.edges(data="weight")} == {1.0}  # co-occurrence weights dropped


def test_classic_keeps_original_labels():
    assert "Medici" in g.node_labels(g.classic("florentine_families"))


def test_classic_unknown_name():
    with pytest.raises(GraphError, match="unknown classic graph"):
        g.classic("petersen")


# ----------------------------------------------------------------------- random families

RANDOM = [
    (g.erdos_renyi, {"n": 40, "p": 0.2}),
    (g.watts_strogatz, {"n": 40, "k": 4, "p": 0.2}),
    (g.stochastic_block_model, {"sizes": (10, 12), "p_in": 0.5, "p_out": 0.05}),
    (g.random_geometric, {"n": 40, "radius": 0.3}),
]


@pytest.mark.parametrize("build,params", RANDOM, ids=lambda x: getattr(x, "__name__", ""))
def test_random_family_seeded(build, params):
    a, b, c = build(**params, seed=1), build(**params, seed=1), build(**params, seed=2)
    assert_canonical(a)
    assert np.array_equal(g.edge_array(a), g.edge_array(b))
    assert not np.array_equal(g.edge_array(a), g.edge_array(c))
    assert a.number_of_nodes() == params.get("n", sum(params.get("sizes", ())))
    assert a.graph["family"] == build.__name__


def test_watts_strogatz_ring_without_rewiring():
    G = g.watts_strogatz(10, 4, 0.0, seed=0)
    assert G.number_of_edges() == 10 * 2 and all(d == 4 for _, d in G.degree())


def test_random_geometric_keeps_positions():
    G = g.random_geometric(10, 0.5, seed=0)
    assert len(G.nodes[0]["pos"]) == 2


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: g.erdos_renyi(10, 1.5), "probability"),
        (lambda: g.erdos_renyi(-3, 0.5), "positive number of nodes"),
        (lambda: g.erdos_renyi(10, 0.0), "no edges"),
        (lambda: g.watts_strogatz(10, 1, 0.1), "2 <= k < n"),
        (lambda: g.watts_strogatz(10, 10, 0.1), "2 <= k < n"),
        (lambda: g.stochastic_block_model((5, 5), -0.1, 0.1), "p_in"),
        (lambda: g.stochastic_block_model((5, 5), 0.5, 2.0), "p_out"),
        (lambda: g.stochastic_block_model((0, 5), 0.5, 0.1), "block sizes"),
        (lambda: g.random_geometric(10, 0.0), "radius"),
        (lambda: g.random_geometric(0, 0.5), "positive number of nodes"),
    ],
)
def test_random_family_bad_parameters(call, match):
    with pytest.raises(GraphError, match=match):
        call()


# --------------------------------------------------------------------------- make_graph


@pytest.mark.parametrize("family", sorted(g.FAMILIES))
def test_make_graph_every_family_with_defaults(family):
    G = g.make_graph(family, seed=0)
    assert_canonical(G)
    assert G.number_of_edges() > 0
    assert np.array_equal(g.edge_array(G), g.edge_array(g.make_graph(family, seed=0)))


def test_make_graph_passes_parameters():
    G = g.make_graph("barbell", k1=4, k2=6, bridge_length=2, seed=1)
    assert (G.number_of_nodes(), len(bridges(G))) == (12, 3)


def test_make_graph_unknown_family():
    with pytest.raises(GraphError, match="unknown graph family 'nope'"):
        g.make_graph("nope")


def test_graph_spec_refuses_a_misspelt_parameter_when_made():
    with pytest.raises(GraphError, match=r"unknown: \['k3'\]"):
        g.GraphSpec.of_family("barbell", k3=4)
    assert g.GraphSpec.of_family("barbell", k1=4).full_params["k1"] == 4


def test_make_graph_unknown_parameter():
    with pytest.raises(GraphError, match=r"unknown: \['k3'\]"):
        g.make_graph("barbell", k3=4)


@pytest.mark.parametrize(
    "family,params,match",
    [
        ("barbell", {"k1": "x"}, "k1='x' must be an integer"),
        ("barbell", {"k1": 2.5}, "must be an integer"),
        ("barbell", {"k2": True}, "must be an integer"),
        ("erdos_renyi", {"p": "x"}, "must be a finite number"),
        ("erdos_renyi", {"p": float("nan")}, "must be a finite number"),
        ("stochastic_block_model", {"sizes": 5}, "must be a list of integers"),
    ],
)
def test_make_graph_bad_parameter_types(family, params, match):
    with pytest.raises(GraphError, match=match):
        g.make_graph(family, **params)


@pytest.mark.parametrize(
    "family,params",
    [
        ("barbell", {"k1": 400, "k2": 400}),  # 159,601 edges > 100,000
        ("barbell", {"k1": 3000, "k2": 3000}),  # 6,000 nodes > 5,000
        ("asymmetric_chain", {"n_cliques": 3, "max_size": 400}),
        ("erdos_renyi", {"n": 5000, "p": 1.0}),  # 12.5M expected edges
        ("watts_strogatz", {"n": 5000, "k": 100}),
        ("stochastic_block_model", {"sizes": (2000, 2000), "p_in": 0.9}),
        ("random_geometric", {"n": 5000, "radius": 2.0}),
        ("erdos_renyi", {"n": 10**9}),
    ],
)
def test_make_graph_refuses_too_large_before_building(monkeypatch, family, params):
    def must_not_build(**_):
        raise AssertionError("built a graph that the size check should have refused")

    fam = g.FAMILIES[family]
    monkeypatch.setitem(g.FAMILIES, family, g.Family(family, must_not_build, fam.defaults, ""))
    with pytest.raises(GraphError, match="choose smaller parameters"):
        g.make_graph(family, **params)


def test_make_graph_limits_checked_after_build():
    with pytest.raises(GraphError, match="exceeds the limits"):
        g.make_graph("les_miserables", limits=g.Limits(max_nodes=50))


@pytest.mark.parametrize("field", ["max_nodes", "max_edges", "max_bytes"])
def test_limits_must_be_positive(field):
    with pytest.raises(GraphError, match=field):
        g.Limits(**{field: 0})


def test_errors_are_value_errors():
    assert issubclass(GraphError, SpecDiffError) and issubclass(GraphError, ValueError)


# ------------------------------------------------------------------ canonical edge order


def test_edge_array_canonical_order():
    G = g.validate_graph(nx.Graph([(3, 1), (0, 2), (2, 1), (3, 0), (1, 0)])).graph
    e = g.edge_array(G)
    assert e.dtype == np.int64 and e.shape == (5, 2)
    assert np.all(e[:, 0] < e[:, 1])
    assert e.tolist() == sorted(e.tolist())
    assert {tuple(r) for r in e.tolist()} == {tuple(sorted(x)) for x in G.edges()}


def test_edge_array_of_graph_inserted_backwards():
    G = nx.Graph()
    G.add_nodes_from(range(4))
    G.add_edges_from([(3, 2), (2, 0), (1, 0)])
    assert g.edge_array(G).tolist() == [[0, 1], [0, 2], [2, 3]]


def test_edge_weights_aligned_with_edge_array():
    H = nx.Graph()
    H.add_weighted_edges_from([(2, 0, 0.5), (1, 2, 3.0), (0, 1, 7.0), (3, 1, 0.25)])
    G = g.validate_graph(H).graph
    e, w = g.edge_array(G), g.edge_weights(G)
    assert w.dtype == np.float64 and w.shape == (len(e),)
    assert all(G.edges[int(u), int(v)]["weight"] == wi for (u, v), wi in zip(e, w, strict=True))
    custom = e[::-1]
    assert np.array_equal(g.edge_weights(G, custom), w[::-1])


def test_edge_weights_missing_means_one():
    assert g.edge_weights(nx.Graph([(0, 1)])).tolist() == [1.0]


def test_edge_array_of_edgeless_graph():
    G = nx.Graph()
    G.add_nodes_from(range(3))
    assert g.edge_array(G).shape == (0, 2)


@pytest.mark.parametrize(
    "G",
    [
        nx.DiGraph([(0, 1)]),
        nx.MultiGraph([(0, 1)]),
        nx.Graph([(1, 2)]),
        nx.Graph([("a", "b")]),
        nx.Graph([(0, "b")]),
    ],
    ids=["directed", "multi", "not-from-zero", "strings", "mixed"],
)
def test_edge_array_refuses_non_canonical(G):
    with pytest.raises(GraphError, match="validate_graph"):
        g.edge_array(G)


def test_iter_components_skips_isolated_nodes():
    G = nx.Graph([(0, 1), (2, 3), (3, 4)])
    G.add_node(5)
    comps = [c.tolist() for c in g.iter_components(g.validate_graph(G).graph)]
    assert sorted(comps) == [[0, 1], [2, 3, 4]]


def test_node_labels():
    G = g.validate_graph(nx.Graph([("b", "a"), ("a", "c")])).graph
    assert g.node_labels(G) == ["b", "a", "c"]


# ------------------------------------------------------------------------ validate_graph


def messy_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(name="messy", **{"7": "non-str keys are dropped"})
    G.add_edge("a", "b", weight=2)
    G.add_edge("b", "a", weight=5)
    G.add_edge("a", "a")
    G.add_edge("b", "c", weight=1.5, colour="red")
    G.add_node("z", label="original label attribute", size=3)
    return G


@pytest.mark.parametrize(
    "make",
    [
        messy_graph,
        lambda: nx.MultiGraph([(0, 1), (1, 0), (1, 1)]),
        lambda: g.classic("karate_club"),
        lambda: nx.Graph([(0, 1, {"weight": 3})]),
    ],
)
def test_validate_graph_never_mutates_input(make):
    G = make()
    before = copy.deepcopy(G)
    out = g.validate_graph(G).graph
    assert nx.utils.graphs_equal(G, before)
    assert list(G.nodes()) == list(before.nodes())
    assert type(G) is type(before)
    out.graph["x"] = 1
    for v in out.nodes:
        out.nodes[v]["touched"] = True
    assert "x" not in G.graph and all("touched" not in d for _, d in G.nodes(data=True))


def test_validate_graph_canonical_result():
    out = g.validate_graph(messy_graph())
    G = out.graph
    assert_canonical(G)
    assert g.node_labels(G) == ["a", "b", "c", "z"]
    assert G.nodes[3]["size"] == 3  # other node attributes are kept
    assert G.graph["name"] == "messy" and "7" in G.graph
    assert (out.n, out.m, out.source) == (4, 2, "graph")


def test_validate_graph_empty():
    with pytest.raises(GraphError, match="empty"):
        g.validate_graph(nx.Graph())


def test_validate_graph_no_edges():
    G = nx.Graph()
    G.add_nodes_from([1, 2, 3])
    with pytest.raises(GraphError, match="no edges"):
        g.validate_graph(G)


def test_validate_graph_only_self_loops():
    with pytest.raises(GraphError, match="no edges"):
        g.validate_graph(nx.Graph([(1, 1), (2, 2)]))


def test_validate_graph_drops_self_loops_with_notice():
    out = g.validate_graph(nx.Graph([(0, 1), (1, 1), (2, 2), (1, 2)]))
    assert out.m == 2 and nx.number_of_selfloops(out.graph) == 0
    assert any("2 self-loop(s) dropped" in n for n in out.notices)


def test_validate_graph_duplicates_max():
    G = nx.MultiGraph()
    G.add_edge(0, 1, weight=2.0)
    G.add_edge(1, 0, weight=5.0)
    G.add_edge(0, 1, weight=1.0)
    G.add_edge(1, 2)
    out = g.validate_graph(G)
    assert out.graph.edges[0, 1]["weight"] == 5.0
    (note,) = out.notices
    assert "2 duplicate edge(s)" in note and "'max'" in note and "2 of them had differing" in note


def test_validate_graph_duplicates_sum():
    G = nx.MultiGraph()
    G.add_edge(0, 1, weight=2.0)
    G.add_edge(0, 1, weight=5.0)
    out = g.validate_graph(G, duplicates="sum")
    assert out.graph.edges[0, 1]["weight"] == 7.0
    assert "'sum'" in out.notices[0]


def test_validate_graph_duplicates_equal_weights_not_called_conflicting():
    out = g.validate_graph(nx.MultiGraph([(0, 1), (0, 1)]))
    assert out.graph.edges[0, 1]["weight"] == 1.0
    assert out.notices == ["1 duplicate edge(s) merged into one (weights combined by 'max')"]


def test_validate_graph_bad_duplicates_option():
    with pytest.raises(GraphError, match="duplicates"):
        g.validate_graph(nx.Graph([(0, 1)]), duplicates="mean")


def test_validate_graph_symmetrises_directed():
    G = nx.DiGraph()
    G.add_weighted_edges_from([(0, 1, 1.0), (1, 0, 3.0), (1, 2, 2.0)])
    out = g.validate_graph(G)
    assert type(out.graph) is nx.Graph and out.m == 2
    assert out.graph.edges[0, 1]["weight"] == 3.0
    assert any("directed input symmetrised" in n and "1 reciprocal" in n for n in out.notices)


def test_validate_graph_isolated_nodes_notice():
    G = nx.Graph([(0, 1)])
    G.add_nodes_from([5, 6])
    out = g.validate_graph(G)
    assert out.n == 4
    assert any("2 isolated node(s)" in n for n in out.notices)
    assert not any("components" in n for n in out.notices)


def test_validate_graph_components_notice():
    out = g.validate_graph(nx.Graph([(0, 1), (2, 3), (4, 5), (5, 6)]))
    assert any("3 connected components" in n for n in out.notices)


def test_validate_graph_clean_input_has_no_notices():
    assert g.validate_graph(nx.path_graph(4)).notices == []


@pytest.mark.parametrize(
    "bad,match",
    [
        (float("nan"), "NaN"),
        (float("inf"), "infinite"),
        (-float("inf"), "infinite"),
        (-1.0, "not positive"),
        (0, "not positive"),
        ("heavy", "not a number"),
        (None, "not a number"),
        ([1], "not a number"),
        (True, "boolean"),
        (np.bool_(False), "boolean|not positive"),
    ],
)
def test_validate_graph_bad_weight_names_the_edge(bad, match):
    G = nx.Graph()
    G.add_edge("x", "y", weight=1.0)
    G.add_edge("a", "b", weight=bad)
    with pytest.raises(GraphError, match=match) as info:
        g.validate_graph(G, source="my.gml")
    assert "my.gml: edge ('a', 'b')" in str(info.value)


def test_validate_graph_numeric_strings_and_numpy_weights():
    G = nx.Graph()
    G.add_edge(0, 1, weight="2.5")
    G.add_edge(1, 2, weight=np.float32(0.5))
    out = g.validate_graph(G).graph
    assert g.edge_weights(out).tolist() == [2.5, 0.5]


def test_validate_graph_weight_none_ignores_weights():
    G = nx.Graph([(0, 1, {"weight": -3})])
    assert g.edge_weights(g.validate_graph(G, weight=None).graph).tolist() == [1.0]


def test_validate_graph_other_weight_attribute():
    G = nx.Graph([(0, 1, {"w": 4, "weight": -1})])
    assert g.edge_weights(g.validate_graph(G, weight="w").graph).tolist() == [4.0]


def test_validate_graph_too_many_nodes():
    with pytest.raises(GraphError, match="11 nodes exceeds the limit of 10.*--max-nodes"):
        g.validate_graph(nx.path_graph(11), limits=g.Limits(max_nodes=10))


def test_validate_graph_too_many_edges():
    with pytest.raises(GraphError, match="15 edges exceeds the limit of 14.*--max-edges"):
        g.validate_graph(nx.complete_graph(6), limits=g.Limits(max_edges=14))


def test_validate_graph_too_many_raw_edges_refused_early():
    G = nx.MultiGraph([(0, 1)] * 50)
    with pytest.raises(GraphError, match="50 edges exceeds"):
        g.validate_graph(G, limits=g.Limits(max_edges=5))


def test_validate_graph_duplicates_count_once_against_the_limit():
    out = g.validate_graph(nx.MultiGraph([(0, 1)] * 5), limits=g.Limits(max_edges=1))
    assert out.m == 1


def test_validate_graph_refuses_non_graph():
    with pytest.raises(GraphError, match="expected a networkx graph, got list"):
        g.validate_graph([(0, 1)])


# ---------------------------------------------------------------------- parse_edgelist


def test_parse_edgelist_comments_blank_lines_weights():
    text = "# header\n\n1 2   # trailing comment\n2\t3 0.5\n3,4,2e-3\n   \n"
    G = g.parse_edgelist(text)
    assert sorted(G.edges(data="weight")) == [(1, 2, 1.0), (2, 3, 0.5), (3, 4, 0.002)]
    assert isinstance(G, nx.MultiGraph)  # duplicates kept for validate_graph to report


def test_parse_edgelist_int_labels():
    assert sorted(g.parse_edgelist("10 2\n-3 10\n").nodes()) == [-3, 2, 10]


def test_parse_edgelist_string_labels_when_any_is_not_an_int():
    G = g.parse_edgelist("1 2\n2 b\n")
    assert sorted(G.nodes()) == ["1", "2", "b"]


def test_parse_edgelist_non_canonical_ints_stay_distinct():
    G = g.parse_edgelist("07 7\n7 1_0\n1_0 10\n")
    assert sorted(G.nodes()) == ["07", "10", "1_0", "7"]


def test_parse_edgelist_numbers_nodes_in_label_order():
    a = g.validate_graph(g.parse_edgelist("5 3\n3 10\n10 -1\n")).graph
    b = g.validate_graph(g.parse_edgelist("10 -1\n3 10\n3 5\n")).graph
    assert g.node_labels(a) == g.node_labels(b) == [-1, 3, 5, 10]
    assert np.array_equal(g.edge_array(a), g.edge_array(b))
    assert g.node_labels(g.validate_graph(g.parse_edgelist("b c\na b\n")).graph) == ["a", "b", "c"]


def test_parse_edgelist_keeps_duplicates_and_self_loops():
    G = g.parse_edgelist("1 2\n2 1 3\n1 1\n")
    assert G.number_of_edges() == 3


@pytest.mark.parametrize(
    "text,line,match",
    [
        ("1 2\n# c\n3\n", 3, "found only '3'"),
        ("1 2\n1 2 3 4\n", 2, "found 4 fields"),
        ("1 2 x\n", 1, "not a number"),
        ("1 2\n\n2 3 -1\n", 3, "not positive"),
        ("1 2 0\n", 1, "not positive"),
        ("1 2 nan\n", 1, "NaN"),
        ("1 2 inf\n", 1, "infinite"),
    ],
)
def test_parse_edgelist_errors_name_the_line(text, line, match):
    with pytest.raises(GraphError, match=match) as info:
        g.parse_edgelist(text, source="f.edges")
    assert f"f.edges, line {line}:" in str(info.value)


def test_parse_edgelist_empty_text():
    assert g.parse_edgelist("# nothing\n").number_of_nodes() == 0


# -------------------------------------------------------------------------- load_graph

EDGELIST = b"# tiny\na b 2\nb c\nc a 0.5\n"
GML = b'graph [\n node [ id 0 label "a" ]\n node [ id 1 label "b" ]\n node [ id 2 label "c" ]\n edge [ source 0 target 1 weight 2 ]\n edge [ source 1 target 2 ]\n edge [ source 2 target 0 weight 0.5 ]\n]\n'  # noqa: E501
GRAPHML = b"""<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="w" for="edge" attr.name="weight" attr.type="double"/>
  <graph edgedefault="undirected">
    <node id="a"/><node id="b"/><node id="c"/>
    <edge source="a" target="b"><data key="w">2</data></edge>
    <edge source="b" target="c"/>
    <edge source="c" target="a"><data key="w">0.5</data></edge>
  </graph>
</graphml>
"""
JSON_LINKS = json.dumps(
    {
        "nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
        "links": [
            {"source": "a", "target": "b", "weight": 2},
            {"source": "b", "target": "c"},
            {"source": "c", "target": "a", "weight": 0.5},
        ],
    }
).encode()
JSON_EDGES = JSON_LINKS.replace(b'"links"', b'"edges"')
TRIANGLE = [(("a", "b"), 2.0), (("a", "c"), 0.5), (("b", "c"), 1.0)]

SAMPLES = {
    "edgelist": (EDGELIST, "g.edges"),
    "gml": (GML, "g.gml"),
    "graphml": (GRAPHML, "g.graphml"),
    "json": (JSON_LINKS, "g.json"),
    "json-edges": (JSON_EDGES, "g.json"),
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_load_graph_from_path(make_file, kind):
    data, name = SAMPLES[kind]
    out = g.load_graph(make_file(name, data))
    assert labelled_edges(out.graph) == TRIANGLE
    assert out.notices == [] and out.source == name


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_load_graph_from_bytes_detects_format_by_content(kind):
    out = g.load_graph(SAMPLES[kind][0])
    assert labelled_edges(out.graph) == TRIANGLE and out.source == "upload"


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_load_graph_from_bytes_with_name(kind):
    data, name = SAMPLES[kind]
    out = g.load_graph(data, name=name)
    assert labelled_edges(out.graph) == TRIANGLE and out.source == name


@pytest.mark.parametrize(
    "ext,fmt",
    [
        (".txt", "edgelist"),
        (".edges", "edgelist"),
        (".edgelist", "edgelist"),
        (".el", "edgelist"),
        (".tsv", "edgelist"),
        (".GML", "gml"),
        (".graphml", "graphml"),
        (".xml", "graphml"),
        (".json", "json"),
    ],
)
def test_format_detected_by_extension(ext, fmt):
    # Contents that would be detected as something else if the extension were ignored.
    assert g.io._detect_format("x" + ext, b"{ <graph [") == fmt


@pytest.mark.parametrize(
    "data,fmt",
    [
        (b"  {\n", "json"),
        (b"\n<?xml", "graphml"),
        (b"graph [ node [ id 1 ] ]", "gml"),
        (b"Creator x\ngraph\n[\n", "gml"),
        (b"1 2\n", "edgelist"),
    ],
)
def test_format_detected_by_content(data, fmt):
    assert g.io._detect_format(None, data) == fmt
    assert g.io._detect_format("upload.unknown", data) == fmt


def test_explicit_format_overrides_extension(make_file):
    out = g.load_graph(make_file("g.json", EDGELIST), fmt="edgelist")
    assert labelled_edges(out.graph) == TRIANGLE


def test_load_graph_unknown_format():
    with pytest.raises(GraphError, match="unknown format 'csv'"):
        g.load_graph(EDGELIST, fmt="csv")


def test_load_graph_duplicates_sum():
    out = g.load_graph(b"1 2 1\n2 1 2\n", duplicates="sum")
    assert g.edge_weights(out.graph).tolist() == [3.0]
    assert "'sum'" in out.notices[0]


def test_load_graph_reports_repairs():
    out = g.load_graph(b"1 2\n2 1\n3 3\n4 5\n")
    notes = " | ".join(out.notices)
    assert "1 duplicate edge(s)" in notes and "1 self-loop(s)" in notes
    assert "2 connected components" in notes


def test_load_graph_edgelist_error_names_file_and_line(make_file):
    with pytest.raises(GraphError, match=r"bad\.txt, line 2: .*found only"):
        g.load_graph(make_file("bad.txt", "1 2\n3\n"))


def test_load_graph_missing_file(tmp_path):
    with pytest.raises(GraphError, match="no such file"):
        g.load_graph(tmp_path / "nope.edges")


def test_load_graph_directory_is_not_a_file(tmp_path):
    with pytest.raises(GraphError, match="no such file"):
        g.load_graph(tmp_path)


def test_load_graph_unreadable_file(make_file, monkeypatch):
    path = make_file("locked.edges", "1 2\n")

    def deny(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(GraphError, match="cannot read the file .Permission denied"):
        g.load_graph(path)


@pytest.mark.parametrize(
    "data,fmt,match",
    [
        (b"1 2\n3 4 5 6\n", "edgelist", "line 2"),
        (b"graph [ node [ id 0 ] edge [ source 0 target 1 ]", "gml", "not valid GML"),
        (b"graph [ node [ id 0 ] node [ id 0 ] ]", "gml", "not valid GML"),
        (b"graph [ node [ id 0 ] node [ id 1 ] edge [ source 0 ] ]", "gml", "not valid GML"),
        (b"graph [ node [ id 0 ] [ ]", "gml", "not valid GML"),
        (b"<graphml><graph><node id='a'></graph>", "graphml", "not valid GraphML"),
        (
            b"<graphml><graph edgedefault='undirected'><hyperedge/></graph></graphml>",
            "graphml",
            "not valid GraphML",
        ),
        (GRAPHML.replace(b">2<", b">heavy<"), "graphml", "not valid GraphML"),
        (b"<html><body>hello</body></html>", "graphml", "no nodes|empty|not valid GraphML"),
        (b'{"nodes": [], "links": [', "json", "not valid JSON .line 1"),
        (b"[1, 2]", "json", "node-link object"),
        (b'{"links": []}', "json", "node-link object"),
        (b'{"nodes": [{"id": 1}]}', "json", "no 'links' or 'edges'"),
        (b'{"nodes": [5], "links": []}', "json", "malformed node-link JSON"),
        (b'{"nodes": [{"id": 1}], "links": 5}', "json", "malformed node-link JSON"),
        (b'{"nodes": 3, "links": []}', "json", "malformed node-link JSON"),
        (b'{"nodes": [{"id": 1}], "links": [{"source": 1}]}', "json", "malformed node-link"),
        (
            b'{"nodes": [{"id": 1}, {"id": 2}], "links": [{"source": 1, "target": 2, '
            b'"weight": "x"}]}',
            "json",
            "edge .1, 2.: weight 'x' is not a number",
        ),
        (
            b'{"nodes": [{"id": 1}, {"id": 2}], "links": [{"source": 1, "target": 2, '
            b'"weight": NaN}]}',
            "json",
            "NaN",
        ),
        (b'{"nodes": [{"id": 1}], "links": []}', "json", "no edges"),
    ],
)
def test_malformed_files_raise_graph_error(data, fmt, match):
    with pytest.raises(GraphError, match=match):
        g.load_graph(data, fmt=fmt)


@pytest.mark.parametrize("fmt", g.FORMATS)
def test_binary_garbage(fmt):
    data = bytes(range(256)) * 4
    with pytest.raises(GraphError, match="binary file"):
        g.load_graph(data, fmt=fmt)
    with pytest.raises(GraphError, match="binary file"):
        g.load_graph(data, name=f"x.{'edges' if fmt == 'edgelist' else fmt}")


@pytest.mark.parametrize("fmt", g.FORMATS)
def test_random_bytes_never_crash(fmt):
    rng = np.random.default_rng(0)
    for _ in range(20):
        data = rng.integers(1, 256, size=200, dtype=np.uint8).tobytes()
        with pytest.raises(GraphError):
            g.load_graph(data, fmt=fmt)


def test_non_utf8_text():
    with pytest.raises(GraphError, match=r"not UTF-8 text \(byte 2\)"):
        g.load_graph("1 \xe9 2\n".encode("latin-1"))


def test_utf8_bom_and_unicode_labels():
    out = g.load_graph("\ufeffZürich Genève\n".encode())
    assert g.node_labels(out.graph) == ["Genève", "Zürich"]


@pytest.mark.parametrize("data", [b"", b"   \n\t\n"])
def test_empty_input(make_file, data):
    with pytest.raises(GraphError, match="empty"):
        g.load_graph(data)
    with pytest.raises(GraphError, match="e.edges: the file is empty"):
        g.load_graph(make_file("e.edges", data))


def test_comments_only_file_is_empty_graph():
    with pytest.raises(GraphError, match="the graph is empty"):
        g.load_graph(b"# only a comment\n")


def test_oversize_bytes_refused(make_file):
    limits = g.Limits(max_bytes=10)
    data = b"1 2\n" * 5
    with pytest.raises(GraphError, match="20 bytes exceeds the limit of 10"):
        g.load_graph(data, limits=limits)
    with pytest.raises(GraphError, match="big.edges: 20 bytes exceeds"):
        g.load_graph(make_file("big.edges", data), limits=limits)


def test_load_graph_enforces_node_limit():
    with pytest.raises(GraphError, match="--max-nodes"):
        g.load_graph(b"1 2\n2 3\n3 4\n", limits=g.Limits(max_nodes=3))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="undirected">
<node id="&lol2;"/><node id="b"/><edge source="&lol2;" target="b"/></graph></graphml>
"""


@pytest.mark.parametrize(
    "data",
    [
        BILLION_LAUGHS,
        BILLION_LAUGHS.replace(
            b'<!ENTITY lol "lol">', b'<!ENTITY lol SYSTEM "file:///etc/passwd">'
        ),
        GRAPHML.replace(b"<graphml ", b'<!DOCTYPE graphml SYSTEM "x.dtd">\n<graphml '),
    ],
    ids=["entities", "external-entity", "doctype"],
)
def test_graphml_doctype_and_entities_refused(data):
    with pytest.raises(GraphError, match="DOCTYPE/ENTITY"):
        g.load_graph(data, name="evil.graphml")


def test_gml_without_labels_uses_ids():
    out = g.load_graph(b"graph [ node [ id 5 ] node [ id 9 ] edge [ source 5 target 9 ] ]")
    assert g.node_labels(out.graph) == [5, 9]


def test_gml_with_duplicate_labels_uses_ids():
    data = b'graph [ node [ id 1 label "x" ] node [ id 2 label "x" ] edge [ source 1 target 2 ] ]'
    assert g.node_labels(g.load_graph(data).graph) == [1, 2]


def test_gml_directed_is_symmetrised():
    data = b"graph [ directed 1 node [ id 1 ] node [ id 2 ] edge [ source 1 target 2 ] ]"
    out = g.load_graph(data)
    assert out.m == 1 and "directed input symmetrised" in out.notices[0]


def test_graphml_integer_ids_become_ints():
    data = GRAPHML.replace(b'"a"', b'"10"').replace(b'"b"', b'"2"').replace(b'"c"', b'"3"')
    assert sorted(g.node_labels(g.load_graph(data).graph)) == [2, 3, 10]


def test_json_repeated_links_are_reported_even_when_not_multigraph():
    payload = {
        "multigraph": False,
        "nodes": [{"id": 1}, {"id": 2}],
        "links": [
            {"source": 1, "target": 2, "weight": 1},
            {"source": 1, "target": 2, "weight": 3},
        ],
    }
    out = g.load_graph(json.dumps(payload).encode())
    assert g.edge_weights(out.graph).tolist() == [3.0]
    assert "1 duplicate edge(s)" in out.notices[0] and "differing weights" in out.notices[0]


def test_json_directed_is_symmetrised():
    payload = {"directed": True, "nodes": [{"id": 1}, {"id": 2}]}
    payload["links"] = [{"source": 1, "target": 2}, {"source": 2, "target": 1}]
    out = g.load_graph(json.dumps(payload).encode())
    assert out.m == 1 and "directed input symmetrised" in out.notices[0]


# ------------------------------------------------------------------------ load_graph_dir


def test_load_graph_dir_sorted_and_reports_skipped(make_file, tmp_path):
    make_file("b.gml", GML)
    make_file("a.edges", EDGELIST)
    make_file("c.json", JSON_LINKS)
    make_file("notes.md", "# not a graph")
    make_file("data.csv", "1,2\n")
    make_file(".hidden.edges", "garbage garbage garbage garbage")
    (tmp_path / "sub.edges").mkdir()
    out = g.load_graph_dir(tmp_path)
    assert [x.source for x in out] == ["a.edges", "b.gml", "c.json"]
    assert all(labelled_edges(x.graph) == TRIANGLE for x in out)
    assert out[0].notices == ["skipped 2 non-graph file(s): ['data.csv', 'notes.md']"]
    assert out[1].notices == [] and out[2].notices == []


def test_load_graph_dir_empty(tmp_path):
    with pytest.raises(GraphError, match="no graph files found"):
        g.load_graph_dir(tmp_path)


def test_load_graph_dir_only_other_files(make_file, tmp_path):
    make_file("readme.md", "hello")
    with pytest.raises(GraphError, match="no graph files found"):
        g.load_graph_dir(tmp_path)


def test_load_graph_dir_bad_file_is_named(make_file, tmp_path):
    make_file("a.edges", EDGELIST)
    make_file("broken.gml", "graph [ node [")
    with pytest.raises(GraphError, match=r"^broken\.gml: not valid GML"):
        g.load_graph_dir(tmp_path)


def test_load_graph_dir_not_a_directory(make_file):
    with pytest.raises(GraphError, match="not a directory"):
        g.load_graph_dir(make_file("a.edges", EDGELIST))


def test_load_graph_dir_max_files(make_file, tmp_path):
    for i in range(3):
        make_file(f"{i}.edges", EDGELIST)
    with pytest.raises(GraphError, match="3 graph files exceeds the limit of 2"):
        g.load_graph_dir(tmp_path, max_files=2)


# ---------------------------------------------------------------------------- round trip


def weighted_example() -> nx.Graph:
    H = nx.Graph()
    H.add_weighted_edges_from(
        [("u1", "u2", 0.1), ("u2", "u3", 1e-7), ("u3", "u1", 3.5), ("u3", "x", 1 / 3)]
    )
    return g.validate_graph(H).graph


ROUND_TRIP_GRAPHS = {
    "barbell": lambda: g.barbell(5, 4, 1, seed=2),
    "florentine": lambda: g.classic("florentine_families"),
    "weighted": weighted_example,
    "rgg": lambda: g.random_geometric(15, 0.5, seed=1),
}
EXT = {"edgelist": "edges", "gml": "gml", "graphml": "graphml", "json": "json"}


@pytest.mark.parametrize("fmt", g.FORMATS)
@pytest.mark.parametrize("name", sorted(ROUND_TRIP_GRAPHS))
def test_round_trip_preserves_edges_weights_labels(tmp_path, fmt, name):
    G = ROUND_TRIP_GRAPHS[name]()
    path = g.write_graph(G, tmp_path / f"out.{EXT[fmt]}")
    from_path = g.load_graph(path)
    from_bytes = g.load_graph(g.graph_to_bytes(G, fmt), fmt=fmt)
    for out in (from_path, from_bytes):
        assert labelled_edges(out.graph) == labelled_edges(G)
        assert sorted(g.node_labels(out.graph), key=repr) == sorted(g.node_labels(G), key=repr)
        assert out.notices == []


@pytest.mark.parametrize("fmt", ["gml", "graphml", "json"])
def test_round_trip_labels_with_spaces(fmt):
    G = g.classic("davis_southern_women")
    out = g.load_graph(g.graph_to_bytes(G, fmt), fmt=fmt)
    assert labelled_edges(out.graph) == labelled_edges(G)


def test_json_keeps_mixed_label_types():
    G = g.validate_graph(nx.Graph([(1, "1"), ("1", "b")])).graph
    out = g.load_graph(g.graph_to_bytes(G, "json"), fmt="json")
    assert g.node_labels(out.graph) == [1, "1", "b"]


@pytest.mark.parametrize("label", ["two words", "a#b", "a,b", "tab\there", ""])
def test_edgelist_writer_refuses_unwritable_labels(label):
    G = g.validate_graph(nx.Graph([(label, "ok")])).graph
    with pytest.raises(GraphError, match="cannot be written to an edge list"):
        g.graph_to_bytes(G, "edgelist")


@pytest.mark.parametrize("fmt", ["edgelist", "gml", "graphml"])  # JSON tells 1 from "1"
def test_writer_refuses_labels_with_the_same_text(fmt):
    G = g.validate_graph(nx.Graph([(1, "1"), ("1", "b")])).graph
    with pytest.raises(GraphError, match="same text"):
        g.graph_to_bytes(G, fmt)


def test_writer_unknown_format():
    with pytest.raises(GraphError, match="unknown format 'dot'"):
        g.graph_to_bytes(g.barbell(3, 3), "dot")


def test_writer_without_weights():
    text = g.graph_to_bytes(weighted_example(), weights=False).decode()
    header, *rows = text.splitlines()
    assert header == "# u v" and len(rows) == 4 and all(len(x.split()) == 2 for x in rows)


@pytest.mark.parametrize(
    "name,fmt",
    [("a.GML", "gml"), ("a.xml", "graphml"), ("a.json", "json"), ("a.txt", "edgelist"),
     ("a.dat", "edgelist"), ("noext", "edgelist")],
)  # fmt: skip
def test_format_of(name, fmt):
    assert g.format_of(name) == fmt


def test_write_graph_unknown_extension_writes_edgelist(tmp_path):
    path = g.write_graph(g.barbell(3, 3), tmp_path / "out.dat")
    assert path.read_text().startswith("# u v weight\n")


def test_writer_drops_unwritable_node_attributes():
    H = nx.Graph()
    H.add_node("a", colour="red", pos=[0.1, 0.2], meta={"x": 1}, **{"two words": 1})
    H.add_node("b", size=float("nan"))
    H.add_edge("a", "b")
    G = g.validate_graph(H).graph
    for fmt in ("gml", "graphml", "json"):
        out = g.load_graph(g.graph_to_bytes(G, fmt), fmt=fmt).graph
        assert out.nodes[0] == {"label": "a", "colour": "red"}


# ------------------------------------------------------------------------------ property

TOKENS = st.one_of(
    st.integers(-50, 50).map(str),
    st.text("abcXYZ019_.-+", min_size=1, max_size=4),
)
WEIGHTS = st.one_of(  # within the gate's span (canonical.MAX_WEIGHT_SPAN: 8 orders)
    st.none(),
    st.floats(min_value=1e-4, max_value=1e4, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(TOKENS, TOKENS, WEIGHTS), min_size=1, max_size=25))
def test_edgelist_round_trip_property(rows):
    text = "".join(f"{u} {v}{'' if w is None else f' {w!r}'}\n" for u, v, w in rows)
    # What the file means, worked out independently: tokens are ints only if all are.
    tokens = {t for u, v, _ in rows for t in (u, v)}
    as_int = all(re.fullmatch(r"-?(0|[1-9][0-9]*)", t) and t != "-0" for t in tokens)
    conv = int if as_int else str
    expected: dict[frozenset, float] = {}
    for u, v, w in rows:
        if u != v:
            key = frozenset((conv(u), conv(v)))
            expected[key] = max(expected.get(key, 0.0), 1.0 if w is None else w)
    if not expected:
        with pytest.raises(GraphError, match="no edges"):
            g.load_graph(text.encode(), fmt="edgelist")
        return

    def meaning(G):
        lab = g.node_labels(G)
        return {frozenset((lab[u], lab[v])): w for u, v, w in G.edges(data="weight")}

    def as_text(m):  # nodes only on self-loops are not written, so int-ness may change
        return {frozenset(map(str, key)): w for key, w in m.items()}

    first = g.load_graph(text.encode(), fmt="edgelist")
    assert meaning(first.graph) == expected
    written = g.graph_to_bytes(first.graph)
    again = g.load_graph(written, fmt="edgelist")
    assert as_text(meaning(again.graph)) == as_text(expected)
    assert again.notices == [] or "components" in again.notices[0]
    if first.notices == []:  # a clean file reads back in the same canonical order
        assert np.array_equal(g.edge_array(again.graph), g.edge_array(first.graph))
        assert g.graph_to_bytes(again.graph) == written
    assert g.graph_to_bytes(g.load_graph(g.graph_to_bytes(again.graph)).graph) == (
        g.graph_to_bytes(again.graph)
    )


# -------------------------------------------------------------------------------- assets


def _make_assets_module():
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / "make_assets.py"
    spec = importlib.util.spec_from_file_location("make_assets", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_assets_equal_the_generator_output(examples_dir):
    make_assets = _make_assets_module()
    for name in make_assets.EXAMPLES:
        committed = (examples_dir / name).read_bytes()
        assert committed == make_assets.render(name), f"run scripts/make_assets.py ({name})"
        assert len(committed) < 20_000


def test_assets_readme_table_matches_the_files(examples_dir):
    rows = {}
    for line in (examples_dir / "README.md").read_text().splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 6 and cells[1].startswith("`"):
            rows[cells[1].strip("`")] = tuple(int(c) for c in cells[3:6])
    files = sorted(p.name for p in examples_dir.iterdir() if p.suffix != ".md")
    assert sorted(rows) == files
    for out in g.load_graph_dir(examples_dir):
        assert out.notices == [] or out.notices[0].startswith("skipped 1 non-graph")
        assert rows[out.source] == (out.n, out.m, len(bridges(out.graph)))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("source,target,weight\n1,2,1\n", "line 1: 'source,target,weight' looks like a header row"),
        ("Source\tTarget\n1\t2\n", "looks like a header row, not an edge; delete it or start it"),
        ("a b 1,5\n", "write a decimal weight with a point, 1.5 not 1,5"),
    ],
)
def test_spreadsheet_habits_get_a_message_that_says_what_to_fix(text, says):
    with pytest.raises(GraphError, match=re.escape(says)):
        g.parse_edgelist(text)


def test_node_names_that_look_like_words_are_still_edges():
    assert sorted(g.parse_edgelist("u v\nv w\n").edges()) == [("u", "v"), ("v", "w")]


def test_messages_name_formats_and_graphs_with_the_right_article():
    with pytest.raises(GraphError, match="not an edge-list text file"):
        g.load_graph(b"\x00\x01binary", fmt="edgelist")
    _, notices = g.GraphSpec.from_query({"graph": "upload"})
    assert notices[0].startswith("the link names an uploaded graph whose contents")


def test_an_upload_above_the_apps_limit_says_its_size_in_megabytes():
    """A 6 MB upload reaches the app (the uploader takes up to 50 MB) and is refused with
    its size, not with the uploader's bare red icon."""
    import tomllib

    data = b"1 2\n" * 1_500_000  # 6 MB
    with pytest.raises(GraphError, match=r"\(6\.0 MB against 5 MB\); use a smaller file"):
        g.build_graph(g.GraphSpec(kind="upload", name="big.edges", data=data))
    cfg = tomllib.loads(
        (Path(__file__).resolve().parents[2] / ".streamlit/config.toml").read_text()
    )
    assert cfg["server"]["maxUploadSize"] * 1e6 > g.APP_LIMITS.max_bytes
