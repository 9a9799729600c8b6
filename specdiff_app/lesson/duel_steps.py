"""Steps 3-5: predict what the standard model learns, train the duel, see it fail on a
held-out barbell."""

from __future__ import annotations

import streamlit as st

from specdiff_core import report
from specdiff_core.report import reading
from specdiff_core.server import duel_tag

from .. import class_log
from .. import duel_panel as ui
from ..classroom import presenting
from .context import Lesson
from .widgets import ci, draw, last_rows, pct, quiz, sample_panel, sample_svg, train_controls

ss = st.session_state


def predict(lesson: Lesson) -> None:
    if lesson.rare:
        st.markdown(
            "We train a diffusion model to **sparsify** barbells from examples in which the "
            f"bridge is **rare in the data**: each example keeps it with probability "
            f"{lesson.eps:.0%} and every other edge with 95% (the paper's regime). The standard "
            "model's loss is the *average over edges* of a per-edge cross-entropy."
        )
    else:
        st.markdown(
            "We train a diffusion model to **sparsify** barbells: keep about 60% of the edges "
            "so the sparse graph still behaves like the original. Its teacher is the "
            "**Spectral Oracle**, which keeps each edge with a probability that grows with its "
            "effective resistance, so it keeps **the bridge every time**. The standard model's "
            "loss is the *average over edges* of a per-edge cross-entropy."
        )
    train, _ = ui.shared_examples(
        "barbell",
        lesson.seed,
        lesson.regime,
        lesson.duel_key()[5],
    )
    ex = train[0]
    left, right = st.columns([1, 1.25], gap="large")
    i = left.slider(
        "Teacher example", 1, len(ex.targets), 1, key="lesson_example", bind="query-params"
    )
    mask = ex.targets[i - 1]
    left.metric("Edges the teacher keeps", f"{mask.sum()} of {ex.m}")
    left.metric("Bridge kept", f"{int(mask[ex.bridges].sum())} of {int(ex.bridges.sum())}")
    left.caption(
        "Grey dotted edges are dropped in this example. The dashed bridge is "
        + (
            f"kept in {ex.targets[:, ex.bridges].mean():.0%} of this graph's examples."
            if lesson.rare
            else "always kept."
        )
    )
    with right:
        draw(
            sample_svg(ex.graph, ex.resistance, ex.bridges, mask, lesson.seed, 1000),
            "lesson_graph",
        )
    # Each answer and the bridge survival it predicts (the teacher view holds them against
    # what the standard model did).
    if lesson.rare:
        options = {
            "Always: it is a bridge": 1.0,
            f"About as often as the examples do ({lesson.eps:.0%})": lesson.eps,
            "Never": 0.0,
        }
    else:
        options = {
            "Always, like its teacher": 1.0,
            "About as often as any other edge (roughly 60% of the time)": 0.6,
            "Never": 0.0,
        }
    choice = quiz(
        "predict",
        "How often will the standard model keep the bridge when it sparsifies a new barbell?",
        list(options),
        None,
        f"Noted. Step 5 will tell. (The bridge is 1 of the {ex.m} edges in this example.)",
        "",
    )
    if choice in options:
        class_log.prediction(
            "predict",
            choice,
            predicted=options[choice],
            duel=duel_tag(*lesson.duel_key(), decoder=lesson.decoder, k=lesson.k),
            trained=ui.trained_steps(lesson.duel_key()) > 0,
        )


def run(lesson: Lesson) -> None:
    explain = (
        "Both models get the same network, the same initial weights, the same batches and "
        f"noise, and the same {lesson.steps} training steps. Only the loss differs: the "
        f"**standard** loss counts every edge the same; the **spectrally-weighted** loss "
        f"counts edge *e* as 1 + {lesson.lam:g}·R_e. Watch the middle panel: how likely each "
        "model is to keep the bridge (thick lines) and other edges (thin, dotted)."
    )
    # Presenting, the curves come first: on a projector they are what the room watches,
    # and the text is what the presenter says.
    if not presenting():
        st.markdown(explain)
    state = lesson.duel_state()

    def trained() -> None:
        last = last_rows(state["duel"])
        st.success(
            f"Training finished. The standard model keeps the bridge with probability "
            f"**{last['standard']['p_keep_bridge']:.2f}**, the weighted one with "
            f"**{last['spectral']['p_keep_bridge']:.2f}** (other edges: "
            f"{last['standard']['p_keep_other']:.2f} and "
            f"{last['spectral']['p_keep_other']:.2f})."
        )

    train_controls(state, key="lesson", when_trained=trained)
    if presenting():
        st.markdown(explain)
    duel = state["duel"]
    if not duel.done:
        st.caption(
            "Everyone in the class who trains the same settings shares one computation; "
            "each gets their own copy of the models."
        )
        st.caption("The question for this step appears when training has finished.")
        return
    last = last_rows(duel)
    hi = {m: last[m]["p_keep_bridge"] >= 0.8 for m in last}
    correct = 3 if all(hi.values()) else 1 if hi["spectral"] else 0 if hi["standard"] else 2
    quiz(
        "run",
        "After training, which model gives the bridge a high keep-probability (0.8 or more)?",
        ["Only the standard model", "Only the spectrally-weighted model", "Neither", "Both"],
        correct,
        "That is what the middle panel shows at the last step.",
        "Read the thick lines of the middle panel at the last step.",
    )


def fail(lesson: Lesson) -> None:
    st.markdown(
        "Each trained model now sparsifies a barbell it has **never seen**, "
        f"{lesson.k} times. Dashed: the bridge. A dotted red bridge with a cross was dropped, and "
        "the graph fell apart."
    )
    state = lesson.duel_state()
    duel = state["duel"]
    if not duel.done or state["samples"] is None:
        if not duel.done:
            st.info("The models are not trained yet. Train them here (or in step 4).")
            train_controls(state, key="lesson_fail")
        else:
            ui.live_panel(state, chart_key="lesson_fail_curves", idle_hint="")
        return
    (_, k, _), result = state["samples"]
    test, board = state["test"], result.board
    i = st.slider("Sample", 1, k, 1, key="lesson_sample", bind="query-params") - 1
    cols = st.columns(2, gap="large")
    for col, method in zip(cols, ("standard", "spectral"), strict=True):
        with col:
            sample_panel(
                test.graph,
                test.resistance,
                test.bridges,
                result.samples[method].masks[i],
                report.METHOD_LABEL[method],
                f"lesson_sample_{method}",
                seed=lesson.seed,
            )
    st.subheader(f"Scoreboard: {k} samples per model")
    m = st.columns(4)
    for col, name in zip(m, ("standard", "spectral", "oracle", "uniform"), strict=True):
        col.metric(
            f"{report.METHOD_LABEL[name]}: connected",
            pct(board[name]["connectivity"]),
            help=f"95% Wilson interval {ci(board[name])}",
        )
    st.caption(
        "Connected = the sparse graph has as many pieces as the original. The uniform "
        "sparsifier keeps every edge with the same probability, blind to structure. "
        "Hover a question mark for the 95% interval."
    )
    spectral = board["spectral"]
    st.caption(
        reading.keep_vs_samples_line(
            p_keep=last_rows(duel)["spectral"]["p_keep_bridge"],
            survived=spectral["bridge_survival"],
            k=k,
            T=duel.config.diffusion.T,
            decoder=lesson.decoder,
        )
    )
    prediction = ss.get("lesson_q_predict")
    if prediction:
        st.markdown(f"Your prediction in step 3: *{prediction}*.")
    s, u = board["standard"], board["uniform"]
    if s["connectivity_ci"][0] > u["connectivity_ci"][1]:
        correct = 0
    elif s["connectivity_ci"][1] < u["connectivity_ci"][0]:
        correct = 2
    else:
        correct = 1
    quiz(
        "fail",
        "How does the standard model compare with the structure-blind uniform sparsifier?",
        ["Clearly better", "About the same (their intervals overlap)", "Clearly worse"],
        correct,
        f"Standard {ci(s)} vs uniform {ci(u)}. A model trained by likelihood learned the "
        f"abundant thing, keeping about {pct(s['edge_retention'])} of edges, and the bridge "
        f"survived in {pct(s['bridge_survival'])} of its samples.",
        f"Compare the numbers: standard {ci(s)}, uniform {ci(u)}.",
    )
