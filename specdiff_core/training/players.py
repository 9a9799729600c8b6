"""What a duel's methods share and what each owns: the batch drawn once per step
(:class:`Batch`), and a method's model and loss weights (:class:`Player`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..model import EdgeDenoiser, GraphTensors
from .losses import (
    class_balanced_weights,
    positive_class_weights,
)


@dataclass
class Batch:
    """One training step's batch, drawn once and fed to every method of a duel."""

    idx: np.ndarray  # (B,) which training examples
    g: GraphTensors  # their disjoint union
    x0: torch.Tensor  # (E,) the targets
    t: torch.Tensor  # (E,) one noise level per graph
    x_t: torch.Tensor  # (E,) the noised state
    bridges: np.ndarray  # (E,) bool
    R: np.ndarray  # (E,) effective resistance


@dataclass
class Player:
    """One method's model and loss weights (the duel's one optimiser trains them all)."""

    model: EdgeDenoiser
    weights: list[np.ndarray | None]  # fixed per-edge weights, per training example
    focal_gamma: float = 0.0  # focal modulation of the loss terms (0 = off)
    balanced: bool = False  # class-balanced weights from each batch's targets
    positive: bool = False  # the fixed weights apply to kept targets only (spectral_pos)

    def target_weights(
        self,
        fixed: np.ndarray | None,
        x0: torch.Tensor,
        keep_rate: float,
        device: torch.device,
    ) -> torch.Tensor | None:
        """The loss weights of edges with targets ``x0`` whose fixed weights are ``fixed``."""
        if self.balanced:
            return class_balanced_weights(x0, keep_rate).to(device)
        if fixed is None:
            return None
        w = torch.tensor(fixed, dtype=torch.float32, device=device)
        return positive_class_weights(w, x0.to(device)) if self.positive else w

    def batch_weights(
        self, idx: np.ndarray, x0: torch.Tensor, keep_rate: float, device: torch.device
    ) -> torch.Tensor | None:
        parts = [self.weights[i] for i in idx]
        fixed = None if parts[0] is None else np.concatenate(parts)
        return self.target_weights(fixed, x0, keep_rate, device)
