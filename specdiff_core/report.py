"""Reports of experiment results: ``summary.md``, PNG plots and one offline HTML page.

Every number in a report comes from a result dict of :mod:`specdiff_core.experiments`;
the paper's figures appear only in their own clearly labelled column.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "METHOD_ORDER",
    "METHOD_LABEL",
    "METHOD_COLOUR",
    "all_methods",
    "summary_markdown",
    "experiment_markdown",
    "write_report",
    "result_figures",
    "bars_figure",
    "duel_curves",
    "dynamics_figure",
    "error_bars",
]

METHOD_ORDER = (
    "standard",
    "spectral",
    "finetuned",
    "focal",
    "class_balanced",
    "shuffled",
    "degree",
    "spectral_pos",
    "score_shift",
    "oracle",
    "uniform",
)
METHOD_LABEL = {
    "standard": "standard diffusion",
    "spectral": "spectrally-weighted",
    "finetuned": "standard, fine-tuned spectrally",
    "focal": "focal loss (control)",
    "class_balanced": "class-balanced (control)",
    "shuffled": "shuffled R_eff weights (control)",
    "degree": "degree weights (control)",
    "spectral_pos": "positive-class weights (Exp IV's form)",
    "score_shift": "standard + score shift λR (needs R_eff)",
    "oracle": "Spectral Oracle (teacher)",
    "uniform": "uniform sparsifier",
}
# Okabe-Ito colour-blind-safe palette; lines also differ by dash and marker (non-colour cues)
METHOD_COLOUR = {
    "standard": "#D55E00",
    "spectral": "#0072B2",
    "finetuned": "#F0E442",
    "focal": "#E69F00",
    "class_balanced": "#CC79A7",
    "shuffled": "#56B4E9",
    "degree": "#000000",
    "spectral_pos": "#8C564B",
    "score_shift": "#882255",
    "oracle": "#009E73",
    "uniform": "#999999",
}
METHOD_DASH = {
    "standard": "dash",
    "spectral": "solid",
    "finetuned": "dashdot",
    "focal": "dot",
    "class_balanced": "longdash",
    "shuffled": "longdashdot",
    "degree": "dot",
    "spectral_pos": "dashdot",
    "score_shift": "dot",
    "oracle": "solid",
    "uniform": "dot",
}
METHOD_SYMBOL = {
    "standard": "square",
    "spectral": "circle",
    "finetuned": "star",
    "focal": "triangle-up",
    "class_balanced": "diamond",
    "shuffled": "x",
    "degree": "triangle-down",
    "spectral_pos": "pentagon",
    "score_shift": "star-diamond",
    "oracle": "cross",
    "uniform": "hexagon",
}


# Results with their own shape (report_paper): experiment -> (markdown, figures, PNG)
PAPER_RESULTS = {
    "paper_protocol": ("protocol_markdown", "protocol_figures", "protocol_png"),
    "paper_learned": ("learned_markdown", "learned_figures", "learned_png"),
    "paper_learned_map": ("learned_map_markdown", "learned_map_figure", "learned_png"),
}


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def _ci(ci: Sequence[float]) -> str:
    lo, hi = ci
    if any(isinstance(v, float) and math.isnan(v) for v in (lo, hi)):
        return ""
    return f" [{100 * lo:.1f}, {100 * hi:.1f}]"


REGIME_TEXT = {
    "oracle": "Spectral Oracle samples, which keep every bridge (rare in the graph)",
    "rare": "the paper's frequencies, bridges in few targets (rare in the data)",
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
    if res.get("experiment") in PAPER_RESULTS:
        from . import report_paper

        return getattr(report_paper, PAPER_RESULTS[res["experiment"]][0])(res) + "\n"
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
            f"| {METHOD_LABEL.get(m, m)} | {_pct(r['connectivity'])}{_ci(r['connectivity_ci'])} | "
            f"{_pct(r['bridge_survival'])}{_ci(r['bridge_survival_ci'])} | "
            f"{r.get('ci_over', 'samples')} | {_pct(pooled)}{_ci(pooled_ci)} | "
            f"{_pct(r['edge_retention'])} | {_fmt_spectral(r['spectral_error'])} |"
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
                f"| {_pct(row['bridged_fraction'])} | {_pct(s['bridge_survival'])}"
                f"{_ci(s['bridge_survival_ci'])} | {_pct(w['bridge_survival'])}"
                f"{_ci(w['bridge_survival_ci'])} |"
            )
    lines += _beyond_markdown(res)
    lines += [
        "",
        "Per seed (connectivity): "
        + "; ".join(
            f"{m}: " + ", ".join(_pct(ps["connectivity"]) for ps in r["per_seed"])
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
        v = res["verdict"]
        lines += ["", f"**Which controls match the spectral weighting?** {v['summary']}", ""]
        lines += [f"- {line}" for line in v["lines"]]
        share = res.get("grad_share_bridge", {})
        if share:
            lines += [
                "",
                "Bridges' share of the parameter-gradient norm at the last step (mean over "
                "seeds): "
                + "; ".join(
                    f"{METHOD_LABEL.get(m, m)} {_pct(float(np.nanmean(vals)))}"
                    for m, vals in share.items()
                ),
            ]
    if "bridge_classes" in res:
        lines += [
            "",
            "Bridge survival by kind of bridge (pendant: an endpoint of degree 1; core: both "
            "sides hold a cycle, a bridge between dense parts; tree: the rest):",
            "",
            "| method | pendant bridges | core bridges | tree bridges |",
            "|---|---|---|---|",
        ]
        for m in (m for m in METHOD_ORDER if m in res["bridge_classes"]):
            row = res["bridge_classes"][m]
            cells = [
                f"{_pct(row[c]['survival'])}{_ci(row[c]['ci'])} (n={row[c]['n_bridges']})"
                for c in ("pendant", "core", "tree")
            ]
            lines.append(f"| {METHOD_LABEL.get(m, m)} | " + " | ".join(cells) + " |")
    if "dataset" in res:
        d = res["dataset"]
        lines += [
            "",
            f"Dataset: connected subgraphs cut from {', '.join(d['sources'])} "
            f"({_pct(d.get('joined_share', 0.0))} of them two subgraphs joined by one edge); "
            f"{d['graphs_per_seed']} graphs per seed, {d['nodes_range'][0]}–"
            f"{d['nodes_range'][1]} nodes, {d['edges_range'][0]}–{d['edges_range'][1]} edges "
            f"(mean {d['mean_edges']:.0f}); bridges per graph: pendant "
            f"{d['bridges_pendant_per_graph']:.2f}, core {d['bridges_core_per_graph']:.2f}, "
            f"tree {d['bridges_tree_per_graph']:.2f}.",
        ]
    if "finetune" in res:
        ft = res["finetune"]
        lines += ["", ft["statement"], ""]
        steps = sorted({r["step"] for r in ft["curve"]})
        lines += [
            "| model | " + " | ".join(f"step {s}" for s in steps) + " |",
            "|---|" + "---|" * len(steps),
        ]
        for model in ("standard", "scratch", "finetuned"):
            by_step = {r["step"]: r for r in ft["curve"] if r["model"] == model}
            label = {
                "standard": "standard (from scratch)",
                "scratch": "spectral (from scratch)",
                "finetuned": "standard model, then spectral fine-tuning",
            }[model]
            lines.append(
                f"| {label} | "
                + " | ".join(
                    _pct(by_step[s]["bridge_survival"]) if s in by_step else "" for s in steps
                )
                + " |"
            )
        per = ft["steps_to_recover_per_seed"]
        lines += [
            "",
            "Steps to recover, per seed (bridge survival >= "
            f"{_pct(ft['threshold'])}): spectral from scratch "
            f"{per['scratch']}; fine-tuned {per['finetuned']} (None: not within the budget).",
        ]
    if "grid" in res:
        lines += [
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
                f"| {g['label']}{mark} | {_pct(s_['bridge_survival'])}"
                f"{_ci(s_['bridge_survival_ci'])} | {_pct(w['bridge_survival'])}"
                f"{_ci(w['bridge_survival_ci'])} | {_pct(s_['connectivity'])}"
                f"{_ci(s_['connectivity_ci'])} | {_pct(w['connectivity'])}"
                f"{_ci(w['connectivity_ci'])} |"
            )
    return lines


def bars_figure(methods: dict[str, dict[str, Any]], title: str) -> Any:
    """Connectivity and bridge survival per method, with their 95% intervals."""
    import plotly.graph_objects as go

    names = [m for m in (*METHOD_ORDER, *methods) if m in methods]
    names = list(dict.fromkeys(names))
    fig = go.Figure()
    for metric, label, pattern in (
        ("connectivity", "connected", ""),
        ("bridge_survival", "bridge survival", "/"),
    ):
        vals = [methods[m][metric] for m in names]
        cis = [methods[m][f"{metric}_ci"] for m in names]
        fig.add_bar(
            name=label,
            x=[METHOD_LABEL.get(m, m) for m in names],
            y=vals,
            marker_color=[METHOD_COLOUR.get(m, "#777777") for m in names],
            marker_pattern_shape=pattern,
            marker_line={"color": "#222", "width": 1},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [c[1] - v for c, v in zip(cis, vals, strict=True)],
                "arrayminus": [v - c[0] for c, v in zip(cis, vals, strict=True)],
            },
            hovertemplate="%{x}<br>" + label + " %{y:.1%}<extra></extra>",
        )
    fig.update_layout(
        barmode="group",
        title=title,
        yaxis={"range": [0, 1.05], "tickformat": ".0%"},
        height=360,
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 50, "b": 10},
    )
    return fig


def result_figures(res: dict[str, Any]) -> dict[str, Any]:
    """Plotly figures for one result: bars with CIs, and curves where present."""
    import plotly.graph_objects as go

    if res.get("experiment") in PAPER_RESULTS:
        from . import report_paper

        out = getattr(report_paper, PAPER_RESULTS[res["experiment"]][1])(res)
        return out if isinstance(out, dict) else {"map": out}
    figs: dict[str, Any] = {
        "bars": bars_figure(
            all_methods(res),
            f"{res['experiment']}: ours, 95% CI (solid: connected, hatched: bridge survival)",
        )
    }
    if res.get("finetune"):
        figs["finetune"] = finetune_figure(res["finetune"])
    if res.get("grid"):
        figs["grid"] = grid_figure(res["grid"], res["experiment"])
    if res.get("bridge_classes"):
        figs["bridge_classes"] = bridge_class_figure(res["bridge_classes"])
    if res.get("series"):
        figs["dynamics"] = dynamics_figure(res["series"])
    if res.get("sweep"):
        fig = go.Figure()
        for m in ("standard", "spectral"):
            xs = [row["bridged_fraction"] for row in res["sweep"]]
            ys = [row["methods"][m]["bridge_survival"] for row in res["sweep"]]
            fig.add_scatter(
                x=xs,
                y=ys,
                name=METHOD_LABEL[m],
                mode="lines+markers",
                line={"color": METHOD_COLOUR[m], "dash": "solid" if m == "spectral" else "dash"},
            )
        fig.update_layout(
            title="bridge survival vs share of bridged training graphs",
            xaxis={"type": "log", "tickformat": ".0%"},
            yaxis={"range": [0, 1.05], "tickformat": ".0%"},
            height=380,
        )
        figs["rarity"] = fig
    return figs


def error_bars(vals: Sequence[float], cis: Sequence[Sequence[float]]) -> dict[str, Any]:
    return {
        "type": "data",
        "symmetric": False,
        "array": [c[1] - v for c, v in zip(cis, vals, strict=True)],
        "arrayminus": [v - c[0] for c, v in zip(cis, vals, strict=True)],
    }


def finetune_figure(ft: dict[str, Any]) -> Any:
    """Sampled bridge survival over training steps: scratch, fine-tuned, standard."""
    import plotly.graph_objects as go

    fig = go.Figure()
    styles = {
        "standard": ("standard", "standard (from scratch)"),
        "scratch": ("spectral", "spectral (from scratch)"),
        "finetuned": ("finetuned", "standard model, then spectral fine-tuning"),
    }
    for model, (m, label) in styles.items():
        rows = sorted((r for r in ft["curve"] if r["model"] == model), key=lambda r: r["step"])
        vals = [r["bridge_survival"] for r in rows]
        fig.add_scatter(
            x=[r["step"] for r in rows],
            y=vals,
            name=label,
            mode="lines+markers",
            line={"color": METHOD_COLOUR[m], "dash": METHOD_DASH[m], "width": 2},
            marker={"symbol": METHOD_SYMBOL[m], "size": 9, "line": {"color": "#222", "width": 1}},
            error_y=error_bars(vals, [r["bridge_survival_ci"] for r in rows]),
        )
    fig.add_hline(
        y=ft["threshold"],
        line_dash="dot",
        line_color="#555",
        annotation_text="recovered",
        annotation_position="bottom right",
    )
    fig.update_layout(
        title="bridge survival while training (fine-tuning starts from the trained standard model)",
        xaxis_title="training steps (fine-tuning steps for the fine-tuned model)",
        yaxis={"range": [0, 1.05], "tickformat": ".0%", "title": "bridge survival"},
        height=380,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def grid_figure(grid: Sequence[dict[str, Any]], title: str) -> Any:
    """Bridge survival of both models for each setting of a sensitivity sweep."""
    import plotly.graph_objects as go

    fig = go.Figure()
    labels = [g["label"] + (" *" if g.get("default") else "") for g in grid]
    for m in ("standard", "spectral"):
        vals = [g["methods"][m]["bridge_survival"] for g in grid]
        fig.add_scatter(
            x=labels,
            y=vals,
            name=METHOD_LABEL[m],
            mode="markers+lines",
            line={"color": METHOD_COLOUR[m], "dash": METHOD_DASH[m]},
            marker={"symbol": METHOD_SYMBOL[m], "size": 10},
            error_y=error_bars(vals, [g["methods"][m]["bridge_survival_ci"] for g in grid]),
        )
    fig.update_layout(
        title=f"{title}: bridge survival per setting (95% CI; * = default)",
        yaxis={"range": [0, 1.05], "tickformat": ".0%"},
        height=400,
        legend={"orientation": "h", "y": -0.35},
    )
    return fig


def bridge_class_figure(classes: dict[str, dict[str, Any]]) -> Any:
    """Bridge survival per kind of bridge (pendant, core, tree) and method."""
    import plotly.graph_objects as go

    fig = go.Figure()
    kinds = ("pendant", "core", "tree")
    for m in (m for m in METHOD_ORDER if m in classes):
        vals = [classes[m][k]["survival"] for k in kinds]
        fig.add_bar(
            name=METHOD_LABEL.get(m, m),
            x=[f"{k} bridges" for k in kinds],
            y=vals,
            marker_color=METHOD_COLOUR.get(m, "#777777"),
            marker_line={"color": "#222", "width": 1},
            marker_pattern_shape={
                "standard": "/",
                "spectral": "",
                "oracle": ".",
                "uniform": "x",
            }.get(m, "+"),
            error_y=error_bars(vals, [classes[m][k]["ci"] for k in kinds]),
        )
    fig.update_layout(
        barmode="group",
        title="bridge survival by kind of bridge (95% CI)",
        yaxis={"range": [0, 1.05], "tickformat": ".0%"},
        height=380,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def duel_curves(history: Sequence[dict[str, Any]]) -> Any:
    """Live training curves of a duel: loss, bridges' keep-probability, gradient share."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=1,
        cols=3,
        subplot_titles=(
            "training loss",
            "P(keep): bridges (solid) vs other edges (dotted)",
            "bridges' share of the gradient",
        ),
    )
    for m in ("standard", "spectral"):
        rows = [r for r in history if r["method"] == m]
        if not rows:
            continue
        x = [r["step"] for r in rows]
        style = {"color": METHOD_COLOUR[m], "dash": "solid" if m == "spectral" else "dash"}
        fig.add_scatter(
            x=x,
            y=[r["loss"] for r in rows],
            name=METHOD_LABEL[m],
            legendgroup=m,
            line=style,
            row=1,
            col=1,
        )
        fig.add_scatter(
            x=x,
            y=[r["p_keep_bridge"] for r in rows],
            name=METHOD_LABEL[m],
            legendgroup=m,
            showlegend=False,
            line={**style, "width": 3},
            row=1,
            col=2,
        )
        fig.add_scatter(
            x=x,
            y=[r["p_keep_other"] for r in rows],
            legendgroup=m,
            showlegend=False,
            line={"color": METHOD_COLOUR[m], "dash": "dot", "width": 1},
            hoverinfo="skip",
            row=1,
            col=2,
        )
        fig.add_scatter(
            x=x,
            y=[r["grad_share_bridge"] for r in rows],
            legendgroup=m,
            showlegend=False,
            line=style,
            row=1,
            col=3,
        )
    if history:
        fig.add_hline(
            y=float(np.mean([r["edge_share_bridge"] for r in history])),
            line_dash="dot",
            line_color="#555",
            row=1,
            col=3,
            annotation_text="share of edges",
            annotation_position="top left",
        )
    fig.update_yaxes(range=[0, 1.02], row=1, col=2)
    fig.update_yaxes(range=[0, 1.02], row=1, col=3)
    fig.update_xaxes(title_text="training step")
    fig.update_layout(  # the legend below the x-axis titles: above, it covered a title
        height=380,
        margin={"t": 40, "b": 70, "l": 10, "r": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0, "xanchor": "left"},
    )
    return fig


def dynamics_figure(series: Sequence[dict[str, Any]]) -> Any:
    """Bridge keep-probability and gradient share over steps (mean over seeds, band = min..max)."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            "P(keep) of bridges (probe graphs, t = T)",
            "bridges' share of the gradient norm",
        ),
    )
    for m in ("standard", "spectral"):
        rows = [r for r in series if r["method"] == m]
        if not rows:
            continue
        steps = sorted({r["step"] for r in rows})
        for col, key in ((1, "p_keep_bridge"), (2, "grad_share_bridge")):
            vals = [[r[key] for r in rows if r["step"] == s] for s in steps]
            mean = [float(np.nanmean(v)) for v in vals]
            fig.add_scatter(
                x=steps,
                y=mean,
                name=METHOD_LABEL[m],
                legendgroup=m,
                showlegend=col == 1,
                line={"color": METHOD_COLOUR[m], "dash": "solid" if m == "spectral" else "dash"},
                row=1,
                col=col,
            )
    edge_share = [r["edge_share_bridge"] for r in series]
    if edge_share:
        fig.add_hline(
            y=float(np.mean(edge_share)),
            line_dash="dot",
            row=1,
            col=2,
            annotation_text="bridges' share of edges",
        )
    fig.update_layout(height=380, xaxis_title="training step", xaxis2_title="training step")
    return fig


def _png(res: dict[str, Any], path: Path) -> None:
    """A static PNG of the headline bars (matplotlib: no browser needed)."""
    if res.get("experiment") in PAPER_RESULTS:
        from . import report_paper

        return getattr(report_paper, PAPER_RESULTS[res["experiment"]][2])(res, path)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    merged = all_methods(res)
    methods = list(merged)
    extra = ("series", "sweep", "finetune", "grid", "bridge_classes")
    ncols = 2 if any(res.get(k) for k in extra) else 1
    fig, axes = plt.subplots(1, ncols, figsize=(6 * ncols, 3.6), squeeze=False)
    ax = axes[0, 0]
    x = np.arange(len(methods))
    for i, (metric, hatch) in enumerate((("connectivity", ""), ("bridge_survival", "//"))):
        vals = np.array([merged[m][metric] for m in methods], dtype=float)
        ci = np.array([merged[m][f"{metric}_ci"] for m in methods], dtype=float)
        err = np.abs(np.stack([vals - ci[:, 0], ci[:, 1] - vals]))
        ax.bar(
            x + (i - 0.5) * 0.38,
            vals,
            0.38,
            yerr=err,
            capsize=3,
            hatch=hatch,
            color=[METHOD_COLOUR.get(m, "#777777") for m in methods],
            edgecolor="black",
            label=metric.replace("_", " "),
        )
    ax.set_xticks(
        x,
        [METHOD_LABEL.get(m, m).split(" (")[0] for m in methods],
        rotation=12 if len(methods) <= 4 else 35,
        ha="center" if len(methods) <= 4 else "right",
        fontsize=8,
    )
    ax.set_ylim(0, 1.05)
    ax.set_title(f"{res['experiment']} (ours, 95% CI)")
    ax.legend(fontsize=8)
    if ncols == 2 and not (res.get("series") or res.get("sweep")):
        _png_beyond(res, axes[0, 1])
    elif ncols == 2:
        ax = axes[0, 1]
        if res.get("series"):
            for m in ("standard", "spectral"):
                rows = [r for r in res["series"] if r["method"] == m]
                steps = sorted({r["step"] for r in rows})
                mean = [
                    np.nanmean([r["p_keep_bridge"] for r in rows if r["step"] == s]) for s in steps
                ]
                ax.plot(
                    steps,
                    mean,
                    color=METHOD_COLOUR[m],
                    ls="-" if m == "spectral" else "--",
                    label=METHOD_LABEL[m],
                )
            ax.set_xlabel("training step")
            ax.set_ylabel("P(keep) of bridges")
        else:
            for m in ("standard", "spectral"):
                xs = [row["bridged_fraction"] for row in res["sweep"]]
                ys = [row["methods"][m]["bridge_survival"] for row in res["sweep"]]
                ax.plot(
                    xs,
                    ys,
                    "o-" if m == "spectral" else "s--",
                    color=METHOD_COLOUR[m],
                    label=METHOD_LABEL[m],
                )
            ax.set_xscale("log")
            ax.set_xlabel("share of training graphs with a bridge")
            ax.set_ylabel("bridge survival")
        ax.set_ylim(0, 1.05)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


_MPL_DASH = {"solid": "-", "dash": "--", "dot": ":", "dashdot": "-.", "longdash": "--"}
_MPL_MARK = {"square": "s", "circle": "o", "star": "*", "triangle-up": "^", "diamond": "D"}


def _png_beyond(res: dict[str, Any], ax: Any) -> None:
    """Second panel of the PNG for the experiments beyond the paper."""
    if res.get("finetune"):
        ft = res["finetune"]
        for model, m in (
            ("standard", "standard"),
            ("scratch", "spectral"),
            ("finetuned", "finetuned"),
        ):
            rows = sorted((r for r in ft["curve"] if r["model"] == model), key=lambda r: r["step"])
            ax.plot(
                [r["step"] for r in rows],
                [r["bridge_survival"] for r in rows],
                _MPL_DASH.get(METHOD_DASH[m], "-"),
                marker=_MPL_MARK.get(METHOD_SYMBOL[m], "o"),
                color=METHOD_COLOUR[m],
                markeredgecolor="black",
                label={"scratch": "spectral (scratch)", "finetuned": "fine-tuned"}.get(
                    model, model
                ),
            )
        ax.axhline(ft["threshold"], color="#555", ls=":", lw=1)
        ax.set_xlabel("training / fine-tuning steps")
        ax.set_ylabel("bridge survival")
    elif res.get("grid"):
        grid = res["grid"]
        x = np.arange(len(grid))
        for i, m in enumerate(("standard", "spectral")):
            vals = np.array([g["methods"][m]["bridge_survival"] for g in grid], dtype=float)
            ci = np.array([g["methods"][m]["bridge_survival_ci"] for g in grid], dtype=float)
            ax.errorbar(
                x + (i - 0.5) * 0.2,
                vals,
                yerr=np.abs(np.stack([vals - ci[:, 0], ci[:, 1] - vals])),
                fmt=_MPL_MARK.get(METHOD_SYMBOL[m], "o"),
                color=METHOD_COLOUR[m],
                capsize=3,
                label=METHOD_LABEL[m],
            )
        ax.set_xticks(
            x,
            [g["label"].split(" (")[0] + ("*" if g.get("default") else "") for g in grid],
            rotation=30,
            ha="right",
            fontsize=7,
        )
        ax.set_ylabel("bridge survival")
    else:
        classes = res["bridge_classes"]
        kinds = ("pendant", "core", "tree")
        names = [m for m in METHOD_ORDER if m in classes]
        width = 0.8 / max(1, len(names))
        for i, m in enumerate(names):
            vals = np.nan_to_num(np.array([classes[m][k]["survival"] for k in kinds], dtype=float))
            ax.bar(
                np.arange(3) + (i - (len(names) - 1) / 2) * width,
                vals,
                width,
                color=METHOD_COLOUR.get(m, "#777777"),
                edgecolor="black",
                hatch=["//", "", "..", "xx", "++"][i % 5],
                label=METHOD_LABEL.get(m, m).split(" (")[0],
            )
        ax.set_xticks(np.arange(3), [f"{k} bridges" for k in kinds])
        ax.set_ylabel("bridge survival")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7)


def write_report(results: Sequence[dict[str, Any]], out: str | Path) -> str:
    """Write ``summary.md``, ``<experiment>.png`` and one offline ``report.html``."""
    import plotly.io as pio

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summary = summary_markdown(results)
    (out / "summary.md").write_text(summary)
    parts = []
    for i, res in enumerate(results):
        _png(res, out / f"{res['experiment']}.png")
        for fig in result_figures(res).values():
            parts.append(pio.to_html(fig, full_html=False, include_plotlyjs=(i == 0 and not parts)))
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>SpecDiff results</title></head>"
        "<body style='font-family:sans-serif'>" + "\n".join(parts) + "</body></html>"
    )
    (out / "report.html").write_text(html)
    return summary


def gradient_scatter(R: np.ndarray, grads: dict[str, np.ndarray], bridges: np.ndarray) -> Any:
    """Per-edge |dL/dlogit| against R_eff, one colour per model, bridges as large diamonds."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for m, g in grads.items():
        for is_bridge in (False, True):
            sel = bridges == is_bridge
            if not sel.any():
                continue
            fig.add_scatter(
                x=R[sel],
                y=g[sel],
                mode="markers",
                name=f"{METHOD_LABEL.get(m, m)}: {'bridges' if is_bridge else 'other edges'}",
                marker={
                    "color": METHOD_COLOUR.get(m, "#333"),
                    "symbol": "diamond"
                    if is_bridge
                    else ("circle" if m == "spectral" else "square"),
                    "size": 14 if is_bridge else 7,
                    "opacity": 0.95 if is_bridge else 0.55,
                    "line": {"color": "#111", "width": 1.5 if is_bridge else 0},
                },
                hovertemplate="R_eff %{x:.3f}<br>|dL/dlogit| %{y:.2e}<extra></extra>",
            )
    fig.update_layout(
        xaxis_title="effective resistance R_eff",
        yaxis={"title": "mean |dL/dlogit| per edge", "type": "log"},
        height=380,
        margin={"t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def gradient_share_figure(history: Sequence[dict[str, Any]]) -> Any:
    """Bridges' share of the parameter-gradient norm vs their share of the edges, over steps."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for m in ("standard", "spectral"):
        rows = [r for r in history if r["method"] == m]
        if rows:
            fig.add_scatter(
                x=[r["step"] for r in rows],
                y=[r["grad_share_bridge"] for r in rows],
                name=METHOD_LABEL[m],
                line={"color": METHOD_COLOUR[m], "dash": "solid" if m == "spectral" else "dash"},
            )
    if history:
        fig.add_scatter(
            x=[r["step"] for r in history],
            y=[r["edge_share_bridge"] for r in history],
            name="bridges' share of the edges",
            mode="markers",
            marker={"color": "#555", "size": 4},
        )
    fig.update_layout(
        xaxis_title="training step",
        yaxis={"title": "share", "range": [0, 1.02], "tickformat": ".0%"},
        height=360,
        margin={"t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def rbin_figure(history: Sequence[dict[str, Any]], bins: Sequence[float]) -> Any:
    """Parameter-gradient norm by R_eff bin at the latest logged step, per model."""
    import plotly.graph_objects as go

    fig = go.Figure()
    labels = [f"{lo:.2f}–{min(hi, 1.0):.2f}" for lo, hi in zip(bins[:-1], bins[1:], strict=True)]
    for m in ("standard", "spectral"):
        rows = [r for r in history if r["method"] == m]
        if not rows:
            continue
        last = rows[-1]
        fig.add_bar(
            x=labels,
            y=[last.get(f"grad_norm_rbin{i}", 0.0) for i in range(len(labels))],
            name=METHOD_LABEL[m],
            marker_color=METHOD_COLOUR[m],
            marker_pattern_shape="" if m == "spectral" else "/",
        )
    fig.update_layout(
        barmode="group",
        xaxis_title="R_eff bin",
        yaxis_title="‖∇θ L_bin‖ (latest logged step)",
        height=340,
        margin={"t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.3},
    )
    return fig
