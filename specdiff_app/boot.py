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

(Streamlit's AppTest starts every run in v1 mode, so every AppTest run of a page takes
this path: the test suite exercises it all the time.)
"""

from __future__ import annotations

import runpy

from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.exceptions import StopException


def through_app() -> None:
    """Run app.py instead of this page when Streamlit ran the page directly (v1 mode)."""
    ctx = get_script_run_ctx()
    if not PagesManager.uses_pages_directory or ctx is None:
        return
    PagesManager.uses_pages_directory = False
    runpy.run_path(str(ctx.pages_manager.main_script_path), run_name="__main__")
    raise StopException()  # app.py ran the page: this v1 run of it is over
