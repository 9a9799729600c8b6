"""The Diffusion Duel page's settings and its sample gallery, apart from the page so
that it reads as: settings, train, curves, samples."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd
import streamlit as st

from specdiff_core import graphs, metrics, report, viz
from specdiff_core.checkpoints import model_to_bytes
from specdiff_core.errors import CheckpointError, SpecDiffError
from specdiff_core.report import reading

from . import duel_panel as ui
from .cached import build_graph
from .classroom import flag, presenting, style_figure
from .url import canonical_numbers, number_label, url_choice

layout = st.cache_data(
    max_entries=16, show_spinner=False, hash_funcs={nx.Graph: graphs.graph_fingerprint}
)(viz.layout)


@dataclass(frozen=True)
class DuelSettings:
    family: str
    steps: int
    lam: float
    k: int  # samples per model
    regime: str
    eps: float
    decoder: str
    chunk: int  # steps one press of Step adds


def settings() -> DuelSettings:
    """The duel's settings: from the widgets, or from the address when they are hidden."""
    D = ui.DEFAULT
    if flag("settings_hide"):
        return DuelSettings(
            family=own_graph(url_choice("duel_family", ui.FAMILIES, D["family"])),
            steps=url_choice("duel_steps", ui.STEP_OPTIONS, D["steps"]),
            lam=url_choice("duel_lam", ui.LAMBDA_OPTIONS, D["lam"]),
            k=url_choice("duel_k", ui.SAMPLE_OPTIONS, D["k"]),
            regime=url_choice("duel_regime", ui.REGIME_OPTIONS, D["regime"]),
            eps=url_choice("duel_eps", ui.EPS_OPTIONS, D["eps"]),
            decoder=url_choice("duel_decoder", ui.DECODER_OPTIONS, D["decoder"]),
            chunk=50,
        )
    canonical_numbers({"duel_eps": ui.EPS_OPTIONS, "duel_lam": ui.LAMBDA_OPTIONS})
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
        format_func=number_label,
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
        "and keep the ρ|E| most probable edges (ρ = 0.5 for barbells and your graph, 0.6 for chains).",
    )
    c = box.columns([1.3, 1.2, 1.2, 1, 1])
    family = c[0].selectbox(
        "Training family",
        ui.FAMILIES,
        key="duel_family",
        bind="query-params",
        help="barbell and asymmetric_chain draw new graphs of the family for training; "
        "your_graph trains on shuffled copies of the graph chosen or drawn in Graph Lab.",
    )
    family = own_graph(family)
    steps = c[1].select_slider(
        "Training steps", ui.STEP_OPTIONS, value=D["steps"], key="duel_steps", bind="query-params"
    )
    lam = c[2].select_slider(
        "λ in w = 1 + λ·R",
        ui.LAMBDA_OPTIONS,
        value=D["lam"],
        key="duel_lam",
        bind="query-params",
        format_func=number_label,
        help="λ = 0 makes the weighted model identical to the standard one.",
    )
    k = c[3].select_slider(
        "Samples", ui.SAMPLE_OPTIONS, value=D["k"], key="duel_k", bind="query-params"
    )
    chunk = c[4].select_slider(
        "Step size", [10, 25, 50, 100], value=50, key="duel_chunk", help="Steps added by Step."
    )
    return DuelSettings(family, steps, lam, k, regime, eps, decoder, chunk)


def own_graph(family: str) -> str:
    """The duel's family name: a family's own, or for "your graph" the current graph of
    Graph Lab as a ``graph:`` family (the graph itself in the name, which is how it
    reaches the workers, the run store and the class log). A graph the duel cannot train
    on stops the page with what to change."""
    if family != "your_graph":
        return family
    spec = st.session_state["graph_spec"]
    try:
        G = build_graph(spec, seed=int(st.session_state["seed"])).graph
        return graphs.custom_family(G)
    except SpecDiffError as exc:
        st.error(
            f"**Your graph cannot be a duel's training family:** {exc}. Change it in Graph "
            "Lab, or choose barbell.",
            icon=":material/error:",
        )
        st.page_link("pages/graph-lab.py", label="Open Graph Lab", icon=":material/hub:")
        st.stop()


def own_graph_line(family: str, n_train: int) -> str | None:
    """What the duel trains on when it is the user's graph (None for the built-in
    families): the training set is shuffled copies, and the held-out graph is one more."""
    if not graphs.is_custom(family):
        return None
    return (
        f"Training on **{graphs.family_label(family)}**: {n_train} copies with their "
        "nodes shuffled, each with its own teacher targets. The held-out graph below is one "
        "more shuffled copy: with one graph there is nothing else to hold out, so this duel "
        "shows what the models learn about *this* graph, not how they generalise."
    )


def sample_gallery(state: dict[str, Any], result, k_drawn: int, seed: int) -> None:
    """Both models' samples of the held-out graph side by side, one at a time, with a
    slider over the reverse chain when the samples have one."""
    test = state["test"]
    G = test.graph
    pos = layout(G, seed=seed)
    bridges = test.bridges
    T = state["duel"].config.diffusion.T
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
                        G,
                        test.resistance,
                        pos=pos,
                        bridges=bridges,
                        kept=mask,
                        show_colorbar=False,
                        width_hint=480,  # half the page: fit the height to that, not to 820
                    )
                ),
                key=f"duel_graph_{method}",
                config={"displaylogo": False},
            )


def scoreboard(result, k_drawn: int) -> None:
    """Every method's connectivity, bridge survival, edges kept and spectral error."""
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


def keep_reading(duel, samples) -> None:
    """Why the curves' last P(keep) of the weighted model's bridge and its samples'
    bridge survival differ (when the samples are of the models the curves end at)."""
    (at_step, k_drawn, decoded_by), result = samples
    rows = [r for r in duel.history if r["method"] == "spectral"]
    if at_step != duel.step_count or not rows:
        return
    st.caption(
        reading.keep_vs_samples_line(
            p_keep=rows[-1]["p_keep_bridge"],
            survived=result.board["spectral"]["bridge_survival"],
            k=k_drawn,
            T=duel.config.diffusion.T,
            decoder=decoded_by,
            where="At the curves' last step",
        )
    )


def downloads(duel, result, family: str, seed: int) -> None:
    """The scoreboard, the training history and both models, unless downloads are hidden."""
    if flag("downloads_hide"):
        return
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
        model_download(col, duel, method, family, seed)


def model_download(col, duel, method: str, family: str, seed: int) -> None:
    """A model's download button; a model the file format refuses (weights that are not
    finite: training diverged) gets the reason in a line instead of a broken page."""
    try:
        data = model_to_bytes(
            duel.players[method].model,
            duel.config,
            method,
            duel.diffusion.keep_rate,
            {"steps": duel.step_count, "family": family, "seed": seed},
        )
    except CheckpointError as exc:
        col.caption(f"No {method} model to download: {exc}")
        return
    col.download_button(
        f"{method} model (.safetensors)",
        data,
        f"specdiff_{method}_{graphs.family_stem(family)}_s{seed}.safetensors",
        "application/octet-stream",
        key=f"dl_model_{method}",
    )
