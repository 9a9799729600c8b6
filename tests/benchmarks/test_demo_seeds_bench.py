"""benchmarks/demo_seeds.py's arithmetic: what binomial noise alone costs the gap target."""

from __future__ import annotations

import doctest
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks import demo_seeds  # noqa: E402


def test_its_docstring_examples_hold():
    result = doctest.testmod(demo_seeds)
    assert result.attempted and not result.failed


def test_noise_alone_agrees_with_a_simulation():
    """The exact binomial tail, against 200,000 simulated seeds at the same rates (the
    weighted model at 1.0, as measured: it keeps the bridge in every sample)."""
    import numpy as np

    rng = np.random.default_rng(0)
    for standard, k in [(0.6, 32), (0.55, 32), (0.65, 128)]:
        one, _ = demo_seeds.noise_alone(1.0, standard, k, 1)
        gap = 1.0 - rng.binomial(k, standard, 200_000) / k
        assert np.mean(gap < demo_seeds.GAP_TARGET) == pytest.approx(one, abs=0.004)


def test_a_rate_that_leaves_room_rarely_misses_and_one_at_the_edge_always_does():
    assert demo_seeds.noise_alone(1.0, 0.3, 32, 20)[1] < 0.001
    assert demo_seeds.noise_alone(1.0, 0.75, 32, 20)[1] > 0.99
    assert demo_seeds.noise_alone(0.2, 0.0, 32, 1)[0] == 1.0  # weighted below the gap itself
