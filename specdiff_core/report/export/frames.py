"""The frames of the slides' animations, as plotly figures made by the same functions the
app draws with: the duel's curves as its history grows (``report.duel_curves``), the
reverse chain of both models on the held-out graph (``viz.graph_figure``) and the regime
map as eps sweeps (``report.regime_map_figure``). Only the axes are fixed across frames,
so that nothing jumps while the picture grows."""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ...errors import ConfigError
from ..duel_figures import duel_curves
from ..paper_figures.protocol import regime_map_figure
from ..styles import METHOD_LABEL

DUEL_METHODS = ("standard", "spectral")


def pick(n: int, at_most: int) -> list[int]:
    """At most ``at_most`` indices of ``range(n)``, evenly spread, the last always in.

    >>> pick(10, 4)
    [0, 3, 6, 9]
    >>> pick(3, 8)
    [0, 1, 2]
    """
    if n <= 0:
        return []
    if n <= at_most:
        return list(range(n))
    if at_most < 2:
        return [n - 1]
    return sorted({round(i * (n - 1) / (at_most - 1)) for i in range(at_most)})


def curve_frames(history: Sequence[dict[str, Any]], n_frames: int = 30) -> list[Any]:
    """The duel's curves (``report.duel_curves``) after each of ``n_frames`` logged steps,
    its axes fixed to the whole history's."""
    steps = sorted({int(r["step"]) for r in history})
    if not steps:
        raise ConfigError("the duel has no training history yet: train it first")
    losses = [float(r["loss"]) for r in history]
    lo, hi = min(losses), max(losses)
    pad = 0.05 * (hi - lo or 1.0)
    frames = []
    for i in pick(len(steps), n_frames):
        rows = [r for r in history if r["step"] <= steps[i]]
        fig = duel_curves(rows)
        fig.update_xaxes(range=[0, steps[-1]])
        fig.update_yaxes(range=[lo - pad, hi + pad], row=1, col=1)
        fig.update_layout(title=f"training step {steps[i]} of {steps[-1]}")
        frames.append(fig)
    return frames


def chain_frames(
    test: Any, samples: dict[str, Any], *, index: int = 0, seed: int = 0, n_frames: int = 26
) -> list[tuple[list[Any], list[str]]]:
    """Both models' reverse chains for sample ``index`` of the held-out graph ``test`` (an
    ``EdgeExample``), from x_T (noise) to x_0: per frame, the two graph figures and their
    headers. ``samples`` maps method to a ``diffusion.SampleResult`` with its chain."""
    from ... import metrics, viz

    chains = {m: samples[m].chain for m in DUEL_METHODS if m in samples}
    if len(chains) < 2 or any(c is None for c in chains.values()):
        raise ConfigError(
            "these samples have no reverse chain (top ρ|E| decoding keeps none): "
            "sample with the reverse chain decoder"
        )
    T = next(iter(chains.values())).shape[0] - 1  # chain: (T + 1, k, m), x_T first
    k = next(iter(chains.values())).shape[1]
    if not 0 <= index < k:
        raise ConfigError(f"sample index {index} is out of range: there are {k} samples")
    G, bridges = test.graph, np.asarray(test.bridges, dtype=bool)
    pos = viz.layout(G, seed=seed)
    frames = []
    for step in pick(T + 1, n_frames):
        t = T - step
        figs, heads = [], []
        for m, chain in chains.items():
            mask = np.asarray(chain[step, index], dtype=bool)  # (m,)
            ok = metrics.preserves_connectivity(G, mask)
            figs.append(
                viz.graph_figure(
                    G, test.resistance, pos=pos, bridges=bridges, kept=mask, show_colorbar=False
                )
            )
            heads.append(
                f"{METHOD_LABEL[m]} · t = {t} · "
                + ("connected" if ok else "disconnected")
                + f" · bridges kept {int(mask[bridges].sum())}/{int(bridges.sum())}"
            )
        frames.append((figs, heads))
    return frames


def regime_frames(rm: dict[str, Any], axis: str = "lam") -> list[Any]:
    """The regime map (``report.regime_map_figure``) revealed one eps column at a time,
    a line at the eps of the frame."""
    if axis not in ("lam", "rho"):
        raise ConfigError(f"unknown regime map axis {axis!r}: choose lam or rho")
    eps = list(rm["eps"])
    frames = []
    for i, e in enumerate(eps):
        part = copy.deepcopy(rm)
        for m in ("standard", "weighted"):
            grid = part[f"{m}_eps_{axis}"]
            part[f"{m}_eps_{axis}"] = [
                [v if j <= i else None for j, v in enumerate(row)] for row in grid
            ]
        part["boundary_lam"] = [b if j <= i else math.inf for j, b in enumerate(rm["boundary_lam"])]
        fig = regime_map_figure(part, axis)
        for col in (1, 2):
            fig.add_vline(e, line_color="#D55E00", line_width=2, row=1, col=col)
        at = _cell(rm, axis, i)
        fig.update_layout(
            title=f"eps = {e:g}: connected {at['standard']:.0%} (standard), "
            f"{at['weighted']:.0%} (weighted) at {at['label']}",
            margin={"t": 70},
        )
        frames.append(fig)
    return frames


def _cell(rm: dict[str, Any], axis: str, i: int) -> dict[str, Any]:
    """Both scores' connectivity at eps column ``i`` and the map's default row."""
    ys = list(rm[axis])
    at = rm["lam_default"] if axis == "lam" else rm["rho_default"]
    row = int(np.argmin([abs(y - at) for y in ys]))
    name = "λ" if axis == "lam" else "ρ"
    return {
        "standard": rm[f"standard_eps_{axis}"][row][i],
        "weighted": rm[f"weighted_eps_{axis}"][row][i],
        "label": f"{name} = {ys[row]:g}",
    }
