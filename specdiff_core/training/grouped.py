"""Every model of a duel as one grouped network: one forward and one backward per step.

The duel's models share one architecture, so their parameters are stacked along a
leading model axis (``(M, *shape)`` per tensor) and :meth:`GroupedDenoiser.forward`
computes all ``M`` models' logits with batched matrix products: the same arithmetic as
:meth:`~specdiff_core.model.EdgeDenoiser.forward` once per model, in a fraction of the
operator dispatches (on graphs of a few hundred edges the dispatches, not the
arithmetic, are most of a step). The stacked tensors are the truth: each model's own
parameters are bound as views of its row (:meth:`bind`), so sampling and the probes use
the ordinary per-model network and see every update at no copying cost.

Fairness stays structural: row ``m`` of a batched product is computed from row ``m``'s
weights alone, so two models with equal weights and equal inputs get bit-identical
outputs (tested).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..model import EdgeDenoiser, GraphTensors, time_embedding

__all__ = ["GroupedDenoiser"]


class GroupedDenoiser(nn.Module):
    """``M`` :class:`EdgeDenoiser` of one architecture, stacked: logits ``(M, E)``.

    Examples
    --------
    >>> import copy
    >>> from specdiff_core.config import ModelConfig
    >>> from specdiff_core.graphs import barbell
    >>> from specdiff_core.model import featurize
    >>> _ = torch.manual_seed(0)
    >>> base = EdgeDenoiser(config=ModelConfig(), T=10)
    >>> group = GroupedDenoiser([copy.deepcopy(base) for _ in range(2)])
    >>> g = featurize(barbell(4, 4))
    >>> x, t = torch.ones(g.n_edges), torch.full((g.n_edges,), 3)
    >>> z = group(g, x, t)
    >>> tuple(z.shape), torch.equal(z[0], z[1]), torch.allclose(z[0], base(g, x, t), atol=1e-5)
    ((2, 13), True, True)
    """

    def __init__(self, models: Sequence[EdgeDenoiser]) -> None:
        super().__init__()
        assert models, "a group needs at least one model"
        first = models[0]
        self.config, self.T, self.M = first.config, first.T, len(models)
        names = [n for n, _ in first.named_parameters()]
        for m in models[1:]:
            assert m.config == first.config and m.T == first.T, "models differ in architecture"
        self.names = names
        self.stacked = nn.ParameterList(
            nn.Parameter(torch.stack([dict(m.named_parameters())[n].detach() for m in models]))
            for n in names
        )
        with torch.no_grad():  # one embedding per step t, computed once
            steps = torch.arange(self.T + 1, device=self.stacked[0].device)
            self.register_buffer(
                "temb", time_embedding(steps, self.T, self.config.time_dim), persistent=False
            )
        self.bind(models)

    def bind(self, models: Sequence[EdgeDenoiser]) -> None:
        """Make each model's parameters views of its row of the stacked tensors (after a
        copy or a transport, which may have separated them)."""
        assert len(models) == self.M, f"{len(models)} models for a group of {self.M}"
        for m, model in enumerate(models):
            params = dict(model.named_parameters())
            for name, big in zip(self.names, self.stacked, strict=True):
                params[name].data = big.data[m]

    def param(self, name: str) -> torch.Tensor:
        return self.stacked[self.names.index(name)]

    # ------------------------------------------------------------ layers

    def _linear(self, P: dict, x: torch.Tensor, name: str) -> torch.Tensor:
        """``x @ W_m^T + b_m`` for every model: ``x`` is ``(M, n, in)`` or shared ``(n, in)``."""
        w, b = P[name + ".weight"], P[name + ".bias"]  # (M, out, in), (M, out)
        if x.dim() == 2:
            x = x.expand(self.M, *x.shape)
        if w.shape[1] == 1:  # a single output: a batched product of one column would run as
            # a matrix-vector product for M = 1 and a matrix product otherwise, whose sums
            # round differently; a row-wise sum keeps a model's result independent of M
            return (x * w[:, None, 0, :]).sum(2, keepdim=True) + b.unsqueeze(1)  # (M, n, 1)
        return torch.baddbmm(b.unsqueeze(1), x, w.transpose(1, 2))  # (M, n, out)

    def _mlp(self, P: dict, x: torch.Tensor, name: str) -> torch.Tensor:
        return self._linear(P, F.silu(self._linear(P, x, name + ".0")), name + ".2")

    def _norm(self, P: dict, x: torch.Tensor, name: str) -> torch.Tensor:
        w, b = P[name + ".weight"], P[name + ".bias"]  # (M, d) each
        return torch.addcmul(b.unsqueeze(1), F.layer_norm(x, x.shape[-1:]), w.unsqueeze(1))

    # ----------------------------------------------------------- forward

    def forward(self, g: GraphTensors, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """Logits of ``P(x_0 = 1)`` of every model: ``(M, E)``; ``x_t``, ``t`` are ``(E,)``."""
        P = dict(zip(self.names, self.stacked, strict=True))
        src, dst = g.edges[:, 0], g.edges[:, 1]  # (E,)
        n = g.node_feat.shape[0]
        h = self._mlp(P, g.node_feat, "node_in")  # (M, N, d)
        e_in = torch.cat([x_t[:, None], g.flag[:, None], self.temb[t]], dim=1)  # (E, 2 + td)
        e = self._mlp(P, e_in, "edge_in")  # (M, E, d)
        ones = torch.ones_like(x_t)
        deg = torch.zeros(n, device=h.device).index_add_(0, src, ones).index_add_(0, dst, ones)
        deg = deg.clamp_min(1)[None, :, None]  # (1, N, 1)
        # Node rows of every model in one (M * N, d) table, so that gathers and scatters
        # run along dimension 0, the fast path of index_select / index_add_.
        M, d = self.M, h.shape[2]
        shift = torch.arange(M, device=h.device)[:, None] * n  # (M, 1)
        fsrc, fdst = (src[None] + shift).reshape(-1), (dst[None] + shift).reshape(-1)  # (M E,)

        def ends(h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            flat = h.reshape(M * n, d)
            return flat.index_select(0, fsrc).view(M, -1, d), flat.index_select(0, fdst).view(
                M, -1, d
            )

        for i in range(self.config.depth):
            hu, hv = ends(h)  # (M, E, d) each
            m = self._mlp(P, torch.cat([hu + hv, hu * hv, e], dim=2), f"msg.{i}")  # (M, E, d)
            e = self._norm(P, e + m, f"norm_e.{i}")
            mf = m.reshape(-1, d)
            agg = h.new_zeros(M * n, d).index_add_(0, fsrc, mf).index_add_(0, fdst, mf)
            agg = agg.view(M, n, d) / deg  # (M, N, d)
            h = self._norm(
                P, h + self._mlp(P, torch.cat([h, agg], dim=2), f"upd.{i}"), f"norm_h.{i}"
            )
        hu, hv = ends(h)
        out = self._mlp(P, torch.cat([hu + hv, hu * hv, e], dim=2), "head").squeeze(2)  # (M, E)
        return out

    # ---------------------------------------------------------- gradient

    def clip_grad_norm_(self, max_norm: float) -> torch.Tensor:
        """Each model's gradient clipped to ``max_norm`` on its own total norm, as
        ``torch.nn.utils.clip_grad_norm_`` does for one model; returns the ``(M,)`` norms."""
        grads = [p.grad for p in self.stacked if p.grad is not None]
        sq = torch.stack([g.pow(2).flatten(1).sum(1) for g in grads]).sum(0)  # (M,)
        norms = sq.sqrt()
        coef = (max_norm / (norms + 1e-6)).clamp(max=1.0)  # (M,)
        for g in grads:
            g.mul_(coef.view(-1, *([1] * (g.dim() - 1))))
        return norms
