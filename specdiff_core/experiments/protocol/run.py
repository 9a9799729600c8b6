"""All four experiments of the paper's Section 5 and the regime maps, as one JSON-ready
result (what ``reproduce --experiment paper_protocol`` writes)."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from .dynamics import run_dynamics
from .regime import regime_map
from .reported import PAPER_THICKNESS
from .settings import ProtocolConfig
from .tables import run_table
from .thickness import run_thickness, thickness_variants


def run_protocol(
    cfg: ProtocolConfig | None = None,
    *,
    maps: bool = True,
    long_run: bool = True,
    variants: bool = True,
) -> dict[str, Any]:
    """All four experiments of the paper's Section 5 (and the regime maps), JSON-ready.
    ``long_run``, ``variants`` and ``maps`` can be left out where speed matters (the app
    redraws Exp I-IV in about half a second without them)."""
    from ... import __version__

    cfg = cfg or ProtocolConfig()
    t0 = time.perf_counter()
    body: dict[str, Any] = {
        "experiment": "paper_protocol",
        "version": __version__,
        "description": "the paper's own protocol (Algorithm 5.1): a scoring simulation",
        "config": _jsonable(asdict(cfg)),
        "barbell": run_table("barbell", cfg, long_run=long_run),
        "asymmetric_chain": run_table("asymmetric_chain", cfg, long_run=long_run),
        "thickness": run_thickness(cfg),
        "dynamics": run_dynamics(cfg),
        "paper_thickness": dict(PAPER_THICKNESS),
    }
    if variants:
        body["thickness_variants"] = thickness_variants(cfg)
    if maps:
        body["regime_map"] = regime_map(cfg)
    body["seconds"] = time.perf_counter() - t0
    return body


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}
