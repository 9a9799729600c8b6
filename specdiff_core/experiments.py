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
``per_seed``; ``optimization_dynamics`` adds ``series`` and ``bridged_share`` adds ``sweep``.
For a learned method the interval is over seeds (``ci_over``), see :func:`_summarise`.
``paper_learned`` and ``paper_learned_map`` (the paper's graphs and regimes, trained)
have shapes of their own: ``settings`` and a ``connectivity`` grid (see their combine).

Beyond the paper (docs/beyond.md): ``methods`` always holds the same four entries, so
that every experiment compares alike; experiments that train more models put them in
``extra_methods`` (same shape). ``controls`` and ``controls_chain`` add ``verdict``
(which controls match the spectral weighting, as generated text), ``real_networks``
adds ``bridge_classes`` and ``dataset``, ``finetune`` adds ``finetune``, and the
sensitivity sweeps ``sensitivity`` and ``capacity`` add ``grid``.

Every experiment is a list of independent *units* (one seed, or one setting and one
seed) and a ``combine`` step, so that :mod:`specdiff_core.runner` can run the units in
parallel, on Ray, or resume them from disk, with results identical to a serial run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from .config import (
    REGIMES,
    TRAINING_METHODS,
    DuelConfig,
    ModelConfig,
    TrainConfig,
    WeightConfig,
)
from .errors import ConfigError
from .graphs import (
    BRIDGE_CLASSES,
    bridge_classes,
    edge_array,
    edge_weights,
)
from .graphs.datasets import (
    family_graphs,
    paper_graphs,
    real_sources,
    sample_subgraphs,
)
from .metrics import evaluate_batch, summarize, wilson_ci
from .protocol import PAPER_TABLES, ProtocolConfig

if TYPE_CHECKING:  # the network code (torch) loads only when an experiment runs
    from .training import Duel, EdgeExample

__all__ = [
    "ExperimentConfig",
    "PRESETS",
    "EXPERIMENTS",
    "PAPER_REPORTED",
    "run_experiment",
    "evaluate_methods",
    "sample_duel",
    "DuelSamples",
    "baseline_draws",
    "demo_duel_config",
    "demo_examples",
    "Experiment",
    "control_verdicts",
    "ALIASES",
    "resolve_name",
    "decode_samples",
]

# Figures as reported by the paper (Siami 2025, arXiv:2511.18593), never used in any
# computation: Tables 1 and 2 of its scoring simulation (protocol.PAPER_TABLES; random,
# standard, weighted and the Spectral Oracle, connectivity and RSE). They are compared
# with our run of the same simulation (paper_protocol) and shown beside, never as a
# verdict on, what a trained model does (paper_learned).
PAPER_REPORTED: dict[str, dict[str, dict[str, float]]] = PAPER_TABLES


_DUEL_PAIR = ("standard", "spectral")


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
    # --- beyond the paper (docs/beyond.md); none of these touch the experiments above
    controls: tuple[str, ...] = (
        "focal",
        "class_balanced",
        "shuffled",
        "degree",
    )  # extra methods trained beside standard and spectral in the controls experiments
    real_sources: tuple[str, ...] = (
        "karate_club",
        "les_miserables",
        "florentine_families",
        "davis_southern_women",
    )  # networkx classics that real_networks samples its subgraphs from
    subgraph_min: int = 12  # fewest nodes of a sampled subgraph (real_networks)
    subgraph_max: int = 30  # most nodes of a sampled subgraph
    real_joined: float = 0.5  # share of real_networks graphs made of two subgraphs + one edge
    finetune_grid: tuple[float, ...] = (
        0.0,
        0.05,
        0.1,
        0.2,
        0.35,
        0.5,
        0.75,
        1.0,
    )  # checkpoints, as fractions of the training steps, where bridge survival is sampled
    recover_survival: float = 0.9  # "recovered": sampled bridge survival at least this
    weight_grid: tuple[tuple[str, float], ...] = (
        ("linear", 1.0),
        ("linear", 10.0),
        ("linear", 100.0),
        ("power", 1.0),
        ("power", 2.0),
        ("exp", 3.0),
    )  # (f, lambda) settings of the sensitivity sweep
    capacity_grid: tuple[tuple[int, int], ...] = (
        (16, 2),
        (32, 3),
        (64, 3),
        (64, 6),
    )  # (width, depth) settings of the capacity sweep
    # --- the paper's two regimes (PAPER.md; docs/science.md)
    regime: str = "oracle"  # every duel's targets: "oracle" (rare in the graph) or "rare"
    protocol: ProtocolConfig = field(default_factory=ProtocolConfig)  # the paper's graphs,
    # frequencies (p_common, eps), rho and lambda of its score: shared with paper_protocol
    paper_regimes: tuple[str, ...] = ("rare", "oracle")  # regimes paper_learned trains in
    paper_thickness: tuple[int, ...] = (2, 4, 8)  # Exp III's k for trained models (1 = Exp I)
    paper_thick_layout: str = "disjoint"  # a trainable (simple) graph: k distinct edges
    learned_map_eps: tuple[float, ...] = (0.05, 0.25, 0.5)  # paper_learned_map's eps
    learned_map_lam: tuple[float, ...] = (1.0, 10.0, 100.0)  # and its lambda

    def __post_init__(self) -> None:
        if self.n_train < 1 or self.n_test < 1 or self.samples < 1:
            raise ConfigError("n_train, n_test and samples must be >= 1")
        if not 2 <= self.clique_min <= self.clique_max:
            raise ConfigError("need 2 <= clique_min <= clique_max")
        if not 0 < self.teacher_budget <= 1:
            raise ConfigError("teacher_budget is a fraction of edges in (0, 1]")
        bad = [m for m in self.controls if m not in TRAINING_METHODS or m in _DUEL_PAIR]
        if bad or len(set(self.controls)) != len(self.controls):
            extra = sorted(set(TRAINING_METHODS) - set(_DUEL_PAIR))
            raise ConfigError(f"controls must be distinct methods among {extra}, got {bad}")
        if not 3 <= self.subgraph_min <= self.subgraph_max:
            raise ConfigError("need 3 <= subgraph_min <= subgraph_max (nodes per subgraph)")
        if not 0 <= self.real_joined <= 1:
            raise ConfigError("real_joined is a share of the sampled graphs, in [0, 1]")
        if not self.finetune_grid or not all(0 <= f <= 1 for f in self.finetune_grid):
            raise ConfigError("finetune_grid needs fractions of the training steps in [0, 1]")
        if not 0 < self.recover_survival <= 1:
            raise ConfigError("recover_survival is a bridge survival in (0, 1]")
        for fn, lam in self.weight_grid:
            WeightConfig(fn=fn, lam=lam)  # raises ConfigError on a bad setting
        for width, depth in self.capacity_grid:
            ModelConfig(width=width, depth=depth)
        for regime in (self.regime, *self.paper_regimes):
            if regime not in REGIMES:
                raise ConfigError(f"unknown regime {regime!r}; choose from {list(REGIMES)}")
        if not self.paper_regimes:
            raise ConfigError("paper_regimes needs at least one regime")
        if any(not 2 <= k <= self.protocol.clique for k in self.paper_thickness):
            raise ConfigError(f"paper_thickness values must be in 2..{self.protocol.clique}")
        if self.paper_thick_layout not in ("disjoint", "collapsed"):
            raise ConfigError("paper_thick_layout must be 'disjoint' or 'collapsed' (trainable)")
        if any(not 0 <= e <= 1 for e in self.learned_map_eps) or any(
            not (np.isfinite(x) and x >= 0) for x in self.learned_map_lam
        ):
            raise ConfigError("learned_map_eps are frequencies in [0, 1], learned_map_lam >= 0")


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
    seed: int = 0,
    family: str = "barbell",
    cfg: ExperimentConfig | None = None,
    *,
    regime: str | None = None,
    eps: float | None = None,
) -> tuple[list[EdgeExample], EdgeExample]:
    """Training examples of the default duel and one held-out test graph; ``regime`` and
    ``eps`` (the bridge's frequency in the ``rare`` regime) override the preset's."""
    cfg = cfg or PRESETS["quick"]
    if regime is not None or eps is not None:
        pc = cfg.protocol if eps is None else replace(cfg.protocol, eps=float(eps))
        cfg = replace(cfg, regime=regime or cfg.regime, protocol=pc)
    train = _examples(family_graphs(family, cfg.n_train, cfg, seed), cfg, seed, False)
    (test,) = _examples(family_graphs(family, 1, cfg, 10_000 + seed), cfg, 50_000 + seed, False)
    return train, test


# ----------------------------------------------------------------------------- data


def _class_counts(codes: np.ndarray, masks: np.ndarray) -> dict[str, np.ndarray]:
    """Kept bridges of each class per sample, ``(K,)`` arrays."""
    out = {}
    for c, name in enumerate(BRIDGE_CLASSES, start=1):
        sel = codes == c
        out[f"{name}_kept"] = masks[:, sel].sum(axis=1).astype(np.float64)
        out[f"n_{name}"] = np.full(masks.shape[0], float(sel.sum()))
    return out


def _examples(
    graphs: Sequence[nx.Graph], cfg: ExperimentConfig, seed: int, visible: bool
) -> list[EdgeExample]:
    """Training or test examples; targets from ``cfg.regime`` (the oracle at the teacher
    budget, or the paper's frequencies ``cfg.protocol.p_common`` / ``eps``)."""
    from .training import make_example

    return [
        make_example(
            G,
            budget=cfg.teacher_budget,
            n_targets=cfg.n_targets,
            seed=seed * 1000 + i,
            visible_bridge=visible,
            regime=cfg.regime,
            p_common=cfg.protocol.p_common,
            p_rare=cfg.protocol.eps,
        )
        for i, G in enumerate(graphs)
    ]


# ----------------------------------------------------------------------- evaluation


def baseline_draws(
    ex: EdgeExample, k: int, rng: np.random.Generator, budget: float | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``k`` draws (masks, weights), each ``(k, m)``, of the Spectral Oracle and of the
    uniform sparsifier at ``budget`` expected edges (default: the teacher's, the sum of
    the example's keep probabilities)."""
    from .sparsifiers import spectral_oracle, uniform_sparsifier

    budget = float(ex.oracle_probs.sum()) if budget is None else float(budget)
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
    duel: Duel,
    tests: Sequence[EdgeExample],
    cfg: ExperimentConfig,
    seed: int,
    *,
    baselines: bool = True,
    by_class: bool = False,
    spectral: bool = True,
) -> dict[str, dict[str, np.ndarray]]:
    """Per-sample metrics of every method over all test graphs, for one seed.

    The learned models' samples are compared with ``cfg.samples`` draws of the
    Spectral Oracle and of the uniform sparsifier at the same expected budget
    (``baselines=False`` leaves those out; the models' samples do not change).
    ``by_class=True`` adds kept counts per bridge class (:func:`bridge_classes`);
    ``spectral=False`` skips the (costly) spectral metrics, which are then nan.
    """
    pools: dict[str, list[dict[str, np.ndarray]]] = {}
    rng = np.random.default_rng(seed + 7)
    for j, ex in enumerate(tests):
        codes = bridge_classes(ex.graph) if by_class else None
        draws = {
            method: (res.masks, _uniform_reweight(ex, res.masks))
            for method, res in duel.sample(ex, cfg.samples, seed=seed * 100 + j).items()
        }
        if baselines:
            draws.update(baseline_draws(ex, cfg.samples, rng))
        for name, (masks, weights) in draws.items():
            out = evaluate_batch(ex.graph, masks, weights, spectral=spectral)
            if codes is not None:
                out.update(_class_counts(codes, masks))
            pools.setdefault(name, []).append(out)
    return {method: _concat(parts) for method, parts in pools.items()}


@dataclass
class DuelSamples:
    """What the duel page shows after sampling: every model's samples (with the reverse
    chain) and the scoreboard of all four methods."""

    samples: dict[str, Any]  # method -> diffusion.SampleResult
    board: dict[str, dict[str, Any]]  # method -> metrics.summarize output
    per_sample: dict[str, dict[str, np.ndarray]]  # method -> evaluate_batch output
    decoder: str = "chain"  # how samples became graphs (config.DECODERS)
    rho: float | None = None  # the kept share of edges of "topk"


def sample_duel(
    duel: Duel,
    test: EdgeExample,
    *,
    k: int = 32,
    seed: int = 0,
    decoder: str = "chain",
    rho: float | None = None,
) -> DuelSamples:
    """``k`` samples of ``test`` from each model (chains kept) and the scoreboard.

    ``decoder="topk"`` (the paper's protocol) turns the ``k`` chain samples of each model
    into ``k`` graphs of exactly ``rho |E|`` edges: the top edges by their keep frequency
    in the samples, ties in random order. It adds ``score_shift``: the standard model's
    frequencies plus ``lambda R`` (the paper's score, which needs R_eff when decoding),
    and compares with the oracle and the uniform sparsifier at ``rho |E|`` expected edges.
    """
    from .config import DECODERS
    from .diffusion import SampleResult
    from .protocol import ProtocolConfig, n_kept

    if decoder not in DECODERS:
        raise ConfigError(f"unknown decoder {decoder!r}; choose one of {list(DECODERS)}")
    samples = duel.sample(test, k, seed=seed, keep_chain=True)
    budget = None
    if decoder == "topk":
        if rho is None or not 0 < rho <= 1:
            raise ConfigError(f"top-k decoding needs rho in (0, 1], got {rho}")
        n_keep = n_kept(rho, test.m, ProtocolConfig())
        rng = np.random.default_rng(seed + 3)
        decoded = {m: decode_samples(r.masks, n_keep, k, rng) for m, r in samples.items()}
        if "standard" in samples:
            shift = duel.config.weighting.lam * test.resistance
            decoded["score_shift"] = decode_samples(
                samples["standard"].masks, n_keep, k, rng, shift
            )
        samples = {
            m: SampleResult(
                masks=masks, chain=None, seconds=samples.get(m, samples["standard"]).seconds
            )
            for m, masks in decoded.items()
        }
        budget = n_keep
    per = {
        m: evaluate_batch(test.graph, r.masks, _uniform_reweight(test, r.masks))
        for m, r in samples.items()
    }
    draws = baseline_draws(test, k, np.random.default_rng(seed + 7), budget=budget)
    for name, (masks, weights) in draws.items():
        per[name] = evaluate_batch(test.graph, masks, weights)
    return DuelSamples(
        samples=samples,
        board={m: summarize(v) for m, v in per.items()},
        per_sample=per,
        decoder=decoder,
        rho=rho,
    )


def _concat(parts: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([np.atleast_1d(p[k]) for p in parts]) for k in parts[0]}


def _uniform_reweight(ex: EdgeExample, masks: np.ndarray) -> np.ndarray:
    """Reweight a learned sample's kept edges by m / |kept| (it has no per-edge p_e)."""
    w = edge_weights(ex.graph)  # (m,)
    kept = masks.sum(axis=1, keepdims=True).clip(min=1)  # (k, 1)
    return masks * w[None, :] * (ex.m / kept)


BASELINES = ("oracle", "uniform")  # samplers, not trained models: each draw is a replicate


def _summarise(
    per_seed: Sequence[dict[str, dict[str, np.ndarray]]], seeds: Sequence[int]
) -> dict[str, dict[str, Any]]:
    """Per method: the headline figure and its 95% interval over the unit of replication,
    the pooled figure, and per-seed figures.

    A trained model is one replicate, so for a learned method the headline is the mean
    over seeds of each seed's proportion with a t-interval over seeds (``ci_over:
    "seeds"``; with a single seed there is none, and the pooled Wilson interval over that
    model's samples stands in, ``ci_over: "samples"``). The samplers (oracle, uniform)
    are not trained: every draw is independent, so their headline is the pooled
    proportion with its Wilson interval. ``*_pooled`` and ``*_pooled_ci`` always hold the
    pooled Wilson figures over seeds x graphs x samples.
    """
    from .metrics import t_interval

    out: dict[str, dict[str, Any]] = {}
    for method in per_seed[0]:
        pooled = summarize(_concat([ps[method] for ps in per_seed]))
        rows = [summarize(ps[method]) for ps in per_seed]
        by_seed = method not in BASELINES and len(rows) > 1
        entry: dict[str, Any] = {"ci_over": "seeds" if by_seed else "samples"}
        for key in ("connectivity", "bridge_survival"):
            entry[f"{key}_pooled"] = pooled[key]
            entry[f"{key}_pooled_ci"] = pooled[f"{key}_ci"]
            vals = np.array([r[key] for r in rows], dtype=float)
            if by_seed and not np.isnan(vals).any():
                lo, hi = t_interval(vals)
                entry[key] = float(vals.mean())
                entry[f"{key}_ci"] = [max(0.0, lo), min(1.0, hi)]
            else:
                entry[key] = pooled[key]
                entry[f"{key}_ci"] = pooled[f"{key}_ci"]
        entry.update(
            {
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
        )
        out[method] = entry
    return out


# ---------------------------------------------------------------------- experiments

Progress = Callable[[str], None] | None
Unit = dict[str, Any]  # one independent piece of an experiment, JSON-able: {"seed": 0}, ...
Partial = dict[str, Any]  # what a unit returns (JSON-able; see runner)


def _duel_setup(
    train_family: str,
    cfg: ExperimentConfig,
    seed: int,
    *,
    visible: bool = False,
    train_graphs: Sequence[nx.Graph] | None = None,
    test_graphs: Sequence[nx.Graph] | None = None,
) -> tuple[Duel, list[EdgeExample]]:
    """The untrained duel of one seed and its held-out test examples."""
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
    return Duel(duel_cfg, train, probe=tests), tests


def _train(duel: Duel, seed: int, progress: Progress = None, until: int | None = None) -> None:
    """Step ``duel`` to ``until`` (default: its full budget) in chunks, reporting progress."""
    steps = duel.config.train.steps
    until = steps if until is None else until
    chunk = max(1, steps // 20)
    while duel.step_count < until:
        duel.step(min(chunk, until - duel.step_count))
        if progress:
            progress(f"seed {seed}: step {duel.step_count}/{steps}")


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
    duel, tests = _duel_setup(
        train_family,
        cfg,
        seed,
        visible=visible,
        train_graphs=train_graphs,
        test_graphs=test_graphs,
    )
    _train(duel, seed, progress)
    return duel, tests


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
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], **_: Any
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


def _family_unit(family: str, visible: bool = False) -> Callable[..., Partial]:
    def run_unit(
        cfg: ExperimentConfig, unit: Unit, *, progress: Progress = None, **_: Any
    ) -> Partial:
        seed = unit["seed"]
        duel, tests = _duel_run(family, cfg, seed, visible=visible, progress=progress)
        return {"eval": evaluate_methods(duel, tests, cfg, seed)}

    return run_unit


def _dynamics_unit(
    cfg: ExperimentConfig, unit: Unit, *, progress: Progress = None, **_: Any
) -> Partial:
    seed = unit["seed"]
    duel, tests = _duel_run("barbell", cfg, seed, progress=progress)
    series = [{**row, "seed": int(seed)} for row in duel.history]
    return {"eval": evaluate_methods(duel, tests, cfg, seed), "series": series}


def _dynamics_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], **_: Any
) -> dict[str, Any]:
    """Bridge keep-probability, gradient share and loss over training, per seed."""
    return {
        "methods": _summarise([p["eval"] for p in parts], seeds),
        "series": [row for p in parts for row in p["series"]],
    }


# ---------------------------------------------------------------------------- rarity


def _rarity_units(cfg: ExperimentConfig, seeds: Sequence[int]) -> list[Unit]:
    return [{"fraction": float(f), "seed": int(s)} for f in cfg.rarity_fractions for s in seeds]


def _rarity_unit(
    cfg: ExperimentConfig, unit: Unit, *, progress: Progress = None, **_: Any
) -> Partial:
    """Share of training graphs with a bridge swept down; survival on bridged test graphs."""
    seed = unit["seed"]
    n_bridged = max(1, round(unit["fraction"] * cfg.rarity_n_train))
    bridged = family_graphs("barbell", n_bridged, cfg, seed)
    plain = family_graphs("double_joined", cfg.rarity_n_train - n_bridged, cfg, 20_000 + seed)
    order = np.random.default_rng(seed).permutation(len(bridged) + len(plain))
    pool = bridged + plain
    train_graphs = [pool[i] for i in order]
    duel, tests = _duel_run("barbell", cfg, seed, train_graphs=train_graphs, progress=progress)
    return {"eval": evaluate_methods(duel, tests, cfg, seed), "n_bridged": n_bridged}


def _rarity_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], **_: Any
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


# ---------------------------------------------------------------------------- custom


def _custom_unit(
    cfg: ExperimentConfig,
    unit: Unit,
    *,
    graphs: Sequence[nx.Graph] | None = None,
    progress: Progress = None,
    **_: Any,
) -> Partial:
    """The duel on a user's graphs, split into train/test per seed."""
    _check_custom(graphs)
    assert graphs is not None
    seed = unit["seed"]
    order = np.random.default_rng(seed).permutation(len(graphs))
    n_test = max(1, len(graphs) // 4)
    test = [graphs[i] for i in order[:n_test]]
    train = [graphs[i] for i in order[n_test:]]
    duel, tests = _duel_run(
        "custom", cfg, seed, train_graphs=train, test_graphs=test, progress=progress
    )
    return {"eval": evaluate_methods(duel, tests, cfg, seed, by_class=True)}


def _check_custom(graphs: Sequence[nx.Graph] | None) -> None:
    if not graphs or len(graphs) < 2:
        raise ConfigError("the custom experiment needs a directory with at least 2 graph files")


def _custom_combine(
    cfg: ExperimentConfig,
    seeds: Sequence[int],
    parts: Sequence[Partial],
    *,
    graphs: Sequence[nx.Graph] | None = None,
    **_: Any,
) -> dict[str, Any]:
    evals = [p["eval"] for p in parts]
    return {
        "methods": _summarise(evals, seeds),
        "n_graphs": len(graphs or ()),
        "bridge_classes": _class_summary(evals),
    }


# ------------------------------------------------------------------- controls


def _controls_unit(family: str) -> Callable[..., Partial]:
    def run_unit(
        cfg: ExperimentConfig, unit: Unit, *, progress: Progress = None, **_: Any
    ) -> Partial:
        seed = unit["seed"]
        c = _quiet(_with_duel(cfg, methods=(*_DUEL_PAIR, *cfg.controls)))
        duel, tests = _duel_run(family, c, seed, progress=progress)
        last = {r["method"]: r for r in duel.history if r["step"] == duel.step_count}
        share = {m: last[m]["grad_share_bridge"] for m in last}
        return {"eval": evaluate_methods(duel, tests, c, seed), "grad_share_bridge": share}

    return run_unit


def _controls_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], **_: Any
) -> dict[str, Any]:
    body = _combine_methods(cfg, seeds, parts)
    body["grad_share_bridge"] = {
        m: [p["grad_share_bridge"][m] for p in parts] for m in parts[0]["grad_share_bridge"]
    }
    body["verdict"] = control_verdicts(body["methods"], body.get("extra_methods", {}))
    return body


def _relation(a: dict[str, Any], b: dict[str, Any], key: str) -> int:
    """-1 when ``a``'s 95% interval for ``key`` lies wholly below ``b``'s, +1 above, else 0."""
    lo_a, hi_a = a[f"{key}_ci"]
    lo_b, hi_b = b[f"{key}_ci"]
    if hi_a < lo_b:
        return -1
    if lo_a > hi_b:
        return 1
    return 0


def control_verdicts(
    methods: dict[str, dict[str, Any]], controls: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Which controls match the spectral weighting, in generated words.

    A control *matches* when its 95% intervals for connectivity and for bridge
    survival both overlap the spectral model's; it *falls short* when either interval
    lies wholly below, and *exceeds* when one lies wholly above and none below. The
    same test against the standard model says whether it helps at all. Per seed, it
    also counts the seeds in which the control's bridge survival reached the spectral
    model's (the pooled intervals ignore the spread across seeds).
    """
    from .report import METHOD_LABEL

    spec, std = methods["spectral"], methods["standard"]
    out: dict[str, Any] = {"matches": [], "falls_short": [], "exceeds": [], "lines": []}
    for m, r in controls.items():
        vs_spec = [_relation(r, spec, k) for k in ("connectivity", "bridge_survival")]
        vs_std = [_relation(r, std, k) for k in ("connectivity", "bridge_survival")]
        if -1 in vs_spec:
            key, words = "falls_short", "falls short of"
        elif 1 in vs_spec:
            key, words = "exceeds", "exceeds"
        else:
            key, words = "matches", "matches"
        out[key].append(m)
        if 1 in vs_std and -1 not in vs_std:
            helps = "better than standard diffusion"
        elif -1 in vs_std and 1 not in vs_std:
            helps = "worse than standard diffusion"
        else:
            helps = "not distinguishable from standard diffusion"
        wins = sum(
            a["bridge_survival"] >= b["bridge_survival"]
            for a, b in zip(r["per_seed"], spec["per_seed"], strict=True)
        )
        out["lines"].append(
            f"{METHOD_LABEL.get(m, m)} {words} the spectral weighting: connectivity "
            f"{_pct(r['connectivity'])} {_ci_text(r['connectivity_ci'])} vs "
            f"{_pct(spec['connectivity'])} {_ci_text(spec['connectivity_ci'])}, bridge survival "
            f"{_pct(r['bridge_survival'])} {_ci_text(r['bridge_survival_ci'])} vs "
            f"{_pct(spec['bridge_survival'])} {_ci_text(spec['bridge_survival_ci'])}; "
            f"{helps}; bridge survival at least the spectral model's in {wins} of "
            f"{len(r['per_seed'])} seeds."
        )

    def names(ms: list[str]) -> str:
        return ", ".join(METHOD_LABEL.get(m, m) for m in ms) if ms else "none"

    out["summary"] = (
        f"Controls that match the spectral weighting (95% intervals overlap on both "
        f"connectivity and bridge survival): {names(out['matches'])}. Controls that fall "
        f"short of it: {names(out['falls_short'])}."
        + (f" Controls that exceed it: {names(out['exceeds'])}." if out["exceeds"] else "")
    )
    return out


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{100 * x:.1f}%"


def _ci_text(ci: Sequence[float]) -> str:
    lo, hi = ci
    return "" if np.isnan(lo) else f"[{100 * lo:.1f}, {100 * hi:.1f}]"


# --------------------------------------------------------------------- real networks


def _real_unit(
    cfg: ExperimentConfig,
    unit: Unit,
    *,
    graphs: Sequence[nx.Graph] | None = None,
    progress: Progress = None,
    **_: Any,
) -> Partial:
    seed = unit["seed"]
    sources = real_sources(cfg, graphs)
    train = sample_subgraphs(sources, cfg.n_train, cfg, seed)
    test = sample_subgraphs(sources, cfg.n_test, cfg, 10_000 + seed, need_bridge=True)
    duel, tests = _duel_run(
        "real", cfg, seed, train_graphs=train, test_graphs=test, progress=progress
    )
    codes = [bridge_classes(G) for G in train + test]
    stats = {
        "sources": [name for name, _ in sources],
        "train_sources": [G.graph["source"] for G in train],
        "joined": [" + " in G.graph["source"] for G in train + test],
        "nodes": [G.number_of_nodes() for G in train + test],
        "edges": [G.number_of_edges() for G in train + test],
        **{f"n_{c}": [int((k == i).sum()) for k in codes] for i, c in enumerate(BRIDGE_CLASSES, 1)},
    }
    return {"eval": evaluate_methods(duel, tests, cfg, seed, by_class=True), "stats": stats}


def _real_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], **_: Any
) -> dict[str, Any]:
    evals = [p["eval"] for p in parts]
    stats = [p["stats"] for p in parts]
    edges = [e for s in stats for e in s["edges"]]
    nodes = [n for s in stats for n in s["nodes"]]
    dataset = {
        "sources": stats[0]["sources"],
        "graphs_per_seed": cfg.n_train + cfg.n_test,
        "nodes_range": [min(nodes), max(nodes)],
        "edges_range": [min(edges), max(edges)],
        "mean_edges": float(np.mean(edges)),
        "joined_share": float(np.mean([j for s in stats for j in s["joined"]])),
        **{
            f"bridges_{c}_per_graph": float(np.mean([x for s in stats for x in s[f"n_{c}"]]))
            for c in BRIDGE_CLASSES
        },
    }
    return {
        "methods": _summarise(evals, seeds),
        "bridge_classes": _class_summary(evals),
        "dataset": dataset,
    }


def _class_summary(evals: Sequence[dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Bridge survival per bridge class and method, pooled, with Wilson intervals."""
    out: dict[str, Any] = {}
    for method in evals[0]:
        row = {}
        for c in BRIDGE_CLASSES:
            kept = int(round(sum(float(np.sum(e[method][f"{c}_kept"])) for e in evals)))
            total = int(round(sum(float(np.sum(e[method][f"n_{c}"])) for e in evals)))
            row[c] = {
                "survival": kept / total if total else float("nan"),
                "ci": list(wilson_ci(kept, total)),
                "n_bridges": total,
            }
        out[method] = row
    return out


# ------------------------------------------------------------------------ fine-tuning


def _grid_steps(fractions: Sequence[float], steps: int) -> list[int]:
    return sorted({int(round(f * steps)) for f in fractions})


def _survival_at(
    duel: Duel, tests: Sequence[EdgeExample], cfg: ExperimentConfig, seed: int
) -> dict[str, dict[str, Any]]:
    """Sampled bridge survival and connectivity of each model now (model samples only)."""
    pooled = evaluate_methods(duel, tests, cfg, seed, baselines=False, spectral=False)
    out = {}
    for method, ev in pooled.items():
        out[method] = {
            "kept": int(np.sum(ev["bridges_kept"])),
            "bridges": int(np.sum(ev["n_bridges"])),
            "connected": int(np.sum(ev["connected"])),
            "samples": int(len(ev["connected"])),
            "p_keep_bridge": duel.probe_keep(method)["bridge"],
        }
    return out


def _finetune_unit(
    cfg: ExperimentConfig, unit: Unit, *, progress: Progress = None, **_: Any
) -> Partial:
    """Standard and spectral from scratch (the duel), then the trained standard model
    fine-tuned with the spectral loss on the same batches; survival at checkpoints."""
    seed = unit["seed"]
    duel, tests = _duel_setup("barbell", _quiet(cfg), seed)
    grid = _grid_steps(cfg.finetune_grid, duel.config.train.steps)
    curve = []
    names = {"standard": "standard", "spectral": "scratch"}
    for step in grid:
        _train(duel, seed, progress, until=step)
        for m, row in _survival_at(duel, tests, cfg, seed).items():
            curve.append({"model": names[m], "step": step, "seed": seed, **row})
    _train(duel, seed, progress)
    ev = evaluate_methods(duel, tests, cfg, seed)
    from .training import Duel

    ft = Duel(replace(duel.config, methods=("spectral",)), duel.train_set, probe=tests)
    ft.start_from(duel.players["standard"].model.state_dict())
    for step in grid:
        _train(ft, seed, progress, until=step)
        row = _survival_at(ft, tests, cfg, seed)["spectral"]
        curve.append({"model": "finetuned", "step": step, "seed": seed, **row})
    _train(ft, seed, progress)
    ev["finetuned"] = evaluate_methods(ft, tests, cfg, seed, baselines=False)["spectral"]
    return {"eval": ev, "curve": curve}


def _first_reaching(rows: Sequence[dict[str, Any]], threshold: float) -> int | None:
    for r in sorted(rows, key=lambda r: r["step"]):
        if r["bridges"] and r["kept"] / r["bridges"] >= threshold:
            return int(r["step"])
    return None


def _finetune_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], **_: Any
) -> dict[str, Any]:
    body = _combine_methods(cfg, seeds, parts)
    rows = [r for p in parts for r in p["curve"]]
    curve = []
    for model in ("standard", "scratch", "finetuned"):
        for step in sorted({r["step"] for r in rows if r["model"] == model}):
            sel = [r for r in rows if r["model"] == model and r["step"] == step]
            kept, total = sum(r["kept"] for r in sel), sum(r["bridges"] for r in sel)
            conn, n = sum(r["connected"] for r in sel), sum(r["samples"] for r in sel)
            curve.append(
                {
                    "model": model,
                    "step": step,
                    "kept": kept,
                    "bridges": total,
                    "connected": conn,
                    "samples": n,
                    "bridge_survival": kept / total if total else float("nan"),
                    "bridge_survival_ci": list(wilson_ci(kept, total)),
                    "connectivity": conn / n if n else float("nan"),
                    "p_keep_bridge": float(np.mean([r["p_keep_bridge"] for r in sel])),
                }
            )
    thr = cfg.recover_survival
    steps = cfg.duel.train.steps
    per_seed = {
        model: [
            _first_reaching([r for r in rows if r["model"] == model and r["seed"] == s], thr)
            for s in seeds
        ]
        for model in ("scratch", "finetuned")
    }
    pooled = {
        model: _first_reaching([r for r in curve if r["model"] == model], thr)
        for model in ("scratch", "finetuned")
    }

    def when(x: int | None) -> str:
        return f"after {x} steps" if x is not None else f"not within {steps} steps"

    statement = (
        f"Recovered = sampled bridge survival on the held-out graphs (pooled over seeds) "
        f">= {_pct(thr)}, checked at steps {_grid_steps(cfg.finetune_grid, steps)}. "
        f"Fine-tuning the trained standard model ({steps} steps) with the spectral loss: "
        f"{when(pooled['finetuned'])} of fine-tuning; training with the spectral loss from "
        f"scratch: {when(pooled['scratch'])}. Both see the same batches in the same order; "
        f"the fine-tuned model starts from the standard one's weights with a fresh optimiser."
    )
    body["finetune"] = {
        "threshold": thr,
        "curve": curve,
        "steps_to_recover": pooled,
        "steps_to_recover_per_seed": per_seed,
        "statement": statement,
    }
    return body


# ------------------------------------------------------------------ sensitivity sweeps


def _weight_settings(cfg: ExperimentConfig) -> list[tuple[str, float]]:
    """The default weighting first, then the grid (duplicates dropped)."""
    out: list[tuple[str, float]] = [(cfg.duel.weighting.fn, float(cfg.duel.weighting.lam))]
    for fn, lam in cfg.weight_grid:
        if (fn, float(lam)) not in out:
            out.append((fn, float(lam)))
    return out


def _sensitivity_units(cfg: ExperimentConfig, seeds: Sequence[int]) -> list[Unit]:
    units: list[Unit] = [{"setting": "standard", "seed": int(s)} for s in seeds]
    for fn, lam in _weight_settings(cfg):
        units += [{"setting": "spectral", "fn": fn, "lam": lam, "seed": int(s)} for s in seeds]
    return units


def _sensitivity_unit(
    cfg: ExperimentConfig, unit: Unit, *, progress: Progress = None, **_: Any
) -> Partial:
    """One model: the standard one (with the baselines), or spectral with one (f, lambda).

    A duel of one method trains exactly as that method's player in a larger duel (same
    initial weights, batches and noise; tested), so the standard model is shared.
    """
    seed = unit["seed"]
    if unit["setting"] == "standard":
        c = _quiet(_with_duel(cfg, methods=("standard",)))
        duel, tests = _duel_run("barbell", c, seed, progress=progress)
        return {"eval": evaluate_methods(duel, tests, c, seed)}
    weighting = replace(cfg.duel.weighting, fn=unit["fn"], lam=float(unit["lam"]))
    c = _quiet(_with_duel(cfg, methods=("spectral",), weighting=weighting))
    duel, tests = _duel_run("barbell", c, seed, progress=progress)
    return {"eval": evaluate_methods(duel, tests, c, seed, baselines=False)}


def _sensitivity_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], **_: Any
) -> dict[str, Any]:
    units = _sensitivity_units(cfg, seeds)
    k = len(seeds)
    base = [p["eval"] for p in parts[:k]]  # standard, oracle, uniform
    standard = _summarise(base, seeds)
    grid = []
    for i, (fn, lam) in enumerate(_weight_settings(cfg)):
        group = parts[(i + 1) * k : (i + 2) * k]
        assert (units[(i + 1) * k]["fn"], units[(i + 1) * k]["lam"]) == (fn, lam)
        spectral = _summarise([p["eval"] for p in group], seeds)["spectral"]
        grid.append(
            {
                "label": f"f = {fn}, lambda = {lam:g}",
                "setting": {"fn": fn, "lam": lam},
                "default": i == 0,
                "methods": {"standard": standard["standard"], "spectral": spectral},
            }
        )
    methods = {"standard": standard["standard"], "spectral": grid[0]["methods"]["spectral"]}
    methods.update({m: standard[m] for m in ("oracle", "uniform")})
    return {
        "methods": methods,
        "grid": grid,
        "grid_statement": _grid_statement(grid, "weighting"),
    }


def _capacity_settings(cfg: ExperimentConfig) -> list[tuple[int, int]]:
    out = [(cfg.duel.model.width, cfg.duel.model.depth)]
    for w, d in cfg.capacity_grid:
        if (int(w), int(d)) not in out:
            out.append((int(w), int(d)))
    return out


def _capacity_units(cfg: ExperimentConfig, seeds: Sequence[int]) -> list[Unit]:
    return [
        {"width": w, "depth": d, "seed": int(s)} for w, d in _capacity_settings(cfg) for s in seeds
    ]


def _capacity_unit(
    cfg: ExperimentConfig, unit: Unit, *, progress: Progress = None, **_: Any
) -> Partial:
    seed = unit["seed"]
    w, d = int(unit["width"]), int(unit["depth"])
    default = (w, d) == (cfg.duel.model.width, cfg.duel.model.depth)
    c = _quiet(_with_duel(cfg, model=replace(cfg.duel.model, width=w, depth=d)))
    duel, tests = _duel_run("barbell", c, seed, progress=progress)
    params = sum(p.numel() for p in duel.players["standard"].model.parameters())
    return {"eval": evaluate_methods(duel, tests, c, seed, baselines=default), "params": params}


def _capacity_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], **_: Any
) -> dict[str, Any]:
    k = len(seeds)
    grid = []
    methods: dict[str, Any] = {}
    for i, (w, d) in enumerate(_capacity_settings(cfg)):
        group = parts[i * k : (i + 1) * k]
        summary = _summarise([p["eval"] for p in group], seeds)
        if i == 0:
            methods = summary
        grid.append(
            {
                "label": f"width {w}, depth {d} ({group[0]['params']:,} parameters)",
                "setting": {"width": w, "depth": d, "params": group[0]["params"]},
                "default": i == 0,
                "methods": {m: summary[m] for m in _DUEL_PAIR},
            }
        )
    return {"methods": methods, "grid": grid, "grid_statement": _grid_statement(grid, "capacity")}


def _grid_statement(grid: Sequence[dict[str, Any]], what: str) -> str:
    """Where the spectral model beats the standard one (disjoint 95% intervals)."""
    better = [
        g["label"]
        for g in grid
        if _relation(g["methods"]["spectral"], g["methods"]["standard"], "bridge_survival") > 0
    ]
    other = [g["label"] for g in grid if g["label"] not in better]
    std = [g["methods"]["standard"]["bridge_survival"] for g in grid]
    return (
        f"Across {len(grid)} {what} settings, standard diffusion's bridge survival ranged "
        f"{_pct(min(std))}–{_pct(max(std))}. The spectrally-weighted model kept more bridges "
        f"than the standard one (disjoint 95% intervals) in {len(better)} of {len(grid)}: "
        f"{'; '.join(better) or 'none'}."
        + (f" Not distinguishable or worse in: {'; '.join(other)}." if other else "")
    )


# ------------------------------------------------- the paper's regimes, trained models

# Trained in paper_learned: the standard loss, Eq. 4.1 (1 + lambda R on both classes) and
# Exp IV's form (on the positive class only). "score_shift" is no training method: it
# decodes the standard model with the paper's score p + lambda R, which needs R_eff when
# sampling (not the zero inference overhead the paper claims for Eq. 4.1).
PAPER_TRAINED = ("standard", "spectral", "spectral_pos")
PAPER_ROWS = (*PAPER_TRAINED, "score_shift")
PAPER_DECODERS = ("topk", "chain")


def _paper_settings(cfg: ExperimentConfig) -> list[tuple[str, int]]:
    """(experiment, thickness) of paper_learned: Exp I, Exp II, Exp III's k > 1."""
    return [("barbell", 1), ("asymmetric_chain", 1), *(("thick", k) for k in cfg.paper_thickness)]


def _paper_rho(cfg: ExperimentConfig, exp: str) -> float:
    return cfg.protocol.rho_chain if exp == "asymmetric_chain" else cfg.protocol.rho_barbell


def _paper_examples(
    exp: str, k: int, n: int, cfg: ExperimentConfig, seed: int, regime: str, p_rare: float
) -> list[EdgeExample]:
    """Examples of a paper graph: oracle targets at the experiment's rho, or the paper's
    frequencies (``p_common`` for common edges, ``p_rare`` for the rare ones)."""
    from .training import make_example

    rho = _paper_rho(cfg, exp)
    return [
        make_example(
            G,
            budget=rho,
            n_targets=cfg.n_targets,
            seed=seed * 1000 + i,
            regime=regime,
            p_common=cfg.protocol.p_common,
            p_rare=p_rare,
            rare=rare,
        )
        for i, (G, rare) in enumerate(paper_graphs(exp, k, n, cfg, seed))
    ]


def _p_rare(cfg: ExperimentConfig, exp: str, k: int) -> float:
    from .protocol import thick_frequency

    return thick_frequency(k, cfg.protocol) if exp == "thick" else cfg.protocol.eps


def decode_samples(
    masks: np.ndarray, n_keep: int, trials: int, rng: np.random.Generator, shift: Any = None
) -> np.ndarray:
    """The paper's decoder for a trained model: each edge's keep probability estimated
    from the chain's ``masks`` (``(k, m)``), then the top ``n_keep`` edges (``shift``, an
    ``(m,)`` array, is added to the estimate first: the paper's ``+ lambda R``)."""
    from .protocol import topk_masks

    p_hat = masks.mean(axis=0)  # (m,)
    scores = p_hat if shift is None else p_hat + shift
    return topk_masks(scores, n_keep, trials, rng)


def _decoded(
    duel: Duel, ex: EdgeExample, cfg: ExperimentConfig, rho: float, seed: int
) -> dict[tuple[str, str], np.ndarray]:
    """(method, decoder) -> ``(samples, m)`` kept masks of one test graph."""
    from .protocol import n_kept

    out: dict[tuple[str, str], np.ndarray] = {}
    samples = duel.sample(ex, cfg.samples, seed=seed)
    n_keep = n_kept(rho, ex.m, cfg.protocol)
    rng = np.random.default_rng(seed + 3)
    for method, res in samples.items():
        out[(method, "chain")] = res.masks
        out[(method, "topk")] = decode_samples(res.masks, n_keep, cfg.samples, rng)
    if "standard" in samples:
        shift = duel.config.weighting.lam * ex.resistance
        out[("score_shift", "topk")] = decode_samples(
            samples["standard"].masks, n_keep, cfg.samples, rng, shift
        )
    return out


def _mask_stats(ex: EdgeExample, masks: np.ndarray) -> dict[str, float]:
    """Sums over the samples: connected, RSE (lambda_2 of the kept subgraph, unit weights
    as in the protocol), rare edges kept, samples."""
    from .metrics import count_components
    from .protocol import lambda2

    edges = edge_array(ex.graph)
    n = ex.graph.number_of_nodes()
    full = float(lambda2(n, edges, np.ones((1, ex.m)))[0])
    comps = count_components(n, edges, np.ones((1, ex.m), dtype=bool))[0]
    l2 = lambda2(n, edges, masks.astype(np.float64))
    rse = np.abs(full - l2) / full if full > 0 else np.full(len(l2), np.nan)
    rare = ex.rare_mask
    return {
        "connected": float((count_components(n, edges, masks) == comps).sum()),
        "rse_sum": float(rse.sum()),
        "rare_kept": float(masks[:, rare].sum()),
        "rare_total": float(rare.sum() * len(masks)),
        "samples": float(len(masks)),
    }


def _fixed_points(
    duel: Duel, tests: Sequence[EdgeExample], seed: int
) -> dict[str, dict[str, float]]:
    """Per method: the learned keep probability (t = T) of the rare and the common edges
    beside the per-edge optimum its loss predicts (mean over test graphs)."""
    from .protocol import fixed_point
    from .training import apply_weight_fn

    acc: dict[str, dict[str, list[float]]] = {}
    for j, ex in enumerate(tests):
        learned = duel.keep_marginals(ex, seed=seed * 100 + j)
        p = ex.oracle_probs  # the targets' frequency of each edge (P_freq)
        w = apply_weight_fn(ex.resistance, duel.config.weighting)
        predicted = {
            "standard": p,
            "spectral": p,  # both classes scaled alike: the optimum stays at p
            "spectral_pos": np.array([fixed_point(wi, pi) for wi, pi in zip(w, p, strict=True)]),
        }
        for method, q in learned.items():
            row = acc.setdefault(method, {})
            for group, sel in (("rare", ex.rare_mask), ("common", ~ex.rare_mask)):
                if sel.any():
                    row.setdefault(f"learned_{group}", []).append(float(q[sel].mean()))
                    row.setdefault(f"predicted_{group}", []).append(
                        float(predicted[method][sel].mean())
                    )
    return {m: {k: float(np.mean(v)) for k, v in row.items()} for m, row in acc.items()}


def _paper_units(cfg: ExperimentConfig, seeds: Sequence[int]) -> list[Unit]:
    return [
        {"regime": regime, "exp": exp, "k": int(k), "seed": int(s)}
        for regime in cfg.paper_regimes
        for exp, k in _paper_settings(cfg)
        for s in seeds
    ]


def _paper_unit(
    cfg: ExperimentConfig, unit: Unit, *, progress: Progress = None, **_: Any
) -> Partial:
    """One seed of one paper graph in one regime: the three losses trained side by side,
    then every (method, decoder) on the held-out copies, and the learned fixed points."""
    from .training import Duel

    seed, exp, k, regime = unit["seed"], unit["exp"], unit["k"], unit["regime"]
    p_rare = _p_rare(cfg, exp, k)
    train = _paper_examples(exp, k, cfg.n_train, cfg, seed, regime, p_rare)
    tests = _paper_examples(exp, k, cfg.n_test, cfg, 10_000 + seed, regime, p_rare)
    c = _quiet(_with_duel(cfg, methods=PAPER_TRAINED))
    duel = Duel(replace(c.duel, train=replace(c.duel.train, seed=seed)), train, probe=tests)
    _train(duel, seed, progress)
    stats: dict[str, dict[str, float]] = {}
    rho = _paper_rho(cfg, exp)
    for j, ex in enumerate(tests):
        for (method, decoder), masks in _decoded(duel, ex, cfg, rho, seed * 100 + j).items():
            row = stats.setdefault(f"{method}/{decoder}", {})
            for key, v in _mask_stats(ex, masks).items():
                row[key] = row.get(key, 0.0) + v
    return {"stats": stats, "fixed_points": _fixed_points(duel, tests, seed)}


def _seed_summary(values: Sequence[float]) -> dict[str, Any]:
    """Mean over seeds with a 95% t-interval: a trained model is one replicate."""
    from .metrics import t_interval

    x = np.asarray(values, dtype=float)
    ci = t_interval(x)
    return {"mean": float(x.mean()), "ci": [max(0.0, ci[0]), min(1.0, ci[1])] if len(x) > 1 else ci}


def _protocol_reference(cfg: ExperimentConfig, exp: str, k: int) -> dict[str, Any]:
    """The paper's protocol on the same graph, rho and frequencies (like with like)."""
    from .protocol import method_trials, protocol_graph, summarize_trials

    pc = cfg.protocol
    if exp == "thick":
        pg = protocol_graph("thick", pc, k=k, layout=cfg.paper_thick_layout)
    else:
        pg = protocol_graph(exp, pc)
    out = {}
    for i, method in enumerate(("random", "standard", "weighted", "oracle_sampling")):
        rng = np.random.default_rng([pc.seed, 7, k, i])
        r = summarize_trials(pg, *method_trials(pg, method, pc, rng))
        out[method] = {
            "connectivity": r["connectivity"],
            "connectivity_ci": r["connectivity_ci"],
            "rse_mean": r["rse_mean"],
        }
    return out


def _paper_label(cfg: ExperimentConfig, exp: str, k: int) -> str:
    pc = cfg.protocol
    if exp == "barbell":
        return f"Exp I: barbell 2 x K{pc.clique}, rho = {pc.rho_barbell:g}"
    if exp == "asymmetric_chain":
        return f"Exp II: chain {'-'.join(map(str, pc.chain))}, rho = {pc.rho_chain:g}"
    return (
        f"Exp III: bridge thickened to k = {k} ({cfg.paper_thick_layout}), rho = {pc.rho_barbell:g}"
    )


def _paper_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], **_: Any
) -> dict[str, Any]:
    units = _paper_units(cfg, seeds)
    groups: dict[tuple[str, int], dict[str, list[Partial]]] = {}
    for unit, part in zip(units, parts, strict=True):
        groups.setdefault((unit["exp"], unit["k"]), {}).setdefault(unit["regime"], []).append(part)
    settings = []
    for (exp, k), by_regime in groups.items():
        trained: dict[str, Any] = {}
        fixed: dict[str, Any] = {}
        for regime, ps in by_regime.items():
            trained[regime] = _trained_summary(ps, seeds)
            fixed[regime] = {
                m: {
                    key: _seed_summary([p["fixed_points"][m][key] for p in ps])
                    for key in ps[0]["fixed_points"][m]
                }
                for m in ps[0]["fixed_points"]
            }
        settings.append(
            {
                "exp": exp,
                "k": k,
                "label": _paper_label(cfg, exp, k),
                "rho": _paper_rho(cfg, exp),
                "p_rare": _p_rare(cfg, exp, k),
                "paper": PAPER_TABLES.get(exp, {}) if exp != "thick" else {},
                "protocol": _protocol_reference(cfg, exp, k),
                "trained": trained,
                "fixed_points": fixed,
            }
        )
    return {"methods": {}, "settings": settings, "statement": paper_statement(settings)}


def _trained_summary(parts: Sequence[Partial], seeds: Sequence[int]) -> dict[str, Any]:
    """decoder -> method -> connectivity over seeds (t-interval), pooled (Wilson), RSE."""
    out: dict[str, Any] = {}
    for key in parts[0]["stats"]:
        method, decoder = key.split("/")
        rows = [p["stats"][key] for p in parts]
        conn = [r["connected"] / r["samples"] for r in rows]
        n_conn, n = int(sum(r["connected"] for r in rows)), int(sum(r["samples"] for r in rows))
        summary = _seed_summary(conn)
        out.setdefault(decoder, {})[method] = {
            "connectivity": summary["mean"],
            "connectivity_ci": summary["ci"],
            "pooled_ci": list(wilson_ci(n_conn, n)),
            "per_seed": [
                {"seed": int(s), "connectivity": c} for s, c in zip(seeds, conn, strict=True)
            ],
            "rse_mean": float(np.mean([r["rse_sum"] / r["samples"] for r in rows])),
            "rare_survival": float(
                sum(r["rare_kept"] for r in rows) / max(1.0, sum(r["rare_total"] for r in rows))
            ),
            "n_samples": n,
        }
    return out


def paper_statement(settings: Sequence[dict[str, Any]]) -> list[str]:
    """Generated sentences: what Eq. 4.1 does to a trained model in each regime, and how
    the learned rare-edge probability compares with the fixed point its loss predicts."""
    lines = []
    for st in settings:
        for regime, by_decoder in st["trained"].items():
            topk = by_decoder.get("topk", {})
            if not topk:
                continue
            std, eq41 = topk["standard"], topk["spectral"]
            fp = st["fixed_points"][regime]
            learned = fp["spectral"]["learned_rare"]["mean"]
            predicted = fp["spectral"]["predicted_rare"]["mean"]
            lines.append(
                f"{st['label']}, {regime} regime: top-rho|E| decoding keeps the graph connected "
                f"in {_pct(std['connectivity'])} {_ci_text(std['connectivity_ci'])} of samples "
                f"for the standard loss and {_pct(eq41['connectivity'])} "
                f"{_ci_text(eq41['connectivity_ci'])} for Eq. 4.1 (mean over seeds, 95% "
                f"t-interval); Eq. 4.1's model gives the rare edge(s) p = {learned:.3f} where "
                f"its per-edge optimum is {predicted:.3f}."
            )
    return lines


# ------------------------------------------------------------ the learned regime map


def _map_units(cfg: ExperimentConfig, seeds: Sequence[int]) -> list[Unit]:
    units: list[Unit] = []
    for eps in cfg.learned_map_eps:
        units += [{"eps": float(eps), "lam": None, "seed": int(s)} for s in seeds]
        for lam in cfg.learned_map_lam:
            units += [{"eps": float(eps), "lam": float(lam), "seed": int(s)} for s in seeds]
    return units


def _map_unit(cfg: ExperimentConfig, unit: Unit, *, progress: Progress = None, **_: Any) -> Partial:
    """The rare-regime barbell at one eps: the standard model (``lam`` None; decoded plain
    and with every lambda's score shift), or Eq. 4.1 and the positive-class form at one
    lambda. One model is one replicate."""
    from .protocol import n_kept
    from .training import Duel

    seed, eps, lam = unit["seed"], unit["eps"], unit["lam"]
    train = _paper_examples("barbell", 1, cfg.n_train, cfg, seed, "rare", eps)
    tests = _paper_examples("barbell", 1, cfg.n_test, cfg, 10_000 + seed, "rare", eps)
    methods = ("standard",) if lam is None else ("spectral", "spectral_pos")
    weighting = cfg.duel.weighting if lam is None else replace(cfg.duel.weighting, lam=lam)
    c = _quiet(_with_duel(cfg, methods=methods, weighting=weighting))
    duel = Duel(replace(c.duel, train=replace(c.duel.train, seed=seed)), train, probe=tests)
    _train(duel, seed, progress)
    rho = _paper_rho(cfg, "barbell")
    out: dict[str, Any] = {"connected": {}, "fixed_points": _fixed_points(duel, tests, seed)}
    for j, ex in enumerate(tests):
        samples = duel.sample(ex, cfg.samples, seed=seed * 100 + j)
        n_keep = n_kept(rho, ex.m, cfg.protocol)
        rng = np.random.default_rng(seed * 100 + j + 3)
        decoded = {m: decode_samples(r.masks, n_keep, cfg.samples, rng) for m, r in samples.items()}
        if lam is None:
            for lam_s in cfg.learned_map_lam:
                decoded[f"score_shift@{lam_s:g}"] = decode_samples(
                    samples["standard"].masks, n_keep, cfg.samples, rng, lam_s * ex.resistance
                )
        for name, masks in decoded.items():
            st = _mask_stats(ex, masks)
            row = out["connected"].setdefault(name, [0.0, 0.0])
            row[0] += st["connected"]
            row[1] += st["samples"]
    return out


def _map_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], **_: Any
) -> dict[str, Any]:
    from .protocol import protocol_graph, rescue_lambda

    units = _map_units(cfg, seeds)
    eps_grid, lam_grid = list(cfg.learned_map_eps), list(cfg.learned_map_lam)
    cells: dict[tuple[float, float | None], list[Partial]] = {}
    for unit, part in zip(units, parts, strict=True):
        cells.setdefault((unit["eps"], unit["lam"]), []).append(part)

    def conn(ps: list[Partial], name: str) -> dict[str, Any]:
        return _seed_summary([p["connected"][name][0] / p["connected"][name][1] for p in ps])

    grid: dict[str, Any] = {"standard": [], "score_shift": [], "spectral": [], "spectral_pos": []}
    learned = {"spectral": [], "spectral_pos": []}
    predicted = {"spectral": [], "spectral_pos": []}
    for lam in lam_grid:
        row = {m: [] for m in grid}
        lrow = {m: [] for m in learned}
        prow = {m: [] for m in predicted}
        for eps in eps_grid:
            base, weighted = cells[(float(eps), None)], cells[(float(eps), float(lam))]
            row["standard"].append(conn(base, "standard"))
            row["score_shift"].append(conn(base, f"score_shift@{lam:g}"))
            for m in ("spectral", "spectral_pos"):
                row[m].append(conn(weighted, m))
                lrow[m].append(
                    _seed_summary([p["fixed_points"][m]["learned_rare"] for p in weighted])
                )
                prow[m].append(
                    float(np.mean([p["fixed_points"][m]["predicted_rare"] for p in weighted]))
                )
        for m in grid:
            grid[m].append(row[m])
        for m in learned:
            learned[m].append(lrow[m])
            predicted[m].append(prow[m])
    pg = protocol_graph("barbell", cfg.protocol)
    r_c, r_b = float(pg.resistance[~pg.rare].max()), float(pg.resistance[pg.rare].min())
    return {
        "methods": {},
        "eps": eps_grid,
        "lam": lam_grid,
        "connectivity": grid,  # method -> [lam][eps] -> {mean, ci}
        "learned_rare": learned,
        "predicted_rare": predicted,
        "boundary_lam": [rescue_lambda(cfg.protocol.p_common, e, r_b, r_c) for e in eps_grid],
    }


# --------------------------------------------------------------------------- registry


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
        **_: Any,
    ) -> dict[str, Any]:
        """Every unit, serially in this process, then combined."""
        from .runner import run_units

        if self.needs_graphs:
            _check_custom(graphs)
        parts = run_units(self.name, cfg, seeds, graphs=graphs, progress=progress).results
        return self.combine(cfg, list(seeds), parts, graphs=graphs)


EXPERIMENTS: dict[str, Experiment] = {
    e.name: e
    for e in [
        Experiment("barbell", "two cliques joined by one bridge", _family_unit("barbell")),
        Experiment(
            "asymmetric_chain",
            "cliques of unequal sizes in a chain, joined by bridges",
            _family_unit("asymmetric_chain"),
        ),
        Experiment(
            "flagged_bridge",
            "our control, not the paper's Exp III: the bridge flagged in both models' input",
            _family_unit("barbell", visible=True),
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
            _controls_unit("barbell"),
            _controls_combine,
        ),
        Experiment(
            "controls_chain",
            "asymmetric chain: does any generic up-weighting of rare edges do as well?",
            _controls_unit("asymmetric_chain"),
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
    from .runner import run_units

    t0 = time.perf_counter()
    run = run_units(
        name,
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
    from . import __version__

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
