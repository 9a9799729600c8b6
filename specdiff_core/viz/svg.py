"""Static SVG views, drawn with the page (plotly's script takes a second to load): the graph
and the R_eff histogram."""

from __future__ import annotations

import html as _html
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from ..graphs import node_labels
from .common import (
    BRIDGE_COLOUR,
    DROPPED_COLOUR,
    _chart_colours,
    _Drawing,
    _drawing,
    _histogram_data,
    _node_size,
    edge_colours,
    fitted_height,
)


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
    d = _drawing(G, values, bridges, kept, value_label, cmin, cmax)
    labels = [_svg_text(x) for x in node_labels(G)]
    label = _svg_text(value_label)

    top = 34 if title else 12
    plot_w = width - 110  # room for the colour bar
    height = fitted_height(pos, width=plot_w, lo=240, hi=640) - 90 + top + 24
    xy = _pixels(pos, plot_w, height, top)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'width="100%" role="img" aria-label="graph, edges coloured by {label}" '
        'style="font-family:sans-serif;font-size:13px">'
    ]
    if title:
        out.append(f'<text x="8" y="20" font-weight="600" fill="#31333f">{_svg_text(title)}</text>')
    out += _svg_edges(xy, d, labels, label)
    out += _svg_nodes(G, xy, labels)
    bar = (plot_w + 34, top + 26, max(80.0, min(220.0, height - top - 90)))  # x, y, height
    out += _svg_key(bar, d.scale, label, d.widths[1] if d.is_bridge.any() else None)
    out.append("</svg>")
    return "".join(out)


def _pixels(pos: np.ndarray, plot_w: int, height: int, top: int) -> np.ndarray:
    """``(n, 2)`` pixel positions, y down: the layout centred and scaled into the plot."""
    span = np.ptp(pos, axis=0) if len(pos) else np.ones(2)
    scale = min((plot_w - 40) / max(span[0], 1e-9), (height - top - 34) / max(span[1], 1e-9))
    centre = pos.min(axis=0) + span / 2 if len(pos) else np.zeros(2)
    return np.column_stack([
        20 + (plot_w - 40) / 2 + (pos[:, 0] - centre[0]) * scale,
        top + (height - top - 24) / 2 - (pos[:, 1] - centre[1]) * scale,
    ])  # fmt: skip


def _svg_edges(xy: np.ndarray, d: _Drawing, labels: list[str], label: str) -> list[str]:
    """Each edge with its exact value on hover (and a wide transparent line to hover on):
    dropped ones first and bridges last, so that these are drawn on top."""
    edges, values, is_bridge, keep, colours = d.edges, d.values, d.is_bridge, d.keep, d.colours
    w_edge, w_bridge = d.widths
    out = []
    for j in np.lexsort((is_bridge, keep)):
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
    return out


def _svg_nodes(G: nx.Graph, xy: np.ndarray, labels: list[str]) -> list[str]:
    """White nodes with their label and degree on hover."""
    deg = dict(G.degree())
    r = _node_size(len(xy)) / 2 + 0.5
    return [
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#fff" stroke="#333" '
        f'stroke-width="1.2"><title>node {labels[i]}, degree {deg[i]}</title></circle>'
        for i, (x, y) in enumerate(xy)
    ]


def _svg_key(
    bar: tuple[float, float, float],
    scale: tuple[float, float],
    label: str,
    w_bridge: float | None,
) -> list[str]:
    """The colour bar at ``bar`` (x, y, height; high values at the top, as in the plotly
    view) and, given the bridges' width, the bridge key below it."""
    (bx, by, bh), (lo, hi) = bar, scale
    stops = "".join(
        f'<stop offset="{t:.3f}" stop-color="{c}"/>'
        for t, c in zip(
            np.linspace(0, 1, 9),
            edge_colours(np.linspace(hi, lo, 9), cmin=lo, cmax=hi),
            strict=True,
        )
    )
    out = [
        f'<defs><linearGradient id="cb" x1="0" y1="0" x2="0" y2="1">{stops}</linearGradient>'
        f'</defs><text x="{bx}" y="{by - 8}" fill="#555">{label}</text>'
        f'<rect x="{bx}" y="{by}" width="14" height="{bh:.0f}" fill="url(#cb)"/>'
    ]
    for t in np.linspace(lo, hi, 5):
        ty = by + bh * (hi - t) / (hi - lo)
        out.append(
            f'<text x="{bx + 20}" y="{ty + 4:.1f}" fill="#555" font-size="11">{t:.2g}</text>'
        )
    if w_bridge is not None:
        ly = by + bh + 30
        dark = edge_colours(np.array([hi]), cmin=lo, cmax=hi)[0]
        out.append(
            f'<line x1="{bx - 6}" y1="{ly}" x2="{bx + 26}" y2="{ly}" stroke="{dark}" '
            f'stroke-width="{w_bridge:.1f}" stroke-dasharray="10 6"/>'
            f'<text x="{bx - 6}" y="{ly + 18}" fill="#555" font-size="11">bridge</text>'
        )
    return out


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
    values, is_bridge, hi = _histogram_data(values, bridges)
    edges_x = np.linspace(0.0, hi, nbins + 1)
    other = np.histogram(values[~is_bridge], edges_x)[0]
    brid = np.histogram(values[is_bridge], edges_x)[0]
    top = max(1, int((other + brid).max()))
    step = _nice_step(top / 4)
    f = _Frame(width, height, hi, step * np.ceil(top / step))
    mid_colour, dark = _chart_colours()
    label = _svg_text(value_label)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="histogram of {label}" '
        'style="font-family:sans-serif;font-size:12px;max-width:640px">'
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="' + dark + '"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>'
    ]
    out += _hist_grid(f, step)
    out += _hist_bars(f, edges_x, other, brid, (mid_colour, dark), label)
    x1 = f.sx(1.0)
    out.append(
        f'<line x1="{x1:.1f}" y1="{f.up - 6}" x2="{x1:.1f}" y2="{height - f.down}" stroke="#444" '
        f'stroke-dasharray="5 4"/><text x="{x1 - 4:.1f}" y="{f.up - 10}" text-anchor="end" '
        'fill="#444">R = 1: no other path</text>'
        f'<line x1="{f.left}" y1="{height - f.down}" x2="{width - f.right}" y2="{height - f.down}" '
        'stroke="#888"/>'
        f'<text x="{f.left + f.pw / 2:.0f}" y="{height - 6}" text-anchor="middle" fill="#31333f">'
        f"effective resistance {label}</text>"
    )
    if is_bridge.any():
        nb = int(is_bridge.sum())
        out.append(
            f'<rect x="{f.left + 8}" y="{f.up - 4}" width="12" height="12" fill="url(#hatch)"/>'
            f'<text x="{f.left + 26}" y="{f.up + 6}" fill="#31333f">{nb} bridge(s) of '
            f"{len(values)} edges</text>"
        )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class _Frame:
    """A histogram's plot area inside its SVG (margins in pixels) and the maps from data
    (x in ``[0, hi]``, y in ``[0, ymax]``) to pixels."""

    width: int
    height: int
    hi: float
    ymax: float
    left: int = 44
    right: int = 12
    up: int = 28
    down: int = 42

    @property
    def pw(self) -> int:
        return self.width - self.left - self.right

    @property
    def ph(self) -> int:
        return self.height - self.up - self.down

    def sx(self, x: float) -> float:
        return self.left + self.pw * x / self.hi

    def sy(self, y: float) -> float:
        return self.up + self.ph * (1 - y / self.ymax)


def _hist_grid(f: _Frame, step: float) -> list[str]:
    """Horizontal grid lines with their counts, and the x ticks every 0.2."""
    out = []
    for t in np.arange(0, f.ymax + step / 2, step):
        y = f.sy(t)
        out.append(
            f'<line x1="{f.left}" y1="{y:.1f}" x2="{f.width - f.right}" y2="{y:.1f}" '
            'stroke="#e6e6e6"/>'
            f'<text x="{f.left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{t:g}</text>'
        )
    for t in np.arange(0, f.hi + 1e-9, 0.2):
        out.append(
            f'<text x="{f.sx(t):.1f}" y="{f.height - f.down + 16}" text-anchor="middle" '
            f'fill="#555">{t:.1f}</text>'
        )
    return out


def _hist_bars(
    f: _Frame,
    edges_x: np.ndarray,
    other: np.ndarray,
    brid: np.ndarray,
    fills: tuple[str, str],
    label: str,
) -> list[str]:
    """One bar per bin, bridges stacked on the other edges and hatched, with their count."""
    mid_colour, dark = fills
    nbins = len(edges_x) - 1
    bw = f.pw / nbins
    out = []
    for b in range(nbins):
        lo_b, hi_b = edges_x[b], edges_x[b + 1]
        for count, base, fill, name in (
            (other[b], 0, mid_colour, "other edges"),
            (brid[b], other[b], "url(#hatch)", "bridges"),
        ):
            if count:
                y0, y1 = f.sy(base), f.sy(base + count)
                out.append(
                    f'<rect x="{f.sx(lo_b) + 0.5:.1f}" y="{y1:.1f}" width="{bw - 1:.1f}" '
                    f'height="{max(y0 - y1, 1.5):.1f}" fill="{fill}"><title>{name}: {count} '
                    f"with {label} in [{lo_b:.3g}, {hi_b:.3g})</title></rect>"
                )
        if brid[b]:  # a bridge bar is often 1 of hundreds: say how many, above it
            out.append(
                f'<text x="{f.sx(lo_b) + bw / 2:.1f}" y="{f.sy(other[b] + brid[b]) - 5:.1f}" '
                f'text-anchor="middle" font-weight="600" fill="{dark}">{brid[b]}</text>'
            )
    return out


def _nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``raw``."""
    base = 10 ** np.floor(np.log10(max(raw, 1e-12)))
    return float(next(m * base for m in (1, 2, 5, 10) if m * base >= raw))


_MARKDOWN_ACTIVE = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~$"})


def _svg_text(value: Any) -> str:
    """Text for SVG that neither HTML nor Markdown will interpret."""
    return _html.escape(str(value), quote=False).translate(_MARKDOWN_ACTIVE)
