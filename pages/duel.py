"""Diffusion Duel: standard vs spectrally-weighted diffusion, trained side by side, live.

Both models share architecture, initial weights, batches, noise, optimiser and steps;
only the per-edge loss weights differ. Training and sampling run in the server's job
pool (specdiff_app/duel_panel.py): the page shows the place in the queue, then the curves as they
grow, and never blocks. The trained models are this session's own.
"""

import streamlit as st

from specdiff_app import duel_controls as controls
from specdiff_app import duel_panel as ui
from specdiff_app import slides
from specdiff_app.boot import through_app
from specdiff_app.classroom import presenting
from specdiff_core import graphs

through_app()  # first: a deep link on a fresh server runs this page alone

ss = st.session_state
seed = int(ss["seed"])

st.title("Diffusion Duel")
cfg = controls.settings()
family, steps, lam, k = cfg.family, cfg.steps, cfg.lam, cfg.k
regime, eps, decoder, chunk = cfg.regime, cfg.eps, cfg.decoder, cfg.chunk

if not presenting():
    source = "copies of your graph" if graphs.is_custom(family) else "graphs"
    one = family == "barbell"  # a barbell has one bridge; chains and your graph may have more
    data = (
        f"from the Spectral Oracle's examples, which **always keep "
        f"{'the bridge' if one else 'every bridge'}** (rare in the graph: "
        f"{'one edge' if one else 'a few edges'} of many)"
        if regime == "oracle"
        else f"from examples that keep {'the' if one else 'each'} bridge in only "
        f"**{eps:.0%}** of targets and every other edge in 95% (rare in the data: the "
        "paper's regime)"
    )
    st.markdown(
        f"Two identical denoisers learn to sparsify {source} {data}. The **standard** model "
        "weights every edge's loss equally; the **spectrally-weighted** one weights edge *e* "
        "by 1 + λ·R_e. Press **Train** and watch the bridge's keep-probability."
    )
else:
    st.markdown("**Standard** vs **spectrally-weighted** loss (w = 1 + λ·R): all else equal.")

key = ui.duel_key(family, steps, lam, seed, regime, eps)
state = ui.duel_state(key)
ui.collect(state)
if (own := controls.own_graph_line(family, len(state["duel"].train_set))) is not None:
    st.info(own, icon=":material/hub:")
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


b = [st.container(horizontal=True)] * 4  # one row, each button as wide as its label
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

controls.sample_gallery(state, result, k_drawn, seed)
controls.scoreboard(result, k_drawn)
controls.keep_reading(duel, state["samples"])
controls.downloads(duel, result, family, seed)
slides.duel_downloads(state, seed)
st.page_link("pages/gradients.py", label="Why? See the gradients", icon=":material/insights:")
