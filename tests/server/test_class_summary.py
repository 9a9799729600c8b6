"""server.class_summary and report.class_strip: the teacher view's numbers and sentences,
worked out by hand from a few rows."""

from __future__ import annotations

import math

import pytest

from specdiff_core.report import class_strip
from specdiff_core.server import class_summary as cs

GROUP = dict(family="barbell", steps=600, lam=10.0, regime="oracle", eps=None, decoder="chain",
             k=32)  # fmt: skip


def answer(i, student, q, a, ok):
    return dict(id=i, student=student, question=q, prompt=f"{q}?", answer=a, correct=int(ok))


def duel(i, student, seed, std, wtd, **over):
    tag = f"barbell/600/10/{seed}/oracle/-/chain/32"
    return dict(id=i, student=student, duel=tag, seed=seed, standard_bridge=std,
                weighted_bridge=wtd, **{**GROUP, **over})  # fmt: skip


def test_a_question_counts_each_students_last_answer_in_lesson_order():
    rows = [
        answer(1, "a", "bridge", "R = 1", True),
        answer(2, "b", "bridge", "R = 0.5", False),
        answer(3, "b", "bridge", "R = 1", True),  # b changed their mind: the last counts
        answer(4, "c", "bridge", "R = 0.5", False),
        answer(5, "a", "reff", "more", False),
    ]
    reff, bridge = cs.questions(rows, order=["reff", "bridge"])
    assert (reff.question, bridge.question) == ("reff", "bridge")
    assert bridge.students == 3 and bridge.right == 2
    assert bridge.answers == (("R = 1", 2, True), ("R = 0.5", 1, False))
    assert bridge.sentence() == "3 students answered; 2 right (67%)."
    assert reff.sentence() == "1 student answered; 0 right (0%)."


def test_predictions_before_training_meet_what_happened_in_their_duel():
    tag0, tag1 = (duel(0, "x", s, 0, 0)["duel"] for s in (0, 1))
    preds = [
        dict(id=1, student="a", answer="Never", predicted=0.0, duel=tag0, trained=0),
        dict(id=2, student="b", answer="Always", predicted=1.0, duel=tag0, trained=0),
        dict(id=3, student="c", answer="About 60%", predicted=0.6, duel=tag1, trained=0),
        dict(id=4, student="c", answer="Never", predicted=0.0, duel=tag1, trained=1),  # late
        dict(id=5, student="d", answer="Always", predicted=1.0, duel=tag1, trained=1),
    ]
    duels = [duel(1, "a", 0, 0.5, 0.9), duel(2, "z", 1, 0.7, 1.0)]
    p = cs.predictions(preds, duels)
    assert (p.students, p.after) == (3, 1)  # d predicted only once training had started
    rows = {r.answer: r for r in p.rows}
    assert set(rows) == {"Never", "Always", "About 60%"}  # c's late change is left out
    assert rows["About 60%"].happened == pytest.approx(0.7)  # z's result of the same duel
    assert rows["Never"].happened == pytest.approx(0.5)
    text = cs.prediction_sentences(p)
    assert text[0] == "3 students predicted before training."
    assert "Nearest to what happened: “About 60%” (predicted 60%;" in text[1]
    assert "in 70% of samples), picked by 1 of 3." in text[1]
    assert text[2].startswith("1 student predicted only after")


def test_no_prediction_and_no_result_are_said_as_such():
    assert cs.prediction_sentences(cs.predictions([], [])) == [
        "No predictions made before training yet."
    ]
    p = cs.predictions([dict(id=1, student="a", answer="Never", predicted=0.0, duel="d",
                             trained=0)], [])  # fmt: skip
    assert "None of their duels has a finished result yet" in cs.prediction_sentences(p)[1]


def test_the_class_effect_is_one_value_per_seed_with_a_t_interval_over_seeds():
    duels = [
        duel(1, "a", 0, 0.5, 0.6),
        duel(2, "b", 0, 0.5, 0.6),  # the same seed again: one replicate, not two
        duel(3, "c", 1, 0.4, 0.7),
        duel(4, "d", 2, 0.6, 0.8),
        duel(5, "e", 9, 0.0, 1.0, lam=3.0),  # other settings: not pooled with these
    ]
    e = cs.class_effect(duels)
    assert e.group == tuple(GROUP.values())
    assert [s.seed for s in e.seeds] == [0, 1, 2] and e.students == 4
    assert [round(s.gap, 6) for s in e.seeds] == [0.1, 0.3, 0.2]
    # mean 0.2, sd 0.1 over 3 seeds: t(0.975, 2) = 4.3027 -> 0.2 +- 0.2484
    assert e.mean_gap == pytest.approx(0.2)
    assert e.ci == pytest.approx((0.2 - 0.24841, 0.2 + 0.24841), abs=1e-4)
    text = cs.effect_sentences(e)
    assert text[0].startswith("Over 3 seeds (4 students), on average the weighted model kept")
    assert (
        "weighted minus standard is +20.0 points, 95% t-interval over seeds [-4.8, +44.8]"
        in text[0]
    )
    assert text[1] == (
        "The interval includes 0: these 3 seeds do not settle which model keeps the bridge "
        "more often."
    )
    assert text[2] == "The weighted model was ahead in 3 of 3 seeds."
    assert text[3].startswith("1 of the 4 students ran a seed another student had run")
    groups = cs.settings_groups(duels)
    assert [n for _, n in groups] == [4, 1]
    other = cs.class_effect(duels, groups[1][0])
    assert other.students == 1 and other.ci is None
    assert cs.group_label(groups[1][0]).startswith("barbell, 600 steps, λ = 3,")


@pytest.mark.parametrize(
    ("gaps", "verdict"),
    [((0.3, 0.31, 0.29), "above 0"), ((-0.3, -0.31, -0.29), "below 0"), ((0.0, 0.0), "includes 0")],
)
def test_the_verdict_follows_the_interval(gaps, verdict):
    duels = [duel(i, f"s{i}", i, 0.5, 0.5 + g) for i, g in enumerate(gaps)]
    text = cs.effect_sentences(cs.class_effect(duels))
    assert verdict in text[1]
    same = len(set(gaps)) == 1  # identical seeds: an interval of no width, and said so
    assert any("the interval has no width" in line for line in text) == same


def test_zero_and_one_seed_say_so_and_claim_no_interval():
    assert cs.class_effect([]) is None
    assert cs.effect_sentences(None) == [cs.NO_RESULT]
    (only,) = cs.effect_sentences(cs.class_effect([duel(1, "a", 4, 0.25, 1.0)]))
    assert only.startswith(
        "One seed so far (1 student): the weighted model kept the bridge in 100.0%"
    )
    assert "a gap of +75.0 points. An interval over seeds needs at least two" in only


def test_the_strip_plot_draws_each_seed_once_and_the_mean_with_its_interval():
    e = cs.class_effect([duel(1, "a", 0, 0.5, 0.6), duel(2, "b", 1, 0.4, 0.7)])
    fig = class_strip([s.seed for s in e.seeds], [s.standard for s in e.seeds],
                      [s.weighted for s in e.seeds], mean_gap=e.mean_gap, ci=e.ci)  # fmt: skip
    std, wtd, gap, mean = fig.data
    assert list(std.y) == [0.5, 0.4] and list(wtd.y) == [0.6, 0.7]
    assert [round(g, 6) for g in gap.y] == [0.1, 0.3] and list(gap.text) == ["seed 0", "seed 1"]
    assert mean.y[0] == pytest.approx(0.2)
    assert mean.error_y.array[0] == pytest.approx(e.ci[1] - 0.2)
    assert not math.isnan(mean.error_y.arrayminus[0])
    one = class_strip([3], [0.5], [0.9], mean_gap=0.4)  # one seed: no interval drawn
    assert one.data[-1].error_y.array is None
