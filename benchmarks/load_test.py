"""Many students, one server: drive N concurrent sessions through the lesson's default path.

    python benchmarks/load_test.py                       # 30 sessions: 3 in chromium, 27 light
    python benchmarks/load_test.py --sessions 10 --browsers 2 --steps 100
    python benchmarks/load_test.py --distinct-seeds      # nothing to share: the queue at work

It starts ``streamlit run app.py`` on a free port of 127.0.0.1 (or uses ``--url``), then
starts every session at once (within ``--ramp`` seconds). Each one follows the path a
class takes from a teacher's link: open ``/lesson?step=run``, press *Train both models*,
wait for "Training finished", press *Next*, wait for the scoreboard of the samples. A few
sessions are real chromium pages (Playwright contexts sharing one browser, every request
off 127.0.0.1 aborted and counted as an error); the rest are light clients that speak
Streamlit's own websocket protocol (the protobuf messages the browser sends: a rerun with
the page and query string, a button's trigger, the fragment auto-reruns the page asks
for), so 30 students do not need 30 browsers on a 2-core machine.

It prints sessions completed / started, errors, p50 / p95 / max time from opening the
page to the finished duel (samples on screen), the place in the queue sessions saw, the
peak resident memory of the server's process tree (sampled every 0.2 s from /proc), and
what the server's job pool did (from its log: ``SPECDIFF_POOL_LOG=1``). Nothing is
asserted: the figures depend on the machine and its load. Only loopback traffic.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from browser_utils import (  # noqa: E402
    ARTIFACTS,
    CHROMIUM_ARGS,
    LOCAL_HOSTS,
    AppServer,
    browser_unavailable_reason,
    chromium_path,
)

LIVE: dict[str, dict] = {}  # name -> {"phase": ..., "light": LightSession | None, "page": ...}
MARK_TRAINED = "Training finished"
MARK_DONE = "Scoreboard:"
PLACE = re.compile(r"(\d+)(?:st|nd|rd|th) in line")


# ------------------------------------------------------------------------ measurements


class Results:
    def __init__(self) -> None:
        self.started = 0
        self.completed: list[float] = []  # seconds from open to the finished duel
        self.trained: list[float] = []  # seconds from open to "Training finished"
        self.errors: list[str] = []
        self.places: list[int] = []  # the worst place in the queue each session saw

    def error(self, who: str, what: str) -> None:
        self.errors.append(f"{who}: {what}")


class MemorySampler(threading.Thread):
    """Peak RSS (MiB) of a process and all its descendants, and the CPU seconds each of
    them used (last value seen per pid), from /proc."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak, self.stop = pid, every, 0.0, threading.Event()
        self.cpu: dict[int, float] = {}  # pid -> CPU seconds (user + system) when last seen
        self.tick = os.sysconf("SC_CLK_TCK")

    def tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children.get(p, []))
        return out

    def rss(self) -> float:
        total = 0
        for p in self.tree():
            try:
                for line in Path(f"/proc/{p}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
                self.cpu[p] = (int(fields[11]) + int(fields[12])) / self.tick
            except (OSError, IndexError, ValueError):
                pass
        return total / 1024

    def cpu_split(self) -> tuple[float, float]:
        """CPU seconds of the server process itself, and of its worker processes."""
        main = self.cpu.get(self.pid, 0.0)
        return main, sum(self.cpu.values()) - main

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, self.rss())
            self.stop.wait(self.every)


# ----------------------------------------------------------------- light (websocket) client


class LightSession:
    """One student as Streamlit's frontend would be, minus the drawing."""

    def __init__(self, name: str, base: str, query: str, page: str = "lesson") -> None:
        self.name, self.base, self.query, self.page = name, base, query, page
        self.page_hash = ""
        self.buttons: dict[str, str] = {}  # user key -> widget id
        self.texts: list[str] = []  # text seen since the last action
        self.timers: dict[str, asyncio.Task] = {}
        self.place = 0
        self.exceptions: list[str] = []
        self.ws = None

    async def send(
        self, *, trigger: str | None = None, fragment: str = "", query: str | None = None
    ) -> None:
        """A rerun request, as the browser sends it: with the address it has (or ``query``)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query if query is None else query
        if self.page_hash:
            cs.page_script_hash = self.page_hash
        else:
            cs.page_name = self.page
        if fragment:
            cs.fragment_id, cs.is_auto_rerun = fragment, True
        self.add_widget_states(cs.widget_states)
        if trigger is not None:
            w = cs.widget_states.widgets.add()
            w.id, w.trigger_value = trigger, True
        await self.ws.send(msg.SerializeToString())

    def add_widget_states(self, states) -> None:
        """The values of widgets this client has set, sent with every rerun as the browser
        does; this client sets none (benchmarks/class_load.py's sets radios and text)."""

    async def click(self, key: str, timeout: float) -> None:
        await self.until(lambda: key in self.buttons, timeout, f"button {key}")
        self.texts.clear()
        await self.send(trigger=self.buttons[key])

    async def until(self, cond, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            if self.exceptions:
                raise RuntimeError(f"exception on the page: {self.exceptions[0][:200]}")
            if time.monotonic() > deadline:
                seen = [t for t in self.texts if not t.startswith("<svg")][-2:]
                raise TimeoutError(f"no {what} after {timeout:.0f} s; last seen: {seen}")
            await asyncio.sleep(0.05)

    def saw(self, marker: str) -> bool:
        return any(marker in t for t in self.texts)

    async def rerun_every(self, fragment: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.send(fragment=fragment)

    def handle(self, data: bytes) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "navigation":  # st.navigation names the page that ran: rerun that one
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "new_session":
            if not msg.metadata.run.fragment_ids:  # a full run: the page re-registers timers
                for t in self.timers.values():
                    t.cancel()
                self.timers.clear()
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            fid, every = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            if fid not in self.timers:
                self.timers[fid] = asyncio.create_task(self.rerun_every(fid, every))
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                task = self.timers.pop(fid, None)
                if task:
                    task.cancel()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self.element(msg.delta.new_element)

    def element(self, el) -> None:
        kind = el.WhichOneof("type")
        if kind == "button":
            key = el.button.id.rsplit("-", 1)[-1]
            self.buttons[key] = el.button.id
        elif kind == "exception":
            self.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        text = {
            "markdown": lambda: el.markdown.body,
            "alert": lambda: el.alert.body,
            "heading": lambda: el.heading.body,
            "progress": lambda: el.progress.text,
        }.get(kind)
        if text is not None:
            body = text()
            self.texts.append(body)
            m = PLACE.search(body)
            if m:
                self.place = max(self.place, int(m.group(1)))

    async def receive(self) -> None:
        async for data in self.ws:
            self.handle(data)

    async def run(self, results: Results, timeout: float) -> None:
        import websockets

        host = urlsplit(self.base).netloc
        t0 = time.monotonic()
        async with websockets.connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=120,
            ping_interval=None,
        ) as ws:
            self.ws = ws
            rx = asyncio.create_task(self.receive())
            live = LIVE[self.name] = {"phase": "open", "light": self}
            try:
                await self.send()
                await self.click("lesson_train", timeout)
                live["phase"] = "training"
                await self.until(lambda: self.saw(MARK_TRAINED), timeout, "trained duel")
                results.trained.append(time.monotonic() - t0)
                await self.click("lesson_next", timeout)
                live["phase"] = "sampling"
                await self.until(lambda: self.saw(MARK_DONE), timeout, "scoreboard")
                results.completed.append(time.monotonic() - t0)
                results.places.append(self.place)
            finally:
                LIVE.pop(self.name, None)
                for t in self.timers.values():
                    t.cancel()
                rx.cancel()


# ----------------------------------------------------------------------- browser sessions


async def browser_session(browser, name: str, url: str, results: Results, timeout: float):
    blocked: list[str] = []

    async def guard(route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS:
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort()

    ctx = await browser.new_context(viewport={"width": 1300, "height": 1100})
    await ctx.route("**/*", guard)
    page = await ctx.new_page()
    t0 = time.monotonic()
    ms = timeout * 1000
    live = LIVE[name] = {"phase": "open", "page": page}
    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=ms)
        await page.get_by_role("button", name="Train both models").click(timeout=ms)
        live["phase"] = "training"
        await page.get_by_text(MARK_TRAINED).first.wait_for(timeout=ms)
        results.trained.append(time.monotonic() - t0)
        await page.get_by_role("button", name="Next →").click(timeout=ms)
        live["phase"] = "sampling"
        await page.get_by_text(MARK_DONE).first.wait_for(timeout=ms)
        results.completed.append(time.monotonic() - t0)
        errors = await page.locator('[data-testid="stException"]').count()
        if errors:
            results.error(name, f"{errors} exception box(es) on the page")
        if blocked:
            results.error(name, f"requests left localhost: {blocked[:3]}")
        results.places.append(0)
    except Exception as exc:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / f"load-{name}.png"), full_page=True)
        try:  # what the student was looking at, for the report
            seen = await page.locator('[data-testid="stMain"]').inner_text(timeout=5000)
        except Exception:  # noqa: BLE001 - the page itself may be gone
            seen = "(page unreadable)"
        lines = [ln for ln in seen.splitlines() if ln.strip()]
        raise RuntimeError(
            f"{type(exc).__name__}: {str(exc).splitlines()[0]}; url {page.url}; "
            f"last seen: {lines[-6:]}"
        ) from exc
    finally:
        LIVE.pop(name, None)
        await ctx.close()


# ------------------------------------------------------------------------------- driver


async def drive(args, base: str, results: Results) -> None:
    tasks = []
    browser = pw = None
    n_browsers = min(args.browsers, args.sessions)
    if n_browsers:
        reason = browser_unavailable_reason()
        if reason:
            print(f"no browser sessions: {reason}", file=sys.stderr)
            n_browsers = 0
        else:
            from playwright.async_api import async_playwright

            pw = await async_playwright().start()
            browser = await pw.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
            )

    async def one(i: int) -> None:
        await asyncio.sleep(random.uniform(0, args.ramp))
        seed = i if args.distinct_seeds else args.seed
        query = f"step=run&duel_steps={args.steps}&seed={seed}"
        name = f"{'browser' if i < n_browsers else 'light'}-{i}"
        results.started += 1
        try:
            if i < n_browsers:
                await browser_session(
                    browser, name, f"{base}/lesson?{query}", results, args.timeout
                )
            else:
                await LightSession(name, base, query).run(results, args.timeout)
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            results.error(name, f"{type(exc).__name__}: {str(exc)[:700]}")

    for i in range(args.sessions):
        tasks.append(asyncio.create_task(one(i)))
    dog = asyncio.create_task(watchdog(results, args.stall))
    await asyncio.gather(*tasks)
    dog.cancel()
    if browser is not None:
        await browser.close()
        await pw.stop()


async def watchdog(results: Results, stall: float) -> None:
    """If no session has moved on for ``stall`` seconds, print what the stuck ones see
    (a diagnosis for a run that would otherwise wait out --timeout in silence)."""
    last, since = None, time.monotonic()
    while True:
        await asyncio.sleep(5)
        now = (len(results.trained), len(results.completed), len(results.errors))
        if now != last:
            last, since = now, time.monotonic()
            continue
        if not LIVE or time.monotonic() - since < stall:
            continue
        since = time.monotonic()
        print(f"[watchdog] no progress for {stall:.0f} s; {len(LIVE)} sessions waiting:")
        for name, live in list(LIVE.items()):
            light, page = live.get("light"), live.get("page")
            if light is not None:
                seen = [t[:120] for t in light.texts if not t.startswith("<svg")][-3:]
                timers = sorted(light.timers)
                print(f"  {name} ({live['phase']}): polling {timers}; last seen {seen}")
            elif page is not None:
                path = ARTIFACTS / f"stuck-{name}.png"
                try:
                    await page.screenshot(path=str(path), full_page=True)
                    text = await page.locator('[data-testid="stMain"]').inner_text(timeout=5000)
                except Exception as exc:  # noqa: BLE001 - diagnosis only
                    text = f"(unreadable: {exc})"
                tail = [ln[:120] for ln in text.splitlines() if ln.strip()][-4:]
                print(f"  {name} ({live['phase']}): screenshot {path}; last seen {tail}")


async def warm_up(session: LightSession) -> None:
    import websockets

    host = urlsplit(session.base).netloc
    async with websockets.connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"]) as ws:
        session.ws = ws
        rx = asyncio.create_task(session.receive())
        await session.send()
        await session.until(lambda: "lesson_train" in session.buttons, 120, "lesson page")
        for t in session.timers.values():
            t.cancel()
        rx.cancel()


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))] if xs else float("nan")


def pool_lines(log: str) -> dict[str, int]:
    lines = [ln for ln in log.splitlines() if ln.startswith("[pool] job")]
    out = {"jobs": len(lines)}
    for what in ("train", "sample"):
        sel = [ln for ln in lines if f"'{what}" in ln]
        out[f"{what} jobs"] = len(sel)
        out[f"{what} done"] = sum(": done in" in ln for ln in sel)
    out["failed"] = sum(": failed in" in ln for ln in lines)
    out["cancelled"] = sum(": cancelled in" in ln for ln in lines)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--browsers", type=int, default=3, help="sessions run in real chromium")
    ap.add_argument(
        "--steps", type=int, default=None, help="training steps of the duel (default: the app's)"
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--distinct-seeds", action="store_true", help="session i uses seed i")
    ap.add_argument("--ramp", type=float, default=3.0, help="sessions start within this many s")
    ap.add_argument("--timeout", type=float, default=600.0, help="per wait, seconds")
    ap.add_argument("--url", help="an already running server (no memory or pool figures)")
    ap.add_argument("--pool-size", type=int, help="SPECDIFF_POOL_SIZE for the server started")
    ap.add_argument(
        "--nice",
        type=int,
        default=5,
        help="CPU priority this load generator gives up (default: the workers' 5)",
    )
    ap.add_argument(
        "--stall", type=float, default=90.0, help="print stuck sessions after this many s"
    )
    ap.add_argument("--save", help="also write the report to this file (README's Classroom)")
    args = ap.parse_args()
    if args.steps is None:
        from specdiff_core.experiments import DEMO

        args.steps = DEMO.steps

    server = sampler = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        os.environ["SPECDIFF_POOL_LOG"] = "1"
        if args.pool_size:
            os.environ["SPECDIFF_POOL_SIZE"] = str(args.pool_size)
        server = AppServer().wait_ready()
        base = server.url
        sampler = MemorySampler(server.proc.pid)
        sampler.start()
    if args.nice:
        # The students' browsers would run on their own machines; here 30 clients and
        # chromium share the server's cores. Give them the workers' priority (the server,
        # started above, stays at normal priority) so they stand in for "elsewhere"
        # rather than outrank the training they wait for. Chromium inherits it.
        os.nice(args.nice)
    driver = MemorySampler(os.getpid(), every=0.5)  # this process and its children
    driver.start()
    time.sleep(1.0)
    cpu0 = sampler.cpu_split() if sampler else (0.0, 0.0)
    own0 = sum(driver.cpu.values()) - sum(cpu0)
    # The teacher opens the app once before the class does (and trains once, below, so
    # the class does not measure the first import of torch in the workers).
    with urllib.request.urlopen(f"{base}/", timeout=60) as r:
        r.read()
    warm = LightSession("teacher", base, "step=run", page="lesson")
    asyncio.run(warm_up(warm))
    load0 = os.getloadavg()[0]
    results = Results()
    t0 = time.monotonic()
    try:
        asyncio.run(drive(args, base, results))
    finally:
        wall = time.monotonic() - t0
        for s in (sampler, driver):
            if s is not None:
                s.stop.set()
                s.join()
        log = server.log_path.read_text() if server else ""
        if server is not None:
            server.stop()

    done = results.completed
    lines: list[str] = ["$ python benchmarks/load_test.py " + " ".join(sys.argv[1:])]

    def say(text: str) -> None:
        print(text)
        lines.append(text)

    say(
        f"# load test: {args.sessions} sessions ({min(args.browsers, args.sessions)} in "
        f"chromium, the rest light websocket clients), duel of {args.steps} steps, "
        + ("a different seed per session" if args.distinct_seeds else f"seed {args.seed}")
        + f"; {os.cpu_count()} cores, load average {load0:.1f} at start, "
        f"{os.getloadavg()[0]:.1f} at end; wall {wall:.0f} s; load generator at nice "
        f"{args.nice}"
    )
    say(f"sessions completed / started: {len(done)} / {results.started}")
    say(f"errors: {len(results.errors)}")
    for e in results.errors[:10]:
        say(f"  {e}")
    say(
        f"time to a finished duel (open -> samples on screen): p50 {pct(done, 0.5):.1f} s, "
        f"p95 {pct(done, 0.95):.1f} s, max {max(done, default=float('nan')):.1f} s"
    )
    say(
        f"time to a trained duel: p50 {pct(results.trained, 0.5):.1f} s, "
        f"p95 {pct(results.trained, 0.95):.1f} s"
    )
    if any(results.places):
        say(f"worst place in the queue a session saw: {max(results.places)}")
    if sampler is not None:
        say(f"peak server memory (RSS of the server process tree): {sampler.peak:.0f} MiB")
        server_cpu, workers = (b - a for a, b in zip(cpu0, sampler.cpu_split(), strict=True))
        own = sum(driver.cpu.values()) - sum(sampler.cpu.values()) - own0
        say(
            f"CPU seconds during the test: server process {server_cpu:.0f}, its worker processes "
            f"{workers:.0f}, this load generator (clients and chromium) {own:.0f}; "
            f"{os.cpu_count()} cores x {wall:.0f} s wall = {os.cpu_count() * wall:.0f}"
        )
    if log:
        pool = pool_lines(log)
        say(
            "server job pool: "
            + ", ".join(f"{k} {v}" for k, v in pool.items())
            + f" (for {results.started} sessions)"
        )
    if args.save:
        Path(args.save).parent.mkdir(parents=True, exist_ok=True)
        Path(args.save).write_text("\n".join(lines) + "\n")
    return 0 if len(done) == results.started and not results.errors else 1


if __name__ == "__main__":
    sys.exit(main())
