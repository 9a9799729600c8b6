"""scripts/load_test.py --repeat and scripts/soak.py: the long classroom checks are one
command each. Here at tiny sizes (the lead runs 20 x 30 sessions and the 30-minute soak)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from scripts import load_test as repeat  # noqa: E402
from scripts import soak  # noqa: E402


def fake_run(report: str) -> list[str]:
    return [sys.executable, "-c", f"print({report!r})"]


def test_a_session_that_did_not_finish_counts_as_stuck():
    done, started, errors, _, _ = repeat.one_run(
        fake_run("sessions completed / started: 29 / 30\nerrors: 1\n  light-7: TimeoutError")
    )
    assert (done, started, errors) == (29, 30, 1)
    assert repeat.one_run(fake_run("students completed / started: 3 / 3\nerrors: 0"))[:3] == (
        3, 3, 0,
    )  # fmt: skip
    assert repeat.one_run(fake_run("Traceback: it broke"))[1] == -1  # no report: not a pass


def test_memory_is_flat_only_when_the_last_third_stays_near_the_middle():
    flat = [(t, 1000.0 + (t % 3)) for t in range(0, 90, 5)]
    growing = [(t, 1000.0 + 10 * t) for t in range(0, 90, 5)]
    assert soak.memory_lines(flat, 0.10)[1]
    lines, ok = soak.memory_lines(growing, 0.10)
    assert not ok and lines[-1].startswith("memory: middle third mean")
    assert not soak.memory_lines([(0, 1.0)], 0.10)[1]  # too few samples: not judged flat


@pytest.mark.slow
def test_two_repeats_of_three_sessions():
    cmd = [sys.executable, "scripts/load_test.py", "--repeat", "2", "--",
           "--sessions", "3", "--browsers", "0", "--steps", "100", "--ramp", "0.5"]  # fmt: skip
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "run 2: 3 / 3 finished, 0 stuck, 0 errors" in out
    assert "target: 0 stuck sessions in 2 runs: met" in out


@pytest.mark.slow
def test_a_short_soak_with_reconnects():
    cmd = [sys.executable, "scripts/soak.py", "--minutes", "0.5", "--sessions", "3",
           "--steps", "100", "--sample", "1", "--drop", "0.5"]  # fmt: skip
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    out = run.stdout + run.stderr
    # Half a minute is all warm-up (caches and workers filling): memory is printed and
    # judged, but only the 30-minute soak's verdict on it means anything.
    assert "with a reconnect)" in out and "errors: 0" in out and "stuck cycles: 0" in out, out
    assert "target: 0 errors: met" in out and "target: 0 stuck cycles: met" in out, out
    assert "memory: middle third mean" in out and "target: memory flat" in out, out
