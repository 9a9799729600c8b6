"""The app's helpers: everything the pages share, so that a page only reads widgets,
calls the core and draws.

    boot        through_app(): the first line of every page (the first-deep-link fix)
    cached      st.cache_data wrappers over the core, one set for every page
    classroom   teacher flags, presenter look, the job pool and the session id
    duel_panel  the duel's controls and live panel, driven by specdiff_core.server.session
    class_log   records answers, predictions and finished duels into the class store
    teacher_view  the teacher page's passcode gate, live sections and "clear the class"

The core (specdiff_core) never imports streamlit; this package is where streamlit lives
besides app.py and pages/.
"""
