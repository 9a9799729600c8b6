"""Polling that cannot stall: the classroom stall's cause, its fix, and a re-arming poll.

The cause (Streamlit 1.67, ``runtime/app_session.py``). A session's script runs in a
ScriptRunner thread; everything the run sends (its ``new_session``, its elements, the
``auto_rerun`` that arms a fragment's ``run_every`` timer in the browser, its
``script_finished``) goes to the server's event loop as events, which the loop handles in
order. When the run ends the runner stops; the next request starts a new runner. A
fragment's poll that the loop handles after the runner stopped but *before* the loop has
handled that runner's last events starts the new runner at once, and the old runner's
events still waiting are then dropped (``sender is not self._scriptrunner``): the end of
the full run never reaches the browser. Under load the loop lags its script threads, so
this happens: the browser keeps what came through and misses the rest (the lesson's
question and buttons below "Training finished"), or, when the loss starts after the run's
``new_session`` (on which the browser clears every fragment timer) and before the
fragment's ``auto_rerun``, it stops polling for good while the server goes idle.
``tests/app/test_stall.py`` reproduces both with a lagging event loop.

The fix, in three parts:

* :func:`install` (from app.py, once per process): a fragment's rerun that finds the
  session's runner stopped but not yet shut down waits on the event loop (looking again
  every :data:`RETRY_SECONDS`) until the loop has handled that runner's events, which end
  with its shutdown; then it starts the new runner as before. Nothing is dropped, and the
  order of what the browser receives is the order the runs sent it. A wait past
  :data:`HANDOFF_WARN_SECONDS` is logged once and goes on (a loop that lags more than
  that under load still delivers the events; going ahead then would lose them); only a
  runner that has not shut down after :data:`HANDOFF_MAX_SECONDS` is given up on, as
  Streamlit would. Installed only on the Streamlit this was read from (1.67.0), since it
  wraps a private method; on another version it says so in the log and does nothing.
* A fragment's run takes the page's address as the server last set it, not the one its
  request carried (:func:`fresh_address`, wrapping ``ScriptRunContext.reset``, which every
  run calls in its script thread as it starts). Every run, a fragment's too, starts by
  setting ``st.query_params`` from its request; a poll sent just before the browser heard
  that a click's run moved the address (the lesson's *Next*: ``step=run`` to
  ``step=fail``) carries the old one, and a write of any query parameter in that poll, or
  the ``st.rerun()`` with which a poll redraws the page, then takes the page back (traced
  in the 20-run load test: sessions left on step 4, their address back at ``step=run``).
  The address is read when the run starts, not when the request arrives: a poll that
  arrives during the click's run waits for it in the same thread (``runner.fastReruns``
  is off), and a reading taken on arrival, before the click's callback wrote
  ``step=fail``, set it back once the poll ran (the fourth traced cause). A fragment
  belongs to the page on screen, so the server's own address is the right one; a full
  run still takes the browser's (a link, Back and Forward).
* :func:`rearm`, called at every poll of a polling fragment: sends its ``auto_rerun``
  again. The browser ignores it while that timer runs; if the timer was cleared and
  never re-armed, the poll that finds the page re-arms it (a watchdog inside the page).
"""

from __future__ import annotations

import inspect
import logging
import time
from contextlib import nullcontext
from urllib.parse import urlencode

import streamlit
from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

LOG = logging.getLogger("specdiff.polling")
STREAMLIT_VERSIONS = ("1.67.0",)  # the versions whose AppSession this was read from
RETRY_SECONDS = 0.01  # how often a held fragment rerun looks again
HANDOFF_WARN_SECONDS = 2.0  # a hold this long is logged (once) and goes on
HANDOFF_MAX_SECONDS = 60.0  # then it goes ahead as Streamlit would (and the log says so)
_PATCHED = "_specdiff_handoff"  # set on AppSession once wrapped


def rearm(every: float) -> None:
    """In a fragment's own rerun (a poll): ask the browser again to rerun this fragment
    every ``every`` s.

    A no-op elsewhere (a full run's call of the fragment sends this already). In the
    browser, a timer already running with this interval is left alone, so this costs one
    small message per poll.
    """
    ctx = get_script_run_ctx()
    fragment_id = ThreadState.get().fragment_id
    if ctx is None or not fragment_id or not ctx.fragment_ids_this_run:
        return
    msg = ForwardMsg()
    msg.auto_rerun.interval = float(every)
    msg.auto_rerun.fragment_id = fragment_id
    ctx.enqueue(msg)


def install() -> bool:
    """Wrap ``AppSession.request_rerun`` and ``ScriptRunContext.reset`` (once): see the
    module's docstring. True when the wraps are in place."""
    from streamlit.runtime.app_session import AppSession

    if getattr(AppSession, _PATCHED, False):
        return True
    if streamlit.__version__ not in STREAMLIT_VERSIONS:
        LOG.warning(
            "streamlit %s: the fragment-rerun handoff fix was written for %s and is not "
            "installed; check specdiff_app/polling.py against this version",
            streamlit.__version__,
            ", ".join(STREAMLIT_VERSIONS),
        )
        return False
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    AppSession.request_rerun = handoff(AppSession.request_rerun)
    ScriptRunContext.reset = fresh_address(ScriptRunContext.reset)
    setattr(AppSession, _PATCHED, True)
    if config.get_option("runner.fastReruns"):
        LOG.warning(
            "runner.fastReruns is on: a click can start a second script thread beside a "
            "poll's, and the two overwrite each other's query parameters; the app's "
            ".streamlit/config.toml turns it off (run the server from the repository root)"
        )
    return True


def handoff(original):
    """``AppSession.request_rerun`` with the hold described in the module's docstring.

    A held fragment rerun is dropped when the session receives any other rerun request
    while it waits: that request was sent after it, and holding must not reorder the two.
    (Once, it did: a student's click on *Next* reached the server while the poll sent just
    before it was held; the click's run started, then the poll went ahead and preempted
    it with a fragment-only run, and the click was lost: 2 of 30 sessions stuck on step 4
    in a 20-run load test.) The newer request draws the fragment (a full run) or polls it
    (a fragment run), so nothing is missed.
    """

    def request_rerun(self, client_state, _held: tuple[float, int, bool] | None = None) -> None:
        if _held is None:  # a request from the browser, not a held one's retry
            self._specdiff_requests = getattr(self, "_specdiff_requests", 0) + 1
        elif self._specdiff_requests != _held[1]:
            return  # a newer request came in while this one was held
        if _runner_stopped_but_not_shut_down(self, client_state):
            since, seq, warned = _held or (time.monotonic(), self._specdiff_requests, False)
            waited = time.monotonic() - since
            if waited < HANDOFF_MAX_SECONDS:
                if waited >= HANDOFF_WARN_SECONDS and not warned:
                    LOG.warning("a fragment rerun waited %.1f s for the last run's events; "
                                "still waiting", waited)  # fmt: skip
                    warned = True
                held = (since, seq, warned)
                self._event_loop.call_later(
                    RETRY_SECONDS, lambda: request_rerun(self, client_state, held)
                )
                return
            LOG.warning("a fragment rerun waited %.0f s for the last run's events; going "
                        "ahead", HANDOFF_MAX_SECONDS)  # fmt: skip
        original(self, client_state)

    request_rerun.__doc__ = original.__doc__
    return request_rerun


def fresh_address(original):
    """``ScriptRunContext.reset`` for a run about to start (in its script thread): a
    fragment's run gets the session's own query parameters as its ``query_string`` (the
    module's docstring). They are what every earlier run of this session left, each
    ``st.query_params`` write included, and only this session's script thread writes
    them. A full run keeps its request's."""
    signature = inspect.signature(original)

    def reset(*args, **kwargs) -> None:
        bound = signature.bind(*args, **kwargs)
        if bound.arguments.get("fragment_ids_this_run"):
            ctx = bound.arguments["self"]
            address = session_address(ctx.session_state)
            if address is not None:
                bound.arguments["query_string"] = address
        original(*bound.args, **bound.kwargs)

    reset.__doc__, reset.__wrapped__ = original.__doc__, original
    return reset


def session_address(safe_state) -> str | None:
    """The session's query parameters as a query string (None when this Streamlit keeps
    them elsewhere), read under the session state's lock: a run rewrites them under it."""
    lock = getattr(safe_state, "_lock", None)
    with lock if lock is not None else nullcontext():
        state = getattr(safe_state, "_state", None)
        params = getattr(getattr(state, "query_params", None), "_query_params", None)
        if not isinstance(params, dict):
            return None
        return urlencode(dict(params), doseq=True)


def _runner_stopped_but_not_shut_down(session, client_state) -> bool:
    """A fragment's rerun, and the session's runner has ended its run (it refuses
    reruns) while the event loop has not yet handled its shutdown event."""
    from streamlit.runtime.app_session import AppSessionState
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

    if client_state is None or not client_state.fragment_id:
        return False
    if session._state == AppSessionState.SHUTDOWN_REQUESTED:
        return False  # Streamlit discards it
    runner = session._scriptrunner
    if runner is None:
        return False
    return runner._requests._state is ScriptRequestType.STOP
