"""The page helpers in specdiff_app that are not a page: the address reader and the job
slot, each run inside a tiny Streamlit script."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _url_script():
    import streamlit as st

    from specdiff_app.url import url_choice

    st.write(repr(url_choice("lam", [0.0, 1.0, 10.0], 10.0)))
    st.write(repr(url_choice("regime", ["oracle", "rare"], "oracle")))
    st.write(repr(url_choice("steps", [100, 600], 600)))


def _url_values(params: dict[str, str]) -> list[str]:
    at = AppTest.from_function(_url_script, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    return [m.value for m in at.markdown]


def test_url_choice_matches_numbers_by_value_and_words_by_text():
    assert _url_values({"lam": "0", "regime": "rare", "steps": "100.0"}) == ["0.0", "'rare'", "100"]


def test_url_choice_falls_back_to_the_default_on_anything_else():
    assert _url_values({"lam": "abc", "regime": "RARE", "steps": "7"}) == [
        "10.0",
        "'oracle'",
        "600",
    ]
    assert _url_values({}) == ["10.0", "'oracle'", "600"]


def _slot_script():
    from dataclasses import dataclass

    import streamlit as st

    from specdiff_app.job_slot import JobSlot

    @dataclass
    class View:
        status: str
        error: str | None = None

    class FakeTicket:
        def __init__(self, outcome):
            self.outcome, self.cancelled = outcome, False

        def poll(self):
            if self.outcome == "boom":
                return View("failed", "ValueError: boom")
            return View("done")

        def result(self):
            return self.outcome

        def cancel(self):
            self.cancelled = True

    ss = st.session_state
    slot = JobSlot("t", failure="It failed")
    key = ss.get("want", "a")
    held = slot.result(key)
    if held is not None:
        st.write(f"result {held}")
        st.stop()
    ticket = slot.ticket(key)
    if ticket is None:
        ticket = slot.submit(key, lambda: FakeTicket(key))
        ss.setdefault("made", []).append(ticket)
    slot.watch(ticket, lambda view, t: st.write("busy"))


def test_job_slot_hands_over_the_result_once_done():
    at = AppTest.from_function(_slot_script, default_timeout=60).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["result a"]
    assert "t_ticket" not in at.session_state


def test_job_slot_reports_a_failure_and_forgets_the_job():
    at = AppTest.from_function(_slot_script, default_timeout=60)
    at.session_state["want"] = "boom"
    at.run()
    assert [e.value for e in at.error] == [
        "It failed: ValueError: boom. Other sessions are not affected."
    ]
    assert "t_ticket" not in at.session_state


class _Stale:
    """A job started for settings the page no longer asks for."""

    def __init__(self):
        self.cancelled = False

    def cancel(self):
        self.cancelled = True


def test_job_slot_cancels_a_job_whose_key_is_no_longer_wanted():
    stale = _Stale()
    at = AppTest.from_function(_slot_script, default_timeout=60)
    at.session_state["want"] = "new"
    at.session_state["t_ticket"] = ("old", stale)
    at.run()
    assert not at.exception
    assert stale.cancelled
    assert len(at.session_state["made"]) == 1  # a fresh job for the new key
    assert [m.value for m in at.markdown] == ["result new"]


def test_a_model_that_trained_to_nan_gets_a_line_not_a_broken_page():
    """The Duel page's model download: the file format refuses non-finite weights, and
    the page says so where the button would be."""

    def page():
        import streamlit as st
        import torch

        from specdiff_app.duel_controls import model_download
        from specdiff_core.config import DuelConfig, TrainConfig
        from specdiff_core.graphs import barbell
        from specdiff_core.training import Duel, make_example

        ex = [make_example(barbell(4, 4, seed=0), seed=0)]
        duel = Duel(DuelConfig(train=TrainConfig(steps=1)), ex)
        with torch.no_grad():
            next(duel.players["standard"].model.parameters()).fill_(float("nan"))
        model_download(st, duel, "standard", "barbell", 0)
        model_download(st, duel, "spectral", "barbell", 0)

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception, at.exception
    assert any(c.value.startswith("No standard model to download:") for c in at.caption)
    assert len(at.get("download_button")) == 1  # the spectral model's, which is finite


def test_the_servers_warm_up_teaches_the_estimate_nothing():
    """The warm-up builds a training set, not work units: at cost 1 it once taught the
    estimate 8 s per step, and the first duel after a start promised two hours."""
    from specdiff_app.classroom import SEC_PER_STEP, warm_up
    from specdiff_core.server import JobPool

    p = JobPool(workers=1, reap_every=0, sec_per_unit=SEC_PER_STEP)
    try:
        for ticket in warm_up(p):
            assert ticket.wait(120).status == "done"
        assert p.sec_per_unit == SEC_PER_STEP
    finally:
        p.shutdown()


def test_the_pools_backend_comes_from_the_environment():
    from specdiff_app.classroom import pool_backend

    assert pool_backend({}) == {"backend": "process", "ray_address": None}  # the default
    assert pool_backend({"SPECDIFF_POOL_PROCESSES": "0"})["backend"] == "thread"
    ray = {"SPECDIFF_RAY_ADDRESS": " ray://head:10001 ", "SPECDIFF_POOL_PROCESSES": "0"}
    assert pool_backend(ray) == {"backend": "ray", "ray_address": "ray://head:10001"}
    assert pool_backend({"SPECDIFF_RAY_ADDRESS": "  "})["backend"] == "process"  # blank: unset
