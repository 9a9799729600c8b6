"""Settings as frozen dataclasses, free of torch so that the CLI and the app can read
defaults without loading the network code. Each field's comment says what it does."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from .errors import ConfigError

__all__ = [
    "TRAINING_METHODS",
    "REGIMES",
    "METHOD_LABELS",
    "DECODERS",
    "DiffusionConfig",
    "ModelConfig",
    "WeightConfig",
    "TrainConfig",
    "DuelConfig",
    "with_steps",
]


# Every loss a duel can train with: the paper's two, and the controls that ask whether any
# generic up-weighting of rare edges does as well (docs/beyond.md). Each is the one loss,
# training.edge_loss, with its own per-edge weights (or focal modulation).
TRAINING_METHODS: dict[str, str] = {
    "standard": "unweighted per-edge cross-entropy",
    "spectral": "edge weights f(R_eff), the paper's cure",
    "focal": "focal loss: each term times (1 - p_t)^gamma (Lin et al. 2017)",
    "class_balanced": "inverse class frequency: keep and drop targets weighted 1 / (2 freq)",
    "shuffled": "the spectral weights, randomly reassigned to edges within each graph",
    "degree": "f(1/d_u + 1/d_v): a local degree proxy for R_eff",
    "spectral_pos": "f(R_eff) on kept targets only, 1 on dropped ones (Exp IV's positive-class form)",
}
# What every method is called in tables, figures and generated sentences (report.styles
# adds how it is drawn): the training methods, and the samplers and decodings beside them.
METHOD_LABELS: dict[str, str] = {
    "standard": "standard diffusion",
    "spectral": "spectrally-weighted",
    "finetuned": "standard, fine-tuned spectrally",
    "focal": "focal loss (control)",
    "class_balanced": "class-balanced (control)",
    "shuffled": "shuffled R_eff weights (control)",
    "degree": "degree weights (control)",
    "spectral_pos": "positive-class weights (Exp IV's form)",
    "score_shift": "standard + score shift λR (needs R_eff)",
    "oracle": "Spectral Oracle (teacher)",
    "uniform": "uniform sparsifier",
}
# Where a duel's training targets come from (PAPER.md, "two regimes"):
REGIMES: dict[str, str] = {
    "oracle": "rare in the graph: targets from the Spectral Oracle, which keeps every bridge",
    "rare": "rare in the data (the paper's): each target keeps a bridge with probability eps "
    "and every other edge with p_common",
}
# How a trained model's samples become one sparsified graph:
DECODERS: dict[str, str] = {
    "chain": "run the reverse chain; keep what the last Bernoulli step keeps",
    "topk": "estimate each edge's keep probability from the chain's samples, keep the top rho|E|",
}


@dataclass(frozen=True)
class DiffusionConfig:
    """Settings of the noising process (identical for both models of a duel)."""

    T: int = 50  # number of diffusion steps; t is drawn from 1..T when training
    schedule: str = "cosine"  # only "cosine" (Nichol & Dhariwal 2021) for now
    s: float = 0.008  # cosine schedule offset

    def __post_init__(self) -> None:
        if not 1 <= int(self.T) <= 10_000:
            raise ConfigError(f"DiffusionConfig.T must be in 1..10000, got {self.T}")
        if self.schedule != "cosine":
            raise ConfigError(f"unknown schedule {self.schedule!r}; only 'cosine' is available")
        if not 0 < self.s < 1:
            raise ConfigError(f"DiffusionConfig.s must be in (0, 1), got {self.s}")


@dataclass(frozen=True)
class ModelConfig:
    """Denoiser size (identical for both models of a duel)."""

    width: int = 32  # hidden size of node and edge states
    depth: int = 3  # message-passing layers
    time_dim: int = 16  # sinusoidal embedding size of t / T

    def __post_init__(self) -> None:
        if not 4 <= self.width <= 1024:
            raise ConfigError(f"ModelConfig.width must be in 4..1024, got {self.width}")
        if not 1 <= self.depth <= 16:
            raise ConfigError(f"ModelConfig.depth must be in 1..16, got {self.depth}")
        if self.time_dim < 2 or self.time_dim % 2:
            raise ConfigError(f"ModelConfig.time_dim must be even and >= 2, got {self.time_dim}")


@dataclass(frozen=True)
class WeightConfig:
    """How the spectrally-weighted loss turns R_eff into per-edge weights."""

    fn: str = "linear"  # "linear": 1 + lam * R; "power": R ** lam; "exp": exp(lam * R)
    lam: float = 10.0  # strength of the weighting
    focal_gamma: float = 2.0  # focusing exponent of the "focal" control (Lin et al. 2017)

    def __post_init__(self) -> None:
        if self.fn not in ("linear", "power", "exp"):
            raise ConfigError(f"unknown weight function {self.fn!r}; use linear, power or exp")
        if not np.isfinite(self.lam) or self.lam < 0:
            raise ConfigError(f"lambda must be a finite number >= 0, got {self.lam}")
        if not np.isfinite(self.focal_gamma) or not 0 <= self.focal_gamma <= 10:
            raise ConfigError(f"focal_gamma must be in [0, 10], got {self.focal_gamma}")


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings, shared by both models of a duel."""

    steps: int = 600  # optimiser steps per model
    lr: float = 3e-3  # Adam learning rate
    batch_graphs: int = 8  # training graphs per step (each with its own t)
    grad_clip: float = 1.0  # clip the parameter-gradient norm (0 = off)
    log_every: int = 10  # instrumentation every this many steps
    seed: int = 0  # initial weights, data order, noise
    device: str = "auto"  # "auto" (CUDA when present), "cpu" or "cuda"
    threads: int = 1  # CPU threads for torch (tiny graphs: 1 is fastest; 0 = torch's default)
    lr_hold: float = 1.0  # share of the steps at the full lr, then a cosine decay toward 0
    # over the rest (1 = constant lr, no schedule); see lr_factor

    def __post_init__(self) -> None:
        if self.steps < 0 or self.batch_graphs < 1 or self.log_every < 1:
            raise ConfigError("steps must be >= 0, batch_graphs and log_every >= 1")
        if not 0 < self.lr < 1:
            raise ConfigError(f"learning rate must be in (0, 1), got {self.lr}")
        if not 0 <= self.lr_hold <= 1:
            raise ConfigError(f"lr_hold is a share of the steps in [0, 1], got {self.lr_hold}")

    def lr_factor(self, step: int) -> float:
        """The learning rate of optimiser step ``step`` (1-based) as a share of ``lr``: 1
        for the first ``lr_hold`` of the steps, then ``(1 + cos(pi x)) / 2`` with ``x`` going
        from 0 toward 1 over the remaining steps (the last step's lr is small, not 0).

        Examples
        --------
        >>> cfg = TrainConfig(steps=10, lr_hold=0.5)
        >>> [round(cfg.lr_factor(s), 3) for s in (1, 5, 6, 7, 10)]
        [1.0, 1.0, 1.0, 0.905, 0.095]
        """
        hold = self.lr_hold * self.steps
        if step - 1 < hold or self.steps <= hold:
            return 1.0
        x = (step - 1 - hold) / (self.steps - hold)
        return 0.5 * (1.0 + math.cos(math.pi * x))


@dataclass(frozen=True)
class DuelConfig:
    """Everything that defines a duel; both models share all of it but the loss weights."""

    diffusion: DiffusionConfig = field(default_factory=DiffusionConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    weighting: WeightConfig = field(default_factory=WeightConfig)
    methods: tuple[str, ...] = ("standard", "spectral")  # see TRAINING_METHODS

    def __post_init__(self) -> None:
        unknown = [m for m in self.methods if m not in TRAINING_METHODS]
        if unknown:
            raise ConfigError(
                f"unknown training method(s) {unknown}; choose from {list(TRAINING_METHODS)}"
            )
        if len(set(self.methods)) != len(self.methods):
            raise ConfigError(f"each method may appear once in a duel, got {list(self.methods)}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DuelConfig:
        return cls(
            diffusion=DiffusionConfig(**d["diffusion"]),
            model=ModelConfig(**d["model"]),
            train=TrainConfig(**d["train"]),
            weighting=WeightConfig(**d["weighting"]),
            methods=tuple(d["methods"]),
        )


def with_steps(config: DuelConfig, steps: int) -> DuelConfig:
    """A copy of ``config`` with a different number of training steps."""
    return replace(config, train=replace(config.train, steps=steps))
