"""Hostile and clumsy graph files (issue 14, classes 1 and 2): every one is refused by the
loaders with one GraphError line that names the file, never a traceback or a wrong answer.
The fuzzers in tests/fuzz/ search the same space at random."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from specdiff_core import graphs as g
from specdiff_core.errors import GraphError
from specdiff_core.graphs.canonical import MAX_WEIGHT_SPAN

DEEP = "[" * 100_000 + "]" * 100_000
LINK = '"nodes": [{"id": 0}, {"id": 1}], "links": [{"source": 0, "target": 1'


def _refused(src, says, **kw) -> str:
    with pytest.raises(GraphError) as exc:
        g.load_graph(src, **kw)
    text = str(exc.value)
    assert "\n" not in text and says in text, text
    return text


@pytest.mark.parametrize(
    "body, says",
    [
        ("{" + LINK + "}], " + '"x": ' + DEEP + "}", "nested 100,001 levels deep"),
        ("{" + LINK + ', "weight": ' + "1" * 5000 + "}]}", "a number of 5,000 digits"),
        ('{"nodes": [{"id": ' + "7" * 5000 + '}], "links": []}', "5,000 digits"),
        ("{" + LINK + ', "weight": 1' + "0" * 400 + "}]}", "a number of 401 digits"),
        ("{" + LINK + ', "weight": 1e999}]}', "too large for a float"),
        (
            '{"nodes": [{"id": NaN}, {"id": 1}, {"id": 2}], "links": [{"source": NaN, '
            '"target": 1}, {"source": 1, "target": 2}]}',
            "NaN is not a number JSON allows",
        ),
    ],
    ids=["deep", "long-int-weight", "long-int-id", "int-weight-past-float", "1e999", "nan-id"],
)
def test_hostile_json_is_refused_naming_the_file(make_file, body, says):
    text = _refused(make_file("g.json", body), says)
    assert text.startswith("g.json")


def test_a_deeply_nested_file_inside_a_graphs_directory(tmp_path):
    (tmp_path / "a.edges").write_text("0 1\n1 2\n")
    (tmp_path / "b.json").write_text("{" + LINK + "}], " + '"x": ' + DEEP + "}")
    with pytest.raises(GraphError, match="b.json: nested 100,001 levels deep"):
        g.load_graph_dir(tmp_path)


def test_hostile_gml_and_graphml(make_file):
    nested = "graph [\n node [ id 0 ]\n node [ id 1 ]\n edge [ source 0 target 1 ]\n x "
    _refused(make_file("n.gml", nested + "[ a " * 5000 + "]" * 5000 + "\n]\n"), "nested 5,001")
    big = "graph [\n node [ id 0 ]\n node [ id 1 ]\n edge [ source 0 target 1 weight "
    _refused(make_file("b.gml", big + "1" * 5000 + " ]\n]\n"), "b.gml, line 4: a number of")
    graphml = (
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<key id="w" for="edge" attr.name="weight" attr.type="long"/>'
        '<graph edgedefault="undirected"><node id="0"/><node id="1"/>'
        '<edge source="0" target="1"><data key="w">' + "1" * 5000 + "</data></edge>"
        "</graph></graphml>"
    )
    _refused(make_file("b.graphml", graphml), "5,000 digits")


def test_edge_list_numbers(make_file):
    _refused(make_file("w.edges", "0 1 " + "9" * 400 + "\n"), "line 1: weight is infinite")
    _refused(make_file("w.edges", "0 1 " + "9" * 5000 + "\n"), "5,000 characters")
    _refused(make_file("i.edges", "7" * 5000 + " 1\n"), "line 1: a node id of 5,000 digits")


@pytest.mark.parametrize(
    "rows, says",
    [
        ("0 1 1e-320\n1 2 1\n2 0 1\n", "weight 9.99989e-321 is outside 1e-100..1e+100"),
        ("0 1 1e-300\n1 2 1e300\n2 0 1\n", "is outside"),
        ("0 1 1e-50\n1 2 1e50\n2 0 1\n", "the weights span 100 orders of magnitude"),
        ("0 1 1e-5\n1 2 1e4\n2 0 1\n", "the weights span 9 orders"),
    ],
)
def test_weights_double_precision_cannot_handle(make_file, rows, says):
    """Before: a bridge of weight 1e-320 gave R = inf, and weights 1e-300..1e300 gave R = 0
    for a real edge, both with exit 0; or the spectral metrics failed an internal assert."""
    _refused(make_file("w.edges", rows), says)


def test_weights_within_the_span_give_exact_resistance(make_file):
    """At the edge of the span, a bridge's R is still 1/w to 1e-5 (the span's reason)."""
    G = nx.barbell_graph(6, 0)
    nx.set_edge_attributes(G, 1.0, "weight")
    G[5][6]["weight"] = 1 / MAX_WEIGHT_SPAN
    loaded = g.validate_graph(G)
    from specdiff_core.resistance import effective_resistance

    res = effective_resistance(loaded.graph)
    w = g.edge_weights(loaded.graph)
    assert np.isclose((w * res.values)[g.bridge_mask(loaded.graph)], 1.0, rtol=1e-5).all()


def test_a_nan_node_id_from_the_api_is_refused():
    G = nx.Graph([(math.nan, 1), (1, 2)])
    with pytest.raises(GraphError, match="node id nan is not a usable label"):
        g.validate_graph(G)


@pytest.mark.parametrize(
    "query",
    [
        {"graph": "erdos_renyi", "g_n": "1e300"},  # before: OverflowError in the builder
        {"graph": "asymmetric_chain", "g_n_cliques": "-5"},  # before: numpy ValueError
        {"graph": "random_geometric", "g_radius": "1e300"},  # before: OverflowError
        {"graph": "stochastic_block_model", "g_sizes": "1e300"},
    ],
)
def test_a_links_absurd_family_parameters_fall_back_with_a_notice(query):
    spec, notices = g.GraphSpec.from_query(query)
    assert spec == g.GraphSpec() and len(notices) == 1 and "showing the default" in notices[0]


def test_node_link_json_whose_graph_is_null(make_file):
    """Found by the fuzzer: 'graph': null raised AttributeError in the gate."""
    body = '{"graph": null, "nodes": [{"id": 0}, {"id": 1}], "links": [{"source": 0, "target": 1}]}'
    _refused(make_file("n.json", body), "'graph' must be an object")
