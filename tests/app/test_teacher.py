"""AppTest for the teacher view and the class store's wiring: the page opens only with the
server's passcode; its numbers are the stored rows'; "clear the class" asks first; a
lesson answer and prediction land in the store; a broken store never breaks a page."""

from __future__ import annotations

import logging

import pytest
from app_utils import no_jobs_left_behind  # noqa: F401 - an autouse fixture
from app_utils import open_app as _open_app
from streamlit.testing.v1 import AppTest

from specdiff_app import class_log
from specdiff_core.experiments import DEMO
from specdiff_core.server import class_summary as cs
from specdiff_core.server.class_store import ClassStore, duel_tag

TEACHER = "pages/teacher.py"
LESSON = "pages/lesson.py"
PASS = "correct horse"
BOARD = {
    "standard": {"bridge_survival": 0.5, "connectivity": 0.5},
    "spectral": {"bridge_survival": 0.875, "connectivity": 0.75},
}


def settings(seed: int) -> dict:
    return dict(family="barbell", steps=600, lam=10.0, seed=seed, regime="oracle", eps=None,
                decoder="chain", k=32)  # fmt: skip


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A class store of this test's own (the app opens one per setting)."""
    path = tmp_path / "class.sqlite3"
    monkeypatch.setenv("SPECDIFF_CLASS_DB", str(path))
    monkeypatch.setenv("SPECDIFF_TEACHER_PASSCODE", PASS)
    store = ClassStore(path)
    yield store
    store.close()


def open_app(page: str, **query: str) -> AppTest:
    return _open_app(page, timeout=120, **query)


def teacher(passcode: str | None = PASS) -> AppTest:
    at = open_app(TEACHER)
    if passcode is not None:
        at.text_input(key="teacher_pass").input(passcode).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in (*at.markdown, *at.caption, *at.info, *at.warning))


def shows_class_data(at: AppTest) -> bool:
    return bool(at.subheader or at.dataframe or at.metric or at.warning)


def a_class(store: ClassStore) -> None:
    """Three students: two answers each to one question, predictions, and duels on two seeds
    (one seed run twice)."""
    for sid, ans, ok in [("s1", "R = 1", True), ("s2", "R = 0.5", False), ("s3", "R = 1", True)]:
        store.record_answer(sid, "bridge", ans, correct=ok, prompt="A bridge's R_eff?")
    store.record_answer("s2", "bridge", "R = 1", correct=True, prompt="A bridge's R_eff?")
    tag = duel_tag("barbell", 600, 10.0, 0, "oracle", None, decoder="chain", k=32)
    for sid, ans, p in [("s1", "Never", 0.0), ("s2", "Always, like its teacher", 1.0)]:
        store.record_prediction(sid, "predict", ans, predicted=p, duel=tag, trained=False)
    store.record_duel("s1", settings(0), BOARD)
    store.record_duel("s2", settings(0), BOARD)  # the same seed: one replicate
    board = {**BOARD, "standard": {"bridge_survival": 0.25, "connectivity": 0.25}}
    store.record_duel("s3", settings(1), board)
    assert store.flush()


def test_without_a_passcode_on_the_server_the_page_says_how_and_shows_nothing(db, monkeypatch):
    monkeypatch.delenv("SPECDIFF_TEACHER_PASSCODE")
    a_class(db)
    at = teacher(passcode=None)
    assert "SPECDIFF_TEACHER_PASSCODE" in at.info[0].value
    assert not at.text_input and not shows_class_data(at)


def test_a_wrong_passcode_shows_nothing(db):
    a_class(db)
    at = teacher("correct horse battery")  # a prefix match is no match
    assert at.error[0].value == "That is not this server's passcode."
    assert not shows_class_data(at) and "student" not in texts(at)
    assert "teacher_pass" not in at.query_params  # the passcode never goes into the address


def test_the_right_passcode_shows_the_stored_rows_numbers(db):
    a_class(db)
    at = teacher()
    assert "3 students · 4 answers · 2 predictions · 3 finished duels" in texts(at)
    (q,) = [d.value for d in at.dataframe if "correct" in d.value.columns]
    assert q.to_dict("records") == [
        {"answer": "R = 1", "students": 3, "share": "100%", "correct": True}
    ]  # s2 changed their answer: the last one counts
    assert "3 students answered; 3 right (100%)." in texts(at)
    assert "2 students predicted before training." in texts(at)
    assert "Nearest to what happened: “Never” (predicted 0%" not in texts(
        at
    )  # 50% is nearer 1.0? no:
    e = cs.class_effect(db.rows("duels"))
    metric = {m.label: m.value for m in at.metric}
    assert metric["Weighted minus standard: bridge survival"] == f"{100 * e.mean_gap:+.1f} points"
    assert metric["Seeds (replicates)"] == "2" and metric["Students"] == "3"
    for line in cs.effect_sentences(e):
        assert line in texts(at)
    assert len(at.get("plotly_chart")) == 1


def test_an_empty_class_and_a_single_seed_say_so(db):
    at = teacher()
    assert "Nothing recorded yet" in at.info[0].value and not at.metric
    db.record_duel("s1", settings(4), BOARD)
    db.flush()
    at.run()
    assert "One seed so far (1 student)" in texts(at)
    assert "An interval over seeds needs at least two different seeds." in texts(at)


def test_clearing_the_class_asks_first_and_says_what_went(db):
    a_class(db)
    at = teacher()
    at.button(key="teacher_clear").click().run()
    assert "Delete every answer (4), prediction (2) and duel result (3)" in at.warning[0].value
    at.button(key="teacher_clear_no").click().run()
    assert db.counts()["answers"] == 4  # cancelled: nothing went
    at.button(key="teacher_clear").click().run()
    at.button(key="teacher_clear_yes").click().run()
    assert at.success[0].value == "Cleared the class: 9 rows deleted."
    assert db.counts() == {"answers": 0, "predictions": 0, "duels": 0}
    assert "Nothing recorded yet" in at.info[0].value


# --------------------------------------------------------------------------- wiring


def test_a_lesson_answer_and_a_prediction_land_in_the_store(db):
    at = open_app(LESSON, step="bridge")
    quiz = at.radio(key="lesson_q_bridge")
    quiz.set_value(quiz.options[0]).run()
    at.run()  # a rerun with the same answer records nothing more
    at.button(key="lesson_next").click().run()
    guess = at.radio(key="lesson_q_predict")
    guess.set_value(guess.options[2]).run()  # "Never"
    assert not at.exception
    db.flush()
    assert class_log.store().flush()  # the app's own writer has written
    (a,) = db.rows("answers")
    assert (a["question"], a["answer"]) == ("bridge", quiz.options[0])
    assert a["correct"] == 0  # the first option of step 2 is a wrong one
    (p,) = db.rows("predictions")
    assert (p["answer"], p["predicted"], p["trained"]) == ("Never", 0.0, 0)
    want = duel_tag("barbell", DEMO.steps, DEMO.lam, 0, "oracle", None, decoder="chain", k=DEMO.k)
    assert p["duel"] == want  # the lesson's duel: the app's defaults


def test_a_broken_store_never_breaks_the_students_page(db, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ClassStore, "record_answer", broken)
    at = open_app(LESSON, step="reff")
    quiz = at.radio(key="lesson_q_reff")
    with caplog.at_level(logging.WARNING, logger="specdiff_app.class_log"):
        quiz.set_value(quiz.options[1]).run()
    assert not at.exception and at.success  # the feedback is there
    assert "an answer not recorded: disk full" in caplog.text


def test_a_bad_setting_is_logged_on_the_lesson_and_said_on_the_teacher_page(
    db, monkeypatch, caplog
):
    monkeypatch.setenv("SPECDIFF_CLASS_DB", "mysql://u@h/db")
    at = open_app(LESSON, step="reff")
    with caplog.at_level(logging.WARNING, logger="specdiff_app.class_log"):
        at.radio(key="lesson_q_reff").set_value(at.radio(key="lesson_q_reff").options[1]).run()
    assert not at.exception and at.success
    assert "unknown scheme 'mysql'" in caplog.text
    at = teacher()
    assert "unknown scheme 'mysql'" in at.error[0].value
