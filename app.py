"""SpecDiff Explorer: the entry point. Page config, shared session state, the shared
sidebar (the seed) and the navigation; every page lives in pages/, every helper the pages
share in specdiff_app/.

Add a page: write pages/<url-path>.py, whose first statement after its imports is
``through_app()``, and add ONE line to PAGES below whose url_path is the file's name
(pages/r-eff.py serves /r-eff). Why: until st.navigation has run once in the server
process, Streamlit 1.67 treats a folder named pages/ as an old-style (v1) multipage app
and runs a first deep link's file on its own; through_app() turns that mode off and
runs this file in its place, which finds the same page because both modes name a page
by its url path (specdiff_app/boot.py).

Shared session state (initialised here, once per session, from the link if it has one):
    st.session_state["seed"]        int, the sidebar seed (in the URL as ?seed=)
    st.session_state["graph_spec"]  graphs.GraphSpec, "the current graph" chosen in Graph Lab;
                                    build it with graphs.build_graph(spec, seed=seed)
The current graph is written back into the URL after every page run, so any page's
address reproduces its view; so are the classroom flags (presenter mode, *_hide), which
specdiff_app/classroom.py reads and documents.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from specdiff_app import classroom, polling
from specdiff_app.boot import app_ran
from specdiff_app.url import whole_number_in_link
from specdiff_core.graphs import GraphSpec

polling.install()  # once per process: a fragment's poll never drops a run's end (polling.py)
app_ran()  # pages' through_app() reads it: this session's pages run under the navigation
classroom.read_flags()
st.set_page_config(
    page_title="SpecDiff Explorer",
    page_icon=str(Path(__file__).parent / "assets" / "web" / "favicon.png"),  # local: offline
    layout="wide",
    initial_sidebar_state="collapsed" if classroom.sidebar_hidden() else "expanded",
)

# One line per page, so that adding a page stays a one-line change.
# fmt: off
PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/lesson.py", title="Lesson", icon=":material/school:", url_path="lesson"),
    st.Page("pages/graph-lab.py", title="Graph Lab", icon=":material/hub:", url_path="graph-lab"),
    st.Page("pages/r-eff.py", title="Resistance", icon=":material/bolt:", url_path="r-eff"),
    st.Page("pages/duel.py", title="Diffusion Duel", icon=":material/swords:", url_path="duel"),
    st.Page("pages/gradients.py", title="Gradient Starvation", icon=":material/insights:", url_path="gradients"),
    st.Page("pages/experiments.py", title="Experiments", icon=":material/science:", url_path="experiments"),
    st.Page("pages/protocol.py", title="Paper protocol", icon=":material/calculate:", url_path="protocol"),
    st.Page("pages/bridge-atlas.py", title="Bridge atlas", icon=":material/public:", url_path="bridge-atlas"),
    st.Page("pages/teacher.py", title="Teacher", icon=":material/monitoring:", url_path="teacher"),
]
# fmt: on

SEED_MAX = 2**31 - 1
GRAPH_LINK_KEYS = ("graph", "edges")  # plus every "g_<param>": owned by _sync_graph_link


def _init_session_state() -> None:
    """The one place shared state is created; guarded, so it runs once per session."""
    ss = st.session_state
    if "graph_spec" not in ss:
        spec, notices = GraphSpec.from_query(st.query_params.to_dict())
        ss["graph_spec"] = spec
        ss["link_notices"] = notices  # shown once, above the first page
    ss.setdefault("link_notices", []).extend(
        whole_number_in_link("seed", 0, SEED_MAX, default=ss.get("seed", 0))
    )


def _sync_graph_link() -> None:
    """Write the current graph into the URL (only the keys that changed)."""
    want = st.session_state["graph_spec"].to_query()
    have = {
        k: v
        for k, v in st.query_params.to_dict().items()
        if k in GRAPH_LINK_KEYS or k.startswith("g_")
    }
    if have == want:
        return
    for k in have.keys() - want.keys():
        del st.query_params[k]
    st.query_params.update({k: v for k, v in want.items() if have.get(k) != v})


_init_session_state()
page = st.navigation(PAGES, position="hidden" if classroom.sidebar_hidden() else "sidebar")
classroom.apply_look()
with st.sidebar:
    st.number_input(
        "Seed",
        min_value=0,
        max_value=SEED_MAX,
        value=0,
        step=1,
        key="seed",
        bind="query-params",
        help="Every random choice (graph, approximation, sparsifier) uses this seed.",
    )
    st.caption("Every setting is in the address bar: copy the URL to share or reproduce this view.")
# Mark which full run completed: a polling fragment redraws the page if the run that drew
# it was cut short (specdiff_app/duel_panel.py, live_panel). st.stop() is a completed run too.
for note in st.session_state.pop("link_notices", []):
    st.warning(note[0].upper() + note[1:], icon=":material/link_off:")
token = st.session_state["_run_token"] = object()
try:
    page.run()
except StopException:
    st.session_state["_run_done"] = token
    raise
st.session_state["_run_done"] = token
_sync_graph_link()
classroom.sync_flags_link()
classroom.job_pool().touch(classroom.session_id())  # this session is here: keep its jobs
