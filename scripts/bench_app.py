"""How fast the app feels, measured in a real browser (Debian chromium via Playwright).

    python scripts/bench_app.py            # starts its own server on a free port
    python scripts/bench_app.py --url http://127.0.0.1:8501 --runs 7

Prints two figures per page (targets from issue 4, on a 2-core machine):

* open -> interactive: from navigation start until the page's script has finished, the
  connection is up and the main area shows content (target < 3 s). Three cases: the
  first open after the server starts ("server cold": imports and cache fills), a first
  visit (fresh browser profile: the ~6 MB of Streamlit and plotly scripts are fetched
  and parsed), and a returning visitor (same browser, scripts in its cache).
* cached redraw: change a setting to a value seen before (so every core call is a cache
  hit) and time until the new value is on screen and the script is idle (target < 0.5 s).

Numbers are printed, never asserted: they depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser_utils import (  # noqa: E402
    AppServer,
    OfflineGuard,
    browser_unavailable_reason,
    launch_chromium,
    wait_idle,
)

PAGES = {"Home": "/", "Graph Lab": "/graph-lab", "Resistance": "/r-eff"}
OPEN_TARGET_S, REDRAW_TARGET_S = 3.0, 0.5


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="an already running app (default: start one)")
    ap.add_argument("--runs", type=int, default=5, help="repetitions per figure")
    args = ap.parse_args()
    reason = browser_unavailable_reason()
    if reason:
        print(f"cannot benchmark: {reason}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    server = None if args.url else AppServer().wait_ready()
    base = args.url or server.url
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            print(f"app at {base}; {args.runs} runs each; medians (min-max)\n")
            print(f"{'page':<12} {'figure':<28} {'seconds':>24}  target")
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
            browser.close()
    finally:
        if server:
            server.stop()
    return 0


def _row(page: str, figure: str, xs: list[float], target: float) -> None:
    med = statistics.median(xs)
    spread = f"({min(xs):.2f}-{max(xs):.2f})" if len(xs) > 1 else ""
    ok = "ok" if med < target else "SLOW"
    print(f"{page:<12} {figure:<28} {med:>8.2f} {spread:>15}  < {target:g} s {ok}")


if __name__ == "__main__":
    sys.exit(main())
