"""The paper's claim on trained models: the paper's own graphs (Exp I-III) in both regimes,
the standard loss, Eq. 4.1 and the positive-class form, decoded the paper's way (top
rho|E|, with and without its score shift) and by the reverse chain, beside the protocol on
the same graph; and the eps x lambda map of the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..graphs.datasets import (
    paper_graphs,
)
from ..metrics import wilson_ci
from ..seeds import (
    PAPER_REFERENCE_STREAM,
    decode_seed,
    example_seed,
    held_out_graphs_seed,
    sample_seed,
)
from .config import ExperimentConfig
from .evaluation import _ci_text, _mask_stats, _pct, _seed_summary, decode_samples
from .protocol import PAPER_TABLES
from .units import Graphs, Partial, Progress, Unit, _quiet, _train, _with_duel

if TYPE_CHECKING:  # the network code (torch) loads only when an experiment runs
    from ..training import Duel, EdgeExample


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
    from ..training import make_example

    rho = _paper_rho(cfg, exp)
    return [
        make_example(
            G,
            budget=rho,
            n_targets=cfg.n_targets,
            seed=example_seed(seed, i),
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


def _decoded(
    duel: Duel, ex: EdgeExample, cfg: ExperimentConfig, rho: float, seed: int
) -> dict[tuple[str, str], np.ndarray]:
    """(method, decoder) -> ``(samples, m)`` kept masks of one test graph."""
    from .protocol import n_kept

    out: dict[tuple[str, str], np.ndarray] = {}
    samples = duel.sample(ex, cfg.samples, seed=seed)
    n_keep = n_kept(rho, ex.m, cfg.protocol)
    rng = np.random.default_rng(decode_seed(seed))
    for method, res in samples.items():
        out[(method, "chain")] = res.masks
        out[(method, "topk")] = decode_samples(res.masks, n_keep, cfg.samples, rng)
    if "standard" in samples:
        shift = duel.config.weighting.lam * ex.resistance
        out[("score_shift", "topk")] = decode_samples(
            samples["standard"].masks, n_keep, cfg.samples, rng, shift
        )
    return out


def _fixed_points(
    duel: Duel, tests: Sequence[EdgeExample], seed: int
) -> dict[str, dict[str, float]]:
    """Per method: the learned keep probability (t = T) of the rare and the common edges
    beside the per-edge optimum its loss predicts (mean over test graphs)."""
    from ..training import apply_weight_fn
    from .protocol import fixed_point

    acc: dict[str, dict[str, list[float]]] = {}
    for j, ex in enumerate(tests):
        learned = duel.keep_marginals(ex, seed=sample_seed(seed, j))
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
    cfg: ExperimentConfig, unit: Unit, *, graphs: Graphs = None, progress: Progress = None
) -> Partial:
    """One seed of one paper graph in one regime: the three losses trained side by side,
    then every (method, decoder) on the held-out copies, and the learned fixed points."""
    from ..training import Duel

    seed, exp, k, regime = unit["seed"], unit["exp"], unit["k"], unit["regime"]
    p_rare = _p_rare(cfg, exp, k)
    train = _paper_examples(exp, k, cfg.n_train, cfg, seed, regime, p_rare)
    tests = _paper_examples(exp, k, cfg.n_test, cfg, held_out_graphs_seed(seed), regime, p_rare)
    c = _quiet(_with_duel(cfg, methods=PAPER_TRAINED))
    duel = Duel(replace(c.duel, train=replace(c.duel.train, seed=seed)), train, probe=tests)
    _train(duel, seed, progress)
    stats: dict[str, dict[str, float]] = {}
    rho = _paper_rho(cfg, exp)
    for j, ex in enumerate(tests):
        for (method, decoder), masks in _decoded(duel, ex, cfg, rho, sample_seed(seed, j)).items():
            row = stats.setdefault(f"{method}/{decoder}", {})
            for key, v in _mask_stats(ex, masks).items():
                row[key] = row.get(key, 0.0) + v
    return {"stats": stats, "fixed_points": _fixed_points(duel, tests, seed)}


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
        rng = np.random.default_rng([pc.seed, PAPER_REFERENCE_STREAM, k, i])
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
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], *, graphs: Graphs = None
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


def _map_units(cfg: ExperimentConfig, seeds: Sequence[int]) -> list[Unit]:
    units: list[Unit] = []
    for eps in cfg.learned_map_eps:
        units += [{"eps": float(eps), "lam": None, "seed": int(s)} for s in seeds]
        for lam in cfg.learned_map_lam:
            units += [{"eps": float(eps), "lam": float(lam), "seed": int(s)} for s in seeds]
    return units


def _map_unit(
    cfg: ExperimentConfig, unit: Unit, *, graphs: Graphs = None, progress: Progress = None
) -> Partial:
    """The rare-regime barbell at one eps: the standard model (``lam`` None; decoded plain
    and with every lambda's score shift), or Eq. 4.1 and the positive-class form at one
    lambda. One model is one replicate."""
    from ..training import Duel
    from .protocol import n_kept

    seed, eps, lam = unit["seed"], unit["eps"], unit["lam"]
    train = _paper_examples("barbell", 1, cfg.n_train, cfg, seed, "rare", eps)
    tests = _paper_examples("barbell", 1, cfg.n_test, cfg, held_out_graphs_seed(seed), "rare", eps)
    methods = ("standard",) if lam is None else ("spectral", "spectral_pos")
    weighting = cfg.duel.weighting if lam is None else replace(cfg.duel.weighting, lam=lam)
    c = _quiet(_with_duel(cfg, methods=methods, weighting=weighting))
    duel = Duel(replace(c.duel, train=replace(c.duel.train, seed=seed)), train, probe=tests)
    _train(duel, seed, progress)
    rho = _paper_rho(cfg, "barbell")
    out: dict[str, Any] = {"connected": {}, "fixed_points": _fixed_points(duel, tests, seed)}
    for j, ex in enumerate(tests):
        samples = duel.sample(ex, cfg.samples, seed=sample_seed(seed, j))
        n_keep = n_kept(rho, ex.m, cfg.protocol)
        rng = np.random.default_rng(decode_seed(sample_seed(seed, j)))
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
    cfg: ExperimentConfig, seeds: Sequence[int], parts: Sequence[Partial], *, graphs: Graphs = None
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
