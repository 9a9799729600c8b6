"""The denoiser: an edge-aware message-passing network over the input graph.

Given a graph ``G`` (structure only), the noisy mask ``x_t`` over its edges and the
step ``t``, it predicts the logit of ``P(x_0 = 1)`` for every edge. Both models of a
duel use this exact network; only the loss weights differ.

Node features are generic local structure (degree, clustering, neighbour degree)
and never include effective resistance. The optional per-edge ``flag`` feature is
zero except in the visible-bridge experiment, where it marks the bridges.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import torch
from torch import nn

from .config import ModelConfig
from .errors import ConfigError
from .graphs import edge_array

__all__ = [
    "ModelConfig",
    "GraphTensors",
    "featurize",
    "batch_graphs",
    "EdgeDenoiser",
    "N_NODE_FEATURES",
]

N_NODE_FEATURES = 4


@dataclass
class GraphTensors:
    """One graph, or several as a disjoint union, ready for the network."""

    node_feat: torch.Tensor  # (N, N_NODE_FEATURES) float32
    edges: torch.Tensor  # (E, 2) long, node indices into node_feat
    flag: torch.Tensor  # (E,) float32, visible-bridge flag (0 unless the experiment sets it)
    edge_graph: torch.Tensor  # (E,) long, which graph each edge belongs to
    n_graphs: int

    def to(self, device: torch.device | str) -> GraphTensors:
        return GraphTensors(
            self.node_feat.to(device),
            self.edges.to(device),
            self.flag.to(device),
            self.edge_graph.to(device),
            self.n_graphs,
        )

    @property
    def n_edges(self) -> int:
        return int(self.edges.shape[0])


def featurize(G: nx.Graph, flag: np.ndarray | None = None) -> GraphTensors:
    """Structure features of one canonical graph, edges in the canonical order.

    Node features: ``log(1 + deg)``, ``deg / mean deg``, local clustering
    coefficient, mean ``log(1 + deg)`` of the neighbours.
    """
    n = G.number_of_nodes()
    edges = edge_array(G)  # (m, 2)
    deg = np.zeros(n)
    np.add.at(deg, edges[:, 0], 1)
    np.add.at(deg, edges[:, 1], 1)
    logdeg = np.log1p(deg)
    nbr_sum = np.zeros(n)
    np.add.at(nbr_sum, edges[:, 0], logdeg[edges[:, 1]])
    np.add.at(nbr_sum, edges[:, 1], logdeg[edges[:, 0]])
    nbr_mean = nbr_sum / np.maximum(deg, 1)
    clust = nx.clustering(G)
    cc = np.array([clust[i] for i in range(n)], dtype=np.float64)
    feats = np.stack([logdeg, deg / max(deg.mean(), 1e-9), cc, nbr_mean], axis=1)  # (n, 4)
    if flag is None:
        flag = np.zeros(len(edges))
    if len(flag) != len(edges):
        raise ConfigError(f"flag has {len(flag)} entries for {len(edges)} edges")
    return GraphTensors(
        node_feat=torch.tensor(feats, dtype=torch.float32),
        edges=torch.tensor(edges, dtype=torch.long),
        flag=torch.tensor(np.asarray(flag, dtype=np.float32)),
        edge_graph=torch.zeros(len(edges), dtype=torch.long),
        n_graphs=1,
    )


def batch_graphs(parts: Sequence[GraphTensors]) -> GraphTensors:
    """Disjoint union of several featurized graphs (edge order: graph by graph)."""
    offsets = np.cumsum([0] + [p.node_feat.shape[0] for p in parts[:-1]])
    return GraphTensors(
        node_feat=torch.cat([p.node_feat for p in parts]),
        edges=torch.cat([p.edges + int(o) for p, o in zip(parts, offsets, strict=True)]),
        flag=torch.cat([p.flag for p in parts]),
        edge_graph=torch.cat(
            [torch.full((p.n_edges,), i, dtype=torch.long) for i, p in enumerate(parts)]
        ),
        n_graphs=len(parts),
    )


def _mlp(d_in: int, d_out: int, width: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d_in, width), nn.SiLU(), nn.Linear(width, d_out))


def time_embedding(t: torch.Tensor, T: int, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of ``t / T``; ``(E,) -> (E, dim)``."""
    half = dim // 2
    freqs = torch.exp(
        torch.arange(half, device=t.device, dtype=torch.float32) * (-math.log(100.0) / half)
    )
    angles = (t.float() / T)[:, None] * freqs[None, :] * math.pi  # (E, half)
    return torch.cat([angles.sin(), angles.cos()], dim=1)


class EdgeDenoiser(nn.Module):
    """Predicts the clean keep/drop logit of every edge from (graph, x_t, t)."""

    def __init__(self, *, config: ModelConfig, T: int) -> None:
        super().__init__()
        assert T >= 1, f"T must be >= 1, got {T}"
        self.config, self.T = config, T
        d = config.width
        self.node_in = _mlp(N_NODE_FEATURES, d, d)
        self.edge_in = _mlp(2 + config.time_dim, d, d)  # x_t, flag, time embedding
        self.msg = nn.ModuleList([_mlp(3 * d, d, d) for _ in range(config.depth)])
        self.upd = nn.ModuleList([_mlp(2 * d, d, d) for _ in range(config.depth)])
        self.norm_e = nn.ModuleList([nn.LayerNorm(d) for _ in range(config.depth)])
        self.norm_h = nn.ModuleList([nn.LayerNorm(d) for _ in range(config.depth)])
        self.head = _mlp(3 * d, 1, d)

    def forward(self, g: GraphTensors, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """Logits of ``P(x_0 = 1)``: ``(E,)``; ``x_t`` and ``t`` are ``(E,)``."""
        src, dst = g.edges[:, 0], g.edges[:, 1]  # (E,)
        n = g.node_feat.shape[0]
        h = self.node_in(g.node_feat)  # (N, d)
        temb = time_embedding(t, self.T, self.config.time_dim)  # (E, time_dim)
        e = self.edge_in(torch.cat([x_t[:, None], g.flag[:, None], temb], dim=1))  # (E, d)
        deg = torch.zeros(n, device=h.device).index_add_(0, src, torch.ones_like(x_t))
        deg = deg.index_add_(0, dst, torch.ones_like(x_t)).clamp_min(1)[:, None]  # (N, 1)
        for msg, upd, ne, nh in zip(self.msg, self.upd, self.norm_e, self.norm_h, strict=True):
            hu, hv = h[src], h[dst]  # (E, d) each
            m = msg(torch.cat([hu + hv, hu * hv, e], dim=1))  # (E, d), symmetric in u, v
            e = ne(e + m)
            agg = torch.zeros_like(h).index_add_(0, src, m).index_add_(0, dst, m) / deg  # (N, d)
            h = nh(h + upd(torch.cat([h, agg], dim=1)))
        hu, hv = h[src], h[dst]
        return self.head(torch.cat([hu + hv, hu * hv, e], dim=1)).squeeze(1)  # (E,)
