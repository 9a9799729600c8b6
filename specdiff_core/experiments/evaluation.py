"""From samples to numbers: every method's samples of the held-out graphs scored, the
Spectral Oracle and the uniform sparsifier beside them, and the summaries with their
intervals over the unit of replication."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from ..errors import ConfigError
from ..graphs import (
    BRIDGE_CLASSES,
    bridge_classes,
    edge_array,
    edge_weights,
)
from ..graphs.datasets import (
    family_graphs,
)
from ..metrics import evaluate_batch, summarize, wilson_ci
from ..seeds import (
    baseline_seed,
    decode_seed,
    example_seed,
    held_out_examples_seed,
    held_out_graphs_seed,
    sample_seed,
)
from .config import PRESETS, ExperimentConfig

if TYPE_CHECKING:  # the network code (torch) loads only when an experiment runs
    from ..config import DuelConfig
    from ..training import Duel, EdgeExample


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
    test_graphs = family_graphs(family, 1, cfg, held_out_graphs_seed(seed))
    (test,) = _examples(test_graphs, cfg, held_out_examples_seed(seed), False)
    return train, test


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
    from ..training import make_example

    return [
        make_example(
            G,
            budget=cfg.teacher_budget,
            n_targets=cfg.n_targets,
            seed=example_seed(seed, i),
            visible_bridge=visible,
            regime=cfg.regime,
            p_common=cfg.protocol.p_common,
            p_rare=cfg.protocol.eps,
        )
        for i, G in enumerate(graphs)
    ]


def baseline_draws(
    ex: EdgeExample, k: int, rng: np.random.Generator, budget: float | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``k`` draws (masks, weights), each ``(k, m)``, of the Spectral Oracle and of the
    uniform sparsifier at ``budget`` expected edges (default: the teacher's, the sum of
    the example's keep probabilities)."""
    from ..sparsifiers import spectral_oracle, uniform_sparsifier

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
    rng = np.random.default_rng(baseline_seed(seed))
    for j, ex in enumerate(tests):
        codes = bridge_classes(ex.graph) if by_class else None
        draws = {
            method: (res.masks, _uniform_reweight(ex, res.masks))
            for method, res in duel.sample(ex, cfg.samples, seed=sample_seed(seed, j)).items()
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
    from ..config import DECODERS
    from ..diffusion import SampleResult
    from .protocol import ProtocolConfig, n_kept

    if decoder not in DECODERS:
        raise ConfigError(f"unknown decoder {decoder!r}; choose one of {list(DECODERS)}")
    samples = duel.sample(test, k, seed=seed, keep_chain=True)
    budget = None
    if decoder == "topk":
        if rho is None or not 0 < rho <= 1:
            raise ConfigError(f"top-k decoding needs rho in (0, 1], got {rho}")
        n_keep = n_kept(rho, test.m, ProtocolConfig())
        rng = np.random.default_rng(decode_seed(seed))
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
    draws = baseline_draws(test, k, np.random.default_rng(baseline_seed(seed)), budget=budget)
    for name, (masks, weights) in draws.items():
        per[name] = evaluate_batch(test.graph, masks, weights)
    return DuelSamples(
        samples=samples,
        board={m: summarize(v) for m, v in per.items()},
        per_sample=per,
        decoder=decoder,
        rho=rho,
    )


def train_demo_duel(
    seed: int = 0, config: DuelConfig | None = None, *, k: int | None = None
) -> tuple[Duel, DuelSamples]:
    """The app's default duel for ``seed`` (:data:`~.config.DEMO`), trained to the end, and
    its held-out graph sampled as the Duel page and the Lesson do: the demo's examples,
    ``Duel(config, train, probe=[test])``, then :func:`sample_duel` with the demo's ``k``
    and decoder and the duel's seed as the sample seed. ``config`` replaces
    ``demo_duel_config(seed)`` (to measure other settings); ``k`` the demo's samples."""
    from ..training import Duel
    from .config import DEMO, demo_duel_config

    train, test = demo_examples(seed, family=DEMO.family, regime=DEMO.regime)
    config = config if config is not None else demo_duel_config(seed)
    duel = Duel(config, train, probe=[test])
    duel.step(config.train.steps)
    k = DEMO.k if k is None else k
    return duel, sample_duel(duel, test, k=k, seed=seed, decoder=DEMO.decoder)


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
    from ..metrics import t_interval

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


def _relation(a: dict[str, Any], b: dict[str, Any], key: str) -> int:
    """-1 when ``a``'s 95% interval for ``key`` lies wholly below ``b``'s, +1 above, else 0."""
    lo_a, hi_a = a[f"{key}_ci"]
    lo_b, hi_b = b[f"{key}_ci"]
    if hi_a < lo_b:
        return -1
    if lo_a > hi_b:
        return 1
    return 0


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{100 * x:.1f}%"


def _ci_text(ci: Sequence[float]) -> str:
    lo, hi = ci
    return "" if np.isnan(lo) else f"[{100 * lo:.1f}, {100 * hi:.1f}]"


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


def _mask_stats(ex: EdgeExample, masks: np.ndarray) -> dict[str, float]:
    """Sums over the samples: connected, RSE (lambda_2 of the kept subgraph, unit weights
    as in the protocol), rare edges kept, samples."""
    from ..metrics import count_components
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


def _seed_summary(values: Sequence[float]) -> dict[str, Any]:
    """Mean over seeds with a 95% t-interval: a trained model is one replicate."""
    from ..metrics import t_interval

    x = np.asarray(values, dtype=float)
    ci = t_interval(x)
    return {"mean": float(x.mean()), "ci": [max(0.0, ci[0]), min(1.0, ci[1])] if len(x) > 1 else ci}
