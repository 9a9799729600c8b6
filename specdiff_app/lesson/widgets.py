"""What every lesson step draws with: the question box, graph pictures, sample panels,
the train buttons, and number formats."""

from __future__ import annotations

import functools
from collections.abc import Callable

import networkx as nx
import numpy as np
import streamlit as st

from specdiff_core import formatting, graphs, metrics, resistance, viz

from .. import class_log
from .. import duel_panel as ui
from ..classroom import flag

cache = st.cache_data(
    max_entries=64, show_spinner=False, hash_funcs={nx.Graph: graphs.graph_fingerprint}
)


def quiz(slug: str, question: str, options: list[str], correct: int | None, right: str, wrong: str):
    """A check-your-understanding question; feedback appears once an answer is picked, and
    the answer goes to the class store (the teacher view). ``correct=None``: a prediction
    (no right answer yet), which its step records itself, with the duel it is about."""
    if flag("quiz_hide"):
        return None
    with st.container(border=True, key=f"lesson_quiz_{slug}"):
        st.markdown(
            "**Check your understanding**" if correct is not None else "**Your prediction**"
        )
        choice = st.radio(
            question, options, index=None, key=f"lesson_q_{slug}", persist_state="session"
        )
        if choice is not None and correct is not None:
            class_log.answer(slug, question, choice, correct=choice == options[correct])
        if choice is None:
            st.caption("Pick an answer to see the feedback.")
        elif correct is None:
            st.info(right)
        elif choice == options[correct]:
            st.success("✓ " + right)
        else:
            st.warning("✗ Not quite. " + wrong)
    return choice


def draw(svg: str, key: str) -> None:
    with st.container(key=key):
        st.markdown(svg, unsafe_allow_html=True)  # st.html would strip the SVG


@cache
def ring_with_shortcuts(n: int, chords: int) -> nx.Graph:
    """A ring of n nodes plus ``chords`` shortcuts, each across the ring from a spread node."""
    lines = [f"{i} {(i + 1) % n}" for i in range(n)]
    starts = [int(round(j * n / (2 * max(chords, 1)))) for j in range(chords)]
    lines += [f"{s} {(s + n // 2) % n}" for s in starts if (s + n // 2) % n not in (s, s + 1)]
    spec = graphs.GraphSpec(kind="paste", data="\n".join(lines).encode())
    return graphs.build_graph(spec).graph


@cache
def graph_view(G: nx.Graph, seed: int, title: str, kept: np.ndarray | None = None) -> tuple:
    """(R_eff, bridges, svg) of a small graph, cached for everyone."""
    R = resistance.effective_resistance(G, seed=seed).values
    bridges = metrics.bridge_mask(G)
    svg = viz.graph_svg(G, R, pos=viz.layout(G, seed=seed), bridges=bridges, kept=kept, title=title)
    return R, bridges, svg


@cache
def sample_svg(
    G: nx.Graph, R: np.ndarray, bridges: np.ndarray, mask: np.ndarray, seed: int, width: int = 560
) -> str:
    """One sparsified graph (kept edges coloured, dropped ones dotted), cached for everyone."""
    pos = viz.layout(G, seed=seed)
    return viz.graph_svg(G, R, pos=pos, bridges=bridges, kept=mask, width=width)


def sample_panel(G, R, bridges, mask, label: str, key: str, seed: int) -> None:
    ok = metrics.preserves_connectivity(G, mask)
    kept = int(mask[bridges].sum())
    st.markdown(
        f"**{label}** · "
        + ("connected ✓" if ok else ":red[**disconnected ✗**]")
        + f" · bridges kept {kept}/{int(bridges.sum())}"
    )
    draw(sample_svg(G, R, bridges, mask, seed), key)


@cache
def bridges_count(G: nx.Graph) -> int:
    return int(metrics.bridge_mask(G).sum())


pct = functools.partial(formatting.pct, digits=0)  # the lesson's numbers: whole percent


def ci(v: dict, name: str = "connectivity") -> str:
    lo, hi = v[f"{name}_ci"]
    return f"{pct(v[name])} [{pct(lo)}, {pct(hi)}]"


def train_controls(
    state: dict,
    *,
    key: str,
    label: str = "Train both models",
    when_trained: Callable[[], None] | None = None,
) -> None:
    """Train / Pause buttons and the live view (queue place, progress, curves, and
    ``when_trained()`` once trained: see ``duel_panel.live_panel``)."""
    duel, busy = state["duel"], state["train_ticket"] is not None
    row = st.container(horizontal=True)
    row.button(
        label,
        key=f"{key}_train",
        type="primary",
        icon=":material/play_arrow:",
        disabled=duel.done or busy,
        on_click=ui.train,
        args=(state, duel.config.train.steps),
    )
    row.button(
        "Pause",
        key=f"{key}_pause",
        icon=":material/pause:",
        disabled=not busy,
        on_click=ui.pause,
        args=(state,),
    )
    ui.live_panel(
        state,
        chart_key=f"{key}_curves",
        idle_hint="Press **Train**: both models train side by side and the curves appear here.",
        when_trained=when_trained,
    )


def last_rows(duel) -> dict[str, dict]:
    """Each model's last history row."""
    return {m: [r for r in duel.history if r["method"] == m][-1] for m in ("standard", "spectral")}
