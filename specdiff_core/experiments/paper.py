"""The paper's experiments trained in our regime (bridges rare in the graph): the barbell and
chain families, the flagged-bridge control, the training dynamics and the share of
bridged training graphs. :func:`family_unit` also runs the duel of the controls (docs/beyond.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..graphs.datasets import (
    family_graphs,
)
from ..seeds import plain_graphs_seed
from .config import _DUEL_PAIR, ExperimentConfig
from .evaluation import _summarise, evaluate_methods
from .units import Graphs, Partial, Progress, Unit, _duel_run, _quiet, _with_duel


def family_unit(
    cfg: ExperimentConfig,
    unit: Unit,
    *,
    family: str,
    visible: bool = False,
    controls: bool = False,
    graphs: Graphs = None,
    progress: Progress = None,
) -> Partial:
    """One seed of the duel on a family (``functools.partial`` it with the family: a
    module-level function, so that worker processes and Ray can pickle it).

    With ``controls`` (docs/beyond.md), every control of ``cfg.controls`` plays beside the
    duel's pair, only the first and last steps are instrumented, and the result adds each
    method's gradient share on bridges at the last step.
    """
    seed = unit["seed"]
    if controls:
        cfg = _quiet(_with_duel(cfg, methods=(*_DUEL_PAIR, *cfg.controls)))
    duel, tests = _duel_run(family, cfg, seed, visible=visible, progress=progress)
    part: Partial = {"eval": evaluate_methods(duel, tests, cfg, seed)}
    if controls:
        last = {r["method"]: r for r in duel.history if r["step"] == duel.step_count}
        part["grad_share_bridge"] = {m: last[m]["grad_share_bridge"] for m in last}
    return part


def _dynamics_unit(
    cfg: ExperimentConfig, unit: Unit, *, graphs: Graphs = None, progress: Progress = None
) -> Partial:
    seed = unit["seed"]
    duel, tests = _duel_run("barbell", cfg, seed, progress=progress)
    series = [{**row, "seed": int(seed)} for row in duel.history]
    return {"eval": evaluate_methods(duel, tests, cfg, seed), "series": series}


def _dynamics_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], *, graphs: Graphs = None
) -> dict[str, Any]:
    """Bridge keep-probability, gradient share and loss over training, per seed."""
    return {
        "methods": _summarise([p["eval"] for p in parts], seeds),
        "series": [row for p in parts for row in p["series"]],
    }


def _rarity_units(cfg: ExperimentConfig, seeds: Sequence[int]) -> list[Unit]:
    return [{"fraction": float(f), "seed": int(s)} for f in cfg.rarity_fractions for s in seeds]


def _rarity_unit(
    cfg: ExperimentConfig, unit: Unit, *, graphs: Graphs = None, progress: Progress = None
) -> Partial:
    """Share of training graphs with a bridge swept down; survival on bridged test graphs."""
    seed = unit["seed"]
    n_bridged = max(1, round(unit["fraction"] * cfg.rarity_n_train))
    bridged = family_graphs("barbell", n_bridged, cfg, seed)
    plain = family_graphs(
        "double_joined", cfg.rarity_n_train - n_bridged, cfg, plain_graphs_seed(seed)
    )
    order = np.random.default_rng(seed).permutation(len(bridged) + len(plain))
    pool = bridged + plain
    train_graphs = [pool[i] for i in order]
    duel, tests = _duel_run("barbell", cfg, seed, train_graphs=train_graphs, progress=progress)
    return {"eval": evaluate_methods(duel, tests, cfg, seed), "n_bridged": n_bridged}


def _rarity_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], *, graphs: Graphs = None
) -> dict[str, Any]:
    sweep = []
    methods: dict[str, dict[str, Any]] = {}
    k = len(seeds)
    for i in range(len(cfg.rarity_fractions)):
        group = parts[i * k : (i + 1) * k]
        summary = _summarise([p["eval"] for p in group], seeds)
        fraction = group[0]["n_bridged"] / cfg.rarity_n_train
        sweep.append({"bridged_fraction": fraction, "methods": summary})
        methods = summary  # the headline is the rarest setting
    return {"methods": methods, "sweep": sweep}
