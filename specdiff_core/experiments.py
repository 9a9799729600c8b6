"""The paper's controlled experiments, as functions returning structured results.

Every experiment trains the duel (standard vs spectrally-weighted) with the same
:class:`~specdiff_core.training.DuelConfig` and evaluates K sampled sparsifications
of every held-out test graph for each model, beside the Spectral Oracle (the
teacher) and the uniform sparsifier at the same expected budget. Nothing here is
tuned per experiment: all experiments share one preset (quick or full).

Result shape (also written as JSON by ``reproduce``)::

    {"experiment": str, "config": {...}, "seeds": [...], "paper": {...},
     "methods": {"standard": {...}, "spectral": {...}, "oracle": {...}, "uniform": {...}}}

where each method holds ``connectivity``, ``connectivity_ci``, ``bridge_survival``,
``bridge_survival_ci``, ``edge_retention``, ``spectral_error``, ``n_samples`` and
``per_seed``; ``optimization_dynamics`` adds ``series`` and ``rarity`` adds ``sweep``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from .config import DuelConfig, TrainConfig
from .errors import ConfigError
from .graphs import GraphError, barbell, cliques_joined_by_bridges, edge_weights
from .metrics import evaluate_batch, summarize

if TYPE_CHECKING:  # the network code (torch) loads only when an experiment runs
    from .training import Duel, EdgeExample

__all__ = [
    "ExperimentConfig",
    "PRESETS",
    "EXPERIMENTS",
    "PAPER_REPORTED",
    "run_experiment",
    "family_graphs",
    "evaluate_methods",
    "sample_duel",
    "DuelSamples",
    "baseline_draws",
    "demo_duel_config",
    "demo_examples",
]

# Figures as reported by the paper (Siami 2025, arXiv:2511.18593), shown beside ours,
# never used in any computation: share of sampled graphs that stay connected.
PAPER_REPORTED: dict[str, dict[str, float]] = {
    "barbell": {"standard": 0.0, "spectral": 0.896, "oracle": 1.0},  # paper-reported
    "asymmetric_chain": {"standard": 0.0, "spectral": 1.0, "oracle": 1.0},  # paper-reported
}


@dataclass(frozen=True)
class ExperimentConfig:
    """Data and evaluation settings shared by all experiments of one preset."""

    n_train: int = 24  # training graphs per seed
    n_test: int = 6  # held-out test graphs per seed
    clique_min: int = 8  # smallest clique size in generated families
    clique_max: int = 14  # largest clique size
    n_cliques: int = 3  # cliques in the asymmetric chain
    teacher_budget: float = 0.6  # Spectral Oracle target: fraction of edges kept
    n_targets: int = 4  # teacher samples per training graph
    samples: int = 32  # sparsifications sampled per test graph and method
    rarity_fractions: tuple[float, ...] = (
        1.0,
        0.3,
        0.1,
        0.03,
        0.01,
    )  # share of bridged train graphs
    rarity_n_train: int = 100  # training graphs in the rarity sweep
    duel: DuelConfig = field(default_factory=DuelConfig)

    def __post_init__(self) -> None:
        if self.n_train < 1 or self.n_test < 1 or self.samples < 1:
            raise ConfigError("n_train, n_test and samples must be >= 1")
        if not 2 <= self.clique_min <= self.clique_max:
            raise ConfigError("need 2 <= clique_min <= clique_max")
        if not 0 < self.teacher_budget <= 1:
            raise ConfigError("teacher_budget is a fraction of edges in (0, 1]")


PRESETS: dict[str, ExperimentConfig] = {
    "quick": ExperimentConfig(
        n_train=16,
        n_test=4,
        samples=32,
        rarity_fractions=(1.0, 0.2, 0.05),
        rarity_n_train=40,
        duel=DuelConfig(train=TrainConfig(steps=600, log_every=20)),
    ),
    "full": ExperimentConfig(
        n_train=48,
        n_test=8,
        samples=64,
        duel=DuelConfig(train=TrainConfig(steps=1500, log_every=25)),
    ),
}


# ----------------------------------------------------------------------------- demo


def demo_duel_config(
    seed: int = 0, steps: int | None = None, lam: float | None = None
) -> DuelConfig:
    """The default duel of the app and of ``bench diffusion``: the quick preset's settings."""
    duel = PRESETS["quick"].duel
    train = replace(duel.train, seed=seed, steps=steps if steps is not None else duel.train.steps)
    weighting = duel.weighting if lam is None else replace(duel.weighting, lam=float(lam))
    return replace(duel, train=train, weighting=weighting)


def demo_examples(
    seed: int = 0, family: str = "barbell", cfg: ExperimentConfig | None = None
) -> tuple[list[EdgeExample], EdgeExample]:
    """Training examples of the default duel and one held-out test graph."""
    cfg = cfg or PRESETS["quick"]
    train = _examples(family_graphs(family, cfg.n_train, cfg, seed), cfg, seed, False)
    (test,) = _examples(family_graphs(family, 1, cfg, 10_000 + seed), cfg, 50_000 + seed, False)
    return train, test


# ----------------------------------------------------------------------------- data


def family_graphs(family: str, n: int, cfg: ExperimentConfig, seed: int) -> list[nx.Graph]:
    """``n`` graphs of an experiment family, seeded (sizes drawn per graph)."""
    rng = np.random.default_rng(seed)
    lo, hi = cfg.clique_min, cfg.clique_max
    out = []
    for _ in range(n):
        if family == "barbell":
            k1, k2 = (int(x) for x in rng.integers(lo, hi + 1, size=2))
            out.append(barbell(k1, k2, seed=rng))
        elif family == "asymmetric_chain":
            if hi - lo + 1 < cfg.n_cliques:
                raise ConfigError("clique size range too narrow for distinct chain sizes")
            sizes = rng.choice(np.arange(lo, hi + 1), cfg.n_cliques, replace=False)
            out.append(
                cliques_joined_by_bridges(
                    [int(s) for s in sizes], seed=rng, family="asymmetric_chain"
                )
            )
        elif family == "double_joined":
            out.append(
                _double_joined(int(rng.integers(lo, hi + 1)), int(rng.integers(lo, hi + 1)), rng)
            )
        else:
            raise ConfigError(f"unknown experiment family {family!r}")
    return out


def _double_joined(k1: int, k2: int, rng: np.random.Generator) -> nx.Graph:
    """Two cliques joined by two disjoint edges: the barbell's look-alike without a bridge."""
    G = barbell(k1, k2, seed=rng)
    bridge = next(iter(nx.bridges(G)))
    a_side = nx.node_connected_component(nx.restricted_view(G, [], [bridge]), bridge[0])
    left = sorted(a_side - {bridge[0]})
    right = sorted(set(G) - a_side - {bridge[1]})
    G = G.copy()
    G.add_edge(int(rng.choice(left)), int(rng.choice(right)), weight=1.0)
    if nx.has_bridges(G):
        raise GraphError("internal: double-joined graph still has a bridge")
    return G


def _examples(
    graphs: Sequence[nx.Graph], cfg: ExperimentConfig, seed: int, visible: bool
) -> list[EdgeExample]:
    from .training import make_example

    return [
        make_example(
            G,
            budget=cfg.teacher_budget,
            n_targets=cfg.n_targets,
            seed=seed * 1000 + i,
            visible_bridge=visible,
        )
        for i, G in enumerate(graphs)
    ]


# ----------------------------------------------------------------------- evaluation


def baseline_draws(
    ex: EdgeExample, k: int, rng: np.random.Generator
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``k`` draws (masks, weights), each ``(k, m)``, of the Spectral Oracle and of the
    uniform sparsifier at the oracle's expected budget."""
    from .sparsifiers import spectral_oracle, uniform_sparsifier

    budget = float(ex.oracle_probs.sum())
    draws = {
        "oracle": [
            spectral_oracle(ex.graph, budget=budget, seed=rng, resistance=ex.resistance)
            for _ in range(k)
        ],
        "uniform": [uniform_sparsifier(ex.graph, budget=budget, seed=rng) for _ in range(k)],
    }
    return {
        name: (np.stack([sp.mask for sp in sps]), np.stack([sp.weights for sp in sps]))
        for name, sps in draws.items()
    }


def evaluate_methods(
    duel: Duel, tests: Sequence[EdgeExample], cfg: ExperimentConfig, seed: int
) -> dict[str, dict[str, np.ndarray]]:
    """Per-sample metrics of every method over all test graphs, for one seed.

    The learned models' samples are compared with ``cfg.samples`` draws of the
    Spectral Oracle and of the uniform sparsifier at the same expected budget.
    """
    pools: dict[str, list[dict[str, np.ndarray]]] = {}
    rng = np.random.default_rng(seed + 7)
    for j, ex in enumerate(tests):
        for method, res in duel.sample(ex, cfg.samples, seed=seed * 100 + j).items():
            pools.setdefault(method, []).append(
                evaluate_batch(ex.graph, res.masks, _uniform_reweight(ex, res.masks))
            )
        for name, (masks, weights) in baseline_draws(ex, cfg.samples, rng).items():
            pools.setdefault(name, []).append(evaluate_batch(ex.graph, masks, weights))
    return {method: _concat(parts) for method, parts in pools.items()}


@dataclass
class DuelSamples:
    """What the duel page shows after sampling: every model's samples (with the reverse
    chain) and the scoreboard of all four methods."""

    samples: dict[str, Any]  # method -> training.SampleResult
    board: dict[str, dict[str, Any]]  # method -> metrics.summarize output
    per_sample: dict[str, dict[str, np.ndarray]]  # method -> evaluate_batch output


def sample_duel(duel: Duel, test: EdgeExample, *, k: int = 32, seed: int = 0) -> DuelSamples:
    """``k`` samples of ``test`` from each model (chains kept) and the scoreboard."""
    samples = duel.sample(test, k, seed=seed, keep_chain=True)
    per = {
        m: evaluate_batch(test.graph, r.masks, _uniform_reweight(test, r.masks))
        for m, r in samples.items()
    }
    for name, (masks, weights) in baseline_draws(test, k, np.random.default_rng(seed + 7)).items():
        per[name] = evaluate_batch(test.graph, masks, weights)
    return DuelSamples(
        samples=samples, board={m: summarize(v) for m, v in per.items()}, per_sample=per
    )


def _concat(parts: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([np.atleast_1d(p[k]) for p in parts]) for k in parts[0]}


def _uniform_reweight(ex: EdgeExample, masks: np.ndarray) -> np.ndarray:
    """Reweight a learned sample's kept edges by m / |kept| (it has no per-edge p_e)."""
    w = edge_weights(ex.graph)  # (m,)
    kept = masks.sum(axis=1, keepdims=True).clip(min=1)  # (k, 1)
    return masks * w[None, :] * (ex.m / kept)


def _summarise(
    per_seed: Sequence[dict[str, dict[str, np.ndarray]]], seeds: Sequence[int]
) -> dict[str, dict[str, Any]]:
    """Pooled Wilson intervals over seeds x graphs x samples, plus per-seed figures."""
    out: dict[str, dict[str, Any]] = {}
    for method in per_seed[0]:
        pooled = summarize(_concat([ps[method] for ps in per_seed]))
        rows = [summarize(ps[method]) for ps in per_seed]
        out[method] = {
            "connectivity": pooled["connectivity"],
            "connectivity_ci": pooled["connectivity_ci"],
            "bridge_survival": pooled["bridge_survival"],
            "bridge_survival_ci": pooled["bridge_survival_ci"],
            "edge_retention": pooled["edge_retention"],
            "spectral_error": pooled["spectral_error"],
            "n_samples": pooled["n"],
            "per_seed": [
                {
                    "seed": int(s),
                    "connectivity": r["connectivity"],
                    "bridge_survival": r["bridge_survival"],
                }
                for s, r in zip(seeds, rows, strict=True)
            ],
        }
    return out


# ---------------------------------------------------------------------- experiments

Progress = Callable[[str], None] | None


def _duel_run(
    train_family: str,
    cfg: ExperimentConfig,
    seed: int,
    *,
    visible: bool = False,
    train_graphs: Sequence[nx.Graph] | None = None,
    test_graphs: Sequence[nx.Graph] | None = None,
    progress: Progress = None,
) -> tuple[Duel, list[EdgeExample]]:
    tr_graphs = (
        train_graphs
        if train_graphs is not None
        else family_graphs(train_family, cfg.n_train, cfg, seed)
    )
    te_graphs = (
        test_graphs
        if test_graphs is not None
        else family_graphs(train_family, cfg.n_test, cfg, 10_000 + seed)
    )
    train = _examples(tr_graphs, cfg, seed, visible)
    tests = _examples(te_graphs, cfg, 50_000 + seed, visible)
    from .training import Duel

    duel_cfg = replace(cfg.duel, train=replace(cfg.duel.train, seed=seed))
    duel = Duel(duel_cfg, train, probe=tests)
    chunk = max(1, duel_cfg.train.steps // 20)
    while not duel.done:
        duel.step(chunk)
        if progress:
            progress(f"seed {seed}: step {duel.step_count}/{duel_cfg.train.steps}")
    return duel, tests


def _standard_experiment(family: str, visible: bool = False) -> Callable[..., dict[str, Any]]:
    def run(
        cfg: ExperimentConfig, seeds: Sequence[int], progress: Progress = None, **_: Any
    ) -> dict[str, Any]:
        per_seed = []
        for seed in seeds:
            duel, tests = _duel_run(family, cfg, seed, visible=visible, progress=progress)
            per_seed.append(evaluate_methods(duel, tests, cfg, seed))
        return {"methods": _summarise(per_seed, seeds)}

    return run


def run_optimization_dynamics(
    cfg: ExperimentConfig, seeds: Sequence[int], progress: Progress = None, **_: Any
) -> dict[str, Any]:
    """Bridge keep-probability, gradient share and loss over training, per seed."""
    per_seed, series = [], []
    for seed in seeds:
        duel, tests = _duel_run("barbell", cfg, seed, progress=progress)
        per_seed.append(evaluate_methods(duel, tests, cfg, seed))
        series.extend({**row, "seed": int(seed)} for row in duel.history)
    return {"methods": _summarise(per_seed, seeds), "series": series}


def run_rarity(
    cfg: ExperimentConfig, seeds: Sequence[int], progress: Progress = None, **_: Any
) -> dict[str, Any]:
    """Share of training graphs with a bridge swept down; survival on bridged test graphs."""
    sweep = []
    methods: dict[str, dict[str, Any]] = {}
    for frac in cfg.rarity_fractions:
        n_bridged = max(1, round(frac * cfg.rarity_n_train))
        per_seed = []
        for seed in seeds:
            bridged = family_graphs("barbell", n_bridged, cfg, seed)
            plain = family_graphs(
                "double_joined", cfg.rarity_n_train - n_bridged, cfg, 20_000 + seed
            )
            order = np.random.default_rng(seed).permutation(len(bridged) + len(plain))
            pool = bridged + plain
            train_graphs = [pool[i] for i in order]
            duel, tests = _duel_run(
                "barbell", cfg, seed, train_graphs=train_graphs, progress=progress
            )
            per_seed.append(evaluate_methods(duel, tests, cfg, seed))
        summary = _summarise(per_seed, seeds)
        sweep.append({"bridged_fraction": n_bridged / cfg.rarity_n_train, "methods": summary})
        methods = summary  # the headline is the rarest setting
    return {"methods": methods, "sweep": sweep}


def run_custom(
    cfg: ExperimentConfig,
    seeds: Sequence[int],
    progress: Progress = None,
    graphs: Sequence[nx.Graph] | None = None,
    **_: Any,
) -> dict[str, Any]:
    """The duel on a user's graphs, split into train/test per seed."""
    if not graphs or len(graphs) < 2:
        raise ConfigError("the custom experiment needs a directory with at least 2 graph files")
    per_seed = []
    for seed in seeds:
        order = np.random.default_rng(seed).permutation(len(graphs))
        n_test = max(1, len(graphs) // 4)
        test = [graphs[i] for i in order[:n_test]]
        train = [graphs[i] for i in order[n_test:]]
        duel, tests = _duel_run(
            "custom", cfg, seed, train_graphs=train, test_graphs=test, progress=progress
        )
        per_seed.append(evaluate_methods(duel, tests, cfg, seed))
    return {"methods": _summarise(per_seed, seeds), "n_graphs": len(graphs)}


@dataclass(frozen=True)
class Experiment:
    name: str
    run: Callable[..., dict[str, Any]]
    description: str


EXPERIMENTS: dict[str, Experiment] = {
    e.name: e
    for e in [
        Experiment("barbell", _standard_experiment("barbell"), "two cliques joined by one bridge"),
        Experiment(
            "asymmetric_chain",
            _standard_experiment("asymmetric_chain"),
            "cliques of unequal sizes in a chain, joined by bridges",
        ),
        Experiment(
            "visible_bridge",
            _standard_experiment("barbell", visible=True),
            "barbell with the bridge flagged in both models' input",
        ),
        Experiment(
            "optimization_dynamics",
            run_optimization_dynamics,
            "keep-probability and gradient share of bridges over training",
        ),
        Experiment("rarity", run_rarity, "bridges made rare in the training data"),
        Experiment("custom", run_custom, "the duel on your own graph files"),
    ]
}


def run_experiment(
    name: str,
    *,
    preset: str | ExperimentConfig = "quick",
    seeds: Sequence[int] = (0, 1, 2),
    progress: Progress = None,
    graphs: Sequence[nx.Graph] | None = None,
) -> dict[str, Any]:
    """Run one experiment and return its JSON-ready result."""
    if name not in EXPERIMENTS:
        raise ConfigError(f"unknown experiment {name!r}; choose one of {sorted(EXPERIMENTS)}")
    cfg = PRESETS[preset] if isinstance(preset, str) else preset
    if isinstance(preset, str) and preset not in PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose one of {sorted(PRESETS)}")
    if not seeds:
        raise ConfigError("give at least one seed")
    t0 = time.perf_counter()
    body = EXPERIMENTS[name].run(cfg, list(seeds), progress=progress, graphs=graphs)
    from . import __version__

    return {
        "experiment": name,
        "version": __version__,
        "description": EXPERIMENTS[name].description,
        "preset": preset if isinstance(preset, str) else "custom",
        "config": asdict(cfg),
        "seeds": [int(s) for s in seeds],
        "paper": PAPER_REPORTED.get(name, {}),
        "seconds": time.perf_counter() - t0,
        **body,
    }
