"""Markdown of trained experiments: one table per experiment with its interval's unit of
replication, the experiment's own sections, per-seed figures; ``summary.md`` of a run."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..formatting import ci_suffix, pct
from .paper_tables import learned_map_markdown, learned_markdown, protocol_markdown
from .styles import METHOD_LABEL, METHOD_ORDER, REGIME_TEXT

# Results with their own shape: their markdown is in paper_tables
PAPER_MARKDOWN = {
    "paper_protocol": protocol_markdown,
    "paper_learned": learned_markdown,
    "paper_learned_map": learned_map_markdown,
}


def summary_markdown(results: Sequence[dict[str, Any]]) -> str:
    """One markdown table per experiment, ours beside the paper's reported figure."""
    lines = ["# SpecDiff Explorer: reproduction of Siami (2025), arXiv:2511.18593", ""]
    trained = [r for r in results if "duel" in r.get("config", {})]
    if trained:
        r0 = trained[0]
        d = r0["config"]["duel"]
        lines += [
            f"Preset: **{r0.get('preset')}**; seeds {r0['seeds']}; "
            f"{d['train']['steps']} training steps per model; weighting "
            f"w = {d['weighting']['fn']}(R), lambda = {d['weighting']['lam']}; "
            f"T = {d['diffusion']['T']}; teacher budget {r0['config']['teacher_budget']} of edges; "
            f"{r0['config']['samples']} samples per test graph; training targets: "
            f"{REGIME_TEXT.get(r0['config'].get('regime', 'oracle'))}.",
            "",
            "Connectivity = share of sampled graphs with as many components as the input. "
            "Trained methods: mean over seeds with a 95% t-interval over seeds (a trained "
            "model is one replicate); the samplers (oracle, uniform): pooled share with its "
            "95% Wilson interval over their independent draws. The paper's figures come from "
            "its scoring simulation: they are compared with our run of that simulation "
            "(paper_protocol) and shown beside trained models on the paper's own graphs "
            "(paper_learned), not under these tables.",
            "",
        ]
    for res in results:
        lines += [f"## {res['experiment']}: {res.get('description', '')}", ""]
        lines += experiment_markdown(res).splitlines()
    return "\n".join(lines)


def all_methods(res: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``methods`` and ``extra_methods`` of a result, in :data:`METHOD_ORDER`."""
    merged = {**res["methods"], **res.get("extra_methods", {})}
    return {m: merged[m] for m in (*METHOD_ORDER, *merged) if m in merged}


def _fmt_spectral(x: Any) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def experiment_markdown(res: dict[str, Any]) -> str:
    """One experiment's table (ours beside the paper's), sweep and per-seed figures."""
    if res.get("experiment") in PAPER_MARKDOWN:
        return PAPER_MARKDOWN[res["experiment"]](res) + "\n"
    lines: list[str] = [
        "| method | connectivity | bridge survival | interval over | connectivity, pooled | "
        "edge retention | spectral error |",
        "|---|---|---|---|---|---|---|",
    ]
    methods = all_methods(res)
    for m, r in methods.items():
        pooled = r.get("connectivity_pooled", r["connectivity"])
        pooled_ci = r.get("connectivity_pooled_ci", r["connectivity_ci"])
        lines.append(
            f"| {METHOD_LABEL.get(m, m)} | {pct(r['connectivity'])}{ci_suffix(r['connectivity_ci'])} | "
            f"{pct(r['bridge_survival'])}{ci_suffix(r['bridge_survival_ci'])} | "
            f"{r.get('ci_over', 'samples')} | {pct(pooled)}{ci_suffix(pooled_ci)} | "
            f"{pct(r['edge_retention'])} | {_fmt_spectral(r['spectral_error'])} |"
        )
    if "sweep" in res:
        lines += [
            "",
            "| bridged share of training graphs | standard: bridge survival | "
            "spectral: bridge survival |",
            "|---|---|---|",
        ]
        for row in res["sweep"]:
            s, w = row["methods"]["standard"], row["methods"]["spectral"]
            lines.append(
                f"| {pct(row['bridged_fraction'])} | {pct(s['bridge_survival'])}"
                f"{ci_suffix(s['bridge_survival_ci'])} | {pct(w['bridge_survival'])}"
                f"{ci_suffix(w['bridge_survival_ci'])} |"
            )
    lines += _beyond_markdown(res)
    lines += [
        "",
        "Per seed (connectivity): "
        + "; ".join(
            f"{m}: " + ", ".join(pct(ps["connectivity"]) for ps in r["per_seed"])
            for m, r in methods.items()
        ),
        "",
        f"Run time: {res.get('seconds', float('nan')):.1f} s.",
        "",
    ]
    return "\n".join(lines)


def _beyond_markdown(res: dict[str, Any]) -> list[str]:
    """The extra sections of the experiments beyond the paper (docs/beyond.md)."""
    lines: list[str] = []
    if "verdict" in res:
        lines += _verdict_markdown(res)
    if "bridge_classes" in res:
        lines += _bridge_classes_markdown(res["bridge_classes"])
    if "dataset" in res:
        lines += _dataset_markdown(res["dataset"])
    if "finetune" in res:
        lines += _finetune_markdown(res["finetune"])
    if "grid" in res:
        lines += _grid_markdown(res)
    return lines


def _verdict_markdown(res: dict[str, Any]) -> list[str]:
    """Which controls match the spectral weighting, and the bridges' gradient share."""
    v = res["verdict"]
    lines = ["", f"**Which controls match the spectral weighting?** {v['summary']}", ""]
    lines += [f"- {line}" for line in v["lines"]]
    share = res.get("grad_share_bridge", {})
    if share:
        lines += [
            "",
            "Bridges' share of the parameter-gradient norm at the last step (mean over "
            "seeds): "
            + "; ".join(
                f"{METHOD_LABEL.get(m, m)} {pct(float(np.nanmean(vals)))}"
                for m, vals in share.items()
            ),
        ]
    return lines


def _bridge_classes_markdown(classes: dict[str, Any]) -> list[str]:
    """Bridge survival per kind of bridge (pendant, core, tree) and method."""
    lines = [
        "",
        "Bridge survival by kind of bridge (pendant: an endpoint of degree 1; core: both "
        "sides hold a cycle, a bridge between dense parts; tree: the rest):",
        "",
        "| method | pendant bridges | core bridges | tree bridges |",
        "|---|---|---|---|",
    ]
    for m in (m for m in METHOD_ORDER if m in classes):
        row = classes[m]
        cells = [
            f"{pct(row[c]['survival'])}{ci_suffix(row[c]['ci'])} (n={row[c]['n_bridges']})"
            for c in ("pendant", "core", "tree")
        ]
        lines.append(f"| {METHOD_LABEL.get(m, m)} | " + " | ".join(cells) + " |")
    return lines


def _dataset_markdown(d: dict[str, Any]) -> list[str]:
    """What the real-network dataset holds: sources, sizes and bridges per graph."""
    return [
        "",
        f"Dataset: connected subgraphs cut from {', '.join(d['sources'])} "
        f"({pct(d.get('joined_share', 0.0))} of them two subgraphs joined by one edge); "
        f"{d['graphs_per_seed']} graphs per seed, {d['nodes_range'][0]}–"
        f"{d['nodes_range'][1]} nodes, {d['edges_range'][0]}–{d['edges_range'][1]} edges "
        f"(mean {d['mean_edges']:.0f}); bridges per graph: pendant "
        f"{d['bridges_pendant_per_graph']:.2f}, core {d['bridges_core_per_graph']:.2f}, "
        f"tree {d['bridges_tree_per_graph']:.2f}.",
    ]


_FINETUNE_LABEL = {
    "standard": "standard (from scratch)",
    "scratch": "spectral (from scratch)",
    "finetuned": "standard model, then spectral fine-tuning",
}


def _finetune_markdown(ft: dict[str, Any]) -> list[str]:
    """Bridge survival of each model per step, and the steps each seed took to recover."""
    lines = ["", ft["statement"], ""]
    steps = sorted({r["step"] for r in ft["curve"]})
    lines += [
        "| model | " + " | ".join(f"step {s}" for s in steps) + " |",
        "|---|" + "---|" * len(steps),
    ]
    for model in ("standard", "scratch", "finetuned"):
        by_step = {r["step"]: r for r in ft["curve"] if r["model"] == model}
        lines.append(
            f"| {_FINETUNE_LABEL[model]} | "
            + " | ".join(pct(by_step[s]["bridge_survival"]) if s in by_step else "" for s in steps)
            + " |"
        )
    per = ft["steps_to_recover_per_seed"]
    lines += [
        "",
        "Steps to recover, per seed (bridge survival >= "
        f"{pct(ft['threshold'])}): spectral from scratch "
        f"{per['scratch']}; fine-tuned {per['finetuned']} (None: not within the budget).",
    ]
    return lines


def _grid_markdown(res: dict[str, Any]) -> list[str]:
    """A sensitivity sweep: both models' survival and connectivity per setting."""
    lines = [
        "",
        res.get("grid_statement", ""),
        "",
        "| setting | standard: bridge survival | spectral: bridge survival | "
        "standard: connectivity | spectral: connectivity |",
        "|---|---|---|---|---|",
    ]
    for g in res["grid"]:
        s_, w = g["methods"]["standard"], g["methods"]["spectral"]
        mark = " (default)" if g.get("default") else ""
        lines.append(
            f"| {g['label']}{mark} | {pct(s_['bridge_survival'])}"
            f"{ci_suffix(s_['bridge_survival_ci'])} | {pct(w['bridge_survival'])}"
            f"{ci_suffix(w['bridge_survival_ci'])} | {pct(s_['connectivity'])}"
            f"{ci_suffix(s_['connectivity_ci'])} | {pct(w['connectivity'])}"
            f"{ci_suffix(w['connectivity_ci'])} |"
        )
    return lines
