"""SpecDiff Explorer: the entry point. Page config, shared session state, the shared
sidebar (the seed) and the navigation; every page lives in pages/.

Add a page: write pages/N_Name.py and add ONE line to PAGES below, with a lowercase
url_path that differs from the file name ("duel", not "Diffusion_Duel"). Why: until
st.navigation has run once in the server process, Streamlit 1.67 treats a folder named
pages/ as an old-style (v1) multipage app. A first visitor who opens /Diffusion_Duel
directly would get that file run on its own, without this entry file (no seed, no shared
state: a KeyError). With a url_path v1 does not know, Streamlit runs this file instead and
shows the right page under a dismissable "Page not found" note, once per server start.
Renaming pages/ (e.g. to app_pages/) would remove the v1 behaviour altogether.

Shared session state (initialised here, once per session, from the link if it has one):
    st.session_state["seed"]        int, the sidebar seed (in the URL as ?seed=)
    st.session_state["graph_spec"]  graphs.GraphSpec, "the current graph" chosen in Graph Lab;
                                    build it with graphs.build_graph(spec, seed=seed)
The current graph is written back into the URL after every page run, so any page's
address reproduces its view; so are the classroom flags (presenter mode, *_hide), which
pages/_classroom.py reads and documents.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from pages import _classroom as classroom
from specdiff_core.graphs import GraphSpec

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
    st.Page("pages/1_Home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/0_Lesson.py", title="Lesson", icon=":material/school:", url_path="lesson"),
    st.Page("pages/2_Graph_Lab.py", title="Graph Lab", icon=":material/hub:", url_path="graph-lab"),
    st.Page("pages/3_Resistance.py", title="Resistance", icon=":material/bolt:", url_path="r-eff"),
    st.Page("pages/4_Diffusion_Duel.py", title="Diffusion Duel", icon=":material/swords:", url_path="duel"),
    st.Page(
        "pages/5_Gradient_Starvation.py", title="Gradient Starvation", icon=":material/insights:",
        url_path="gradients",
    ),
    st.Page("pages/6_Experiments.py", title="Experiments", icon=":material/science:", url_path="experiments"),
    st.Page("pages/7_Paper_Protocol.py", title="Paper protocol", icon=":material/calculate:", url_path="protocol"),
]
# fmt: on

GRAPH_LINK_KEYS = ("graph", "edges")  # plus every "g_<param>": owned by _sync_graph_link


def _init_session_state() -> None:
    """The one place shared state is created; guarded, so it runs once per session."""
    ss = st.session_state
    if "graph_spec" not in ss:
        spec, notices = GraphSpec.from_query(st.query_params.to_dict())
        ss["graph_spec"] = spec
        ss["link_notices"] = notices  # shown once by Graph Lab


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
        max_value=2**31 - 1,
        value=0,
        step=1,
        key="seed",
        bind="query-params",
        help="Every random choice (graph, approximation, sparsifier) uses this seed.",
    )
    st.caption("Every setting is in the address bar: copy the URL to share or reproduce this view.")
# Mark which full run completed: a polling fragment redraws the page if the run that drew
# it was cut short (pages/_duel_ui.py, live_panel). st.stop() is a completed run too.
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
