"""How each method looks, in one table: label, colour (Okabe-Ito, colour-blind safe), line
dash and marker, so that every figure and table names and draws a method alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..config import METHOD_LABELS

# One row per method: (colour, dash, marker). Okabe-Ito colour-blind-safe palette; lines
# also differ by dash and marker (non-colour cues). The label is config.METHOD_LABELS'.
_STYLE = {
    "standard": ("#D55E00", "dash", "square"),
    "spectral": ("#0072B2", "solid", "circle"),
    "finetuned": ("#F0E442", "dashdot", "star"),
    "focal": ("#E69F00", "dot", "triangle-up"),
    "class_balanced": ("#CC79A7", "longdash", "diamond"),
    "shuffled": ("#56B4E9", "longdashdot", "x"),
    "degree": ("#000000", "dot", "triangle-down"),
    "spectral_pos": ("#8C564B", "dashdot", "pentagon"),
    "score_shift": ("#882255", "dot", "star-diamond"),
    "oracle": ("#009E73", "solid", "cross"),
    "uniform": ("#999999", "dot", "hexagon"),
}


@dataclass(frozen=True)
class Style:
    label: str
    colour: str
    dash: str
    symbol: str


STYLES = {m: Style(METHOD_LABELS[m], *row) for m, row in _STYLE.items()}
METHOD_ORDER = tuple(STYLES)  # tables and figures list methods in this order
METHOD_LABEL = {m: s.label for m, s in STYLES.items()}
METHOD_COLOUR = {m: s.colour for m, s in STYLES.items()}
METHOD_DASH = {m: s.dash for m, s in STYLES.items()}
METHOD_SYMBOL = {m: s.symbol for m, s in STYLES.items()}


def method_line(m: str) -> dict[str, str]:
    """A method's line in a plotly figure: its colour and dash."""
    return {"color": METHOD_COLOUR[m], "dash": METHOD_DASH[m]}


REGIME_TEXT = {
    "oracle": "Spectral Oracle samples, which keep every bridge (rare in the graph)",
    "rare": "the paper's frequencies, bridges in few targets (rare in the data)",
}


def error_bars(vals: Sequence[float], cis: Sequence[Sequence[float]]) -> dict[str, Any]:
    return {
        "type": "data",
        "symmetric": False,
        "array": [c[1] - v for c, v in zip(cis, vals, strict=True)],
        "arrayminus": [v - c[0] for c, v in zip(cis, vals, strict=True)],
    }


PROTOCOL_LABEL = {
    "random": "random",
    "standard": "standard (S = P_freq)",
    "weighted": "weighted (S = P_freq + λR)",
    "oracle": "Spectral Oracle",
    "oracle_sampling": "Spectral Oracle, Spielman–Srivastava sampling",
    "oracle_topk": "Spectral Oracle, top ρ|E| by R",
}


PROTOCOL_COLOUR = {  # Okabe-Ito, as report.METHOD_COLOUR
    "random": "#999999",
    "standard": "#D55E00",
    "weighted": "#0072B2",
    "oracle": "#009E73",
    "oracle_sampling": "#009E73",
    "oracle_topk": "#56B4E9",
}


EXP_TITLE = {
    "barbell": "Exp I: barbell",
    "asymmetric_chain": "Exp II: asymmetric chain",
    "custom": "Your graph (Exp I's rules)",
}


LEARNED_ROWS = {  # row -> (label, protocol method, paper key)
    "standard": ("standard loss", "standard", "standard"),
    "spectral": ("Eq. 4.1 loss: 1 + λR on both classes", "weighted", "weighted"),
    "score_shift": (
        "standard model, score p̂ + λR at decoding (needs R_eff when sampling)",
        "weighted",
        "weighted",
    ),
    "spectral_pos": ("positive-class weights: 1 + λR on kept targets (Exp IV's form)", None, None),
    "random": ("random (protocol only)", "random", "random"),
    "oracle": ("Spectral Oracle, sampling (protocol only)", "oracle_sampling", "oracle"),
}


REGIME_LABEL = {"rare": "rare in the data (the paper's)", "oracle": "rare in the graph (ours)"}


def protocol_label(key: str, res: dict[str, Any]) -> str:
    if key == "oracle":
        return PROTOCOL_LABEL[res.get("method", "oracle")]
    return PROTOCOL_LABEL.get(key, key)
