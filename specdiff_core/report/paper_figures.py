"""Figures of the paper's protocol and of the trained models in its regimes: plotly for the
app and report.html, one matplotlib PNG per result."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..experiments.protocol import PAPER_THICKNESS
from .styles import EXP_TITLE, LEARNED_ROWS, PROTOCOL_COLOUR, error_bars, protocol_label


def protocol_bars(table: dict[str, Any], title: str) -> Any:
    """Connectivity and RSE per method: ours (95% interval) beside the paper's figure."""
    from plotly.subplots import make_subplots

    keys = list(table["methods"])
    labels = [protocol_label(k, table["methods"][k]) for k in keys]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("connected", "relative spectral error"))
    for col, metric, ci_key in ((1, "connectivity", "connectivity_ci"), (2, "rse_mean", "rse_ci")):
        vals = [table["methods"][k][metric] for k in keys]
        cis = [table["methods"][k][ci_key] for k in keys]
        fig.add_bar(
            x=labels,
            y=vals,
            name="ours",
            legendgroup="ours",
            showlegend=col == 1,
            marker_color=[PROTOCOL_COLOUR.get(table["methods"][k].get("method", k)) for k in keys],
            marker_line={"color": "#222", "width": 1},
            error_y=error_bars(vals, cis),
            row=1,
            col=col,
        )
        paper = [table["methods"][k].get("paper", {}).get(metric) for k in keys]
        fig.add_scatter(
            x=labels,
            y=paper,
            mode="markers",
            name="paper",
            legendgroup="paper",
            showlegend=col == 1,
            marker={"symbol": "line-ew-open", "size": 34, "color": "#111", "line": {"width": 3}},
            hovertemplate="paper %{y:.3f}<extra></extra>",
            row=1,
            col=col,
        )
    fig.update_yaxes(range=[0, 1.05], row=1, col=1, tickformat=".0%")
    fig.update_yaxes(range=[0, 1.05], row=1, col=2)
    fig.update_layout(
        title=title,
        height=400,
        legend={"orientation": "h", "y": -0.3},
        margin={"t": 60, "b": 10},
    )
    return fig


def thickness_figure(th: dict[str, Any], variants: Sequence[dict[str, Any]] = ()) -> Any:
    """Connectivity against thickness: the default reading with intervals, the other
    readings thin, and the paper's transition marked."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for m, dash in (("standard", "dash"), ("weighted", "solid")):
        vals, cis = th[m], th[f"{m}_ci"]
        fig.add_scatter(
            x=th["k"],
            y=vals,
            name=f"{m} ({th['layout']}, unit {th['unit']:g})",
            mode="lines+markers",
            line={"color": PROTOCOL_COLOUR[m], "dash": dash, "width": 3},
            error_y=error_bars(vals, cis),
        )
    for v in variants:
        if v["default"]:
            continue
        for m, dash in (("standard", "dash"), ("weighted", "solid")):
            fig.add_scatter(
                x=v["k"],
                y=v[m],
                name=f"{m} ({v['layout']}, unit {v['unit']:g})",
                mode="lines",
                line={"color": PROTOCOL_COLOUR[m], "dash": dash, "width": 1},
                opacity=0.45,
                visible="legendonly",
            )
    if th.get("at_paper_settings", True):
        fig.add_vline(
            x=PAPER_THICKNESS["transition"],
            line_dash="dot",
            line_color="#555",
            annotation_text="paper: standard's transition",
            annotation_position="top left",
        )
    fig.update_layout(
        title="Exp III: connected vs thickness k (other readings in the legend)",
        xaxis_title="k parallel edges",
        yaxis={"range": [-0.02, 1.05], "tickformat": ".0%", "title": "connected"},
        height=420,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def single_logit_figure(dyn: dict[str, Any]) -> Any:
    """Exp IV: p over SGD steps per seed (thin) and their mean (bold), with both closed
    forms and the paper's claim."""
    import plotly.graph_objects as go

    fig = go.Figure()
    steps = dyn["steps"]
    for m, colour in (("standard", PROTOCOL_COLOUR["standard"]), ("weighted", "#0072B2")):
        traj = np.array(dyn[m])  # (seeds, steps)
        for row in traj:
            fig.add_scatter(
                x=steps,
                y=row,
                mode="lines",
                line={"color": colour, "width": 0.6},
                opacity=0.35,
                showlegend=False,
                hoverinfo="skip",
            )
        fig.add_scatter(
            x=steps,
            y=traj.mean(axis=0),
            mode="lines",
            name=f"{m}: mean over {len(traj)} seeds",
            line={"color": colour, "width": 3, "dash": "dash" if m == "standard" else "solid"},
        )
    fig.add_hline(
        y=dyn["fixed_point"],
        line_dash="dot",
        line_color="#0072B2",
        annotation_text=f"closed form p* = {dyn['fixed_point']:.3f}",
        annotation_position="bottom right",
    )
    fig.add_hline(
        y=dyn["fixed_point_standard"],
        line_dash="dot",
        line_color="#D55E00",
        annotation_text=f"ε = {dyn['fixed_point_standard']:g}",
        annotation_position="top right",
    )
    if "paper" in dyn:
        fig.add_hline(
            y=dyn["paper"]["weighted"],
            line_dash="dash",
            line_color="#555",
            annotation_text="paper: weighted p → 1",
            annotation_position="bottom left",
        )
    fig.update_layout(
        title="Exp IV: a single logit under SGD",
        xaxis_title="SGD step",
        yaxis={"range": [0, 1.05], "title": "p = sigmoid(θ)"},
        height=400,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def regime_map_figure(rm: dict[str, Any], axis: str = "lam") -> Any:
    """Heatmaps of connectivity, standard beside weighted, over eps x lambda (``axis =
    "lam"``, with the analytic rescue boundary) or eps x rho (``axis = "rho"``)."""
    from plotly.subplots import make_subplots

    ys = rm[axis]
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("standard: S = P_freq", "weighted: S = P_freq + λR")
    )
    for col, m in ((1, "standard"), (2, "weighted")):
        z = rm[f"{m}_eps_{axis}"]
        fig.add_heatmap(
            x=rm["eps"],
            y=list(range(len(ys))) if axis == "lam" else ys,  # lambda: one row per value
            z=z,
            zmin=0,
            zmax=1,
            colorscale="Viridis",
            showscale=col == 2,
            colorbar={"title": "connected", "tickformat": ".0%"},
            text=[[f"{y:g}"] * len(rm["eps"]) for y in ys],
            hovertemplate="eps %{x}<br>" + axis + " %{text}<br>connected %{z:.0%}<extra></extra>",
            row=1,
            col=col,
        )
    if axis == "lam":
        lam_pos = {lam: i for i, lam in enumerate(ys)}
        bx, by = [], []
        for e, b in zip(rm["eps"], rm["boundary_lam"], strict=True):
            if math.isfinite(b) and b <= max(ys):
                bx.append(e)
                by.append(_category_position(b, ys, lam_pos))
        fig.add_scatter(
            x=bx,
            y=by,
            mode="lines",
            name="analytic rescue boundary λ*",
            line={"color": "#F0E442", "width": 3},
            row=1,
            col=2,
        )
        for col in (1, 2):
            fig.update_yaxes(
                tickvals=list(range(len(ys))),
                ticktext=[f"{y:g}" for y in ys],
                title_text="λ",
                row=1,
                col=col,
            )
    else:
        fig.update_yaxes(title_text="ρ (kept share of edges)", row=1, col=1)
    fig.update_xaxes(title_text="eps (bridge's frequency in the data)")
    fig.update_layout(height=420, legend={"orientation": "h", "y": -0.25}, margin={"t": 40})
    return fig


def _category_position(value: float, ys: Sequence[float], pos: dict[float, int]) -> float:
    """Where ``value`` falls on a categorical lambda axis (linear between categories)."""
    for lo, hi in zip(ys[:-1], ys[1:], strict=True):
        if lo <= value <= hi:
            return pos[lo] + (value - lo) / (hi - lo) if hi > lo else pos[lo]
    return float(pos[ys[0]])


def protocol_figures(res: dict[str, Any]) -> dict[str, Any]:
    figs: dict[str, Any] = {}
    for name in ("barbell", "asymmetric_chain"):
        if name in res:
            figs[name] = protocol_bars(res[name], f"{EXP_TITLE[name]}: ours (95% CI) vs the paper")
    if "thickness" in res:
        figs["thickness"] = thickness_figure(res["thickness"], res.get("thickness_variants", ()))
    if "dynamics" in res:
        figs["dynamics"] = single_logit_figure(res["dynamics"])
    if "regime_map" in res:
        figs["regime_map"] = regime_map_figure(res["regime_map"], "lam")
        figs["regime_map_rho"] = regime_map_figure(res["regime_map"], "rho")
    return figs


def protocol_png(res: dict[str, Any], path: str | Path) -> None:
    """Four panels: Table 1 (ours vs paper), Exp III, Exp IV and the eps x lambda map."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    ax = axes[0, 0]
    tab = res["barbell"]["methods"]
    keys = list(tab)
    x = np.arange(len(keys))
    vals = np.array([tab[k]["connectivity"] for k in keys])
    ci = np.array([tab[k]["connectivity_ci"] for k in keys])
    ax.bar(
        x,
        vals,
        0.6,
        yerr=np.abs(np.stack([vals - ci[:, 0], ci[:, 1] - vals])),
        capsize=3,
        color=[PROTOCOL_COLOUR.get(tab[k].get("method", k)) for k in keys],
        edgecolor="black",
        label="ours (95% CI)",
    )
    paper = [tab[k].get("paper", {}).get("connectivity", np.nan) for k in keys]
    ax.scatter(x, paper, marker="_", s=900, color="black", linewidths=3, label="paper")
    short = {"oracle_sampling": "oracle\n(sampling)", "oracle_topk": "oracle\n(top ρ|E| by R)"}
    ax.set_xticks(x, [short.get(tab[k].get("method", k), k) for k in keys], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title("Exp I (barbell): connected")
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    th = res["thickness"]
    for m, ls in (("standard", "--"), ("weighted", "-")):
        ax.plot(th["k"], th[m], ls, marker="o", color=PROTOCOL_COLOUR[m], label=m)
    for v in res.get("thickness_variants", ()):
        if not v["default"]:
            for m, ls in (("standard", "--"), ("weighted", "-")):
                ax.plot(v["k"], v[m], ls, color=PROTOCOL_COLOUR[m], lw=0.7, alpha=0.35)
    ax.axvline(PAPER_THICKNESS["transition"], color="#555", ls=":", lw=1)
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel("k parallel edges")
    ax.set_title(f"Exp III ({th['layout']}; thin: other readings)")
    ax.legend(fontsize=8)
    ax = axes[1, 0]
    dyn = res["dynamics"]
    for m, colour in (("standard", "#D55E00"), ("weighted", "#0072B2")):
        traj = np.array(dyn[m])
        ax.plot(dyn["steps"], traj.T, color=colour, lw=0.5, alpha=0.3)
        ax.plot(dyn["steps"], traj.mean(axis=0), color=colour, lw=2.5, label=m)
    ax.axhline(dyn["fixed_point"], color="#0072B2", ls=":", lw=1)
    ax.axhline(1.0, color="#555", ls="--", lw=1)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("SGD step")
    ax.set_title(f"Exp IV: p* = {dyn['fixed_point']:.3f} (dotted), paper's 1 (dashed)")
    ax.legend(fontsize=8)
    ax = axes[1, 1]
    rm = res.get("regime_map")
    if rm:
        z = np.array(rm["weighted_eps_lam"])
        im = ax.imshow(z, origin="lower", aspect="auto", vmin=0, vmax=1, cmap="viridis")
        ax.set_xticks(range(0, len(rm["eps"]), 4), [f"{e:g}" for e in rm["eps"][::4]])
        ax.set_yticks(range(len(rm["lam"])), [f"{lam:g}" for lam in rm["lam"]], fontsize=7)
        ax.set_xlabel("eps")
        ax.set_ylabel("λ")
        ax.set_title("weighted: connected over eps × λ")
        fig.colorbar(im, ax=ax)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def learned_figures(res: dict[str, Any]) -> dict[str, Any]:
    """Grouped bars per paper graph: protocol vs trained (top-k, each regime)."""
    import plotly.graph_objects as go

    figs = {}
    for st in res["settings"]:
        fig = go.Figure()
        rows = [r for r in LEARNED_ROWS if r not in ("random", "oracle")]
        labels = [LEARNED_ROWS[r][0].split(":")[0] for r in rows]
        proto = [st["protocol"].get(LEARNED_ROWS[r][1] or "", {}).get("connectivity") for r in rows]
        fig.add_bar(x=labels, y=proto, name="protocol (ours)", marker_color="#999999")
        for regime, colour in (("rare", "#D55E00"), ("oracle", "#0072B2")):
            by = st["trained"].get(regime, {}).get("topk", {})
            if not by:
                continue
            vals = [by.get(r, {}).get("connectivity") for r in rows]
            cis = [by.get(r, {}).get("connectivity_ci", [math.nan, math.nan]) for r in rows]
            fig.add_bar(
                x=labels,
                y=vals,
                name=f"trained, {regime} regime (top ρ|E|)",
                marker_color=colour,
                error_y=error_bars([math.nan if v is None else v for v in vals], cis),
            )
        fig.update_layout(
            barmode="group",
            title=f"{st['label']}: connected (trained: 95% t-interval over seeds)",
            yaxis={"range": [0, 1.05], "tickformat": ".0%"},
            height=380,
            legend={"orientation": "h", "y": -0.3},
        )
        figs[f"learned_{st['exp']}_{st['k']}"] = fig
    return figs


def learned_map_figure(res: dict[str, Any]) -> Any:
    from plotly.subplots import make_subplots

    names = ("standard", "spectral", "spectral_pos", "score_shift")
    fig = make_subplots(rows=1, cols=4, subplot_titles=[LEARNED_ROWS[m][0][:28] for m in names])
    for col, m in enumerate(names, start=1):
        z = [[c["mean"] for c in row] for row in res["connectivity"][m]]
        fig.add_heatmap(
            x=[f"{e:g}" for e in res["eps"]],
            y=[f"{lam:g}" for lam in res["lam"]],
            z=z,
            zmin=0,
            zmax=1,
            colorscale="Viridis",
            showscale=col == 4,
            colorbar={"title": "connected", "tickformat": ".0%"},
            row=1,
            col=col,
        )
    fig.update_xaxes(title_text="eps", type="category")
    fig.update_yaxes(title_text="λ", type="category", row=1, col=1)
    fig.update_layout(height=360, title="trained models, rare regime, top ρ|E| decoding")
    return fig


def learned_png(res: dict[str, Any], path: str | Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if res["experiment"] == "paper_learned_map":
        names = ("standard", "spectral", "spectral_pos", "score_shift")
        fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
        for ax, m in zip(axes, names, strict=True):
            z = np.array([[c["mean"] for c in row] for row in res["connectivity"][m]])
            ax.imshow(z, origin="lower", vmin=0, vmax=1, cmap="viridis", aspect="auto")
            ax.set_xticks(range(len(res["eps"])), [f"{e:g}" for e in res["eps"]])
            ax.set_yticks(range(len(res["lam"])), [f"{lam:g}" for lam in res["lam"]])
            ax.set_xlabel("eps")
            ax.set_ylabel("λ")
            ax.set_title(LEARNED_ROWS[m][0][:34], fontsize=8)
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        plt.close(fig)
        return
    settings = res["settings"]
    fig, axes = plt.subplots(1, len(settings), figsize=(4 * len(settings), 3.6), squeeze=False)
    rows = ("standard", "spectral", "score_shift", "spectral_pos")
    for ax, st in zip(axes[0], settings, strict=True):
        x = np.arange(len(rows))
        for i, (regime, colour) in enumerate((("rare", "#D55E00"), ("oracle", "#0072B2"))):
            by = st["trained"].get(regime, {}).get("topk", {})
            vals = [by.get(r, {}).get("connectivity", np.nan) for r in rows]
            ax.bar(x + (i - 0.5) * 0.38, vals, 0.38, color=colour, edgecolor="black", label=regime)
        ax.set_xticks(x, ["std", "Eq4.1", "shift", "pos"], fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_title(st["label"].split(",")[0][:30], fontsize=8)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
