"""benchmarks/load_test.py, small: the classroom load test still drives the app end to end.

The full run (30 sessions, ~1-5 minutes) is a documented command, not part of the suite;
this runs the same code with three light clients and a short duel, on distinct seeds so
the pool really queues, and checks the report it prints and saves.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_three_students_complete_the_lessons_default_path(tmp_path):
    report = tmp_path / "load.txt"
    cmd = [
        sys.executable,
        "benchmarks/load_test.py",
        "--sessions", "3",
        "--browsers", "0",
        "--steps", "100",
        "--ramp", "0.5",
        "--timeout", "240",
        "--distinct-seeds",
        "--pool-size", "1",
        "--save", str(report),
    ]  # fmt: skip
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "sessions completed / started: 3 / 3" in out
    assert "errors: 0" in out
    # one worker, three different duels: somebody waited, and the pool says what it did
    assert "worst place in the queue a session saw:" in out
    assert "train jobs 3, train done 3, sample jobs 3, sample done 3, failed 0" in out
    assert "peak server memory" in out
    saved = report.read_text()
    assert saved.startswith("$ python benchmarks/load_test.py --sessions 3")
    assert "sessions completed / started: 3 / 3" in saved
