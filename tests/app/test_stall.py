"""The classroom stall, reproduced and fixed (specdiff_app/polling.py).

A server whose event loop lags its script threads (tests/app/fixtures/lagging_app.py)
and a light client that speaks Streamlit's websocket protocol as the browser does
(benchmarks/load_test.LightSession: a full run's ``new_session`` clears every fragment
timer, an ``auto_rerun`` arms one). The client opens the page, waits for its polling to
settle, then asks for a full run, as a click does. Its polls keep coming meanwhile, since
the browser has not heard of the new run yet; the loop handles one of them after the run
ended but before that run's last events: without the fix, Streamlit starts a new runner
for the poll and drops them.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_utils import ROOT, AppServer

sys.path.insert(0, str(ROOT))
from benchmarks.load_test import MARK_DONE, MARK_TRAINED, LightSession  # noqa: E402

pytestmark = pytest.mark.slow
FIXTURE = str(Path("tests") / "app" / "fixtures" / "lagging_app.py")
# The loop handles a run's events 0.3 s late and a poll 0.6 s late; a full run pauses
# 0.5 s before its fragment. So a poll sent just before the browser hears of the run is
# handled just after the run ended, with its last events (the fragment's auto_rerun, the
# last element, the end) still waiting.
LAGS = {"LAG_SECONDS": "0.3", "REQUEST_LAG_SECONDS": "0.6", "PAUSE_SECONDS": "0.5"}


def connect(base: str):
    import websockets

    host = urlsplit(base).netloc
    return websockets.connect(
        f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], max_size=None
    )


@contextlib.asynccontextmanager
async def opened(*sessions: LightSession):
    """Each session connected, its messages read as they come; on leaving, its fragment
    timers and its reader are cancelled and its socket closed."""
    async with contextlib.AsyncExitStack() as stack:
        tasks = []
        for s in sessions:
            s.ws = await stack.enter_async_context(connect(s.base))
            tasks.append(asyncio.create_task(s.receive()))
        try:
            yield sessions
        finally:
            for t in [*(t for s in sessions for t in s.timers.values()), *tasks]:
                t.cancel()


def stop_polling(s: LightSession) -> str:
    """Cancel the page's one fragment timer (the test sends its polls itself); its id."""
    (fragment,) = s.timers
    for t in s.timers.values():
        t.cancel()
    s.timers.clear()
    return fragment


async def click_during_polling(base: str) -> dict:
    """Open the page, let it poll, ask for a full run; what the client has 4 s later."""
    s = LightSession("student", base, "", page="")
    async with opened(s):
        await s.send()
        await s.until(lambda: s.saw("run 1 ends") and bool(s.timers), 30, "run 1")
        await asyncio.sleep(1.5)  # steady polling
        s.texts.clear()
        await s.send()  # a click: a full run
        await asyncio.sleep(4.0)
        seen = list(s.texts)
        await asyncio.sleep(1.0)
        return {
            "run 2 ends": "run 2 ends" in seen,
            "polling": bool(s.timers),
            "polls in the last second": s.texts[len(seen) :].count("poll"),
        }


def serve(**env: str) -> AppServer:
    return AppServer(script=FIXTURE, env={"PYTHONPATH": str(ROOT), **LAGS, **env}).wait_ready()


@pytest.mark.parametrize(
    ("fix", "rearm", "want"),
    [
        # The cause, in this Streamlit: the run's end is lost and the page stops polling
        # (if this starts failing, Streamlit fixed it: the handoff fix can go).
        ("0", "0", {"run 2 ends": False, "polling": False}),
        # The poll's re-arming alone: polling goes on, the run's end is still lost.
        ("0", "1", {"run 2 ends": False, "polling": True}),
        # The handoff fix: nothing lost, polling goes on, with or without re-arming.
        ("1", "0", {"run 2 ends": True, "polling": True}),
        ("1", "1", {"run 2 ends": True, "polling": True}),
    ],
    ids=["no-fix", "rearm-only", "handoff-only", "both"],
)
def test_a_poll_handled_after_a_run_ended(fix, rearm, want):
    server = serve(HANDOFF_FIX=fix, REARM=rearm)
    try:
        got = asyncio.run(click_during_polling(server.url))
    finally:
        server.stop()
    assert {k: got[k] for k in want} == want, got
    if fix == "1":
        assert got["polls in the last second"] >= 2, got  # still polling at 0.1 s


async def poll_after_losing_the_timer(base: str) -> tuple[str, bool]:
    """Open the lesson's training step, drop the fragment's timer as a lost auto_rerun
    would, send the one poll that was in flight: does that poll re-arm the timer?"""
    s = LightSession("student", base, "step=run&duel_steps=100", page="lesson")
    async with opened(s):
        await s.send()
        await s.until(lambda: bool(s.timers) and "lesson_train" in s.buttons, 90, "page")
        fragment = stop_polling(s)
        await s.send(fragment=fragment)
        try:
            await s.until(lambda: fragment in s.timers, 10, "a re-armed timer")
        except TimeoutError:
            return fragment, False
        return fragment, True


def test_the_lessons_live_panel_rearms_its_timer_at_every_poll():
    server = AppServer().wait_ready()
    try:
        fragment, rearmed = asyncio.run(poll_after_losing_the_timer(server.url))
    finally:
        server.stop()
    assert rearmed, f"a poll of fragment {fragment} did not re-arm its timer"


class LaggingBrowser(LightSession):
    """A browser whose polls carry ``self.old`` while it is set: the address it had before
    the server's last ``page_info_changed`` reached it."""

    old: str | None = None

    async def rerun_every(self, fragment: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.send(fragment=fragment, query=self.old)


async def next_while_polls_carry_the_old_address(base: str) -> tuple[list[str], str]:
    """Train the lesson's duel, press Next while another student's 800-step training holds
    the server's one worker (so step 5's live panel, the same fragment as step 4's, polls
    while its samples wait), and let every poll carry the address from before the click
    until the samples are drawn. The step headings drawn after the click, and the address
    the server left the page with."""
    s = LaggingBrowser("student", base, "step=run&duel_steps=100", page="lesson")
    other = LightSession("other", base, "step=run&duel_steps=800&seed=3", page="lesson")
    async with opened(s, other):
        await s.send()
        await other.send()
        await s.click("lesson_train", 90)
        await s.until(lambda: s.saw(MARK_TRAINED) and bool(s.timers), 240, "trained duel")
        await other.click("lesson_train", 90)
        await other.until(lambda: other.saw("in line") or other.saw("step"), 60, "training")
        s.old, polling = s.query, list(s.timers)
        await s.click("lesson_next", 30)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not s.saw(MARK_DONE):
            for fragment in polling:
                await s.send(fragment=fragment, query=s.old)
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        s.old = None
        await asyncio.sleep(4.0)
        return [t for t in s.texts if re.match(r"\d\. ", t)], s.query


def test_a_poll_sent_before_the_address_changed_does_not_take_the_page_back():
    """Without the fresh address (polling._fresh_address) the old ``step=run`` reached the
    polls' runs, and the ``st.rerun()`` with which the live panel redraws the page once
    the samples came drew step 4 again after step 5."""
    server = AppServer(env={"SPECDIFF_POOL_SIZE": "1"}).wait_ready()
    try:
        headings, address = asyncio.run(next_while_polls_carry_the_old_address(server.url))
    finally:
        server.stop()
    assert headings and all(h.startswith("5. ") for h in headings), headings
    assert "step=fail" in address, address


def test_the_handoff_fix_is_installed_for_the_pinned_streamlit():
    from streamlit.runtime.app_session import AppSession

    from specdiff_app import polling

    assert polling.install() is True
    assert getattr(AppSession, polling._PATCHED)
    wrapped = AppSession.request_rerun
    assert polling.install() is True  # once: a second call wraps nothing
    assert AppSession.request_rerun is wrapped


class _Loop:
    def __init__(self) -> None:
        self.later: list = []

    def call_later(self, _delay, fn) -> None:
        self.later.append(fn)

    def run_pending(self) -> None:
        pending, self.later = self.later, []
        for fn in pending:
            fn()


def _session_after_a_run(address: str = ""):
    """A session whose runner has ended its run, its shutdown not yet handled; the
    address (its query parameters) is ``address``, as its runs last set it."""
    import threading
    from types import SimpleNamespace
    from urllib.parse import parse_qsl

    from streamlit.runtime.app_session import AppSessionState
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

    runner = SimpleNamespace(
        _requests=SimpleNamespace(_state=ScriptRequestType.STOP),
        _session_state=SimpleNamespace(_lock=threading.RLock()),
    )
    params = SimpleNamespace(_query_params=dict(parse_qsl(address)))
    return SimpleNamespace(
        _scriptrunner=runner,
        _state=AppSessionState.APP_IS_RUNNING,
        _event_loop=_Loop(),
        _session_state=SimpleNamespace(query_params=params),
    )


def _requests_seen():
    from types import SimpleNamespace

    from specdiff_app import polling

    seen: list[str] = []
    rerun = polling.handoff(lambda session, state: seen.append(state.name))
    poll = SimpleNamespace(name="poll", fragment_id="f", query_string="")
    click = SimpleNamespace(name="click", fragment_id="", query_string="")
    return seen, rerun, poll, click


def test_a_held_poll_goes_ahead_once_the_last_run_is_shut_down():
    seen, rerun, poll, _ = _requests_seen()
    session = _session_after_a_run()
    rerun(session, poll)
    assert seen == []  # held: the last run's events come first
    session._event_loop.run_pending()
    assert seen == []  # still not shut down
    session._scriptrunner = None  # the loop handled the old runner's shutdown
    session._event_loop.run_pending()
    assert seen == ["poll"]


def test_a_click_sent_after_a_held_poll_is_not_overtaken_by_it():
    """The poll was sent first and held; the click came after and started its run. The
    poll going ahead now would preempt the click's run with a fragment-only one (a lost
    Next, students stuck on step 4): it is dropped, the click's run draws the fragment."""
    seen, rerun, poll, click = _requests_seen()
    session = _session_after_a_run()
    rerun(session, poll)
    rerun(session, click)  # a full run: never held
    session._scriptrunner = None
    for _ in range(3):
        session._event_loop.run_pending()
    assert seen == ["click"]


def test_a_held_poll_outwaits_a_loop_that_lags_past_the_warning(monkeypatch, caplog):
    """An event loop more than HANDOFF_WARN_SECONDS behind still delivers the last run's
    events; the poll keeps waiting for them (going ahead would drop them), says so once,
    and gives up only after HANDOFF_MAX_SECONDS."""
    from specdiff_app import polling

    now = [100.0]
    monkeypatch.setattr(polling.time, "monotonic", lambda: now[0])
    seen, rerun, poll, _ = _requests_seen()
    session = _session_after_a_run()
    rerun(session, poll)
    for _ in range(3):  # 2.5, 5 and 7.5 s behind
        now[0] += 2.5
        session._event_loop.run_pending()
    assert seen == []
    assert sum("still waiting" in r.getMessage() for r in caplog.records) == 1
    session._scriptrunner = None  # the loop got there
    session._event_loop.run_pending()
    assert seen == ["poll"]

    seen.clear()
    session = _session_after_a_run()
    rerun(session, poll)
    now[0] += polling.HANDOFF_MAX_SECONDS
    session._event_loop.run_pending()
    assert seen == ["poll"]  # a runner that never shuts down is given up on
    assert any("going ahead" in r.getMessage() for r in caplog.records)


def test_a_fragment_run_starts_with_the_address_the_server_last_gave_the_page():
    """The browser sent the poll with ``step=run``; the click's run had already moved the
    page's address to ``step=fail`` (it had not reached the browser yet). The poll's run
    starts with ``step=fail``; a full run keeps the address its request came with."""
    from streamlit.runtime.state import SafeSessionState, SessionState

    from specdiff_app import polling

    got: list[str] = []

    class Context:
        def reset(self, query_string="", page_script_hash="", fragment_ids_this_run=None):
            got.append(query_string)

    reset = polling.fresh_address(Context.reset)
    ctx = Context()
    ctx.session_state = SafeSessionState(SessionState(), lambda: None)
    ctx.session_state._state.query_params._query_params.update(
        {"step": "fail", "duel_steps": "800"}
    )
    reset(ctx, query_string="step=run&duel_steps=800", fragment_ids_this_run=["f"])
    reset(ctx, "step=run&duel_steps=800", "page", ["f"])
    reset(ctx, query_string="step=run&duel_steps=800", fragment_ids_this_run=None)
    assert got == ["step=fail&duel_steps=800"] * 2 + ["step=run&duel_steps=800"]


def test_the_app_installs_the_fresh_address_on_every_run():
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    from specdiff_app import polling

    assert polling.install()
    assert ScriptRunContext.reset.__qualname__.startswith("fresh_address")
    assert ScriptRunContext.reset.__wrapped__.__qualname__ == "ScriptRunContext.reset"


TWO_RUNNERS = str(Path("tests") / "app" / "fixtures" / "two_runners_app.py")


async def click_just_after_a_poll(base: str) -> list[str]:
    """Open the page, send a poll and at once a click on Next (a student's click that
    lands while the page's poll is starting its run); the steps the page draws."""
    s = LightSession("student", base, "", page="")
    async with opened(s):
        fragment = await quiet_page(s)
        await s.send(fragment=fragment)
        await asyncio.sleep(0.05)  # the poll's runner has started, its run not yet
        await s.send(trigger=s.buttons["next"])
        await asyncio.sleep(3.0)
        return [t for t in s.texts if t.startswith("step ")]


async def quiet_page(s: LightSession) -> str:
    """Open the two-runners page, stop its polling and let it settle; its fragment's id."""
    await s.send()
    await s.until(lambda: "next" in s.buttons and bool(s.timers), 30, "the page")
    fragment = stop_polling(s)
    await asyncio.sleep(0.5)
    s.texts.clear()
    return fragment


@pytest.mark.parametrize(
    ("fast", "fresh", "want"),
    [
        # Streamlit's default, in this Streamlit: the click's page reads the poll's address.
        ("true", "0", ["step first"]),
        # The app's setting (.streamlit/config.toml): the click's run waits for the poll's
        # to reach a yield point, in the same thread, and reads its own address.
        (None, "0", ["step next"]),
        # A fragment's run taking the session's address (polling.fresh_address) alone
        # covers this case too; the app has both.
        ("true", "1", ["step next"]),
        (None, "1", ["step next"]),
    ],
    ids=["fastReruns-on", "app-config", "fresh-address", "both"],
)
def test_a_click_during_a_starting_poll_keeps_its_address(fast, fresh, want):
    extra = ("--runner.fastReruns", fast) if fast else ()
    env = {"PYTHONPATH": str(ROOT), "START_LAG_SECONDS": "0.3", "PAUSE_SECONDS": "0.6",
           "FRESH_ADDRESS": fresh}  # fmt: skip
    server = AppServer(script=TWO_RUNNERS, env=env, extra_args=extra).wait_ready()
    try:
        got = asyncio.run(click_just_after_a_poll(server.url))
    finally:
        server.stop()
    assert got[-1:] == want, got


def test_the_app_runs_one_script_thread_per_session():
    """runner.fastReruns off in the app's config, and the server warns if it is on."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["fastReruns"] is False
    server = AppServer(script=TWO_RUNNERS, env={"PYTHONPATH": str(ROOT)},
                       extra_args=("--runner.fastReruns", "true")).wait_ready()  # fmt: skip
    try:
        urllib.request.urlopen(server.url, timeout=30).read()
        asyncio.run(click_just_after_a_poll(server.url))  # a session: the page's script ran
    finally:
        server.stop()
    assert "runner.fastReruns is on" in server.log_path.read_text()


async def poll_just_after_a_click(base: str) -> tuple[list[str], str]:
    """Open the page, press Next and send a poll 0.1 s later with the address the browser
    still has: the click's run is starting (a poll that reaches a request still waiting
    to be taken is folded into it), its callback has not written ``step=next`` yet. The
    steps the page draws and the address the server leaves it with."""
    s = LightSession("student", base, "", page="")
    async with opened(s):
        fragment = await quiet_page(s)
        await s.send(trigger=s.buttons["next"])
        await asyncio.sleep(0.1)
        await s.send(fragment=fragment)  # queued behind the click's run
        await asyncio.sleep(3.0)
        return [t for t in s.texts if t.startswith("step ")], s.query


@pytest.mark.parametrize(("fresh", "want"), [("0", "step first"), ("1", "step next")],
                         ids=["as-streamlit-sets-it", "fresh-address"])  # fmt: skip
def test_a_poll_queued_behind_a_click_does_not_take_the_page_back(fresh, want):
    """The fourth traced cause: the poll arrived before the click's callback had run, and
    the address it was sent with (``step`` unset), or one the server read on its arrival
    (as polling did before), reached the poll's run after the click's; its ``st.rerun()``
    then drew ``step first`` again. Read as the poll's run starts, it is ``step=next``."""
    env = {"PYTHONPATH": str(ROOT), "FULL_START_LAG_SECONDS": "0.5", "REDRAW": "1",
           "FRESH_ADDRESS": fresh}  # fmt: skip
    server = AppServer(script=TWO_RUNNERS, env=env).wait_ready()
    try:
        steps, address = asyncio.run(poll_just_after_a_click(server.url))
    finally:
        server.stop()
    assert steps and steps[-1] == want, steps
    if fresh == "1":
        assert set(steps) == {"step next"}, steps
        assert address == "step=next", address
