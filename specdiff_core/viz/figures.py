"""Plotly views: the graph (zoomable), the R_eff histogram, exact vs approximate R_eff."""

from __future__ import annotations

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from ..graphs import (
    edge_array,
    edge_weights,
    graph_fingerprint,
    node_labels,
)
from .common import (
    BRIDGE_COLOUR,
    COLORSCALE,
    DROPPED_COLOUR,
    _bridges_or_none,
    _check_aligned,
    _node_size,
    _scale_range,
    _segments,
    _widths,
    edge_colours,
    fitted_height,
)


def graph_figure(
    G: nx.Graph,
    values: np.ndarray,
    *,
    pos: np.ndarray,
    bridges: np.ndarray | None = None,
    kept: np.ndarray | None = None,
    title: str | None = None,
    value_label: str = "R_eff",
    cmin: float | None = None,
    cmax: float | None = None,
    height: int | None = None,
    width_hint: int = 820,
    n_bins: int = 10,
    show_colorbar: bool = True,
) -> go.Figure:
    """A graph drawn with its edges coloured by ``values`` (one per edge, canonical order).

    Parameters
    ----------
    pos : (n, 2) array
        Node positions from :func:`layout`; share it between panels to compare them.
    bridges : (m,) bool, optional
        Drawn thicker and dashed (not only darker), with a legend entry.
    kept : (m,) bool, optional
        A sparsifier's keep mask: dropped edges are drawn pale and dotted, a dropped
        bridge gets a vermillion dotted line and a cross at its midpoint.
    height, width_hint : int, optional
        Pixels; by default the height is fitted to the layout's aspect ratio at about
        ``width_hint`` pixels wide (wide graphs get short plots).
    """
    edges = edge_array(G)
    m = len(edges)
    values = np.asarray(values, dtype=np.float64)
    _check_aligned(values, edges, value_label)
    is_bridge = _bridges_or_none(bridges, m)
    keep = np.ones(m, dtype=bool) if kept is None else np.asarray(kept, dtype=bool)
    lo, hi = _scale_range(values, cmin, cmax)
    w_edge, w_bridge = _widths(m)
    labels = node_labels(G)
    fig = go.Figure()

    # Kept edges: one trace per colour bin (plotly lines cannot vary colour along a trace).
    bins = np.clip(((values - lo) / (hi - lo) * n_bins).astype(int), 0, n_bins - 1)  # (m,)
    centres = lo + (np.arange(n_bins) + 0.5) * (hi - lo) / n_bins
    colours = edge_colours(centres, cmin=lo, cmax=hi)
    for bridge_pass in (False, True):
        for b in range(n_bins):
            idx = np.flatnonzero((bins == b) & keep & (is_bridge == bridge_pass))
            if len(idx) == 0:
                continue
            xs, ys = _segments(pos, edges[idx])
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    hoverinfo="skip",
                    line={
                        "color": colours[b],
                        "width": w_bridge if bridge_pass else w_edge,
                        "dash": "dash" if bridge_pass else "solid",
                    },
                    name="bridge (dashed, thick)" if bridge_pass else "edge",
                    legendgroup="bridge" if bridge_pass else "edge",
                    showlegend=False,
                )
            )
    if np.any(is_bridge & keep):  # one legend entry for all bridge bins
        fig.add_trace(_legend_line("bridge: dashed, thick", colours[-1], w_bridge, "dash"))

    dropped = ~keep
    if np.any(dropped & ~is_bridge):
        xs, ys = _segments(pos, edges[dropped & ~is_bridge])
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                hoverinfo="skip",
                name="dropped edge",
                line={"color": DROPPED_COLOUR, "width": max(w_edge * 0.7, 0.6), "dash": "dot"},
            )
        )
    lost = dropped & is_bridge
    if np.any(lost):
        xs, ys = _segments(pos, edges[lost])
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                hoverinfo="skip",
                name="dropped bridge",
                legendgroup="lost",
                line={"color": BRIDGE_COLOUR, "width": w_bridge, "dash": "dot"},
            )
        )
        mid = pos[edges[lost]].mean(axis=1)  # (k, 2)
        fig.add_trace(
            go.Scatter(
                x=mid[:, 0],
                y=mid[:, 1],
                mode="markers",
                hoverinfo="skip",
                showlegend=False,
                legendgroup="lost",
                marker={
                    "symbol": "x-thin",
                    "size": 16,
                    "line": {"width": 3, "color": BRIDGE_COLOUR},
                },
            )
        )

    # Invisible midpoint markers carry the hover text and the colour bar.
    mid = pos[edges].mean(axis=1) if m else np.zeros((0, 2))  # (m, 2)
    w = edge_weights(G, edges)
    status = np.where(is_bridge, "bridge", "")
    if kept is not None:
        status = np.char.add(status, np.where(keep, " (kept)", " (dropped)"))
    custom = (
        np.column_stack(
            [
                [str(labels[u]) for u in edges[:, 0]],
                [str(labels[v]) for v in edges[:, 1]],
                [f"{x:.6g}" for x in values],
                [f"{x:.6g}" for x in w],
                status,
            ]
        )
        if m
        else None
    )
    fig.add_trace(
        go.Scatter(
            x=mid[:, 0],
            y=mid[:, 1],
            mode="markers",
            name=value_label,
            showlegend=False,
            customdata=custom,
            hovertemplate=(
                "edge %{customdata[0]} – %{customdata[1]}<br>"
                f"{value_label} = %{{customdata[2]}}<br>weight = %{{customdata[3]}}<br>"
                "%{customdata[4]}<extra></extra>"
            ),
            marker={
                "size": 9 if m <= 2_000 else 5,
                "opacity": 0.0,
                "color": values,
                "colorscale": COLORSCALE,
                "cmin": lo,
                "cmax": hi,
                "showscale": show_colorbar,
                "colorbar": {"title": {"text": value_label}, "thickness": 14, "len": 0.8},
            },
        )
    )

    deg = dict(G.degree())
    fig.add_trace(
        go.Scatter(
            x=pos[:, 0],
            y=pos[:, 1],
            mode="markers",
            name="node",
            showlegend=False,
            text=[f"node {labels[i]}<br>degree {deg[i]}" for i in range(len(pos))],
            hovertemplate="%{text}<extra></extra>",
            marker={
                "size": _node_size(len(pos)),
                "color": "#ffffff",
                "line": {"color": "#333333", "width": 1.2},
            },
        )
    )
    if height is None:
        height = fitted_height(pos, width=width_hint)
    fig.update_layout(
        title={"text": title or "", "x": 0.01, "font": {"size": 15}},
        height=height,
        margin={"l": 8, "r": 8, "t": 48 if title else 28, "b": 8},
        plot_bgcolor="#ffffff",
        paper_bgcolor="rgba(0,0,0,0)",
        hovermode="closest",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1},
        uirevision=graph_fingerprint(G),  # keep the user's zoom across reruns
    )
    return fig


def _legend_line(name: str, colour: str, width: float, dash: str) -> go.Scatter:
    return go.Scatter(
        x=[None],
        y=[None],
        mode="lines",
        name=name,
        legendgroup="bridge",
        line={"color": colour, "width": width, "dash": dash},
    )


def reff_histogram(
    values: np.ndarray,
    *,
    bridges: np.ndarray | None = None,
    value_label: str = "R_eff",
    nbins: int = 40,
    height: int = 320,
) -> go.Figure:
    """Histogram of a per-edge value, bridges stacked on top in a hatched, dark bar."""
    values = np.asarray(values, dtype=np.float64)
    is_bridge = _bridges_or_none(bridges, len(values))
    hi = max(1.05, float(values.max()) * 1.02) if len(values) else 1.05
    size = hi / nbins
    mid_colour, dark = edge_colours(np.array([0.45, 0.95]))
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
    line = np.array([0.0, hi])
    fig.add_trace(
        go.Scatter(
            x=line,
            y=line,
            mode="lines",
            name="exact = approx",
            line={"color": "#444", "dash": "dash", "width": 1},
        )
    )
    if eps:
        for sgn in (1, -1):
            fig.add_trace(
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
            )
    mid_colour, dark = edge_colours(np.array([0.45, 0.95]))
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
