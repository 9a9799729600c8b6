"""The app's result pages as offline HTML (:func:`.html.offline_html`): the Duel page's
result (curves, samples, scoreboard) and the Paper protocol page (Exp I-IV and the regime
maps), from the same figure functions the pages call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..duel_figures import duel_curves
from ..figures import bars_figure
from ..paper_figures.protocol import (
    protocol_bars,
    regime_map_figure,
    single_logit_figure,
    thickness_figure,
)
from ..paper_tables import map_sentence, protocol_table_markdown
from ..styles import METHOD_LABEL
from .frames import DUEL_METHODS
from .html import Section, offline_html


def duel_html(
    history: Sequence[dict[str, Any]],
    test: Any,
    result: Any,
    *,
    seed: int = 0,
    settings: Mapping[str, Any] | None = None,
    index: int = 0,
) -> str:
    """The duel's result: its curves, both models' sample ``index`` of the held-out graph
    ``test`` and the scoreboard of ``result`` (``experiments.DuelSamples``)."""
    from ... import metrics, viz

    G, bridges = test.graph, np.asarray(test.bridges, dtype=bool)
    pos = viz.layout(G, seed=seed)
    k = len(next(iter(result.samples.values())).masks)
    graphs, lines = [], []
    for m in DUEL_METHODS:
        mask = np.asarray(result.samples[m].masks[index], dtype=bool)
        graphs.append(
            viz.graph_figure(
                G,
                test.resistance,
                pos=pos,
                bridges=bridges,
                kept=mask,
                title=f"{METHOD_LABEL[m]}: sample {index}",
            )
        )
        ok = metrics.preserves_connectivity(G, mask)
        lines.append(
            f"{METHOD_LABEL[m]}, sample {index}: {'connected' if ok else 'disconnected'}, "
            f"bridges kept {int(mask[bridges].sum())}/{int(bridges.sum())}."
        )
    board = [
        "| method | connected | bridge survival | edges kept | spectral error |",
        "|---|---|---|---|---|",
    ]
    for m, v in result.board.items():
        board.append(
            f"| {METHOD_LABEL.get(m, m)} | {v['connectivity']:.3f} | {v['bridge_survival']:.3f} "
            f"| {v['edge_retention']:.3f} | {v['spectral_error']:.3f} |"
        )
    shown = ", ".join(f"{k_}={v}" for k_, v in (settings or {}).items())
    return offline_html(
        "Diffusion Duel: standard vs spectrally-weighted",
        [
            Section("Training curves", [duel_curves(history)]),
            Section("Samples of the held-out graph", graphs, lines),
            Section(
                "Scoreboard",
                [
                    bars_figure(
                        result.board,
                        f"{k} samples per method on the held-out graph (95% Wilson CI)",
                    )
                ],
                board,
            ),
        ],
        note=f"Settings: {shown}; decoder {result.decoder}." if shown else "",
    )


def protocol_html(res: dict[str, Any], rm: dict[str, Any] | None = None, *, note: str = "") -> str:
    """The Paper protocol page: Exp I-IV of ``res`` (``protocol.run_protocol``) and the
    regime maps of ``rm`` (``protocol.regime_map``; default: ``res["regime_map"]``)."""
    rm = rm if rm is not None else res.get("regime_map")
    sections = [
        Section(
            "Exp I: barbell",
            [protocol_bars(res["barbell"], "Exp I: ours vs the paper")],
            protocol_table_markdown(res["barbell"], "barbell"),
        ),
        Section(
            "Exp II: asymmetric chain",
            [protocol_bars(res["asymmetric_chain"], "Exp II: ours vs the paper")],
            protocol_table_markdown(res["asymmetric_chain"], "asymmetric_chain"),
        ),
        Section("Exp III: thickness", [thickness_figure(res["thickness"])]),
        Section("Exp IV: one logit", [single_logit_figure(res["dynamics"])]),
    ]
    if rm:
        sections.append(
            Section(
                "Regime maps",
                [regime_map_figure(rm, "lam"), regime_map_figure(rm, "rho")],
                [map_sentence(rm)],
            )
        )
    return offline_html("The paper's protocol: a scoring simulation", sections, note=note)
