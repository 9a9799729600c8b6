"""Bridge atlas: real networks whose bridges mean something (power grids, a road network,
a connectome), shipped with the app. Per network: its bridges, what the Spectral Oracle,
the uniform sparsifier and the protocol's top ρ|E| by R keep of them, and a certified
sparsifier to download (GraphML or JSON with λ₂, the spectral error and the bridges kept).
"""

import pandas as pd
import streamlit as st

from specdiff_app import cached
from specdiff_app.boot import through_app
from specdiff_app.classroom import flag, style_figure
from specdiff_core import viz
from specdiff_core.experiments import atlas
from specdiff_core.graphs import real

through_app()  # first: a deep link on a fresh server runs this page alone

st.title("Bridge atlas: real networks")
st.markdown(
    "In a **power grid** a bridge is a branch whose outage islands buses; in a **road "
    "network**, a road segment with no detour; in the **C. elegans** gap-junction connectome, "
    "an electrical synapse whose loss cuts neurons off. Every network here ships with the app "
    "(sources and licences below); nothing is downloaded."
)
c = st.columns(3)
name = c[0].selectbox(
    "Network",
    list(real.NETWORKS),
    key="atlas_net",
    bind="query-params",
    format_func=lambda k: real.NETWORKS[k].title,
)
budget = c[1].select_slider(
    "Budget: expected share of edges kept",
    [0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
    value=0.9,
    key="atlas_budget",
    bind="query-params",
    help="Sparse networks need about n − 1 edges to stay connected; a smaller budget is "
    "raised to that by the Spectral Oracle (see the notices).",
)
seed = int(st.session_state["seed"])
c[2].metric("Seed (sidebar)", seed)


@st.cache_data(max_entries=64, show_spinner="Computing R_eff and 200 draws per sparsifier…")
def row(name: str, budget: float, seed: int) -> dict:
    return atlas.atlas_row(name, atlas.AtlasConfig(budget=budget, seed=seed))


@st.cache_data(max_entries=32, show_spinner=False)
def certificate(name: str, budget: float, seed: int, fmt: str) -> bytes:
    return atlas.certificate_bytes(atlas.certified_sparsifier(name, budget=budget, seed=seed), fmt)


r = row(name, budget, seed)
for note in r["notices"]:
    st.caption(note)
k = st.columns(4)
k[0].metric("nodes, edges", f"{r['n']}, {r['m']}")
k[1].metric(f"bridges ({r['bridge_share']:.1%} of edges)", r["bridges"])
k[2].metric("oracle keeps of the bridges", f"{r['kept']['oracle']['bridge_survival']:.0%}")
k[3].metric("uniform keeps of the bridges", f"{r['kept']['uniform']['bridge_survival']:.0%}")
st.dataframe(pd.DataFrame(atlas.kept_table(r)), key="atlas_kept", hide_index=True)

loaded = real.load_network(name)
G = loaded.graph
R = cached.effective_resistance(G, "dense" if r["n"] <= 3000 else "auto").values
bridges = cached.bridge_mask(G)
if r["n"] <= viz.DRAW_MAX_NODES:
    fig = cached.graph_figure(G, R, pos=cached.layout(G, seed=seed), bridges=bridges)
    st.plotly_chart(style_figure(fig), key="atlas_graph", config={"displaylogo": False})
else:
    st.caption(f"{r['n']} nodes: too many to draw here; the R_eff distribution instead.")
    st.plotly_chart(style_figure(viz.reff_histogram(R, bridges=bridges)), key="atlas_hist")
st.caption(f"Source: {r['source']}. Licence: {r['licence']}. A bridge here: {r['meaning']}.")

if not flag("downloads_hide"):
    d = st.columns(2)
    for col, fmt, mime in (
        (d[0], "graphml", "application/xml"),
        (d[1], "json", "application/json"),
    ):
        col.download_button(
            f"Certified sparsifier ({fmt.upper()})",
            lambda fmt=fmt: certificate(name, budget, seed, fmt),
            f"{name}_oracle_b{budget:g}_s{seed}.{fmt}",
            mime,
            key=f"atlas_dl_{fmt}",
            on_click="ignore",
            help="One Spectral Oracle draw: λ₂ of the network and of the sparsifier, the "
            "spectral error and the bridges kept, as graph attributes.",
        )
