"""Training and test examples: a graph with its R_eff, bridges and training targets, computed
once (from the Spectral Oracle, or from the paper's edge frequencies)."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..config import (
    REGIMES,
)
from ..errors import ConfigError
from ..model import GraphTensors, featurize


@dataclass
class EdgeExample:
    """One training or test graph with everything computed once and cached."""

    graph: nx.Graph
    tensors: GraphTensors  # structure features (flag set only for visible bridges)
    resistance: np.ndarray  # (m,) R_eff, canonical order
    bridges: np.ndarray  # (m,) bool
    targets: np.ndarray  # (n_targets, m) bool teacher masks
    oracle_probs: np.ndarray  # (m,) the teacher's keep probability per edge (P_freq)
    rare: np.ndarray | None = None  # (m,) bool: the rare edges of the regime (None: bridges)

    @property
    def m(self) -> int:
        return int(self.resistance.shape[0])

    @property
    def rare_mask(self) -> np.ndarray:
        """The edges the regime makes rare: the bridges, unless set (a thickened bridge)."""
        return self.bridges if self.rare is None else self.rare


def make_example(
    G: nx.Graph,
    *,
    budget: float = 0.5,
    n_targets: int = 4,
    seed: int = 0,
    visible_bridge: bool = False,
    regime: str = "oracle",
    p_common: float = 0.95,
    p_rare: float = 0.05,
    rare: np.ndarray | None = None,
) -> EdgeExample:
    """Compute R_eff, bridges and ``n_targets`` training targets for ``G``.

    ``regime="oracle"`` (rare in the graph): each target is a Spectral Oracle sample at
    ``budget``, which keeps every bridge. ``regime="rare"`` (rare in the data, the
    paper's): each target keeps every edge independently, a rare edge (``rare``, default
    the bridges) with probability ``p_rare`` and any other with ``p_common``; the
    example's ``oracle_probs`` are then these frequencies (``P_freq``).
    """
    from ..graphs import bridge_mask
    from ..resistance import effective_resistance
    from ..sparsifiers import spectral_oracle

    if regime not in REGIMES:
        raise ConfigError(f"unknown regime {regime!r}; choose one of {list(REGIMES)}")
    R = effective_resistance(G, seed=seed).values  # (m,)
    bridges = bridge_mask(G)  # (m,)
    rng = np.random.default_rng(seed)
    if regime == "oracle":
        sps = [spectral_oracle(G, budget=budget, seed=rng, resistance=R) for _ in range(n_targets)]
        targets = np.stack([sp.mask for sp in sps])  # (n_targets, m)
        probs = sps[0].probs
    else:
        for name, x in (("p_common", p_common), ("p_rare", p_rare)):
            if not (np.isfinite(x) and 0 <= x <= 1):
                raise ConfigError(f"{name} must be a probability in [0, 1], got {x}")
        rare_edges = bridges if rare is None else np.asarray(rare, dtype=bool)
        if rare_edges.shape != bridges.shape:
            raise ConfigError(f"rare mask has {rare_edges.shape[0]} entries, the graph {G.size()}")
        probs = np.where(rare_edges, float(p_rare), float(p_common))  # (m,) P_freq
        targets = rng.random((n_targets, len(R))) < probs  # (n_targets, m)
    flag = bridges.astype(np.float32) if visible_bridge else None
    return EdgeExample(
        graph=G,
        tensors=featurize(G, flag=flag),
        resistance=R,
        bridges=bridges,
        targets=targets,
        oracle_probs=probs,
        rare=None if rare is None else np.asarray(rare, dtype=bool),
    )
