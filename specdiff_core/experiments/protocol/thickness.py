"""Exp III (the paper's Fig. 4): the bridge thickened into ``k`` parallel edges, under each
reading of "thickened" and of how thickness raises the bridge's frequency."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .graphs import protocol_graph
from .reported import at_paper_settings
from .scores import _LAYOUT_ID, _METHOD_ID, _STREAM, _rng, method_trials, summarize_trials
from .settings import THICK_LAYOUTS, ProtocolConfig


def _transition(ks: Sequence[int], conn: Sequence[float]) -> float | None:
    """The thickness where connectivity first climbs through 50% (linear interpolation
    between the two k around it); None if it never starts below and ends above."""
    for i in range(1, len(conn)):
        if conn[i - 1] < 0.5 <= conn[i]:
            k0, k1, c0, c1 = ks[i - 1], ks[i], conn[i - 1], conn[i]
            return float(k0 + (0.5 - c0) * (k1 - k0) / (c1 - c0))
    return None


def run_thickness(
    cfg: ProtocolConfig, *, unit: float | None = None, layout: str | None = None
) -> dict[str, Any]:
    """Exp III: standard vs weighted (and random) as the bridge thickens, k in
    ``cfg.thickness``; ``layout`` and ``unit`` override the configured reading."""
    ks = list(cfg.thickness)
    layout = layout or cfg.thick_layout
    out: dict[str, Any] = {"k": ks, "layout": layout, "freq": [], "R_rare": [], "R_clique_max": []}
    for method in ("standard", "weighted", "random"):
        out[method], out[f"{method}_ci"], out[f"{method}_rse"] = [], [], []
    for k in ks:
        pg = protocol_graph("thick", cfg, k=k, unit=unit, layout=layout)
        out["freq"].append(float(pg.freq[pg.rare][0]))
        out["R_rare"].append(float(pg.resistance[pg.rare].mean()))
        out["R_clique_max"].append(float(pg.resistance[~pg.rare].max()))
        for method in ("standard", "weighted", "random"):
            rng = _rng(cfg, _STREAM["thick"], k, _METHOD_ID[method], _LAYOUT_ID[layout])
            res = summarize_trials(pg, *method_trials(pg, method, cfg, rng))
            out[method].append(res["connectivity"])
            out[f"{method}_ci"].append(res["connectivity_ci"])
            out[f"{method}_rse"].append(res["rse_mean"])
    out["transition"] = {m: _transition(ks, out[m]) for m in ("standard", "weighted")}
    out["at_paper_settings"] = at_paper_settings(cfg, "thick")
    out["unit"] = unit if unit is not None else (cfg.thick_unit or cfg.eps)
    return out


def thickness_variants(cfg: ProtocolConfig) -> list[dict[str, Any]]:
    """Exp III under every layout, with the default frequency unit and with the unit the
    paper's transition implies (``cfg.thick_alt_unit``): which reading gives Fig. 4?"""
    base = cfg.thick_unit if cfg.thick_unit is not None else cfg.eps
    rows = []
    for layout in THICK_LAYOUTS:
        for unit in dict.fromkeys((base, cfg.thick_alt_unit)):
            r = run_thickness(cfg, unit=unit, layout=layout)
            rows.append(
                {k: r[k] for k in ("layout", "unit", "k", "freq", "R_rare")}
                | {
                    "standard": r["standard"],
                    "weighted": r["weighted"],
                    "transition": r["transition"],
                    "default": layout == cfg.thick_layout and unit == base,
                }
            )
    return rows
