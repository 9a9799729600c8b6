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
    lines = _head(
        "method",
        "connectivity",
        "bridge survival",
        "interval over",
        "connectivity, pooled",
        "edge retention",
        "spectral error",
    )
    methods = all_methods(res)
    for m, r in methods.items():
        pooled = r.get("connectivity_pooled", r["connectivity"])
        pooled_ci = r.get("connectivity_pooled_ci", r["connectivity_ci"])
        lines.append(
            _row(
                METHOD_LABEL.get(m, m),
                _share(r, "connectivity"),
                _share(r, "bridge_survival"),
                str(r.get("ci_over", "samples")),
                f"{pct(pooled)}{ci_suffix(pooled_ci)}",
                pct(r["edge_retention"]),
                _fmt_spectral(r["spectral_error"]),
            )
        )
    if "sweep" in res:
        settings = [(pct(row["bridged_fraction"]), row["methods"]) for row in res["sweep"]]
        lines += [
            "",
            *_models_table("bridged share of training graphs", settings, ("bridge_survival",)),
        ]
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


def _row(*cells: str) -> str:
    """One row of a markdown table."""
    return "| " + " | ".join(cells) + " |"


def _head(*cells: str) -> list[str]:
    """A markdown table's header row and the line under it."""
    return [_row(*cells), "|" + "---|" * len(cells)]


def _share(r: dict[str, Any], key: str) -> str:
    """A share and its interval (``key`` and ``key_ci`` of a method's result)."""
    return f"{pct(r[key])}{ci_suffix(r[f'{key}_ci'])}"


def _models_table(
    first: str, settings: Sequence[tuple[str, dict[str, Any]]], keys: Sequence[str]
) -> list[str]:
    """Both trained models per setting (label, methods): a column per measure and model."""
    models = ("standard", "spectral")
    lines = _head(first, *(f"{m}: {k.replace('_', ' ')}" for k in keys for m in models))
    for label, by_method in settings:
        lines.append(_row(label, *(_share(by_method[m], k) for k in keys for m in models)))
    return lines


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
        *_head("method", "pendant bridges", "core bridges", "tree bridges"),
    ]
    for m in (m for m in METHOD_ORDER if m in classes):
        row = classes[m]
        cells = [
            f"{pct(row[c]['survival'])}{ci_suffix(row[c]['ci'])} (n={row[c]['n_bridges']})"
            for c in ("pendant", "core", "tree")
        ]
        lines.append(_row(METHOD_LABEL.get(m, m), *cells))
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
    settings = [
        (g["label"] + (" (default)" if g.get("default") else ""), g["methods"]) for g in res["grid"]
    ]
    return [
        "",
        res.get("grid_statement", ""),
        "",
        *_models_table("setting", settings, ("bridge_survival", "connectivity")),
    ]
