"""Plotly figures of trained experiments (the app and report.html): bars with intervals,
fine-tuning curves, sensitivity grids, bridge kinds and training dynamics.
The live duel's figures are in :mod:`.duel_figures` (importable from here as before)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .duel_figures import duel_curves, gradient_scatter, gradient_share_figure, rbin_figure
from .markdown import all_methods
from .paper_figures import learned_figures, learned_map_figure, protocol_figures
from .plotting import SHARE_AXIS, by_model, labelled_line, method_curve, side_by_side
from .styles import (
    METHOD_COLOUR,
    METHOD_LABEL,
    METHOD_ORDER,
    METHOD_SYMBOL,
    error_bars,
    method_line,
)

__all__ = [
    "bars_figure",
    "result_figures",
    "finetune_figure",
    "grid_figure",
    "bridge_class_figure",
    "dynamics_figure",
    "duel_curves",
    "gradient_scatter",
    "gradient_share_figure",
    "rbin_figure",
]


def bars_figure(methods: dict[str, dict[str, Any]], title: str) -> Any:
    """Connectivity and bridge survival per method, with their 95% intervals."""
    import plotly.graph_objects as go

    names = [m for m in (*METHOD_ORDER, *methods) if m in methods]
    names = list(dict.fromkeys(names))
    fig = go.Figure()
    for metric, label, pattern in (
        ("connectivity", "connected", ""),
        ("bridge_survival", "bridge survival", "/"),
    ):
        vals = [methods[m][metric] for m in names]
        cis = [methods[m][f"{metric}_ci"] for m in names]
        fig.add_bar(
            name=label,
            x=[METHOD_LABEL.get(m, m) for m in names],
            y=vals,
            marker_color=[METHOD_COLOUR.get(m, "#777777") for m in names],
            marker_pattern_shape=pattern,
            marker_line={"color": "#222", "width": 1},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [c[1] - v for c, v in zip(cis, vals, strict=True)],
                "arrayminus": [v - c[0] for c, v in zip(cis, vals, strict=True)],
            },
            hovertemplate="%{x}<br>" + label + " %{y:.1%}<extra></extra>",
        )
    fig.update_layout(
        barmode="group",
        title=title,
        yaxis=SHARE_AXIS,
        height=360,
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 50, "b": 10},
    )
    return fig


def result_figures(res: dict[str, Any]) -> dict[str, Any]:
    """Plotly figures for one result: bars with CIs, and curves where present."""
    import plotly.graph_objects as go

    special = {
        "paper_protocol": protocol_figures,
        "paper_learned": learned_figures,
        "paper_learned_map": lambda r: {"map": learned_map_figure(r)},
    }.get(res.get("experiment"))
    if special is not None:
        return special(res)
    figs: dict[str, Any] = {
        "bars": bars_figure(
            all_methods(res),
            f"{res['experiment']}: ours, 95% CI (solid: connected, hatched: bridge survival)",
        )
    }
    if res.get("finetune"):
        figs["finetune"] = finetune_figure(res["finetune"])
    if res.get("grid"):
        figs["grid"] = grid_figure(res["grid"], res["experiment"])
    if res.get("bridge_classes"):
        figs["bridge_classes"] = bridge_class_figure(res["bridge_classes"])
    if res.get("series"):
        figs["dynamics"] = dynamics_figure(res["series"])
    if res.get("sweep"):
        fig = go.Figure()
        xs = [row["bridged_fraction"] for row in res["sweep"]]
        for m in ("standard", "spectral"):
            ys = [row["methods"][m]["bridge_survival"] for row in res["sweep"]]
            method_curve(fig, m, xs, ys, mode="lines+markers")
        fig.update_layout(
            title="bridge survival vs share of bridged training graphs",
            xaxis={"type": "log", "tickformat": ".0%"},
            yaxis=SHARE_AXIS,
            height=380,
        )
        figs["rarity"] = fig
    return figs


def finetune_figure(ft: dict[str, Any]) -> Any:
    """Sampled bridge survival over training steps: scratch, fine-tuned, standard."""
    import plotly.graph_objects as go

    fig = go.Figure()
    styles = {
        "standard": ("standard", "standard (from scratch)"),
        "scratch": ("spectral", "spectral (from scratch)"),
        "finetuned": ("finetuned", "standard model, then spectral fine-tuning"),
    }
    for model, (m, label) in styles.items():
        rows = sorted((r for r in ft["curve"] if r["model"] == model), key=lambda r: r["step"])
        vals = [r["bridge_survival"] for r in rows]
        fig.add_scatter(
            x=[r["step"] for r in rows],
            y=vals,
            name=label,
            mode="lines+markers",
            line={**method_line(m), "width": 2},
            marker={"symbol": METHOD_SYMBOL[m], "size": 9, "line": {"color": "#222", "width": 1}},
            error_y=error_bars(vals, [r["bridge_survival_ci"] for r in rows]),
        )
    labelled_line(fig.add_hline, ft["threshold"], "recovered", "bottom right")
    fig.update_layout(
        title="bridge survival while training (fine-tuning starts from the trained standard model)",
        xaxis_title="training steps (fine-tuning steps for the fine-tuned model)",
        yaxis={**SHARE_AXIS, "title": "bridge survival"},
        height=380,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def grid_figure(grid: Sequence[dict[str, Any]], title: str) -> Any:
    """Bridge survival of both models for each setting of a sensitivity sweep."""
    import plotly.graph_objects as go

    fig = go.Figure()
    labels = [g["label"] + (" *" if g.get("default") else "") for g in grid]
    for m in ("standard", "spectral"):
        vals = [g["methods"][m]["bridge_survival"] for g in grid]
        method_curve(
            fig,
            m,
            labels,
            vals,
            mode="markers+lines",
            marker={"symbol": METHOD_SYMBOL[m], "size": 10},
            error_y=error_bars(vals, [g["methods"][m]["bridge_survival_ci"] for g in grid]),
        )
    fig.update_layout(
        title=f"{title}: bridge survival per setting (95% CI; * = default)",
        yaxis=SHARE_AXIS,
        height=400,
        legend={"orientation": "h", "y": -0.35},
    )
    return fig


def bridge_class_figure(classes: dict[str, dict[str, Any]]) -> Any:
    """Bridge survival per kind of bridge (pendant, core, tree) and method."""
    import plotly.graph_objects as go

    fig = go.Figure()
    kinds = ("pendant", "core", "tree")
    for m in (m for m in METHOD_ORDER if m in classes):
        vals = [classes[m][k]["survival"] for k in kinds]
        fig.add_bar(
            name=METHOD_LABEL.get(m, m),
            x=[f"{k} bridges" for k in kinds],
            y=vals,
            marker_color=METHOD_COLOUR.get(m, "#777777"),
            marker_line={"color": "#222", "width": 1},
            marker_pattern_shape={
                "standard": "/",
                "spectral": "",
                "oracle": ".",
                "uniform": "x",
            }.get(m, "+"),
            error_y=error_bars(vals, [classes[m][k]["ci"] for k in kinds]),
        )
    fig.update_layout(
        barmode="group",
        title="bridge survival by kind of bridge (95% CI)",
        yaxis=SHARE_AXIS,
        height=380,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def dynamics_figure(series: Sequence[dict[str, Any]]) -> Any:
    """Bridge keep-probability and gradient share over steps (mean over seeds, band = min..max)."""
    fig = side_by_side(
        "P(keep) of bridges (probe graphs, t = T)", "bridges' share of the gradient norm"
    )
    for m, rows in by_model(series):
        steps = sorted({r["step"] for r in rows})
        for col, key in ((1, "p_keep_bridge"), (2, "grad_share_bridge")):
            vals = [[r[key] for r in rows if r["step"] == s] for s in steps]
            mean = [float(np.nanmean(v)) for v in vals]
            method_curve(fig, m, steps, mean, legendgroup=m, showlegend=col == 1, row=1, col=col)
    edge_share = [r["edge_share_bridge"] for r in series]
    if edge_share:
        share = float(np.mean(edge_share))
        labelled_line(fig.add_hline, share, "bridges' share of edges", colour=None, row=1, col=2)
    fig.update_layout(height=380, xaxis_title="training step", xaxis2_title="training step")
    return fig
