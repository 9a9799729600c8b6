"""Resistance: the R_eff distribution, the edges ranked, exact vs approximate, and what
the Spectral Oracle keeps at a chosen budget, for the current graph (chosen in Graph Lab).

Longer than a page should be (~220 lines) for a reason: its three views share the
graph built once at the top, each view a function below.
"""

import time

import networkx as nx
import numpy as np
import pandas as pd
import streamlit as st

from specdiff_app.boot import through_app
from specdiff_app.cached import (
    bridge_mask,
    build_graph,
    cache,
    edge_table,
    effective_resistance,
    graph_figure,
    layout,
    slow,
)
from specdiff_core import graphs, metrics, resistance, sparsifiers, viz
from specdiff_core.errors import SpecDiffError

through_app()  # first: a deep link on a fresh server runs this page alone

histogram_svg = cache(viz.histogram_svg)
exact_vs_approx_figure = cache(viz.exact_vs_approx_figure)
spectral_oracle = cache(sparsifiers.spectral_oracle)
uniform_sparsifier = cache(sparsifiers.uniform_sparsifier)
evaluate = slow("Scoring the sparsifiers…")(metrics.evaluate)

EXACT, APPROX = "dense", "approx"  # resistance.effective_resistance methods compared below


@slow("Computing exact and approximate R_eff…")
def timed_resistance(G: nx.Graph, method: str, eps: float, seed: int):
    """effective_resistance plus the seconds it took (measured once, then cached)."""
    t0 = time.perf_counter()
    res = resistance.effective_resistance(G, method, eps=eps, seed=seed)
    return res, time.perf_counter() - t0


ss = st.session_state
seed = int(ss["seed"])
spec = ss["graph_spec"]

st.title("Effective resistance")
top = st.columns([4, 1])
top[0].markdown(f"Current graph: **{spec.describe()}** · seed {seed}")
top[1].page_link("pages/graph-lab.py", label="Change it in Graph Lab", icon=":material/hub:")
try:
    G = build_graph(spec, seed=seed).graph
    res = effective_resistance(G, seed=seed)
except SpecDiffError as exc:
    st.error(f"**Cannot use the current graph.** {exc}", icon=":material/error:")
    st.stop()
R, bridges = res.values, bridge_mask(G)
n, m = G.number_of_nodes(), G.number_of_edges()


def distribution_and_ranking() -> None:
    st.caption(
        "R_eff of an edge is the voltage across it when one unit of current flows between its "
        "ends. Many parallel paths: small. No other path (a bridge): exactly 1 for weight 1."
    )
    left, right = st.columns([5, 4], gap="large")
    with left, st.container(key="res_hist"):  # static SVG: no plotly.js to load first
        st.markdown(histogram_svg(R, bridges=bridges), unsafe_allow_html=True)
    with right:
        top_k = st.number_input(
            "Show the top", 5, max(5, m), min(15, m), step=5, key="res_top", bind="query-params"
        )
        table = edge_table(G, R, bridges=bridges).sort_values("rank").head(int(top_k))
        table.insert(1, "edge", table["u"] + " – " + table["v"])
        st.dataframe(
            table[["rank", "edge", "R_eff", "bridge"]],
            hide_index=True,
            key="res_rank",
            height=min(38 + 35 * len(table), 380),
            column_config={
                "rank": st.column_config.NumberColumn("rank", width="small"),
                "R_eff": st.column_config.ProgressColumn(
                    "R_eff", format="%.5f", min_value=0.0, max_value=max(1.0, R.max())
                ),
                "bridge": st.column_config.CheckboxColumn("bridge", width="small"),
            },
        )


def exact_vs_approximate() -> None:
    st.caption(
        "Exact R_eff inverts the grounded Laplacian: O(n³) time, O(n²) memory. The "
        "Spielman–Srivastava approximation solves k = ⌈4 ln n / eps²⌉ Laplacian systems "
        "against random ±1 projections (Johnson–Lindenstrauss): each value lands within about "
        "1 ± eps, and large sparse graphs become cheap. On small graphs exact is faster."
    )
    eps = st.select_slider(
        "Target relative error eps",
        [0.05, 0.1, 0.2, 0.3, 0.5],
        value=0.3,
        key="res_eps",
        bind="query-params",
    )
    try:
        exact, t_exact = timed_resistance(G, EXACT, eps, seed)
        approx, t_approx = timed_resistance(G, APPROX, eps, seed)
    except SpecDiffError as exc:
        st.warning(f"Comparison unavailable: {exc}")
        return
    rel = (approx.values - exact.values) / exact.values
    c = st.columns(5)
    c[0].metric("Exact", f"{t_exact * 1000:.0f} ms", help=exact.reason)
    c[1].metric("Approximate", f"{t_approx * 1000:.0f} ms", help=approx.reason)
    c[2].metric("Median |error|", f"{np.median(np.abs(rel)) * 100:.1f}%")
    c[3].metric("Max |error|", f"{np.abs(rel).max() * 100:.1f}%")
    c[4].metric("Within ±eps", f"{(np.abs(rel) <= eps).mean() * 100:.0f}%")
    a, b = st.columns(2, gap="large")
    with a:
        st.plotly_chart(
            exact_vs_approx_figure(exact.values, approx.values, bridges=bridges, eps=eps),
            key="res_scatter",
            config={"displaylogo": False},
        )
    with b:
        worst = np.argsort(-np.abs(rel))[:10]
        labels = graphs.node_labels(G)
        E = graphs.edge_array(G)
        st.markdown("**Largest errors**")
        st.dataframe(
            pd.DataFrame(
                {
                    "edge": [f"{labels[E[i, 0]]} – {labels[E[i, 1]]}" for i in worst],
                    "exact": exact.values[worst],
                    "approx": approx.values[worst],
                    "error %": rel[worst] * 100,
                }
            ),
            hide_index=True,
            key="res_worst",
            column_config={
                "exact": st.column_config.NumberColumn(format="%.5f"),
                "approx": st.column_config.NumberColumn(format="%.5f"),
                "error %": st.column_config.NumberColumn(format="%+.1f"),
            },
        )


def spectral_oracle_view() -> None:
    st.caption(
        "Keep edge e with probability p_e ∝ w_e·R_e (capped at 1) and reweight it by 1/p_e "
        "(Spielman–Srivastava). A bridge has w·R = 1, so it is always kept. Beside it: a "
        "structure-blind uniform sample with the same budget."
    )
    c1, c2 = st.columns(2)
    budget = c1.slider(
        "Budget: expected share of edges kept",
        0.05,
        1.0,
        0.5,
        step=0.05,
        key="res_budget",
        bind="query-params",
    )
    variant = c2.selectbox(
        "Oracle variant", sparsifiers.VARIANTS, key="res_variant", bind="query-params"
    )
    try:
        oracle = spectral_oracle(G, budget=budget, variant=variant, seed=seed, resistance=res)
        uniform = uniform_sparsifier(G, budget=budget, seed=seed)
    except SpecDiffError as exc:
        st.warning(f"Cannot sparsify this graph: {exc}")
        return
    for note in oracle.notices:
        st.info(note, icon=":material/info:")

    drawable = n <= viz.DRAW_MAX_NODES and m <= viz.DRAW_MAX_EDGES
    pos = layout(G, seed=seed) if drawable else None
    panels = st.columns(2, gap="large")
    for col, (name, sp) in zip(
        panels, [("Spectral Oracle", oracle), ("Uniform", uniform)], strict=True
    ):
        with col:
            score = evaluate(G, sp.mask, sp.weights)
            nb = int(score["n_bridges"])
            st.markdown(
                f"**{name}** keeps {sp.n_kept} of {m} edges · "
                + ("**connected** ✓" if score["connected"] else "**disconnected** ✗")
                + (f" · bridges kept {int(score['bridges_kept'])}/{nb}" if nb else "")
                + f" · spectral error ε = {score['spectral_error']:.2f}"
            )
            if drawable:
                st.plotly_chart(
                    graph_figure(
                        G,
                        R,
                        pos=pos,
                        bridges=bridges,
                        kept=sp.mask,
                        width_hint=520,
                    ),
                    key=f"res_{sp.method}",
                    config={"displaylogo": False},
                )
    st.caption(
        "Same layout in both panels. Pale dotted: dropped. Vermillion dotted with a cross: "
        "a dropped bridge, the graph falls apart there."
    )


# Only the open tab runs: the page stays quick and the exact-vs-approx work waits until asked.
SECTIONS = {  # tab label (also its ?res_view= value) -> section
    "Distribution": distribution_and_ranking,
    "Exact vs approximate": exact_vs_approximate,
    "Spectral Oracle": spectral_oracle_view,
}
for tab, draw in zip(
    st.tabs(list(SECTIONS), key="res_view", bind="query-params"), SECTIONS.values(), strict=True
):
    with tab:
        if tab.open:
            draw()
