"""How fast the app feels, measured in a real browser (Debian chromium via Playwright).

    python benchmarks/app_speed.py            # starts its own server on a free port
    python benchmarks/app_speed.py --url http://127.0.0.1:8501 --runs 7

Prints two figures per page (targets from issue 4, on a 2-core machine):

* open -> interactive: from navigation start until the page's script has finished, the
  connection is up and the main area shows content (target < 3 s). Three cases: the
  first open after the server starts ("server cold": imports and cache fills), a first
  visit (fresh browser profile: the ~6 MB of Streamlit and plotly scripts are fetched
  and parsed), and a returning visitor (same browser, scripts in its cache).
* cached redraw: change a setting to a value seen before (so every core call is a cache
  hit) and time until the new value is on screen and the script is idle (target < 0.5 s).
* the duel while it trains (``--duel``, or part of the full run): the page's live updates
  must never block it for more than 1 s. Three figures, taken while the default duel
  (the app's default steps) trains: the longest the browser's main thread was stalled (a 50 ms
  heartbeat's longest gap, and the longest "long task" Chromium reports); the time from a
  key press on a setting (Step size) to the new value on the page, repeated every ~2 s;
  and the longest gap between two updates of the progress line.

Numbers are printed, never asserted: they depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from browser_utils import (  # noqa: E402
    AppServer,
    OfflineGuard,
    browser_unavailable_reason,
    launch_chromium,
    wait_idle,
)

PAGES = {"Home": "/", "Graph Lab": "/graph-lab", "Resistance": "/r-eff"}
OPEN_TARGET_S, REDRAW_TARGET_S, BLOCK_TARGET_S = 3.0, 0.5, 1.0

# Installed in the duel page once it is idle, before Train is pressed: a heartbeat every
# 50 ms (a gap is a time the main thread could not run it), Chromium's long tasks, when
# the first plotly chart appeared (its first draw loads plotly.js, ~3.5 MB of script,
# once per page), and the times at which the progress line's text changed.
PROBE_JS = """() => {
  const w = window;
  w.__hb = {last: performance.now(), gaps: [], tasks: [], updates: [], firstChart: null};
  setInterval(() => { const t = performance.now();
    w.__hb.gaps.push([w.__hb.last, t - w.__hb.last]); w.__hb.last = t; }, 50);
  try { new PerformanceObserver(l => { for (const e of l.getEntries())
    w.__hb.tasks.push([e.startTime, e.duration]); })
    .observe({type: 'longtask', buffered: false}); } catch (e) {}
  let seen = '';
  new MutationObserver(() => {
    if (w.__hb.firstChart === null && document.querySelector('.main-svg'))
      w.__hb.firstChart = performance.now();
    const el = document.querySelector('[data-testid="stProgress"]');
    const text = el ? el.innerText : '';
    if (text && text !== seen) { seen = text; w.__hb.updates.push([performance.now(), text]); }
  }).observe(document, {subtree: true, childList: true, characterData: true});
}"""


def time_open(browser, url: str, ctx=None) -> float:
    """Seconds from navigation to interactive; a fresh context unless ``ctx`` is given
    (a fresh context is a first visit: nothing in the browser cache)."""
    own = ctx is None
    if own:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        OfflineGuard().attach(ctx)
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    wait_idle(page, timeout=120, settle_ms=0)
    dt = time.perf_counter() - t0
    page.close()
    if own:
        ctx.close()
    return dt


def metric_value(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def time_change(page, act, label: str, before: str) -> float:
    """Do ``act()``, then wait until metric ``label`` differs from ``before`` and all is idle."""
    t0 = time.perf_counter()
    act()
    page.wait_for_function(
        """([label, before]) => [...document.querySelectorAll('[data-testid="stMetric"]')]
            .some(m => m.innerText.includes(label) &&
                  m.querySelector('[data-testid="stMetricValue"]').innerText.trim() !== before)""",
        arg=[label, before],
        timeout=60_000,
        polling=20,
    )
    wait_idle(page, timeout=60, settle_ms=0)
    return time.perf_counter() - t0


def redraws_home(browser, base: str, runs: int) -> list[float]:
    """Home: the clique-size slider, toggled between two values (both cached after once)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    OfflineGuard().attach(ctx)
    page = ctx.new_page()
    page.goto(base + "/", wait_until="commit")
    wait_idle(page, timeout=120)
    thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
    times = []
    for i in range(runs + 1):
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        before = metric_value(page, "Edges")
        dt = time_change(page, lambda key=key: (thumb.focus(), thumb.press(key)), "Edges", before)
        if i >= 2:  # both values have been computed once: from here on every call is cached
            times.append(dt)
    ctx.close()
    return times


def redraws_lab(browser, base: str, runs: int) -> list[float]:
    """Graph Lab: the left clique size typed in, toggled between 8 and 9."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    OfflineGuard().attach(ctx)
    page = ctx.new_page()
    page.goto(base + "/graph-lab", wait_until="commit")
    wait_idle(page, timeout=120)
    box = page.get_by_label("Left clique size k1")
    times = []
    for i in range(runs + 2):
        value = "9" if i % 2 == 0 else "8"
        before = metric_value(page, "Edges")

        def act(value=value):
            box.fill(value)
            box.press("Enter")

        dt = time_change(page, act, "Edges", before)
        if i >= 2:
            times.append(dt)
    ctx.close()
    return times


def duel_while_training(browser, base: str, steps: int | None = None) -> dict[str, list[float]]:
    """Train the duel from its page (default: the app's own step count) and measure how
    blocked the page is meanwhile."""
    from specdiff_core.experiments import DEMO

    steps = DEMO.steps if steps is None else steps
    ctx = browser.new_context(viewport={"width": 1400, "height": 1100})
    OfflineGuard().attach(ctx)
    page = ctx.new_page()
    # Open the app's root first, so that the duel's timings do not include the server's
    # first imports.
    page.goto(base + "/", wait_until="commit")
    wait_idle(page, timeout=120)
    page.goto(f"{base}/duel?duel_steps={steps}", wait_until="commit")
    wait_idle(page, timeout=120)
    page.evaluate(PROBE_JS)
    page.get_by_role("button", name="▶ Train").click()
    page.locator('[data-testid="stProgress"]').first.wait_for(timeout=60_000)
    thumb = page.locator('[data-testid="stSlider"]').filter(has_text="Step size")
    thumb = thumb.locator('input[type="range"]').first
    inputs, seen_done = [], False
    for i in range(200):  # until the duel is trained (every ~2 s, one key press)
        page.wait_for_timeout(1500)
        seen_done = page.get_by_text("s of training").count() > 0
        if seen_done:
            break
        target = "100" if i % 2 == 0 else "50"
        t0 = time.perf_counter()
        thumb.focus()
        thumb.press("ArrowRight" if target == "100" else "ArrowLeft")
        page.get_by_role("button", name=f"Step +{target}").wait_for(timeout=60_000)
        inputs.append(time.perf_counter() - t0)
    probe = page.evaluate("() => window.__hb")
    ctx.close()
    assert seen_done, "the duel did not finish training"
    first = probe["firstChart"] or float("inf")
    times = [t for t, _ in probe["updates"]]
    gaps = [(b - a) / 1000 for a, b in zip(times, times[1:], strict=False)]

    def longest(pairs, after: bool) -> float:  # (start ms, duration ms) -> seconds
        xs = [d for t, d in pairs if (t >= first) == after]  # by when it started
        return max(xs, default=0.0) / 1000

    return {
        "stall_first": [longest(probe["gaps"], False), longest(probe["tasks"], False)],
        "stall_live": [longest(probe["gaps"], True), longest(probe["tasks"], True)],
        "inputs": inputs,
        "gaps": gaps or [float("nan")],
    }


def report_duel(browser, base: str) -> None:
    got = duel_while_training(browser, base)
    first, live = got["stall_first"], got["stall_live"]
    _row("Duel", "stall: up to 1st chart", first[:1], BLOCK_TARGET_S)
    _row("Duel", "long task: up to 1st chart", first[1:], BLOCK_TARGET_S)
    _row("Duel", "stall: live updates", live[:1], BLOCK_TARGET_S)
    _row("Duel", "long task: live updates", live[1:], BLOCK_TARGET_S)
    _row("Duel", "setting change -> on page", got["inputs"], BLOCK_TARGET_S, worst=True)
    _row("Duel", "progress updates: gap", got["gaps"], BLOCK_TARGET_S, worst=True)
    slow = [i + 1 for i, g in enumerate(got["gaps"]) if g > BLOCK_TARGET_S]
    print(
        f"{'':<12} ({len(got['inputs'])} key presses and {len(got['gaps']) + 1} progress "
        f"updates while the default duel trained; gaps over {BLOCK_TARGET_S:g} s: number "
        f"{slow or 'none'} of {len(got['gaps'])} (the first spans the job's start, when "
        "the worker builds the training set). 'max' rows judge the maximum. 'Stall' is "
        "the longest gap of a 50 ms heartbeat on the page's main thread; the first chart "
        "loads plotly.js)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="an already running app (default: start one)")
    ap.add_argument("--runs", type=int, default=5, help="repetitions per figure")
    ap.add_argument("--duel", action="store_true", help="only the duel-while-training figures")
    ap.add_argument("--save", help="also write what is printed to this file")
    args = ap.parse_args()
    reason = browser_unavailable_reason()
    if reason:
        print(f"cannot benchmark: {reason}", file=sys.stderr)
        return 2
    if args.save:  # everything printed below also goes to the file
        sys.stdout = _Tee(sys.stdout, "$ python benchmarks/app_speed.py " + " ".join(sys.argv[1:]))
    rc = 1
    try:
        rc = _bench(args)
        return rc
    finally:
        if args.save:
            tee, sys.stdout = sys.stdout, sys.stdout.out
            if rc == 0:  # a run that failed half-way leaves the saved figures as they were
                Path(args.save).parent.mkdir(parents=True, exist_ok=True)
                Path(args.save).write_text(tee.text.getvalue())


class _Tee:
    def __init__(self, out, first_line: str) -> None:
        import io

        self.out, self.text = out, io.StringIO()
        self.text.write(first_line + "\n")  # (StringIO(initial) would write over it)

    def write(self, s: str) -> int:
        self.text.write(s)
        return self.out.write(s)

    def flush(self) -> None:
        self.out.flush()


def _bench(args) -> int:
    from playwright.sync_api import sync_playwright

    server = None if args.url else AppServer().wait_ready()
    base = args.url or server.url
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            runs = "the default duel trained once" if args.duel else f"{args.runs} runs each"
            print(f"app at {base}; {runs}; medians (min-max)\n")
            print(f"{'page':<12} {'figure':<28} {'seconds':>24}  target")
            if args.duel:
                report_duel(browser, base)
                browser.close()
                return 0
            returning = browser.new_context(viewport={"width": 1400, "height": 1000})
            OfflineGuard().attach(returning)
            for name, path in PAGES.items():
                cold = time_open(browser, base + path)
                first = [time_open(browser, base + path) for _ in range(args.runs)]
                again = [time_open(browser, base + path, returning) for _ in range(args.runs + 1)]
                _row(name, "open: server cold", [cold], OPEN_TARGET_S)
                _row(name, "open: first visit", first, OPEN_TARGET_S)
                _row(name, "open: returning visitor", again[1:], OPEN_TARGET_S)
            returning.close()
            _row(
                "Home",
                "cached redraw (slider)",
                redraws_home(browser, base, args.runs),
                REDRAW_TARGET_S,
            )
            _row(
                "Graph Lab",
                "cached redraw (k1 typed)",
                redraws_lab(browser, base, args.runs),
                REDRAW_TARGET_S,
            )
            report_duel(browser, base)
            browser.close()
    finally:
        if server:
            server.stop()
    return 0


def _row(page: str, figure: str, xs: list[float], target: float, worst: bool = False) -> None:
    """One line: the median (min-max); judged on the median, or on the maximum (worst)."""
    med = statistics.median(xs)
    spread = f"({min(xs):.2f}-{max(xs):.2f})" if len(xs) > 1 else ""
    ok = "ok" if (max(xs) if worst else med) < target else "SLOW"
    rule = "max" if worst else ""
    print(f"{page:<12} {figure:<28} {med:>8.2f} {spread:>15}  {rule}< {target:g} s {ok}")


if __name__ == "__main__":
    sys.exit(main())
