"""The graph views (SVG, plotly, vis-network) and the layout: what they mark, what they
hover, and that they stay offline and safe with hostile labels."""

from __future__ import annotations

import json
import re

import networkx as nx
import numpy as np
import pytest

from specdiff_core import graphs, viz
from specdiff_core.viz import network as offline


def _barbell():
    G = graphs.build_graph(graphs.GraphSpec.of_family("barbell", k1=4, k2=4), seed=0).graph
    E = graphs.edge_array(G)
    R = np.full(len(E), 0.5)  # any per-edge values will do for drawing
    bridges = np.array(
        [(int(u), int(v)) in {tuple(sorted(b)) for b in nx.bridges(G)} for u, v in E]
    )
    return G, R, bridges


def test_pyvis_html_is_self_contained_and_offline():
    G, R, bridges = _barbell()
    pos = viz.layout(G, seed=0)
    html = viz.pyvis_html(G, R, pos=pos, bridges=bridges)
    assert offline.external_urls(html) == []
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "vis-network" in html and "new vis.Network" in html
    spec = json.loads(re.search(r"const spec = (\{.*\});\n", html).group(1))
    assert spec["options"]["physics"] == {"enabled": False}
    xy = np.array([[v["x"], -v["y"]] for v in spec["nodes"]])
    assert np.allclose(xy / xy[0, 0] * pos[0, 0], pos)  # fixed positions from the layout
    dashed = [bool(e["dashes"]) for e in spec["edges"]]
    assert dashed == bridges.tolist()  # bridges dashed (and wider), in canonical edge order
    assert offline.external_urls('<link href="https://cdn.x/y.css">') == ["https://cdn.x/y.css"]


def test_node_labels_cannot_break_out_of_the_script():
    G = graphs.build_graph(graphs.GraphSpec(kind="paste", data=b"</script><b>x y\ny z\n")).graph
    html = viz.pyvis_html(G, np.ones(2), pos=viz.layout(G))
    assert html.count("</script>") == 2  # the library's and ours, nothing from the labels


def test_graph_figure_marks_bridges_by_width_and_dash_and_hovers_exact_values():
    G, R, bridges = _barbell()
    fig = viz.graph_figure(G, R, pos=viz.layout(G, seed=0), bridges=bridges)
    lines = [t for t in fig.data if t.mode == "lines" and t.x is not None and len(t.x) > 1]
    bridge_lines = [t for t in lines if t.line.dash == "dash"]
    other = [t for t in lines if t.line.dash != "dash"]
    assert bridge_lines and other
    assert min(t.line.width for t in bridge_lines) > max(t.line.width for t in other)
    hover = next(t for t in fig.data if t.customdata is not None)
    assert hover.marker.showscale and hover.marker.colorscale  # colour bar
    assert "0.5" in {row[2] for row in hover.customdata}


def test_graph_svg_is_static_and_marks_bridges_and_exact_values():
    G, R, bridges = _barbell()
    svg = viz.graph_svg(G, R, pos=viz.layout(G), bridges=bridges, kept=~bridges, title="a_b")
    assert svg.startswith("<svg") and "<script" not in svg and "\n" not in svg
    assert svg.count('stroke-dasharray="2 4"') == bridges.sum()  # the dropped bridge: dotted
    assert "R&#95;eff = 0.5" in svg and "(bridge) (dropped)" in svg  # exact value on hover
    assert "a&#95;b" in svg  # Markdown cannot turn the title's underscores into emphasis
    assert offline.external_urls(svg) == []


def test_layout_is_the_same_for_the_same_graph_and_seed():
    G, _, _ = _barbell()
    a, b = viz.layout(G, seed=1), viz.layout(G, seed=1)
    assert a.shape == (G.number_of_nodes(), 2) and np.array_equal(a, b)
    assert np.abs(a).max() == pytest.approx(1.0)


def test_blocks_joined_by_bridges_are_drawn_as_rings_facing_each_other():
    """A K60 barbell is two rings (not two blobs), side by side, the bridge between them;
    a chain's bridges do not cross."""
    G = graphs.barbell(60, 60, seed=0)
    pos = viz.layout(G, seed=0)
    cut = G.copy()
    cut.remove_edges_from(nx.bridges(G))
    blocks = sorted((sorted(c) for c in nx.connected_components(cut)), key=lambda b: pos[b[0]][0])
    left, right = pos[blocks[0]], pos[blocks[1]]
    for ring in (left, right):
        r = np.linalg.norm(ring - ring.mean(axis=0), axis=1)
        assert r.std() < 1e-9 * r.mean() + 1e-12  # every node on the circle
    assert left[:, 0].max() < right[:, 0].min()  # two rings, apart
    ((u, v),) = [tuple(e) for e in graphs.edge_array(G)[graphs.bridge_mask(G)]]
    assert pos[u][0] == left[:, 0].max() or pos[u][0] == right[:, 0].min()  # ends face
    chain = graphs.make_graph("asymmetric_chain", seed=0)
    cpos = viz.layout(chain, seed=0)
    segs = [cpos[list(e)] for e in graphs.edge_array(chain)[graphs.bridge_mask(chain)]]
    for i in range(len(segs)):
        for j in range(i + 1, len(segs)):
            assert not _cross(segs[i], segs[j])


def _cross(a: np.ndarray, b: np.ndarray) -> bool:
    def side(p, q, r):
        return np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    return (
        side(a[0], a[1], b[0]) * side(a[0], a[1], b[1]) < 0
        and side(b[0], b[1], a[0]) * side(b[0], b[1], a[1]) < 0
    )


# ------------------------------------------------------------------------ the graph editor


def _drawn_barbell():
    from specdiff_core.graphs.editing import Drawing

    d = Drawing(
        {i: (60.0 * i, 0.0) for i in range(6)},
        {(0, 1): 1.0, (0, 2): 1.0, (1, 2): 1.0, (2, 3): 1.0, (3, 4): 1.0, (3, 5): 1.0, (4, 5): 2.0},
    )
    G = graphs.load_graph(d.to_edgelist().encode(), fmt="edgelist").graph
    return d, G


def test_editor_view_marks_the_bridge_and_names_edges_by_drawing_ids():
    from specdiff_core import metrics, resistance
    from specdiff_core.viz.editor import editor_view

    d, G = _drawn_barbell()
    R = resistance.effective_resistance(G, "dense").values
    view = editor_view(d, G, R, metrics.bridge_mask(G))
    by_id = {e["id"]: e for e in view["edges"]}
    assert set(by_id) == {f"{u}-{v}" for u, v in d.edges}
    assert by_id["2-3"]["dashes"] == [10, 6] and "bridge" in by_id["2-3"]["title"]
    assert by_id["0-1"]["dashes"] is False
    assert "weight = 2" in by_id["4-5"]["title"]
    assert [n["id"] for n in view["nodes"]] == list(range(6)) and view["cut"] is None


def test_editor_view_while_cutting_colours_by_the_rise_and_greys_the_cut_edge():
    from specdiff_core import metrics, resistance
    from specdiff_core.viz.editor import editor_view

    d, G = _drawn_barbell()
    R = resistance.effective_resistance(G, "dense").values
    j = int(np.flatnonzero((d.edge_index(G) == (0, 1)).all(axis=1))[0])
    cut = resistance.cut_effect(G, j, before=R)
    view = editor_view(d, G, R, metrics.bridge_mask(G), cut=cut)
    by_id = {e["id"]: e for e in view["edges"]}
    assert view["cut"] == [0, 1] and by_id["0-1"]["dashes"] == [2, 5]
    assert "0.667 → 1.000 (+0.333)" in by_id["0-2"]["title"]
    assert "(+0.000)" in by_id["3-4"]["title"]  # the other triangle does not feel it
    assert by_id["0-2"]["color"]["color"] != by_id["3-4"]["color"]["color"]


def test_editor_view_of_a_drawing_without_edges():
    from specdiff_core.graphs.editing import Drawing
    from specdiff_core.viz.editor import editor_view

    view = editor_view(Drawing({3: (1.0, 2.0)}), None, None, None)
    assert view["nodes"] == [{"id": 3, "x": 1.0, "y": 2.0, "label": "3"}] and view["edges"] == []
