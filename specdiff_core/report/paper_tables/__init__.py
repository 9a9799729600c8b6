"""Markdown of the paper's protocol (:mod:`specdiff_core.experiments.protocol`) and of the
trained models in the paper's regimes: the paper's figures in their own columns, and the
headline :func:`findings`.

Every number comes from a result dict; the paper's figures are copied from
``protocol.PAPER_TABLES`` and never computed with.

Modules: ``protocol`` (the protocol's tables), ``learned`` (the trained models in the
paper's regimes), ``findings`` (the headline sentences) and ``cells`` (how a cell is
written).
"""

from .findings import findings
from .learned import learned_map_markdown, learned_markdown
from .learned import learned_setting_markdown as learned_setting_markdown  # public, not in __all__
from .protocol import map_sentence, protocol_markdown, protocol_table_markdown

__all__ = [
    "protocol_markdown",
    "protocol_table_markdown",
    "map_sentence",
    "learned_markdown",
    "learned_map_markdown",
    "findings",
]
