"""``bench``: run one of the repository's benchmarks (benchmarks/, beside the library)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import CLIError, add_force, check_output

BENCHMARKS = ("resistance", "diffusion", "cost", "protocol")  # modules of benchmarks/


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("bench", help="benchmarks that print figures against in-run baselines")
    p.add_argument("what", choices=BENCHMARKS)
    p.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    p.add_argument("--out", help="also write the rows as JSON here")
    add_force(p)
    return p


def run(args: argparse.Namespace) -> int:
    """Run one of the repository's benchmarks (benchmarks/, beside the library)."""
    import importlib

    from ..paths import BENCHMARKS_DIR

    if args.out and not Path(args.out).is_dir():  # (cost writes cost.json into a folder)
        check_output(args.out, force=args.force)  # before minutes of benchmarking
    root = BENCHMARKS_DIR.parent
    if not (BENCHMARKS_DIR / f"{args.what}.py").is_file():
        raise CLIError(
            f"benchmark {args.what!r} not found: the benchmarks live in the repository's "
            f"benchmarks/ folder, which is not beside this installation ({root})"
        )
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    bench = importlib.import_module(f"benchmarks.{args.what}")
    return int(bench.main(quick=args.quick, out=args.out) or 0)
