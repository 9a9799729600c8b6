"""Exp IV (the paper's Fig. 5): one logit trained by SGD on Bernoulli(eps) targets, with and
without the positive class weighted by omega, against the closed-form fixed point."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .reported import PAPER_DYNAMICS, at_paper_settings
from .scores import _STREAM, _rng
from .settings import ProtocolConfig


def fixed_point(omega: float, eps: float) -> float:
    """Where the expected gradient of a single logit vanishes when the positive class is
    weighted by ``omega``: ``omega eps / (omega eps + 1 - eps)`` (``omega = 1``: eps).

    Examples
    --------
    >>> round(fixed_point(50, 0.05), 4), fixed_point(1, 0.05)
    (0.7246, 0.05)
    """
    return float(omega * eps / (omega * eps + 1 - eps))


def run_dynamics(cfg: ProtocolConfig, *, keep_every: int | None = None) -> dict[str, Any]:
    """Exp IV: one logit, targets ~ Bernoulli(eps), SGD on the batch-mean cross-entropy;
    "weighted" multiplies the positive terms by omega. ``dyn_seeds`` trajectories each."""
    from ...metrics import t_interval

    S, B, T = cfg.dyn_seeds, cfg.dyn_batch, cfg.dyn_steps
    every = keep_every or max(1, T // 200)
    out: dict[str, Any] = {"steps": list(range(0, T + 1, every))}
    tail = max(1, int(round(cfg.dyn_tail * T)))
    finals: dict[str, np.ndarray] = {}
    for j, (name, omega) in enumerate((("standard", 1.0), ("weighted", cfg.dyn_omega))):
        rng = _rng(cfg, _STREAM["dynamics"], j)
        theta = np.full(S, math.log(cfg.dyn_p0 / (1 - cfg.dyn_p0)))
        traj, tail_sum = [1 / (1 + np.exp(-theta))], np.zeros(S)
        for step in range(1, T + 1):
            p = 1 / (1 + np.exp(-theta))
            y = rng.random((S, B)) < cfg.dyn_eps  # (S, B)
            w = np.where(y, omega, 1.0)
            theta = theta - cfg.dyn_lr * (w * (p[:, None] - y)).mean(axis=1)
            p = 1 / (1 + np.exp(-theta))
            if step > T - tail:
                tail_sum += p
            if step % every == 0:
                traj.append(p)
        finals[name] = tail_sum / tail
        out[name] = np.stack(traj, axis=1).tolist()  # (S, steps) per seed
    out["final_p"] = {m: float(v.mean()) for m, v in finals.items()}
    out["final_p_ci"] = {m: t_interval(v) for m, v in finals.items()}
    out["final_p_per_seed"] = {m: v.tolist() for m, v in finals.items()}
    out["fixed_point"] = fixed_point(cfg.dyn_omega, cfg.dyn_eps)
    out["fixed_point_standard"] = fixed_point(1.0, cfg.dyn_eps)
    if at_paper_settings(cfg, "dynamics"):
        out["paper"] = dict(PAPER_DYNAMICS)
    return out
