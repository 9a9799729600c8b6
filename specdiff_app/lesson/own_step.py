"""Step 9: the trained models sparsify a graph the student picks or pastes."""

from __future__ import annotations

import networkx as nx
import streamlit as st

from specdiff_core import graphs, report, server
from specdiff_core.errors import SpecDiffError
from specdiff_core.training import make_example

from .. import duel_panel as ui
from ..classroom import job_pool, queue_text, session_id
from ..job_slot import JobSlot
from .context import Lesson
from .widgets import bridges_count, ci, draw, graph_view, pct, quiz, sample_panel

OWN_GRAPHS = {  # label -> GraphSpec
    "Barbell with unequal cliques (6 and 12)": graphs.GraphSpec.of_family("barbell", k1=6, k2=12),
    "Barbell with a 2-edge bridge path": graphs.GraphSpec.of_family(
        "barbell", k1=8, k2=8, bridge_length=1
    ),
    "Chain of cliques": graphs.GraphSpec.of_family("asymmetric_chain"),
    "Karate club": graphs.GraphSpec.of_family("karate_club"),
    "Paste an edge list": None,
}
OWN_MAX_EDGES = 400  # sampling cost grows with the edges; larger graphs: use the CLI
PASTE_EXAMPLE = "a b\nb c\nc a\nc d\nd e\ne f\nf d\n"
SLOT = JobSlot("lesson_own", failure="Sampling failed")


def own(lesson: Lesson) -> None:
    st.markdown(
        "Pick a graph (or paste your own edge list, one `u v` per line). Both trained models "
        "sparsify it; bridges are dashed and a dropped one gets a cross. The models were "
        "trained on barbells only, so this tests how far what they learned carries."
    )
    choice = st.selectbox("Graph", list(OWN_GRAPHS), key="lesson_own", bind="query-params")
    spec = OWN_GRAPHS[choice]
    if spec is None:
        text = st.text_area("Edge list", PASTE_EXAMPLE, key="lesson_paste", height=140)
        spec = graphs.GraphSpec(kind="paste", data=text.encode())
    G = _students_graph(spec, lesson.seed)
    if G is not None:
        _sample_it(lesson, G)
    quiz(
        "own",
        "Which of these is guaranteed to keep every bridge of your graph?",
        [
            "The standard model",
            "The spectrally-weighted model",
            "The Spectral Oracle: it keeps each bridge with probability 1",
        ],
        2,
        "The oracle computes R_eff for the graph in front of it, and p = 1 for a bridge. The "
        "weighted model *learned* to keep bridges, which works well on graphs like its "
        "training data but is not a guarantee.",
        "A learned model can be wrong; which one computes R_eff for your graph?",
    )


def _students_graph(spec: graphs.GraphSpec, seed: int) -> nx.Graph | None:
    """The graph the student chose, or None after saying what is wrong with it."""
    try:
        G = graphs.build_graph(spec, seed=seed).graph
        if G.number_of_edges() > OWN_MAX_EDGES or G.number_of_edges() < 1:
            raise SpecDiffError(
                f"this lesson samples graphs of 1 to {OWN_MAX_EDGES} edges; yours has "
                f"{G.number_of_edges()} (use the CLI for larger ones)"
            )
    except SpecDiffError as exc:
        st.error(str(exc))
        return None
    return G


def _sample_it(lesson: Lesson, G: nx.Graph) -> None:
    """The student's graph, then both trained models' samples of it with a scoreboard."""
    R, bridges, svg = graph_view(
        G,
        lesson.seed,
        f"Your graph: {G.number_of_edges()} edges, {int(bridges_count(G))} bridge(s)",
    )
    state = lesson.duel_state()
    duel = state["duel"]
    if not duel.done:
        draw(svg, "lesson_graph")
        st.info("Train the models first (step 4); then they can sparsify this graph.")
    else:
        result = own_samples(lesson, state, G)
        if result is None:
            draw(svg, "lesson_graph")
        else:
            board = result.board
            i = st.slider("Sample", 1, lesson.k, 1, key="lesson_own_sample") - 1
            cols = st.columns(2, gap="large")
            for col, method in zip(cols, ("standard", "spectral"), strict=True):
                with col:
                    sample_panel(
                        G,
                        R,
                        bridges,
                        result.samples[method].masks[i],
                        report.METHOD_LABEL[method],
                        f"lesson_own_{method}",
                        seed=lesson.seed,
                    )
            m = st.columns(3)
            for col, name in zip(m, ("standard", "spectral", "oracle"), strict=True):
                v = board[name]
                col.metric(
                    f"{report.METHOD_LABEL[name]}: bridges kept",
                    pct(v["bridge_survival"]) if bridges.any() else "no bridges",
                    help=f"Samples that stayed connected: {ci(v)}",
                )


@st.cache_resource(max_entries=16, show_spinner=False)
def own_example(fingerprint: str, seed: int, _G: nx.Graph):
    """R_eff, bridges and the oracle's samples of a student's graph (shared by content)."""
    return make_example(_G, budget=0.6, n_targets=1, seed=seed)


def own_samples(lesson: Lesson, state: dict, G: nx.Graph):
    """Samples of G from the session's trained duel, drawn in the pool (cached by content);
    None while they are being drawn."""
    fp = graphs.graph_fingerprint(G)
    key = ("own", state["key"], state["duel"].step_count, fp, lesson.k, lesson.seed)
    held = SLOT.result(key)
    if held is not None:
        return held
    ticket = SLOT.ticket(key)
    if ticket is None:
        job = server.sample_duel_job(
            state["duel"],
            family="barbell",
            seed=lesson.seed,
            k=lesson.k,
            sample_seed=lesson.seed,
            example=own_example(fp, lesson.seed, G),
            regime=state["key"][4],
            eps=state["key"][5],
        )
        ticket = SLOT.submit(
            key,
            lambda: job_pool().submit(
                job,
                owner=session_id(),
                key=key,
                label=f"sample a student's graph ({G.number_of_edges()} edges)",
                cost=ui.SAMPLE_COST * lesson.k,
                priority=ui.SAMPLE_PRIORITY,
            ),
        )
    if ticket is not None:
        SLOT.watch(ticket, lambda view, _: st.caption("Sampling your graph: " + queue_text(view)))
    return None
