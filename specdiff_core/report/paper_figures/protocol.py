"""Plotly figures of the paper's protocol (the app and report.html): Tables 1 and 2 beside
the paper's figures, Exp III's thickness curves, Exp IV's logits and the regime maps."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ...experiments.protocol import PAPER_THICKNESS
from ..plotting import CONNECTED_HEATMAP, SHARE_AXIS, labelled_line, side_by_side
from ..styles import EXP_TITLE, PROTOCOL_COLOUR, error_bars, protocol_label


def protocol_bars(table: dict[str, Any], title: str) -> Any:
    """Connectivity and RSE per method: ours (95% interval) beside the paper's figure."""
    keys = list(table["methods"])
    labels = [protocol_label(k, table["methods"][k]) for k in keys]
    fig = side_by_side("connected", "relative spectral error")
    for col, metric, ci_key in ((1, "connectivity", "connectivity_ci"), (2, "rse_mean", "rse_ci")):
        vals = [table["methods"][k][metric] for k in keys]
        cis = [table["methods"][k][ci_key] for k in keys]
        fig.add_bar(
            x=labels,
            y=vals,
            name="ours",
            legendgroup="ours",
            showlegend=col == 1,
            marker_color=[PROTOCOL_COLOUR.get(table["methods"][k].get("method", k)) for k in keys],
            marker_line={"color": "#222", "width": 1},
            error_y=error_bars(vals, cis),
            row=1,
            col=col,
        )
        paper = [table["methods"][k].get("paper", {}).get(metric) for k in keys]
        fig.add_scatter(
            x=labels,
            y=paper,
            mode="markers",
            name="paper",
            legendgroup="paper",
            showlegend=col == 1,
            marker={"symbol": "line-ew-open", "size": 34, "color": "#111", "line": {"width": 3}},
            hovertemplate="paper %{y:.3f}<extra></extra>",
            row=1,
            col=col,
        )
    fig.update_yaxes(SHARE_AXIS, row=1, col=1)
    fig.update_yaxes(range=[0, 1.05], row=1, col=2)
    fig.update_layout(
        title=title,
        height=400,
        legend={"orientation": "h", "y": -0.3},
        margin={"t": 60, "b": 10},
    )
    return fig


def thickness_figure(th: dict[str, Any], variants: Sequence[dict[str, Any]] = ()) -> Any:
    """Connectivity against thickness: the default reading with intervals, the other
    readings thin, and the paper's transition marked."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for m, dash in (("standard", "dash"), ("weighted", "solid")):
        vals, cis = th[m], th[f"{m}_ci"]
        fig.add_scatter(
            x=th["k"],
            y=vals,
            name=f"{m} ({th['layout']}, unit {th['unit']:g})",
            mode="lines+markers",
            line={"color": PROTOCOL_COLOUR[m], "dash": dash, "width": 3},
            error_y=error_bars(vals, cis),
        )
    for v in variants:
        if v["default"]:
            continue
        for m, dash in (("standard", "dash"), ("weighted", "solid")):
            fig.add_scatter(
                x=v["k"],
                y=v[m],
                name=f"{m} ({v['layout']}, unit {v['unit']:g})",
                mode="lines",
                line={"color": PROTOCOL_COLOUR[m], "dash": dash, "width": 1},
                opacity=0.45,
                visible="legendonly",
            )
    if th.get("at_paper_settings", True):
        at = PAPER_THICKNESS["transition"]
        labelled_line(fig.add_vline, at, "paper: standard's transition", "top left")
    fig.update_layout(
        title="Exp III: connected vs thickness k (other readings in the legend)",
        xaxis_title="k parallel edges",
        yaxis={"range": [-0.02, 1.05], "tickformat": ".0%", "title": "connected"},
        height=420,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def single_logit_figure(dyn: dict[str, Any]) -> Any:
    """Exp IV: p over SGD steps per seed (thin) and their mean (bold), with both closed
    forms and the paper's claim."""
    import plotly.graph_objects as go

    fig = go.Figure()
    steps = dyn["steps"]
    for m, colour in (("standard", PROTOCOL_COLOUR["standard"]), ("weighted", "#0072B2")):
        traj = np.array(dyn[m])  # (seeds, steps)
        for row in traj:
            fig.add_scatter(
                x=steps,
                y=row,
                mode="lines",
                line={"color": colour, "width": 0.6},
                opacity=0.35,
                showlegend=False,
                hoverinfo="skip",
            )
        fig.add_scatter(
            x=steps,
            y=traj.mean(axis=0),
            mode="lines",
            name=f"{m}: mean over {len(traj)} seeds",
            line={"color": colour, "width": 3, "dash": "dash" if m == "standard" else "solid"},
        )
    fp, fps = dyn["fixed_point"], dyn["fixed_point_standard"]
    labelled_line(fig.add_hline, fp, f"closed form p* = {fp:.3f}", "bottom right", colour="#0072B2")
    labelled_line(fig.add_hline, fps, f"ε = {fps:g}", "top right", colour="#D55E00")
    if "paper" in dyn:
        paper = dyn["paper"]["weighted"]
        labelled_line(fig.add_hline, paper, "paper: weighted p → 1", "bottom left", dash="dash")
    fig.update_layout(
        title="Exp IV: a single logit under SGD",
        xaxis_title="SGD step",
        yaxis={"range": [0, 1.05], "title": "p = sigmoid(θ)"},
        height=400,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def regime_map_figure(rm: dict[str, Any], axis: str = "lam") -> Any:
    """Heatmaps of connectivity, standard beside weighted, over eps x lambda (``axis =
    "lam"``, with the analytic rescue boundary) or eps x rho (``axis = "rho"``)."""
    ys = rm[axis]
    fig = side_by_side("standard: S = P_freq", "weighted: S = P_freq + λR")
    for col, m in ((1, "standard"), (2, "weighted")):
        z = rm[f"{m}_eps_{axis}"]
        fig.add_heatmap(
            x=rm["eps"],
            y=list(range(len(ys))) if axis == "lam" else ys,  # lambda: one row per value
            z=z,
            showscale=col == 2,
            text=[[f"{y:g}"] * len(rm["eps"]) for y in ys],
            hovertemplate="eps %{x}<br>" + axis + " %{text}<br>connected %{z:.0%}<extra></extra>",
            row=1,
            col=col,
            **CONNECTED_HEATMAP,
        )
    if axis == "lam":
        lam_pos = {lam: i for i, lam in enumerate(ys)}
        bx, by = [], []
        for e, b in zip(rm["eps"], rm["boundary_lam"], strict=True):
            if math.isfinite(b) and b <= max(ys):
                bx.append(e)
                by.append(_category_position(b, ys, lam_pos))
        fig.add_scatter(
            x=bx,
            y=by,
            mode="lines",
            name="analytic rescue boundary λ*",
            line={"color": "#F0E442", "width": 3},
            row=1,
            col=2,
        )
        for col in (1, 2):
            fig.update_yaxes(
                tickvals=list(range(len(ys))),
                ticktext=[f"{y:g}" for y in ys],
                title_text="λ",
                row=1,
                col=col,
            )
    else:
        fig.update_yaxes(title_text="ρ (kept share of edges)", row=1, col=1)
    fig.update_xaxes(title_text="eps (bridge's frequency in the data)")
    fig.update_layout(height=420, legend={"orientation": "h", "y": -0.25}, margin={"t": 40})
    return fig


def _category_position(value: float, ys: Sequence[float], pos: dict[float, int]) -> float:
    """Where ``value`` falls on a categorical lambda axis (linear between categories)."""
    for lo, hi in zip(ys[:-1], ys[1:], strict=True):
        if lo <= value <= hi:
            return pos[lo] + (value - lo) / (hi - lo) if hi > lo else pos[lo]
    return float(pos[ys[0]])


def protocol_figures(res: dict[str, Any]) -> dict[str, Any]:
    figs: dict[str, Any] = {}
    for name in ("barbell", "asymmetric_chain"):
        if name in res:
            figs[name] = protocol_bars(res[name], f"{EXP_TITLE[name]}: ours (95% CI) vs the paper")
    if "thickness" in res:
        figs["thickness"] = thickness_figure(res["thickness"], res.get("thickness_variants", ()))
    if "dynamics" in res:
        figs["dynamics"] = single_logit_figure(res["dynamics"])
    if "regime_map" in res:
        figs["regime_map"] = regime_map_figure(res["regime_map"], "lam")
        figs["regime_map_rho"] = regime_map_figure(res["regime_map"], "rho")
    return figs
