"""benchmarks/replay.py, small: two sessions watch a short stored run to its end and the
benchmark prints its target line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_replay_benchmark_runs_and_prints_its_target():
    cmd = [sys.executable, "benchmarks/replay.py", "--sessions", "2", "--steps", "20"]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 sessions watched replays" in run.stdout
    assert "target: replay CPU per session: " in run.stdout
