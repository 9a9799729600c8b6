"""benchmarks/ray_pool.py runs end to end on a Ray it starts itself, and says whether the
duel on Ray is identical to the local processes' (its exit status says so too)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks import ray_pool as bench  # noqa: E402


@pytest.mark.slow
def test_the_benchmark_prints_both_backends_and_an_identical_duel(capsys):
    ray = pytest.importorskip("ray", reason="ray is not installed")
    if ray.is_initialized():
        pytest.skip("Ray is already joined in this process")
    assert bench.main(["--jobs", "3", "--steps", "5"]) == 0
    out = capsys.readouterr().out
    assert "process  start" in out and "ray      start" in out
    assert "ray's overhead per job over local processes" in out
    assert "weights True, history True" in out
    assert not ray.is_initialized()  # the Ray the pool started is stopped again
