"""Numbers as text, the same way in every table, verdict and page."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["pct", "ci_text", "ci_suffix"]


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def pct(x: float | None, digits: int = 1) -> str:
    """A proportion as a percentage with ``digits`` decimals; ``n/a`` when undefined.

    Examples
    --------
    >>> pct(0.123), pct(0.123, digits=0), pct(float("nan"))
    ('12.3%', '12%', 'n/a')
    """
    return "n/a" if _missing(x) else f"{100 * float(x):.{digits}f}%"


def ci_text(ci: Sequence[float]) -> str:
    """An interval of proportions as ``[lo, hi]`` in percent; empty when undefined.

    Examples
    --------
    >>> ci_text([0.862, 0.916]), ci_text([float("nan"), float("nan")])
    ('[86.2, 91.6]', '')
    """
    lo, hi = ci
    return "" if _missing(lo) or _missing(hi) else f"[{100 * lo:.1f}, {100 * hi:.1f}]"


def ci_suffix(ci: Sequence[float]) -> str:
    """:func:`ci_text` after a space, for ``pct(x) + ci_suffix(ci)``; empty when undefined."""
    text = ci_text(ci)
    return f" {text}" if text else ""
