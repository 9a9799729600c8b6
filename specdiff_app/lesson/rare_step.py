"""Step 8: the two kinds of rare. The paper's protocol (a simulation) and the bundled
trained models in the paper's regime, where the bridge is rare in the data."""

from __future__ import annotations

import numpy as np
import streamlit as st

from specdiff_core import experiments
from specdiff_core.experiments import protocol, store

from ..url import canonical_numbers, number_label
from .context import Lesson
from .widgets import pct, quiz

RARE_EPS = [0.01, 0.05, 0.2, 0.5, 0.9, 0.95, 1.0]  # the step's eps slider


@st.cache_data(show_spinner=False, ttl=3600)
def paper_regime_results() -> tuple[dict | None, dict]:
    """The bundled trained models in both regimes (paper_learned, Exp I) and the paper's
    protocol on Exp I: what the step about the two regimes reports."""
    found = store.find_result("paper_learned", experiments.PRESETS["quick"], list(range(5)))
    learned = None
    if found is not None:
        learned = next((st_ for st_ in found[0]["settings"] if st_["exp"] == "barbell"), None)
    return learned, protocol.run_table("barbell", protocol.ProtocolConfig(), long_run=False)


@st.cache_data(max_entries=64, show_spinner=False)
def protocol_at(eps: float) -> dict:
    return protocol.run_table(
        "barbell", protocol.ProtocolConfig(eps=eps, trials=300), long_run=False
    )["methods"]


def rare(lesson: Lesson) -> None:
    st.markdown(
        (
            f"This lesson's duel already trains with the bridge **rare in the data** (in "
            f"{lesson.eps:.0%} of the examples). The default duel makes it **rare in the "
            "graph**: every example keeps it, but it is one edge of dozens. "
            if lesson.rare
            else "Our duel made the bridge **rare in the graph**: every example kept it, but "
            "it is one edge of dozens. "
        )
        + "The paper's own experiments make it **rare in the data**: the "
        "bridge appears in only 5% of the training examples, every clique edge in 95%. A "
        "model that matches each edge's frequency (what likelihood training converges to) "
        "then *should* drop the bridge. The paper simulates this by scoring edges with their "
        "frequency, keeping the top half, and calls the score P_freq + λ·R its fix."
    )
    canonical_numbers({"lesson_rare_eps": RARE_EPS})
    eps = st.select_slider(
        "How often the bridge is in the training data (eps)",
        RARE_EPS,
        value=0.05,
        key="lesson_rare_eps",
        bind="query-params",
        format_func=number_label,
    )
    proto = protocol_at(float(eps))
    m = st.columns(3)
    m[0].metric("Protocol, standard: connected", pct(proto["standard"]["connectivity"]))
    m[1].metric("Protocol, P_freq + λR: connected", pct(proto["weighted"]["connectivity"]))
    m[2].metric("Protocol, random: connected", pct(proto["random"]["connectivity"]))
    st.caption(
        "The paper's protocol on two K8 joined by a bridge, the top half of the edges kept, "
        "300 trials: a simulation, no network. The standard score keeps the bridge only once "
        "it is as frequent as the clique edges."
    )
    learned, _ = paper_regime_results()
    if learned is None:
        st.info("The bundled trained results are missing; the Experiments page can run them.")
        return
    rare = learned["trained"]["rare"]["topk"]
    fp = learned["fixed_points"]["rare"]["spectral"]
    p_bridge = fp["learned_rare"]["mean"]
    st.markdown(
        "**And a trained model?** The same graph, the bridge in 5% of the examples, real "
        "denoisers trained over 5 seeds, then the top half of the edges kept: connected "
        f"**{pct(rare['standard']['connectivity'])}** with the standard loss, "
        f"**{pct(rare['spectral']['connectivity'])}** with the resistance-weighted loss "
        f"(Eq. 4.1), **{pct(rare['score_shift']['connectivity'])}** when λ·R is added to the "
        "standard model's probabilities at decoding, which needs R_eff for every new graph. "
        f"The weighted model gives the bridge a keep-probability of **{p_bridge:.2f}**."
    )
    options = [
        "About 5%, like the data: weighting both outcomes of an edge alike does not move "
        "its optimum",
        "Close to 100%: the weight makes the bridge count more",
        "About 50%",
    ]
    targets = [0.05, 1.0, 0.5]
    correct = int(np.argmin([abs(p_bridge - t) for t in targets]))
    quiz(
        "rare",
        "In the paper's regime, what keep-probability does the resistance-weighted loss "
        "(Eq. 4.1) teach the model for the bridge?",
        options,
        correct,
        f"Measured: {p_bridge:.2f}. Eq. 4.1 multiplies both the 'keep' and the 'drop' term of "
        "an edge by the same weight, so the best prediction for that edge is still how often "
        "it was kept. It helps when the bridge is rare in the graph (our duel), not when it "
        "is rare in the data; there the paper's fix needs R_eff at decoding.",
        f"Measured on trained models: {p_bridge:.2f}. Which option is nearest?",
    )
