"""Diffusion Duel: standard vs spectrally-weighted diffusion, trained side by side, live.

Both models share architecture, initial weights, batches, noise, optimiser and steps;
only the per-edge loss weights differ. Training advances in short ticks inside a
fragment, so the page stays responsive; the duel lives in this session only.
"""

import json
import time

import networkx as nx
import pandas as pd
import streamlit as st

from specdiff_core import experiments, metrics, report, viz
from specdiff_core.checkpoints import model_to_bytes
from specdiff_core.training import Duel

ss = st.session_state
seed = int(ss["seed"])
TICK_SECONDS = 0.35  # longest a training tick holds the session's script thread
MAX_DUELS = 4  # duels kept per session (the same settings never train twice)


@st.cache_resource(
    max_entries=8, show_spinner="Building training graphs, R_eff and teacher targets…"
)
def shared_examples(family: str, seed: int):
    """Training graphs + a held-out test graph: computed once for every student (read-only)."""
    return experiments.demo_examples(seed, family=family)


layout = st.cache_data(
    max_entries=16, show_spinner=False, hash_funcs={nx.Graph: viz.graph_fingerprint}
)(viz.layout)

st.title("Diffusion Duel")
st.markdown(
    "Two identical denoisers learn to sparsify graphs from the Spectral Oracle's examples, "
    "which **always keep the bridge**. The **standard** model weights every edge's loss "
    "equally; the **spectrally-weighted** one weights edge *e* by 1 + λ·R_e. Press **Train** "
    "and watch the bridge's keep-probability."
)

c = st.columns([1.3, 1.2, 1.2, 1, 1])
family = c[0].selectbox(
    "Training family", ["barbell", "asymmetric_chain"], key="duel_family", bind="query-params"
)
steps = c[1].select_slider(
    "Training steps",
    [100, 200, 400, 600, 800, 1200],
    value=600,
    key="duel_steps",
    bind="query-params",
)
lam = c[2].select_slider(
    "λ in w = 1 + λ·R",
    [0.0, 1.0, 3.0, 10.0, 30.0, 100.0],
    value=10.0,
    key="duel_lam",
    bind="query-params",
    help="λ = 0 makes the weighted model identical to the standard one.",
)
k = c[3].select_slider("Samples", [8, 16, 32, 64], value=32, key="duel_k", bind="query-params")
chunk = c[4].select_slider(
    "Step size",
    [10, 25, 50, 100],
    value=50,
    key="duel_chunk",
    help="Steps added by the Step button.",
)

key = (family, int(steps), float(lam), seed)
duels: dict = ss.setdefault("duels", {})
if key not in duels:
    train, test = shared_examples(family, seed)
    cfg = experiments.demo_duel_config(seed, steps=int(steps), lam=float(lam))
    duels[key] = {"duel": Duel(cfg, train, probe=[test]), "test": test, "samples": None}
    while len(duels) > MAX_DUELS:  # forget the oldest duel of this session
        duels.pop(next(iter(duels)))
state = duels[key]
ss["duel_current"] = key
duel: Duel = state["duel"]
test = state["test"]


def _play() -> None:
    ss["duel_playing"] = True


def _pause() -> None:
    ss["duel_playing"] = False


def _step() -> None:
    ss["duel_playing"] = False
    duel.step(int(chunk))


def _reset() -> None:
    ss["duel_playing"] = False
    duels.pop(key, None)


b = st.columns([1, 1, 1, 1, 4])
b[0].button("▶ Train", key="duel_play", on_click=_play, disabled=duel.done, type="primary")
b[1].button("⏸ Pause", key="duel_pause", on_click=_pause, disabled=duel.done)
b[2].button(f"Step +{chunk}", key="duel_step", on_click=_step, disabled=duel.done)
b[3].button("↺ Reset", key="duel_reset", on_click=_reset)
playing = bool(ss.get("duel_playing")) and not duel.done


@st.fragment(run_every=0.1 if playing else None)
def live() -> None:
    """One training tick (at most TICK_SECONDS), then redraw the curves."""
    if ss.get("duel_playing") and not duel.done:
        t0 = time.perf_counter()
        while not duel.done and time.perf_counter() - t0 < TICK_SECONDS:
            duel.step(5)
        if duel.done:
            ss["duel_playing"] = False
            st.rerun()  # the whole page: show the samples
    st.progress(
        duel.step_count / duel.config.train.steps,
        text=f"step {duel.step_count} / {duel.config.train.steps} · {duel.seconds:.1f} s of training",
    )
    if duel.history:
        st.plotly_chart(
            report.duel_curves(duel.history), key="duel_curves", config={"displaylogo": False}
        )
    else:
        st.info("Press **▶ Train** (or **Step**) to start. Curves appear as the models learn.")


live()

# ---------------------------------------------------------------------------- samples
st.header("Sampled sparsifications of a held-out graph", divider="gray")
if duel.step_count == 0:
    st.caption("Train first: samples from untrained models are noise.")
    st.stop()
stale = state["samples"] is None or state["samples"][0] != (duel.step_count, k)
if stale and (duel.done or st.button("Sample now", key="duel_sample_now")):
    with st.spinner(f"Sampling {k} graphs from each model…"):
        state["samples"] = (
            (duel.step_count, k),
            experiments.sample_duel(duel, test, k=k, seed=seed),
        )
if state["samples"] is None:
    st.caption("Sampling runs automatically when training ends, or press **Sample now**.")
    st.stop()
(at_step, _), result = state["samples"]
if at_step != duel.step_count:
    st.caption(f"Samples below are from step {at_step}; the models have trained since.")

G = test.graph
pos = layout(G, seed=seed)
bridges = test.bridges
T = duel.config.diffusion.T
s1, s2 = st.columns(2)
idx = s1.slider("Sample", 0, k - 1, 0, key="duel_sample_idx")
t_show = s2.slider(
    "Reverse chain: show x_t at t =",
    0,
    T,
    0,
    key="duel_t",
    help=f"t = {T}: pure noise from the prior; t = 0: the final sample.",
)
panels = st.columns(2, gap="large")
for col, method in zip(panels, ("standard", "spectral"), strict=True):
    res = result.samples[method]
    mask = res.chain[T - t_show, idx] if res.chain is not None else res.masks[idx]
    kept_bridges = int(mask[bridges].sum())
    ok = metrics.preserves_connectivity(G, mask)
    with col:
        st.markdown(
            f"**{report.METHOD_LABEL[method]}** · sample {idx} · t = {t_show} · "
            + ("connected ✓" if ok else "**disconnected ✗**")
            + f" · bridges kept {kept_bridges}/{int(bridges.sum())}"
        )
        st.plotly_chart(
            viz.graph_figure(
                G, test.resistance, pos=pos, bridges=bridges, kept=mask, show_colorbar=False
            ),
            key=f"duel_graph_{method}",
            config={"displaylogo": False},
        )

st.plotly_chart(
    report.bars_figure(
        result.board, f"{k} samples per method on the held-out graph (95% Wilson CI)"
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
st.page_link(
    "pages/5_Gradient_Starvation.py", label="Why? See the gradients", icon=":material/insights:"
)
