"""Plotly views: the graph (zoomable). The R_eff histogram and exact vs approximate R_eff are
in :mod:`.charts` (importable from here as before)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from ..graphs import (
    edge_weights,
    graph_fingerprint,
    node_labels,
)
from .charts import exact_vs_approx_figure, reff_histogram
from .common import (
    BRIDGE_COLOUR,
    COLORSCALE,
    DROPPED_COLOUR,
    _Drawing,
    _drawing,
    _node_size,
    _segments,
    edge_colours,
    fitted_height,
)

__all__ = ["graph_figure", "reff_histogram", "exact_vs_approx_figure"]


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
    d = _drawing(G, values, bridges, kept, value_label, cmin, cmax)
    labels = node_labels(G)
    fig = go.Figure()
    _add_kept_edges(fig, pos, d, n_bins)
    _add_dropped_edges(fig, pos, d)
    status = np.where(d.is_bridge, "bridge", "")
    if kept is not None:
        status = np.char.add(status, np.where(d.keep, " (kept)", " (dropped)"))
    fig.add_trace(_hover_trace(G, pos, d, status, labels, value_label, show_colorbar))
    fig.add_trace(_node_trace(G, pos, labels))
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


def _add_kept_edges(fig: go.Figure, pos: np.ndarray, d: _Drawing, n_bins: int) -> None:
    """Kept edges, and kept bridges dashed and thick: one trace per colour bin, as plotly
    lines cannot vary colour along a trace."""
    (lo, hi), (w_edge, w_bridge) = d.scale, d.widths
    bins = np.clip(((d.values - lo) / (hi - lo) * n_bins).astype(int), 0, n_bins - 1)  # (m,)
    centres = lo + (np.arange(n_bins) + 0.5) * (hi - lo) / n_bins
    colours = edge_colours(centres, cmin=lo, cmax=hi)
    for bridge_pass, sel in ((False, d.keep & ~d.is_bridge), (True, d.keep & d.is_bridge)):
        for b in range(n_bins):
            idx = np.flatnonzero((bins == b) & sel)
            if len(idx) == 0:
                continue
            fig.add_trace(
                _lines(
                    pos,
                    d.edges[idx],
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
    if np.any(d.keep & d.is_bridge):  # one legend entry for all bridge bins
        fig.add_trace(_legend_line("bridge: dashed, thick", colours[-1], w_bridge, "dash"))


def _add_dropped_edges(fig: go.Figure, pos: np.ndarray, d: _Drawing) -> None:
    """Dropped edges pale and dotted; a dropped bridge dotted in vermillion with a cross."""
    w_edge, w_bridge = d.widths
    plain, lost = ~d.keep & ~d.is_bridge, ~d.keep & d.is_bridge
    if np.any(plain):
        fig.add_trace(
            _lines(
                pos,
                d.edges[plain],
                name="dropped edge",
                line={"color": DROPPED_COLOUR, "width": max(w_edge * 0.7, 0.6), "dash": "dot"},
            )
        )
    if not np.any(lost):
        return
    fig.add_trace(
        _lines(
            pos,
            d.edges[lost],
            name="dropped bridge",
            legendgroup="lost",
            line={"color": BRIDGE_COLOUR, "width": w_bridge, "dash": "dot"},
        )
    )
    mid = pos[d.edges[lost]].mean(axis=1)  # (k, 2)
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


def _lines(pos: np.ndarray, edges: np.ndarray, **style: Any) -> go.Scatter:
    """Many edges as one trace of line segments, no hover (the hover trace carries that)."""
    xs, ys = _segments(pos, edges)
    return go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", **style)


def _hover_trace(
    G: nx.Graph,
    pos: np.ndarray,
    d: _Drawing,
    status: np.ndarray,
    labels: list,
    value_label: str,
    show_colorbar: bool,
) -> go.Scatter:
    """Invisible midpoint markers that carry each edge's hover text and the colour bar."""
    edges, values, scale = d.edges, d.values, d.scale
    m = len(edges)
    mid = pos[edges].mean(axis=1) if m else np.zeros((0, 2))  # (m, 2)
    w = edge_weights(G, edges)
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
    return go.Scatter(
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
            "cmin": scale[0],
            "cmax": scale[1],
            "showscale": show_colorbar,
            "colorbar": {"title": {"text": value_label}, "thickness": 14, "len": 0.8},
        },
    )


def _node_trace(G: nx.Graph, pos: np.ndarray, labels: list) -> go.Scatter:
    """White nodes with their label and degree on hover."""
    deg = dict(G.degree())
    return go.Scatter(
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


def _legend_line(name: str, colour: str, width: float, dash: str) -> go.Scatter:
    return go.Scatter(
        x=[None],
        y=[None],
        mode="lines",
        name=name,
        legendgroup="bridge",
        line={"color": colour, "width": width, "dash": dash},
    )
