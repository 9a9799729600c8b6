"""Diffusion Duel: standard vs spectrally-weighted diffusion, trained side by side, live.

Both models share architecture, initial weights, batches, noise, optimiser and steps;
only the per-edge loss weights differ. Training and sampling run in the server's job
pool (specdiff_app/duel_panel.py): the page shows the place in the queue, then the curves as they
grow, and never blocks. The trained models are this session's own.
"""

import json

import networkx as nx
import pandas as pd
import streamlit as st

from specdiff_app import duel_panel as ui
from specdiff_app.boot import through_app
from specdiff_app.classroom import flag, presenting, style_figure
from specdiff_core import graphs, metrics, report, viz
from specdiff_core.checkpoints import model_to_bytes

through_app()  # first: a deep link on a fresh server runs this page alone

ss = st.session_state
seed = int(ss["seed"])

layout = st.cache_data(
    max_entries=16, show_spinner=False, hash_funcs={nx.Graph: graphs.graph_fingerprint}
)(viz.layout)


def url_choice(key: str, options: list, default):
    """A setting's value from the address when its widget is hidden (settings_hide)."""
    raw = st.query_params.get(key)
    for o in options:
        if raw is not None and (str(o) == raw or _num(raw) == o):
            return o
    return default


def _num(raw: str) -> float | None:
    try:
        return float(raw)
    except ValueError:
        return None


st.title("Diffusion Duel")
D = ui.DEFAULT
if flag("settings_hide"):
    family = url_choice("duel_family", ui.FAMILIES, D["family"])
    steps = url_choice("duel_steps", ui.STEP_OPTIONS, D["steps"])
    lam = url_choice("duel_lam", ui.LAMBDA_OPTIONS, D["lam"])
    k = url_choice("duel_k", ui.SAMPLE_OPTIONS, D["k"])
    regime = url_choice("duel_regime", ui.REGIME_OPTIONS, D["regime"])
    eps = url_choice("duel_eps", ui.EPS_OPTIONS, D["eps"])
    decoder = url_choice("duel_decoder", ui.DECODER_OPTIONS, D["decoder"])
    chunk = 50
else:
    box = st.expander("Settings", expanded=False) if presenting() else st.container()
    r = box.columns([2.2, 1.2, 1.6])
    regime = r[0].selectbox(
        "Training data: oracle (rare in the graph) or rare (in the data)",
        ui.REGIME_OPTIONS,
        key="duel_regime",
        bind="query-params",
        help="Where the training targets come from. Rare in the graph: every target keeps "
        "the bridge, but it is 1 edge of ~60-180. Rare in the data (the paper's): each "
        "target keeps the bridge with probability eps, every other edge with 0.95.",
    )
    eps = r[1].select_slider(
        "eps (rare in the data)",
        ui.EPS_OPTIONS,
        value=D["eps"],
        key="duel_eps",
        bind="query-params",
        disabled=regime != "rare",
        help="The share of training targets that hold the bridge (the paper: 5%).",
    )
    decoder = r[2].selectbox(
        "Decoding: chain or topk (top ρ|E|, the paper's)",
        ui.DECODER_OPTIONS,
        key="duel_decoder",
        bind="query-params",
        help="Reverse chain: each sample is what the chain's last step keeps. Top ρ|E| (the "
        "paper's protocol): estimate each edge's keep probability from the chain's samples "
        "and keep the ρ|E| most probable edges (ρ = 0.5 for barbells, 0.6 for chains).",
    )
    c = box.columns([1.3, 1.2, 1.2, 1, 1])
    family = c[0].selectbox("Training family", ui.FAMILIES, key="duel_family", bind="query-params")
    steps = c[1].select_slider(
        "Training steps", ui.STEP_OPTIONS, value=D["steps"], key="duel_steps", bind="query-params"
    )
    lam = c[2].select_slider(
        "λ in w = 1 + λ·R",
        ui.LAMBDA_OPTIONS,
        value=D["lam"],
        key="duel_lam",
        bind="query-params",
        help="λ = 0 makes the weighted model identical to the standard one.",
    )
    k = c[3].select_slider(
        "Samples", ui.SAMPLE_OPTIONS, value=D["k"], key="duel_k", bind="query-params"
    )
    chunk = c[4].select_slider(
        "Step size", [10, 25, 50, 100], value=50, key="duel_chunk", help="Steps added by Step."
    )

if not presenting():
    data = (
        "from the Spectral Oracle's examples, which **always keep the bridge** (rare in the "
        "graph: one edge of many)"
        if regime == "oracle"
        else f"from examples that keep the bridge in only **{eps:.0%}** of targets and every "
        "other edge in 95% (rare in the data: the paper's regime)"
    )
    st.markdown(
        f"Two identical denoisers learn to sparsify graphs {data}. The **standard** model "
        "weights every edge's loss equally; the **spectrally-weighted** one weights edge *e* "
        "by 1 + λ·R_e. Press **Train** and watch the bridge's keep-probability."
    )
else:
    st.markdown(
        "**Standard** loss (every edge counts the same) vs **spectrally-weighted** loss "
        "(edge *e* counts 1 + λ·R_e). Same model, data, seed and steps."
    )

key = ui.duel_key(family, steps, lam, seed, regime, eps)
state = ui.duel_state(key)
ui.collect(state)
if ss.get("duel_playing") and state["train_ticket"] is None:
    if state["duel"].done or state["error"]:
        ss["duel_playing"] = False
    else:
        ui.train(state, steps)  # Train pressed here, or "Show me the failure" on Home
if state["duel"].done:
    ui.request_samples(state, k, seed, decoder)  # sampling starts when training ends
duel = state["duel"]
busy = state["train_ticket"] is not None


def _play() -> None:
    ss["duel_playing"] = True


def _pause() -> None:
    ss["duel_playing"] = False
    ui.pause(state)


def _step() -> None:
    ss["duel_playing"] = False
    ui.train(state, state["duel"].step_count + int(chunk))


def _reset() -> None:
    ss["duel_playing"] = False
    ui.reset(key)


b = st.columns([1, 1, 1, 1, 4])
b[0].button("▶ Train", key="duel_play", on_click=_play, disabled=duel.done or busy, type="primary")
b[1].button("Pause", key="duel_pause", icon=":material/pause:", on_click=_pause, disabled=not busy)
b[2].button(f"Step +{chunk}", key="duel_step", on_click=_step, disabled=duel.done or busy)
b[3].button("Reset", key="duel_reset", icon=":material/restart_alt:", on_click=_reset)

ui.live_panel(
    state,
    chart_key="duel_curves",
    idle_hint="Press **▶ Train** (or **Step**) to start. Curves appear as the models learn.",
)

# ---------------------------------------------------------------------------- samples
st.header("Sampled sparsifications of a held-out graph", divider="gray")
if duel.step_count == 0:
    st.caption("Train first: samples from untrained models are noise.")
    st.stop()
if ui.samples_stale(state, k, decoder) and state["sample_ticket"] is None:
    if st.button("Sample now", key="duel_sample_now"):
        ui.request_samples(state, k, seed, decoder)
        st.rerun()
if state["samples"] is None:
    st.caption(
        "Sampling…"
        if state["sample_ticket"] is not None
        else "Sampling runs automatically when training ends, or press **Sample now**."
    )
    st.stop()
(at_step, k_drawn, decoded_by), result = state["samples"]
if at_step != duel.step_count:
    st.caption(f"Samples below are from step {at_step}; the models have trained since.")
if decoded_by == "topk":
    st.caption(
        f"Top ρ|E| decoding (ρ = {result.rho:g}): each model's {k_drawn} chain samples give "
        "every edge a keep frequency; each graph below keeps the ρ|E| most frequent edges "
        "(ties in random order). The pink bars add the paper's score shift: the standard "
        "model's frequencies plus λ·R_e, which needs R_eff when decoding."
    )

test = state["test"]
G = test.graph
pos = layout(G, seed=seed)
bridges = test.bridges
T = duel.config.diffusion.T
s1, s2 = st.columns(2)
idx = s1.slider("Sample", 0, k_drawn - 1, 0, key="duel_sample_idx")
has_chain = result.samples["standard"].chain is not None
t_show = s2.slider(
    "Reverse chain: show x_t at t =",
    0,
    T,
    0,
    key="duel_t",
    disabled=not has_chain,
    help=f"t = {T}: pure noise from the prior; t = 0: the final sample."
    + ("" if has_chain else " (Top ρ|E| graphs are decoded from many chains: no one chain.)"),
)
panels = st.columns(2, gap="large")
for col, method in zip(panels, ("standard", "spectral"), strict=True):
    res = result.samples[method]
    mask = res.chain[T - t_show, idx] if res.chain is not None else res.masks[idx]
    t_label = t_show if res.chain is not None else 0
    kept_bridges = int(mask[bridges].sum())
    ok = metrics.preserves_connectivity(G, mask)
    with col:
        st.markdown(
            f"**{report.METHOD_LABEL[method]}** · sample {idx} · t = {t_label} · "
            + ("connected ✓" if ok else "**disconnected ✗**")
            + f" · bridges kept {kept_bridges}/{int(bridges.sum())}"
        )
        st.plotly_chart(
            style_figure(
                viz.graph_figure(
                    G, test.resistance, pos=pos, bridges=bridges, kept=mask, show_colorbar=False
                )
            ),
            key=f"duel_graph_{method}",
            config={"displaylogo": False},
        )

st.plotly_chart(
    style_figure(
        report.bars_figure(
            result.board, f"{k_drawn} samples per method on the held-out graph (95% Wilson CI)"
        )
    ),
    key="duel_board",
    config={"displaylogo": False},
)
board = pd.DataFrame(
    {
        report.METHOD_LABEL[m]: {
            "connected": v["connectivity"],
            "bridge survival": v["bridge_survival"],
            "edges kept": v["edge_retention"],
            "spectral error": v["spectral_error"],
        }
        for m, v in result.board.items()
    }
).T
st.dataframe(
    board,
    key="duel_table",
    column_config={c: st.column_config.NumberColumn(format="%.3f") for c in board},
)

if not flag("downloads_hide"):
    d = st.columns(4)
    d[0].download_button(
        "Scoreboard (JSON)",
        json.dumps(result.board, default=float, indent=1),
        "duel_scoreboard.json",
        "application/json",
        key="dl_board",
    )
    d[1].download_button(
        "Training history (CSV)",
        pd.DataFrame(duel.history).to_csv(index=False),
        "duel_history.csv",
        "text/csv",
        key="dl_hist",
    )
    for col, method in zip(d[2:], ("standard", "spectral"), strict=True):
        col.download_button(
            f"{method} model (.safetensors)",
            model_to_bytes(
                duel.players[method].model,
                duel.config,
                method,
                duel.diffusion.keep_rate,
                {"steps": duel.step_count, "family": family, "seed": seed},
            ),
            f"specdiff_{method}_{family}_s{seed}.safetensors",
            "application/octet-stream",
            key=f"dl_model_{method}",
        )
st.page_link("pages/gradients.py", label="Why? See the gradients", icon=":material/insights:")
