"""Frames to an animated GIF with Pillow (a dependency of matplotlib), small enough for a
slide: an adaptive palette per frame, the last frame held, and a check on the size (its
timing and limit come from :mod:`.limits`, shared with :mod:`.mp4`)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from .limits import durations, within_limit


def gif_bytes(
    images: Sequence[Any], *, ms: int = 120, hold_ms: int = 1500, colours: int = 128
) -> bytes:
    """An animated GIF of PIL ``images`` (``ms`` each, the last held ``hold_ms``), looping.

    Raises ``ConfigError`` if it would exceed :data:`.limits.MAX_BYTES` (fewer frames or a smaller
    size fix it)."""
    times = durations(len(images), ms, hold_ms)
    frames = [im.convert("RGB").quantize(colours, dither=0) for im in images]
    buf = io.BytesIO()
    frames[0].save(
        buf,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=times,
        loop=0,
        optimize=True,
        disposal=1,
    )
    return within_limit(buf.getvalue(), "GIF")
