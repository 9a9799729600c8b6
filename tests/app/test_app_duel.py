"""AppTest for the Diffusion Duel, Gradient Starvation and Experiments pages.

Training and sampling run in the server's job pool (specdiff_app/duel_panel.py), so after a click
the tests rerun the page until the job's result shows, as the page's own fragment does
every half second in a browser.
"""

from __future__ import annotations

import pytest
from app_utils import APP, no_jobs_left_behind, open_app  # noqa: F401 - an autouse fixture
from app_utils import run_until as _run_until
from streamlit.testing.v1 import AppTest

from specdiff_core import experiments
from specdiff_core.config import DiffusionConfig, DuelConfig, TrainConfig


def open_page(page: str, **query: str) -> AppTest:
    return open_app(page, timeout=180, **query)


def progress_text(at: AppTest) -> str:
    return " ".join(str(p.proto.text) for p in at.get("progress"))


def run_until(at: AppTest, done, timeout: float = 120.0) -> AppTest:
    return _run_until(at, done, timeout, describe=lambda at: f"; progress: {progress_text(at)}")


def test_duel_step_advances_training_and_sampling_shows_the_scoreboard():
    at = open_page("pages/duel.py", duel_steps="100")
    assert "step 0 / 100" in progress_text(at)
    at.button(key="duel_step").click().run()
    run_until(
        at,
        lambda at: "step 50 / 100 ·" in progress_text(at) and "s of training" in progress_text(at),
    )
    at.button(key="duel_sample_now").click().run()
    run_until(at, lambda at: len(at.dataframe) > 0)
    table = at.dataframe[-1].value
    assert len(table) == 4  # standard, spectral, oracle, uniform
    state = at.session_state["duels"][at.session_state["duel_current"]]
    p_keep = [r for r in state["duel"].history if r["method"] == "spectral"][-1]["p_keep_bridge"]
    survived = state["samples"][1].board["spectral"]["bridge_survival"]
    (reading,) = [c.value for c in at.caption if "model gave the bridge P(keep)" in c.value]
    assert f"P(keep) = {p_keep:.2f}; here its bridge survived in" in reading
    assert f"samples ({survived:.0%})" in reading and "reverse chain" in reading
    before = [m.value for m in at.markdown if "sample 0" in m.value]
    at.slider(key="duel_t").set_value(
        at.session_state["duels"][next(iter(at.session_state["duels"]))]["duel"].config.diffusion.T
    ).run()
    after = [m.value for m in at.markdown if "sample 0" in m.value]
    assert before != after  # the panels now show x_T (pure noise), not the final sample
    assert all("t = 50" in a for a in after)


def test_duel_reset_discards_the_trained_models():
    at = open_page("pages/duel.py", duel_steps="100")
    at.button(key="duel_step").click().run()
    run_until(at, lambda at: "s of training" in progress_text(at))
    assert "step 50 / 100" in progress_text(at)
    at.button(key="duel_reset").click().run()
    assert not at.exception
    assert "step 0 / 100" in progress_text(at)


def test_gradient_page_reads_the_session_duel():
    at = open_page("pages/gradients.py")
    assert any("No trained duel" in i.value for i in at.info)
    at.switch_page("pages/duel.py")
    at.query_params["duel_steps"] = "100"
    at.run()
    at.button(key="duel_step").click().run()
    run_until(
        at,
        lambda at: "step 50 / 100 ·" in progress_text(at) and "s of training" in progress_text(at),
    )
    at.switch_page("pages/gradients.py")
    at.run()
    assert not at.exception, at.exception
    reading = " ".join(m.value for m in at.markdown)
    assert "of the edges in the training batches" in reading
    assert "trained 50 / 100 steps" in " ".join(c.value for c in at.caption)


@pytest.fixture
def tiny_preset(monkeypatch, tmp_path):
    tiny = experiments.ExperimentConfig(
        n_train=2,
        n_test=1,
        samples=3,
        clique_min=4,
        clique_max=5,
        n_targets=2,
        duel=DuelConfig(diffusion=DiffusionConfig(T=4), train=TrainConfig(steps=2, log_every=1)),
    )
    monkeypatch.setitem(experiments.PRESETS, "quick", tiny)
    monkeypatch.setenv("SPECDIFF_CACHE", str(tmp_path))
    return tiny


def test_experiments_page_runs_then_loads_the_stored_result(tiny_preset, tmp_path):
    at = open_page("pages/experiments.py", exp_seeds="1")
    assert any("No stored result" in i.value for i in at.info)
    at.button(key="exp_run").click().run()
    run_until(at, lambda at: any("run on this server" in c.value for c in at.caption))
    assert list(tmp_path.glob("barbell-*.json"))  # stored for next time
    text = " ".join(m.value for m in at.markdown)
    assert "spectrally-weighted" in text and "interval over" in text
    assert "/tmp" not in " ".join(c.value for c in at.caption)  # no server path on screen
    # a second session finds it without running anything
    again = open_page("pages/experiments.py", exp_seeds="1")
    assert any("run on this server" in c.value for c in again.caption)


def test_home_show_me_the_failure_lands_on_a_running_duel():
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.button(key="home_show_failure").click().run()
    assert not at.exception, at.exception
    assert at.session_state["duel_playing"] is True
    assert f"/ {experiments.DEMO.steps}" in progress_text(at)  # the duel page, its defaults
    state = at.session_state["duels"][at.session_state["duel_current"]]
    assert state["train_ticket"] is not None  # a training job is queued or running
    run_until(at, lambda at: not progress_text(at).startswith("step 0 /"), timeout=60)


def test_a_failing_training_job_shows_its_error_and_other_sessions_keep_working(monkeypatch):
    """Crash-proofing: one student's job raises inside the pool; they see the error, and
    another student's training, queued in the same pool, still finishes."""
    from specdiff_core import server

    real = server.train_duel_job

    def sometimes_broken(until, **kw):
        run = real(until, **kw)

        def job(ctx):
            if ctx.shared.duel.config.weighting.lam == 3.0:  # only this student's settings
                raise RuntimeError("injected failure in one student's training")
            return run(ctx)

        return job

    monkeypatch.setattr(server.session, "train_duel_job", sometimes_broken)
    broken = open_page("pages/duel.py", duel_steps="100", duel_lam="3.0")
    fine = open_page("pages/duel.py", duel_steps="100")
    broken.button(key="duel_step").click().run()
    fine.button(key="duel_step").click().run()
    run_until(broken, lambda at: bool(at.error))
    assert "injected failure in one student's training" in broken.error[0].value
    assert "Nobody else's work is affected" in broken.error[0].value
    run_until(
        fine,
        lambda at: "step 50 / 100 ·" in progress_text(at) and "s of training" in progress_text(at),
    )
    assert not fine.error
    # the student who hit the error can go on: reset and train again (now without the fault)
    monkeypatch.setattr(server.session, "train_duel_job", real)
    broken.button(key="duel_reset").click().run()
    broken.button(key="duel_step").click().run()
    run_until(
        broken,
        lambda at: "step 50 / 100 ·" in progress_text(at) and "s of training" in progress_text(at),
    )
    assert not broken.error


def test_regime_and_decoder_round_trip_through_the_link_and_change_the_duel():
    """A link with the paper's regime and decoder opens that duel: its training targets
    hold the bridge in eps of the examples, and its samples are decoded by top rho|E|."""
    at = open_page(
        "pages/duel.py",
        duel_steps="100",
        duel_regime="rare",
        duel_eps="0.1",
        duel_decoder="topk",
    )
    assert at.selectbox(key="duel_regime").value == "rare"
    assert at.select_slider(key="duel_eps").value == 0.1
    assert at.selectbox(key="duel_decoder").value == "topk"
    key = at.session_state["duel_current"]
    assert key[4:] == ("rare", 0.1)
    state = at.session_state["duels"][key]
    train = state["duel"].train_set
    import numpy as np

    kept = np.concatenate([ex.targets[:, ex.bridges].ravel() for ex in train])
    assert kept.mean() < 0.4  # rare in the data, not kept by every target
    assert "in only **10%** of targets" in " ".join(m.value for m in at.markdown)
    at.button(key="duel_step").click().run()
    run_until(at, lambda at: "s of training" in progress_text(at))
    at.button(key="duel_sample_now").click().run()
    run_until(at, lambda at: len(at.dataframe) > 0)
    state = at.session_state["duels"][key]
    (_, _, decoder), result = state["samples"]
    assert decoder == "topk" and "score_shift" in result.board
    m = state["test"].m
    for method in ("standard", "spectral", "score_shift"):
        assert set(result.samples[method].masks.sum(axis=1).tolist()) == {int(0.5 * m)}
    assert any("the bridge's rank among the edges" in c.value for c in at.caption)
    # the oracle regime is another duel, and its settings stay in the address
    at.selectbox(key="duel_regime").set_value("oracle").run()
    assert at.session_state["duel_current"][4:] == ("oracle", None)


def test_paper_protocol_page_recomputes_and_hides_the_paper_off_its_settings():
    at = open_page("pages/protocol.py")
    text = " ".join(m.value for m in at.markdown)
    assert "89.6%" in text and "within" in text  # the paper's Table 1 beside ours
    at.select_slider(key="proto_eps").set_value(1.0).run()
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "differ from the paper's" in text and "89.6%" not in text
    table = next(m.value for m in at.markdown if m.value.startswith("#### Exp I"))
    standard = next(line for line in table.splitlines() if line.startswith("| standard"))
    assert not standard.split("|")[2].strip().startswith("0.0%")  # eps = 1: bridge kept


@pytest.mark.parametrize("link, name", [("rarity", "bridged_share"), ("barbell", "barbell")])
def test_experiments_page_takes_short_and_old_names_in_the_link(link, name):
    at = open_page("pages/experiments.py", exp_name=link)
    assert not at.exception, at.exception
    assert at.selectbox(key="exp_name").value == name


def test_a_student_cannot_start_a_full_preset_run_unless_the_server_allows_it(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("SPECDIFF_CACHE", str(tmp_path))  # nothing stored: a run is needed
    monkeypatch.delenv("SPECDIFF_FULL_RUNS", raising=False)
    at = open_page("pages/experiments.py", exp_name="capacity", exp_preset="full", exp_seeds="1")
    assert not [b for b in at.button if b.key == "exp_run"]
    assert any("Full-preset runs are off" in c.value for c in at.caption)
    assert any("min of this server's time" in i.value for i in at.info)
    monkeypatch.setenv("SPECDIFF_FULL_RUNS", "1")
    allowed = open_page(
        "pages/experiments.py", exp_name="capacity", exp_preset="full", exp_seeds="1"
    )
    assert [b for b in allowed.button if b.key == "exp_run"]


def test_an_old_experiment_name_in_a_link_opens_that_experiment():
    at = open_page("pages/experiments.py", exp_name="rarity")
    assert at.selectbox(key="exp_name").value == "bridged_share"
    assert at.query_params["exp_name"] == "bridged_share"


def test_a_reload_finds_the_trained_duel_and_its_samples():
    """A reload is a new session: the address (settings + duel_run) is all it has. It must
    show the duel trained, from the pool's finished job, not 'step 0 / press Train'."""
    at = open_page("pages/duel.py", duel_steps="100", duel_k="8")
    at.button(key="duel_play").click().run()
    run_until(at, lambda at: len(at.dataframe) > 0, timeout=300)
    from specdiff_app.classroom import job_pool

    link = dict(at.query_params)
    assert link["duel_run"].endswith("-100")
    computed = job_pool().stats()["computed"]
    again = open_page("pages/duel.py", **link)  # a new session on the same address
    run_until(again, lambda at: len(at.dataframe) > 0, timeout=300)
    assert "step 100 / 100" in progress_text(again)
    assert job_pool().stats()["computed"] == computed  # the same jobs, handed back
    again.button(key="duel_reset").click().run()
    assert "duel_run" not in again.query_params  # a reset forgets it


def test_a_stored_duel_replays_on_the_page_and_hands_over_its_models():
    import torch

    from specdiff_core.server import session
    from specdiff_core.server.replay import Replay
    from specdiff_core.server.run_record import record_duel
    from specdiff_core.server.run_store import RunStore, run_identity

    key = session.duel_key("barbell", 100, experiments.DEMO.lam, 0)
    runs = RunStore()  # the app's: $SPECDIFF_RUN_STORE, a temporary folder in the tests
    duel = session.duel_state({}, key, lambda f, s, r, e: experiments.demo_examples(s))["duel"]
    runs.save(record_duel(duel, run_identity(key), chunk=session.TRAIN_CHUNK))
    try:
        at = open_page("pages/duel.py", duel_steps="100")
        at.button(key="duel_play").click().run()
        state = at.session_state["duels"][key]
        assert isinstance(state["train_ticket"], Replay)  # no training job: a replay
        run_until(
            at,
            lambda at: (
                "step 100 / 100 ·" in progress_text(at) and "s of training" in progress_text(at)
            ),
        )
        mine = at.session_state["duels"][key]["duel"]
        assert mine.history == duel.history
        for m in duel.players:
            for a, b in zip(
                duel.players[m].model.parameters(), mine.players[m].model.parameters(), strict=True
            ):
                assert torch.equal(a, b)
    finally:
        runs.path(key).unlink()


# A barbell of two triangles drawn by hand (in the link as a pasted edge list), with one
# pendant node on the right: two bridges.
OWN_EDGES = "a b\nb c\nc a\nc d\nd e\ne f\nf d\nf g\n"


def test_the_duel_trains_on_the_current_graph_of_graph_lab():
    at = open_page(
        "pages/duel.py", graph="paste", edges=OWN_EDGES, duel_family="your_graph", duel_steps="100"
    )
    assert not at.exception and not at.error
    (own,) = [i.value for i in at.info if "Training on **your graph" in i.value]
    assert "7 nodes, 8 edges, 2 bridges" in own and "copies with their nodes shuffled" in own
    assert any(
        "sparsify copies of your graph" in m.value and "keep every bridge" in m.value
        for m in at.markdown
    )
    (key,) = at.session_state["duels"].keys()
    assert key[0] == "graph:" + ";".join(["0 1", "0 2", "1 2", "2 3", "3 4", "3 5", "4 5", "5 6"])
    state = at.session_state["duels"][key]
    assert state["test"].graph.number_of_edges() == 8 and state["test"].bridges.sum() == 2
    at.button(key="duel_step").click().run()
    run_until(
        at,
        lambda at: "step 50 / 100 ·" in progress_text(at) and "s of training" in progress_text(at),
    )
    at.button(key="duel_sample_now").click().run()
    run_until(at, lambda at: len(at.dataframe) > 0)
    assert any("bridges kept" in m.value and "/2" in m.value for m in at.markdown)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "spectral model (.safetensors)" in labels and "Curves (GIF)" in labels


@pytest.mark.parametrize(
    ("edges", "says"),
    [
        ("a b\nb c\nc a\n", "no bridge"),
        ("a b\nc d\n", "in 2 pieces"),
    ],
)
def test_a_graph_the_duel_cannot_train_on_says_what_to_change(edges, says):
    at = open_page("pages/duel.py", graph="paste", edges=edges, duel_family="your_graph")
    assert not at.exception
    (err,) = [e.value for e in at.error]
    assert "cannot be a duel's training family" in err and says in err
    assert not at.session_state["duels"] if "duels" in at.session_state else True
