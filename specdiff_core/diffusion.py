"""Discrete diffusion on a keep/drop mask over a graph's edges.

The state of edge ``e`` is ``x_e`` in {0 = drop, 1 = keep}. The forward process
uses DiGress's *marginal* transitions (Vignac et al., ICLR 2023; Austin et al.,
"D3PM", NeurIPS 2021)::

    Q_t    = (1 - b_t) I + b_t 1 m^T          # (2, 2), rows sum to 1
    Qbar_t = abar_t I + (1 - abar_t) 1 m^T    # abar_t = prod_{s<=t} (1 - b_s)

with ``m = (1 - pi, pi)`` the training keep rate, so the chain converges to the
data marginal. ``abar_t`` follows the cosine schedule of Nichol & Dhariwal
("Improved DDPM", ICML 2021). The reverse step averages the exact posterior
``q(x_{t-1} | x_t, x_0)`` over the denoiser's predicted ``x_0``.

Everything is vectorised over edges; a "batch" is just a longer edge vector.
:func:`sample_masks` draws ``k`` sparsifications of one graph from a trained denoiser.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from .config import DiffusionConfig
from .errors import ConfigError
from .model import EdgeDenoiser, GraphTensors, batch_graphs

__all__ = [
    "DiffusionConfig",
    "cosine_alpha_bar",
    "MarginalEdgeDiffusion",
    "SampleResult",
    "sample_masks",
]


def cosine_alpha_bar(T: int, s: float = 0.008) -> torch.Tensor:
    """``abar_t`` for t = 0..T from the cosine schedule (Nichol & Dhariwal, 2021).

    Returns a float64 tensor of shape ``(T + 1,)`` with ``abar_0 = 1``, strictly
    decreasing, and ``abar_T`` clamped to 0 (the chain forgets ``x_0`` entirely).

    Examples
    --------
    >>> a = cosine_alpha_bar(4)
    >>> float(a[0]), float(a[-1]), bool((a[1:] < a[:-1]).all())
    (1.0, 0.0, True)
    """
    steps = torch.arange(T + 1, dtype=torch.float64) / T
    f = torch.cos((steps + s) / (1 + s) * math.pi / 2) ** 2
    abar = f / f[0]
    abar[-1] = 0.0
    # per-step betas are clipped (as in Improved DDPM) so that no step is degenerate
    beta = (1 - abar[1:] / abar[:-1]).clamp(max=0.999)
    beta[-1] = 1.0
    return torch.cat([torch.ones(1, dtype=torch.float64), torch.cumprod(1 - beta, 0)])


class MarginalEdgeDiffusion:
    """Marginal-transition diffusion for binary edge states.

    Parameters
    ----------
    config : DiffusionConfig
    keep_rate : float
        ``pi``, the share of edges kept in the training targets; the prior.
    """

    def __init__(self, config: DiffusionConfig, keep_rate: float) -> None:
        if not 0.0 < keep_rate < 1.0:
            raise ConfigError(
                f"the training keep rate must be strictly between 0 and 1, got {keep_rate}; "
                "targets that keep all or no edges leave nothing to learn"
            )
        self.config = config
        self.T = config.T
        self.keep_rate = float(keep_rate)
        self.abar = cosine_alpha_bar(config.T, config.s)  # (T+1,) float64
        # b_t such that abar_t = abar_{t-1} (1 - b_t); b_T = 1 exactly
        self.beta = torch.cat(
            [torch.zeros(1, dtype=torch.float64), 1 - self.abar[1:] / self.abar[:-1]]
        )  # (T+1,)
        self.beta[-1] = 1.0
        m = torch.tensor([1 - keep_rate, keep_rate], dtype=torch.float64)
        eye = torch.eye(2, dtype=torch.float64)
        self.Q = (1 - self.beta)[:, None, None] * eye + self.beta[:, None, None] * m  # (T+1, 2, 2)
        self.Qbar = self.abar[:, None, None] * eye + (1 - self.abar)[:, None, None] * m
        assert torch.allclose(self.Q.sum(-1), torch.ones(1, dtype=torch.float64)), "Q rows"
        assert torch.allclose(self.Qbar.sum(-1), torch.ones(1, dtype=torch.float64)), "Qbar rows"

    # ---------------------------------------------------------------- forward

    def q_keep_prob(self, x0: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """P(x_t = 1 | x_0) per edge; ``x0`` and ``t`` broadcast, both shape ``(E,)``."""
        abar = self.abar.to(x0.device)[t].to(torch.float32)  # (E,)
        return abar * x0.float() + (1 - abar) * self.keep_rate

    def noise(self, x0: torch.Tensor, t: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Draw ``x_t ~ q(x_t | x_0)``; returns a float tensor of 0/1, shape ``(E,)``."""
        p = self.q_keep_prob(x0, t)
        u = torch.rand(p.shape, generator=generator, device=generator.device)
        return (u.to(p.device) < p).float()

    def prior(
        self, n: int, generator: torch.Generator, device: torch.device | str = "cpu"
    ) -> torch.Tensor:
        """``x_T`` drawn from the marginal prior, shape ``(n,)``."""
        u = torch.rand(n, generator=generator, device=generator.device)
        return (u < self.keep_rate).float().to(device)

    # ---------------------------------------------------------------- reverse

    def posterior_keep_prob(
        self, x_t: torch.Tensor, t: torch.Tensor, p0: torch.Tensor
    ) -> torch.Tensor:
        """P(x_{t-1} = 1 | x_t) averaged over the predicted ``x_0``.

        ``p(x_{t-1} | x_t) = sum_{x0} p0(x0) q(x_{t-1} | x_t, x0)`` with
        ``q(x_{t-1} | x_t, x0) ∝ Q_t[x_{t-1}, x_t] * Qbar_{t-1}[x0, x_{t-1}]``.

        Parameters
        ----------
        x_t : (E,) 0/1 tensor
        t : (E,) long tensor with values in 1..T
        p0 : (E,) predicted P(x_0 = 1)
        """
        Q = self.Q.to(x_t.device)[t].to(torch.float32)  # (E, 2, 2)
        Qbar_prev = self.Qbar.to(x_t.device)[t - 1].to(torch.float32)  # (E, 2, 2)
        xt = x_t.long()
        like = Q[torch.arange(len(xt), device=xt.device), :, xt]  # (E, 2): Q_t[j, x_t] over j
        post_num = Qbar_prev * like[:, None, :]  # (E, x0, x_{t-1})
        post = post_num / post_num.sum(-1, keepdim=True).clamp_min(1e-30)  # rows: q(.|x_t, x0)
        probs0 = torch.stack([1 - p0, p0], dim=-1)  # (E, 2)
        mixed = (probs0[:, :, None] * post).sum(1)  # (E, 2)
        assert torch.allclose(mixed.sum(-1), torch.ones_like(p0), atol=1e-4), "posterior rows"
        return mixed[:, 1].clamp(0.0, 1.0)

    @torch.no_grad()
    def sample(
        self,
        predict_p0: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        n_edges: int,
        generator: torch.Generator,
        *,
        device: torch.device | str = "cpu",
        keep_chain: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Run the reverse chain from the prior to ``x_0``.

        Parameters
        ----------
        predict_p0 : callable (x_t (E,), t (E,)) -> P(x_0 = 1) (E,)
            The denoiser, closed over the (batched) graph structure.
        n_edges : int
            Total number of edge states (K samples of an m-edge graph: K * m).
        keep_chain : bool
            Also return every state ``x_T .. x_0`` as a ``(T + 1, E)`` bool tensor.

        Returns
        -------
        x0 : (E,) bool tensor
        chain : (T + 1, E) bool tensor or None
        """
        x = self.prior(n_edges, generator, device)  # (E,)
        chain = [x.bool().cpu()] if keep_chain else None
        for step in range(self.T, 0, -1):
            t = torch.full((n_edges,), step, dtype=torch.long, device=device)
            p0 = predict_p0(x, t)  # (E,)
            if step == 1:
                p_prev = p0  # q(x_0 | x_1, x_0) is the identity: x_0 ~ p0
            else:
                p_prev = self.posterior_keep_prob(x, t, p0)
            u = torch.rand(n_edges, generator=generator, device=generator.device).to(device)
            x = (u < p_prev).float()
            if chain is not None:
                chain.append(x.bool().cpu())
        return x.bool(), (torch.stack(chain) if chain is not None else None)


MAX_SAMPLE_STATES = 2_000_000  # nodes + edges of the k graph copies one sample batch holds


@dataclass
class SampleResult:
    masks: np.ndarray  # (k, m) bool
    chain: np.ndarray | None  # (T + 1, k, m) bool, x_T .. x_0, when requested
    seconds: float


@torch.no_grad()
def sample_masks(
    model: EdgeDenoiser,
    diffusion: MarginalEdgeDiffusion,
    tensors: GraphTensors,
    k: int,
    *,
    seed: int = 0,
    keep_chain: bool = False,
    device: torch.device | str = "cpu",
) -> SampleResult:
    """``k`` samples of one graph's keep-mask in one batch, seeded.

    Raises
    ------
    ConfigError
        ``k < 1``, or ``k`` copies of the graph past :data:`MAX_SAMPLE_STATES` nodes and
        edges (refused before anything is allocated: the batch takes ~300 bytes a state).
    """
    if k < 1:
        raise ConfigError(f"number of samples must be >= 1, got {k}")
    size = tensors.node_feat.shape[0] + tensors.n_edges
    if k * size > MAX_SAMPLE_STATES:
        raise ConfigError(
            f"{k:,} samples of a graph of {size:,} nodes and edges need about "
            f"{k * size * 300 / 1e9:.1f} GB; at most {max(MAX_SAMPLE_STATES // size, 1):,} "
            "samples of this graph are drawn at once: ask for fewer"
        )
    t0 = time.perf_counter()
    model.eval()
    g = batch_graphs([tensors] * k).to(device)
    gen = torch.Generator().manual_seed(int(seed))
    x0, chain = diffusion.sample(
        lambda x, t: torch.sigmoid(model(g, x, t)),
        g.n_edges,
        gen,
        device=device,
        keep_chain=keep_chain,
    )
    m = tensors.n_edges
    masks = x0.cpu().numpy().reshape(k, m)
    ch = chain.numpy().reshape(chain.shape[0], k, m) if chain is not None else None
    return SampleResult(masks=masks, chain=ch, seconds=time.perf_counter() - t0)
