"""What :mod:`.render` draws: plotly's colours, scales and text as matplotlib's, and one
function per kind of trace (scatter, bar, heatmap), reference line (shape) and annotation.
Each takes the trace's dict (``fig.to_dict()["data"][i]``) and the matplotlib axes."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

# plotly's default colourway: a trace without a colour gets the next of these
COLOURWAY = ("#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692")
DASH = {"solid": "-", "dash": (0, (5, 3)), "dot": (0, (1, 2)), "dashdot": "-.", None: "-"}
SYMBOL = {"circle": "o", "square": "s", "diamond": "D", "x-thin": "x", "x": "x", "cross": "+"}
PX = 0.75  # a plotly pixel in matplotlib points (at 96 px per inch, 72 points per inch)


def colour(c: Any, default: str = "#444444") -> Any:
    """A plotly colour (hex, css name, ``rgb(...)``, ``rgba(...)``) as matplotlib's.

    >>> colour("rgba(255, 0, 0, 0.5)")
    (1.0, 0.0, 0.0, 0.5)
    """
    if c is None:
        return default
    if isinstance(c, str):
        m = re.fullmatch(r"\s*rgba?\(([^)]*)\)\s*", c)
        if m:
            parts = [float(p) for p in m.group(1).split(",")]
            rgb = tuple(p / 255 for p in parts[:3])
            return (*rgb, parts[3]) if len(parts) == 4 else rgb
    return c


def plain(text: Any) -> str:
    """Plotly's bits of HTML in a label (``<br>``, ``<b>``) as plain text.

    >>> plain("a<br><b>b</b>")
    'a\\nb'
    """
    if text is None:
        return ""
    if isinstance(text, dict):
        text = text.get("text", "")
    return re.sub(r"<[^>]+>", "", str(text).replace("<br>", "\n"))


def colormap(scale: Any):
    """A plotly colour scale (a name such as ``"Viridis_r"`` or ``[[pos, colour], ...]``)."""
    import matplotlib as mpl
    from matplotlib.colors import LinearSegmentedColormap

    if isinstance(scale, str):
        name = scale.lower()
        if name in mpl.colormaps:
            return mpl.colormaps[name]
        raise NotImplementedError(f"no matplotlib colour scale for plotly's {scale!r}")
    stops = [(float(p), colour(c)) for p, c in scale]
    return LinearSegmentedColormap.from_list("plotly", stops)


def decoded(obj: Any) -> Any:
    """``obj`` with plotly's typed arrays (``{"dtype": "f8", "bdata": ...}``, how a figure
    stores a numpy array) turned back into lists.

    >>> decoded({"y": {"dtype": "i1", "bdata": "AQI="}})
    {'y': [1, 2]}
    """
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            import base64

            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            if "shape" in obj:
                arr = arr.reshape([int(d) for d in str(obj["shape"]).split(",")])
            return arr.tolist()
        return {k: decoded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [decoded(v) for v in obj]
    return obj


def _values(seq: Any) -> np.ndarray:
    """A plotly array (with None for gaps) as floats with NaN."""
    return np.array([np.nan if v is None else v for v in seq], dtype=float)


def _positions(ax: Any, xs: Any) -> np.ndarray:
    """x values as numbers: categories (strings) get 0, 1, ... in order of appearance on
    ``ax`` (as plotly's category axis does), numbers stay."""
    xs = list(xs)
    if not any(isinstance(v, str) for v in xs):
        return _values(xs)
    cats: list[str] = ax.__dict__.setdefault("_plotly_categories", [])
    for v in xs:
        if v not in cats:
            cats.append(v)
    ax.set_xticks(range(len(cats)), [plain(c) for c in cats], fontsize=7)
    return np.array([cats.index(v) for v in xs], dtype=float)


def _error(trace: dict, n: int) -> np.ndarray | None:
    """A trace's ``error_y`` as matplotlib's (2, n) ``yerr``, or None."""
    e = trace.get("error_y") or {}
    if not e or e.get("visible") is False or e.get("array") is None:
        return None
    up = _values(e["array"])
    down = _values(e.get("arrayminus", e["array"]))
    return np.nan_to_num(np.stack([down[:n], up[:n]]))


def _scatter(ax: Any, trace: dict, default: str) -> Any:
    """Lines and/or markers (a None in x or y breaks a line, as in plotly)."""
    from matplotlib.lines import Line2D

    x = _positions(ax, trace.get("x", []))
    y = _values(trace.get("y", []))
    mode = trace.get("mode") or ("lines+markers" if len(x) < 20 else "lines")
    line, marker = trace.get("line", {}), trace.get("marker", {})
    alpha = float(trace.get("opacity", 1.0))
    lc = colour(line.get("color"), default)
    style: dict[str, Any] = {"color": lc, "alpha": alpha, "linestyle": "none", "marker": ""}
    if "lines" in mode:
        style.update(linewidth=line.get("width", 2) * PX, linestyle=DASH[line.get("dash")])
        ax.plot(x, y, **{k: v for k, v in style.items() if k != "marker"}, zorder=2)
    if "markers" in mode and float(marker.get("opacity", 1.0)) > 0:
        _markers(ax, x, y, marker, colour(marker.get("color"), lc), alpha)
        style["marker"] = SYMBOL.get(marker.get("symbol", "circle"), "o")
    if "text" in mode:
        for xi, yi, t in zip(x, y, trace.get("text") or [], strict=False):
            ax.text(xi, yi, plain(t), fontsize=7, ha="center", va="bottom")
    err = _error(trace, len(x))
    if err is not None:
        ax.errorbar(x, y, yerr=err, fmt="none", ecolor=lc, capsize=3, linewidth=1)
    if marker.get("showscale"):
        _colourbar(ax, marker, "cmin", "cmax")
    return Line2D([], [], **style)


def _markers(ax: Any, x: np.ndarray, y: np.ndarray, marker: dict, c: Any, alpha: float) -> None:
    size = marker.get("size", 6)
    sizes = (np.asarray(size, dtype=float) * PX) ** 2
    edge = marker.get("line", {})
    symbol = SYMBOL.get(marker.get("symbol", "circle"), "o")
    thin = symbol in ("x", "+")  # plotly draws these with the line's colour and width
    kwargs: dict[str, Any] = {"s": sizes, "marker": symbol, "alpha": alpha, "zorder": 3}
    if isinstance(c, list | tuple) and len(c) == len(x) and not isinstance(c[0], float):
        kwargs["c"] = [colour(v) for v in c]
    elif isinstance(c, list) and len(c) == len(x):
        kwargs.update(c=c, cmap=colormap(marker.get("colorscale", "Viridis")))
    else:
        kwargs["color"] = colour(edge.get("color"), "#333") if thin else c
    if thin:
        kwargs["linewidths"] = edge.get("width", 1) * PX
    elif edge.get("width"):
        kwargs.update(edgecolors=colour(edge.get("color")), linewidths=edge["width"] * PX)
    ax.scatter(x, y, **kwargs)


def _bar(ax: Any, trace: dict, default: str, i: int, n: int) -> Any:
    """Bar ``i`` of the ``n`` bar traces on ``ax``, grouped side by side as plotly does."""
    from matplotlib.patches import Patch

    x = _positions(ax, trace.get("x", []))
    y = _values(trace.get("y", []))
    marker = trace.get("marker", {})
    c = marker.get("color", default)
    c = [colour(v) for v in c] if isinstance(c, list) else colour(c)
    hatch = {"/": "//", "\\": "\\\\", "x": "xx", ".": ".."}.get(
        (marker.get("pattern") or {}).get("shape", ""), None
    )
    width = 0.8 / n
    edge = marker.get("line", {})
    ax.bar(
        x + (i - (n - 1) / 2) * width,
        np.nan_to_num(y),
        width,
        color=c,
        hatch=hatch,
        edgecolor=colour(edge.get("color"), "none") if edge.get("width") else "none",
        linewidth=edge.get("width", 0) * PX,
        yerr=_error(trace, len(x)),
        capsize=3,
        zorder=2,
    )
    return Patch(facecolor=c if not isinstance(c, list) else c[0], hatch=hatch)


def _heatmap(ax: Any, trace: dict) -> None:
    """Cells between the midpoints of x and y (plotly's rule), gaps (None) left blank."""
    z = np.ma.masked_invalid(np.array([_values(row) for row in trace["z"]]))  # (ny, nx)
    x = _values(trace.get("x", range(z.shape[1])))
    y = _values(trace.get("y", range(z.shape[0])))
    cmap = colormap(trace.get("colorscale", "Viridis"))
    if trace.get("reversescale"):
        cmap = cmap.reversed()
    mesh = ax.pcolormesh(
        _edges(x), _edges(y), z, cmap=cmap, vmin=trace.get("zmin"), vmax=trace.get("zmax")
    )
    if trace.get("showscale", True):
        _colourbar(ax, trace, "zmin", "zmax", mesh)


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around ``centres``: halfway between neighbours, half a step outside."""
    if len(centres) == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - mid[0]], mid, [2 * centres[-1] - mid[-1]]])


def _colourbar(ax: Any, spec: dict, lo: str, hi: str, mappable: Any = None) -> None:
    """A colour bar right of ``ax`` with the trace's title and tick format."""
    import matplotlib.cm as cm
    from matplotlib.colors import Normalize
    from matplotlib.ticker import PercentFormatter

    if mappable is None:
        cmap = colormap(spec.get("colorscale", "Viridis"))
        mappable = cm.ScalarMappable(Normalize(spec.get(lo), spec.get(hi)), cmap)
    bar = spec.get("colorbar", {})
    cax = ax.inset_axes([1.03, 0.0, 0.035, 1.0])
    cb = ax.figure.colorbar(mappable, cax=cax)
    cb.ax.tick_params(labelsize=7)
    cb.ax.set_title(plain(bar.get("title")), fontsize=8, loc="left")
    if str(bar.get("tickformat", "")).endswith("%"):
        cb.ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _transform(axes: dict, region: tuple, ref: str, canvas: Any) -> Any:
    """The matplotlib transform of one plotly coordinate reference: ``"x"`` (data of axis
    x), ``"x2 domain"`` (a fraction of that panel) or ``"paper"`` (of the plot region)."""
    from matplotlib.transforms import Bbox, BboxTransformTo

    if ref == "paper":
        x0, y0, x1, y1 = region
        return BboxTransformTo(Bbox([[x0, y0], [x1, y1]])) + canvas.transFigure
    name, _, domain = ref.partition(" ")
    ax = next(a for (xr, yr), a in axes.items() if name in (xr, yr))
    return ax.transAxes if domain else ax.transData


def _where(axes: dict, region: tuple, item: dict, canvas: Any) -> Any:
    from matplotlib.transforms import blended_transform_factory

    xt = _transform(axes, region, item.get("xref", "x"), canvas)
    yt = _transform(axes, region, item.get("yref", "y"), canvas)
    return blended_transform_factory(xt, yt)


def _shape(canvas: Any, axes: dict, region: tuple, shape: dict) -> None:
    """A reference line (``add_hline``, ``add_vline``); other shapes are not drawn by the
    report's figures."""
    if shape.get("type", "line") != "line":
        raise NotImplementedError(f"cannot draw a plotly {shape.get('type')!r} shape")
    line = shape.get("line", {})
    canvas.add_artist(
        __import__("matplotlib.lines", fromlist=["Line2D"]).Line2D(
            [shape["x0"], shape["x1"]],
            [shape["y0"], shape["y1"]],
            transform=_where(axes, region, shape, canvas),
            color=colour(line.get("color"), "#444"),
            linewidth=line.get("width", 2) * PX,
            linestyle=DASH[line.get("dash")],
            zorder=4,
        )
    )


ANCHOR_X = {"left": "left", "center": "center", "right": "right"}
ANCHOR_Y = {"top": "top", "middle": "center", "bottom": "bottom"}


def _annotation(canvas: Any, axes: dict, region: tuple, note: dict) -> None:
    """A text annotation (subplot titles, reference-line labels, notes); arrows omitted."""
    font = note.get("font", {})
    size = float(font.get("size", 12)) * PX * (0.85 if note.get("xref") == "paper" else 0.8)
    canvas.text(
        note.get("x", 0.5),
        note.get("y", 0.5),
        plain(note.get("text")),
        transform=_where(axes, region, note, canvas),
        ha=ANCHOR_X.get(note.get("xanchor"), "center"),
        va=ANCHOR_Y.get(note.get("yanchor"), "center"),
        fontsize=size,
        color=colour(font.get("color"), "#222"),
        zorder=5,
    )
