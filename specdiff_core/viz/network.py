"""The interactive vis-network canvas (pyvis), offline: the vis-network script and the one
CSS rule it needs are read from the installed pyvis package (or a vendored copy) and
inlined, so no page ever asks a CDN; :func:`external_urls` checks that a page holds none."""

from __future__ import annotations

import functools
import html as _html
import json
import re
from pathlib import Path

import networkx as nx
import numpy as np

from ..graphs import edge_weights, node_labels
from ..paths import ASSETS_DIR
from .common import (
    BRIDGE_COLOUR,
    DROPPED_COLOUR,
    _Drawing,
    _drawing,
    _node_size,
    edge_colours,
    fitted_height,
)


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
    d = _drawing(G, values, bridges, kept, value_label, cmin, cmax)
    labels = node_labels(G)
    links = _vis_edges(G, d, kept is not None, labels, value_label)
    spec = {"nodes": _vis_nodes(G, pos, labels), "edges": links, "options": _vis_options(len(pos))}
    return _page(
        script_json(json.dumps(spec)),
        value_label,
        d.scale,
        height or fitted_height(pos, lo=360),
        d.widths[1],
    )


def _vis_nodes(G: nx.Graph, pos: np.ndarray, labels: list) -> list[dict]:
    """vis-network nodes at ``pos`` (scaled to the canvas), labelled on small graphs."""
    deg = dict(G.degree())
    scale = 300.0 * max(1.0, np.sqrt(len(pos) / 60.0))
    show_labels = len(pos) <= 40
    return [
        {
            "id": i,
            "x": float(pos[i, 0] * scale),
            "y": float(-pos[i, 1] * scale),
            "label": str(labels[i]) if show_labels else "",
            "title": f"node {labels[i]}\ndegree {deg[i]}",
        }
        for i in range(len(pos))
    ]


def _vis_edges(
    G: nx.Graph, d: _Drawing, tag_kept: bool, labels: list, value_label: str
) -> list[dict]:
    """vis-network edges: coloured by value, bridges wide and dashed, dropped ones pale and
    dotted (a dropped bridge in vermillion), each with its exact value on hover."""
    edges, values, is_bridge, keep, colours = d.edges, d.values, d.is_bridge, d.keep, d.colours
    w_edge, w_bridge = d.widths
    weights = edge_weights(G, edges)
    links = []
    for j, (u, v) in enumerate(edges):
        tag = "\nbridge" if is_bridge[j] else ""
        if tag_kept:
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
    return links


def _vis_options(n: int) -> dict:
    """Fixed positions (no physics), hover tooltips, draggable nodes sized for ``n`` nodes."""
    return {
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
            "size": max(3, _node_size(n) * 0.8),
            "borderWidth": 1.5,
            "color": {"background": "#ffffff", "border": "#333333"},
            "font": {"size": 12, "face": "sans-serif", "color": "#333"},
        },
        "edges": {"smooth": False, "selectionWidth": 1.5, "hoverWidth": 1.0},
    }


def _page(
    data: str, value_label: str, scale: tuple[float, float], height: int, w_bridge: float
) -> str:
    """The page around the canvas: its colour key, the inlined vis-network script and
    ``data`` (the script-safe JSON of nodes, edges and options)."""
    lo, hi = scale
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


VIS_VERSION = "9.1.2"


_VENDORED = ASSETS_DIR / "web"  # optional fallback copy


# The one rule of vis-network.css the view needs (tooltips); the rest of that 220 kB file
# styles the manipulation toolbar and configurator, which the view does not use.
_TOOLTIP_CSS_FALLBACK = (
    "div.vis-tooltip{background-color:#f5f4ed;border:1px solid #808074;border-radius:3px;"
    "box-shadow:3px 3px 10px rgba(0,0,0,.2);color:#000;font-family:sans-serif;font-size:13px;"
    "padding:5px;pointer-events:none;position:absolute;visibility:hidden;white-space:nowrap;"
    "z-index:5}"
)


def _asset_dirs() -> list[Path]:
    dirs = []
    try:
        import pyvis

        dirs.append(Path(pyvis.__file__).resolve().parent / "lib" / f"vis-{VIS_VERSION}")
    except ImportError:  # pragma: no cover - pyvis is a runtime dependency
        pass
    dirs.append(_VENDORED / f"vis-{VIS_VERSION}")
    return dirs


def _read_asset(name: str) -> str:
    for d in _asset_dirs():
        path = d / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(
        f"vis-network {VIS_VERSION} asset {name!r} not found in {[str(d) for d in _asset_dirs()]}; "
        "install pyvis==0.3.2 (it ships the file) or copy it to assets/web/vis-9.1.2/"
    )


@functools.cache
def vis_network_js() -> str:
    """The vis-network standalone script, read once from the pyvis package."""
    js = _read_asset("vis-network.min.js")
    return js.replace("</script", "<\\/script")  # cannot close the inline <script> early


@functools.cache
def vis_tooltip_css() -> str:
    """The tooltip rule of vis-network.css (falls back to an equivalent copy)."""
    try:
        css = _read_asset("vis-network.css")
    except FileNotFoundError:
        return _TOOLTIP_CSS_FALLBACK
    rules = re.findall(r"div\.vis-tooltip\{[^}]*\}", css)
    return "".join(rules).replace("font-family:verdana", "font-family:sans-serif") or (
        _TOOLTIP_CSS_FALLBACK
    )


_URL_ATTR = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*|url\(\s*["']?\s*|@import\s+["'])"""
    r"""((?:https?:)?//[^"'\s)>]+)""",
    re.IGNORECASE,
)


def external_urls(html: str) -> list[str]:
    """Every URL the page would fetch from another host (``src=``, ``href=``, ``url()``).

    >>> external_urls('<script src="https://cdn.example/x.js"></script><a href="#a">a</a>')
    ['https://cdn.example/x.js']
    """
    return _URL_ATTR.findall(html)


def script_json(text: str) -> str:
    """Make JSON text safe inside an inline ``<script>`` (no ``</script>``, no ``<!--``)."""
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
