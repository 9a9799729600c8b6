"""The class as one experiment, under load: N students work through the lesson while the
teacher view refreshes, and every row they wrote must be in the class store.

    python benchmarks/class_load.py                           # 30 students on 5 seeds
    python benchmarks/class_load.py --students 3 --seeds 2 --steps 100

It starts ``streamlit run app.py`` with a fresh class store (a temporary SQLite file) and
a teacher passcode, opens ``/teacher`` as a light client that types the passcode and then
refreshes as the page asks (every 3 s), and starts every student at once (within
``--ramp`` s). Students are light websocket clients (``load_test.LightSession``): student
i opens ``/lesson?step=reff&seed=<i mod --seeds>``, answers the questions of steps 1 and 2,
predicts at step 3, trains at step 4 and answers there, and at step 5 waits for the
scoreboard and answers (a question that does not appear within ``--question-wait`` s is
listed as an error and the student goes on without it). A row is expected for each answer whose feedback the student saw,
each prediction acknowledged ("Noted.") and each scoreboard shown; at the end the store's
rows are counted and lost = expected - stored, per table (the target is 0).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.load_test import AppServer, LightSession, pct  # noqa: E402

TABLES = ("answers", "predictions", "duels")
STATUS = re.compile(
    r"(\d+) students? · (\d+) answers? · (\d+) predictions? · (\d+) finished duels?"
)
FEEDBACK = ("✓ ", "✗ Not quite")
NOTED = "Noted."


class Client(LightSession):
    """A light session that also sets radios and text inputs, sending every value it has
    set with each rerun (as the browser does)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.inputs: dict[str, str] = {}  # user key -> widget id (radios, text inputs)
        self.options: dict[str, list[str]] = {}
        self.values: dict[str, str] = {}  # widget id -> string value

    def add_widget_states(self, states) -> None:
        for wid, value in self.values.items():
            w = states.widgets.add()
            w.id, w.string_value = wid, value

    def element(self, el) -> None:
        kind = el.WhichOneof("type")
        if kind == "radio":
            key = el.radio.id.rsplit("-", 1)[-1]
            self.inputs[key], self.options[key] = el.radio.id, list(el.radio.options)
        elif kind == "text_input":
            self.inputs[el.text_input.id.rsplit("-", 1)[-1]] = el.text_input.id
        super().element(el)

    async def set(self, key: str, value: str, timeout: float) -> None:
        await self.until(lambda: key in self.inputs, timeout, f"widget {key}")
        self.values[self.inputs[key]] = value
        self.texts.clear()
        await self.send()

    def saw_start(self, *starts: str) -> bool:
        return any(t.startswith(starts) for t in self.texts)


async def connected(client: Client, body) -> None:
    import websockets

    host = urlsplit(client.base).netloc
    async with websockets.connect(
        f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
        open_timeout=120, ping_interval=None,
    ) as ws:  # fmt: skip
        client.ws = ws
        rx = asyncio.create_task(client.receive())
        try:
            await body()
        finally:
            for t in client.timers.values():
                t.cancel()
            rx.cancel()


class Tally:
    def __init__(self) -> None:
        self.expected = dict.fromkeys(TABLES, 0)
        self.completed, self.errors, self.times = 0, [], []


async def student(i: int, args, base: str, tally: Tally) -> None:
    await asyncio.sleep(random.uniform(0, args.ramp))
    rng = random.Random(1000 + i)
    query = f"step=reff&duel_steps={args.steps}&seed={i % args.seeds}"
    s, t0, wait = Client(f"student-{i}", base, query), time.monotonic(), args.timeout

    async def answer(key: str, marker=FEEDBACK) -> None:
        try:
            await s.until(lambda: key in s.options, args.question_wait, f"question {key}")
        except TimeoutError as exc:  # a student would go on without it: count it, go on
            tally.errors.append(f"{s.name}: {exc}; went on without answering")
            return
        await s.set(key, rng.choice(s.options[key]), wait)
        await s.until(lambda: s.saw_start(*marker), wait, f"feedback on {key}")
        tally.expected["predictions" if marker == (NOTED,) else "answers"] += 1

    async def path() -> None:
        await s.send()
        await answer("lesson_q_reff")
        await s.click("lesson_next", wait)
        await answer("lesson_q_bridge")
        await s.click("lesson_next", wait)
        await answer("lesson_q_predict", (NOTED,))
        await s.click("lesson_next", wait)
        await s.click("lesson_train", wait)
        await s.until(lambda: s.saw("Training finished"), wait, "trained duel")
        await answer("lesson_q_run")
        await s.click("lesson_next", wait)
        await s.until(lambda: s.saw("Scoreboard:"), wait, "scoreboard")
        tally.expected["duels"] += 1
        await answer("lesson_q_fail")

    try:
        await connected(s, path)
        tally.completed += 1  # to the end of the path (errors on the way are listed)
        tally.times.append(time.monotonic() - t0)
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        tally.errors.append(f"{s.name}: {type(exc).__name__}: {str(exc)[:300]}")


class Teacher(Client):
    """The teacher's page: its status line at every refresh, and how long each took."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.views: list[tuple[int, ...]] = []
        self.latency: list[float] = []
        self.effect, self.effect_at = "", -1  # the estimate's sentence, and at which view
        self._sent: float | None = None

    async def rerun_every(self, fragment: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            self._sent = time.monotonic()
            await self.send(fragment=fragment)

    def element(self, el) -> None:
        super().element(el)
        if el.WhichOneof("type") != "markdown":
            return
        body = el.markdown.body
        m = STATUS.search(body)
        if m:
            self.views.append(tuple(int(x) for x in m.groups()))
            if self._sent is not None:
                self.latency.append(time.monotonic() - self._sent)
                self._sent = None
        elif body.startswith(("Over ", "One seed so far")):
            self.effect, self.effect_at = body, len(self.views)


async def drive(args, base: str, passcode: str, db: Path) -> tuple[Tally, Teacher, dict]:
    tally, teacher = Tally(), Teacher("teacher", base, "", page="teacher")
    ready, done = asyncio.Event(), asyncio.Event()

    async def watch() -> None:
        # The teacher opens the app before the class does (docs/classroom.md): until a
        # session has run app.py, a first deep link can land on a page without its state.
        await teacher.send()
        await teacher.set("teacher_pass", passcode, args.timeout)
        await teacher.until(lambda: bool(teacher.views), args.timeout, "the teacher view")
        ready.set()
        await done.wait()
        stored = counts(db)  # the students are done: the next refreshes must show it all
        want = (stored["answers"], stored["predictions"], stored["duels"])
        deadline = time.monotonic() + 20

        def current() -> bool:  # the last refresh shows every row, down to the estimate
            v = teacher.views
            return bool(v) and v[-1][1:] == want and teacher.effect_at == len(v)

        while time.monotonic() < deadline and not current():
            await asyncio.sleep(0.2)

    watcher = asyncio.create_task(connected(teacher, watch))
    await ready.wait()
    await asyncio.gather(*(student(i, args, base, tally) for i in range(args.students)))
    await asyncio.sleep(1.0)  # the writer commits within milliseconds; leave it a second
    done.set()
    await watcher
    return tally, teacher, counts(db)


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--seeds", type=int, default=5, help="student i uses seed i mod this")
    ap.add_argument(
        "--steps", type=int, default=None, help="training steps of the duel (default: the app's)"
    )
    ap.add_argument("--ramp", type=float, default=3.0, help="students start within this many s")
    ap.add_argument("--timeout", type=float, default=600.0, help="per wait, seconds")
    ap.add_argument(
        "--question-wait",
        type=float,
        default=90.0,
        help="seconds a student waits for a question to appear before going on without it",
    )
    ap.add_argument("--save", help="also write the report to this file")
    args = ap.parse_args()
    if args.steps is None:
        from specdiff_core.experiments import DEMO

        args.steps = DEMO.steps

    db = Path(tempfile.mkdtemp(prefix="class-load-")) / "class.sqlite3"
    passcode = secrets.token_urlsafe(12)
    os.environ.update(SPECDIFF_CLASS_DB=str(db), SPECDIFF_TEACHER_PASSCODE=passcode)
    server = AppServer().wait_ready()
    t0 = time.monotonic()
    try:
        tally, teacher, stored = asyncio.run(drive(args, server.url, passcode, db))
    finally:
        wall = time.monotonic() - t0
        log = server.log_path.read_text()
        server.stop()
        shutil.rmtree(db.parent, ignore_errors=True)
    lines = report(args, tally, teacher, stored, wall, log)
    if args.save:
        Path(args.save).parent.mkdir(parents=True, exist_ok=True)
        Path(args.save).write_text("\n".join(lines) + "\n")
    lost = sum(max(0, tally.expected[t] - stored[t]) for t in TABLES)
    ok = not lost and not tally.errors and tally.completed == args.students
    return 0 if ok and teacher.views and teacher.views[-1][1:] == tuple(stored.values()) else 1


def report(args, tally: Tally, teacher: Teacher, stored: dict, wall: float, log: str) -> list[str]:
    lines = ["$ python benchmarks/class_load.py " + " ".join(sys.argv[1:])]

    def say(text: str) -> None:
        print(text)
        lines.append(text)

    say(
        f"# class load test: {args.students} students (light websocket clients) on "
        f"{args.seeds} seeds, duel of {args.steps} steps, the teacher view open throughout; "
        f"{os.cpu_count()} cores; wall {wall:.0f} s"
    )
    say(f"students completed / started: {tally.completed} / {args.students}")
    tally.errors += [f"teacher: {e[:300]}" for e in teacher.exceptions]
    say(f"errors: {len(tally.errors)}")
    for e in tally.errors[:10]:
        say(f"  {e}")
    for t in TABLES:
        lost = tally.expected[t] - stored[t]
        say(f"{t}: expected {tally.expected[t]}, stored {stored[t]}, lost {max(lost, 0)}"
            + (f", extra {-lost}" if lost < 0 else ""))  # fmt: skip
    warnings = sum("class store:" in ln for ln in log.splitlines())
    say(f"class-store warnings in the server log: {warnings}")
    lat = teacher.latency
    say(
        f"teacher view: {len(teacher.views)} refreshes; refresh time p50 {pct(lat, 0.5):.2f} s, "
        f"p95 {pct(lat, 0.95):.2f} s, max {max(lat, default=float('nan')):.2f} s"
    )
    if teacher.views:
        n, a, p, d = teacher.views[-1]
        same = (a, p, d) == tuple(stored.values())
        say(
            f"teacher's last view: {n} students, {a} answers, {p} predictions, {d} finished "
            f"duels ({'the rows stored' if same else 'NOT the rows stored'})"
        )
    if teacher.effect:
        say(f"teacher's estimate: {teacher.effect}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
