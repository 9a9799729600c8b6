"""Home: the story in a few sentences and a barbell whose bridge stands out."""

import streamlit as st

from specdiff_app.boot import through_app
from specdiff_app.cached import bridge_mask, build_graph, effective_resistance, graph_svg, layout
from specdiff_core import experiments, graphs
from specdiff_core.experiments import store

through_app()  # first: a deep link on a fresh server runs this page alone


@st.cache_data(show_spinner=False, ttl=3600)
def default_duel_result() -> dict | None:
    """The bundled run of the app's default duel (the quick barbell experiment, seeds 0-4:
    the same training as the Duel page's for each seed)."""
    found = store.find_result("barbell", experiments.PRESETS["quick"], list(range(5)))
    return None if found is None else found[0]["methods"]


st.title("SpecDiff Explorer")
st.markdown(
    "**Why do graph diffusion models drop the one edge that matters?** "
    "A model trained by likelihood learns what is *abundant*. In a sparse copy of a graph "
    "the edges that matter most are often the *rarest*: **bridges**, edges with no other "
    "path around them, whose *effective resistance* is 1. Weighting each edge's loss by its "
    "effective resistance is the proposed fix ([Siami 2025, *Generative Myopia*](#the-paper))."
)
found = default_duel_result()
if found is not None:
    std, spec = found["standard"], found["spectral"]
    st.markdown(
        "In the duel behind the button below, every training example keeps the bridge, but "
        "it is one edge "
        "among dozens. Over 5 seeds of that duel, the standard model's sparse graphs stay "
        f"connected **{std['connectivity']:.0%}** of the time "
        f"(95% interval over seeds {std['connectivity_ci'][0]:.0%}–"
        f"{std['connectivity_ci'][1]:.0%}): it treats the bridge like any other edge. The "
        f"weighted model's stay connected **{spec['connectivity']:.0%}** "
        f"({spec['connectivity_ci'][0]:.0%}–{spec['connectivity_ci'][1]:.0%}). When the "
        "bridge is rare *in the data* instead (the paper's setting), the story changes: see "
        "the Lesson and the Experiments."
    )

st.subheader("Two cliques, one bridge")
cols = st.columns([2, 1, 1, 1, 1], gap="medium", vertical_alignment="bottom")
k = cols[0].slider(
    "Clique size k",
    min_value=3,
    max_value=24,
    value=8,
    key="home_k",
    bind="query-params",
    help="Edges inside a clique K_k have R_eff = 2/k: many other paths. The bridge stays at 1.",
)
seed = int(st.session_state["seed"])
G = build_graph(graphs.GraphSpec.of_family("barbell", k1=k, k2=k), seed=seed).graph
R = effective_resistance(G, seed=seed).values
bridges = bridge_mask(G)
cols[1].metric("Edges", G.number_of_edges())
cols[2].metric("Bridges", int(bridges.sum()), help="Edges whose removal disconnects the graph.")
cols[3].metric("R_eff of the bridge", f"{R[bridges].max():.3f}" if bridges.any() else "–")
cols[4].metric("R_eff in a clique", f"{R[~bridges].mean():.3f}", help=f"2/k = {2 / k:.3f}")
# A static SVG, not plotly: it appears with the page (plotly's script takes ~1 s to load).
svg = graph_svg(
    G,
    R,
    pos=layout(G, seed=seed),
    bridges=bridges,
    title=f"Barbell: two K{k} joined by one bridge, edges coloured by effective resistance",
)
with st.container(key="home_graph"):
    st.markdown(svg, unsafe_allow_html=True)  # st.html would strip the SVG

st.markdown(
    f"The dashed bridge is **1 edge of {G.number_of_edges()}**: one term in "
    f"{G.number_of_edges()} ({100 / G.number_of_edges():.1f}%) of a per-edge loss. Pale "
    "edges have many alternatives; dark ones have few. Hover an edge for its exact value."
)
if st.button(
    "Show me the failure →",
    key="home_show_failure",
    type="primary",
    help="Opens the Diffusion Duel and starts training both models on barbells.",
):
    st.session_state["duel_playing"] = True  # the duel page starts training on arrival
    # switch_page clears the address unless told what to keep, and Streamlit refuses both
    # to clear and to set a parameter bound to a widget (the sidebar's seed, home_k): keep
    # the others; the seed widget writes itself back on the next page.
    bound = {"seed"}
    keep = {
        k: v
        for k, v in st.query_params.to_dict().items()
        if k not in bound and not k.startswith("home_")
    }
    st.switch_page("pages/duel.py", query_params=keep)

st.subheader("Explore")
c1, c2, c3 = st.columns(3)
c1.page_link("pages/graph-lab.py", label="Graph Lab: your own graph", icon=":material/hub:")
c2.page_link(
    "pages/r-eff.py",
    label="Resistance and the Spectral Oracle",
    icon=":material/bolt:",
)
c3.page_link(
    "pages/protocol.py",
    label="The paper's own simulation",
    icon=":material/calculate:",
)

st.subheader("The paper", anchor="the-paper")
st.caption(
    "M. Siami, “Generative Myopia: Why Diffusion Models Fail at Structure”, arXiv:2511.18593 "
    "(2025). No code or data were released; everything here is rebuilt from the paper's "
    "description. The paper's own experiments are a scoring simulation, not a trained "
    "network: the Paper protocol page runs it as described. Every number in this app is "
    "computed, not copied; the paper's figures appear only beside our run of its protocol."
)
