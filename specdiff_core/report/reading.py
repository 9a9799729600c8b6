"""Plain readings of a measurement: sentences whose every number, and every claim, comes
from the run they describe (the app shows them beside the plots they read)."""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = ["STARVATION_NOTE", "keep_vs_samples_line", "starvation_lines"]

STARVATION_NOTE = (
    "Gradient share: each edge group's part of the norm of the loss's gradient with respect "
    "to the model's parameters, averaged over the logged steps. Logit gradient: the size of "
    "the loss's gradient at one edge's own output on the held-out graph; it is large while "
    "the model is wrong about that edge and shrinks as it learns it."
)


def _like(p_bridge: float, p_other: float, tol: float = 0.1) -> str:
    """How a model treats the bridge, read from its keep-probabilities."""
    if abs(p_bridge - p_other) <= tol:
        return "like any other edge"
    return "more often than other edges" if p_bridge > p_other else "less often than other edges"


def starvation_lines(
    *,
    edge_share: float,
    grad_share: Mapping[str, float],
    logit_ratio: Mapping[str, float],
    last: Mapping[str, Mapping[str, float]],
) -> list[str]:
    """The Gradient Starvation page's reading of one trained duel, as markdown bullets.

    ``edge_share``: the bridges' share of the edges in the training batches;
    ``grad_share[m]``: their share of model ``m``'s parameter-gradient norm over training;
    ``logit_ratio[m]``: a bridge's own logit gradient over an ordinary edge's, held-out
    graph; ``last[m]``: the last history row (``p_keep_bridge``, ``p_keep_other``).

    Examples
    --------
    >>> rows = {"standard": {"p_keep_bridge": 0.6, "p_keep_other": 0.62},
    ...         "spectral": {"p_keep_bridge": 0.97, "p_keep_other": 0.6}}
    >>> lines = starvation_lines(edge_share=0.01, grad_share={"standard": 0.1, "spectral": 0.3},
    ...                          logit_ratio={"standard": 3.0, "spectral": 0.2}, last=rows)
    >>> print(lines[1])
    - Averaged over training, they received **10.0%** of the standard model's gradient norm (10.0× their share of the edges) and **30.0%** of the weighted model's.
    """
    std, spec = grad_share["standard"], grad_share["spectral"]
    times = std / edge_share if edge_share > 0 else math.nan
    lines = [
        f"- Bridges are **{edge_share:.1%}** of the edges in the training batches.",
        f"- Averaged over training, they received **{std:.1%}** of the standard model's "
        f"gradient norm ({times:.1f}× their share of the edges) and **{spec:.1%}** of the "
        "weighted model's.",
    ]
    s, w = last["standard"], last["spectral"]
    std_like, spec_like = _like(**_p(s)), _like(**_p(w))
    if std_like == "more often than other edges":
        lines.append(
            "- On this run the standard model does keep the bridge more often than other "
            f"edges: what it received was enough here. The weighted model keeps it {spec_like}."
        )
    elif times > 1:
        lines.append(
            "- So the standard model's bridge is not short of gradient in size: its error is "
            "large while the model is wrong about it. It is short of *weight*: its term is one "
            "of |E| in an average, and the shared parameters settle where the other terms pull "
            f"them. The standard model keeps the bridge {std_like}; the weighted loss "
            f"multiplies the bridge's term and its model keeps it {spec_like}."
        )
    else:
        lines.append(
            "- The standard model's bridges got no more of the gradient than their share of "
            f"the edges: starved in the plain sense. It keeps the bridge {std_like}; the "
            f"weighted model keeps it {spec_like}."
        )
    r_s, r_w = logit_ratio["standard"], logit_ratio["spectral"]
    lines.append(
        f"- On the held-out graph, a bridge's own logit gradient is **{r_s:.1f}×** an ordinary "
        f"edge's under the standard loss and **{r_w:.1f}×** under the weighted loss: "
        + _ratio_reading(r_s, r_w)
    )
    lines.append(
        f"- Result so far: the standard model keeps bridges with probability "
        f"**{s['p_keep_bridge']:.2f}** (other edges {s['p_keep_other']:.2f}); the weighted "
        f"model **{w['p_keep_bridge']:.2f}** (other edges {w['p_keep_other']:.2f})."
    )
    return lines


def _p(row: Mapping[str, float]) -> dict[str, float]:
    return {"p_bridge": float(row["p_keep_bridge"]), "p_other": float(row["p_keep_other"])}


def _ratio_reading(r_s: float, r_w: float) -> str:
    if math.isnan(r_s) or math.isnan(r_w):
        return "the held-out graph has no bridge to compare."
    if r_w < 1 <= r_s:
        return (
            "below 1 means the weighted model already predicts its bridge well (little error "
            "left to correct), above 1 that the standard model is still wrong about it."
        )
    if r_w < r_s:
        return "the weighted model has less error left on its bridge than the standard one."
    return "the weighted model still has at least as much error left on its bridge."


def keep_vs_samples_line(
    *,
    p_keep: float,
    survived: float,
    k: int,
    T: int,
    model: str = "weighted",
    decoder: str = "chain",
    where: str = "In step 4",
) -> str:
    """Why a model's keep-probability for the bridge (the last training row: one reading
    from pure noise, ``t = T``, on the training graphs) and the share of its ``k`` samples
    of a new graph that kept the bridge can differ, read from the two numbers on screen
    (``where``: where the first number is shown).

    Examples
    --------
    >>> print(keep_vs_samples_line(p_keep=0.70, survived=1.0, k=32, T=50))
    In step 4 the weighted model gave the bridge P(keep) = 0.70; here its bridge survived in 32 of 32 samples (100%). The two measure different things: P(keep) is one reading from pure noise (t = 50), a sample runs all 50 steps of the reverse chain and each step reads the graph denoised so far, so here the chain kept the bridge more often than that one reading.
    """
    kept = round(survived * k)
    gap = survived - p_keep
    if abs(gap) <= 0.1:
        verdict = "here the chain kept the bridge about as often as that one reading says"
    elif gap > 0:
        verdict = "here the chain kept the bridge more often than that one reading"
    else:
        verdict = "here the chain kept the bridge less often than that one reading"
    head = (
        f"{where} the {model} model gave the bridge P(keep) = {p_keep:.2f}; here its bridge "
        f"survived in {kept} of {k} samples ({survived:.0%}). The two measure different "
        f"things: P(keep) is one reading from pure noise (t = {T}), "
    )
    if decoder == "topk":
        return head + (
            "while each sample here keeps the edges the chain kept most often, a fixed share "
            "of them: what counts is the bridge's rank among the edges, not its probability."
        )
    return head + (
        f"a sample runs all {T} steps of the reverse chain and each step reads the graph "
        f"denoised so far, so {verdict}."
    )
