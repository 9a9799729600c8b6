"""Frames to an animated GIF with Pillow (a dependency of matplotlib), small enough for a
slide: an adaptive palette per frame, the last frame held, and a check on the size."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from ...errors import ConfigError

SLIDE = (960, 540)  # pixels: a 16:9 slide's picture; 1280 x 720 fits too
MAX_BYTES = 5 * 1024 * 1024  # what a slide deck takes without complaint
SIZES = {"960x540": (960, 540), "1280x720": (1280, 720), "640x360": (640, 360)}


def slide_size(text: str) -> tuple[int, int]:
    """A size of the form ``WIDTHxHEIGHT`` (one of :data:`SIZES`).

    >>> slide_size("1280x720")
    (1280, 720)
    """
    if text not in SIZES:
        raise ConfigError(f"unknown slide size {text!r}: choose one of {', '.join(SIZES)}")
    return SIZES[text]


def gif_bytes(
    images: Sequence[Any], *, ms: int = 120, hold_ms: int = 1500, colours: int = 128
) -> bytes:
    """An animated GIF of PIL ``images`` (``ms`` each, the last held ``hold_ms``), looping.

    Raises ``ConfigError`` if it would exceed :data:`MAX_BYTES` (fewer frames or a smaller
    size fix it)."""
    if len(images) < 2:
        raise ConfigError("an animation needs at least two frames")
    frames = [im.convert("RGB").quantize(colours, dither=0) for im in images]
    buf = io.BytesIO()
    frames[0].save(
        buf,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[ms] * (len(frames) - 1) + [hold_ms],
        loop=0,
        optimize=True,
        disposal=1,
    )
    data = buf.getvalue()
    if len(data) > MAX_BYTES:
        raise ConfigError(
            f"the GIF would be {len(data) / 2**20:.1f} MB, over the slide limit of "
            f"{MAX_BYTES / 2**20:.0f} MB: ask for fewer frames or a smaller size"
        )
    return data
