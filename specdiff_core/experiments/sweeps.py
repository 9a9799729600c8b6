"""Sweeps over one duel (docs/beyond.md): fine-tuning a standard model, the weight function
and lambda, and the model's width and depth."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..metrics import wilson_ci
from .config import _DUEL_PAIR, ExperimentConfig
from .evaluation import _pct, _relation, _summarise, evaluate_methods
from .units import (
    Graphs,
    Partial,
    Progress,
    Unit,
    _combine_methods,
    _duel_run,
    _quiet,
    _train,
    _with_duel,
)

if TYPE_CHECKING:  # the network code (torch) loads only when an experiment runs
    from ..training import Duel, EdgeExample


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
    cfg: ExperimentConfig, unit: Unit, *, graphs: Graphs = None, progress: Progress = None
) -> Partial:
    """Standard and spectral from scratch (the duel), then the trained standard model
    fine-tuned with the spectral loss on the same batches; survival at checkpoints."""
    seed = unit["seed"]
    duel, tests = _duel_run("barbell", _quiet(cfg), seed, train=False)
    grid = _grid_steps(cfg.finetune_grid, duel.config.train.steps)
    curve = []
    names = {"standard": "standard", "spectral": "scratch"}
    for step in grid:
        _train(duel, seed, progress, until=step)
        for m, row in _survival_at(duel, tests, cfg, seed).items():
            curve.append({"model": names[m], "step": step, "seed": seed, **row})
    _train(duel, seed, progress)
    ev = evaluate_methods(duel, tests, cfg, seed)
    from ..training import Duel

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
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], *, graphs: Graphs = None
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
    cfg: ExperimentConfig, unit: Unit, *, graphs: Graphs = None, progress: Progress = None
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
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], *, graphs: Graphs = None
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
    cfg: ExperimentConfig, unit: Unit, *, graphs: Graphs = None, progress: Progress = None
) -> Partial:
    seed = unit["seed"]
    w, d = int(unit["width"]), int(unit["depth"])
    default = (w, d) == (cfg.duel.model.width, cfg.duel.model.depth)
    c = _quiet(_with_duel(cfg, model=replace(cfg.duel.model, width=w, depth=d)))
    duel, tests = _duel_run("barbell", c, seed, progress=progress)
    params = sum(p.numel() for p in duel.players["standard"].model.parameters())
    return {"eval": evaluate_methods(duel, tests, c, seed, baselines=default), "params": params}


def _capacity_combine(
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], *, graphs: Graphs = None
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
