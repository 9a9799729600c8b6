"""Teacher view: the class as one experiment, live and anonymous. How the class answered
each check question, its predictions before the duel against what happened, and every
student's finished duel pooled into one estimate of the weighted loss's effect (one value
per seed, a t-interval over seeds) with the spread across seeds as a strip plot.

Opened only with the passcode the server was started with (``SPECDIFF_TEACHER_PASSCODE``);
without one set, the page says how to set it and shows nothing else. The data live in
the class store (``SPECDIFF_CLASS_DB``; specdiff_app/class_log.py, docs/classroom.md).
"""

import streamlit as st

from specdiff_app import class_log
from specdiff_app import teacher_view as tv
from specdiff_app.boot import through_app
from specdiff_app.polling import rearm
from specdiff_core.errors import SpecDiffError

through_app()  # first: a deep link on a fresh server runs this page alone

st.title("Teacher view")
if not tv.passcode_set():
    st.info(tv.HOW_TO_ENABLE, icon=":material/lock:")
    st.stop()

entered = st.text_input("Passcode", type="password", key="teacher_pass")
if not tv.passcode_ok(entered):
    if entered:
        st.error("That is not this server's passcode.")
    st.stop()

try:
    store = class_log.store()
except SpecDiffError as exc:
    st.error(str(exc))
    st.stop()

st.caption(
    f"Live and anonymous: students appear as numbers; the store ({store.target.describe()}) "
    "holds a hash of each browser session's id, no names. A reload of a student's page is a "
    "new session, and so a new student here."
)


@st.fragment(run_every=tv.REFRESH_SECONDS)
def live() -> None:
    rearm(tv.REFRESH_SECONDS)  # a refresh re-arms its own timer (specdiff_app/polling.py)
    try:
        tv.draw(store)
    except SpecDiffError as exc:
        st.error(str(exc))


live()
st.divider()
tv.clear_controls(store)
