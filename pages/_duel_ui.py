"""A student's own duel: its state lives in their session, its training and sampling run
in the server's job pool, and a fragment polls the job so the page never blocks.

Used by the Diffusion Duel, the Lesson and Gradient Starvation (not a page itself).

Per session, ``st.session_state["duels"]`` maps a duel key ``(family, steps, λ, seed,
regime, eps)`` to a dict: ``duel`` (the session's own :class:`~specdiff_core.training.Duel`), ``test``
(the held-out graph), ``samples`` (``((step, k), DuelSamples)`` or None), the tickets of
jobs in flight, and the last error. At most :data:`MAX_DUELS` are kept; a forgotten one
cancels its jobs. When the session ends, Streamlit drops its state and the models with it.

Sharing. A duel is deterministic given its settings and seed, and how its steps are
chunked does not change it (tests/test_jobs.py checks this), so the pool computes a
request like "train duel K from step a to step b" once, however many sessions ask for it
while it is queued, running or recently done; every session then gets its own copy of the
result, which it can pause, step or reset on its own. Pausing a shared run hands the
session a copy at the current step and leaves the run going for the others.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from specdiff_core import experiments, report, server
from specdiff_core.server import JobView, PoolFull
from specdiff_core.training import Duel

from ._classroom import job_pool, presenting, queue_text, session_id, style_figure

FAMILIES = ["barbell", "asymmetric_chain"]
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
DEFAULT = {  # the app's default duel
    "family": "barbell",
    "steps": 600,
    "lam": 10.0,
    "k": 32,
    "regime": "oracle",
    "eps": 0.05,
    "decoder": "chain",
}


def decode_rho(family: str) -> float:
    """The kept share of edges of top-k decoding: the paper's rho for the family."""
    from specdiff_core.experiments.protocol import ProtocolConfig

    cfg = ProtocolConfig()
    return cfg.rho_chain if family == "asymmetric_chain" else cfg.rho_barbell


MAX_DUELS = 4  # duels kept per session
POLL_SECONDS = 0.5  # how often a page asks its job how far it has got
IDLE_POLL_SECONDS = 2.0  # and, with nothing in flight, whether its last full run completed
TRAIN_CHUNK = 5  # steps between progress reports (and between chances to pause)
SAMPLE_COST = 0.6  # work units (~training steps) per sample drawn, for the queue estimate
# Sampling (about a second) goes ahead of queued training: with 30 different duels on two
# cores, first-come-first-served made a trained student wait ~2 min behind everyone
# else's training for their samples (benchmarks/load_test.py --distinct-seeds: p50 248 s).
SAMPLE_PRIORITY = 1

ss = st.session_state


@st.cache_resource(
    max_entries=8, show_spinner="Building training graphs, R_eff and teacher targets…"
)
def shared_examples(family: str, seed: int, regime: str = "oracle", eps: float | None = None):
    """Training graphs + a held-out test graph: computed once for every student (read-only)."""
    return experiments.demo_examples(seed, family=family, regime=regime, eps=eps)


def duel_key(
    family: str,
    steps: int,
    lam: float,
    seed: int,
    regime: str = "oracle",
    eps: float = DEFAULT["eps"],
) -> tuple:
    """A duel is identified by its settings; eps matters only in the "rare" regime."""
    eps = float(eps) if regime == "rare" else None
    return (family, int(steps), float(lam), int(seed), regime, eps)


def duel_state(key: tuple) -> dict[str, Any]:
    """The session's state for duel ``key`` (created on first use; most recent last)."""
    duels: dict = ss.setdefault("duels", {})
    if key in duels:
        duels[key] = duels.pop(key)  # most recently used goes last
    else:
        family, steps, lam, seed, regime, eps = key
        train, test = shared_examples(family, seed, regime, eps)
        cfg = experiments.demo_duel_config(seed, steps=steps, lam=lam)
        duels[key] = {
            "key": key,
            "duel": Duel(cfg, train, probe=[test]),
            "test": test,
            "samples": None,
            "train_ticket": None,
            "sample_ticket": None,
            "error": None,
            "shared": 0,  # how many other sessions shared the last training run
        }
        while len(duels) > MAX_DUELS:  # forget the least recently used duel of this session
            forget(duels.pop(next(iter(duels))))
    ss["duel_current"] = key
    return duels[key]


def forget(state: dict[str, Any]) -> None:
    """Stop watching this duel's jobs (a job nobody watches is cancelled)."""
    for name in ("train_ticket", "sample_ticket"):
        t = state.get(name)
        if t is not None:
            (t[1] if isinstance(t, tuple) else t).cancel()
            state[name] = None


def reset(key: tuple) -> None:
    state = ss.get("duels", {}).pop(key, None)
    if state is not None:
        forget(state)


def in_flight(state: dict[str, Any]) -> bool:
    return state["train_ticket"] is not None or state["sample_ticket"] is not None


# ---------------------------------------------------------------------------- training


def train(state: dict[str, Any], until: int) -> None:
    """Ask the pool to train this duel up to step ``until`` (no-op if already asked)."""
    duel: Duel = state["duel"]
    until = min(int(until), duel.config.train.steps)
    if state["train_ticket"] is not None or duel.step_count >= until:
        return
    family, steps, lam, seed, regime, eps = state["key"]
    try:
        state["train_ticket"] = job_pool().submit(
            server.train_duel_job(
                until, chunk=TRAIN_CHUNK, family=family, seed=seed, regime=regime, eps=eps
            ),
            owner=session_id(),
            key=("train", state["key"], duel.step_count, until),
            label=f"train {family} ({regime}) λ={lam:g} seed={seed}: steps "
            f"{duel.step_count}->{until}",
            cost=until - duel.step_count,
            shared=server.DuelRun(duel.clone()),  # the job's copy, mirrored for drawing
        )
        state["error"] = None
        state["shared"] = 0
    except PoolFull as exc:
        state["error"] = str(exc)


PAUSE_WAIT = 10.0  # seconds to wait for the models at the current step (one chunk, usually)


def pause(state: dict[str, Any]) -> None:
    """Stop training: keep a copy of the models at the step they have reached."""
    t = state["train_ticket"]
    if t is None:
        return
    if t.status == "done":
        snap = t.result()
    elif t.status == "queued":  # not started: the models are as they were
        snap = t.shared.duel
    else:  # running: ask for a copy at the next chunk boundary (the run goes on for others)
        try:
            snap = t.shared.request_snapshot().result(timeout=PAUSE_WAIT)
        except Exception:  # noqa: BLE001 - the job ended meanwhile: collect() has its result
            return
    state["train_ticket"] = None
    state["duel"] = snap.clone()
    t.cancel()  # the run goes on only if another session still watches it


def collect_training(state: dict[str, Any]) -> JobView | None:
    """Poll the training job; when it has finished, take its models (or its error)."""
    t = state["train_ticket"]
    if t is None:
        return None
    view = t.poll()
    state["shared"] = max(state["shared"], view.watchers - 1, int(view.reused))
    if not view.finished:
        return view
    state["train_ticket"] = None
    if view.status == "done":
        state["duel"] = t.result().clone()  # finished: nobody changes it any more
    elif view.status == "failed":
        state["error"] = view.error
    return view


def live_duel(state: dict[str, Any]) -> Duel:
    """The duel to draw now: the job's copy while it trains, else the session's own."""
    t = state["train_ticket"]
    return t.shared.duel if t is not None else state["duel"]


# ---------------------------------------------------------------------------- sampling


def samples_stale(state: dict[str, Any], k: int, decoder: str = "chain") -> bool:
    want = (state["duel"].step_count, k, decoder)
    return state["samples"] is None or state["samples"][0] != want


def request_samples(state: dict[str, Any], k: int, seed: int, decoder: str = "chain") -> None:
    """Ask the pool for ``k`` samples per model of the held-out graph, decoded by
    ``decoder`` (if not in hand)."""
    duel = state["duel"]
    at = (duel.step_count, int(k), decoder)
    if not samples_stale(state, k, decoder) or duel.step_count == 0:
        return
    if state["sample_ticket"] is not None and state["sample_ticket"][0] == at:
        return
    forget_samples(state)

    family, _, _, duel_seed, regime, eps = state["key"]
    try:
        state["sample_ticket"] = (
            at,
            job_pool().submit(
                server.sample_duel_job(
                    duel,
                    family=family,
                    seed=duel_seed,
                    k=int(k),
                    sample_seed=int(seed),
                    regime=regime,
                    eps=eps,
                    decoder=decoder,
                    rho=decode_rho(family) if decoder == "topk" else None,
                ),
                owner=session_id(),
                key=("sample", state["key"], *at, int(seed)),
                label=f"sample {k} per model at step {at[0]} ({family} seed={duel_seed})",
                cost=SAMPLE_COST * k,
                priority=SAMPLE_PRIORITY,
            ),
        )
    except PoolFull as exc:
        state["error"] = str(exc)


def forget_samples(state: dict[str, Any]) -> None:
    if state["sample_ticket"] is not None:
        state["sample_ticket"][1].cancel()
        state["sample_ticket"] = None


def collect_samples(state: dict[str, Any]) -> JobView | None:
    entry = state["sample_ticket"]
    if entry is None:
        return None
    at, t = entry
    view = t.poll()
    if not view.finished:
        return view
    state["sample_ticket"] = None
    if view.status == "done":
        state["samples"] = (at, t.result())  # read-only: shared as is
    elif view.status == "failed":
        state["error"] = view.error
    return view


def collect(state: dict[str, Any]) -> bool:
    """Poll both jobs; True if one of them finished just now."""
    views = [collect_training(state), collect_samples(state)]
    return any(v is not None and v.finished for v in views)


# ----------------------------------------------------------------------------- drawing


@st.cache_resource(max_entries=64, show_spinner=False)
def curves_figure(key: tuple, n_rows: int, present: bool, _history: list):
    """The duel's curves for its first ``n_rows`` history rows, built once for everyone:
    a duel's history is the same for the same settings, seed and length."""
    return style_figure(report.duel_curves(_history[:n_rows]), height=520)


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

    @st.fragment(run_every=POLL_SECONDS if busy else IDLE_POLL_SECONDS)
    def live() -> None:
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
            if not live_duel(state).history and not busy and idle_hint:
                st.info(idle_hint)
            show_curves(state, chart_key=chart_key, running=tview is not None, busy=busy)
            if state["shared"] and tview is None and state["duel"].step_count:
                st.caption(shared_note(state["shared"]))
            if when_trained is not None and tview is None and state["duel"].done:
                when_trained()

    live()


def signature(state: dict[str, Any]) -> tuple:
    """What a full run draws from this duel's state: when it changes, redraw the page."""
    samples = state["samples"][0] if state["samples"] is not None else None
    return (
        id(state["train_ticket"]),
        id(state["sample_ticket"]),
        state["duel"].step_count,
        samples,
        state["error"],
    )


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
