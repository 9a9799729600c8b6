"""How good is a sparsified graph: connectivity, bridge survival, spectral error.

A sparsified graph is given as a ``mask`` (and optionally ``weights``) aligned with
:func:`specdiff_core.graphs.edge_array`; it always has **all** the nodes of ``G``.
Components are counted over all nodes, so an isolated node of ``G`` is a component
of ``G`` and of every sparsification of it; "connectivity is preserved" means the
kept subgraph has as many components as ``G`` (for a connected ``G``: it is connected).

Batches (``masks`` of shape ``(K, m)``) are evaluated together: bridges and the
spectral basis of ``L_G`` are computed once, components of all ``K`` samples in a
single ``connected_components`` call, eigenvalues in batched dense solves.

Modules, lowest first: ``masks`` (checks of masks and weights), ``connectivity``
(components, bridges, retention), ``spectral`` (generalised eigenvalues of ``(L_H, L_G)``),
``intervals`` (Wilson and Student-t), ``evaluation`` (every metric of one graph or a batch,
and their summary).
"""

from ..graphs import bridge_mask
from .connectivity import (
    bridge_survival,
    count_components,
    edge_retention,
    n_components,
    preserves_connectivity,
)
from .evaluation import evaluate, evaluate_batch, summarize
from .intervals import Z95 as Z95
from .intervals import t_interval, wilson_ci
from .spectral import DENSE_MAX_NODES, SpectralQuality, spectral_quality

__all__ = [
    "DENSE_MAX_NODES",
    "SpectralQuality",
    "bridge_mask",
    "n_components",
    "count_components",
    "preserves_connectivity",
    "bridge_survival",
    "edge_retention",
    "spectral_quality",
    "wilson_ci",
    "t_interval",
    "evaluate",
    "evaluate_batch",
    "summarize",
]
