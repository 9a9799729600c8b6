"""The slides' animations: frames from :mod:`.frames` (the app's figures), drawn by
:mod:`.render` (matplotlib, no browser) into a :class:`Clip`, then written as a GIF
(:mod:`.gif`, Pillow) or an MP4 (:mod:`.mp4`, ffmpeg). Drawing is the slow part: a clip
drawn once gives both formats."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...errors import ConfigError
from .frames import chain_frames, curve_frames, regime_frames
from .gif import gif_bytes
from .limits import SLIDE
from .mp4 import mp4_bytes
from .render import render_panels

FORMATS = ("gif", "mp4")


@dataclass(frozen=True)
class Clip:
    """An animation's drawn frames (PNG bytes: a few MB, cheap to cache and to pickle) and
    its timing: each frame ``ms``, the last held ``hold_ms``."""

    frames: tuple[bytes, ...]
    ms: int = 120
    hold_ms: int = 1500

    def images(self) -> list[Any]:
        """The frames as RGB PIL images."""
        from PIL import Image

        return [Image.open(io.BytesIO(png)).convert("RGB") for png in self.frames]

    def encode(self, fmt: str) -> bytes:
        """The clip as a file of format ``fmt`` (one of :data:`FORMATS`)."""
        if fmt not in FORMATS:
            raise ConfigError(f"unknown animation format {fmt!r}: choose {' or '.join(FORMATS)}")
        write = gif_bytes if fmt == "gif" else mp4_bytes
        return write(self.images(), ms=self.ms, hold_ms=self.hold_ms)


def duel_curves_clip(
    history: Sequence[dict[str, Any]], *, size: tuple[int, int] = SLIDE, n_frames: int = 30
) -> Clip:
    """The duel's training curves growing over its recorded history."""
    w, h = size
    figs = curve_frames(history, n_frames)
    return Clip(tuple(render_panels([f], width=w, height=h, fmt="png") for f in figs))


def duel_chain_clip(
    test: Any,
    samples: dict[str, Any],
    *,
    index: int = 0,
    seed: int = 0,
    size: tuple[int, int] = SLIDE,
    n_frames: int = 26,
) -> Clip:
    """Both models' reverse chains on the same held-out graph, from noise to the sample."""
    w, h = size
    title = "The reverse chain, x_T to x_0"
    pngs = tuple(
        render_panels(figs, width=w, height=h, headers=heads, title=title, fmt="png")
        for figs, heads in chain_frames(test, samples, index=index, seed=seed, n_frames=n_frames)
    )
    return Clip(pngs, ms=160)


def regime_sweep_clip(
    rm: dict[str, Any], *, axis: str = "lam", size: tuple[int, int] = SLIDE
) -> Clip:
    """The protocol's regime map (``protocol.regime_map``) sweeping eps, one column a frame."""
    w, h = size
    figs = regime_frames(rm, axis)
    return Clip(tuple(render_panels([f], width=w, height=h, fmt="png") for f in figs), ms=300)


def duel_curves_gif(history: Sequence[dict[str, Any]], **kwargs: Any) -> bytes:
    """:func:`duel_curves_clip` as a GIF."""
    return duel_curves_clip(history, **kwargs).encode("gif")


def duel_chain_gif(test: Any, samples: dict[str, Any], **kwargs: Any) -> bytes:
    """:func:`duel_chain_clip` as a GIF."""
    return duel_chain_clip(test, samples, **kwargs).encode("gif")


def regime_sweep_gif(rm: dict[str, Any], **kwargs: Any) -> bytes:
    """:func:`regime_sweep_clip` as a GIF."""
    return regime_sweep_clip(rm, **kwargs).encode("gif")
