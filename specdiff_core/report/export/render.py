"""A plotly figure drawn by matplotlib, so that a slide's frames are the app's own figures
without a browser.

Plotly's static export (kaleido) drives a Chrome: it works where one is installed, at
about 0.35 s a frame in a batch and 3 s for a single picture here, and fails on a server
without one. This draws the figure object the app shows (its traces, axes, shapes,
annotations and legend) with matplotlib, a dependency already, in ~0.1 s a frame. It
covers what the report's figures use: scatter (lines, markers, error bars), bars,
heatmaps, reference lines and text; anything else raises ``NotImplementedError``
rather than drawing a wrong picture.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .traces import COLOURWAY, _annotation, _bar, _heatmap, _scatter, _shape, colour, decoded, plain

DEFAULT_MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80}  # plotly's own


def render_png(fig: Any, *, width: int = 960, height: int = 540, dpi: int = 100) -> bytes:
    """``fig`` (a plotly figure) as PNG bytes of ``width`` x ``height`` pixels."""
    return render_panels([fig], width=width, height=height, dpi=dpi, fmt="png")


def render_panels(
    figs: Sequence[Any],
    *,
    width: int = 960,
    height: int = 540,
    dpi: int = 100,
    headers: Sequence[str] = (),
    title: str = "",
    fmt: str = "rgb",
) -> Any:
    """Plotly figures side by side on one canvas, each under its header: an RGB image
    (``fmt="rgb"``, a PIL image) or PNG bytes (``fmt="png"``)."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    # A Figure of its own, not pyplot's: no global state, so a download's thread (Streamlit
    # runs a deferred download beside the page) and the page never share a figure.
    canvas = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    FigureCanvasAgg(canvas)
    canvas.patch.set_facecolor("white")
    top = 1.0
    if title:
        canvas.text(0.5, 0.985, title, ha="center", va="top", fontsize=12, weight="bold")
        top = 0.93
    n = max(len(figs), 1)
    for i, fig in enumerate(figs):
        box = (i / n, 0.0, (i + 1) / n, top)
        if i < len(headers) and headers[i]:
            canvas.text((i + 0.5) / n, top - 0.01, headers[i], ha="center", va="top", fontsize=10)
            box = (box[0], box[1], box[2], top - 0.06)
        draw(fig, canvas, box, width=width / n, height=height * (box[3] - box[1]))
    buf = io.BytesIO()
    canvas.savefig(buf, format="png", dpi=dpi, facecolor="white")
    if fmt == "png":
        return buf.getvalue()
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def draw(fig: Any, canvas: Any, box: tuple[float, float, float, float], **size: float) -> None:
    """Draw plotly ``fig`` into ``box`` (x0, y0, x1, y1 in canvas fractions) of ``canvas``;
    ``size`` gives the box's ``width`` and ``height`` in pixels (for the margins)."""
    spec = decoded(fig.to_dict())
    layout = spec.get("layout", {})
    region = _plot_region(layout, box, size["width"], size["height"])
    axes = _make_axes(canvas, spec["data"], layout, region)
    handles: list[tuple[Any, str]] = []
    bars: dict[tuple[str, str], list[int]] = {}  # the bar traces of each panel, grouped
    for i, t in enumerate(spec["data"]):
        if t.get("type") == "bar":
            bars.setdefault(_axis_pair(t), []).append(i)
    for i, trace in enumerate(spec["data"]):
        if trace.get("visible") == "legendonly" or trace.get("visible") is False:
            continue
        ax = axes[_axis_pair(trace)]
        kind = trace.get("type", "scatter")
        default = COLOURWAY[i % len(COLOURWAY)]
        if kind == "scatter":
            h = _scatter(ax, trace, default)
        elif kind == "bar":
            group = bars[_axis_pair(trace)]
            h = _bar(ax, trace, default, group.index(i), len(group))
        elif kind == "heatmap":
            h = _heatmap(ax, trace)
        else:
            raise NotImplementedError(f"cannot draw a plotly {kind!r} trace as a frame")
        if h is not None and trace.get("showlegend", True) and trace.get("name"):
            if plain(trace["name"]) not in [n for _, n in handles]:
                handles.append((h, plain(trace["name"])))
    for shape in layout.get("shapes", []):
        _shape(canvas, axes, region, shape)
    for note in layout.get("annotations", []):
        _annotation(canvas, axes, region, note)
    for ax in axes.values():
        ax.set_zorder(1)
    title = plain(layout.get("title"))
    if title:
        canvas.text(box[0] + 0.01, box[3] - 0.01, title, ha="left", va="top", fontsize=11)
    if handles and layout.get("showlegend", True) and len(spec["data"]) > 1:
        canvas.legend(
            [h for h, _ in handles],
            [n for _, n in handles],
            loc="lower center",
            bbox_to_anchor=((box[0] + box[2]) / 2, box[1]),
            ncol=min(len(handles), 4),
            fontsize=8,
            frameon=False,
        )


def _plot_region(layout: dict, box: tuple, width: float, height: float) -> tuple:
    """The box less the figure's margins (plotly's, or enough for ticks and a legend)."""
    m = {**DEFAULT_MARGIN, **layout.get("margin", {})}
    left = max(m["l"], 55) / width
    right = max(m["r"], 15) / width
    top = max(m["t"], 40) / height
    bottom = max(m["b"], 75) / height
    w, h = box[2] - box[0], box[3] - box[1]
    return (
        box[0] + left * w,
        box[1] + bottom * h,
        box[2] - right * w,
        box[3] - top * h,
    )


def _axis_pair(trace: dict) -> tuple[str, str]:
    return trace.get("xaxis", "x"), trace.get("yaxis", "y")


def _layout_axis(layout: dict, ref: str) -> dict:
    """The layout's axis for a trace's reference: ``"x2"`` is ``layout["xaxis2"]``."""
    return layout.get(ref[0] + "axis" + ref[1:], {})


def _make_axes(canvas: Any, data: list, layout: dict, region: tuple) -> dict:
    """One matplotlib axes per axis pair the traces (and the layout) use, at its domain."""
    pairs = {_axis_pair(t) for t in data} or {("x", "y")}
    for key in layout:  # panels with no trace yet (an empty duel) still get their axes
        m = re.fullmatch(r"xaxis(\d*)", key)
        if m:
            pairs.add(("x" + m.group(1), "y" + m.group(1)))
    x0, y0, x1, y1 = region
    axes = {}
    for xr, yr in sorted(pairs):
        xa, ya = _layout_axis(layout, xr), _layout_axis(layout, yr)
        dx, dy = xa.get("domain", [0, 1]), ya.get("domain", [0, 1])
        rect = (
            x0 + dx[0] * (x1 - x0),
            y0 + dy[0] * (y1 - y0),
            (dx[1] - dx[0]) * (x1 - x0),
            (dy[1] - dy[0]) * (y1 - y0),
        )
        ax = canvas.add_axes(rect)
        _style_axes(ax, xa, ya, layout)
        axes[(xr, yr)] = ax
    return axes


def _style_axes(ax: Any, xa: dict, ya: dict, layout: dict) -> None:
    """Titles, ranges, log scale, ticks and visibility of one panel's two axes."""
    from matplotlib.ticker import PercentFormatter

    ax.set_facecolor(colour(layout.get("plot_bgcolor"), "#E5ECF6"))
    ax.grid(True, color="white", linewidth=1)
    ax.set_axisbelow(True)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.tick_params(labelsize=8, length=0)
    for which, a in (("x", xa), ("y", ya)):
        setter = getattr(ax, f"set_{which}label")
        setter(plain(a.get("title")), fontsize=9)
        if a.get("type") == "log":
            getattr(ax, f"set_{which}scale")("log")
        if a.get("range") is not None and a.get("type") != "log":
            getattr(ax, f"set_{which}lim")(*a["range"])
        if a.get("tickvals") is not None:
            getattr(ax, f"set_{which}ticks")(a["tickvals"], [plain(t) for t in a["ticktext"]])
        if str(a.get("tickformat", "")).endswith("%"):
            getattr(ax, f"{which}axis").set_major_formatter(PercentFormatter(1.0, decimals=0))
        if a.get("showticklabels") is False:
            getattr(ax, f"set_{which}ticklabels")([])
        if a.get("visible") is False:
            getattr(ax, f"{which}axis").set_visible(False)
            ax.grid(False)
    if xa.get("visible") is False and ya.get("visible") is False:
        ax.set_facecolor(colour(layout.get("plot_bgcolor"), "white"))
    if ya.get("scaleanchor"):
        ax.set_aspect("equal", adjustable="datalim")
