"""The teacher view's figure: a class's duel results, one point per seed, as strip plots
(the standard and the weighted model's bridge survival, and the gap between them with
its mean and interval over seeds)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .plotting import SHARE_AXIS, labelled_line, side_by_side
from .styles import METHOD_COLOUR, METHOD_LABEL, METHOD_SYMBOL

INVISIBLE = "rgba(255,255,255,0)"


def _strip(x: str, y: Sequence[float], seeds: Sequence[int], colour: str, symbol: str) -> dict:
    """A strip of points (plotly's own strip plot: a box trace whose box is invisible)."""
    return {
        "type": "box",
        "x": [x] * len(y),
        "y": list(y),
        "name": x,
        "boxpoints": "all",
        "jitter": 0.5,
        "pointpos": 0,
        "fillcolor": INVISIBLE,
        "line": {"color": INVISIBLE},
        "hoveron": "points",
        "marker": {"color": colour, "symbol": symbol, "size": 10, "opacity": 0.8},
        "text": [f"seed {s}" for s in seeds],
        "hovertemplate": "%{text}: %{y:.1%}<extra></extra>",
        "showlegend": False,
    }


def class_strip(
    seeds: Sequence[int],
    standard: Sequence[float],
    weighted: Sequence[float],
    *,
    mean_gap: float | None = None,
    ci: Sequence[float] | None = None,
) -> Any:
    """Bridge survival per seed of both models (left) and their gap per seed (right), with
    the gap's mean and, given ``ci``, its interval over seeds.

    Examples
    --------
    >>> fig = class_strip([0, 1], [0.5, 0.75], [1.0, 1.0], mean_gap=0.375, ci=[-1.2, 1.9])
    >>> [len(t.y) for t in fig.data], list(fig.data[2].y)
    ([2, 2, 2, 1], [0.5, 0.25])
    """
    assert len(seeds) == len(standard) == len(weighted), "one value per seed in each"
    fig = side_by_side(
        "bridge survival, one point per seed", "weighted minus standard, one point per seed"
    )
    for m, y in (("standard", standard), ("spectral", weighted)):
        trace = _strip(METHOD_LABEL[m], y, seeds, METHOD_COLOUR[m], METHOD_SYMBOL[m])
        fig.add_trace(trace, row=1, col=1)
    gaps = [w - s for s, w in zip(standard, weighted, strict=True)]
    fig.add_trace(_strip("gap", gaps, seeds, "#444", "circle"), row=1, col=2)
    if mean_gap is not None:
        bars = None
        if ci is not None:
            up, down = ci[1] - mean_gap, mean_gap - ci[0]
            bars = dict(type="data", symmetric=False, array=[up], arrayminus=[down])
        fig.add_scatter(
            x=["mean" + (", 95% t-interval" if ci is not None else "")],
            y=[mean_gap],
            error_y=bars,
            mode="markers",
            marker={"color": "#000", "symbol": "diamond", "size": 12},
            hovertemplate="mean gap %{y:+.1%}<extra></extra>",
            showlegend=False,
            row=1,
            col=2,
        )
    labelled_line(fig.add_hline, 0.0, "no difference", "bottom right", row=1, col=2)
    fig.update_yaxes(SHARE_AXIS, row=1, col=1)
    fig.update_yaxes(range=[-1.05, 1.05], tickformat="+.0%", row=1, col=2)
    fig.update_layout(height=380, margin={"t": 40, "b": 30, "l": 10, "r": 10})
    return fig
