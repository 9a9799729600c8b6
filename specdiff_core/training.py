"""Training: one loss with optional per-edge weights, the fair duel, instrumentation.

The standard model and the spectrally-weighted model differ in exactly one
thing: the per-edge weights handed to :func:`edge_loss` (``None`` = uniform,
or ``f(R_e)``). Architecture, initial weights, data order, noise, optimiser,
number of steps and seed are shared (:class:`Duel`). The controls of
``config.TRAINING_METHODS`` (focal, class-balanced, shuffled-R_eff and degree
weights) enter the same way: weights, or the focal option, of the same loss.

Instrumentation (streamed to a callback and kept in ``Duel.history``):
loss; the model's keep-probability for bridges vs other edges on held-out probe
graphs; the exact per-edge gradient ``|dL/dlogit_e|``; and each edge group's
share of the parameter-gradient norm (bridges vs the rest, and by R_eff bins),
computed with one exact backward pass per group.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import torch
import torch.nn.functional as F

from .config import (
    REGIMES,
    TRAINING_METHODS,
    DiffusionConfig,
    DuelConfig,
    ModelConfig,
    TrainConfig,
    WeightConfig,
    with_steps,
)
from .diffusion import MarginalEdgeDiffusion
from .errors import ConfigError
from .model import EdgeDenoiser, GraphTensors, batch_graphs, featurize

__all__ = [
    "WeightConfig",
    "TrainConfig",
    "EdgeExample",
    "make_example",
    "edge_loss",
    "edge_weights_for",
    "class_balanced_weights",
    "positive_class_weights",
    "degree_proxy",
    "logit_gradients",
    "TRAINING_METHODS",
    "Duel",
    "DuelConfig",
    "R_BINS",
    "ModelConfig",
    "DiffusionConfig",
    "with_steps",
    "resolve_device",
]

R_BINS = (0.0, 0.1, 0.25, 0.5, 0.9, 1.0 + 1e-9)  # R_eff bin edges for gradient shares


# --------------------------------------------------------------------------- configs


def resolve_device(name: str) -> torch.device:
    """``"auto"`` -> CUDA when available, else CPU. Choosing CUDA makes torch's CUDA
    kernels deterministic for this process (see :func:`deterministic_cuda`)."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device 'cuda' requested but no CUDA device is available; use 'cpu'")
    if name not in ("cpu", "cuda"):
        raise ConfigError(f"device must be auto, cpu or cuda, got {name!r}")
    if name == "cuda":
        deterministic_cuda()
    return torch.device(name)


def deterministic_cuda() -> None:
    """Make CUDA runs bit-for-bit repeatable, as CPU runs are.

    The message passing sums with ``index_add_``, whose CUDA kernel adds with atomics in
    whatever order the threads arrive: on an H100, two players with the same loss, init
    and batches drifted apart within 3 steps, and a duel trained in a worker process
    differed from the same duel trained in place. A duel's fairness (the only difference
    between the players is the loss) and the sharing of identical runs between students
    both rest on determinism, so CUDA uses torch's deterministic kernels. cuBLAS needs
    its workspace fixed for that, before its first use; a value already set is kept.
    """
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True)


# --------------------------------------------------------------------------- examples


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
    from .metrics import bridge_mask
    from .resistance import effective_resistance
    from .sparsifiers import spectral_oracle

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


# ------------------------------------------------------------------------------ loss


def _edge_terms(logits: torch.Tensor, targets: torch.Tensor, focal_gamma: float) -> torch.Tensor:
    """Per-edge cross-entropy, focal-modulated when ``focal_gamma > 0``."""
    ce = F.binary_cross_entropy_with_logits(logits, targets.float(), reduction="none")  # (E,)
    if focal_gamma:
        # (1 - p_t)^gamma with p_t = exp(-CE); clamped so the power's gradient stays finite
        ce = ce * (-torch.expm1(-ce)).clamp_min(1e-12) ** focal_gamma  # (E,)
    return ce


def edge_loss(
    logits: torch.Tensor,
    targets: torch.Tensor,
    weight: torch.Tensor | None = None,
    *,
    focal_gamma: float = 0.0,
) -> torch.Tensor:
    """The one training loss: per-edge cross-entropy, optionally weighted or focal.

    ``L = sum_e w_e l_e / sum_e w_e`` with ``l_e = CE(y_e, sigmoid(z_e))``; with
    ``weight=None`` (the standard loss) this is the plain mean, and ``weight = ones``
    gives exactly the same value. With ``focal_gamma = g > 0`` each term is the focal
    loss ``l_e = (1 - p_t)^g CE`` (``p_t`` the probability given to the target).

    Parameters
    ----------
    logits, targets : (E,) tensors
    weight : (E,) tensor of non-negative weights, or None
    focal_gamma : float
        Focusing exponent; 0 (the default) is plain cross-entropy.

    Returns
    -------
    torch.Tensor
        A scalar.

    References
    ----------
    T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollar, "Focal loss for dense object
    detection", ICCV 2017.

    Examples
    --------
    >>> z, y = torch.tensor([0.0, 0.0]), torch.tensor([1.0, 0.0])
    >>> round(float(edge_loss(z, y)), 4), round(float(edge_loss(z, y, focal_gamma=2.0)), 4)
    (0.6931, 0.1733)
    """
    ce = _edge_terms(logits, targets, focal_gamma)  # (E,)
    if weight is None:
        return ce.mean()
    assert weight.shape == ce.shape, f"weight {tuple(weight.shape)} vs edges {tuple(ce.shape)}"
    return (weight * ce).sum() / weight.sum()


def logit_gradients(
    logits: torch.Tensor,
    targets: torch.Tensor,
    weight: torch.Tensor | None = None,
    *,
    focal_gamma: float = 0.0,
) -> torch.Tensor:
    """Exact ``dL/dlogit_e`` of :func:`edge_loss`.

    Cross-entropy: ``w_e (sigmoid(z_e) - y_e) / sum w``. Focal, with ``q = 1 - p_t`` and
    ``s = 2 y - 1``: ``w_e s q^g (g p_t log p_t - q) / sum w``.
    """
    w = torch.ones_like(logits) if weight is None else weight
    y = targets.float()
    if not focal_gamma:
        return w * (torch.sigmoid(logits) - y) / w.sum()
    ce = F.binary_cross_entropy_with_logits(logits, y, reduction="none")  # -log p_t
    p_t = torch.exp(-ce)
    q = -torch.expm1(-ce)
    g = float(focal_gamma)
    return w * (2 * y - 1) * q**g * (-g * p_t * ce - q) / w.sum()


def degree_proxy(G: nx.Graph) -> np.ndarray:
    """A local stand-in for R_eff: ``min(1 / w_e, 1 / s_u + 1 / s_v)`` per edge.

    ``s`` is the weighted degree (strength). For unweighted graphs ``1/d_u + 1/d_v``
    approximates ``R_uv`` in large dense random graphs (von Luxburg, Radl, Hein, JMLR
    2014); it is capped at ``1 / w_e``, the bound R cannot exceed. It sees only the two
    endpoints, so it cannot tell a bridge between two cliques from an edge inside one.

    Examples
    --------
    >>> degree_proxy(nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])).round(3).tolist()
    [1.0, 0.833, 0.833, 1.0]
    """
    from .graphs import edge_array, edge_weights

    edges = edge_array(G)  # (m, 2)
    w = edge_weights(G, edges)  # (m,)
    s = np.zeros(G.number_of_nodes())
    np.add.at(s, edges[:, 0], w)
    np.add.at(s, edges[:, 1], w)
    return np.minimum(1.0 / w, 1.0 / s[edges[:, 0]] + 1.0 / s[edges[:, 1]])


def _apply_fn(x: np.ndarray, weighting: WeightConfig) -> np.ndarray:
    """The weight function ``f`` of :class:`WeightConfig` applied to R (or a proxy of it)."""
    if weighting.fn == "linear":
        return 1.0 + weighting.lam * x
    if weighting.fn == "power":
        return np.maximum(x, 1e-12) ** weighting.lam
    return np.exp(weighting.lam * x)


def edge_weights_for(
    method: str,
    R: np.ndarray,
    weighting: WeightConfig,
    *,
    graph: nx.Graph | None = None,
    seed: int | Sequence[int] | None = None,
) -> np.ndarray | None:
    """Per-edge loss weights of a method (``None`` = no per-edge weights).

    Parameters
    ----------
    method : str
        One of ``config.TRAINING_METHODS``. ``standard``, ``focal`` and
        ``class_balanced`` have no fixed per-edge weights (``None``; focal modulation and
        class weights are applied per batch, see :class:`Duel`).
    R : (m,) array
        Effective resistance per edge, canonical order.
    weighting : WeightConfig
        The weight function ``f`` and ``lambda`` (shared by spectral, shuffled, degree).
    graph : networkx.Graph, optional
        Needed by ``degree``.
    seed : int or sequence of ints, optional
        Needed by ``shuffled``: the permutation of the spectral weights.

    Raises
    ------
    ConfigError
        An unknown method, or a missing ``graph`` / ``seed``.
    """
    if method not in TRAINING_METHODS:
        raise ConfigError(
            f"unknown training method {method!r}; use one of {list(TRAINING_METHODS)}"
        )
    if method in ("standard", "focal", "class_balanced"):
        return None
    if method in ("spectral", "spectral_pos"):  # spectral_pos: on kept targets (Duel)
        return _apply_fn(R, weighting)
    if method == "shuffled":
        if seed is None:
            raise ConfigError("shuffled weights need a seed (the permutation)")
        return np.random.default_rng(seed).permutation(_apply_fn(R, weighting))
    if graph is None:
        raise ConfigError("degree weights need the graph (its degrees)")
    return _apply_fn(degree_proxy(graph), weighting)


def positive_class_weights(weight: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``weight`` on kept targets (y = 1), 1 on dropped ones: the paper's Exp IV form
    (omega on the positive class), per edge. Unlike Eq. 4.1's weights, which multiply both
    classes alike and leave each edge's optimum at its frequency ``p``, this moves it to
    ``w p / (w p + 1 - p)`` (:func:`specdiff_core.protocol.fixed_point`).

    Examples
    --------
    >>> positive_class_weights(torch.tensor([3.0, 3.0]), torch.tensor([1.0, 0.0])).tolist()
    [3.0, 1.0]
    """
    return torch.where(targets > 0.5, weight, torch.ones_like(weight))


def class_balanced_weights(targets: torch.Tensor, keep_rate: float) -> torch.Tensor:
    """Inverse class frequency: ``1 / (2 keep_rate)`` on kept targets, ``1 / (2 (1 -
    keep_rate))`` on dropped ones (each class then carries half the total weight)."""
    if not 0 < keep_rate < 1:
        raise ConfigError(f"class-balanced weights need a keep rate in (0, 1), got {keep_rate}")
    y = targets.float()
    return y / (2 * keep_rate) + (1 - y) / (2 * (1 - keep_rate))


# ------------------------------------------------------------------------------ duel


@dataclass
class _Player:
    model: EdgeDenoiser
    opt: torch.optim.Optimizer
    weights: list[np.ndarray | None]  # fixed per-edge weights, per training example
    focal_gamma: float = 0.0  # focal modulation of the loss terms (0 = off)
    balanced: bool = False  # class-balanced weights from each batch's targets
    positive: bool = False  # the fixed weights apply to kept targets only (spectral_pos)


class Duel:
    """Train several loss variants side by side under identical conditions.

    Parameters
    ----------
    config : DuelConfig
    train : sequence of EdgeExample
        Training graphs with their teacher targets.
    probe : sequence of EdgeExample, optional
        Held-out graphs on which keep-probabilities are tracked (default: ``train[:4]``).
    callback : callable(row: dict) -> None, optional
        Receives every history row as soon as it is computed.

    Examples
    --------
    >>> from specdiff_core.graphs import barbell
    >>> ex = [make_example(barbell(5, 5, seed=s), seed=s) for s in range(2)]
    >>> duel = Duel(DuelConfig(train=TrainConfig(steps=2, log_every=1)), ex)
    >>> _ = duel.step(2)
    >>> duel.step_count, sorted({row["method"] for row in duel.history})
    (2, ['spectral', 'standard'])
    """

    def __init__(
        self,
        config: DuelConfig,
        train: Sequence[EdgeExample],
        probe: Sequence[EdgeExample] | None = None,
        callback: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        if not train:
            raise ConfigError("a duel needs at least one training graph")
        if not config.methods:
            raise ConfigError("a duel needs at least one method")
        self.config = config
        self.train_set = list(train)
        self.probe_set = list(probe) if probe else self.train_set[:4]
        self.callback = callback
        self.device = resolve_device(config.train.device)
        if config.train.threads > 0 and self.device.type == "cpu":
            # Tiny per-step tensors: intra-op threads only add contention (measured: 2 threads
            # were 17x slower than 1 on a loaded 2-core machine).
            torch.set_num_threads(config.train.threads)
        keep = float(np.mean(np.concatenate([ex.targets.ravel() for ex in self.train_set])))
        self.diffusion = MarginalEdgeDiffusion(config.diffusion, keep)
        torch.manual_seed(config.train.seed)
        base = EdgeDenoiser(config=config.model, T=config.diffusion.T).to(self.device)
        self.players: dict[str, _Player] = {}
        for method in config.methods:
            model = copy.deepcopy(base)  # identical initial weights for every method
            opt = torch.optim.Adam(model.parameters(), lr=config.train.lr, foreach=True)
            weights = [
                edge_weights_for(
                    method,
                    ex.resistance,
                    config.weighting,
                    graph=ex.graph,
                    seed=(config.train.seed, i),
                )
                for i, ex in enumerate(self.train_set)
            ]
            gamma = config.weighting.focal_gamma if method == "focal" else 0.0
            self.players[method] = _Player(
                model,
                opt,
                weights,
                focal_gamma=gamma,
                balanced=method == "class_balanced",
                positive=method == "spectral_pos",
            )
        self.step_count = 0
        self.history: list[dict[str, Any]] = []
        self.seconds = 0.0
        self._rng = np.random.default_rng(config.train.seed)
        self._gen = torch.Generator().manual_seed(config.train.seed)
        self._probe_batch = self._make_probe()

    # -------------------------------------------------------------- data

    @property
    def done(self) -> bool:
        return self.step_count >= self.config.train.steps

    def _batch(self) -> dict[str, Any]:
        """The next training batch, identical for every method."""
        B = self.config.train.batch_graphs
        idx = self._rng.integers(len(self.train_set), size=B)
        exs = [self.train_set[i] for i in idx]
        tgt = [ex.targets[self._rng.integers(len(ex.targets))] for ex in exs]
        g = batch_graphs([ex.tensors for ex in exs])
        x0 = torch.tensor(np.concatenate(tgt), dtype=torch.float32)  # (E,)
        t_graph = torch.randint(1, self.config.diffusion.T + 1, (B,), generator=self._gen)
        t = t_graph[g.edge_graph]  # (E,) one t per graph
        x_t = self.diffusion.noise(x0, t, self._gen)
        return {
            "idx": idx,
            "g": g,
            "x0": x0,
            "t": t,
            "x_t": x_t,
            "bridges": np.concatenate([ex.bridges for ex in exs]),
            "R": np.concatenate([ex.resistance for ex in exs]),
        }

    def _make_probe(self) -> dict[str, Any]:
        gen = torch.Generator().manual_seed(10_000 + self.config.train.seed)
        g = batch_graphs([ex.tensors for ex in self.probe_set])
        T = self.config.diffusion.T
        return {
            "g": g.to(self.device),
            "x_t": self.diffusion.prior(g.n_edges, gen).to(self.device),
            "t": torch.full((g.n_edges,), T, dtype=torch.long, device=self.device),
            "bridges": np.concatenate([ex.bridges for ex in self.probe_set]),
        }

    # ------------------------------------------------------------- train

    def step(self, n: int = 1) -> list[dict[str, Any]]:
        """Advance every model by ``n`` optimiser steps (capped at ``config.train.steps``).

        Returns the history rows produced by these steps.
        """
        rows: list[dict[str, Any]] = []
        n = max(0, min(n, self.config.train.steps - self.step_count))
        for _ in range(n):
            t0 = time.perf_counter()
            batch = self._batch()
            self.step_count += 1
            log = self.step_count % self.config.train.log_every == 0 or self.step_count in (
                1,
                self.config.train.steps,
            )
            for method, player in self.players.items():
                row = self._train_one(method, player, batch, instrument=log)
                if row is not None:
                    rows.append(row)
            self.seconds += time.perf_counter() - t0
        for row in rows:
            self.history.append(row)
            if self.callback is not None:
                self.callback(row)
        return rows

    def start_from(self, state: dict[str, torch.Tensor]) -> None:
        """Load ``state`` (a model's ``state_dict``) into every player and reset the
        optimisers: fine-tuning a trained model under this duel's losses."""
        if self.step_count:
            raise ConfigError("start_from must be called before the first training step")
        for player in self.players.values():
            player.model.load_state_dict(state)
            player.opt = torch.optim.Adam(
                player.model.parameters(), lr=self.config.train.lr, foreach=True
            )

    def _weight_tensor(
        self, player: _Player, idx: np.ndarray, x0: torch.Tensor | None = None
    ) -> torch.Tensor | None:
        if player.balanced:
            assert x0 is not None, "class-balanced weights need the batch's targets"
            return class_balanced_weights(x0, self.diffusion.keep_rate).to(self.device)
        parts = [player.weights[i] for i in idx]
        if parts[0] is None:
            return None
        w = torch.tensor(np.concatenate(parts), dtype=torch.float32, device=self.device)
        if player.positive:
            assert x0 is not None, "positive-class weights need the batch's targets"
            return positive_class_weights(w, x0.to(self.device))
        return w

    def _train_one(
        self, method: str, player: _Player, batch: dict[str, Any], *, instrument: bool
    ) -> dict[str, Any] | None:
        model, opt = player.model, player.opt
        model.train()
        g = batch["g"].to(self.device)
        x0, x_t, t = (batch[k].to(self.device) for k in ("x0", "x_t", "t"))
        w = self._weight_tensor(player, batch["idx"], x0)
        logits = model(g, x_t, t)  # (E,)
        loss = edge_loss(logits, x0, w, focal_gamma=player.focal_gamma)
        row = None
        if instrument:
            row = self._instrument(
                method, model, logits, x0, w, batch, focal_gamma=player.focal_gamma
            )
            row["loss"] = float(loss.detach())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if self.config.train.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), self.config.train.grad_clip)
        opt.step()
        return row

    def _instrument(
        self,
        method: str,
        model: EdgeDenoiser,
        logits: torch.Tensor,
        x0: torch.Tensor,
        w: torch.Tensor | None,
        batch: dict[str, Any],
        *,
        focal_gamma: float = 0.0,
    ) -> dict[str, Any]:
        """Gradient-starvation evidence for one model on the current batch (exact)."""
        bridges = torch.tensor(batch["bridges"], device=logits.device)
        R = batch["R"]
        dz = logit_gradients(logits.detach(), x0, w, focal_gamma=focal_gamma).abs()  # (E,)
        ce = _edge_terms(logits, x0, focal_gamma)  # (E,)
        terms = ce / len(ce) if w is None else w * ce / w.sum()  # sum(terms) == loss
        params = [p for p in model.parameters() if p.requires_grad]
        groups = {"bridge": bridges, "other": ~bridges}
        bins = np.digitize(R, R_BINS[1:-1])
        for b in range(len(R_BINS) - 1):
            groups[f"rbin{b}"] = torch.tensor(bins == b, device=logits.device)
        norms: dict[str, float] = {}
        for name, sel in groups.items():
            if not bool(sel.any()):
                norms[name] = 0.0
                continue
            grads = torch.autograd.grad(
                terms[sel].sum(), params, retain_graph=True, allow_unused=True
            )
            norms[name] = float(torch.sqrt(sum((gr**2).sum() for gr in grads if gr is not None)))
        pair = norms["bridge"] + norms["other"]
        probe = self._probe_keep(model)
        nb = int(bridges.sum())
        return {
            "step": self.step_count,
            "method": method,
            "p_keep_bridge": probe["bridge"],
            "p_keep_other": probe["other"],
            "grad_logit_bridge": float(dz[bridges].mean()) if nb else float("nan"),
            "grad_logit_other": float(dz[~bridges].mean()) if nb < len(dz) else float("nan"),
            "grad_norm_bridge": norms["bridge"],
            "grad_norm_other": norms["other"],
            "grad_share_bridge": norms["bridge"] / pair if pair > 0 else float("nan"),
            "edge_share_bridge": nb / len(dz),
            **{f"grad_norm_{k}": v for k, v in norms.items() if k.startswith("rbin")},
        }

    def probe_keep(self, method: str) -> dict[str, float]:
        """Mean keep-probability a model gives bridges and other edges of the probe
        graphs at t = T (from pure noise: what it believes from structure alone)."""
        return self._probe_keep(self.players[method].model)

    @torch.no_grad()
    def _probe_keep(self, model: EdgeDenoiser) -> dict[str, float]:
        model.eval()
        pb = self._probe_batch
        p = torch.sigmoid(model(pb["g"], pb["x_t"], pb["t"])).cpu().numpy()
        model.train()
        br = pb["bridges"]
        return {
            "bridge": float(p[br].mean()) if br.any() else float("nan"),
            "other": float(p[~br].mean()) if (~br).any() else float("nan"),
        }

    @torch.no_grad()
    def keep_marginals(
        self, example: EdgeExample, *, draws: int = 16, seed: int = 0
    ) -> dict[str, np.ndarray]:
        """Each model's ``P(x_0 = 1)`` per edge of ``example`` at ``t = T``, averaged over
        ``draws`` states of the prior: at ``t = T`` the state says nothing about ``x_0``,
        so this is the keep probability the model learned from structure alone, the
        quantity a per-edge fixed point predicts (``(m,)`` per method)."""
        gen = torch.Generator().manual_seed(int(seed))
        g = batch_graphs([example.tensors] * draws).to(self.device)
        x_T = self.diffusion.prior(g.n_edges, gen).to(self.device)
        t = torch.full((g.n_edges,), self.config.diffusion.T, dtype=torch.long, device=self.device)
        out = {}
        for method, player in self.players.items():
            player.model.eval()
            p = torch.sigmoid(player.model(g, x_T, t)).cpu().numpy().reshape(draws, example.m)
            player.model.train()
            out[method] = p.mean(axis=0)
        return out

    # ------------------------------------------------------------ sample

    def predictor(
        self, method: str
    ) -> Callable[[GraphTensors, torch.Tensor, torch.Tensor], torch.Tensor]:
        model = self.players[method].model
        return lambda g, x, t: torch.sigmoid(model(g, x, t))

    def sample(
        self, example: EdgeExample, k: int = 16, *, seed: int = 0, keep_chain: bool = False
    ) -> dict[str, SampleResult]:
        """``k`` sparsifications of one graph from every model (same noise for each)."""
        return {
            method: sample_masks(
                p.model,
                self.diffusion,
                example.tensors,
                k,
                seed=seed,
                keep_chain=keep_chain,
                device=self.device,
            )
            for method, p in self.players.items()
        }

    def per_edge_gradients(
        self, example: EdgeExample, *, seed: int = 0, n_t: int = 8
    ) -> dict[str, np.ndarray]:
        """Mean exact ``|dL/dlogit_e|`` per edge of ``example`` for each model.

        Averaged over ``n_t`` noise levels and the example's targets; uses the
        method's own loss weights (normalised on this graph alone).
        """
        gen = torch.Generator().manual_seed(seed)
        T = self.config.diffusion.T
        out: dict[str, np.ndarray] = {}
        g = example.tensors.to(self.device)
        for method, player in self.players.items():
            w_np = edge_weights_for(
                method,
                example.resistance,
                self.config.weighting,
                graph=example.graph,
                seed=(self.config.train.seed, len(self.train_set)),
            )
            w = (
                None
                if w_np is None
                else torch.tensor(w_np, dtype=torch.float32, device=self.device)
            )
            acc = np.zeros(example.m)
            count = 0
            for tgt in example.targets:
                x0 = torch.tensor(tgt, dtype=torch.float32, device=self.device)
                if player.balanced:
                    w = class_balanced_weights(x0, self.diffusion.keep_rate)
                elif player.positive and w_np is not None:
                    w = positive_class_weights(
                        torch.tensor(w_np, dtype=torch.float32, device=self.device), x0
                    )
                for t_val in np.linspace(1, T, n_t).round().astype(int):
                    t = torch.full((example.m,), int(t_val), dtype=torch.long, device=self.device)
                    x_t = self.diffusion.noise(x0.cpu(), t.cpu(), gen).to(self.device)
                    with torch.no_grad():
                        z = player.model(g, x_t, t)
                    acc += (
                        logit_gradients(z, x0, w, focal_gamma=player.focal_gamma)
                        .abs()
                        .cpu()
                        .numpy()
                    )
                    count += 1
            out[method] = acc / max(count, 1)
        return out


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
    """``k`` samples of one graph's keep-mask in one batch, seeded."""
    if k < 1:
        raise ConfigError(f"number of samples must be >= 1, got {k}")
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
