"""benchmarks/class_load.py, small: students write to the class store through the app while
the teacher view refreshes, and no row is lost.

The full run (30 students, about a minute) is a documented command (docs/classroom.md);
this runs the same code with three students on two seeds and a short duel.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_three_students_lose_no_row_while_the_teacher_watches(tmp_path):
    report = tmp_path / "class.txt"
    cmd = [
        sys.executable, "benchmarks/class_load.py",
        "--students", "3", "--seeds", "2", "--steps", "100", "--ramp", "0.5",
        "--timeout", "240", "--save", str(report),
    ]  # fmt: skip
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "students completed / started: 3 / 3" in out and "errors: 0" in out
    assert "answers: expected 12, stored 12, lost 0" in out
    assert "predictions: expected 3, stored 3, lost 0" in out
    assert "duels: expected 3, stored 3, lost 0" in out
    assert "teacher's last view: 3 students, 12 answers, 3 predictions, 3 finished duels " in out
    assert "(the rows stored)" in out and "teacher's estimate: Over 2 seeds (3 students)" in out
    assert report.read_text().startswith("$ python benchmarks/class_load.py --students 3")
