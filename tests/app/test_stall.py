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
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_utils import ROOT, AppServer

sys.path.insert(0, str(ROOT))
from benchmarks.load_test import LightSession  # noqa: E402

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


async def click_during_polling(base: str) -> dict:
    """Open the page, let it poll, ask for a full run; what the client has 4 s later."""
    s = LightSession("student", base, "", page="")
    async with connect(base) as ws:
        s.ws = ws
        rx = asyncio.create_task(s.receive())
        try:
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
        finally:
            for t in s.timers.values():
                t.cancel()
            rx.cancel()


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
    async with connect(base) as ws:
        s.ws = ws
        rx = asyncio.create_task(s.receive())
        try:
            await s.send()
            await s.until(lambda: bool(s.timers) and "lesson_train" in s.buttons, 90, "page")
            (fragment,) = s.timers
            for t in s.timers.values():
                t.cancel()
            s.timers.clear()
            await s.send(fragment=fragment)
            try:
                await s.until(lambda: fragment in s.timers, 10, "a re-armed timer")
            except TimeoutError:
                return fragment, False
            return fragment, True
        finally:
            for t in s.timers.values():
                t.cancel()
            rx.cancel()


def test_the_lessons_live_panel_rearms_its_timer_at_every_poll():
    server = AppServer().wait_ready()
    try:
        fragment, rearmed = asyncio.run(poll_after_losing_the_timer(server.url))
    finally:
        server.stop()
    assert rearmed, f"a poll of fragment {fragment} did not re-arm its timer"


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


def _session_after_a_run():
    """A session whose runner has ended its run, its shutdown not yet handled."""
    from types import SimpleNamespace

    from streamlit.runtime.app_session import AppSessionState
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

    runner = SimpleNamespace(_requests=SimpleNamespace(_state=ScriptRequestType.STOP))
    return SimpleNamespace(
        _scriptrunner=runner, _state=AppSessionState.APP_IS_RUNNING, _event_loop=_Loop()
    )


def _requests_seen():
    from types import SimpleNamespace

    from specdiff_app import polling

    seen: list[str] = []
    rerun = polling.handoff(lambda session, state: seen.append(state.name))
    poll = SimpleNamespace(name="poll", fragment_id="f")
    click = SimpleNamespace(name="click", fragment_id="")
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
