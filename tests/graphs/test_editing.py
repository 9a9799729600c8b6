"""The graph editor's model: edits, undo, the browser's edit stream and its checks."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from specdiff_core import graphs, metrics, resistance
from specdiff_core.errors import GraphError
from specdiff_core.graphs.editing import Drawing, EditLimits, GraphEditor


def node(i, x=0.0, y=0.0):
    return {"op": "add_node", "id": i, "x": x, "y": y}


def edge(u, v, **kw):
    return {"op": "add_edge", "u": u, "v": v, **kw}


def barbell_ops():
    """Two triangles 0-1-2 and 3-4-5 joined by the edge 2-3, as clicks would make them."""
    ops = [node(i, 60.0 * i, 0.0) for i in range(6)]
    ops += [edge(0, 1), edge(1, 2), edge(2, 0), edge(3, 4), edge(4, 5), edge(5, 3), edge(2, 3)]
    return ops


def drawn_graph(d: Drawing) -> nx.Graph:
    return graphs.load_graph(d.to_edgelist().encode(), fmt="edgelist").graph


def test_drawn_barbell_has_one_bridge_of_resistance_one():
    ed = GraphEditor(base="b")
    assert ed.receive({"base": "b", "seq": 0, "ops": barbell_ops()}) == []
    G = drawn_graph(ed.drawing)
    R = resistance.effective_resistance(G, "dense").values
    bridges = metrics.bridge_mask(G)
    ids = ed.drawing.edge_index(G)
    assert ids[bridges].tolist() == [[2, 3]]
    assert R[bridges].tolist() == pytest.approx([1.0])
    assert R[~bridges] == pytest.approx(np.full(6, 2 / 3))


def test_undo_walks_back_every_kind_of_edit():
    ed = GraphEditor()
    for op in barbell_ops():
        ed.apply(op)
    full = ed.drawing
    ed.apply({"op": "set_weight", "u": 3, "v": 2, "weight": 2.5})
    assert ed.drawing.edges[(2, 3)] == 2.5
    ed.apply({"op": "move_node", "id": 0, "x": -5, "y": 7})
    ed.apply({"op": "delete_node", "id": 2})  # takes its three edges with it
    assert 2 not in ed.drawing.nodes and len(ed.drawing.edges) == 4
    ed.apply({"op": "delete_edge", "u": 4, "v": 3})
    for _ in range(4):
        ed.apply({"op": "undo"})
    assert ed.drawing == full
    assert not GraphEditor().undo()  # nothing to undo: no change, no error


def test_undo_history_is_capped():
    ed = GraphEditor(limits=EditLimits(max_undo=3))
    for i in range(10):
        ed.apply(node(i))
    assert len(ed.history) == 3
    while ed.undo():
        pass
    assert sorted(ed.drawing.nodes) == list(range(7))


def test_a_resent_message_is_applied_once_and_a_stale_one_not_at_all():
    ed = GraphEditor(base="b1")
    msg = {"base": "b1", "seq": 0, "ops": [node(0), node(1)]}
    assert ed.receive(msg) == []
    assert ed.receive(msg) == []  # the browser resends what was not yet acknowledged
    assert ed.receive({"base": "b1", "seq": 1, "ops": [node(1), node(2)]}) == []  # overlap
    assert sorted(ed.drawing.nodes) == [0, 1, 2] and ed.applied == 3
    assert ed.receive({"base": "old", "seq": 0, "ops": [node(9)]}) == []
    assert 9 not in ed.drawing.nodes
    errs = ed.receive({"base": "b1", "seq": 7, "ops": [node(9)]})  # a gap
    assert errs == ["the editor's edits start at 7, not at or before 3; ignored"]
    assert 9 not in ed.drawing.nodes


def test_a_bad_edit_is_refused_alone_and_taken_once():
    ed = GraphEditor(base="b")
    errs = ed.receive({"base": "b", "seq": 0, "ops": [node(0), edge(0, 5), node(1), edge(0, 1)]})
    assert errs == ["edit 2 (add_edge): there is no node 5 (it may have just been deleted)"]
    assert sorted(ed.drawing.edges) == [(0, 1)] and ed.applied == 4


HOSTILE = [
    ("not a dict", "an edit is an object"),
    ({"op": "explode"}, "unknown edit 'explode'"),
    ({"op": ["add_node"]}, "unknown edit"),
    ({"op": "add_node", "id": 3}, "'x' is missing"),
    (node(True), "boolean"),
    (node(-1), "below 0"),
    (node(10**6), "above"),
    (node(10**400), "above"),
    (node("1" * 5000), "characters"),
    (node(1.5), "node id"),
    (node([1]), "not list"),
    (node(0, x=math.nan), "NaN"),
    (node(0, y=math.inf), "infinite"),
    (node(0, x=1e300), "off the canvas"),
    (node(0, x="12"), "x is a number"),
    (node(0, x=None), "x is a number"),
]


@pytest.mark.parametrize(("op", "message"), HOSTILE)
def test_hostile_edits_get_one_line_and_change_nothing(op, message):
    ed = GraphEditor()
    with pytest.raises(GraphError, match=message) as info:
        ed.apply(op)
    assert "\n" not in str(info.value)
    assert ed.drawing == Drawing() and ed.history == []


@pytest.mark.parametrize(
    ("op", "message"),
    [
        (edge(0, 0), "two different nodes"),
        (edge(0, 1), "already there"),
        (edge(0, 2, weight=0), "not positive"),
        (edge(0, 2, weight=-1), "not positive"),
        (edge(0, 2, weight=math.nan), "NaN"),
        (edge(0, 2, weight="heavy"), "not a number"),
        (edge(0, 2, weight=True), "positive number"),
        (edge(0, 2, weight=1e12), "orders of magnitude"),
        ({"op": "set_weight", "u": 1, "v": 2, "weight": 2}, "no edge 1–2"),
        ({"op": "delete_edge", "u": 1, "v": 2}, "no edge 1–2"),
        ({"op": "delete_node", "id": 7}, "no node 7"),
        ({"op": "move_node", "id": 7, "x": 0, "y": 0}, "no node 7"),
        (node(1), "already there"),
    ],
)
def test_edits_that_do_not_fit_the_drawing_are_refused(op, message):
    ed = GraphEditor(Drawing({0: (0, 0), 1: (1, 0), 2: (2, 0)}, {(0, 1): 1.0}))
    before = ed.drawing
    with pytest.raises(GraphError, match=message):
        ed.apply(op)
    assert ed.drawing == before


def test_caps_on_nodes_edges_and_message_size():
    ed = GraphEditor(base="b", limits=EditLimits(max_nodes=3, max_edges=2, max_ops=10))
    errs = ed.receive({"base": "b", "seq": 0, "ops": [node(i) for i in range(4)]})
    assert errs == ["edit 4 (add_node): the editor holds at most 3 nodes"]
    errs = ed.receive({"base": "b", "seq": 4, "ops": [edge(0, 1), edge(1, 2), edge(0, 2)]})
    assert errs == ["edit 7 (add_edge): the editor holds at most 2 edges"]
    errs = ed.receive({"base": "b", "seq": 7, "ops": [{"op": "undo"}] * 11})
    assert errs == ["11 edits in one message, more than 10; ignored"]
    assert len(ed.drawing.edges) == 2  # none of the 11 undos ran


@pytest.mark.parametrize(
    "message",
    [[1, 2], "edits", {"base": "b", "seq": 0}, {"base": "b", "seq": "x", "ops": []}],
)
def test_malformed_messages_are_ignored_with_a_line(message):
    ed = GraphEditor(base="b")
    (line,) = ed.receive(message)
    assert "ignored" in line and "\n" not in line
    assert ed.drawing == Drawing()


def test_a_family_graph_round_trips_through_the_drawing():
    G = graphs.make_graph("barbell", k1=4, k2=5, bridge_length=2)
    pos = np.random.default_rng(0).random((G.number_of_nodes(), 2))
    d = Drawing.from_graph(G, pos)
    H = drawn_graph(d)
    assert d.edge_index(H).tolist() == graphs.edge_array(G).tolist()
    assert d.nodes[3] == pytest.approx((pos[3, 0] * 300, -pos[3, 1] * 300))
    assert d.isolated == []


def test_a_graph_too_big_for_the_editor_says_so():
    G = graphs.make_graph("barbell", k1=30, k2=30)
    with pytest.raises(GraphError, match="at most 20 nodes"):
        Drawing.from_graph(G, np.zeros((60, 2)), limits=EditLimits(max_nodes=20))


def test_weights_survive_the_edge_list_exactly():
    d = Drawing({0: (0, 0), 1: (0, 0), 2: (0, 0)}, {(0, 1): 0.1 + 0.2, (1, 2): 3.0})
    G = drawn_graph(d)
    assert graphs.edge_weights(G).tolist() == [0.1 + 0.2, 3.0]
    assert Drawing({0: (0, 0), 9: (1, 1)}).isolated == [0, 9]
