"""Lesson: the story in nine steps, each with a short text, one thing to poke, and a
check-your-understanding question with feedback.

Links: ``/lesson?step=<slug or number>`` opens a step; each step's setting is in the
address too (``lesson_ring``, ``lesson_chords``, ``lesson_k``, ...). ``steps_hide=true``
and ``quiz_hide=true`` take the step picker and the questions away (specdiff_app/classroom.py
lists every flag); ``duel_steps``, ``duel_lam``, ``duel_regime`` (``oracle`` or ``rare``),
``duel_eps`` and ``duel_decoder`` (``chain`` or ``topk``) change the duel the lesson trains.
The duel is the Diffusion Duel page's (same settings, same session state): train it in
either place and both show it.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import streamlit as st

from specdiff_app import duel_panel as ui
from specdiff_app.boot import through_app
from specdiff_app.classroom import FLAGS, flag, job_pool, queue_text, session_id, style_figure
from specdiff_core import (
    experiments,
    graphs,
    metrics,
    report,
    resistance,
    server,
    viz,
)
from specdiff_core.errors import SpecDiffError
from specdiff_core.experiments import protocol, store
from specdiff_core.server import PoolFull
from specdiff_core.training import make_example

through_app()  # first: a deep link on a fresh server runs this page alone

ss = st.session_state
seed = int(ss["seed"])
HASH = {nx.Graph: graphs.graph_fingerprint}
cache = st.cache_data(max_entries=64, show_spinner=False, hash_funcs=HASH)

STEPS = [  # slug, short label (step picker), title
    ("reff", "Resistance", "Effective resistance: how many ways around?"),
    ("bridge", "Bridge", "A bridge: the edge with no way around"),
    ("predict", "Predict", "Predict: what will a standard model learn?"),
    ("run", "Train", "Run it: train both models"),
    ("fail", "Fail", "See it fail: sparsify a new graph"),
    ("why", "Why", "Why: gradient starvation"),
    ("fix", "Fix", "The fix: weight each edge by its resistance"),
    ("rare", "Two rares", "Rare in the graph, or rare in the data?"),
    ("own", "Your graph", "Try it on your own graph"),
]
SLUGS = [s for s, _, _ in STEPS]
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


# ------------------------------------------------------------------------------- helpers


def parse_step(raw: str | None) -> int | None:
    if raw is None:
        return None
    raw = raw.strip().lower()
    if raw in SLUGS:
        return SLUGS.index(raw)
    if raw.isdigit() and 1 <= int(raw) <= len(STEPS):
        return int(raw) - 1
    return None


def go(i: int) -> None:
    ss["lesson_step"] = max(0, min(i, len(STEPS) - 1))
    st.query_params["step"] = SLUGS[ss["lesson_step"]]


def url_value(name: str, options: list, default):
    raw = st.query_params.get(name)
    for o in options:
        try:
            if raw is not None and float(raw) == float(o):
                return o
        except ValueError:
            return default
    return default


def url_text(name: str, options: list[str], default: str) -> str:
    raw = st.query_params.get(name)
    return raw if raw in options else default


def quiz(slug: str, question: str, options: list[str], correct: int | None, right: str, wrong: str):
    """A check-your-understanding question; feedback appears once an answer is picked.
    ``correct=None``: a prediction (no right answer yet), the answer is just recorded."""
    if flag("quiz_hide"):
        return None
    with st.container(border=True, key=f"lesson_quiz_{slug}"):
        st.markdown(
            "**Check your understanding**" if correct is not None else "**Your prediction**"
        )
        choice = st.radio(question, options, index=None, key=f"lesson_q_{slug}")
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


def sample_panel(G, R, bridges, mask, label: str, key: str) -> None:
    ok = metrics.preserves_connectivity(G, mask)
    kept = int(mask[bridges].sum())
    st.markdown(
        f"**{label}** · "
        + ("connected ✓" if ok else ":red[**disconnected ✗**]")
        + f" · bridges kept {kept}/{int(bridges.sum())}"
    )
    draw(sample_svg(G, R, bridges, mask, seed), key)


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def ci(v: dict, name: str = "connectivity") -> str:
    lo, hi = v[f"{name}_ci"]
    return f"{pct(v[name])} [{pct(lo)}, {pct(hi)}]"


# ------------------------------------------------------------------------ the lesson duel

D = ui.DEFAULT
duel_steps = url_value("duel_steps", ui.STEP_OPTIONS, D["steps"])
duel_lam = url_value("duel_lam", ui.LAMBDA_OPTIONS, D["lam"])
duel_regime = url_text("duel_regime", ui.REGIME_OPTIONS, D["regime"])
duel_eps = url_value("duel_eps", ui.EPS_OPTIONS, D["eps"])
duel_decoder = url_text("duel_decoder", ui.DECODER_OPTIONS, D["decoder"])
RARE = duel_regime == "rare"
K = D["k"]


def duel_state(lam: float = duel_lam) -> dict:
    key = ui.duel_key("barbell", duel_steps, lam, seed, duel_regime, duel_eps)
    state = ui.duel_state(key)
    ui.collect(state)
    if state["duel"].done:  # so the samples are ready when they are wanted
        ui.request_samples(state, K, seed, duel_decoder)
    return state


def train_controls(
    state: dict, *, key: str, label: str = "Train both models", when_trained=None
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
    return {m: [r for r in duel.history if r["method"] == m][-1] for m in ("standard", "spectral")}


# -------------------------------------------------------------------------------- the page

step = parse_step(st.query_params.get("step"))
if step is not None:
    ss["lesson_step"] = step
step = ss.setdefault("lesson_step", 0)
if st.query_params.get("step") != SLUGS[step]:
    st.query_params["step"] = SLUGS[step]
slug, short, title = STEPS[step]

if not flag("steps_hide"):
    ss["lesson_nav"] = step
    st.segmented_control(
        "Lesson step",
        range(len(STEPS)),
        format_func=lambda i: f"{i + 1} {STEPS[i][1]}",
        key="lesson_nav",
        required=True,
        label_visibility="collapsed",
        on_change=lambda: go(ss["lesson_nav"]),
    )
st.header(f"{step + 1}. {title}", anchor=False)


def step_reff() -> None:
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
    R, bridges, svg = graph_view(G, seed, f"Ring of {n} with {chords} shortcut(s)")
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
        slug,
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


def step_bridge() -> None:
    st.markdown(
        "A **bridge** is an edge whose removal splits the graph in two. There is no way "
        "around it, so its effective resistance is exactly **1**. Inside a clique K_k every "
        "pair is joined directly and through k − 2 two-step paths: R = 2/k."
    )
    left, right = st.columns([1, 1.25], gap="large")
    k = left.slider("Clique size k", 3, 20, 8, key="lesson_k", bind="query-params")
    G = graphs.build_graph(graphs.GraphSpec.of_family("barbell", k1=k, k2=k), seed=seed).graph
    R, bridges, svg = graph_view(G, seed, f"Two K{k} joined by one bridge (dashed)")
    m = left.columns(2)
    m[0].metric("R_eff of the bridge", f"{R[bridges].max():.3f}")
    m[1].metric("R_eff in a clique", f"{R[~bridges].mean():.3f}", help=f"2/k = {2 / k:.3f}")
    m = left.columns(2)
    m[0].metric("Edges", G.number_of_edges())
    m[1].metric("Bridge's share", f"{100 / G.number_of_edges():.1f}%", help="1 / |E|")
    with right:
        draw(svg, "lesson_graph")
    quiz(
        slug,
        "Make the cliques bigger. What happens to the bridge's effective resistance?",
        ["It shrinks like 2/k", "It stays exactly 1", "It grows with k"],
        1,
        "Nothing can replace a bridge, however big the cliques get. But its share of the "
        "edges, 1/|E|, shrinks: the bigger the graph, the rarer the one edge that matters.",
        "A bridge has no way around it at any size: try k = 3 and k = 20.",
    )


def step_predict() -> None:
    if RARE:
        st.markdown(
            "We train a diffusion model to **sparsify** barbells from examples in which the "
            f"bridge is **rare in the data**: each example keeps it with probability "
            f"{duel_eps:.0%} and every other edge with 95% (the paper's regime). The standard "
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
        seed,
        duel_regime,
        ui.duel_key("barbell", duel_steps, duel_lam, seed, duel_regime, duel_eps)[5],
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
            if RARE
            else "always kept."
        )
    )
    with right:
        draw(
            sample_svg(ex.graph, ex.resistance, ex.bridges, mask, seed, 1000),
            "lesson_graph",
        )
    quiz(
        slug,
        "How often will the standard model keep the bridge when it sparsifies a new barbell?",
        [
            "Always, like its teacher" if not RARE else "Always: it is a bridge",
            "About as often as any other edge (roughly 60% of the time)"
            if not RARE
            else f"About as often as the examples do ({duel_eps:.0%})",
            "Never",
        ],
        None,
        f"Noted. Step 5 will tell. (The bridge is 1 of the {ex.m} edges in this example.)",
        "",
    )


def step_run() -> None:
    st.markdown(
        "Both models get the same network, the same initial weights, the same batches and "
        f"noise, and the same {duel_steps} training steps. Only the loss differs: the "
        f"**standard** loss counts every edge the same; the **spectrally-weighted** loss "
        f"counts edge *e* as 1 + {duel_lam:g}·R_e. Watch the middle panel: how likely each "
        "model is to keep the bridge (solid) and other edges (dotted)."
    )
    state = duel_state()

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
        slug,
        "After training, which model gives the bridge a high keep-probability (0.8 or more)?",
        ["Only the standard model", "Only the spectrally-weighted model", "Neither", "Both"],
        correct,
        "That is what the middle panel shows at the last step.",
        "Read the solid lines of the middle panel at the last step.",
    )


def step_fail() -> None:
    st.markdown(
        "Each trained model now sparsifies a barbell it has **never seen**, "
        f"{K} times. Dashed: the bridge. A dotted red bridge with a cross was dropped, and "
        "the graph fell apart."
    )
    state = duel_state()
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
        slug,
        "How does the standard model compare with the structure-blind uniform sparsifier?",
        ["Clearly better", "About the same (their intervals overlap)", "Clearly worse"],
        correct,
        f"Standard {ci(s)} vs uniform {ci(u)}. A model trained by likelihood learned the "
        f"abundant thing, keeping about {pct(s['edge_retention'])} of edges, and the bridge "
        f"survived in {pct(s['bridge_survival'])} of its samples.",
        f"Compare the numbers: standard {ci(s)}, uniform {ci(u)}.",
    )


def step_why() -> None:
    st.markdown(
        "The standard loss is an **average over all |E| edges**. The bridge is one term of "
        "|E|, and the shared parameters are pulled toward what the *other* edges need. "
        "Weighting the terms by 1 + λ·R_e gives the bridge (R = 1) a bigger say than a "
        "clique edge (R = 2/k). Below: its share of the loss's terms, then what it actually "
        "received of the gradient in your duel."
    )
    k = st.slider("Clique size k", 3, 20, 8, key="lesson_why_k", bind="query-params")
    E, n, lam = k * (k - 1) + 1, 2 * k, float(duel_lam)
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
    state = duel_state()
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
        slug,
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


def step_fix() -> None:
    st.markdown(
        "The fix changes one line of the training loss: edge *e*'s term is weighted by "
        "**w_e = 1 + λ·R_e**. R_eff is needed only while training; sampling a new graph costs "
        "exactly what the standard model costs. Choose λ and train: λ = 0 is no fix at all."
    )
    options = [0.0, 1.0, 3.0, 10.0, 30.0]
    lam = st.columns([1, 1.5])[0].select_slider(
        "λ",
        options,
        value=float(duel_lam) if float(duel_lam) in options else 10.0,
        key="lesson_fix_lam",
        bind="query-params",
    )
    state = duel_state(float(lam))
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
        slug,
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


def step_own() -> None:
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
    try:
        G = graphs.build_graph(spec, seed=seed).graph
        if G.number_of_edges() > OWN_MAX_EDGES or G.number_of_edges() < 1:
            raise SpecDiffError(
                f"this lesson samples graphs of 1 to {OWN_MAX_EDGES} edges; yours has "
                f"{G.number_of_edges()} (use the CLI for larger ones)"
            )
    except SpecDiffError as exc:
        st.error(str(exc))
        return
    R, bridges, svg = graph_view(
        G, seed, f"Your graph: {G.number_of_edges()} edges, {int(bridges_count(G))} bridge(s)"
    )
    state = duel_state()
    duel = state["duel"]
    if not duel.done:
        draw(svg, "lesson_graph")
        st.info("Train the models first (step 4); then they can sparsify this graph.")
    else:
        result = own_samples(state, G)
        if result is None:
            draw(svg, "lesson_graph")
        else:
            board = result.board
            i = st.slider("Sample", 1, K, 1, key="lesson_own_sample") - 1
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
                    )
            m = st.columns(3)
            for col, name in zip(m, ("standard", "spectral", "oracle"), strict=True):
                v = board[name]
                col.metric(
                    f"{report.METHOD_LABEL[name]}: bridges kept",
                    pct(v["bridge_survival"]) if bridges.any() else "no bridges",
                    help=f"Samples that stayed connected: {ci(v)}",
                )
    quiz(
        slug,
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


def step_rare() -> None:
    st.markdown(
        (
            f"This lesson's duel already trains with the bridge **rare in the data** (in "
            f"{duel_eps:.0%} of the examples). The default duel makes it **rare in the "
            "graph**: every example keeps it, but it is one edge of dozens. "
            if RARE
            else "Our duel made the bridge **rare in the graph**: every example kept it, but "
            "it is one edge of dozens. "
        )
        + "The paper's own experiments make it **rare in the data**: the "
        "bridge appears in only 5% of the training examples, every clique edge in 95%. A "
        "model that matches each edge's frequency (what likelihood training converges to) "
        "then *should* drop the bridge. The paper simulates this by scoring edges with their "
        "frequency, keeping the top half, and calls the score P_freq + λ·R its fix."
    )
    eps = st.select_slider(
        "How often the bridge is in the training data (eps)",
        [0.01, 0.05, 0.2, 0.5, 0.9, 0.95, 1.0],
        value=0.05,
        key="lesson_rare_eps",
        bind="query-params",
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
        slug,
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


@cache
def bridges_count(G: nx.Graph) -> int:
    return int(metrics.bridge_mask(G).sum())


@st.cache_resource(max_entries=16, show_spinner=False)
def own_example(fingerprint: str, seed: int, _G: nx.Graph):
    """R_eff, bridges and the oracle's samples of a student's graph (shared by content)."""
    return make_example(_G, budget=0.6, n_targets=1, seed=seed)


def own_samples(state: dict, G: nx.Graph):
    """Samples of G from the session's trained duel, drawn in the pool (cached by content)."""
    fp = graphs.graph_fingerprint(G)
    key = ("own", state["key"], state["duel"].step_count, fp, K, seed)
    held = ss.get("lesson_own_result")
    if held is not None and held[0] == key:
        return held[1]
    ticket = ss.get("lesson_own_ticket")
    if ticket is None or ticket[0] != key:
        if ticket is not None:
            ticket[1].cancel()
        duel, ex = state["duel"], own_example(fp, seed, G)
        try:
            t = job_pool().submit(
                server.sample_duel_job(
                    duel,
                    family="barbell",
                    seed=seed,
                    k=K,
                    sample_seed=seed,
                    example=ex,
                    regime=state["key"][4],
                    eps=state["key"][5],
                ),
                owner=session_id(),
                key=key,
                label=f"sample a student's graph ({G.number_of_edges()} edges)",
                cost=ui.SAMPLE_COST * K,
                priority=ui.SAMPLE_PRIORITY,
            )
        except PoolFull as exc:
            st.error(str(exc))
            return None
        ss["lesson_own_ticket"] = ticket = (key, t)

    @st.fragment(run_every=ui.POLL_SECONDS)
    def wait() -> None:
        with st.container():  # one slot, whatever it shows (see duel_panel.live_panel)
            show(ticket[1].poll())

    def show(view) -> None:
        if view.status == "done":
            ss["lesson_own_result"] = (key, ticket[1].result())
            ss.pop("lesson_own_ticket", None)
            st.rerun()
        elif view.status == "failed":
            st.error(f"Sampling failed: {view.error}. Other sessions are not affected.")
            ss.pop("lesson_own_ticket", None)
        else:
            st.caption("Sampling your graph: " + queue_text(view))

    wait()
    return None


{
    "reff": step_reff,
    "bridge": step_bridge,
    "predict": step_predict,
    "run": step_run,
    "fail": step_fail,
    "why": step_why,
    "fix": step_fix,
    "rare": step_rare,
    "own": step_own,
}[slug]()

if not flag("steps_hide"):
    st.divider()
    nav = st.columns([1, 1, 4])
    nav[0].button("← Back", key="lesson_back", disabled=step == 0, on_click=go, args=(step - 1,))
    nav[1].button(
        "Next →",
        key="lesson_next",
        disabled=step == len(STEPS) - 1,
        on_click=go,
        args=(step + 1,),
        type="primary",
    )
    nav[2].caption(f"Step {step + 1} of {len(STEPS)}")

if not (flag("steps_hide") or flag("present")):
    with st.expander("For teachers: links and flags", icon=":material/school:"):
        st.markdown(
            "Every step has its own address, with its settings: copy the address bar, or use "
            "`/lesson?step=<name>` with a name from "
            + ", ".join(f"`{s}`" for s in SLUGS)
            + ". Flags you can add to any link:\n\n"
            + "\n".join(f"- `{name}=true`: {what}" for name, what in FLAGS.items())
            + "\n\nA flag stays on for the student's session until a link sets it `=false`."
            " The duel the lesson trains can be changed with `duel_steps`, `duel_lam`, "
            "`duel_regime` (`oracle`: rare in the graph, `rare`: rare in the data, the "
            "paper's), `duel_eps` and `duel_decoder` (`chain` or `topk`)."
        )
