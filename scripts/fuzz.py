"""Run the fuzzers of tests/fuzz/ for a while: rounds of ``pytest tests/fuzz --hypothesis-profile
long`` (up to 5,000 examples per target), each round with its own hypothesis seed, until
``--minutes`` have passed; then one summary. A failing round prints its output and stops.

    python scripts/fuzz.py --minutes 20 --save docs/fuzz/last_run.txt

The quick version (25 examples per target) runs with the suite: ``python -m pytest tests/fuzz``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSING = re.compile(r"(\d+) passing examples")


def one_round(seed: int, profile: str) -> tuple[int, int, str, float]:
    """(exit status, passing examples, pytest's last line, seconds) of one round."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/fuzz",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--hypothesis-profile={profile}",
            f"--hypothesis-seed={seed}",
            "--hypothesis-show-statistics",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    out = proc.stdout + proc.stderr
    examples = sum(int(n) for n in PASSING.findall(out))
    last = next((line for line in reversed(out.splitlines()) if line.strip()), "")
    if proc.returncode != 0:  # the failures themselves (E lines), then pytest's summary
        errors = [line for line in out.splitlines() if line.startswith("E ")]
        print("\n".join(errors[:80]), out[-2000:], sep="\n", file=sys.stderr)
    return proc.returncode, examples, last.strip("= "), time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=20.0, help="how long to fuzz (default 20)")
    p.add_argument("--profile", default="long", help="hypothesis profile (default long)")
    p.add_argument("--first-seed", type=int, default=1, help="seed of the first round")
    p.add_argument("--save", help="also write the output to this file")
    args = p.parse_args(argv)
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    say(f"$ python scripts/fuzz.py --minutes {args.minutes:g} --profile {args.profile}")
    t0, total, rounds, status = time.perf_counter(), 0, 0, 0
    seed = args.first_seed
    while time.perf_counter() - t0 < args.minutes * 60 and status == 0:
        status, examples, last, seconds = one_round(seed, args.profile)
        rounds, total = rounds + 1, total + examples
        say(
            f"round {rounds} (seed {seed}): {examples:,} passing examples; {last} ({seconds:.0f} s)"
        )
        seed += 1
    minutes = (time.perf_counter() - t0) / 60
    verdict = "no findings" if status == 0 else "FINDING: see the output above"
    say(f"fuzzed {minutes:.1f} min: {rounds} rounds, {total:,} passing examples; {verdict}")
    if args.save:
        Path(args.save).parent.mkdir(parents=True, exist_ok=True)
        Path(args.save).write_text("\n".join(lines) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
