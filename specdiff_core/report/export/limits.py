"""What every slide animation obeys, whatever its format (:mod:`.gif`, :mod:`.mp4`): the
slide's sizes, the 5 MB a deck takes and the frames' timing, so that a GIF and an MP4 of
the same frames last as long and are refused alike."""

from __future__ import annotations

import math
from fractions import Fraction

from ...errors import ConfigError

SLIDE = (960, 540)  # pixels: a 16:9 slide's picture; 1280 x 720 fits too
MAX_BYTES = 5 * 1024 * 1024  # what a slide deck takes without complaint
SIZES = {"960x540": (960, 540), "1280x720": (1280, 720), "640x360": (640, 360)}
MIN_FPS = 10  # a video slower than this plays choppily in some slide programs


def slide_size(text: str) -> tuple[int, int]:
    """A size of the form ``WIDTHxHEIGHT`` (one of :data:`SIZES`).

    >>> slide_size("1280x720")
    (1280, 720)
    """
    if text not in SIZES:
        raise ConfigError(f"unknown slide size {text!r}: choose one of {', '.join(SIZES)}")
    return SIZES[text]


def durations(n: int, ms: int, hold_ms: int) -> list[int]:
    """Each of ``n`` frames' time on screen in ms: ``ms``, the last ``hold_ms``, both to the
    10 ms a GIF can store.

    >>> durations(3, 124, 1500)
    [120, 120, 1500]
    """
    if n < 2:
        raise ConfigError("an animation needs at least two frames")
    ms, hold_ms = (10 * max(1, round(t / 10)) for t in (ms, hold_ms))
    return [ms] * (n - 1) + [hold_ms]


def frame_rate(times: list[int]) -> tuple[Fraction, list[int]]:
    """A fixed frame rate (frames per second, at least :data:`MIN_FPS`) and how many times
    to repeat each frame so that each lasts its ``times`` (ms) exactly.

    >>> frame_rate([160, 160, 1500])
    (Fraction(50, 1), [8, 8, 75])
    >>> frame_rate([300, 1500])
    (Fraction(10, 1), [3, 15])
    """
    unit = Fraction(math.gcd(*times))  # ms per video frame
    unit /= math.ceil(unit * MIN_FPS / 1000)
    return 1000 / unit, [int(t / unit) for t in times]


def within_limit(data: bytes, what: str) -> bytes:
    """``data`` if a slide deck takes it, else a ``ConfigError`` that says what to change."""
    if len(data) > MAX_BYTES:
        raise ConfigError(
            f"the {what} would be {len(data) / 2**20:.1f} MB, over the slide limit of "
            f"{MAX_BYTES / 2**20:.0f} MB: ask for fewer frames or a smaller size"
        )
    return data
