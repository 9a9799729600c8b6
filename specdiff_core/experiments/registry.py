"""Every experiment by name, and :func:`run_experiment`."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..errors import ConfigError
from .beyond import (
    _check_custom,
    _controls_combine,
    _custom_combine,
    _custom_unit,
    _real_combine,
    _real_unit,
    controls_unit,
)
from .config import PRESETS, ExperimentConfig
from .learned import _map_combine, _map_unit, _map_units, _paper_combine, _paper_unit, _paper_units
from .paper import (
    _dynamics_combine,
    _dynamics_unit,
    _rarity_combine,
    _rarity_unit,
    _rarity_units,
    family_unit,
)
from .runner import run_units
from .sweeps import (
    _capacity_combine,
    _capacity_unit,
    _capacity_units,
    _finetune_combine,
    _finetune_unit,
    _sensitivity_combine,
    _sensitivity_unit,
    _sensitivity_units,
)
from .units import Partial, Progress, Unit, _combine_methods, _seed_units

if TYPE_CHECKING:  # the network code (torch) loads only when an experiment runs
    pass


@dataclass(frozen=True)
class Experiment:
    """An experiment: its independent units, how to run one, how to combine them.

    ``run_unit(cfg, unit, graphs=..., progress=...)`` returns a JSON-able partial
    result that depends only on ``cfg``, ``unit`` and ``graphs``; ``combine(cfg, seeds,
    partials, graphs=...)`` turns the partials (in the order of ``units``) into the
    result body. :mod:`specdiff_core.runner` runs the units on any backend.
    """

    name: str
    description: str
    run_unit: Callable[..., Partial]
    combine: Callable[..., dict[str, Any]] = _combine_methods
    units: Callable[[ExperimentConfig, Sequence[int]], list[Unit]] = _seed_units
    needs_graphs: bool = False  # True: refuses to run without the user's graphs

    def run(
        self,
        cfg: ExperimentConfig,
        seeds: Sequence[int],
        progress: Progress = None,
        graphs: Sequence[nx.Graph] | None = None,
    ) -> dict[str, Any]:
        """Every unit, serially in this process, then combined."""
        if self.needs_graphs:
            _check_custom(graphs)
        parts = run_units(self, cfg, seeds, graphs=graphs, progress=progress).results
        return self.combine(cfg, list(seeds), parts, graphs=graphs)


EXPERIMENTS: dict[str, Experiment] = {
    e.name: e
    for e in [
        Experiment(
            "barbell", "two cliques joined by one bridge", partial(family_unit, family="barbell")
        ),
        Experiment(
            "asymmetric_chain",
            "cliques of unequal sizes in a chain, joined by bridges",
            partial(family_unit, family="asymmetric_chain"),
        ),
        Experiment(
            "flagged_bridge",
            "our control, not the paper's Exp III: the bridge flagged in both models' input",
            partial(family_unit, family="barbell", visible=True),
        ),
        Experiment(
            "optimization_dynamics",
            "keep-probability and gradient share of bridges over training",
            _dynamics_unit,
            _dynamics_combine,
        ),
        Experiment(
            "bridged_share",
            "few training graphs hold a bridge, every target keeps it (not the paper's eps)",
            _rarity_unit,
            _rarity_combine,
            _rarity_units,
        ),
        Experiment(
            "controls",
            "barbell: does any generic up-weighting of rare edges do as well?",
            partial(controls_unit, family="barbell"),
            _controls_combine,
        ),
        Experiment(
            "controls_chain",
            "asymmetric chain: does any generic up-weighting of rare edges do as well?",
            partial(controls_unit, family="asymmetric_chain"),
            _controls_combine,
        ),
        Experiment(
            "real_networks",
            "subgraphs of real networks: pendant bridges vs bridges between dense parts",
            _real_unit,
            _real_combine,
        ),
        Experiment(
            "finetune",
            "fine-tuning a standard model with the weighted loss vs training from scratch",
            _finetune_unit,
            _finetune_combine,
        ),
        Experiment(
            "sensitivity",
            "the weight function f and lambda",
            _sensitivity_unit,
            _sensitivity_combine,
            _sensitivity_units,
        ),
        Experiment(
            "capacity",
            "model width and depth: does capacity fix the standard loss?",
            _capacity_unit,
            _capacity_combine,
            _capacity_units,
        ),
        Experiment(
            "paper_learned",
            "the paper's graphs with trained models, in both regimes, decoded both ways",
            _paper_unit,
            _paper_combine,
            _paper_units,
        ),
        Experiment(
            "paper_learned_map",
            "trained models in the paper's regime over eps x lambda (barbell, top-k)",
            _map_unit,
            _map_combine,
            _map_units,
        ),
        Experiment(
            "custom",
            "the duel on your own graph files",
            _custom_unit,
            _custom_combine,
            needs_graphs=True,
        ),
    ]
}


# Earlier names, still accepted (links and scripts that use them keep working).
ALIASES = {"visible_bridge": "flagged_bridge", "rarity": "bridged_share"}


def resolve_name(name: str) -> str:
    """An experiment's current name (an old alias resolved).

    Raises
    ------
    ConfigError
        Not an experiment.
    """
    name = ALIASES.get(name, name)
    if name not in EXPERIMENTS:
        raise ConfigError(f"unknown experiment {name!r}; choose one of {sorted(EXPERIMENTS)}")
    return name


def run_experiment(
    name: str,
    *,
    preset: str | ExperimentConfig = "quick",
    seeds: Sequence[int] = (0, 1, 2),
    progress: Progress = None,
    graphs: Sequence[nx.Graph] | None = None,
    backend: str = "serial",
    workers: int | None = None,
    address: str | None = None,
    store_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Run one experiment and return its JSON-ready result.

    Parameters
    ----------
    name : str
        A key of :data:`EXPERIMENTS`.
    preset : str or ExperimentConfig
        ``"quick"``, ``"full"`` or a configuration.
    seeds : sequence of int
        One training run per seed (per setting, for sweeps).
    progress : callable(str), optional
        Progress messages.
    graphs : sequence of networkx graphs, optional
        The user's graphs (``custom``; the sources of ``real_networks``).
    backend : {"serial", "local", "ray"}
        Where the units run (:mod:`specdiff_core.runner`); the result is the same.
    workers : int, optional
        Parallel workers for ``local`` (default: the CPU count) and local Ray.
    address : str, optional
        A Ray cluster to join (``ray`` only); default: start Ray on this machine.
    store_dir : path, optional
        Finished units are written under it and reused on the next call.

    Raises
    ------
    ConfigError
        An unknown experiment, preset or backend, no seeds, or custom without graphs.
    """
    name = resolve_name(name)
    if isinstance(preset, str) and preset not in PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose one of {sorted(PRESETS)}")
    cfg = PRESETS[preset] if isinstance(preset, str) else preset
    if not seeds:
        raise ConfigError("give at least one seed")
    exp = EXPERIMENTS[name]
    if exp.needs_graphs:
        _check_custom(graphs)
    t0 = time.perf_counter()
    run = run_units(
        exp,
        cfg,
        list(seeds),
        graphs=graphs,
        backend=backend,
        workers=workers,
        address=address,
        store_dir=store_dir,
        progress=progress,
    )
    body = exp.combine(cfg, list(seeds), run.results, graphs=graphs)
    from .. import __version__

    return {
        "experiment": name,
        "version": __version__,
        "description": exp.description,
        "preset": preset if isinstance(preset, str) else "custom",
        "config": asdict(cfg),
        "seeds": [int(s) for s in seeds],
        "regime": cfg.regime,
        "seconds": time.perf_counter() - t0,
        "run": run.info,
        **body,
    }
