"""Gradient Starvation: why the standard model loses the bridge, read off its gradients."""

import numpy as np
import streamlit as st

from specdiff_app import duel_panel as ui
from specdiff_app.boot import through_app
from specdiff_app.classroom import style_figure
from specdiff_core import report
from specdiff_core.report import reading
from specdiff_core.training import R_BINS, Duel

through_app()  # first: a deep link on a fresh server runs this page alone

ss = st.session_state
seed = int(ss["seed"])

st.title("Gradient starvation")
st.markdown(
    "In a per-edge loss every edge is one term of |E|. A bridge is one term among many, "
    "so the shared parameters are pulled toward what the *other* edges need, even when the "
    "bridge's own term is large. The plots below measure, exactly (autograd, one pass per "
    "edge group), how big each group's share of the gradient is on the duel you trained."
)

key = ss.get("duel_current")
if key not in ss.get("duels", {}):
    key = ui.duel_key(ui.DEFAULT["family"], ui.DEFAULT["steps"], ui.DEFAULT["lam"], seed)
state = ui.duel_state(key)
ui.collect(state)
if state["duel"].step_count == 0:
    st.info("No trained duel in this session yet.")
    st.button(
        "Train this duel here",
        key="grad_train",
        type="primary",
        disabled=state["train_ticket"] is not None,
        on_click=ui.train,
        args=(state, state["duel"].config.train.steps),
    )
    ui.live_panel(state, chart_key="grad_duel_curves", idle_hint="")
    st.page_link(
        "pages/duel.py",
        label="Or train it in the Duel, with its settings",
        icon=":material/swords:",
    )
    st.stop()

duel: Duel = state["duel"]
test = state["test"]
history = duel.history
regime_text = (
    "targets from the Spectral Oracle (rare in the graph)"
    if key[4] == "oracle"
    else f"the bridge in {key[5]:.0%} of the targets (rare in the data)"
)
st.caption(
    f"Duel: {key[0]}, {regime_text}, λ = {key[2]:g}, seed {key[3]}, trained "
    f"{duel.step_count} / {duel.config.train.steps} steps."
)

# ------------------------------------------------------------------ per-edge gradients
cache_key = ("grads", duel.step_count)
if state.get("grads_at") != cache_key:
    with st.spinner("Measuring per-edge gradients on the held-out graph…"):
        state["grads"] = duel.per_edge_gradients(test, seed=seed)
        state["grads_at"] = cache_key
grads = state["grads"]

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Per-edge gradient vs effective resistance")
    st.plotly_chart(
        style_figure(report.gradient_scatter(test.resistance, grads, test.bridges)),
        key="grad_scatter",
        config={"displaylogo": False},
    )
with right:
    st.subheader("The bridges' share of the gradient, over training")
    st.plotly_chart(
        style_figure(report.gradient_share_figure(history)),
        key="grad_share",
        config={"displaylogo": False},
    )

st.subheader("Gradient by R_eff bin")
st.plotly_chart(
    style_figure(report.rbin_figure(history, R_BINS)),
    key="grad_bins",
    config={"displaylogo": False},
)

# ------------------------------------------------------------------ plain-language reading
st.subheader("Reading the plots")


def mean_of(method: str, field: str) -> float:
    vals = [r[field] for r in history if r["method"] == method]
    return float(np.nanmean(vals)) if vals else float("nan")


edge_share = mean_of("standard", "edge_share_bridge")
std_share, spec_share = (
    mean_of("standard", "grad_share_bridge"),
    mean_of("spectral", "grad_share_bridge"),
)
b = test.bridges
ratio = {
    m: float(g[b].mean() / g[~b].mean()) if b.any() else float("nan") for m, g in grads.items()
}
last = {m: [r for r in history if r["method"] == m][-1] for m in ("standard", "spectral")}
st.markdown(
    "\n".join(
        reading.starvation_lines(
            edge_share=edge_share,
            grad_share={"standard": std_share, "spectral": spec_share},
            logit_ratio=ratio,
            last=last,
        )
    )
)
st.caption(reading.STARVATION_NOTE)
