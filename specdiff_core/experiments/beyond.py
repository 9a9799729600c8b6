"""Beyond the paper (docs/beyond.md): the controls (does any generic up-weighting do as
well?), subgraphs of real networks, and the duel on the user's own graph files."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from ..errors import ConfigError
from ..graphs import (
    BRIDGE_CLASSES,
    bridge_classes,
)
from ..graphs.datasets import (
    real_sources,
    sample_subgraphs,
)
from ..seeds import held_out_graphs_seed
from .config import ExperimentConfig
from .evaluation import _ci_text, _class_summary, _pct, _relation, _summarise, evaluate_methods
from .paper import family_unit
from .units import Graphs, Partial, Progress, Unit, _combine_methods, _duel_run

if TYPE_CHECKING:  # the network code (torch) loads only when an experiment runs
    pass


def _custom_unit(
    cfg: ExperimentConfig, unit: Unit, *, graphs: Graphs = None, progress: Progress = None
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
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], *, graphs: Graphs = None
) -> dict[str, Any]:
    evals = [p["eval"] for p in parts]
    return {
        "methods": _summarise(evals, seeds),
        "n_graphs": len(graphs or ()),
        "bridge_classes": _class_summary(evals),
    }


# One seed of the duel with every control as an extra player (partial it with the family).
controls_unit = partial(family_unit, controls=True)


def _controls_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], *, graphs: Graphs = None
) -> dict[str, Any]:
    body = _combine_methods(cfg, seeds, parts)
    body["grad_share_bridge"] = {
        m: [p["grad_share_bridge"][m] for p in parts] for m in parts[0]["grad_share_bridge"]
    }
    body["verdict"] = control_verdicts(body["methods"], body.get("extra_methods", {}))
    return body


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
    from ..config import METHOD_LABELS as METHOD_LABEL

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


def _real_unit(
    cfg: ExperimentConfig, unit: Unit, *, graphs: Graphs = None, progress: Progress = None
) -> Partial:
    seed = unit["seed"]
    sources = real_sources(cfg, graphs)
    train = sample_subgraphs(sources, cfg.n_train, cfg, seed)
    test = sample_subgraphs(sources, cfg.n_test, cfg, held_out_graphs_seed(seed), need_bridge=True)
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
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], *, graphs: Graphs = None
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
