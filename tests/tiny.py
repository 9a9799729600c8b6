"""The smallest experiment settings that still run every code path (seconds, not minutes).

Each test file names what it needs beyond the common part: ``tiny(rarity_n_train=4)``.
"""

from __future__ import annotations

from typing import Any

from specdiff_core.config import DiffusionConfig, DuelConfig, TrainConfig
from specdiff_core.experiments import ExperimentConfig


def tiny(steps: int = 3, **fields: Any) -> ExperimentConfig:
    """Three training graphs, one test graph, four samples, T = 5, ``steps`` steps."""
    base: dict[str, Any] = dict(n_train=3, n_test=1, samples=4, n_targets=2)
    base.update(fields)
    return ExperimentConfig(
        **base,
        duel=DuelConfig(
            diffusion=DiffusionConfig(T=5), train=TrainConfig(steps=steps, log_every=1)
        ),
    )
