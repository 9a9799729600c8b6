"""through_app(): make sure a page runs under app.py's navigation, never on its own.

Until ``st.navigation`` has run once in the server process, Streamlit 1.67 treats a folder
named ``pages/`` as an old-style (v1) multipage app: the first visitor who opens a deep
link (``/duel``) gets ``pages/duel.py`` run without app.py (no page config, no seed, no
shared state). Every page therefore calls ``through_app()`` first. In such a v1 run it
turns the v1 mode off, as ``st.navigation`` itself would, and runs app.py in its place,
in the same script run (so a click that started the run is not lost); app.py's navigation
then runs this same page, because both modes identify a page by its url path and each file
in pages/ is named after its url path (``pages/r-eff.py`` serves ``/r-eff``). The v1 run of
the page then ends there. Under app.py, ``through_app()`` does nothing.

Which runs are "on their own" is read per session, not from Streamlit's process-wide
flag alone: app.py marks each session it runs in (:func:`app_ran`). Several visitors who
open deep links on a fresh server at the same moment all start in v1 mode; the first to
reach ``through_app()`` turns the flag off, and the others, already past Streamlit's own
check, would run their page without app.py (no seed: a KeyError, found by the class load
test). Their sessions carry no mark, so they go through app.py too.

(Streamlit's AppTest starts every run in v1 mode, so every AppTest run of a page takes
this path: the test suite exercises it all the time.)
"""

from __future__ import annotations

import runpy

from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

MARK = "_app_ran"  # in a session's state once app.py has run in it


def app_ran() -> None:
    """(Called by app.py.) This session runs under app.py's navigation."""
    import streamlit as st

    st.session_state[MARK] = True


def through_app() -> None:
    """Run app.py instead of this page when Streamlit ran the page directly (v1 mode)."""
    import streamlit as st

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    if not PagesManager.uses_pages_directory and st.session_state.get(MARK):
        return  # under app.py (v2), or its own run of this page inside the run below
    PagesManager.uses_pages_directory = False
    runpy.run_path(str(ctx.pages_manager.main_script_path), run_name="__main__")
    raise StopException()  # app.py ran the page: this v1 run of it is over
