"""Probes: what the models learned and where their gradient comes from, read without
changing training (tested: with or without them the weights stay bit-identical).

- :func:`instrument`: one history row of a model on the batch it just saw: loss, the exact
  per-edge gradient ``|dL/dlogit_e|`` (bridges vs the rest) and each edge group's share of
  the parameter-gradient norm (bridges, the rest, and five R_eff bins), one exact backward
  pass per group;
- :func:`probe_keep`: the keep-probability of bridges vs other edges on held-out probe
  graphs at ``t = T`` (from pure noise: what the model believes from structure alone);
- :func:`keep_marginals`: each edge's keep-probability at ``t = T``, the quantity a
  per-edge fixed point predicts;
- :func:`per_edge_gradients`: the mean exact ``|dL/dlogit_e|`` per edge of one graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..diffusion import MarginalEdgeDiffusion
from ..model import EdgeDenoiser, GraphTensors, batch_graphs
from ..seeds import probe_seed
from .examples import EdgeExample
from .losses import _edge_terms, logit_gradients
from .players import Batch, Player

__all__ = [
    "R_BINS",
    "ProbeBatch",
    "make_probe",
    "probe_keep",
    "instrument",
    "keep_marginals",
    "per_edge_gradients",
]

R_BINS = (0.0, 0.1, 0.25, 0.5, 0.9, 1.0 + 1e-9)  # R_eff bin edges for gradient shares


@dataclass
class ProbeBatch:
    """The held-out probe graphs at ``t = T``, one fixed draw of the prior."""

    g: GraphTensors
    x_t: torch.Tensor  # (E,)
    t: torch.Tensor  # (E,) all T
    bridges: np.ndarray  # (E,) bool


def make_probe(
    diffusion: MarginalEdgeDiffusion,
    probe_set: list[EdgeExample],
    seed: int,
    device: torch.device,
) -> ProbeBatch:
    gen = torch.Generator().manual_seed(probe_seed(seed))
    g = batch_graphs([ex.tensors for ex in probe_set])
    return ProbeBatch(
        g=g.to(device),
        x_t=diffusion.prior(g.n_edges, gen).to(device),
        t=torch.full((g.n_edges,), diffusion.T, dtype=torch.long, device=device),
        bridges=np.concatenate([ex.bridges for ex in probe_set]),
    )


@torch.no_grad()
def probe_keep(model: EdgeDenoiser, probe: ProbeBatch) -> dict[str, float]:
    """Mean keep-probability of the probe graphs' bridges and other edges at t = T."""
    model.eval()
    p = torch.sigmoid(model(probe.g, probe.x_t, probe.t)).cpu().numpy()
    model.train()
    br = probe.bridges
    return {
        "bridge": float(p[br].mean()) if br.any() else float("nan"),
        "other": float(p[~br].mean()) if (~br).any() else float("nan"),
    }


def _group_norms(
    terms: torch.Tensor, groups: Mapping[str, torch.Tensor], params: list[torch.Tensor]
) -> dict[str, float]:
    """``‖∇θ sum(terms[group])‖`` for each group, one exact backward pass each."""
    norms: dict[str, float] = {}
    for name, sel in groups.items():
        if not bool(sel.any()):
            norms[name] = 0.0
            continue
        grads = torch.autograd.grad(terms[sel].sum(), params, retain_graph=True, allow_unused=True)
        norms[name] = float(torch.sqrt(sum((gr**2).sum() for gr in grads if gr is not None)))
    return norms


def instrument(
    method: str,
    model: EdgeDenoiser,
    logits: torch.Tensor,
    x0: torch.Tensor,
    w: torch.Tensor | None,
    batch: Batch,
    *,
    step: int,
    probe: ProbeBatch,
    focal_gamma: float = 0.0,
) -> dict[str, Any]:
    """Gradient-starvation evidence for one model on the current batch (exact)."""
    bridges = torch.tensor(batch.bridges, device=logits.device)
    dz = logit_gradients(logits.detach(), x0, w, focal_gamma=focal_gamma).abs()  # (E,)
    ce = _edge_terms(logits, x0, focal_gamma)  # (E,)
    terms = ce / len(ce) if w is None else w * ce / w.sum()  # sum(terms) == loss
    params = [p for p in model.parameters() if p.requires_grad]
    groups = {"bridge": bridges, "other": ~bridges}
    bins = np.digitize(batch.R, R_BINS[1:-1])
    for b in range(len(R_BINS) - 1):
        groups[f"rbin{b}"] = torch.tensor(bins == b, device=logits.device)
    norms = _group_norms(terms, groups, params)
    pair = norms["bridge"] + norms["other"]
    keep = probe_keep(model, probe)
    nb = int(bridges.sum())
    return {
        "step": step,
        "method": method,
        "p_keep_bridge": keep["bridge"],
        "p_keep_other": keep["other"],
        "grad_logit_bridge": float(dz[bridges].mean()) if nb else float("nan"),
        "grad_logit_other": float(dz[~bridges].mean()) if nb < len(dz) else float("nan"),
        "grad_norm_bridge": norms["bridge"],
        "grad_norm_other": norms["other"],
        "grad_share_bridge": norms["bridge"] / pair if pair > 0 else float("nan"),
        "edge_share_bridge": nb / len(dz),
        **{f"grad_norm_{k}": v for k, v in norms.items() if k.startswith("rbin")},
    }


@torch.no_grad()
def keep_marginals(
    players: Mapping[str, Player],
    diffusion: MarginalEdgeDiffusion,
    example: EdgeExample,
    device: torch.device,
    *,
    draws: int = 16,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Each model's ``P(x_0 = 1)`` per edge of ``example`` at ``t = T``, averaged over
    ``draws`` states of the prior: at ``t = T`` the state says nothing about ``x_0``,
    so this is the keep probability the model learned from structure alone, the
    quantity a per-edge fixed point predicts (``(m,)`` per method)."""
    gen = torch.Generator().manual_seed(int(seed))
    g = batch_graphs([example.tensors] * draws).to(device)
    x_T = diffusion.prior(g.n_edges, gen).to(device)
    t = torch.full((g.n_edges,), diffusion.T, dtype=torch.long, device=device)
    out = {}
    for method, player in players.items():
        player.model.eval()
        p = torch.sigmoid(player.model(g, x_T, t)).cpu().numpy().reshape(draws, example.m)
        player.model.train()
        out[method] = p.mean(axis=0)
    return out


def per_edge_gradients(
    players: Mapping[str, Player],
    diffusion: MarginalEdgeDiffusion,
    example: EdgeExample,
    weights: Mapping[str, np.ndarray | None],
    device: torch.device,
    *,
    seed: int = 0,
    n_t: int = 8,
) -> dict[str, np.ndarray]:
    """Mean exact ``|dL/dlogit_e|`` per edge of ``example`` for each model, over ``n_t``
    noise levels and the example's targets, with each method's loss weights for this
    graph (``weights[method]``, normalised on this graph alone)."""
    gen = torch.Generator().manual_seed(seed)
    g = example.tensors.to(device)
    out: dict[str, np.ndarray] = {}
    for method, player in players.items():
        acc = np.zeros(example.m)
        count = 0
        for tgt in example.targets:
            x0 = torch.tensor(tgt, dtype=torch.float32, device=device)
            w = player.target_weights(weights[method], x0, diffusion.keep_rate, device)
            for t_val in np.linspace(1, diffusion.T, n_t).round().astype(int):
                t = torch.full((example.m,), int(t_val), dtype=torch.long, device=device)
                x_t = diffusion.noise(x0.cpu(), t.cpu(), gen).to(device)
                with torch.no_grad():
                    z = player.model(g, x_t, t)
                grad = logit_gradients(z, x0, w, focal_gamma=player.focal_gamma)
                acc += grad.abs().cpu().numpy()
                count += 1
        out[method] = acc / max(count, 1)
    return out
