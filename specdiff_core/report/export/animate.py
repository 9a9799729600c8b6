"""The slides' animations: frames from :mod:`.frames` (the app's figures), drawn by
:mod:`.render` (matplotlib, no browser) and written by :mod:`.gif` (Pillow)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .frames import chain_frames, curve_frames, regime_frames
from .gif import SLIDE, gif_bytes
from .render import render_panels


def duel_curves_gif(
    history: Sequence[dict[str, Any]], *, size: tuple[int, int] = SLIDE, n_frames: int = 30
) -> bytes:
    """The duel's training curves growing over its recorded history."""
    w, h = size
    return gif_bytes(
        [render_panels([f], width=w, height=h) for f in curve_frames(history, n_frames)]
    )


def duel_chain_gif(
    test: Any,
    samples: dict[str, Any],
    *,
    index: int = 0,
    seed: int = 0,
    size: tuple[int, int] = SLIDE,
    n_frames: int = 26,
) -> bytes:
    """Both models' reverse chains on the same held-out graph, from noise to the sample."""
    w, h = size
    images = [
        render_panels(figs, width=w, height=h, headers=heads, title="The reverse chain, x_T to x_0")
        for figs, heads in chain_frames(test, samples, index=index, seed=seed, n_frames=n_frames)
    ]
    return gif_bytes(images, ms=160)


def regime_sweep_gif(
    rm: dict[str, Any], *, axis: str = "lam", size: tuple[int, int] = SLIDE
) -> bytes:
    """The protocol's regime map (``protocol.regime_map``) sweeping eps, one column a frame."""
    w, h = size
    return gif_bytes(
        [render_panels([f], width=w, height=h) for f in regime_frames(rm, axis)], ms=300
    )
