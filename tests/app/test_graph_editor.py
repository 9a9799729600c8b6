"""Graph Lab's editor under AppTest: the "Draw / edit" source starts from the current graph,
an empty canvas keeps the previous graph, and a drawn graph becomes the current graph of
every page (a pasted edge list). The clicks themselves are driven in test_browser.py."""

from __future__ import annotations

from app_utils import open_app

from specdiff_core import graphs

LAB = "pages/graph-lab.py"


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def markdown_text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_drawing_starts_from_the_graph_shown_and_marks_its_bridge():
    at = open_app(LAB)
    at.radio(key="lab_source").set_value("draw").run()
    assert not at.exception
    assert metric(at, "Nodes") == "16" and metric(at, "Bridges") == "1"
    assert "**Bridges:** 7–14 (R = 1.000)" in markdown_text(at)
    spec = at.session_state["graph_spec"]
    assert spec.kind == "paste" and at.query_params["graph"] == "paste"
    assert graphs.build_graph(spec).m == 57  # the link rebuilds the drawn graph


def test_an_empty_canvas_keeps_the_previous_graph_until_an_edge_is_drawn():
    at = open_app(LAB)
    at.radio(key="lab_source").set_value("draw").run()
    at.button(key="lab_draw_empty").click().run()
    assert not at.exception
    assert any("Draw at least one edge" in i.value for i in at.info)
    assert metric(at, "Nodes") == "16"


def test_a_drawn_graph_is_the_current_graph_with_its_bridge():
    at = open_app(LAB)
    at.radio(key="lab_source").set_value("draw").run()
    ed = graphs.GraphEditor(base="t")
    ops = [{"op": "add_node", "id": i, "x": 50.0 * i, "y": 0.0} for i in range(7)]
    pairs = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (2, 3)]
    ops += [{"op": "add_edge", "u": u, "v": v} for u, v in pairs]
    assert ed.receive({"base": "t", "seq": 0, "ops": ops}) == []
    at.session_state["lab_drawing"] = ed
    at.run()
    assert not at.exception
    assert metric(at, "Nodes") == "6" and metric(at, "Edges") == "7"
    assert metric(at, "Bridges") == "1"
    text = markdown_text(at)
    assert "**Bridges:** 2–3 (R = 1.000)" in text
    assert any("Nodes with no edge (1)" in c.value for c in at.caption)  # node 6
    assert at.query_params["edges"] == ed.drawing.to_edgelist()


def test_a_graph_too_big_to_edit_starts_an_empty_canvas_and_says_why():
    at = open_app(LAB, graph="barbell", g_k1="60", g_k2="60")
    at.radio(key="lab_source").set_value("draw").run()
    assert not at.exception
    assert any("the editor takes at most 200 nodes" in e.value for e in at.error)
    assert metric(at, "Nodes") == "120"  # the family's graph is still shown
