"""The duel's panel: the controls' options and the live panel (progress, curves, errors)
that a fragment keeps up to date while the server's job pool trains and samples.

Used by the Diffusion Duel, the Lesson and Gradient Starvation (not a page itself). The
duel's state and its jobs are ``specdiff_core.server.session``'s (no streamlit there);
this module binds that session to the student's ``st.session_state``, the server's job
pool and the student's session id, and draws.
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from specdiff_core import experiments, report
from specdiff_core.server import JobView, session
from specdiff_core.server.session import (  # noqa: F401 - the pages' names for them
    SAMPLE_COST,
    SAMPLE_PRIORITY,
    decode_rho,
    duel_key,
    forget_samples,
    in_flight,
    live_duel,
    pause,
    samples_stale,
    signature,
)
from specdiff_core.training import Duel  # noqa: F401 - for type hints in the pages

from . import class_log
from .classroom import job_pool, presenting, queue_text, run_store, session_id, style_figure
from .job_slot import POLL_SECONDS
from .polling import rearm

# your_graph: the current graph of Graph Lab (a bound widget's labels are the link's
# spelling, so the options are their own labels)
FAMILIES = ["barbell", "asymmetric_chain", "your_graph"]
STEP_OPTIONS = [100, 200, 400, 600, 800, 1200]
LAMBDA_OPTIONS = [0.0, 1.0, 3.0, 10.0, 30.0, 100.0]
SAMPLE_OPTIONS = [8, 16, 32, 64]
REGIME_OPTIONS = ["oracle", "rare"]  # config.REGIMES: where the training targets come from
REGIME_LABEL = {
    "oracle": "rare in the graph: Spectral Oracle targets keep the bridge",
    "rare": "rare in the data (the paper's): the bridge in eps of the targets",
}
EPS_OPTIONS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5]  # the bridge's frequency, regime "rare"
DECODER_OPTIONS = ["chain", "topk"]  # config.DECODERS
DECODER_LABEL = {"chain": "reverse chain", "topk": "top ρ|E| (the paper's)"}
DEFAULT = {  # the app's default duel: the library's (experiments.DEMO), in one place
    "family": experiments.DEMO.family,
    "steps": experiments.DEMO.steps,
    "lam": experiments.DEMO.lam,
    "k": experiments.DEMO.k,
    "regime": experiments.DEMO.regime,
    "eps": session.DEFAULT_EPS,
    "decoder": experiments.DEMO.decoder,
}

IDLE_POLL_SECONDS = 2.0  # with nothing in flight: how often to check the last full run ended

ss = st.session_state


@st.cache_resource(
    max_entries=8, show_spinner="Building training graphs, R_eff and teacher targets…"
)
def shared_examples(family: str, seed: int, regime: str = "oracle", eps: float | None = None):
    """Training graphs + a held-out test graph: computed once for every student (read-only)."""
    return experiments.demo_examples(seed, family=family, regime=regime, eps=eps)


RUN_PARAM = "duel_run"  # in the address once a duel trains: which duel, up to which step


def run_tag(key: tuple, until: int) -> str:
    """The address's name for 'duel ``key`` trained up to ``until``' (short and stable)."""
    return hashlib.sha1(repr(key).encode()).hexdigest()[:8] + f"-{int(until)}"


def duel_state(key: tuple) -> dict[str, Any]:
    """This session's state for duel ``key`` (see ``server.session.duel_state``).

    A reload starts a new session with nothing in it; the address still holds the duel's
    settings and, once it trained, :data:`RUN_PARAM`. A fresh state whose tag is in the
    address asks the pool for that training again: the pool joins the running job, or
    hands back the finished one it remembers (or, long after, trains it again: the same
    settings give the same models), and the samples follow as they do after training.
    """
    state = session.duel_state(ss, key, shared_examples)
    tag = st.query_params.get(RUN_PARAM, "")
    fresh = state["duel"].step_count == 0 and state["train_ticket"] is None
    if fresh and not state["error"] and tag.startswith(run_tag(key, 0)[:9]):
        until = tag[9:]
        if until.isdigit():
            session.train(state, int(until), pool=job_pool(), owner=session_id(), runs=run_store())
    return state


def trained_steps(key: tuple) -> int:
    """How far this session's duel ``key`` has trained (0 if it has none)."""
    state = ss.get("duels", {}).get(key)
    return 0 if state is None else int(state["duel"].step_count)


def reset(key: tuple) -> None:
    session.reset(ss, key)
    if RUN_PARAM in st.query_params:
        del st.query_params[RUN_PARAM]


def train(state: dict[str, Any], until: int) -> None:
    """Ask the server's pool to train this duel up to step ``until`` for this session (and
    say so in the address, so that a reload finds it: :func:`duel_state`)."""
    session.train(state, until, pool=job_pool(), owner=session_id(), runs=run_store())
    if state["train_ticket"] is not None:
        st.query_params[RUN_PARAM] = run_tag(
            state["key"], min(until, state["duel"].config.train.steps)
        )


def collect(state: dict[str, Any]) -> bool:
    """Poll the duel's jobs (``server.session.collect``); a duel that has just finished
    (trained to the end and sampled) goes into the class store for the teacher view."""
    finished = session.collect(state)
    class_log.duel_finished(state)
    return finished


def request_samples(state: dict[str, Any], k: int, seed: int, decoder: str = "chain") -> None:
    """Ask the server's pool for ``k`` samples per model of the held-out graph."""
    session.request_samples(state, k, seed, decoder, pool=job_pool(), owner=session_id())


# ----------------------------------------------------------------------------- drawing


@st.cache_resource(max_entries=64, show_spinner=False)
def curves_figure(key: tuple, n_rows: int, present: bool, _history: list):
    """The duel's curves for its first ``n_rows`` history rows, built once for everyone:
    a duel's history is the same for the same settings, seed and length."""
    # Presenter mode: shorter, so that the curves fit above the fold of a 720-line projector.
    return style_figure(report.duel_curves(_history[:n_rows]), height=300 if present else 520)


def progress_line(state: dict[str, Any], view: JobView | None) -> tuple[float, str]:
    duel = live_duel(state)
    total = duel.config.train.steps
    text = f"step {duel.step_count} / {total}"
    if view is not None and not view.finished:
        text += " · " + queue_text(view).replace("**", "")
        if view.watchers > 1:
            text += f" · shared with {view.watchers - 1} other session(s)"
    else:
        text += f" · {duel.seconds:.1f} s of training"
    return duel.step_count / max(total, 1), text


def show_curves(
    state: dict[str, Any], *, chart_key: str, running: bool, busy: bool = False
) -> None:
    duel = live_duel(state)
    history = list(duel.history)  # a snapshot: the job appends while we draw
    n = len(history)
    if running:  # redraw every 50 steps (10 rows): one figure per block, shared by all
        n -= n % 10
    # Before training, the panels are drawn empty: the page loads plotly.js (a ~1.1 s
    # stall of the browser's main thread here) when it opens, not in the middle of the
    # live updates, and the reader sees what will be plotted. Not while a job waits in
    # the queue with nothing to plot yet: every poll would send the empty figure again
    # (with 30 students queued that cost the server and the browsers ~2x their CPU).
    if n == 0 and busy:
        return
    st.plotly_chart(
        curves_figure(state["key"], n, presenting(), history),
        key=chart_key,
        config={"displaylogo": False},
    )


def live_panel(
    state: dict[str, Any],
    *,
    chart_key: str,
    idle_hint: str,
    on_finish: Any = None,
    when_trained: Any = None,
) -> None:
    """Progress (with the place in the queue and an estimate), the curves, any error, and
    ``when_trained()``'s elements once the duel has finished training.

    While a job is in flight this is a fragment that polls it every POLL_SECONDS and
    reruns the whole page when it finishes (to show what depends on it). Its elements sit
    in one container: a fragment that draws a varying number of elements straight into the
    page overwrites the elements that follow it (the lesson lost its "Training finished").
    What must be seen the moment training ends belongs in ``when_trained``: it is redrawn
    by every poll, so a page redraw that loses an element outside the fragment (the load
    test caught chromium pages without the lesson's "Training finished" box, 2 of 3 in one
    run of 30 sessions) shows it again within IDLE_POLL_SECONDS.
    """
    busy = in_flight(state)
    drawn = (ss.get("_run_token"), signature(state))  # this full run, and what it showed
    every = POLL_SECONDS if busy else IDLE_POLL_SECONDS

    @st.fragment(run_every=every)
    def live() -> None:
        rearm(every)  # a poll re-arms its own timer (polling.py: the classroom stall)
        collect(state)
        if _polled() and (ss.get("_run_done") is not drawn[0] or signature(state) != drawn[1]):
            # A job finished since the page was drawn, or the full run that drew it was cut
            # short (Streamlit lets polls queued meanwhile preempt a rerun asked for from a
            # fragment): redraw the page. Asked at every poll until a full run completes.
            if on_finish is not None:
                on_finish()
            st.rerun()
        with st.container():  # one slot in the page, however many elements (docstring)
            tview = state["train_ticket"].poll() if state["train_ticket"] is not None else None
            frac, text = progress_line(state, tview)
            st.progress(frac, text=text)
            sview = state["sample_ticket"][1].poll() if state["sample_ticket"] is not None else None
            if sview is not None and tview is None:
                st.caption("Sampling: " + queue_text(sview))
            if state["error"]:
                st.error(
                    f"This job failed: {state['error']}. Nobody else's work is affected; "
                    "press Reset (or change a setting) to try again."
                )
            if not live_duel(state).history and not busy and idle_hint and not presenting():
                st.info(idle_hint)
            show_curves(state, chart_key=chart_key, running=tview is not None, busy=busy)
            if state["shared"] and tview is None and state["duel"].step_count:
                st.caption(shared_note(state["shared"]))
            if when_trained is not None and tview is None and state["duel"].done:
                when_trained()

    live()


def _polled() -> bool:
    """True in a fragment's own rerun (a poll), False while the full page runs it inline."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def shared_note(n: int) -> str:
    return (
        "Shared run: this exact duel (same settings and seed) was also asked for by "
        f"{'another session' if n == 1 else f'{n} other sessions'}, so the server trained it "
        "once and gave each of you your own copy. Training is deterministic, so your copy is "
        "bit-for-bit what you would have got alone; pause, step or reset it as you like."
    )
