"""Figures of the paper's protocol and of the trained models in its regimes: plotly for the
app and report.html, one matplotlib PNG per result.

Modules: ``protocol`` and ``learned`` (plotly), ``png`` (matplotlib).
"""

from .learned import learned_figures, learned_map_figure
from .png import learned_png, protocol_png
from .protocol import (
    protocol_bars,
    protocol_figures,
    regime_map_figure,
    single_logit_figure,
    thickness_figure,
)

__all__ = [
    "protocol_bars",
    "thickness_figure",
    "single_logit_figure",
    "regime_map_figure",
    "protocol_figures",
    "protocol_png",
    "learned_figures",
    "learned_map_figure",
    "learned_png",
]
