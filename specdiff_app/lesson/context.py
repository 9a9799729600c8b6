"""The settings one lesson run works with: the seed and the duel the lesson trains."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import duel_panel as ui
from ..url import url_choice

FAMILY = "barbell"  # the lesson's duel trains on barbells


@dataclass(frozen=True)
class Lesson:
    """One run of the lesson page: the session's seed and the duel's settings.

    The duel settings come from the address (``duel_steps``, ``duel_lam``, ``duel_regime``,
    ``duel_eps``, ``duel_decoder``), the Diffusion Duel page's names, so a teacher's link
    changes the duel in both places; the lesson has no widgets for them.
    """

    seed: int
    steps: int
    lam: float
    regime: str  # "oracle" (rare in the graph) or "rare" (in the data, the paper's)
    eps: float
    decoder: str  # "chain" or "topk"
    k: int  # samples per model

    @classmethod
    def from_url(cls, seed: int) -> Lesson:
        D = ui.DEFAULT
        return cls(
            seed=seed,
            steps=url_choice("duel_steps", ui.STEP_OPTIONS, D["steps"]),
            lam=url_choice("duel_lam", ui.LAMBDA_OPTIONS, D["lam"]),
            regime=url_choice("duel_regime", ui.REGIME_OPTIONS, D["regime"]),
            eps=url_choice("duel_eps", ui.EPS_OPTIONS, D["eps"]),
            decoder=url_choice("duel_decoder", ui.DECODER_OPTIONS, D["decoder"]),
            k=D["k"],
        )

    @property
    def rare(self) -> bool:
        """The bridge is rare in the data (the paper's regime)."""
        return self.regime == "rare"

    def duel_key(self, lam: float | None = None) -> tuple:
        return ui.duel_key(
            FAMILY, self.steps, self.lam if lam is None else lam, self.seed, self.regime, self.eps
        )

    def duel_state(self, lam: float | None = None) -> dict[str, Any]:
        """The session's duel with these settings (λ overridden by the fix step's slider);
        once trained, its samples are requested so they are ready when wanted."""
        state = ui.duel_state(self.duel_key(lam))
        ui.collect(state)
        if state["duel"].done:
            ui.request_samples(state, self.k, self.seed, self.decoder)
        return state
