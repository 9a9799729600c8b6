"""Server faults in a real browser and on a raw websocket (docs/reliability.md section 7).

* The server restarts while a page is connected: the page reconnects by itself and gets
  its duel back from the address (``duel_run``), retrained on the new server.
* A client stops reading its websocket while the server keeps sending: the server stays
  responsive for everyone else, its memory stays bounded, and it lets the client go.
* 30 sessions upload a graph file at the app's size limit (and just over it) at once.

Skipped with the reason when playwright or chromium is missing, unless
SPECDIFF_REQUIRE_BROWSER=1 (CI), which turns the skip into a failure.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from browser_utils import (
    ROOT,
    AppServer,
    OfflineGuard,
    exceptions_on,
    free_port,
    launch_chromium_or_skip,
    require_browser,
    screenshot,
    wait_idle,
)

sys.path.insert(0, str(ROOT))
from benchmarks.load_test import LightSession  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SAMPLE_TEXT = '[data-testid="stMarkdown"]:has-text("bridges kept")'
# From the moment it is installed: whether the connection dropped, how many script runs
# the page saw (the app's data-test-script-state going to "running") and every text the
# progress bar showed.
WATCH_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__sd = {runs: 0, dropped: false, progress: []};
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__sd.runs++;
    if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') window.__sd.dropped = true;
    for (const p of document.querySelectorAll('[data-testid="stProgress"]')) {
      const seen = window.__sd.progress;
      if (seen[seen.length - 1] !== p.innerText) seen.push(p.innerText);
    }
  }).observe(app, {attributes: true, childList: true, subtree: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_chromium_or_skip(pw)
        yield b
        b.close()


def rss_mib(pid: int) -> float:
    """Resident memory of one process (not its workers), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def samples_shown(page) -> list[str]:
    return page.locator(SAMPLE_TEXT).all_inner_texts()


def train_duel(page, timeout_s: float = 120) -> list[str]:
    """Press Train on an open duel page; wait for the samples; their texts."""
    page.get_by_role("button", name="▶ Train").click()
    page.locator(SAMPLE_TEXT).first.wait_for(timeout=timeout_s * 1000)
    wait_idle(page, timeout=60)
    return samples_shown(page)


# --------------------------------------------------------------- 1. a restarted server


def test_a_page_connected_through_a_server_restart_gets_its_duel_back(browser):
    """Train a duel, stop the server, start a new one on the same port (an empty run
    store: it remembers nothing): the open page reconnects by itself, the new server
    trains the address's duel again and the page shows the same samples; a reload
    afterwards too. No exception box at any point."""
    port = free_port()
    first = AppServer(port=port).wait_ready()
    second = None
    ctx = browser.new_context(viewport={"width": 1400, "height": 1600})
    guard = OfflineGuard().attach(ctx)
    try:
        page = ctx.new_page()
        page.goto(first.url + "/duel?duel_steps=100&duel_k=8", wait_until="domcontentloaded")
        wait_idle(page, timeout=90)
        before = train_duel(page)
        assert len(before) == 2, before
        assert "duel_run=" in page.url, page.url
        url = page.url
        page.evaluate(WATCH_JS)
        first.stop()
        page.wait_for_function("() => window.__sd.dropped", timeout=20_000)
        t0 = time.monotonic()
        second = AppServer(port=port).wait_ready()
        # The page reconnects by itself and the new server runs its script ...
        page.wait_for_function("() => window.__sd.runs > 0", timeout=60_000)
        # ... which finds the duel's tag in the address and, remembering nothing, trains it
        # again from step 0, then samples: the same settings give the same samples.
        page.wait_for_function(
            """() => {
              const p = window.__sd.progress;
              const zero = p.findIndex((t) => t.startsWith('step 0 / 100'));
              return zero >= 0 && p.slice(zero).some((t) => t.startsWith('step 100 / 100'));
            }""",
            timeout=120_000,
        )
        page.locator(SAMPLE_TEXT).first.wait_for(timeout=120_000)
        wait_idle(page, timeout=60)
        recovered_s = time.monotonic() - t0
        assert samples_shown(page) == before
        assert page.url == url
        assert exceptions_on(page) == [], exceptions_on(page)
        screenshot(page, "fault-restart-reconnected")
        page.reload(wait_until="domcontentloaded")
        wait_idle(page, timeout=90)
        page.locator(SAMPLE_TEXT).first.wait_for(timeout=60_000)
        wait_idle(page, timeout=60)
        assert samples_shown(page) == before
        assert exceptions_on(page) == [], exceptions_on(page)
        assert guard.blocked == []
        print(f"recovered {recovered_s:.1f} s after the new server was started")
    finally:
        ctx.close()
        first.stop()
        if second is not None:
            second.stop()


# ------------------------------------------------------ 2. a client that stops reading


def tcp_queues(server_port: int, client_port: int) -> dict[str, int] | None:
    """The server's end of one loopback connection, from /proc/net/tcp: its state and
    the bytes in its send queue (sent, not yet read by the client); None once gone."""
    local = f"0100007F:{server_port:04X}"
    remote = f"0100007F:{client_port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        f = line.split()
        if f[1] == local and f[2] == remote:
            tx, rx = (int(x, 16) for x in f[4].split(":"))
            return {"state": int(f[3], 16), "send_queue": tx, "recv_queue": rx}
    return None


ESTABLISHED = 1
STUCK_SECONDS = 25.0  # how long the test holds a client stuck before closing it


class StuckClient(threading.Thread):
    """A student's client, in a thread of its own: it opens the duel, presses Train, reads
    until the training's live updates flow, then never reads again while it goes on
    polling (a frozen tab whose socket the OS keeps open, or a client on a link that
    stopped delivering). Its socket asks for a small receive buffer, so the server feels
    it soon. ``release`` closes it."""

    def __init__(self, base: str, query: str) -> None:
        super().__init__(daemon=True)
        self.base, self.query = base, query
        self.port = int(base.rsplit(":", 1)[1])
        self.stuck = threading.Event()
        self.release = threading.Event()
        self.closed = threading.Event()
        self.local_port = 0
        self.polls_sent = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self.main())
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            self.stuck.set()
            self.closed.set()

    async def main(self) -> None:
        import websockets

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", self.port))
        self.local_port = sock.getsockname()[1]
        s = LightSession("stuck", self.base, self.query, page="duel")
        sent = s.send

        async def counted(**kw) -> None:
            await sent(**kw)
            self.polls_sent += 1

        s.send = counted
        async with websockets.connect(
            f"ws://127.0.0.1:{self.port}/_stcore/stream",
            sock=sock,
            subprotocols=["streamlit"],
            max_size=None,
            max_queue=4,  # then the library stops reading the socket
            ping_interval=None,
            close_timeout=2,
            open_timeout=60,
        ) as ws:
            s.ws = ws
            rx = asyncio.create_task(s.receive())
            try:
                await s.send()
                await s.click("duel_play", 90)
                await s.until(lambda: bool(s.timers) and s.saw("step "), 60, "live updates")
                rx.cancel()  # from here on, nothing reads; the timers go on polling
                self.stuck.set()
                await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
            finally:
                for t in s.timers.values():
                    t.cancel()
                rx.cancel()


def health_seconds(base: str) -> float:
    t0 = time.perf_counter()
    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=30) as r:
        assert r.status == 200
    return time.perf_counter() - t0


def duel_seconds(browser, base: str, query: str) -> float:
    """A normal session: open the duel, train, wait for its samples; seconds from Train."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1400})
    guard = OfflineGuard().attach(ctx)
    try:
        page = ctx.new_page()
        page.goto(f"{base}/duel?{query}", wait_until="domcontentloaded")
        wait_idle(page, timeout=90)
        t0 = time.monotonic()
        assert len(train_duel(page)) == 2
        took = time.monotonic() - t0
        assert exceptions_on(page) == [] and guard.blocked == []
        return took
    finally:
        ctx.close()


def test_a_client_that_stops_reading_does_not_hold_up_the_server(browser):
    """One raw websocket client trains a long duel and stops reading while it keeps
    polling; meanwhile a browser session trains and samples a duel of its own. The server
    answers, the other duel takes about as long as one before the fault, the server's
    memory stays bounded, and once the stuck client is gone its connection is too."""
    server = AppServer().wait_ready()
    pid = server.proc.pid
    try:
        ref = duel_seconds(browser, server.url, "duel_steps=100&duel_k=8&seed=2")  # warm-up
        ref = duel_seconds(browser, server.url, "duel_steps=100&duel_k=8&seed=3")
        base_mib = rss_mib(pid)
        stuck = StuckClient(server.url, "duel_steps=1200&duel_k=8&seed=4")
        stuck.start()
        assert stuck.stuck.wait(120) and stuck.error is None, stuck.error
        t_stuck = time.monotonic()
        timeline: list[tuple[float, float, dict | None]] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                q = tcp_queues(server.port, stuck.local_port)
                timeline.append((time.monotonic() - t_stuck, rss_mib(pid), q))
                stop.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        health = [health_seconds(server.url)]
        other = duel_seconds(browser, server.url, "duel_steps=100&duel_k=8&seed=5")
        health.append(health_seconds(server.url))
        while time.monotonic() - t_stuck < STUCK_SECONDS:
            health.append(health_seconds(server.url))
            time.sleep(1)
        stop.set()
        sampler.join()
        stuck_mib = max(m for _, m, _ in timeline)
        queued = [q["send_queue"] for _, _, q in timeline if q is not None]
        assert all(q is not None and q["state"] == ESTABLISHED for _, _, q in timeline)
        assert queued[-1] > 50_000, queued  # it really stopped reading: the server's sends pile up
        for t, m, q in timeline[:: max(1, len(timeline) // 20)]:
            print(f"  t={t:5.1f} s rss={m:7.1f} MiB conn={q}")
        polls = stuck.polls_sent
        stuck.release.set()
        assert stuck.closed.wait(30)
        deadline = time.monotonic() + 20
        while (q := tcp_queues(server.port, stuck.local_port)) and q["state"] == ESTABLISHED:
            assert time.monotonic() < deadline, f"the server kept the connection: {q}"
            time.sleep(0.25)
        time.sleep(3)
        after_mib = rss_mib(pid)
        print(
            f"reference duel {ref:.1f} s, beside the stuck client {other:.1f} s; health up to "
            f"{max(health) * 1000:.0f} ms; stuck client sent {polls} polls; server RSS "
            f"{base_mib:.0f} MiB before, peak {stuck_mib:.0f} while stuck, {after_mib:.0f} after; "
            f"{queued[-1]:,} bytes unread in the server's socket after {STUCK_SECONDS:.0f} s"
        )
        assert max(health) < 2.0, health
        assert other < max(3 * ref, ref + 30), (ref, other)
        assert stuck_mib - base_mib < 200, (base_mib, stuck_mib)
        assert after_mib - base_mib < 100, (base_mib, after_mib)
    finally:
        server.stop()


def test_the_server_lets_a_client_that_stops_reading_go_by_itself():
    """Nobody closes the stuck client: the server's websocket keepalive (a ping every
    ``server.websocketPingInterval`` seconds, the same for the pong's deadline; 30 s by
    default) finds it silent and drops the connection. Here at 5 s, so within ~10 s."""
    interval = 5
    server = AppServer(extra_args=("--server.websocketPingInterval", str(interval))).wait_ready()
    stuck = StuckClient(server.url, "duel_steps=1200&duel_k=8")
    try:
        stuck.start()
        assert stuck.stuck.wait(120) and stuck.error is None, stuck.error
        t0 = time.monotonic()
        while (q := tcp_queues(server.port, stuck.local_port)) and q["state"] == ESTABLISHED:
            assert time.monotonic() - t0 < 3 * interval + 5, f"still connected: {q}"
            time.sleep(0.25)
        print(f"the server dropped the stuck client {time.monotonic() - t0:.1f} s after it stuck")
        assert health_seconds(server.url) < 2.0
    finally:
        stuck.release.set()
        stuck.join(30)
        server.stop()


# ---------------------------------------------- 3. uploads at the size limit, all at once

LIMIT = 5_000_000  # graphs.APP_LIMITS.max_bytes: the Graph Lab's limit (Streamlit's is 50 MB)
GRAPH = "".join(f"{u} {v}\n" for u, v in
                [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3)])  # fmt: skip


def upload_payload(i: int, size: int) -> dict:
    """Two triangles and their bridge, padded with comment lines to exactly ``size`` bytes
    (a different padding for each session: no two files hash alike)."""
    head = f"# session {i}\n" + GRAPH
    line = "#" + "x" * 98 + "\n"
    pad = size - len(head)
    body = head + line * (pad // len(line)) + "#" * (pad % len(line))
    data = body.encode()
    assert len(data) == size
    return {"name": f"class-{i}.txt", "mimeType": "text/plain", "buffer": data}


def upload_round(browser, server, sizes: list[int], contexts: list) -> dict:
    """One page per size, each on the Graph Lab's upload; then every file chosen at once
    (nothing awaited in between); then each page's answer. Closes the pages."""
    pid = server.proc.pid
    pages, guards = [], []
    t0 = time.monotonic()
    for _ in sizes:
        ctx = browser.new_context(viewport={"width": 1300, "height": 1000})
        guards.append(OfflineGuard().attach(ctx))
        contexts.append(ctx)
        pages.append(ctx.new_page())
    for p in pages:
        p.goto(server.url + "/graph-lab", wait_until="domcontentloaded")
    for p in pages:
        wait_idle(p, timeout=180)
        p.get_by_text("Upload a file").first.click()
    dropzone = '[data-testid="stFileUploaderDropzoneInput"]'
    for p in pages:
        p.locator(dropzone).wait_for(state="attached", timeout=60_000)
    opened = time.monotonic() - t0
    payloads = [upload_payload(i, n) for i, n in enumerate(sizes)]
    peak = rss_mib(pid)
    t1 = time.monotonic()
    for p, payload in zip(pages, payloads, strict=True):
        p.locator(dropzone).set_input_files(payload)
    for i, (p, n) in enumerate(zip(pages, sizes, strict=True)):
        if n <= LIMIT:
            p.get_by_text(f"uploaded file 'class-{i}.txt'").first.wait_for(timeout=300_000)
        else:
            p.locator('[data-testid="stAlertContentError"]').first.wait_for(timeout=300_000)
        peak = max(peak, rss_mib(pid))
        wait_idle(p, timeout=120)
        errors = p.locator('[data-testid="stAlertContentError"]').all_inner_texts()
        assert exceptions_on(p) == [], exceptions_on(p)
        if n <= LIMIT:
            assert errors == [], errors
            nodes = p.locator('[data-testid="stMetric"]').filter(has_text="Nodes").inner_text()
            assert nodes.strip().endswith("6"), nodes
        else:
            (error,) = errors
            lines = [line for line in error.splitlines() if line.strip() not in ("", "error")]
            assert len(lines) == 1, error  # one line, after the icon's name
            assert f"{n:,} bytes exceeds the limit of {LIMIT:,} bytes" in error
    uploaded = time.monotonic() - t1
    screenshot(pages[-1], "fault-upload-over-the-limit")
    assert all(g.blocked == [] for g in guards)
    for ctx in contexts:
        ctx.close()
    contexts.clear()
    return {"opened": opened, "uploaded": uploaded, "peak": peak}


ROUNDS = 4  # the first, then three whose mean growth is compared with it


@pytest.mark.timeout(1200)
@pytest.mark.parametrize(
    "sessions",
    [
        3,
        pytest.param(5, marks=pytest.mark.long),
        pytest.param(30, marks=pytest.mark.long),  # the class: ~7 min on 2 cores
    ],
    ids=["3-sessions", "5-sessions", "30-sessions"],
)
def test_sessions_upload_a_file_at_the_size_limit_at_once(browser, sessions):
    """``sessions`` pages (3; 5 and the class of 30 with SPECDIFF_LONG_TESTS=1) upload a
    5,000,000-byte edge list at once, and one more page a 5,000,001-byte one: each sees
    its graph, the last the limit's one-line error; no exception box; the server stays
    up. Memory: rounds 2-4, each like the first and run once the last round's sessions
    are gone, must add on average less than half of what the first added: a leak of a
    round's sessions adds about the first round's growth every round, while the
    allocator's noise is up to ~50 MiB in one round (416, 528, 555, 533, 551, 576 MiB
    over five rounds of 3 sessions; CI once saw 52 after 91), which is why one second
    round is not enough. What it catches at 3 sessions: keeping 8 copies of each upload
    (40 MB a session) failed it (166 MiB a later round against 140); keeping one copy
    (15 MiB a round) is inside the noise and is left to the 30-session variant (the
    sessions' time to reconnect, server.disconnectedSessionTTL, is cut to 5 s here; at the app's 120 s a closed tab's
    session is kept two minutes for a returning student, and Streamlit frees an expired
    one only when its session store is next written, by a session connecting or leaving).
    """
    server = AppServer(extra_args=("--server.disconnectedSessionTTL", "5")).wait_ready()
    pid = server.proc.pid
    contexts: list = []
    try:
        warm = browser.new_context()
        page = warm.new_page()
        page.goto(server.url + "/graph-lab", wait_until="domcontentloaded")
        wait_idle(page, timeout=90)
        warm.close()
        sizes = [LIMIT] * sessions + [LIMIT + 1]
        rounds, after = [], [rss_mib(pid)]
        for _ in range(ROUNDS):
            rounds.append(upload_round(browser, server, sizes, contexts))
            assert health_seconds(server.url) < 2.0
            time.sleep(8)  # past the closed sessions' 5 s to reconnect
            # Streamlit drops expired sessions lazily, when its session store is next
            # written: a visitor's page, opened and closed, does that.
            visit = browser.new_context()
            visit.new_page().goto(server.url + "/graph-lab", wait_until="domcontentloaded")
            wait_idle(visit.pages[0], timeout=90)
            visit.close()
            time.sleep(3)
            after.append(rss_mib(pid))
            assert server.proc.poll() is None
        for i, r in enumerate(rounds):
            print(
                f"round {i + 1}: {len(sizes)} pages open in {r['opened']:.0f} s, uploads "
                f"answered in {r['uploaded']:.0f} s, server RSS peak {r['peak']:.0f} MiB"
            )
        print("server RSS before and after each round: " + ", ".join(f"{m:.0f}" for m in after))
        first = after[1] - after[0]
        later = (after[-1] - after[1]) / (ROUNDS - 1)  # per round, once the first's is reused
        print(f"first round added {first:.0f} MiB, each later one {later:.0f} MiB on average")
        assert later < max(0.5 * first, 30), after  # no leak: later rounds reuse the first's
    finally:
        for ctx in contexts:
            ctx.close()
        server.stop()
