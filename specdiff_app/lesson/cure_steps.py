"""Steps 6-7: why the standard model starves the bridge, and the weighted loss that
feeds it."""

from __future__ import annotations

import numpy as np
import streamlit as st

from specdiff_core import report

from .. import duel_panel as ui
from ..classroom import style_figure
from ..url import canonical_numbers, number_label
from .context import Lesson
from .widgets import pct, quiz, train_controls

FIX_LAMBDAS = ui.LAMBDA_OPTIONS  # the fix step's λ slider: the Duel page's λ choices


def why(lesson: Lesson) -> None:
    st.markdown(
        "The standard loss is an **average over all |E| edges**. The bridge is one term of "
        "|E|, and the shared parameters are pulled toward what the *other* edges need. "
        "Weighting the terms by 1 + λ·R_e gives the bridge (R = 1) a bigger say than a "
        "clique edge (R = 2/k). Below: its share of the loss's terms, then what it actually "
        "received of the gradient in your duel."
    )
    k = st.slider("Clique size k", 3, 20, 8, key="lesson_why_k", bind="query-params")
    E, n, lam = k * (k - 1) + 1, 2 * k, float(lesson.lam)
    std_share = 1 / E
    w_share = (1 + lam) / (E + lam * (n - 1))  # Foster: sum of R over edges = n - 1
    m = st.columns(3)
    m[0].metric("Edges |E|", E)
    m[1].metric("Bridge's share of the standard loss", f"{100 * std_share:.2f}%")
    m[2].metric(
        f"… of the weighted loss (λ = {lam:g})",
        f"{100 * w_share:.2f}%",
        delta=f"{w_share / std_share:.1f}× more",
        help="(1 + λ) / (|E| + λ(n − 1)): Foster's theorem gives the sum of all weights.",
    )
    state = lesson.duel_state()
    duel = state["duel"]
    if duel.history:
        st.plotly_chart(
            style_figure(report.gradient_share_figure(duel.history)),
            key="lesson_grad_share",
            config={"displaylogo": False},
        )
        rows = [r for r in duel.history if r["method"] == "standard"]
        share = float(np.nanmean([r["grad_share_bridge"] for r in rows]))
        edges = float(np.nanmean([r["edge_share_bridge"] for r in rows]))
        st.caption(
            f"Measured on your duel: bridges were {100 * edges:.1f}% of the edges in the "
            f"training batches and got {100 * share:.1f}% of the standard model's gradient."
        )
    else:
        st.caption("Train the duel (step 4) to see the measured gradient shares here.")
    quiz(
        "why",
        "Why does the standard model lose the bridge, although every example keeps it?",
        [
            "The teacher sometimes drops the bridge",
            "The bridge is one term of |E| in the loss, so the parameters are tuned for the "
            "other edges",
            "Sampling is so noisy that any edge can be lost",
        ],
        1,
        "Gradient starvation, the paper's name for it: the shared parameters follow the "
        "many other terms. (The teacher never drops the bridge here, and the weighted model "
        "uses the very same sampler.) Honest note: when the bridge is flagged in the "
        "model's input, our standard model does learn it (the Experiments page, "
        "*flagged_bridge*, our own control): what is hard is finding it from structure.",
        "The teacher keeps the bridge every time, and the weighted model samples the same "
        "way: what differs is how much of the loss the bridge is.",
    )


def fix(lesson: Lesson) -> None:
    st.markdown(
        "The fix changes one line of the training loss: edge *e*'s term is weighted by "
        "**w_e = 1 + λ·R_e**. R_eff is needed only while training; sampling a new graph costs "
        "exactly what the standard model costs. Choose λ and train: λ = 0 is no fix at all."
    )
    options = FIX_LAMBDAS
    canonical_numbers({"lesson_fix_lam": options})
    lam = st.columns([1, 1.5])[0].select_slider(
        "λ",
        options,
        value=float(lesson.lam) if float(lesson.lam) in options else 10.0,
        key="lesson_fix_lam",
        bind="query-params",
        format_func=number_label,
    )
    state = lesson.duel_state(float(lam))
    duel = state["duel"]
    if not duel.done:
        train_controls(state, key="lesson_fix", label=f"Train with λ = {lam:g}")
    elif state["samples"] is None:
        ui.live_panel(state, chart_key="lesson_fix_curves", idle_hint="")
    else:
        board = state["samples"][1].board
        m = st.columns(3)
        m[0].metric("Standard: connected", pct(board["standard"]["connectivity"]))
        m[1].metric(f"Weighted (λ = {lam:g}): connected", pct(board["spectral"]["connectivity"]))
        m[2].metric("Spectral Oracle: connected", pct(board["oracle"]["connectivity"]))
        st.caption(
            f"{state['samples'][0][1]} samples per model of the held-out barbell; intervals "
            "on the Diffusion Duel page."
        )
    quiz(
        "fix",
        "What does the weighted model need when it sparsifies a new graph?",
        [
            "The effective resistances of the new graph",
            "Nothing extra: R_eff only weighted the training loss",
            "Samples from the Spectral Oracle",
        ],
        1,
        "Zero inference overhead: the model is the same network, and the weights only "
        "changed what it learned.",
        "Look at the loss: R_e appears in the weights of the training terms, nowhere else.",
    )
