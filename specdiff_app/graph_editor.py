"""Graph Lab's editor: draw a graph on a vis-network canvas (a components.v2 component, the
script shipped offline, no build step) and see R_eff and the bridges after every edit.

The drawing lives in ``st.session_state["lab_drawing"]`` (a core ``GraphEditor``); what the
browser sends goes through its checks (specdiff_core/graphs/editing.py). The drawn graph
leaves as a pasted edge list (``GraphSpec(kind="paste")``): every page, the link and the
downloads take it the way they take a pasted graph.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st
from streamlit.components.v2 import component as v2_component

from specdiff_app.cached import bridge_mask, build_graph, cache, effective_resistance, layout
from specdiff_core import graphs, resistance, viz
from specdiff_core.errors import SpecDiffError

ss = st.session_state
KEY = "lab_editor"  # the component's state: "edits" (the edit stream) and "cut" (an edge)
CSS = """
.sd-editor{font-family:sans-serif;font-size:13px;color:#31333f}
.sd-bar{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:0 0 6px}
.sd-bar button{font:inherit;padding:3px 10px;border:1px solid #c7c9d1;border-radius:6px;
  background:#fff;color:inherit;cursor:pointer}
.sd-bar button[aria-pressed="true"]{background:#3b528b;border-color:#3b528b;color:#fff}
.sd-bar input{width:5em;font:inherit}
.sd-net{width:100%;height:460px;border:1px solid #e6e6e6;border-radius:6px;box-sizing:border-box}
.sd-hint{margin-top:4px;color:#555}
"""
_JS = (Path(__file__).with_name("graph_editor.js")).read_text(encoding="utf-8")
component = v2_component(
    "specdiff_graph_editor",
    css=viz.vis_tooltip_css() + CSS,
    js=viz.vis_network_js() + "\n" + _JS,
)
cut_effect = cache(resistance.cut_effect)


def editor() -> graphs.GraphEditor:
    """This session's drawing (started from the current graph the first time)."""
    if "lab_drawing" not in ss:
        start(empty=False)
    return ss["lab_drawing"]


def start(*, empty: bool) -> None:
    """Replace the drawing: an empty canvas, or the current graph at its layout. A graph
    too big for the editor gives an empty canvas and says why."""
    ss["lab_drawing_count"] = count = ss.get("lab_drawing_count", 0) + 1
    drawing = graphs.Drawing()
    if not empty:
        try:
            G = build_graph(ss["graph_spec"], seed=int(ss["seed"])).graph
            drawing = graphs.Drawing.from_graph(G, layout(G, seed=int(ss["seed"])))
        except SpecDiffError as exc:
            ss["lab_drawing_errors"] = [f"Started an empty canvas: {exc}."]
    ss["lab_drawing"] = graphs.GraphEditor(drawing, base=f"d{count}")


def _on_edits() -> None:
    """Runs before the page: apply what the browser sent and make it the pasted graph."""
    ed = editor()
    ss["lab_drawing_errors"] = ed.receive((ss.get(KEY) or {}).get("edits"))
    ss["lab_paste"] = ed.drawing.to_edgelist()  # the paste box shows the drawn graph


def _on_cut() -> None:
    """A cut edge is read where it is drawn; nothing to do before the page."""


def drawn_spec() -> graphs.GraphSpec | None:
    """Graph Lab's "Draw" source: start buttons, then the drawn graph (None: no edge yet)."""
    c = st.columns(2)
    c[0].button(
        "Start from the graph shown",
        on_click=start,
        kwargs={"empty": False},
        key="lab_draw_current",
        help="Any family, classic, upload or paste: choose it first, then come back here.",
    )
    c[1].button("Empty canvas", on_click=start, kwargs={"empty": True}, key="lab_draw_empty")
    d = editor().drawing
    lim = graphs.EDIT_LIMITS
    st.caption(
        f"{len(d.nodes)} of at most {lim.max_nodes} nodes, {len(d.edges)} edges. The drawn "
        "graph is the current graph of every page; small ones travel in the link, larger "
        "ones through **Download**."
    )
    if d.isolated:
        st.caption(f"Nodes with no edge ({len(d.isolated)}) are not part of the graph yet.")
    if not d.edges:
        st.info("Draw at least one edge: until then the previous graph is shown.")
        return None
    return graphs.GraphSpec(kind="paste", data=d.to_edgelist().encode())


def canvas(seed: int) -> None:
    """The editor and, under it, what the drawn graph's bridges and cut edge show."""
    ed = editor()
    G = R = bridges = cut = None
    if ed.drawing.edges:
        G = build_graph(graphs.GraphSpec(kind="paste", data=ed.drawing.to_edgelist().encode()))
        G = G.graph
        R = effective_resistance(G, "dense", seed=seed).values
        bridges = bridge_mask(G)
        cut = _cut(ed, G, R)
    view = viz.editor_view(ed.drawing, G, R, bridges, cut=cut)
    data = {**view, "base": ed.base, "applied": ed.applied, "next_id": ed.next_id}
    component(key=KEY, data=data, on_edits_change=_on_edits, on_cut_change=_on_cut)
    for line in ss.pop("lab_drawing_errors", []):  # below the canvas, which stays put
        st.error(line, icon=":material/error:")
    if G is not None:
        _summary(ed.drawing.edge_index(G), R, bridges, cut)


def _cut(ed: graphs.GraphEditor, G, R: np.ndarray):
    """The cut the browser asked for, if it names an edge still drawn."""
    try:
        j = graphs.edge_number(ed.drawing, G, (ss.get(KEY) or {}).get("cut"))
    except SpecDiffError as exc:
        st.error(f"Cannot cut that edge: {exc}.", icon=":material/error:")
        return None
    return None if j is None else cut_effect(G, j, before=R)


def _summary(ids: np.ndarray, R: np.ndarray, bridges: np.ndarray, cut) -> None:
    """One line per bridge with its R, and what the cut did (Rayleigh monotonicity)."""
    with st.container(key="lab_editor_summary"):
        found = [f"{u}–{v} (R = {R[j]:.3f})" for j, (u, v) in enumerate(ids.tolist()) if bridges[j]]
        st.markdown(
            f"**Bridges:** {', '.join(found)}"
            if found
            else "**Bridges:** none (every edge is on a cycle)"
        )
        if cut is None:
            return
        u, v = ids[cut.edge]
        rise = np.nan_to_num(cut.delta, nan=0.0)
        if cut.disconnects:
            st.markdown(
                f"**Cut {u}–{v}:** a bridge, so the graph falls apart, and no other edge's "
                "R_eff changes: no current between another edge's ends ever crossed it."
            )
            return
        k = int(np.argmax(rise))
        a, b = ids[k]
        st.markdown(
            f"**Cut {u}–{v}:** no R_eff went down (Rayleigh's monotonicity law); "
            f"{int((rise > 1e-12).sum())} rose, most {a}–{b}: "
            f"{cut.before[k]:.3f} → {cut.after[k]:.3f}. Edges are coloured by the rise."
        )


def onward(G, query: dict[str, str]) -> None:
    """Links that take the current graph to the duel and to the paper's protocol, or the
    one line that says why the duel cannot train on it."""
    c = st.columns(2)
    try:
        graphs.check_duel_graph(G)
    except SpecDiffError as exc:
        c[0].caption(f"A duel cannot train on this graph: {exc}.")
    else:
        c[0].page_link(
            "pages/duel.py",
            label="Train a duel on this graph",
            icon=":material/swords:",
            query_params={**query, "duel_family": "your_graph"},
        )
    c[1].page_link(
        "pages/protocol.py",
        label="Score it by the paper's protocol",
        icon=":material/calculate:",
        query_params=query,
    )
