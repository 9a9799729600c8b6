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
    "summary_markdown",
    "experiment_markdown",
    "write_report",
    "result_figures",
    "bars_figure",
    "duel_curves",
    "dynamics_figure",
]

METHOD_ORDER = ("standard", "spectral", "oracle", "uniform")
METHOD_LABEL = {
    "standard": "standard diffusion",
    "spectral": "spectrally-weighted",
    "oracle": "Spectral Oracle (teacher)",
    "uniform": "uniform sparsifier",
}
# Okabe-Ito colour-blind-safe palette
METHOD_COLOUR = {
    "standard": "#D55E00",
    "spectral": "#0072B2",
    "oracle": "#009E73",
    "uniform": "#999999",
}


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def _ci(ci: Sequence[float]) -> str:
    lo, hi = ci
    if any(isinstance(v, float) and math.isnan(v) for v in (lo, hi)):
        return ""
    return f" [{100 * lo:.1f}, {100 * hi:.1f}]"


def _verdict(paper: float | None, ci: Sequence[float]) -> str:
    if paper is None:
        return ""
    lo, hi = ci
    if math.isnan(lo):
        return "n/a"
    return "yes" if lo - 1e-9 <= paper <= hi + 1e-9 else "**no**"


def summary_markdown(results: Sequence[dict[str, Any]]) -> str:
    """One markdown table per experiment, ours beside the paper's reported figure."""
    lines = ["# SpecDiff Explorer: reproduction of Siami (2025), arXiv:2511.18593", ""]
    if results:
        r0 = results[0]
        d = r0["config"]["duel"]
        lines += [
            f"Preset: **{r0.get('preset')}**; seeds {r0['seeds']}; "
            f"{d['train']['steps']} training steps per model; weighting "
            f"w = {d['weighting']['fn']}(R), lambda = {d['weighting']['lam']}; "
            f"T = {d['diffusion']['T']}; teacher budget {r0['config']['teacher_budget']} of edges; "
            f"{r0['config']['samples']} samples per test graph.",
            "",
            "Connectivity = share of sampled graphs with as many components as the input "
            "(95% Wilson interval over seeds x test graphs x samples). The paper column is the "
            "paper's reported figure, copied for comparison only; 'within CI' says whether it "
            "lies inside our interval.",
            "",
        ]
    for res in results:
        lines += [f"## {res['experiment']}: {res.get('description', '')}", ""]
        lines += experiment_markdown(res).splitlines()
    return "\n".join(lines)


def experiment_markdown(res: dict[str, Any]) -> str:
    """One experiment's table (ours beside the paper's), sweep and per-seed figures."""
    lines: list[str] = []
    lines += [
        "| method | connectivity (ours) | bridge survival (ours) | edge retention | "
        "spectral error | paper: connectivity | within CI |",
        "|---|---|---|---|---|---|---|",
    ]
    paper = res.get("paper", {})
    for m in METHOD_ORDER:
        if m not in res["methods"]:
            continue
        r = res["methods"][m]
        p = paper.get(m)
        lines.append(
            f"| {METHOD_LABEL[m]} | {_pct(r['connectivity'])}{_ci(r['connectivity_ci'])} | "
            f"{_pct(r['bridge_survival'])}{_ci(r['bridge_survival_ci'])} | "
            f"{_pct(r['edge_retention'])} | {r['spectral_error']:.3f} | "
            f"{_pct(p) if p is not None else ''} | {_verdict(p, r['connectivity_ci'])} |"
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
    lines += [
        "",
        "Per seed (connectivity): "
        + "; ".join(
            f"{m}: " + ", ".join(_pct(ps["connectivity"]) for ps in res["methods"][m]["per_seed"])
            for m in METHOD_ORDER
            if m in res["methods"]
        ),
        "",
        f"Run time: {res.get('seconds', float('nan')):.1f} s.",
        "",
    ]
    return "\n".join(lines)


def bars_figure(methods: dict[str, dict[str, Any]], title: str) -> Any:
    """Connectivity and bridge survival per method, with their 95% intervals."""
    import plotly.graph_objects as go

    names = [m for m in METHOD_ORDER if m in methods]
    fig = go.Figure()
    for metric, label, pattern in (
        ("connectivity", "connected", ""),
        ("bridge_survival", "bridge survival", "/"),
    ):
        vals = [methods[m][metric] for m in names]
        cis = [methods[m][f"{metric}_ci"] for m in names]
        fig.add_bar(
            name=label,
            x=[METHOD_LABEL[m] for m in names],
            y=vals,
            marker_color=[METHOD_COLOUR[m] for m in names],
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

    figs: dict[str, Any] = {
        "bars": bars_figure(
            res["methods"],
            f"{res['experiment']}: ours, 95% CI (solid: connected, hatched: bridge survival)",
        )
    }
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
    fig.update_layout(
        height=330,
        margin={"t": 40, "b": 10, "l": 10, "r": 10},
        legend={"orientation": "h", "y": 1.18, "x": 0},
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
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    methods = [m for m in METHOD_ORDER if m in res["methods"]]
    ncols = 2 if res.get("series") or res.get("sweep") else 1
    fig, axes = plt.subplots(1, ncols, figsize=(6 * ncols, 3.6), squeeze=False)
    ax = axes[0, 0]
    x = np.arange(len(methods))
    for i, (metric, hatch) in enumerate((("connectivity", ""), ("bridge_survival", "//"))):
        vals = np.array([res["methods"][m][metric] for m in methods], dtype=float)
        ci = np.array([res["methods"][m][f"{metric}_ci"] for m in methods], dtype=float)
        err = np.abs(np.stack([vals - ci[:, 0], ci[:, 1] - vals]))
        ax.bar(
            x + (i - 0.5) * 0.38,
            vals,
            0.38,
            yerr=err,
            capsize=3,
            hatch=hatch,
            color=[METHOD_COLOUR[m] for m in methods],
            edgecolor="black",
            label=metric.replace("_", " "),
        )
    ax.set_xticks(x, [METHOD_LABEL[m].split(" (")[0] for m in methods], rotation=12, fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"{res['experiment']} (ours, 95% CI)")
    ax.legend(fontsize=8)
    if ncols == 2:
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
