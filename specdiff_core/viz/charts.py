"""Plotly charts of per-edge values rather than of the graph: the R_eff histogram (bridges
stacked on top) and approximate against exact R_eff."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .common import _bridges_or_none, _chart_colours, _histogram_data


def reff_histogram(
    values: np.ndarray,
    *,
    bridges: np.ndarray | None = None,
    value_label: str = "R_eff",
    nbins: int = 40,
    height: int = 320,
) -> go.Figure:
    """Histogram of a per-edge value, bridges stacked on top in a hatched, dark bar."""
    values, is_bridge, hi = _histogram_data(values, bridges)
    size = hi / nbins
    mid_colour, dark = _chart_colours()
    fig = go.Figure()
    fig.add_trace(
        go.Histogram(
            x=values[~is_bridge],
            name="other edges",
            marker={"color": mid_colour},
            xbins={"start": 0, "end": hi, "size": size},
        )
    )
    if is_bridge.any():
        fig.add_trace(
            go.Histogram(
                x=values[is_bridge],
                name="bridges",
                marker={"color": dark, "line": {"color": dark, "width": 2}},
                xbins={"start": 0, "end": hi, "size": size},
            )
        )
    fig.add_vline(
        x=1.0,
        line={"dash": "dash", "color": "#444"},
        annotation_text="R = 1: no other path",
        annotation_position="top left",
    )
    if is_bridge.any():
        fig.add_annotation(
            x=float(np.median(values[is_bridge])),
            y=int(is_bridge.sum()),
            text=f"{int(is_bridge.sum())} bridge(s) of {len(values)} edges",
            showarrow=True,
            arrowhead=2,
            ax=-60,
            ay=-40,
        )
    fig.update_layout(
        barmode="stack",
        height=height,
        xaxis_range=[0, hi],
        bargap=0.05,
        margin={"l": 8, "r": 8, "t": 30, "b": 8},
        xaxis_title=f"effective resistance {value_label}",
        yaxis_title="edges",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
    )
    return fig


def exact_vs_approx_figure(
    exact: np.ndarray,
    approx: np.ndarray,
    *,
    bridges: np.ndarray | None = None,
    eps: float | None = None,
    height: int = 380,
) -> go.Figure:
    """Approximate against exact R_eff per edge, with the y = x line and the ±eps band."""
    exact = np.asarray(exact, dtype=np.float64)
    approx = np.asarray(approx, dtype=np.float64)
    if exact.shape != approx.shape:
        raise ValueError(f"exact {exact.shape} and approx {approx.shape} must align")
    is_bridge = _bridges_or_none(bridges, len(exact))
    rel = (approx - exact) / exact
    hi = float(max(exact.max(), approx.max(), 1.0)) * 1.05 if len(exact) else 1.05
    fig = go.Figure()
    for trace in _reference_lines(hi, eps):
        fig.add_trace(trace)
    mid_colour, dark = _chart_colours()
    for mask, name, symbol, colour in (
        (~is_bridge, "edges", "circle", mid_colour),
        (is_bridge, "bridges", "diamond", dark),
    ):
        if not mask.any():
            continue
        fig.add_trace(
            go.Scatter(
                x=exact[mask],
                y=approx[mask],
                mode="markers",
                name=name,
                customdata=np.column_stack([rel[mask] * 100]),
                hovertemplate="exact %{x:.6g}<br>approx %{y:.6g}<br>error %{customdata[0]:+.2f}%"
                "<extra></extra>",
                marker={
                    "symbol": symbol,
                    "size": 10 if name == "bridges" else 6,
                    "color": colour,
                    "opacity": 0.8,
                    "line": {"width": 0.5, "color": "#222"},
                },
            )
        )
    fig.update_layout(
        height=height,
        margin={"l": 8, "r": 8, "t": 30, "b": 8},
        xaxis={"title": "exact R_eff", "range": [0, hi]},
        yaxis={"title": "approximate R_eff", "range": [0, hi], "scaleanchor": "x"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
    )
    return fig


def _reference_lines(hi: float, eps: float | None) -> list[go.Scatter]:
    """The y = x line from 0 to ``hi`` and, given ``eps``, the ±eps relative band."""
    line = np.array([0.0, hi])
    traces = [
        go.Scatter(
            x=line,
            y=line,
            mode="lines",
            name="exact = approx",
            line={"color": "#444", "dash": "dash", "width": 1},
        )
    ]
    if eps:
        traces += [
            go.Scatter(
                x=line,
                y=line * (1 + sgn * eps),
                mode="lines",
                hoverinfo="skip",
                name=f"±{eps:g} relative",
                showlegend=sgn == 1,
                legendgroup="band",
                line={"color": "#888", "dash": "dot", "width": 1},
            )
            for sgn in (1, -1)
        ]
    return traces
