"""Confidence intervals: Wilson for a proportion, Student-t for a mean over replicates."""

from __future__ import annotations

import math

import numpy as np

from ..errors import ConfigError

Z95 = 1.959963984540054  # two-sided 95% normal quantile


def wilson_ci(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion ``successes / n``.

    Returns ``(nan, nan)`` for ``n = 0``; the bounds are exactly 0 for ``0/n`` and
    exactly 1 for ``n/n``.

    Raises
    ------
    ConfigError
        Negative counts, ``successes > n`` or ``z <= 0``.

    References
    ----------
    E. B. Wilson, "Probable inference, the law of succession, and statistical
    inference", J. Am. Stat. Assoc. 22, 1927.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_ci(5, 10)]
    [0.2366, 0.7634]
    """
    if not (0 <= successes <= n) or int(successes) != successes or int(n) != n:
        raise ConfigError(f"need integers 0 <= successes <= n, got {successes}/{n}")
    if not (z > 0 and math.isfinite(z)):
        raise ConfigError(f"z must be a positive finite number, got {z}")
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    denom = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, center - half)
    high = 1.0 if successes == n else min(1.0, center + half)
    return (low, high)


def t_interval(values: object, level: float = 0.95) -> list[float]:
    """Student-t interval of the mean of ``values``, one per independent replicate (a
    trained model, an SGD trajectory); ``[nan, nan]`` for fewer than two.

    Examples
    --------
    >>> [round(x, 3) for x in t_interval([0.5, 0.7, 0.6])]
    [0.352, 0.848]
    """
    from scipy import stats

    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or len(x) < 2:
        return [math.nan, math.nan]
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return [float(x.mean()) - half, float(x.mean()) + half]
