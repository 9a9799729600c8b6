"""Steps 1-2: effective resistance on a ring, and the bridge of a barbell."""

from __future__ import annotations

import streamlit as st

from specdiff_core import graphs

from .context import Lesson
from .widgets import draw, graph_view, quiz, ring_with_shortcuts


def reff(lesson: Lesson) -> None:
    st.markdown(
        "Think of every edge as a 1-ohm resistor. The **effective resistance** R_uv of an "
        "edge is what you would measure between its two ends: close to **1** when the edge "
        "is the only easy way between them, **small** when there are many other short routes. "
        "(It is also the chance that the edge belongs to a random spanning tree.)"
    )
    left, right = st.columns([1, 1.25], gap="large")
    n = left.slider("Ring size", 4, 16, 10, key="lesson_ring", bind="query-params")
    chords = left.slider(
        "Shortcuts across the ring",
        0,
        6,
        0,
        key="lesson_chords",
        bind="query-params",
        help="Each shortcut joins a node to the one opposite it.",
    )
    G = ring_with_shortcuts(int(n), int(chords))
    R, bridges, svg = graph_view(G, lesson.seed, f"Ring of {n} with {chords} shortcut(s)")
    m = left.columns(3)
    m[0].metric("Largest R_eff", f"{R.max():.3f}")
    m[1].metric("Smallest R_eff", f"{R.min():.3f}")
    m[2].metric("Sum over edges", f"{R.sum():.2f}", help="Foster's theorem: always n − 1.")
    left.caption(
        f"With no shortcut every ring edge has R = (n−1)/n = {(n - 1) / n:.3f}: the only other "
        "way round is the long way. Hover an edge for its value."
    )
    with right:
        draw(svg, "lesson_graph")
    quiz(
        "reff",
        "You add shortcuts. What happens to the effective resistance of the ring's edges?",
        [
            "It goes up: there are more edges to share the current",
            "It goes down: each edge now has more (and shorter) routes around it",
            "It stays the same: each edge is still one resistor",
        ],
        1,
        "More routes around an edge means less of the current has to use it. Foster's theorem "
        "says the R_eff of all edges always add up to n − 1, so more edges spread that total "
        "thinner.",
        "Move the shortcut slider and watch the metrics: the largest R_eff drops.",
    )


def bridge(lesson: Lesson) -> None:
    st.markdown(
        "A **bridge** is an edge whose removal splits the graph in two. There is no way "
        "around it, so its effective resistance is exactly **1**. Inside a clique K_k every "
        "pair is joined directly and through k − 2 two-step paths: R = 2/k."
    )
    left, right = st.columns([1, 1.25], gap="large")
    k = left.slider("Clique size k", 3, 20, 8, key="lesson_k", bind="query-params")
    G = graphs.build_graph(
        graphs.GraphSpec.of_family("barbell", k1=k, k2=k), seed=lesson.seed
    ).graph
    R, bridges, svg = graph_view(G, lesson.seed, f"Two K{k} joined by one bridge (dashed)")
    m = left.columns(2)
    m[0].metric("R_eff of the bridge", f"{R[bridges].max():.3f}")
    m[1].metric("R_eff in a clique", f"{R[~bridges].mean():.3f}", help=f"2/k = {2 / k:.3f}")
    m = left.columns(2)
    m[0].metric("Edges", G.number_of_edges())
    m[1].metric("Bridge's share", f"{100 / G.number_of_edges():.1f}%", help="1 / |E|")
    with right:
        draw(svg, "lesson_graph")
    quiz(
        "bridge",
        "Make the cliques bigger. What happens to the bridge's effective resistance?",
        ["It shrinks like 2/k", "It stays exactly 1", "It grows with k"],
        1,
        "Nothing can replace a bridge, however big the cliques get. But its share of the "
        "edges, 1/|E|, shrinks: the bigger the graph, the rarer the one edge that matters.",
        "A bridge has no way around it at any size: try k = 3 and k = 20.",
    )
