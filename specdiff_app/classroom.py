"""Classroom plumbing shared by app.py and the pages (not a page: st.navigation lists pages).

* URL flags a teacher puts in a link: presenter mode (``present=true``) and ``*_hide``
  flags that take distracting controls away (like TensorFlow Playground's). They stick
  to the session once seen, and app.py writes them back into the address after every run
  so that copying the URL keeps them. ``flag=false`` turns one off again.
* The server's one job pool (:class:`specdiff_core.server.JobPool`), shared by every
  session: students' training and sampling run there, a bounded number at a time.
* The session's id, used as the owner of its jobs.

Server settings (environment variables, read once when the first job is submitted):

    SPECDIFF_POOL_SIZE    jobs that run at once (default: the number of cores)
    SPECDIFF_POOL_QUEUE   most jobs waiting before new ones are refused (default 200)
    SPECDIFF_JOB_STALE    seconds a job may go unwatched before it is cancelled (default 300)
    SPECDIFF_POOL_PROCESSES  0: run jobs in the server's threads instead of one worker
                          process per pool slot (default 1; see specdiff_core/server/)
    SPECDIFF_POOL_LOG     1: print one line per finished job to the server log
    SPECDIFF_WORKER_NICE  CPU priority the worker processes give up to the server (default 5)
    SPECDIFF_RUN_STORE    the run store's folder: preset duels replayed, not trained
                          (default ~/.cache/specdiff/runs; fill it with `warm`)
    SPECDIFF_WARM_IDLE    0: the server does not warm the run store in idle time (default 1)
"""

from __future__ import annotations

import os
import threading

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from specdiff_core.server import JobPool, default_workers, warm_remote
from specdiff_core.server.run_store import RunStore
from specdiff_core.server.warmer import IdleWarmer, grid_keys
from specdiff_core.training.duel import warm_torch

FLAGS = {
    "present": "presenter mode: large type, high contrast, no sidebar, the duel at full width",
    "sidebar_hide": "no sidebar (the page list and the seed)",
    "steps_hide": "lesson: no step picker and no Back / Next (move the class with links)",
    "quiz_hide": "lesson: no check-your-understanding questions",
    "settings_hide": "duel and lesson: no training settings (family, steps, λ, samples)",
    "downloads_hide": "duel: no download buttons",
}
TRUE, FALSE = {"1", "true", "yes", "on", ""}, {"0", "false", "no", "off"}
SEC_PER_STEP = 0.04  # first guess for the queue estimate, until jobs have been timed


# ------------------------------------------------------------------------ URL flags


def read_flags() -> dict[str, bool]:
    """Update the session's flags from the address (only those named in it) and return them."""
    flags: dict[str, bool] = st.session_state.setdefault("flags", {})
    for name in FLAGS:
        if name in st.query_params:
            value = str(st.query_params[name]).strip().lower()
            if value in TRUE | FALSE:
                flags[name] = value in TRUE
    return flags


def flag(name: str) -> bool:
    """Is this flag on for the session? (``present`` or ``<control>_hide``)"""
    assert name in FLAGS, f"unknown flag {name!r}; add it to FLAGS"
    return bool(st.session_state.get("flags", {}).get(name, False))


def presenting() -> bool:
    return flag("present")


def sidebar_hidden() -> bool:
    return flag("sidebar_hide") or flag("present")


def sync_flags_link() -> None:
    """Write the session's flags into the address: on as ``=true``, off left out."""
    for name, on in st.session_state.get("flags", {}).items():
        if on and st.query_params.get(name) != "true":
            st.query_params[name] = "true"
        elif not on and name in st.query_params:
            del st.query_params[name]


HIDE_SIDEBAR_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stSidebarNav"] { display: none !important; }
</style>"""

# Presenter mode: everything a third larger, pure black on white, thicker focus and
# borders, strong primary colour. Streamlit sizes text in rem, so the root size scales it.
PRESENTER_CSS = """<style>
html { font-size: 22px; }
.stApp, [data-testid="stMain"] { background: #ffffff; color: #000000; }
[data-testid="stMain"] .block-container { max-width: 100%; padding: 1.2rem 2.2rem 3rem; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {
  font-size: 1.2rem; line-height: 1.5; color: #000000; }
h1 { font-size: 2.1rem !important; font-weight: 800 !important; color: #000000 !important;
  padding-top: 0 !important; }
h2, h3 { font-weight: 750 !important; color: #000000 !important; }
[data-testid="stCaptionContainer"] { color: #1a1a1a !important; font-size: 1rem; }
[data-testid="stWidgetLabel"] p { font-size: 1.05rem !important; font-weight: 650; color: #000; }
button[kind="primary"], button[data-testid="stBaseButton-primary"] {
  background: #08306b !important; border-color: #08306b !important; color: #fff !important; }
button[data-testid="stBaseButton-primary"] * { color: #fff !important; }
button[data-testid="stBaseButton-secondary"] { border: 2px solid #000 !important; color: #000 !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p {
  font-size: 2.6rem !important; font-weight: 700; color: #000; line-height: 1.15; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem !important; color: #000; }
[data-testid="stMetricLabel"] *, button * {  /* wrap a long label instead of cutting it */
  white-space: normal !important; text-overflow: clip !important; overflow: visible !important; }
button:disabled {  /* disabled must look disabled from the back row */
  opacity: 0.45; border-style: dashed !important; cursor: not-allowed; }
/* The lesson's and Home's SVG graphs: titles and colour-bar ticks readable from afar. */
[class*="st-key-lesson_graph"] svg text, [class*="st-key-lesson_sample"] svg text,
.st-key-home_graph svg text { font-size: 20px !important; }
[data-testid="stProgress"] > div > div > div > div { background-color: #08306b !important; }
a { color: #08306b !important; text-decoration: underline; }
header[data-testid="stHeader"] { display: none; }
</style>"""


def apply_look() -> None:
    """Inject the CSS of the session's flags (call once per run, from app.py)."""
    if sidebar_hidden():
        st.html(HIDE_SIDEBAR_CSS)
    if presenting():
        st.html(PRESENTER_CSS)


def style_figure(fig, *, height: int | None = None):
    """Presenter mode: larger fonts and lines in a plotly figure (returns it)."""
    if presenting():
        fig.update_layout(font={"size": 19, "color": "#000"})
        fig.update_annotations(font_size=20)
        fig.update_traces(selector={"mode": "lines"}, line_width=4)
        if height:
            fig.update_layout(height=height)
    return fig


# ------------------------------------------------------------------------- the pool


SERVER = "server"  # the owner of the pool's warm-up jobs: no browser, never gone


def session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def _session_alive(session_id: str) -> bool:
    """Is this session's browser still connected? (True when the runtime cannot tell.)"""
    if session_id == SERVER or not Runtime.exists():  # the server's own warm-up work
        return True
    return bool(Runtime.instance().is_active_session(session_id))


def full_runs_allowed() -> bool:
    """Whether students may start a full-preset experiment in the app: minutes of the
    shared CPUs each. Off unless the server is started with ``SPECDIFF_FULL_RUNS=1`` (a
    link cannot turn it on)."""
    return os.environ.get("SPECDIFF_FULL_RUNS", "0").strip() == "1"


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


def pool_backend(environ) -> dict[str, str | None]:
    """Where the pool's jobs run, from the environment: on the Ray cluster at
    ``SPECDIFF_RAY_ADDRESS`` when it is set (``local``: a Ray started on this machine),
    else in worker processes here (threads in the server with ``SPECDIFF_POOL_PROCESSES=0``)."""
    address = environ.get("SPECDIFF_RAY_ADDRESS", "").strip()
    if address:
        return {"backend": "ray", "ray_address": address}
    processes = environ.get("SPECDIFF_POOL_PROCESSES", "1").strip() != "0"
    return {"backend": "process" if processes else "thread", "ray_address": None}


@st.cache_resource(show_spinner=False)
def job_pool() -> JobPool:
    """The server's one pool, shared by every session (created on first use)."""
    log = print if os.environ.get("SPECDIFF_POOL_LOG") == "1" else None
    pool = JobPool(
        workers=int(_env_number("SPECDIFF_POOL_SIZE", default_workers())) or default_workers(),
        max_queue=int(_env_number("SPECDIFF_POOL_QUEUE", 200)),
        stale_after=_env_number("SPECDIFF_JOB_STALE", 300.0),
        owner_grace=10.0,
        alive=_session_alive,
        sec_per_unit=SEC_PER_STEP,
        log=(lambda line: log(f"[pool] {line}", flush=True)) if log else None,
        thread_init=_one_torch_thread,
        **pool_backend(os.environ),
    ).start()  # spawn the worker processes now, not when the first student presses Train
    warm_up(pool)
    # This process builds every session's Duel (its optimiser) when a Duel page first
    # opens: warm that too, in the background, a moment after the first page's own run.
    warming = threading.Timer(1.0, warm_torch)
    warming.daemon = True
    warming.start()
    if os.environ.get("SPECDIFF_WARM_IDLE", "1") != "0":  # the default grid, when idle
        IdleWarmer(pool, run_store(), grid_keys(), owner=SERVER).start()
    return pool


def warm_up(pool: JobPool) -> list:
    """Have each worker build the default duel's training set: the first Train of a class
    otherwise waited ~3 s for it (app_speed --duel: the progress line's first gap). The jobs
    cost 0 work units, so the queue's estimate learns nothing from them (one of cost 1 once
    taught it 8 s per step: "about 114 min left" on the first duel after a start)."""
    return [
        pool.submit(
            lambda ctx: ctx.call(warm_remote, "barbell", 0),
            owner=SERVER,
            label="warm up: the default duel's training set",
            cost=0,
        )
        for _ in range(pool.workers)
    ]


@st.cache_resource(show_spinner=False)
def run_store() -> RunStore:
    """The server's run store (``$SPECDIFF_RUN_STORE``), shared by every session."""
    return RunStore(log=lambda line: print(f"[runs] {line}", flush=True))


def _one_torch_thread() -> None:
    """Each worker runs one small model at a time: one intra-op thread is fastest (and
    torch's setting is per OS thread under OpenMP, so it must be made in the worker)."""
    import torch

    torch.set_num_threads(1)


def queue_text(view) -> str:
    """'queued: 3rd in line, about 40 s' and friends, for a job view."""
    if view.status == "queued":
        eta = "" if view.eta is None else f", about {_seconds(view.eta)}"
        return (
            f"waiting for a free worker: **{_ordinal(view.position or 1)} in line** of "
            f"{view.queued}{eta} ({view.workers} run at once on this server)"
        )
    if view.status == "running":
        eta = "" if view.eta is None else f", about {_seconds(view.eta)} left"
        return f"running{eta}"
    return view.status


def _seconds(s: float) -> str:
    return f"{s:.0f} s" if s < 90 else f"{s / 60:.1f} min"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
