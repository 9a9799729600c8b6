"""Markdown of the trained models in the paper's regimes (``paper_learned``,
``paper_learned_map``): the paper, its protocol and the trained models side by side, and the
learned fixed points against each loss's optimum."""

from __future__ import annotations

from typing import Any

from ...formatting import pct
from ..styles import LEARNED_ROWS, REGIME_LABEL
from .cells import connected_cell, escape


def learned_setting_markdown(st: dict[str, Any]) -> list[str]:
    """One paper graph: the paper, its protocol (ours) and trained models (ours) side by
    side, then the learned fixed points."""
    regimes = list(st["trained"])
    cols = [(r, d) for r in regimes for d in ("topk", "chain")]
    decoder_name = {"topk": escape("top ρ|E|"), "chain": "chain"}
    head = " | ".join(f"trained, {r}: {decoder_name[d]}" for r, d in cols)
    lines = [
        f"#### {st['label']}; rare edge(s) in {pct(st['p_rare'])} of the rare-regime targets",
        "",
        f"| | paper | protocol (ours) | {head} |",
        "|---|---|---|" + "---|" * len(cols),
    ]
    for row, (label, proto, paper_key) in LEARNED_ROWS.items():
        p = st["paper"].get(paper_key) if paper_key else None
        dagger = " †" if row in ("spectral", "score_shift") else ""
        paper = pct(p["connectivity"]) + dagger if p else ""
        cells = [
            connected_cell(st["trained"][r].get(d, {}).get(row))
            if row not in ("random", "oracle")
            else ""
            for r, d in cols
        ]
        ours = connected_cell(st["protocol"].get(proto)) if proto else ""
        lines.append(f"| {escape(label)} | {paper} | {ours} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Connected share of samples; trained: mean over seeds with a 95% t-interval over "
        "seeds (a trained model is one replicate); protocol: Wilson interval over its trials. "
        "† the paper's weighted figure comes from its score P_freq + λR, which it presents "
        "as the result of training with Eq. 4.1.",
        "",
        "| method | regime | learned p of the rare edge(s) | its loss's per-edge optimum | "
        "learned p of the other edges | optimum |",
        "|---|---|---|---|---|---|",
    ]
    for regime, fps in st["fixed_points"].items():
        lines += [_fp_row(m, regime, fp) for m, fp in fps.items()]
    return lines + [""]


def _fp_row(m: str, regime: str, fp: dict[str, Any]) -> str:
    def v(key: str, ci: bool) -> str:
        x = fp.get(key)
        if not x:
            return ""
        return f"{x['mean']:.3f}" + (f" [{x['ci'][0]:.3f}, {x['ci'][1]:.3f}]" if ci else "")

    return (
        f"| {escape(LEARNED_ROWS[m][0])} | {regime} | {v('learned_rare', True)} | "
        f"{v('predicted_rare', False)} | {v('learned_common', True)} | "
        f"{v('predicted_common', False)} |"
    )


def learned_markdown(res: dict[str, Any]) -> str:
    lines = [
        "Each of the paper's graphs, trained on copies with shuffled node labels (the "
        "model sees structure only) in two regimes: "
        + "; ".join(f"**{r}**, {REGIME_LABEL.get(r, r)}" for r in res["config"]["paper_regimes"])
        + ". Decoded by top ρ|E| on the keep probabilities estimated from the chain's "
        "samples (the paper's protocol) and by the reverse chain itself. The learned p is "
        "the model's P(keep) at t = T from structure alone, against the optimum of its "
        "loss for that edge: the edge's frequency p in the targets for the standard loss "
        "and for Eq. 4.1 (both classes scaled alike), w p / (w p + 1 − p) for the "
        "positive-class form.",
        "",
    ]
    for st in res["settings"]:
        lines += learned_setting_markdown(st)
    if res.get("statement"):
        lines += ["What the measurements say:", ""] + [f"- {s}" for s in res["statement"]]
    if "seconds" in res:
        lines += ["", f"Run time: {res['seconds']:.1f} s."]
    return "\n".join(lines)


def learned_map_markdown(res: dict[str, Any]) -> str:
    eps, lams = res["eps"], res["lam"]
    lines = [
        "Trained in the rare regime on Exp I's barbell, decoded by top ρ|E|: connected "
        "share (mean over seeds) for each eps (columns) and λ (rows). The standard model "
        "does not depend on λ; its score shift p̂ + λR does.",
        "",
    ]
    for m in ("standard", "spectral", "spectral_pos", "score_shift"):
        label = LEARNED_ROWS[m][0]
        lines += [
            f"{label}:",
            "",
            "| λ \\ eps | " + " | ".join(f"{e:g}" for e in eps) + " |",
            "|---|" + "---|" * len(eps),
        ]
        for i, lam in enumerate(lams):
            cells = [pct(c["mean"]) for c in res["connectivity"][m][i]]
            lines.append(f"| {lam:g} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        "Learned p of the bridge against its loss's optimum (mean over seeds), per λ and eps:",
        "",
        "| method | λ | " + " | ".join(f"eps {e:g}" for e in eps) + " |",
        "|---|---|" + "---|" * len(eps),
    ]
    for m in ("spectral", "spectral_pos"):
        for i, lam in enumerate(lams):
            cells = [
                f"{c['mean']:.3f} (optimum {p:.3f})"
                for c, p in zip(res["learned_rare"][m][i], res["predicted_rare"][m][i], strict=True)
            ]
            lines.append(f"| {LEARNED_ROWS[m][0]} | {lam:g} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Protocol's analytic rescue boundary for the score P_freq + λR at each eps: λ* = "
        + ", ".join(f"{b:.3g}" for b in res["boundary_lam"])
        + ".",
    ]
    return "\n".join(lines)
