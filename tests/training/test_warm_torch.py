"""warm_torch pays, ahead of time, what the first duel of a fresh process imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

FIRST_DUEL = """
import sys
from specdiff_core import experiments
from specdiff_core.training.duel import Duel, warm_torch
train, test = experiments.demo_examples(0, family="barbell")
if {warm}:
    warm_torch()
before = set(sys.modules)
Duel(experiments.demo_duel_config(0), train, probe=[test])
late = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in ("torch", "sympy"))
print(len(late), " ".join(late[:5]))
"""


@pytest.mark.parametrize("warm", [False, True])
def test_the_first_duel_of_a_warmed_process_imports_nothing_heavy(warm):
    out = subprocess.run(
        [sys.executable, "-c", FIRST_DUEL.format(warm=warm)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout.split()
    late = int(out[0])
    if warm:
        assert late == 0, out  # the Duel page's first duel starts at once
    else:
        assert late > 50, out  # what warming pays: torch._dynamo, sympy (hundreds)
