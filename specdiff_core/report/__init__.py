"""Reports of results: markdown tables, plotly figures for the app, matplotlib PNGs and one
offline HTML page. Every number comes from a result dict; the paper's figures appear only
in their own labelled columns, beside our run of the paper's protocol.

Modules: ``styles`` (every method's label, colour, dash and marker, and how numbers are
written), ``markdown`` and ``figures`` (trained experiments), ``duel_figures`` (a live duel
and its gradients), ``paper_tables`` and ``paper_figures`` (packages: the paper's protocol
and the trained models in its regimes), ``png`` (static pictures and :func:`write_report`).
"""

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
from .paper_figures import (
    learned_figures,
    learned_map_figure,
    learned_png,
    protocol_bars,
    protocol_figures,
    protocol_png,
    regime_map_figure,
    single_logit_figure,
    thickness_figure,
)
from .paper_tables import (
    findings,
    learned_map_markdown,
    learned_markdown,
    map_sentence,
    protocol_markdown,
    protocol_table_markdown,
)
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
    "dynamics_figure",
    "gradient_scatter",
    "gradient_share_figure",
    "rbin_figure",
    "write_report",
    "protocol_markdown",
    "protocol_table_markdown",
    "map_sentence",
    "learned_markdown",
    "learned_map_markdown",
    "findings",
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
