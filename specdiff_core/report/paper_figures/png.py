"""Static matplotlib PNGs of the paper's protocol and of the trained models in its regimes
(no browser needed): one picture per result, as ``reproduce`` writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...experiments.protocol import PAPER_THICKNESS
from ...files import atomic_open
from ..styles import LEARNED_ROWS, PROTOCOL_COLOUR


def protocol_png(res: dict[str, Any], path: str | Path) -> None:
    """Four panels: Table 1 (ours vs paper), Exp III, Exp IV and the eps x lambda map."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    _table_panel(axes[0, 0], res["barbell"]["methods"])
    _thickness_panel(axes[0, 1], res)
    _dynamics_panel(axes[1, 0], res["dynamics"])
    rm = res.get("regime_map")
    if rm:
        _map_panel(fig, axes[1, 1], rm)
    fig.tight_layout()
    with atomic_open(path, "wb") as fh:  # whole or not at all
        fig.savefig(fh, format="png", dpi=100)
    plt.close(fig)


def _table_panel(ax: Any, tab: dict[str, Any]) -> None:
    """Exp I: connected per method, ours with intervals, the paper's as black bars."""
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


def _thickness_panel(ax: Any, res: dict[str, Any]) -> None:
    """Exp III: the default reading bold, the other readings thin, the paper's transition."""
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


def _dynamics_panel(ax: Any, dyn: dict[str, Any]) -> None:
    """Exp IV: every seed's trajectory thin, their mean bold, p* and the paper's 1."""
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


def _map_panel(fig: Any, ax: Any, rm: dict[str, Any]) -> None:
    """The weighted score's connectivity over eps x lambda, with its colour bar."""
    z = np.array(rm["weighted_eps_lam"])
    im = ax.imshow(z, origin="lower", aspect="auto", vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(0, len(rm["eps"]), 4), [f"{e:g}" for e in rm["eps"][::4]])
    ax.set_yticks(range(len(rm["lam"])), [f"{lam:g}" for lam in rm["lam"]], fontsize=7)
    ax.set_xlabel("eps")
    ax.set_ylabel("λ")
    ax.set_title("weighted: connected over eps × λ")
    fig.colorbar(im, ax=ax)


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
        with atomic_open(path, "wb") as fh:  # whole or not at all
            fig.savefig(fh, format="png", dpi=100)
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
    with atomic_open(path, "wb") as fh:  # whole or not at all
        fig.savefig(fh, format="png", dpi=100)
    plt.close(fig)
