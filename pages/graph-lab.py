"""Graph Lab: choose a graph (generator, classic, upload, paste, draw) and see its effective resistance.

The graph chosen here becomes st.session_state["graph_spec"], "the current graph" of
every other page.
"""

import networkx as nx
import streamlit as st

from specdiff_app.boot import through_app
from specdiff_app.cached import (
    bridge_mask,
    build_graph,
    cache,
    edge_table,
    effective_resistance,
    graph_figure,
    graph_svg,
    layout,
)
from specdiff_app.graph_editor import canvas, onward
from specdiff_app.graph_source import chosen_spec, init_widget_state
from specdiff_core import graphs, viz
from specdiff_core.errors import SpecDiffError

through_app()  # first: a deep link on a fresh server runs this page alone

pyvis_html = cache(viz.pyvis_html)
reff_histogram = cache(viz.reff_histogram)
graph_bytes = cache(graphs.graph_to_bytes)

ss = st.session_state
seed = int(ss["seed"])


init_widget_state(ss["graph_spec"])
st.title("Graph Lab")
controls, views = st.columns([1.3, 3], gap="large")

with controls:
    spec = chosen_spec()
    failed = False
    if spec is not None:
        try:
            build_graph(spec, seed=seed)
            ss["graph_spec"] = spec
        except SpecDiffError as exc:
            failed = True
            st.error(f"**Cannot use this graph.** {exc}", icon=":material/error:")
            st.caption("Showing the last graph that worked.")

spec = ss["graph_spec"]
try:
    loaded = build_graph(spec, seed=seed)
except SpecDiffError as exc:  # e.g. a bad graph in the link: fall back to the default
    if not failed:
        st.warning(f"The current graph could not be built ({exc}); showing the default barbell.")
    spec = ss["graph_spec"] = graphs.GraphSpec()
    loaded = build_graph(spec, seed=seed)
G = loaded.graph
res = effective_resistance(G, seed=seed)
R = res.values
bridges = bridge_mask(G)

with views:
    st.markdown(f"**{spec.describe()}** · seed {seed}")
    st.caption(res.plain, help=f"Method `{res.method}`: {res.reason}")
    n, m = G.number_of_nodes(), G.number_of_edges()
    comps = nx.number_connected_components(G)
    cols = st.columns(5)
    cols[0].metric("Nodes", f"{n:,}")
    cols[1].metric("Edges", f"{m:,}")
    cols[2].metric("Bridges", int(bridges.sum()), help="Edges whose removal disconnects the graph")
    cols[3].metric("Components", comps)
    cols[4].metric(
        "Σ w·R_eff",
        f"{(graphs.edge_weights(G) * R).sum():.6g}",
        help=f"Foster's theorem: equals n − components = {n - comps} (exactly, for exact R_eff)",
    )
    if ss["lab_source"] == "draw":  # above the notices: the canvas must not move under a click
        canvas(seed)
    onward(G, {**spec.to_query(), "seed": str(seed)})
    for note in loaded.notices:
        st.info(note, icon=":material/info:")

    tabs = st.tabs(
        ["Graph", "Zoom", "Interactive", "Edges", "Distribution", "Download"],
        key="lab_view",
        bind="query-params",
    )
    drawable = n <= viz.DRAW_MAX_NODES and m <= viz.DRAW_MAX_EDGES
    pos = layout(G, seed=seed) if drawable else None
    too_big = (
        f"{n:,} nodes / {m:,} edges is too many to draw here (limit "
        f"{viz.DRAW_MAX_NODES:,} / {viz.DRAW_MAX_EDGES:,}); see the tables."
    )
    with tabs[0]:  # a static SVG: on screen at once (plotly takes ~1 s to load)
        if tabs[0].open is not False:
            if drawable and m <= viz.SVG_MAX_EDGES:
                with st.container(key="lab_graph"):
                    st.markdown(
                        graph_svg(G, R, pos=pos, bridges=bridges, width=640), unsafe_allow_html=True
                    )
                st.caption(
                    "Hover an edge for its exact R_eff. Dashed thick edges are bridges. "
                    "**Zoom** to zoom and pan, **Interactive** to drag nodes."
                )
            elif drawable:
                st.plotly_chart(
                    graph_figure(G, R, pos=pos, bridges=bridges),
                    key="lab_graph_big",
                    config={"displaylogo": False},
                )
            else:
                st.warning(too_big)
    with tabs[1]:
        if tabs[1].open:
            if drawable:
                fig = graph_figure(G, R, pos=pos, bridges=bridges)
                st.plotly_chart(fig, key="lab_zoom", config={"displaylogo": False})
                st.caption("Drag to zoom, double-click to reset; the camera icon saves a PNG.")
            else:
                st.warning(too_big)
    with tabs[2]:
        if tabs[2].open:
            if drawable and m <= viz.PYVIS_MAX_EDGES:
                html_height = viz.fitted_height(pos, lo=360)
                st.iframe(
                    pyvis_html(G, R, pos=pos, bridges=bridges, height=html_height),
                    height=html_height + 60,
                    alt="Interactive graph view, edges coloured by effective resistance",
                )
            else:
                st.warning(f"The interactive view is limited to {viz.PYVIS_MAX_EDGES:,} edges.")
    with tabs[3]:
        if tabs[3].open:
            table = edge_table(G, R, bridges=bridges).sort_values("rank")
            st.dataframe(
                table,
                hide_index=True,
                height=460,
                key="lab_table",
                column_config={
                    "rank": st.column_config.NumberColumn("rank", help="1 = largest R_eff"),
                    "R_eff": st.column_config.ProgressColumn(
                        "R_eff", format="%.5f", min_value=0.0, max_value=max(1.0, R.max())
                    ),
                    "w·R_eff": st.column_config.NumberColumn("w·R_eff", format="%.5f"),
                    "bridge": st.column_config.CheckboxColumn("bridge"),
                },
            )
            st.caption("Click a column header to sort.")
    with tabs[4]:
        if tabs[4].open:
            st.plotly_chart(
                reff_histogram(R, bridges=bridges), key="lab_hist", config={"displaylogo": False}
            )
    with tabs[5]:
        if tabs[5].open:
            stem = spec.family if spec.kind == "family" else spec.kind
            fmt = st.selectbox("Format", graphs.FORMATS, key="lab_fmt")
            st.download_button(
                f"Download the graph ({fmt})",
                graph_bytes(G, fmt),
                on_click="ignore",
                file_name=f"{stem}.{ {'edgelist': 'txt'}.get(fmt, fmt) }",
                key="lab_dl_graph",
            )
            csv = edge_table(G, R, bridges=bridges).to_csv(index=False).encode()
            st.download_button(
                "Download R_eff per edge (CSV)",
                csv,
                file_name=f"{stem}_reff.csv",
                mime="text/csv",
                on_click="ignore",
                key="lab_dl_csv",
            )
