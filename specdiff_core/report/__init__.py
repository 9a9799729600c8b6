"""Reports of results: markdown tables, plotly figures for the app, matplotlib PNGs and one
offline HTML page. Every number comes from a result dict; the paper's figures appear only
in their own labelled columns, beside our run of the paper's protocol.

Modules: ``styles`` (every method's label, colour, dash and marker, and how numbers are
written), ``markdown`` and ``figures`` (trained experiments), ``duel_figures`` (a live duel
and its gradients), ``class_figures`` (a class's duel results, one point per seed), ``paper_tables`` and ``paper_figures`` (packages: the paper's protocol
and the trained models in its regimes), ``png`` (static pictures and :func:`write_report`),
``plotting`` (what the plotly figures share: panels, reference lines, axes, a method's curve).
"""

from . import paper_figures, paper_tables
from .class_figures import class_strip
from .duel_figures import duel_curves, gradient_scatter, gradient_share_figure, rbin_figure
from .figures import (
    bars_figure,
    bridge_class_figure,
    dynamics_figure,
    finetune_figure,
    grid_figure,
    result_figures,
)
from .markdown import PAPER_MARKDOWN, all_methods, experiment_markdown, summary_markdown
from .paper_figures import *  # noqa: F403 (its __all__, added to ours below)
from .paper_tables import *  # noqa: F403 (likewise)
from .png import write_report
from .styles import (
    EXP_TITLE,
    LEARNED_ROWS,
    METHOD_COLOUR,
    METHOD_DASH,
    METHOD_LABEL,
    METHOD_ORDER,
    METHOD_SYMBOL,
    PROTOCOL_COLOUR,
    PROTOCOL_LABEL,
    REGIME_LABEL,
    REGIME_TEXT,
    STYLES,
    Style,
    error_bars,
    protocol_label,
)

__all__ = [
    "Style",
    "error_bars",
    "protocol_label",
    "STYLES",
    "METHOD_ORDER",
    "METHOD_LABEL",
    "METHOD_COLOUR",
    "METHOD_DASH",
    "METHOD_SYMBOL",
    "REGIME_TEXT",
    "PROTOCOL_LABEL",
    "PROTOCOL_COLOUR",
    "EXP_TITLE",
    "LEARNED_ROWS",
    "REGIME_LABEL",
    "summary_markdown",
    "all_methods",
    "experiment_markdown",
    "PAPER_MARKDOWN",
    "bars_figure",
    "result_figures",
    "finetune_figure",
    "grid_figure",
    "bridge_class_figure",
    "duel_curves",
    "class_strip",
    "dynamics_figure",
    "gradient_scatter",
    "gradient_share_figure",
    "rbin_figure",
    "write_report",
]
__all__ += paper_tables.__all__
__all__ += paper_figures.__all__
