"""A long class: sessions cycle through the lesson's duel for --minutes, dropping their
connection and coming back, while the server's memory is sampled.

    python scripts/soak.py --minutes 30 --sessions 30                # the issue's soak
    python scripts/soak.py --minutes 1 --sessions 3 --steps 100      # a quick look

It starts ``streamlit run app.py`` and runs --sessions light websocket clients
(``benchmarks/load_test.LightSession``) until the time is up. A cycle: open
``/lesson?step=run`` on one of --seeds seeds, press *Train both models*; in a --drop share
of cycles the client closes its connection while training and opens the address it last
had again (a reload: a new session, whose ``duel_run`` finds the training); then wait for
"Training finished", press *Next*, wait for the scoreboard, close. A cycle that does not
finish within --timeout is stuck; an exception on a page is an error. Every --sample s
the server's resident memory (its process tree) is recorded. Prints the cycles, errors,
stuck cycles, the memory by minute and ``target:`` lines (0 errors, 0 stuck, memory flat:
the last third of the samples within --flat of the middle third's mean); exit 0 when all
are met.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.load_test import AppServer, LightSession, MemorySampler  # noqa: E402

MARK_TRAINED, MARK_DONE = "Training finished", "Scoreboard:"


class Tally:
    def __init__(self) -> None:
        self.cycles = self.reconnects = 0
        self.errors: list[str] = []
        self.stuck: list[str] = []
        self.memory: list[tuple[float, float]] = []  # (seconds since start, MiB)


async def opened(session: LightSession, body) -> None:
    import websockets

    host = urlsplit(session.base).netloc
    async with websockets.connect(
        f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
        open_timeout=120, ping_interval=None,
    ) as ws:  # fmt: skip
        session.ws = ws
        rx = asyncio.create_task(session.receive())
        try:
            await body(session)
        finally:
            for t in session.timers.values():
                t.cancel()
            session.timers.clear()
            rx.cancel()


async def cycle(name: str, base: str, query: str, drop: bool, args, tally: Tally) -> None:
    first = LightSession(name, base, query)

    async def train(s: LightSession) -> None:
        await s.send()
        await s.click("lesson_train", args.timeout)
        if drop:  # leave while training, once the address names the run (a reload finds it)
            await s.until(lambda: "duel_run=" in s.query, args.timeout, "duel_run in the address")
            await asyncio.sleep(random.uniform(0.2, 1.5))

    async def finish(s: LightSession) -> None:
        if s is not first:
            await s.send()
        await s.until(lambda: s.saw(MARK_TRAINED), args.timeout, "trained duel")
        await s.click("lesson_next", args.timeout)
        await s.until(lambda: s.saw(MARK_DONE), args.timeout, "scoreboard")

    if drop:
        await opened(first, train)
        tally.reconnects += 1
        again = LightSession(name, base, first.query)  # the address it had: a reload
        await opened(again, finish)
        exceptions = first.exceptions + again.exceptions
    else:

        async def both(s: LightSession) -> None:
            await train(s)
            await finish(s)

        await opened(first, both)
        exceptions = first.exceptions
    tally.errors += [f"{name}: {e[:200]}" for e in exceptions]


async def student(i: int, base: str, args, tally: Tally, deadline: float) -> None:
    rng = random.Random(args.seed * 1000 + i)
    n = 0
    while time.monotonic() < deadline:
        n += 1
        seed = rng.randrange(args.seeds)
        query = f"step=run&duel_steps={args.steps}&seed={seed}"
        name = f"student-{i}.{n}"
        try:
            await cycle(name, base, query, rng.random() < args.drop, args, tally)
            tally.cycles += 1
        except TimeoutError as exc:
            tally.stuck.append(f"{name}: {str(exc)[:300]}")
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            tally.errors.append(f"{name}: {type(exc).__name__}: {str(exc)[:300]}")


async def drive(base: str, args, tally: Tally, sampler: MemorySampler) -> None:
    t0 = time.monotonic()
    deadline = t0 + args.minutes * 60

    async def sample() -> None:
        while True:
            tally.memory.append((time.monotonic() - t0, sampler.rss()))
            await asyncio.sleep(args.sample)

    probe = asyncio.create_task(sample())
    await asyncio.gather(*(student(i, base, args, tally, deadline) for i in range(args.sessions)))
    tally.memory.append((time.monotonic() - t0, sampler.rss()))
    probe.cancel()


def memory_lines(memory: list[tuple[float, float]], flat: float) -> tuple[list[str], bool]:
    """Memory by minute, and whether the last third stays within ``flat`` of the middle
    third (the first third is the warm-up: caches and workers filling)."""
    lines, by_minute = [], {}
    for t, mib in memory:
        by_minute.setdefault(int(t // 60), []).append(mib)
    for m, xs in sorted(by_minute.items()):
        lines.append(f"  minute {m + 1}: mean {sum(xs) / len(xs):.0f} MiB, max {max(xs):.0f}")
    k = len(memory) // 3
    if k == 0:
        return lines + ["memory: too few samples to judge"], False
    middle = [x for _, x in memory[k : 2 * k]]
    last = [x for _, x in memory[2 * k :]]
    mid, end = sum(middle) / len(middle), sum(last) / len(last)
    growth = (end - mid) / mid
    lines.append(
        f"memory: middle third mean {mid:.0f} MiB, last third {end:.0f} MiB ({growth:+.1%})"
    )
    return lines, growth <= flat


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--seeds", type=int, default=5, help="each cycle picks one of these seeds")
    ap.add_argument("--steps", type=int, default=None, help="duel steps (default: the app's)")
    ap.add_argument("--drop", type=float, default=0.3, help="share of cycles that reconnect")
    ap.add_argument("--timeout", type=float, default=600.0, help="per wait, seconds")
    ap.add_argument("--sample", type=float, default=5.0, help="seconds between memory samples")
    ap.add_argument("--flat", type=float, default=0.10, help="memory growth allowed (share)")
    ap.add_argument("--seed", type=int, default=0, help="the clients' random choices")
    args = ap.parse_args()
    if args.minutes <= 0 or args.sessions < 1 or args.seeds < 1 or not 0 <= args.drop <= 1:
        ap.error("--minutes > 0, --sessions >= 1, --seeds >= 1 and --drop in 0..1, please")
    if args.steps is None:
        from specdiff_core.experiments import DEMO

        args.steps = DEMO.steps
    random.seed(args.seed)
    os.environ["SPECDIFF_POOL_LOG"] = "1"
    server = AppServer().wait_ready()
    sampler = MemorySampler(server.proc.pid)
    tally, t0 = Tally(), time.monotonic()
    try:
        asyncio.run(drive(server.url, args, tally, sampler))
    finally:
        wall = time.monotonic() - t0
        server.stop()
    return report(args, tally, wall)


def report(args, tally: Tally, wall: float) -> int:
    print("$ python scripts/soak.py " + " ".join(sys.argv[1:]))
    print(
        f"# soak: {args.sessions} sessions for {args.minutes:g} min, duel of {args.steps} "
        f"steps on {args.seeds} seeds, {args.drop:.0%} of cycles reconnect; "
        f"{os.cpu_count()} cores; wall {wall:.0f} s"
    )
    print(f"cycles finished: {tally.cycles} ({tally.reconnects} with a reconnect)")
    print(f"errors: {len(tally.errors)}")
    for e in tally.errors[:10]:
        print(f"  {e}")
    print(f"stuck cycles: {len(tally.stuck)}")
    for e in tally.stuck[:10]:
        print(f"  {e}")
    lines, flat = memory_lines(tally.memory, args.flat)
    print("\n".join(lines))
    targets = {
        "0 errors": not tally.errors,
        "0 stuck cycles": not tally.stuck,
        f"memory flat (last third within {args.flat:.0%} of the middle third)": flat,
    }
    for what, ok in targets.items():
        print(f"target: {what}: {'met' if ok else 'missed'}")
    return 0 if all(targets.values()) and tally.cycles else 1


if __name__ == "__main__":
    sys.exit(main())
