"""The fair duel: several training methods trained side by side under identical conditions.

Every method's model starts from the same weights (one network, deep-copied), sees the
same batches (drawn once per step and fed to all) with the same diffusion noise, and is
optimised by the same Adam on the same learning-rate schedule for the same steps; the
only difference is the per-edge weights handed to the one loss (:mod:`.losses`). Probes
(:mod:`.probes`) read the models without changing them. ``state()`` and ``from_state()``
carry a duel to a worker process and back without its (large, read-only) examples.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from ..config import DuelConfig
from ..diffusion import MarginalEdgeDiffusion, SampleResult, sample_masks
from ..errors import ConfigError
from ..model import EdgeDenoiser, GraphTensors, batch_graphs
from . import probes
from .device import deterministic_cuda, resolve_device
from .examples import EdgeExample
from .grouped import GroupedDenoiser
from .losses import (
    edge_loss,
    edge_weights_for,
)
from .players import Batch, Player

__all__ = ["Duel", "warm_torch"]

EXAMPLES = ("train_set", "probe_set")  # what state() leaves out: rebuilt where it is needed


def warm_torch() -> None:
    """Pay, once per process, what torch's first optimiser costs: ``Optimizer`` imports
    ``torch._dynamo`` (and sympy) on its first parameter group, ~4 s on a 2-core machine,
    which the first duel of a fresh server process otherwise paid in front of its user
    (the Duel page blank after "Show me the failure"; a worker's first training late)."""
    torch.optim.Adam([torch.zeros(1, requires_grad=True)], fused=True)


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
    >>> from specdiff_core.config import DuelConfig, TrainConfig
    >>> from specdiff_core.graphs import barbell
    >>> from specdiff_core.training import make_example
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
        self.players: dict[str, Player] = {}
        for method in config.methods:
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
            self.players[method] = Player(
                copy.deepcopy(base),  # identical initial weights for every method
                weights,
                focal_gamma=gamma,
                balanced=method == "class_balanced",
                positive=method == "spectral_pos",
            )
        # All models as one grouped network (their parameters are views of its rows), so
        # one forward and one backward per step train them all; one Adam updates them
        # (Adam is elementwise: the same as one Adam per model).
        self.group = GroupedDenoiser([p.model for p in self.players.values()])
        self.opt = self._adam()
        self.step_count = 0
        self.history: list[dict[str, Any]] = []
        self.seconds = 0.0
        self._rng = np.random.default_rng(config.train.seed)
        self._gen = torch.Generator().manual_seed(config.train.seed)
        self._probe = probes.make_probe(
            self.diffusion, self.probe_set, config.train.seed, self.device
        )

    # -------------------------------------------------------------- data

    @property
    def done(self) -> bool:
        return self.step_count >= self.config.train.steps

    def _batch(self) -> Batch:
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
        return Batch(
            idx=idx,
            g=g,
            x0=x0,
            t=t,
            x_t=x_t,
            bridges=np.concatenate([ex.bridges for ex in exs]),
            R=np.concatenate([ex.resistance for ex in exs]),
        )

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
            rows.extend(self._train_step(batch, instrument=log))
            self.seconds += time.perf_counter() - t0
        for row in rows:
            self.history.append(row)
            if self.callback is not None:
                self.callback(row)
        return rows

    def start_from(self, state: dict[str, torch.Tensor]) -> None:
        """Load ``state`` (a model's ``state_dict``) into every player and reset the
        optimiser: fine-tuning a trained model under this duel's losses."""
        if self.step_count:
            raise ConfigError("start_from must be called before the first training step")
        for player in self.players.values():
            player.model.load_state_dict(state)  # writes through to the group's rows
        self.opt = self._adam()

    def _adam(self) -> torch.optim.Adam:
        # fused: one kernel for every tensor (the per-tensor loop was a fifth of a step)
        return torch.optim.Adam(self.group.parameters(), lr=self.config.train.lr, fused=True)

    def _train_step(self, batch: Batch, *, instrument: bool) -> list[dict[str, Any]]:
        """One optimiser step of every model on ``batch``: one grouped forward, each
        model's own loss (the one :func:`.losses.edge_loss`), one backward."""
        g = batch.g.to(self.device)
        x0, x_t, t = (v.to(self.device) for v in (batch.x0, batch.x_t, batch.t))
        players = list(self.players.values())
        keep = self.diffusion.keep_rate
        weights = [p.batch_weights(batch.idx, x0, keep, self.device) for p in players]
        logits = self.group(g, x_t, t)  # (M, E)
        losses = [
            edge_loss(logits[m], x0, w, focal_gamma=p.focal_gamma)
            for m, (p, w) in enumerate(zip(players, weights, strict=True))
        ]
        rows: list[dict[str, Any]] = []
        if instrument:
            rows = probes.instrument(
                list(self.players),
                self.group,
                logits,
                x0,
                weights,
                [p.focal_gamma for p in players],
                batch,
                step=self.step_count,
                probe=self._probe,
            )
            for row, loss in zip(rows, losses, strict=True):
                row["loss"] = float(loss.detach())
        self.opt.zero_grad(set_to_none=True)
        torch.stack(losses).sum().backward()  # model m's rows get model m's loss alone
        if self.config.train.grad_clip > 0:
            self.group.clip_grad_norm_(self.config.train.grad_clip)
        if self.config.train.lr_hold < 1:  # a schedule (config.TrainConfig.lr_factor)
            lr = self.config.train.lr * self.config.train.lr_factor(self.step_count)
            for group in self.opt.param_groups:
                group["lr"] = lr
        self.opt.step()
        return rows

    # ----------------------------------------------------------- transport

    def state(self) -> dict[str, Any]:
        """Everything but the examples (models, optimisers, random state, history): what
        travels to and from a worker process, which rebuilds the examples itself."""
        return {k: v for k, v in vars(self).items() if k not in EXAMPLES}

    @classmethod
    def from_state(
        cls,
        state: dict[str, Any],
        train_set: Sequence[EdgeExample],
        probe_set: Sequence[EdgeExample],
    ) -> Duel:
        """The duel :meth:`state` described, joined again to its examples."""
        duel = cls.__new__(cls)  # the state holds what __init__ built, trained on since
        vars(duel).update(state)
        if duel.device.type == "cuda":  # a worker process never ran __init__
            deterministic_cuda()
        duel.train_set, duel.probe_set = list(train_set), list(probe_set)
        duel._bind()
        return duel

    def clone(self) -> Duel:
        """A deep copy that shares the (read-only) examples: models, optimisers, random
        state and history are copied."""
        memo = {id(ex): ex for ex in (*self.train_set, *self.probe_set)}
        twin = copy.deepcopy(self, memo)
        twin._bind()
        return twin

    def _bind(self) -> None:
        """Each player's model a view of its row of the group again (a copy or a pickle
        may have given them storage of their own)."""
        self.group.bind([p.model for p in self.players.values()])

    # -------------------------------------------------------------- probes

    def probe_keep(self, method: str) -> dict[str, float]:
        """Mean keep-probability a model gives bridges and other edges of the probe
        graphs at t = T (from pure noise: what it believes from structure alone)."""
        return probes.probe_keep(self._player(method).model, self._probe)

    def keep_marginals(
        self, example: EdgeExample, *, draws: int = 16, seed: int = 0
    ) -> dict[str, np.ndarray]:
        """Each model's keep probability per edge of ``example`` at t = T
        (:func:`.probes.keep_marginals`)."""
        return probes.keep_marginals(
            self.players, self.diffusion, example, self.device, draws=draws, seed=seed
        )

    def per_edge_gradients(
        self, example: EdgeExample, *, seed: int = 0, n_t: int = 8
    ) -> dict[str, np.ndarray]:
        """Mean exact ``|dL/dlogit_e|`` per edge of ``example`` for each model, with its
        own loss weights (:func:`.probes.per_edge_gradients`)."""
        weights = {
            method: edge_weights_for(
                method,
                example.resistance,
                self.config.weighting,
                graph=example.graph,
                seed=(self.config.train.seed, len(self.train_set)),
            )
            for method in self.players
        }
        return probes.per_edge_gradients(
            self.players, self.diffusion, example, weights, self.device, seed=seed, n_t=n_t
        )

    # ------------------------------------------------------------- sample

    def predictor(
        self, method: str
    ) -> Callable[[GraphTensors, torch.Tensor, torch.Tensor], torch.Tensor]:
        model = self._player(method).model
        return lambda g, x, t: torch.sigmoid(model(g, x, t))

    def _player(self, method: str) -> Player:
        """The player of a method this duel trains (a ConfigError names the others)."""
        if method not in self.players:
            raise ConfigError(f"this duel has no {method!r} model; it trains {list(self.players)}")
        return self.players[method]

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
