"""The classroom load test, many times in a row: stuck sessions per run and in total.

    python scripts/load_test.py --repeat 20                          # the teacher's link
    python scripts/load_test.py --repeat 20 --path distinct          # a seed per student
    python scripts/load_test.py --repeat 20 --path class             # benchmarks/class_load.py
    python scripts/load_test.py --repeat 2 -- --sessions 3 --browsers 0 --steps 100

Each run is a fresh server and a fresh class (``benchmarks/load_test.py``, or
``benchmarks/class_load.py`` for ``--path class``); arguments after ``--`` go to it. A
session is stuck when it started and did not finish (its page stopped before the
scoreboard, whatever the reason the run's own report gives). Prints one line per run, the
total, and ``target: 0 stuck sessions in N runs: met|missed``; exit 0 only when met.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = {
    "default": ["benchmarks/load_test.py"],
    "distinct": ["benchmarks/load_test.py", "--distinct-seeds"],
    "class": ["benchmarks/class_load.py"],
}
DONE = re.compile(r"(?:sessions|students) completed / started: (\d+) / (\d+)")
ERRORS = re.compile(r"^errors: (\d+)", re.M)


def one_run(cmd: list[str]) -> tuple[int, int, int, float, str]:
    """(completed, started, errors, seconds, last lines) of one run."""
    t0 = time.monotonic()
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    out = run.stdout + run.stderr
    done, errors = DONE.search(out), ERRORS.search(out)
    if done is None:  # the run itself broke: say how, count nothing as finished
        return 0, -1, -1, time.monotonic() - t0, "\n".join(out.splitlines()[-8:])
    tail = "\n".join(ln for ln in out.splitlines() if ln.startswith(("  ", "[watchdog]")))
    return int(done[1]), int(done[2]), int(errors[1]), time.monotonic() - t0, tail


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    shown = " ".join(argv)
    extra: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1 :]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=20, help="runs in a row (default 20)")
    ap.add_argument("--path", choices=sorted(PATHS), default="default")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error(f"--repeat {args.repeat}: must be at least 1")
    cmd = [sys.executable, *PATHS[args.path], *extra]
    print(f"$ python scripts/load_test.py {shown}")
    print(f"# {args.repeat} runs of: {' '.join(cmd[1:])}")
    stuck_total = errors_total = broken = 0
    for i in range(1, args.repeat + 1):
        done, started, errors, secs, tail = one_run(cmd)
        if started < 0:
            broken += 1
            print(f"run {i}: the run did not report (its last lines below), {secs:.0f} s")
            print(tail)
            continue
        stuck = started - done
        stuck_total += stuck
        errors_total += errors
        print(f"run {i}: {done} / {started} finished, {stuck} stuck, {errors} errors, {secs:.0f} s")
        if stuck or errors:
            print(tail)
    ok = stuck_total == 0 and broken == 0
    print(
        f"total: {stuck_total} stuck sessions, {errors_total} errors, "
        f"{broken} runs that did not report, in {args.repeat} runs"
    )
    print(f"target: 0 stuck sessions in {args.repeat} runs: {'met' if ok else 'missed'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
