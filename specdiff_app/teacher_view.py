"""The teacher view's parts (``pages/teacher.py`` puts them together): the passcode gate,
the live summary of the class from the class store, and "clear the class".

Every number and sentence comes from ``specdiff_core.server.class_summary`` over the rows
read at that refresh; students appear only as "student N" (the store has hashes of their
session ids, nothing else).
"""

from __future__ import annotations

import hmac
import os
import time

import streamlit as st

from specdiff_core import report
from specdiff_core.errors import SpecDiffError
from specdiff_core.formatting import pct
from specdiff_core.server import class_summary as cs
from specdiff_core.server.class_store import ClassStore

from .classroom import style_figure
from .lesson import SLUGS

PASSCODE_ENV = "SPECDIFF_TEACHER_PASSCODE"
REFRESH_SECONDS = 3.0
ss = st.session_state

HOW_TO_ENABLE = (
    "The teacher view is off on this server: no passcode is set. To turn it on, start the "
    f"server with one in `{PASSCODE_ENV}`, for example\n\n"
    f"`{PASSCODE_ENV}='choose-a-passcode' python -m streamlit run app.py --server.address "
    "0.0.0.0`\n\nthen open this page and type the passcode. Students cannot open it without "
    "the passcode (docs/classroom.md, “The teacher view”)."
)


def passcode_set() -> bool:
    return bool(os.environ.get(PASSCODE_ENV, ""))


def passcode_ok(entered: str | None) -> bool:
    """Does ``entered`` match the server's passcode? (constant-time comparison)"""
    want = os.environ.get(PASSCODE_ENV, "")
    return bool(want) and hmac.compare_digest((entered or "").encode(), want.encode())


# ------------------------------------------------------------------------------ live


def draw(store: ClassStore) -> None:
    """One refresh: read every row, then the three sections."""
    answers, preds, duels = (store.rows(t) for t in ("answers", "predictions", "duels"))
    n = cs.students(answers, preds, duels)
    counts = [(n, "student"), (len(answers), "answer"), (len(preds), "prediction")]
    counts.append((len(duels), "finished duel"))
    st.caption(
        f"Updated {time.strftime('%H:%M:%S')}, every {REFRESH_SECONDS:g} s · "
        + " · ".join(cs.plural(k, what) for k, what in counts)
    )
    if not n:
        st.info(
            "Nothing recorded yet. Answers, predictions and finished duels appear here as "
            "students work through /lesson (and the duel on /duel)."
        )
        return
    st.subheader("How the class answered each check question", anchor=False)
    _questions(answers)
    st.subheader("Predictions before the duel, against what happened", anchor=False)
    _predictions(preds, duels)
    st.subheader("The class as one experiment", anchor=False)
    _effect(duels, cs.student_labels(answers, preds, duels))


def _questions(answers: list[dict]) -> None:
    tallies = cs.questions(answers, order=SLUGS)
    if not tallies:
        st.caption("No answers to check questions yet.")
    for q in tallies:
        st.markdown(f"**{q.question}** · {q.prompt}")
        st.caption(q.sentence())
        st.dataframe(
            [
                {"answer": a, "students": k, "share": pct(k / q.students, 0), "correct": ok}
                for a, k, ok in q.answers
            ],
            hide_index=True,
            key=f"teacher_q_{q.question}",
        )


def _predictions(preds: list[dict], duels: list[dict]) -> None:
    p = cs.predictions(preds, duels)
    for line in cs.prediction_sentences(p):
        st.markdown(line)
    if p.rows:
        st.dataframe(
            [
                {
                    "prediction": r.answer,
                    "students": r.students,
                    "predicted bridge survival": pct(r.predicted, 0),
                    "standard model's bridge survival in their duels": pct(r.happened, 0),
                    "students whose duel has a result": r.with_result,
                }
                for r in p.rows
            ],
            hide_index=True,
            key="teacher_predictions",
        )


def _effect(duels: list[dict], labels: dict[str, str]) -> None:
    groups = cs.settings_groups(duels)
    group = None
    if len(groups) > 1:
        options = [g for g, _ in groups]
        count = dict(groups)
        group = st.selectbox(
            "Settings (results with other settings are not pooled)",
            options,
            format_func=lambda g: f"{cs.group_label(g)} ({count[g]} students)",
            key="teacher_group",
        )
    e = cs.class_effect(duels, group)
    if e is not None:
        st.caption(f"Settings: {cs.group_label(e.group)}.")
    for line in cs.effect_sentences(e):
        st.markdown(line)
    if e is None:
        return
    m = st.columns(3)
    gap = f"{100 * e.mean_gap:+.1f} points"
    ci = (
        ""
        if e.ci is None
        else f"95% t-interval over seeds [{100 * e.ci[0]:+.1f}, {100 * e.ci[1]:+.1f}]"
    )
    m[0].metric("Weighted minus standard: bridge survival", gap, help=ci or None)
    m[1].metric("Seeds (replicates)", len(e.seeds))
    m[2].metric("Students", e.students)
    fig = report.class_strip(
        [s.seed for s in e.seeds],
        [s.standard for s in e.seeds],
        [s.weighted for s in e.seeds],
        mean_gap=e.mean_gap,
        ci=e.ci,
    )
    st.plotly_chart(style_figure(fig), key="teacher_strip", config={"displaylogo": False})
    with st.expander("Every result"):
        st.dataframe(
            [
                {
                    "student": labels.get(r["student"], "?"),
                    "seed": r["seed"],
                    "standard": pct(r["standard_bridge"]),
                    "weighted": pct(r["weighted_bridge"]),
                    "connected (standard)": pct(r["standard_connected"]),
                    "connected (weighted)": pct(r["weighted_connected"]),
                }  # fmt: skip
                for r in duels
                if tuple(r[f] for f in cs.GROUP_FIELDS) == e.group
            ],
            hide_index=True,
            key="teacher_results",
        )


# ----------------------------------------------------------------------- clearing


def clear_controls(store: ClassStore) -> None:
    """ "Clear the class…", then a confirmation that says what goes."""
    cleared = ss.pop("teacher_cleared", None)
    if cleared is not None:
        (st.success if cleared[0] else st.error)(cleared[1])
    if not ss.get("teacher_confirm"):
        st.button("Clear the class…", key="teacher_clear", icon=":material/delete:",
                  on_click=lambda: ss.update(teacher_confirm=True))  # fmt: skip
        return
    c = store.counts()
    st.warning(
        f"Delete every answer ({c['answers']}), prediction ({c['predictions']}) and duel "
        f"result ({c['duels']}) of this class from {store.target.describe()}? This cannot "
        "be undone."
    )
    row = st.container(horizontal=True)
    row.button("Yes, clear the class", key="teacher_clear_yes", type="primary",
               on_click=_clear, args=(store,))  # fmt: skip
    row.button("Cancel", key="teacher_clear_no", on_click=lambda: ss.update(teacher_confirm=False))


def _clear(store: ClassStore) -> None:
    ss["teacher_confirm"] = False
    try:
        n = store.clear()
        ss["teacher_cleared"] = (
            True,
            f"Cleared the class: {n} row{'s' if n != 1 else ''} deleted.",
        )
    except (SpecDiffError, TimeoutError) as exc:
        ss["teacher_cleared"] = (False, f"Not cleared: {exc}")
