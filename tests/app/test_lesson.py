"""AppTest for the Lesson page and the classroom flags (presenter mode, ``*_hide``):
every step runs, an interaction changes what is shown, a link opens a step with its
settings, hide flags hide, and the lesson's default path trains and samples."""

from __future__ import annotations

import re

import pytest
from app_utils import no_jobs_left_behind, run_until  # noqa: F401 - an autouse fixture
from app_utils import open_app as _open_app
from streamlit.testing.v1 import AppTest

from specdiff_app import class_log
from specdiff_core import experiments
from specdiff_core.formatting import pct

LESSON = "pages/lesson.py"
DUEL = "pages/duel.py"
SLUGS = ["reff", "bridge", "predict", "run", "fail", "why", "fix", "rare", "own"]


def open_app(page: str | None = LESSON, **query: str) -> AppTest:
    return _open_app(page, timeout=120, **query)


def header(at: AppTest) -> str:
    return at.header[0].value


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def texts(at: AppTest) -> str:
    parts = [m.value for m in (*at.markdown, *at.caption, *at.success, *at.warning, *at.info)]
    return "\n".join(parts + [h.value for h in at.subheader])


@pytest.mark.parametrize("slug", SLUGS)
def test_every_step_opens_from_its_link(slug):
    at = open_app(step=slug)
    assert header(at).startswith(f"{SLUGS.index(slug) + 1}. ")
    assert at.query_params["step"] == slug


def test_poking_the_ring_changes_its_resistances_and_the_quiz_gives_feedback():
    at = open_app(step="reff")
    assert metric(at, "Largest R_eff") == "0.900"  # a ring of 10: (n-1)/n
    at.slider(key="lesson_chords").set_value(3).run()
    assert not at.exception
    assert float(metric(at, "Largest R_eff")) < 0.9
    assert metric(at, "Sum over edges") == "9.00"  # Foster: n - 1, whatever the shortcuts
    quiz = at.radio(key="lesson_q_reff")
    quiz.set_value(quiz.options[0]).run()
    assert at.warning and "Not quite" in at.warning[0].value
    quiz.set_value(quiz.options[1]).run()
    assert at.success and "routes" in at.success[0].value


def test_a_link_opens_a_step_with_its_settings():
    at = open_app(step="2", lesson_k="5")
    assert header(at).startswith("2. A bridge")
    assert metric(at, "Edges") == "21"  # two K5 and the bridge
    assert metric(at, "R_eff in a clique") == "0.400"  # 2/k
    assert at.query_params["step"] == "bridge"


def test_next_and_back_move_through_the_steps_and_the_address_follows():
    at = open_app(step="bridge")
    at.button(key="lesson_next").click().run()
    assert header(at).startswith("3. Predict") and at.query_params["step"] == "predict"
    at.button(key="lesson_back").click().run()
    at.button(key="lesson_back").click().run()
    assert header(at).startswith("1. ") and at.button(key="lesson_back").disabled


def test_hide_flags_hide_and_stick_to_the_session_until_turned_off():
    at = open_app(step="bridge", steps_hide="true", quiz_hide="true")
    keys = {b.key for b in at.button}
    assert "lesson_next" not in keys and "lesson_back" not in keys
    assert not at.get("button_group")  # no step picker
    assert not [r for r in at.radio if r.key == "lesson_q_bridge"]
    assert at.query_params["quiz_hide"] == "true"  # written back into the link
    del at.query_params["quiz_hide"]  # e.g. the student navigates: still hidden
    at.run()
    assert not [r for r in at.radio if r.key == "lesson_q_bridge"]
    at.query_params["quiz_hide"] = "false"
    at.run()
    assert [r for r in at.radio if r.key == "lesson_q_bridge"]


def test_presenter_mode_hides_the_sidebar_and_enlarges_type():
    at = open_app(step="bridge", present="true")
    styles = " ".join(str(h.proto.body) for h in at.get("html"))
    assert 'section[data-testid="stSidebar"]' in styles and "display: none" in styles
    assert "font-size: 22px" in styles  # the presenter theme
    assert not any("For teachers" in e.label for e in at.expander)
    at.switch_page(DUEL).run()
    assert not at.exception
    assert any(e.label == "Settings" for e in at.expander)  # the duel's settings tucked away
    plain = open_app(step="bridge")
    assert "font-size: 22px" not in " ".join(str(h.proto.body) for h in plain.get("html"))


def test_settings_hide_takes_the_duel_settings_from_the_link():
    at = open_app(DUEL, settings_hide="true", duel_steps="100")
    assert not [s for s in at.select_slider if s.key == "duel_steps"]
    progress = " ".join(str(p.proto.text) for p in at.get("progress"))
    assert "step 0 / 100" in progress


def test_the_default_path_trains_then_samples_and_the_quizzes_use_the_results(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("SPECDIFF_CLASS_DB", str(tmp_path / "class.sqlite3"))
    at = open_app(step="predict", duel_steps="100")
    guess = at.radio(key="lesson_q_predict")
    guess.set_value(guess.options[2]).run()  # "Never"
    at.button(key="lesson_next").click().run()
    assert "step 0 / 100" in " ".join(str(p.proto.text) for p in at.get("progress"))
    at.button(key="lesson_train").click().run()
    run_until(at, lambda at: "Training finished" in texts(at))
    assert at.radio(key="lesson_q_run").options[-1] == "Both"
    p_weighted = re.search(r"the weighted one with \*\*([0-9.]+)\*\*", texts(at)).group(1)
    at.button(key="lesson_next").click().run()
    run_until(at, lambda at: "Scoreboard: 32 samples per model" in texts(at))
    labels = {m.label for m in at.metric}
    assert "standard diffusion: connected" in labels and "uniform sparsifier: connected" in labels
    before = [m.value for m in at.markdown if m.value.startswith("<svg")]
    at.slider(key="lesson_sample").set_value(5).run()
    assert len(before) == 2  # the two models side by side
    assert [m.value for m in at.markdown if m.value.startswith("<svg")] != before
    assert "Your prediction in step 3: *Never*." in texts(at)  # kept across two steps
    (reading,) = [c.value for c in at.caption if c.value.startswith("In step 4 the weighted")]
    assert f"P(keep) = {p_weighted}; here" in reading  # step 4's number, read again here
    quiz = at.radio(key="lesson_q_fail")
    quiz.set_value(quiz.options[1]).run()
    assert at.success or at.warning  # feedback, computed from the scoreboard's intervals
    store = class_log.store()  # the finished duel went into this test's class store, once
    assert store.flush()
    (row,) = store.rows("duels")
    assert (row["steps"], row["seed"], row["k"], row["decoder"]) == (100, 0, 32, "chain")
    shown = metric(at, "standard diffusion: connected")
    assert shown == pct(row["standard_connected"], digits=0)  # what the scoreboard showed
    (prediction,) = store.rows("predictions")
    assert (prediction["answer"], prediction["trained"]) == ("Never", 0)
    assert prediction["duel"] == row["duel"]  # the prediction meets its duel's result
    kept = round(row["weighted_bridge"] * 32)
    assert f"survived in {kept} of 32 samples ({row['weighted_bridge']:.0%})" in reading


def test_answers_survive_going_back_and_forth():
    at = open_app(step="reff")
    quiz = at.radio(key="lesson_q_reff")
    quiz.set_value(quiz.options[1]).run()
    at.button(key="lesson_next").click().run()
    at.button(key="lesson_back").click().run()
    assert at.radio(key="lesson_q_reff").value == quiz.options[1]
    assert at.success  # and its feedback with it


@pytest.mark.parametrize(
    ("link", "value", "spelled"),
    [("0", 0.0, "0"), ("0.0", 0.0, "0"), ("10", 10.0, "10"), ("3.0", 3.0, "3")],  # not DEMO.lam
)
def test_a_teachers_number_in_a_link_sets_the_slider(link, value, spelled):
    """``/lesson?step=fix&lesson_fix_lam=0`` (docs/classroom.md) opens at λ = 0, and the
    address keeps the number as links spell it; ``0.0`` (older links) means the same."""
    at = open_app(step="fix", lesson_fix_lam=link)
    assert at.select_slider(key="lesson_fix_lam").value == value
    assert at.query_params["lesson_fix_lam"] == spelled
    assert f"Train with λ = {value:g}" in [b.label for b in at.button]


def test_a_number_that_is_no_option_is_said_not_dropped_in_silence():
    at = open_app(step="fix", lesson_fix_lam="abc")
    assert at.select_slider(key="lesson_fix_lam").value == experiments.DEMO.lam
    assert any("lesson_fix_lam=abc" in w.value for w in at.warning)
    assert "lesson_fix_lam" not in at.query_params


def test_a_bad_paste_says_what_is_wrong_and_keeps_the_question():
    at = open_app(step="own", lesson_own="Paste an edge list")
    at.text_area(key="lesson_paste").input("a b\nb").run()
    assert at.error and "line 2" in at.error[0].value
    assert at.radio(key="lesson_q_own")  # the question stays
