"""Static PNGs of results (matplotlib: no browser needed) and :func:`write_report`, which
writes ``summary.md``, one PNG per experiment and one offline ``report.html``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..files import atomic_open, atomic_write
from .figures import result_figures
from .markdown import all_methods, summary_markdown
from .paper_figures import learned_png, protocol_png
from .styles import METHOD_COLOUR, METHOD_DASH, METHOD_LABEL, METHOD_ORDER, METHOD_SYMBOL


def _png(res: dict[str, Any], path: Path) -> None:
    """A static PNG of the headline bars (matplotlib: no browser needed)."""
    special = {
        "paper_protocol": protocol_png,
        "paper_learned": learned_png,
        "paper_learned_map": learned_png,
    }.get(res.get("experiment"))
    if special is not None:
        return special(res, path)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    second = next((panel for panel in _SECOND_PANELS if res.get(panel[0])), None)
    ncols = 1 if second is None else 2
    fig, axes = plt.subplots(1, ncols, figsize=(6 * ncols, 3.6), squeeze=False)
    _bars_panel(axes[0, 0], res)
    if second is not None:
        key, draw, legend_size = second
        ax = axes[0, 1]
        draw(ax, res[key])
        ax.set_ylim(0, 1.05)
        ax.legend(fontsize=legend_size)
    fig.tight_layout()
    with atomic_open(path, "wb") as fh:  # whole or not at all
        fig.savefig(fh, format="png", dpi=110)
    plt.close(fig)


def _bars_panel(ax: Any, res: dict[str, Any]) -> None:
    """Connectivity and bridge survival per method, with their 95% intervals."""
    merged = all_methods(res)
    methods = list(merged)
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


def _series_panel(ax: Any, series: Sequence[dict[str, Any]]) -> None:
    """The bridges' keep-probability over training steps (mean over seeds)."""
    for m in ("standard", "spectral"):
        rows = [r for r in series if r["method"] == m]
        steps = sorted({r["step"] for r in rows})
        mean = [np.nanmean([r["p_keep_bridge"] for r in rows if r["step"] == s]) for s in steps]
        ax.plot(
            steps,
            mean,
            color=METHOD_COLOUR[m],
            ls="-" if m == "spectral" else "--",
            label=METHOD_LABEL[m],
        )
    ax.set_xlabel("training step")
    ax.set_ylabel("P(keep) of bridges")


def _sweep_panel(ax: Any, sweep: Sequence[dict[str, Any]]) -> None:
    """Bridge survival against the share of bridged training graphs."""
    for m in ("standard", "spectral"):
        xs = [row["bridged_fraction"] for row in sweep]
        ys = [row["methods"][m]["bridge_survival"] for row in sweep]
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


_MPL_DASH = {"solid": "-", "dash": "--", "dot": ":", "dashdot": "-.", "longdash": "--"}


_MPL_MARK = {"square": "s", "circle": "o", "star": "*", "triangle-up": "^", "diamond": "D"}


def _finetune_panel(ax: Any, ft: dict[str, Any]) -> None:
    """Bridge survival over steps: standard, spectral from scratch, fine-tuned."""
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
            label={"scratch": "spectral (scratch)", "finetuned": "fine-tuned"}.get(model, model),
        )
    ax.axhline(ft["threshold"], color="#555", ls=":", lw=1)
    ax.set_xlabel("training / fine-tuning steps")
    ax.set_ylabel("bridge survival")


def _grid_panel(ax: Any, grid: Sequence[dict[str, Any]]) -> None:
    """Both models' bridge survival (95% CI) per setting of a sensitivity sweep."""
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


def _classes_panel(ax: Any, classes: dict[str, Any]) -> None:
    """Bridge survival per kind of bridge (pendant, core, tree) and method."""
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


# The PNG's second panel: the first of these parts a result has, with its legend's font size
_SECOND_PANELS = (
    ("series", _series_panel, 8),
    ("sweep", _sweep_panel, 8),
    ("finetune", _finetune_panel, 7),  # the experiments beyond the paper
    ("grid", _grid_panel, 7),
    ("bridge_classes", _classes_panel, 7),
)


def write_report(results: Sequence[dict[str, Any]], out: str | Path) -> str:
    """Write ``summary.md``, ``<experiment>.png`` and one offline ``report.html``."""
    import plotly.io as pio

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summary = summary_markdown(results)
    atomic_write(out / "summary.md", summary)
    parts = []
    for i, res in enumerate(results):
        _png(res, out / f"{res['experiment']}.png")
        for fig in result_figures(res).values():
            parts.append(pio.to_html(fig, full_html=False, include_plotlyjs=(i == 0 and not parts)))
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>SpecDiff results</title></head>"
        "<body style='font-family:sans-serif'>" + "\n".join(parts) + "</body></html>"
    )
    atomic_write(out / "report.html", html)
    return summary
