"""Plotly figures of a live duel and of its gradients (the Duel, Gradients and Lesson
pages): training curves, per-edge gradients against R_eff, the bridges' share of the
gradient and the gradient by R_eff bin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .plotting import by_model, labelled_line, method_curve, side_by_side
from .styles import METHOD_COLOUR, METHOD_LABEL, method_line


def duel_curves(history: Sequence[dict[str, Any]]) -> Any:
    """Live training curves of a duel: loss, bridges' keep-probability, gradient share."""
    fig = side_by_side(
        "training loss",
        "P(keep): bridges (thick) vs other edges (thin, dotted)",
        "bridges' share of the gradient",
    )
    for m, rows in by_model(history):
        _add_duel_traces(fig, m, rows)
    if history:
        share = float(np.mean([r["edge_share_bridge"] for r in history]))
        labelled_line(fig.add_hline, share, "share of edges", "top left", row=1, col=3)
    else:  # no axes that mean nothing (a loss from -1 to 4, steps 0 to 6): say what comes
        fig.update_xaxes(showticklabels=False)
        fig.update_yaxes(showticklabels=False, row=1, col=1)
        for col in (1, 2, 3):
            fig.add_annotation(
                text="appears when training starts",
                showarrow=False,
                font={"color": "#777"},
                xref="x domain" if col == 1 else f"x{col} domain",
                yref="y domain" if col == 1 else f"y{col} domain",
                x=0.5,
                y=0.5,
            )
    fig.update_yaxes(range=[0, 1.02], row=1, col=2)
    fig.update_yaxes(range=[0, 1.02], row=1, col=3)
    fig.update_xaxes(title_text="training step")
    fig.update_layout(  # the legend below the x-axis titles: above, it covered a title
        height=380,
        margin={"t": 40, "b": 70, "l": 10, "r": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0, "xanchor": "left"},
    )
    return fig


def _add_duel_traces(fig: Any, m: str, rows: Sequence[dict[str, Any]]) -> None:
    """One model's curves on the three panels of :func:`duel_curves` (one legend entry)."""
    x = [r["step"] for r in rows]
    style = method_line(m)

    def curve(col: int, key: str, **trace: Any) -> None:
        fig.add_scatter(x=x, y=[r[key] for r in rows], legendgroup=m, row=1, col=col, **trace)

    curve(1, "loss", name=METHOD_LABEL[m], line=style)
    curve(2, "p_keep_bridge", name=METHOD_LABEL[m], showlegend=False, line={**style, "width": 3})
    curve(
        2,
        "p_keep_other",
        showlegend=False,
        line={"color": METHOD_COLOUR[m], "dash": "dot", "width": 1},
        hoverinfo="skip",
    )
    curve(3, "grad_share_bridge", showlegend=False, line=style)


def gradient_scatter(R: np.ndarray, grads: dict[str, np.ndarray], bridges: np.ndarray) -> Any:
    """Per-edge |dL/dlogit| against R_eff, one colour per model, bridges as large diamonds."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for m, g in grads.items():
        for is_bridge in (False, True):
            sel = bridges == is_bridge
            if not sel.any():
                continue
            fig.add_scatter(
                x=R[sel],
                y=g[sel],
                mode="markers",
                name=f"{METHOD_LABEL.get(m, m)}: {'bridges' if is_bridge else 'other edges'}",
                marker={
                    "color": METHOD_COLOUR.get(m, "#333"),
                    "symbol": "diamond"
                    if is_bridge
                    else ("circle" if m == "spectral" else "square"),
                    "size": 14 if is_bridge else 7,
                    "opacity": 0.95 if is_bridge else 0.55,
                    "line": {"color": "#111", "width": 1.5 if is_bridge else 0},
                },
                hovertemplate="R_eff %{x:.3f}<br>|dL/dlogit| %{y:.2e}<extra></extra>",
            )
    fig.update_layout(
        xaxis_title="effective resistance R_eff",
        # one tick per decade as 10^k: plotly's default labels the minor ticks of a log axis
        # with bare digits ("5 4 3 2 0.001 9 8 7 ...")
        yaxis={
            "title": "mean |dL/dlogit| per edge",
            "type": "log",
            "dtick": 1,
            "exponentformat": "power",
        },
        height=380,
        margin={"t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def gradient_share_figure(history: Sequence[dict[str, Any]]) -> Any:
    """Bridges' share of the parameter-gradient norm vs their share of the edges, over steps."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for m, rows in by_model(history):
        method_curve(fig, m, [r["step"] for r in rows], [r["grad_share_bridge"] for r in rows])
    if history:
        fig.add_scatter(
            x=[r["step"] for r in history],
            y=[r["edge_share_bridge"] for r in history],
            name="bridges' share of the edges",
            mode="markers",
            marker={"color": "#555", "size": 4},
        )
    fig.update_layout(
        xaxis_title="training step",
        yaxis={"title": "share", "range": [0, 1.02], "tickformat": ".0%"},
        height=360,
        margin={"t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def rbin_figure(history: Sequence[dict[str, Any]], bins: Sequence[float]) -> Any:
    """Parameter-gradient norm by R_eff bin at the latest logged step, per model."""
    import plotly.graph_objects as go

    fig = go.Figure()
    labels = [f"{lo:.2f}–{min(hi, 1.0):.2f}" for lo, hi in zip(bins[:-1], bins[1:], strict=True)]
    for m, rows in by_model(history):
        last = rows[-1]
        fig.add_bar(
            x=labels,
            y=[last.get(f"grad_norm_rbin{i}", 0.0) for i in range(len(labels))],
            name=METHOD_LABEL[m],
            marker_color=METHOD_COLOUR[m],
            marker_pattern_shape="" if m == "spectral" else "/",
        )
    fig.update_layout(
        barmode="group",
        xaxis_title="R_eff bin",
        yaxis_title="‖∇θ L_bin‖ (latest logged step)",
        height=340,
        margin={"t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.3},
    )
    return fig
