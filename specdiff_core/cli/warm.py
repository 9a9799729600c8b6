"""``warm``: train the app's preset duels into the run store before class, so that the
server replays them instead of training them (docs/classroom.md, "Before class: warm")."""

from __future__ import annotations

import argparse
import time

from .common import CLIError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from ..server.warmer import FAMILIES, GRIDS, REGIMES

    p = sub.add_parser(
        "warm",
        help="train the app's preset duels into the run store (before class)",
        description="Train every duel of a grid that the run store lacks and store it; a "
        "duel already stored for this version is skipped. The server then replays them.",
    )
    p.add_argument(
        "--grid", choices=GRIDS, default="default", help="which duels (default: %(default)s)"
    )
    p.add_argument(
        "--store",
        help="the run store's folder (default: $SPECDIFF_RUN_STORE or ~/.cache/specdiff/runs)",
    )
    p.add_argument("--families", help=f"comma-separated subset of {','.join(FAMILIES)}")
    p.add_argument("--regimes", help=f"comma-separated subset of {','.join(REGIMES)}")
    p.add_argument("--seeds", help="a count N, a range A-B or a list (default: 0-3)")
    p.add_argument("--steps", type=int, help="training steps per duel (default: the app's)")
    p.add_argument("--workers", type=int, help="duels trained at once (default: the CPU count)")
    return p


def _subset(text: str | None, allowed: tuple[str, ...], option: str) -> list[str] | None:
    if text is None:
        return None
    picked = [t.strip() for t in text.split(",") if t.strip()]
    bad = [t for t in picked if t not in allowed]
    if bad or not picked:
        raise CLIError(f"{option} {text}: choose from {', '.join(allowed)}")
    return picked


def run(args: argparse.Namespace) -> int:
    from ..server import JobPool
    from ..server.run_store import RunStore
    from ..server.warmer import FAMILIES, REGIMES, grid_keys, warm
    from .reproduce import parse_seeds

    keys = grid_keys(
        args.grid,
        families=_subset(args.families, FAMILIES, "--families"),
        regimes=_subset(args.regimes, REGIMES, "--regimes"),
        seeds=None if args.seeds is None else parse_seeds(args.seeds),
        steps=args.steps,
    )
    store = RunStore(args.store)
    if store.root.exists() and not store.root.is_dir():
        raise CLIError(f"--store {store.root}: not a folder")
    t0 = time.perf_counter()
    # No reaper: this process waits on every ticket itself, one after the other.
    pool = JobPool(workers=args.workers, processes=True, reap_every=0)
    try:
        counts = warm(keys, store, pool=pool, progress=print)
    finally:
        pool.shutdown()
    print(
        f"warm --grid {args.grid}: {counts['stored']} duel(s) trained and stored, "
        f"{counts['skipped']} already stored, in {time.perf_counter() - t0:.1f} s "
        f"({len(keys)} in the grid; store {store.root})"
    )
    return 0
