"""The CPU a stored-run replay costs the server per watching session.

    python benchmarks/replay.py                      # 30 sessions, the app's default duel
    python benchmarks/replay.py --sessions 5 --steps 100

Records the duel once into a temporary run store (a live training, not measured), then
has ``--sessions`` sessions press Play on it: each gets a replay (``server.session.train``
with the store) that the benchmark polls every ``POLL_SECONDS`` as the Duel page's live
panel does (``session.collect``, the ticket's view, the mirror's step and history), until
every replay has handed over its models (their restoring counted too). The CPU time of this
process over that span, per session, is what a replay costs in place of a training job.
Not counted: the page's own redraws (a Streamlit rerun and its figures), which a watcher
of a live run costs the same.

Ends with ``target: replay CPU per session: X% of a core (target < 2%): met|missed``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from specdiff_core import experiments
from specdiff_core.server import JobPool, session
from specdiff_core.server.replay import Replay
from specdiff_core.server.run_record import record_duel
from specdiff_core.server.run_store import RunStore, run_identity

POLL_SECONDS = 0.5  # specdiff_app.job_slot.POLL_SECONDS: how often a watching page polls
TARGET = 0.02  # of one core, per watching session


def examples(family, seed, regime, eps):
    return experiments.demo_examples(seed, family=family, regime=regime, eps=eps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--steps", type=int, default=experiments.DEMO.steps)
    args = ap.parse_args()
    key = session.duel_key("barbell", args.steps, experiments.DEMO.lam, 0)
    runs = RunStore(tempfile.mkdtemp(prefix="replay-bench-"))
    t0 = time.perf_counter()
    rec = record_duel(
        session.duel_state({}, key, examples)["duel"], run_identity(key), chunk=session.TRAIN_CHUNK
    )
    runs.save(rec)
    print(f"recorded {key}: {args.steps} steps in {time.perf_counter() - t0:.1f} s (not measured)")

    stores = [{} for _ in range(args.sessions)]
    states = [session.duel_state(s, key, examples) for s in stores]  # before the clock
    pool = JobPool(workers=1, reap_every=0)  # a replay submits nothing; pauses would
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for i, st in enumerate(states):
        session.train(st, args.steps, pool=pool, owner=f"s{i}", runs=runs)
        assert isinstance(st["train_ticket"], Replay), "the stored run was not found"
    polls = 0
    while any(session.in_flight(st) for st in states):
        for st in states:
            if st["train_ticket"] is not None:
                st["train_ticket"].poll()
                session.collect(st)
                duel = session.live_duel(st)
                _ = (duel.step_count, len(duel.history), duel.seconds)
                polls += 1
        time.sleep(POLL_SECONDS)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    pool.shutdown()
    assert all(st["duel"].step_count == args.steps for st in states)
    share = cpu / wall / args.sessions
    print(
        f"{args.sessions} sessions watched replays for {wall:.1f} s ({polls} polls, every "
        f"{POLL_SECONDS} s): {cpu:.2f} CPU-s in all, models restored included"
    )
    verdict = "met" if share < TARGET else "missed"
    print(
        f"target: replay CPU per session: {100 * share:.2f}% of a core "
        f"(target < {100 * TARGET:.0f}%): {verdict}"
    )


if __name__ == "__main__":
    main()
