"""Paper protocol: the paper's own experiments as it ran them, a scoring simulation.

Every setting is a widget bound to the address; each change reruns the protocol
(Exp I-IV, about half a second on one core) through a cache shared by all sessions.
The paper's reported figures sit in their own columns, never computed with.

Longer than a page should be (~220 lines) for a reason: one block of widgets per
setting of the protocol, each bound to the address; the views are report functions.
"""

import time
from dataclasses import replace

import networkx as nx
import streamlit as st

from specdiff_app import slides
from specdiff_app.boot import through_app
from specdiff_app.cached import build_graph, cache
from specdiff_app.classroom import presenting, style_figure
from specdiff_app.url import canonical_numbers, number_label
from specdiff_core import report
from specdiff_core.errors import SpecDiffError
from specdiff_core.experiments import protocol

through_app()  # first: a deep link on a fresh server runs this page alone
ss = st.session_state

st.title("The paper's protocol: a scoring simulation")
if not presenting():
    st.markdown(
        "The paper's Section 5 trained **no network**. It gives every edge a score from its "
        "*theoretical* frequency in the training data, **P_freq** (what a likelihood-trained "
        "model converges to), keeps the top **ρ|E|** edges, and counts how often the kept "
        "graph stays connected (λ₂ > 0) over K trials. *Standard* scores an edge by P_freq; "
        "*weighted* by P_freq + λ·R_eff, which needs R_eff when decoding. Move a setting: "
        "everything below is recomputed from it."
    )

D = protocol.ProtocolConfig()
EPS = [0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.95, 1.0]
LAMS = [0.0, 0.5, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0]
TRIALS = [100, 200, 500, 1000, 2000]
COMMONS = [0.5, 0.7, 0.8, 0.9, 0.95, 0.99]
RHOS = [round(0.1 * i, 1) for i in range(1, 10)]
UNITS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
OMEGAS = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]

canonical_numbers(
    {
        "proto_eps": EPS,
        "proto_common": COMMONS,
        "proto_lam": LAMS,
        "proto_rho": RHOS,
        "proto_unit": UNITS,
        "proto_omega": OMEGAS,
    }
)
c = st.columns(5)
eps = c[0].select_slider(
    "eps: bridge's frequency in the data",
    EPS,
    value=D.eps,
    key="proto_eps",
    bind="query-params",
    format_func=number_label,
    help="The share of training samples that hold the bridge (the paper: 5%).",
)
p_common = c[1].select_slider(
    "P_freq of a clique edge",
    COMMONS,
    value=D.p_common,
    key="proto_common",
    bind="query-params",
    format_func=number_label,
)
lam = c[2].select_slider(
    "λ in P_freq + λ·R",
    LAMS,
    value=D.lam,
    key="proto_lam",
    bind="query-params",
    format_func=number_label,
    help="The paper never gives λ. On the barbell any λ above (P_freq − eps) / (1 − 2/8) "
    "gives the same ranking.",
)
rho = c[3].select_slider(
    "ρ: kept share of edges (Exp I)",
    RHOS,
    value=D.rho_barbell,
    key="proto_rho",
    bind="query-params",
    format_func=number_label,
)
trials = c[4].select_slider(
    "K trials", TRIALS, value=D.trials, key="proto_trials", bind="query-params"
)
with st.expander("Choices the paper leaves open", expanded=False):
    o = st.columns(4)
    oracle = o[0].selectbox(
        "The Spectral Oracle: sampling or topk",
        ["sampling", "topk"],
        key="proto_oracle",
        bind="query-params",
        help="sampling: Spielman–Srivastava (keep e with p_e = min(1, C R_e), reweight by "
        "1/p_e), as the paper defines the oracle. topk: the top ρ|E| edges by R. Both are "
        "reported in the tables; this picks the one in the 'Spectral Oracle' row.",
    )
    ties = o[1].selectbox(
        "Equal scores: random or index order",
        ["random", "index"],
        key="proto_ties",
        bind="query-params",
    )
    layout = o[2].selectbox(
        "A thickened bridge (Exp III)",
        list(protocol.THICK_LAYOUTS),
        key="proto_layout",
        bind="query-params",
        help=" · ".join(f"{k}: {v}" for k, v in protocol.THICK_LAYOUTS.items()),
    )
    unit = o[3].select_slider(
        "Frequency each unit of thickness adds",
        UNITS,
        value=0.05,
        key="proto_unit",
        bind="query-params",
        format_func=number_label,
        help="Each of k parallel edges has P_freq = min(1, k × unit). 0.05 (the bridge's own "
        "eps) is our default reading; about 0.25 is what the paper's transition at k = 3.5 "
        "implies.",
    )
    d = st.columns(3)
    keep = d[1].selectbox(
        "Kept edges: floor, round or ceil of ρ|E|",
        ["floor", "round", "ceil"],
        key="proto_keep",
        bind="query-params",
        help="ρ|E| is 28.5 on Exp I's barbell: floor and round keep 28 edges, ceil 29.",
    )
    omega = d[0].select_slider(
        "ω on the positive class (Exp IV)",
        OMEGAS,
        value=D.dyn_omega,
        key="proto_omega",
        bind="query-params",
        format_func=number_label,
    )

cfg = replace(
    D,
    eps=float(eps),
    p_common=float(p_common),
    lam=float(lam),
    rho_barbell=float(rho),
    trials=int(trials),
    oracle=oracle,
    ties=ties,
    keep=keep,
    thick_layout=layout,
    thick_unit=float(unit),
    dyn_omega=float(omega),
)


@st.cache_data(max_entries=256, show_spinner=False)
def compute(cfg: protocol.ProtocolConfig) -> tuple[dict, float]:
    t0 = time.perf_counter()
    res = protocol.run_protocol(cfg, maps=False, long_run=False, variants=False)
    return res, time.perf_counter() - t0


@cache
def own_table(cfg: protocol.ProtocolConfig, G: nx.Graph) -> dict:
    """Exp I's table on the current graph (ConfigError: one it cannot score)."""
    return protocol.run_table(
        "custom", cfg, graph=protocol.protocol_graph_of(G, cfg), long_run=False
    )


@st.cache_data(max_entries=32, show_spinner="Drawing the regime map…")
def regime(cfg: protocol.ProtocolConfig) -> dict:
    return protocol.regime_map(cfg)


res, seconds = compute(cfg)
st.caption(
    f"K = {cfg.trials} trials per method, seed {cfg.seed}; computed in {seconds:.2f} s "
    "(repeated settings come from the cache). Intervals: 95% Wilson over the trials."
)

tab1, tab2, tab3, tab4, tab5, tab6 = st.tabs(
    ["I: barbell", "II: chain", "III: thickness", "IV: one logit", "Regime map", "Your graph"]
)
with tab1:
    st.markdown("\n".join(report.protocol_table_markdown(res["barbell"], "barbell")))
    st.plotly_chart(
        style_figure(report.protocol_bars(res["barbell"], "Exp I: ours vs the paper")),
        key="proto_bars_1",
        config={"displaylogo": False},
    )
with tab2:
    st.markdown(
        "\n".join(report.protocol_table_markdown(res["asymmetric_chain"], "asymmetric_chain"))
    )
    st.plotly_chart(
        style_figure(report.protocol_bars(res["asymmetric_chain"], "Exp II: ours vs the paper")),
        key="proto_bars_2",
        config={"displaylogo": False},
    )
with tab3:
    th = res["thickness"]
    st.plotly_chart(
        style_figure(report.thickness_figure(th)),
        key="proto_thickness",
        config={"displaylogo": False},
    )
    t = th["transition"]["standard"]
    st.markdown(
        (
            f"Paper: standard {protocol.PAPER_THICKNESS['standard']}. "
            if th["at_paper_settings"]
            else "(At these settings the paper reports no figure.) "
        )
        + f"Here ({layout}, unit {unit:g}): the standard score's connectivity "
        + (f"crosses 50% at k = {t:.2f}." if t is not None else "never crosses 50% for k ≤ 8.")
        + f" The weighted score's ranges from {min(th['weighted']):.0%} to "
        f"{max(th['weighted']):.0%} over k."
    )
with tab4:
    dyn = res["dynamics"]
    st.plotly_chart(
        style_figure(report.single_logit_figure(dyn)),
        key="proto_dynamics",
        config={"displaylogo": False},
    )
    fp, ci = dyn["final_p"]["weighted"], dyn["final_p_ci"]["weighted"]
    st.markdown(
        f"With ω = {omega:g} on the positive class, the weighted logit settles at "
        f"**{fp:.3f}** [{ci[0]:.3f}, {ci[1]:.3f}] (mean of the last "
        f"{100 * cfg.dyn_tail:.0f}% of steps over {cfg.dyn_seeds} seeds, 95% t-interval); "
        f"the closed form ωε / (ωε + 1 − ε) gives **{dyn['fixed_point']:.3f}**."
        + (" The paper reports p → 1." if "paper" in dyn else "")
    )
with tab5:
    rm = regime(cfg)
    st.plotly_chart(
        style_figure(report.regime_map_figure(rm, "lam")),
        key="proto_map_lam",
        config={"displaylogo": False},
    )
    st.plotly_chart(
        style_figure(report.regime_map_figure(rm, "rho")),
        key="proto_map_rho",
        config={"displaylogo": False},
    )
    st.caption(report.map_sentence(rm))
    slides.protocol_downloads(cfg, res, rm)
with tab6:
    own = ss["graph_spec"]
    try:
        G = build_graph(own, seed=int(ss["seed"])).graph
        table = own_table(cfg, G)
    except SpecDiffError as exc:
        st.info(
            f"**{own.describe()}** cannot be scored by the protocol: {exc}.",
            icon=":material/info:",
        )
        table = None
    if table is not None:
        st.markdown(
            f"Exp I's rules on the current graph, **{own.describe()}**: each of its bridges "
            f"has P_freq = eps = {cfg.eps:g}, every other edge {cfg.p_common:g}; keep the top "
            f"ρ|E| at ρ = {cfg.rho_barbell:g}; K = {cfg.trials} trials."
        )
        st.markdown("\n".join(report.protocol_table_markdown(table, "custom")))
        st.plotly_chart(
            style_figure(report.protocol_bars(table, "Your graph: every method")),
            key="proto_bars_own",
            config={"displaylogo": False},
        )
    st.page_link("pages/graph-lab.py", label="Choose or draw the graph", icon=":material/hub:")
