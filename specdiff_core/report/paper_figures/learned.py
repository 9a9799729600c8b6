"""Plotly figures of the trained models in the paper's regimes: protocol beside trained
models per paper graph, and the eps x lambda maps of ``paper_learned_map``."""

from __future__ import annotations

import math
from typing import Any

from ..plotting import CONNECTED_HEATMAP, SHARE_AXIS, side_by_side
from ..styles import LEARNED_ROWS, error_bars


def learned_figures(res: dict[str, Any]) -> dict[str, Any]:
    """Grouped bars per paper graph: protocol vs trained (top-k, each regime)."""
    import plotly.graph_objects as go

    figs = {}
    for st in res["settings"]:
        fig = go.Figure()
        rows = [r for r in LEARNED_ROWS if r not in ("random", "oracle")]
        labels = [LEARNED_ROWS[r][0].split(":")[0] for r in rows]
        proto = [st["protocol"].get(LEARNED_ROWS[r][1] or "", {}).get("connectivity") for r in rows]
        fig.add_bar(x=labels, y=proto, name="protocol (ours)", marker_color="#999999")
        for regime, colour in (("rare", "#D55E00"), ("oracle", "#0072B2")):
            by = st["trained"].get(regime, {}).get("topk", {})
            if not by:
                continue
            vals = [by.get(r, {}).get("connectivity") for r in rows]
            cis = [by.get(r, {}).get("connectivity_ci", [math.nan, math.nan]) for r in rows]
            fig.add_bar(
                x=labels,
                y=vals,
                name=f"trained, {regime} regime (top ρ|E|)",
                marker_color=colour,
                error_y=error_bars([math.nan if v is None else v for v in vals], cis),
            )
        fig.update_layout(
            barmode="group",
            title=f"{st['label']}: connected (trained: 95% t-interval over seeds)",
            yaxis=SHARE_AXIS,
            height=380,
            legend={"orientation": "h", "y": -0.3},
        )
        figs[f"learned_{st['exp']}_{st['k']}"] = fig
    return figs


def learned_map_figure(res: dict[str, Any]) -> Any:
    names = ("standard", "spectral", "spectral_pos", "score_shift")
    fig = side_by_side(*(LEARNED_ROWS[m][0][:28] for m in names))
    for col, m in enumerate(names, start=1):
        z = [[c["mean"] for c in row] for row in res["connectivity"][m]]
        fig.add_heatmap(
            x=[f"{e:g}" for e in res["eps"]],
            y=[f"{lam:g}" for lam in res["lam"]],
            z=z,
            showscale=col == 4,
            row=1,
            col=col,
            **CONNECTED_HEATMAP,
        )
    fig.update_xaxes(title_text="eps", type="category")
    fig.update_yaxes(title_text="λ", type="category", row=1, col=1)
    fig.update_layout(height=360, title="trained models, rare regime, top ρ|E| decoding")
    return fig
