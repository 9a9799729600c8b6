"""Every setting of the paper's protocol in one frozen :class:`ProtocolConfig` (the paper's
value where it gives one, our documented choice where it is silent), and the names of its
methods and of the readings of a "thickened" bridge."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ...errors import ConfigError

PROTOCOL_METHODS = {  # key -> what it keeps
    "random": "rho|E| edges chosen uniformly at random",
    "standard": "top rho|E| by S = P_freq (a likelihood-trained model's marginals)",
    "weighted": "top rho|E| by S = P_freq + lambda R_eff (needs R_eff at decoding)",
    "oracle": "Spielman-Srivastava: keep e with p_e = min(1, C w_e R_e), reweight by 1/p_e",
    "oracle_topk": "top rho|E| by w_e R_e",
}
THICK_LAYOUTS = {  # how a bridge "thickened into k parallel edges" is built (Exp III)
    "parallel": "k copies of the bridge between the same two nodes (a multigraph; R = 1/k each)",
    "disjoint": "k edges between the two cliques with distinct endpoints (a simple graph)",
    "collapsed": "one edge, as networkx.Graph keeps k parallel edges: only its frequency rises",
}


@dataclass(frozen=True)
class ProtocolConfig:
    """Every setting of the paper's protocol; the defaults are the paper's where it gives
    one and our documented choice where it is silent (docs/science.md)."""

    trials: int = 500  # K, trials per method and setting
    seed: int = 0  # every trial's tie-breaks and draws derive from it
    p_common: float = 0.95  # P_freq of a clique edge (the paper's 95%)
    eps: float = 0.05  # P_freq of a bridge: the share of training samples that hold it
    lam: float = 10.0  # lambda of S = P_freq + lambda R (the paper never gives a value)
    ties: str = "random"  # equal scores: "random" order per trial, or "index" (edge order)
    keep: str = "floor"  # kept edges: "floor" (int(rho |E|)), "round" or "ceil" of rho |E|
    oracle: str = "sampling"  # which oracle fills methods.oracle: "sampling" or "topk"
    clique: int = 8  # Exp I: two K_clique joined by one bridge
    rho_barbell: float = 0.5  # Exp I's target density
    chain: tuple[int, ...] = (10, 15, 20)  # Exp II: clique sizes along the chain
    rho_chain: float = 0.6  # Exp II's target density
    thickness: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8)  # Exp III: k parallel edges
    thick_layout: str = "parallel"  # "parallel" copies of the bridge, "disjoint", "collapsed"
    thick_unit: float | None = None  # P_freq each unit of thickness adds (None: eps)
    thick_alt_unit: float = 0.25  # the unit the paper's transition at k = 3.5 implies
    dyn_eps: float = 0.05  # Exp IV: P(y = 1)
    dyn_batch: int = 64  # Exp IV: SGD batch
    dyn_lr: float = 0.05  # Exp IV: learning rate
    dyn_omega: float = 50.0  # Exp IV: weight of the positive class
    dyn_steps: int = 2000  # Exp IV: SGD steps (the paper does not say)
    dyn_seeds: int = 20  # Exp IV: independent trajectories
    dyn_p0: float = 0.5  # Exp IV: the logit starts at sigmoid^-1(dyn_p0)
    dyn_tail: float = 0.25  # Exp IV: final p = mean of p over this last share of steps
    map_eps: tuple[float, ...] = tuple(round(x, 3) for x in np.linspace(0.0, 1.0, 21))
    map_lam: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0)
    map_rho: tuple[float, ...] = tuple(round(x, 3) for x in np.linspace(0.1, 0.9, 17))
    map_trials: int = 200  # K per cell of the regime maps
    reference_trials: int = 20_000  # K of the long-run reference beside each K-trial figure

    def __post_init__(self) -> None:
        def frac(name: str, x: float, lo_open: bool = False) -> None:
            ok = math.isfinite(x) and (0 < x if lo_open else 0 <= x) and x <= 1
            if not ok:
                raise ConfigError(f"{name} must be a number in {'(0' if lo_open else '[0'}, 1]")

        for name in ("trials", "map_trials", "reference_trials"):
            if not 1 <= int(getattr(self, name)) <= 100_000:
                raise ConfigError(f"{name} must be in 1..100000, got {getattr(self, name)}")
        if int(self.seed) < 0:
            raise ConfigError(f"seed must be >= 0, got {self.seed}")
        for name in ("p_common", "eps", "dyn_eps"):
            frac(name, getattr(self, name))
        for name in ("rho_barbell", "rho_chain"):
            frac(name, getattr(self, name), lo_open=True)
        if not math.isfinite(self.lam) or self.lam < 0:
            raise ConfigError(f"lambda must be a finite number >= 0, got {self.lam}")
        if self.ties not in ("random", "index"):
            raise ConfigError(f"ties must be 'random' or 'index', got {self.ties!r}")
        if self.keep not in ("floor", "round", "ceil"):
            raise ConfigError(f"keep must be 'floor', 'round' or 'ceil', got {self.keep!r}")
        if self.oracle not in ("sampling", "topk"):
            raise ConfigError(f"oracle must be 'sampling' or 'topk', got {self.oracle!r}")
        if (
            not 2 <= self.clique <= 60
            or len(self.chain) < 2
            or any(not 2 <= s <= 60 for s in self.chain)
        ):
            raise ConfigError("clique sizes must be in 2..60, and a chain needs 2 or more")
        if not self.thickness or any(not 1 <= k <= self.clique for k in self.thickness):
            raise ConfigError(f"thickness values must be in 1..clique ({self.clique})")
        if self.thick_layout not in THICK_LAYOUTS:
            raise ConfigError(f"thick_layout must be one of {list(THICK_LAYOUTS)}")
        if self.thick_unit is not None:
            frac("thick_unit", self.thick_unit)
        frac("thick_alt_unit", self.thick_alt_unit)
        if not 1 <= self.dyn_batch <= 100_000 or not 1 <= self.dyn_steps <= 1_000_000:
            raise ConfigError("dyn_batch must be in 1..100000 and dyn_steps in 1..1000000")
        if not 1 <= self.dyn_seeds <= 10_000:
            raise ConfigError("dyn_seeds must be in 1..10000")
        if not (0 < self.dyn_lr < 100 and math.isfinite(self.dyn_omega) and self.dyn_omega > 0):
            raise ConfigError("dyn_lr must be in (0, 100) and dyn_omega a positive number")
        if not 0 < self.dyn_p0 < 1 or not 0 < self.dyn_tail <= 1:
            raise ConfigError("dyn_p0 must be in (0, 1) and dyn_tail in (0, 1]")
        for x in (*self.map_eps, *self.map_rho):
            frac("a regime-map value", x)
        if any(not math.isfinite(x) or x < 0 for x in self.map_lam):
            raise ConfigError("map_lam values must be finite and >= 0")


def config_from(**changes: Any) -> ProtocolConfig:
    """The default configuration with some fields changed (values checked)."""
    return replace(ProtocolConfig(), **changes)
