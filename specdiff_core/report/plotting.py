"""What the report's plotly figures share: the axis of a share, panels side by side, a
labelled reference line, the two trained models' rows of a history, a method's curve and
the colour scale of connected shares. Plotly is imported only when a figure is made."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .styles import METHOD_LABEL, method_line

# The y axis of a share (connected, bridge survival): 0 to 105%, in percent
SHARE_AXIS = {"range": [0, 1.05], "tickformat": ".0%"}

# Heatmaps of a connected share: 0 to 100% on one scale, with its colour bar
CONNECTED_HEATMAP = {
    "zmin": 0,
    "zmax": 1,
    "colorscale": "Viridis",
    "colorbar": {"title": "connected", "tickformat": ".0%"},
}


def side_by_side(*titles: str) -> Any:
    """A figure of one row of panels, one per title."""
    from plotly.subplots import make_subplots

    return make_subplots(rows=1, cols=len(titles), subplot_titles=titles)


def labelled_line(
    add: Callable[..., Any],
    at: float,
    text: str,
    position: str | None = None,
    *,
    dash: str = "dot",
    colour: str | None = "#555",
    **panel: Any,
) -> None:
    """A reference line at ``at`` with its label: ``add`` is a figure's ``add_hline`` or
    ``add_vline``; dotted grey unless told, at plotly's default colour for ``colour=None``;
    ``panel`` (``row``, ``col``) puts it on one panel only."""
    style: dict[str, Any] = {"line_dash": dash, "annotation_text": text, **panel}
    if colour is not None:
        style["line_color"] = colour
    if position is not None:
        style["annotation_position"] = position
    add(at, **style)


def by_model(rows: Sequence[dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """The standard and the spectral model's rows of a history, each model that has any."""
    for m in ("standard", "spectral"):
        mine = [r for r in rows if r["method"] == m]
        if mine:
            yield m, mine


def method_curve(fig: Any, m: str, x: Sequence[Any], y: Sequence[Any], **trace: Any) -> None:
    """Method ``m``'s curve on ``fig``, named and drawn as that method (``trace`` adds to
    or overrides it)."""
    fig.add_scatter(x=x, y=y, **{"name": METHOD_LABEL[m], "line": method_line(m), **trace})
