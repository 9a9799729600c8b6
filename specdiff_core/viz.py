"""Figures shared by the app and the CLI: plotly graph views, histograms, offline pyvis HTML.

Every view of a graph here follows the same conventions:

* edges are coloured by a per-edge value (effective resistance by default) on a
  colour-blind-safe scale (reversed viridis: rare, important edges dark; redundant
  ones pale), with a colour bar and the exact value on hover;
* bridges are marked by more than colour: drawn thicker **and** dashed; a dropped
  bridge gets a cross at its midpoint;
* node positions come from :func:`layout`, computed once in Python with a seed,
  so the same graph always looks the same and two panels can share one layout.

No streamlit import: the CLI and the tests use this module too.
"""

from __future__ import annotations

import html as _html
import json
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go

from .graphs import (
    edge_array,
    edge_weights,
    graph_fingerprint,
    node_labels,
)
from .offline import script_json, vis_network_js, vis_tooltip_css

__all__ = [
    "COLORSCALE",
    "DRAW_MAX_NODES",
    "DRAW_MAX_EDGES",
    "PYVIS_MAX_EDGES",
    "SVG_MAX_EDGES",
    "layout",
    "edge_table",
    "edge_colours",
    "graph_figure",
    "graph_svg",
    "fitted_height",
    "reff_histogram",
    "histogram_svg",
    "exact_vs_approx_figure",
    "pyvis_html",
]

COLORSCALE = "Viridis_r"  # colour-blind-safe, perceptually uniform; high values dark
BRIDGE_COLOUR = "#D55E00"  # Okabe-Ito vermillion, only ever paired with a cross marker
DROPPED_COLOUR = "#BBBBBB"

DRAW_MAX_NODES = 1_500  # larger graphs get the table and histogram, not a drawing
DRAW_MAX_EDGES = 10_000
PYVIS_MAX_EDGES = 3_000  # the interactive canvas gets sluggish beyond this
SVG_MAX_EDGES = 2_000  # the static SVG view (two <line>s and a <title> per edge) up to this


# ----------------------------------------------------------------------------- graph spec


# --------------------------------------------------------------------------------- layout


def layout(G: nx.Graph, *, seed: int = 0) -> np.ndarray:
    """Node positions ``(n, 2)`` in ``[-1, 1]``, the same for the same graph and seed.

    Uses the nodes' own ``pos`` attribute when every node has one (random geometric
    graphs); otherwise a seeded spring layout (spectral start for large graphs).
    """
    n = G.number_of_nodes()
    if n == 0:
        return np.zeros((0, 2))
    if all("pos" in d for _, d in G.nodes(data=True)):
        pos = np.array([G.nodes[i]["pos"] for i in range(n)], dtype=np.float64)  # (n, 2)
    elif n == 1:
        pos = np.zeros((1, 2))
    else:
        init = None
        iterations = 100 if n <= 100 else 50
        if n > 500:  # the sparse spring layout is a Python loop: start close, iterate less
            init = nx.spectral_layout(G, weight=None)
            iterations = 20
        raw = nx.spring_layout(G, seed=int(seed), pos=init, iterations=iterations, weight=None)
        pos = np.array([raw[i] for i in range(n)], dtype=np.float64)  # (n, 2)
    pos = pos - pos.mean(axis=0)
    # Rotate the widest spread onto the x axis (screens are wide), with a fixed sign.
    _, _, vt = np.linalg.svd(pos, full_matrices=False)  # vt: (2, 2) principal axes
    vt = vt * np.where(vt[:, :1] < 0, -1.0, 1.0)
    pos = pos @ vt.T
    scale = np.abs(pos).max()
    return pos / scale if scale > 0 else pos


# ----------------------------------------------------------------------------- tables


def edge_table(
    G: nx.Graph,
    values: np.ndarray,
    *,
    bridges: np.ndarray | None = None,
    value_label: str = "R_eff",
) -> pd.DataFrame:
    """One row per edge in canonical order: endpoints (original labels), weight, value, bridge."""
    edges = edge_array(G)
    values = np.asarray(values, dtype=np.float64)
    _check_aligned(values, edges, value_label)
    labels = node_labels(G)
    w = edge_weights(G, edges)
    df = pd.DataFrame(
        {
            "u": [str(labels[u]) for u in edges[:, 0]],
            "v": [str(labels[v]) for v in edges[:, 1]],
            "weight": w,
            value_label: values,
            f"w·{value_label}": w * values,
            "bridge": _bridges_or_none(bridges, len(edges)),
        }
    )
    df.insert(0, "rank", df[value_label].rank(ascending=False, method="first").astype(int))
    return df


def _bridges_or_none(bridges: np.ndarray | None, m: int) -> np.ndarray:
    if bridges is None:
        return np.zeros(m, dtype=bool)
    b = np.asarray(bridges, dtype=bool)
    if b.shape != (m,):
        raise ValueError(f"bridges has shape {b.shape}, expected ({m},) aligned with edge_array")
    return b


def _check_aligned(values: np.ndarray, edges: np.ndarray, what: str) -> None:
    if values.shape != (len(edges),):
        raise ValueError(
            f"{what} has shape {values.shape} but the graph has {len(edges)} edges; "
            "pass one value per edge aligned with graphs.edge_array(G)"
        )


# ---------------------------------------------------------------------------- colours


def _scale_range(values: np.ndarray, cmin: float | None, cmax: float | None) -> tuple[float, float]:
    lo = 0.0 if cmin is None else float(cmin)
    hi = max(1.0, float(np.nanmax(values))) if cmax is None and len(values) else (cmax or 1.0)
    return lo, (hi if hi > lo else lo + 1.0)


def edge_colours(
    values: np.ndarray, *, cmin: float = 0.0, cmax: float = 1.0, scale: str = COLORSCALE
) -> list[str]:
    """Hex colours of ``values`` on ``scale`` (vectorised linear interpolation).

    >>> edge_colours(np.array([0.0, 1.0]))
    ['#fde725', '#440154']
    """
    stops = pcolors.get_colorscale(scale)
    ts = np.array([s[0] for s in stops], dtype=np.float64)
    rgb = np.array([pcolors.hex_to_rgb(c) if c.startswith("#") else _rgb(c) for _, c in stops])
    t = np.clip((np.asarray(values, dtype=np.float64) - cmin) / (cmax - cmin), 0.0, 1.0)
    chans = [np.interp(t, ts, rgb[:, i]) for i in range(3)]
    out = np.rint(np.stack(chans, axis=1)).astype(int)  # (m, 3)
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in out]


def _rgb(c: str) -> tuple[int, int, int]:
    r, g, b = (int(float(x)) for x in c[c.index("(") + 1 : c.index(")")].split(",")[:3])
    return r, g, b


# ---------------------------------------------------------------------------- plotly


def _segments(pos: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Line coordinates for many edges in one trace, NaN between segments."""
    p = pos[edges]  # (k, 2 ends, 2 coords)
    xs = np.full((len(edges), 3), np.nan)
    ys = np.full((len(edges), 3), np.nan)
    xs[:, :2], ys[:, :2] = p[:, :, 0], p[:, :, 1]
    return xs.ravel(), ys.ravel()


def _widths(m: int) -> tuple[float, float]:
    base = 2.0 if m <= 200 else 1.4 if m <= 1_000 else 0.8
    return base, base * 2.5 + 1.0  # (edge, bridge)


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


def fitted_height(pos: np.ndarray, *, width: int = 820, lo: int = 280, hi: int = 640) -> int:
    """Plot height (px) that fits a layout drawn ``width`` px wide, within ``[lo, hi]``."""
    span = np.ptp(pos, axis=0) if len(pos) else np.ones(2)
    return int(np.clip(width * span[1] / max(span[0], 1e-9) + 90, lo, hi))


def graph_svg(
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
    width: int = 1000,
) -> str:
    """The same picture as :func:`graph_figure` as one static SVG: no script, draws at once.

    For first views that must appear instantly (plotly's script alone takes about a
    second to load). Hovering an edge or a node shows its exact value (SVG ``<title>``).
    The SVG is one line and its text is escaped for HTML and for Markdown, so it can go
    through ``st.markdown(svg, unsafe_allow_html=True)`` (``st.html`` strips SVG).
    """
    edges = edge_array(G)
    m = len(edges)
    values = np.asarray(values, dtype=np.float64)
    _check_aligned(values, edges, value_label)
    is_bridge = _bridges_or_none(bridges, m)
    keep = np.ones(m, dtype=bool) if kept is None else np.asarray(kept, dtype=bool)
    lo, hi = _scale_range(values, cmin, cmax)
    colours = edge_colours(values, cmin=lo, cmax=hi)
    w_edge, w_bridge = _widths(m)
    labels = [_svg_text(x) for x in node_labels(G)]
    deg = dict(G.degree())
    label = _svg_text(value_label)

    top = 34 if title else 12
    plot_w = width - 110  # room for the colour bar
    height = fitted_height(pos, width=plot_w, lo=240, hi=640) - 90 + top + 24
    span = np.ptp(pos, axis=0) if len(pos) else np.ones(2)
    scale = min((plot_w - 40) / max(span[0], 1e-9), (height - top - 34) / max(span[1], 1e-9))
    centre = pos.min(axis=0) + span / 2 if len(pos) else np.zeros(2)
    xy = np.column_stack([
        20 + (plot_w - 40) / 2 + (pos[:, 0] - centre[0]) * scale,
        top + (height - top - 24) / 2 - (pos[:, 1] - centre[1]) * scale,
    ])  # (n, 2) pixels, y down  # fmt: skip

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'width="100%" role="img" aria-label="graph, edges coloured by {label}" '
        'style="font-family:sans-serif;font-size:13px">'
    ]
    if title:
        out.append(f'<text x="8" y="20" font-weight="600" fill="#31333f">{_svg_text(title)}</text>')
    order = np.lexsort((is_bridge, keep))  # dropped first, bridges last: on top
    for j in order:
        (x1, y1), (x2, y2) = xy[edges[j, 0]], xy[edges[j, 1]]
        colour, wid, dash = colours[j], w_edge, ""
        if is_bridge[j]:
            wid, dash = w_bridge, ' stroke-dasharray="10 6"'
        if not keep[j]:
            colour = BRIDGE_COLOUR if is_bridge[j] else DROPPED_COLOUR
            dash = ' stroke-dasharray="2 4"'
            wid = w_bridge if is_bridge[j] else max(w_edge * 0.7, 0.6)
        tip = (
            f"edge {labels[edges[j, 0]]} – {labels[edges[j, 1]]}: {label} = {values[j]:.6g}"
            + (" (bridge)" if is_bridge[j] else "")
            + ("" if keep[j] else " (dropped)")
        )
        out.append(
            f'<g><title>{tip}</title><line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
            f'y2="{y2:.1f}" stroke="{colour}" stroke-width="{wid:.1f}"{dash}/>'
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            'stroke="transparent" stroke-width="9"/></g>'
        )
        if is_bridge[j] and not keep[j]:
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
            out.append(
                f'<path d="M{cx - 7:.1f},{cy - 7:.1f}L{cx + 7:.1f},{cy + 7:.1f}'
                f'M{cx - 7:.1f},{cy + 7:.1f}L{cx + 7:.1f},{cy - 7:.1f}" '
                f'stroke="{BRIDGE_COLOUR}" stroke-width="3"/>'
            )
    r = _node_size(len(pos)) / 2 + 0.5
    for i, (x, y) in enumerate(xy):
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#fff" stroke="#333" '
            f'stroke-width="1.2"><title>node {labels[i]}, degree {deg[i]}</title></circle>'
        )
    # Colour bar (high values at the top, as in the plotly view) and the bridge key.
    bx, by, bh = plot_w + 34, top + 26, max(80.0, min(220.0, height - top - 90))
    stops = "".join(
        f'<stop offset="{t:.3f}" stop-color="{c}"/>'
        for t, c in zip(
            np.linspace(0, 1, 9),
            edge_colours(np.linspace(hi, lo, 9), cmin=lo, cmax=hi),
            strict=True,
        )
    )
    out.append(
        f'<defs><linearGradient id="cb" x1="0" y1="0" x2="0" y2="1">{stops}</linearGradient>'
        f'</defs><text x="{bx}" y="{by - 8}" fill="#555">{label}</text>'
        f'<rect x="{bx}" y="{by}" width="14" height="{bh:.0f}" fill="url(#cb)"/>'
    )
    for t in np.linspace(lo, hi, 5):
        ty = by + bh * (hi - t) / (hi - lo)
        out.append(
            f'<text x="{bx + 20}" y="{ty + 4:.1f}" fill="#555" font-size="11">{t:.2g}</text>'
        )
    if is_bridge.any():
        ly = by + bh + 30
        dark = edge_colours(np.array([hi]), cmin=lo, cmax=hi)[0]
        out.append(
            f'<line x1="{bx - 6}" y1="{ly}" x2="{bx + 26}" y2="{ly}" stroke="{dark}" '
            f'stroke-width="{w_bridge:.1f}" stroke-dasharray="10 6"/>'
            f'<text x="{bx - 6}" y="{ly + 18}" fill="#555" font-size="11">bridge</text>'
        )
    out.append("</svg>")
    return "".join(out)


def histogram_svg(
    values: np.ndarray,
    *,
    bridges: np.ndarray | None = None,
    value_label: str = "R_eff",
    nbins: int = 40,
    width: int = 520,
    height: int = 280,
) -> str:
    """:func:`reff_histogram` as one static SVG (bridges stacked, dark and hatched)."""
    values = np.asarray(values, dtype=np.float64)
    is_bridge = _bridges_or_none(bridges, len(values))
    hi = max(1.05, float(values.max()) * 1.02) if len(values) else 1.05
    edges_x = np.linspace(0.0, hi, nbins + 1)
    other = np.histogram(values[~is_bridge], edges_x)[0]
    brid = np.histogram(values[is_bridge], edges_x)[0]
    top = max(1, int((other + brid).max()))
    step = _nice_step(top / 4)
    ymax = step * np.ceil(top / step)
    left, right, up, down = 44, 12, 28, 42
    pw, ph = width - left - right, height - up - down
    sx = lambda x: left + pw * x / hi  # noqa: E731
    sy = lambda y: up + ph * (1 - y / ymax)  # noqa: E731
    mid_colour, dark = edge_colours(np.array([0.45, 0.95]))
    label = _svg_text(value_label)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="histogram of {label}" '
        'style="font-family:sans-serif;font-size:12px;max-width:640px">'
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="' + dark + '"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>'
    ]
    for t in np.arange(0, ymax + step / 2, step):
        y = sy(t)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e6e6e6"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{t:g}</text>'
        )
    for t in np.arange(0, hi + 1e-9, 0.2):
        out.append(
            f'<text x="{sx(t):.1f}" y="{height - down + 16}" text-anchor="middle" fill="#555">'
            f"{t:.1f}</text>"
        )
    bw = pw / nbins
    for b in range(nbins):
        lo_b, hi_b = edges_x[b], edges_x[b + 1]
        for count, base, fill, name in (
            (other[b], 0, mid_colour, "other edges"),
            (brid[b], other[b], "url(#hatch)", "bridges"),
        ):
            if count:
                y0, y1 = sy(base), sy(base + count)
                out.append(
                    f'<rect x="{sx(lo_b) + 0.5:.1f}" y="{y1:.1f}" width="{bw - 1:.1f}" '
                    f'height="{max(y0 - y1, 1.5):.1f}" fill="{fill}"><title>{name}: {count} '
                    f"with {label} in [{lo_b:.3g}, {hi_b:.3g})</title></rect>"
                )
        if brid[b]:  # a bridge bar is often 1 of hundreds: say how many, above it
            out.append(
                f'<text x="{sx(lo_b) + bw / 2:.1f}" y="{sy(other[b] + brid[b]) - 5:.1f}" '
                f'text-anchor="middle" font-weight="600" fill="{dark}">{brid[b]}</text>'
            )
    x1 = sx(1.0)
    out.append(
        f'<line x1="{x1:.1f}" y1="{up - 6}" x2="{x1:.1f}" y2="{height - down}" stroke="#444" '
        f'stroke-dasharray="5 4"/><text x="{x1 - 4:.1f}" y="{up - 10}" text-anchor="end" '
        'fill="#444">R = 1: no other path</text>'
        f'<line x1="{left}" y1="{height - down}" x2="{width - right}" y2="{height - down}" '
        'stroke="#888"/>'
        f'<text x="{left + pw / 2:.0f}" y="{height - 6}" text-anchor="middle" fill="#31333f">'
        f"effective resistance {label}</text>"
    )
    if is_bridge.any():
        nb = int(is_bridge.sum())
        out.append(
            f'<rect x="{left + 8}" y="{up - 4}" width="12" height="12" fill="url(#hatch)"/>'
            f'<text x="{left + 26}" y="{up + 6}" fill="#31333f">{nb} bridge(s) of {len(values)} '
            "edges</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``raw``."""
    base = 10 ** np.floor(np.log10(max(raw, 1e-12)))
    return float(next(m * base for m in (1, 2, 5, 10) if m * base >= raw))


_MARKDOWN_ACTIVE = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~$"})


def _svg_text(value: Any) -> str:
    """Text for SVG that neither HTML nor Markdown will interpret."""
    return _html.escape(str(value), quote=False).translate(_MARKDOWN_ACTIVE)


def _legend_line(name: str, colour: str, width: float, dash: str) -> go.Scatter:
    return go.Scatter(
        x=[None],
        y=[None],
        mode="lines",
        name=name,
        legendgroup="bridge",
        line={"color": colour, "width": width, "dash": dash},
    )


def _node_size(n: int) -> int:
    return 11 if n <= 40 else 8 if n <= 150 else 5 if n <= 600 else 3


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


# ---------------------------------------------------------------------- pyvis / vis-network


def pyvis_html(
    G: nx.Graph,
    values: np.ndarray,
    *,
    pos: np.ndarray,
    bridges: np.ndarray | None = None,
    kept: np.ndarray | None = None,
    value_label: str = "R_eff",
    cmin: float | None = None,
    cmax: float | None = None,
    height: int | None = None,
) -> str:
    """A self-contained interactive (vis-network) page: no URL outside the page, no physics.

    pyvis 0.3.2's own templates link CDNs in every mode and its ``show()`` is broken,
    so this writes the page itself with the vis-network script that ships inside the
    pyvis package inlined (:mod:`specdiff_core.offline`). Nodes sit at ``pos`` (the
    same layout as the plotly view); they can be dragged, the view zoomed and panned.
    """
    edges = edge_array(G)
    m = len(edges)
    values = np.asarray(values, dtype=np.float64)
    _check_aligned(values, edges, value_label)
    is_bridge = _bridges_or_none(bridges, m)
    keep = np.ones(m, dtype=bool) if kept is None else np.asarray(kept, dtype=bool)
    lo, hi = _scale_range(values, cmin, cmax)
    colours = edge_colours(values, cmin=lo, cmax=hi)
    height = height or fitted_height(pos, lo=360)
    w_edge, w_bridge = _widths(m)
    labels = node_labels(G)
    deg = dict(G.degree())
    weights = edge_weights(G, edges)
    scale = 300.0 * max(1.0, np.sqrt(len(pos) / 60.0))
    show_labels = len(pos) <= 40
    nodes = [
        {
            "id": i,
            "x": float(pos[i, 0] * scale),
            "y": float(-pos[i, 1] * scale),
            "label": str(labels[i]) if show_labels else "",
            "title": f"node {labels[i]}\ndegree {deg[i]}",
        }
        for i in range(len(pos))
    ]
    links = []
    for j, (u, v) in enumerate(edges):
        tag = "\nbridge" if is_bridge[j] else ""
        if kept is not None:
            tag += "\nkept" if keep[j] else "\ndropped"
        e = {
            "from": int(u),
            "to": int(v),
            "title": f"edge {labels[u]} – {labels[v]}\n{value_label} = {values[j]:.6g}\n"
            f"weight = {weights[j]:.6g}{tag}",
            "color": {"color": colours[j], "highlight": colours[j], "hover": colours[j]},
            "width": w_bridge if is_bridge[j] else w_edge,
            "dashes": [10, 6] if is_bridge[j] else False,
        }
        if not keep[j]:
            e["color"] = {"color": BRIDGE_COLOUR if is_bridge[j] else DROPPED_COLOUR}
            e["dashes"] = [2, 5]
        links.append(e)
    options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {
            "hover": True,
            "tooltipDelay": 60,
            "dragNodes": True,
            "navigationButtons": False,
            "keyboard": False,
        },
        "nodes": {
            "shape": "dot",
            "size": max(3, _node_size(len(pos)) * 0.8),
            "borderWidth": 1.5,
            "color": {"background": "#ffffff", "border": "#333333"},
            "font": {"size": 12, "face": "sans-serif", "color": "#333"},
        },
        "edges": {"smooth": False, "selectionWidth": 1.5, "hoverWidth": 1.0},
    }
    data = script_json(json.dumps({"nodes": nodes, "edges": links, "options": options}))
    gradient = ", ".join(edge_colours(np.linspace(lo, hi, 9), cmin=lo, cmax=hi))
    ticks = "".join(f"<span>{t:.2g}</span>" for t in np.linspace(lo, hi, 5))
    label = _html.escape(value_label)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{label} view</title>
<style>
html,body{{margin:0;padding:0;font-family:sans-serif;font-size:13px;color:#31333f;background:#fff}}
#net{{width:100%;height:{int(height)}px;border:1px solid #e6e6e6;border-radius:6px;
box-sizing:border-box}}
.key{{display:flex;align-items:center;gap:14px;flex-wrap:wrap;margin:6px 2px 0}}
.bar{{width:220px}}.grad{{height:10px;border-radius:3px;background:linear-gradient(90deg,{gradient})}}
.ticks{{display:flex;justify-content:space-between;font-size:11px;color:#555}}
.dash{{display:inline-block;width:44px;border-top:{min(w_bridge, 4):.0f}px dashed #440154;
vertical-align:middle}}
{vis_tooltip_css()}
</style></head>
<body>
<div id="net" role="img" aria-label="interactive graph, edges coloured by {label}"></div>
<div class="key"><div class="bar"><div class="grad"></div><div class="ticks">{ticks}</div></div>
<span>{label} (pale = redundant, dark = rare path)</span>
<span><span class="dash"></span> bridge</span>
<span>drag nodes · scroll to zoom · hover an edge for its value</span></div>
<script>{vis_network_js()}</script>
<script>
const spec = {data};
const net = new vis.Network(document.getElementById("net"),
  {{nodes: new vis.DataSet(spec.nodes), edges: new vis.DataSet(spec.edges)}}, spec.options);
net.once("afterDrawing", () => net.fit({{animation: false}}));
</script>
</body></html>"""
