"""What ``method="auto"`` picks, from component sizes and a fill estimate, and why."""

from __future__ import annotations

from typing import Any

import numpy as np

from .structure import _envelope, _Graph, _grounded

_SMALL_COMPONENT = 1000  # components up to this size always go dense under "auto"
_SPARSE_FRACTION = 0.1  # "auto" prefers sparse when envelope <= this share of dense storage


def _choose(g: _Graph, opts: dict[str, Any], eps: float) -> tuple[str, str]:
    sizes = np.bincount(g.labels[g.deg > 0])
    sizes = sizes[sizes > 0]
    n_max = int(sizes.max())
    if n_max <= _SMALL_COMPONENT:
        return "dense", (
            f"the largest component has {n_max} nodes (<= {_SMALL_COMPONENT}), "
            "so the exact dense Cholesky inverse takes at most milliseconds"
        )
    A, _ = _grounded(g)
    env = _envelope(A)
    dense_entries = float((sizes.astype(np.float64) ** 2).sum() / 2)
    budget = float(opts["sparse_max_envelope"])
    if env <= _SPARSE_FRACTION * dense_entries and env <= budget:
        return "sparse", (
            f"the grounded Laplacian's envelope ({env:,} entries) is under "
            f"{_SPARSE_FRACTION:.0%} of dense storage, so an exact sparse factorisation "
            "with selected inversion is cheaper than dense"
        )
    if n_max <= int(opts["dense_max_nodes"]):
        return "dense", (
            f"the largest component has {n_max:,} nodes (<= dense_max_nodes="
            f"{int(opts['dense_max_nodes']):,}) and its sparse factor would fill in "
            f"(envelope {env:,} entries), so the exact dense Cholesky inverse is used"
        )
    if env <= budget:
        return "sparse", (
            f"the largest component has {n_max:,} nodes (> dense_max_nodes) but the "
            f"envelope ({env:,} entries) is within sparse_max_envelope, so an exact sparse "
            "factorisation with selected inversion is used"
        )
    return "approx", (
        f"the largest component has {n_max:,} nodes (> dense_max_nodes) and the envelope "
        f"({env:,} entries) exceeds sparse_max_envelope, so exact methods are too costly "
        f"and the Spielman-Srivastava approximation (eps={eps:g}) is used"
    )
