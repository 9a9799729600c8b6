"""The pieces every trained experiment is made of: the duel of one unit (built, trained in
reported chunks), and the default way of combining seeds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..graphs.datasets import (
    family_graphs,
)
from ..seeds import held_out_examples_seed, held_out_graphs_seed
from .config import ExperimentConfig
from .evaluation import _examples, _summarise

if TYPE_CHECKING:  # the network code (torch) loads only when an experiment runs
    from ..training import Duel, EdgeExample


Progress = Callable[[str], None] | None


Unit = dict[str, Any]  # one independent piece of an experiment, JSON-able: {"seed": 0}, ...


Partial = dict[str, Any]  # what a unit returns (JSON-able; see runner)


Graphs = Sequence[nx.Graph] | None  # the user's graphs (custom, real_networks), else None


def _duel_run(
    train_family: str,
    cfg: ExperimentConfig,
    seed: int,
    *,
    visible: bool = False,
    train_graphs: Sequence[nx.Graph] | None = None,
    test_graphs: Sequence[nx.Graph] | None = None,
    train: bool = True,
    progress: Progress = None,
) -> tuple[Duel, list[EdgeExample]]:
    """The duel of one seed, trained to its full budget (``train=False``: untrained, for a
    caller that trains it in steps of its own), and its held-out test examples."""
    tr_graphs = (
        train_graphs
        if train_graphs is not None
        else family_graphs(train_family, cfg.n_train, cfg, seed)
    )
    te_graphs = (
        test_graphs
        if test_graphs is not None
        else family_graphs(train_family, cfg.n_test, cfg, held_out_graphs_seed(seed))
    )
    examples = _examples(tr_graphs, cfg, seed, visible)
    tests = _examples(te_graphs, cfg, held_out_examples_seed(seed), visible)
    from ..training import Duel

    duel_cfg = replace(cfg.duel, train=replace(cfg.duel.train, seed=seed))
    duel = Duel(duel_cfg, examples, probe=tests)
    if train:
        _train(duel, seed, progress)
    return duel, tests


def _train(duel: Duel, seed: int, progress: Progress = None, until: int | None = None) -> None:
    """Step ``duel`` to ``until`` (default: its full budget) in chunks, reporting progress."""
    steps = duel.config.train.steps
    until = steps if until is None else until
    chunk = max(1, steps // 20)
    while duel.step_count < until:
        duel.step(min(chunk, until - duel.step_count))
        if progress:
            progress(f"seed {seed}: step {duel.step_count}/{steps}")


def _with_duel(cfg: ExperimentConfig, **changes: Any) -> ExperimentConfig:
    """``cfg`` with some fields of its DuelConfig replaced."""
    return replace(cfg, duel=replace(cfg.duel, **changes))


def _quiet(cfg: ExperimentConfig) -> ExperimentConfig:
    """Instrument only the first and last step: for experiments that report no curves.

    Instrumentation reads gradients and probe outputs but never changes training
    (tested: the weights stay bit-identical), so this only saves time.
    """
    return _with_duel(cfg, train=replace(cfg.duel.train, log_every=max(1, cfg.duel.train.steps)))


def _seed_units(cfg: ExperimentConfig, seeds: Sequence[int]) -> list[Unit]:
    return [{"seed": int(s)} for s in seeds]


def _combine_methods(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], *, graphs: Graphs = None
) -> dict[str, Any]:
    """Pooled summaries; the duel's four methods under ``methods``, any more under
    ``extra_methods``."""
    summary = _summarise([p["eval"] for p in parts], seeds)
    body: dict[str, Any] = {"methods": {m: summary[m] for m in summary if m in _HEADLINE}}
    extra = {m: summary[m] for m in summary if m not in _HEADLINE}
    if extra:
        body["extra_methods"] = extra
    return body


_HEADLINE = ("standard", "spectral", "oracle", "uniform")
