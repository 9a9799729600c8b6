"""server.session: a student's duels, driven with no streamlit (a dict as the session store,
a thread pool as the server's)."""

from __future__ import annotations

import time

import pytest

from specdiff_core import experiments
from specdiff_core.server import JobPool, PoolFull, session

STEPS = 10


def examples(family, seed, regime, eps):
    return experiments.demo_examples(seed, family=family, regime=regime, eps=eps)


@pytest.fixture
def pool():
    p = JobPool(workers=1, reap_every=0).start()
    yield p
    p.shutdown()


def wait_collected(state, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while session.in_flight(state):
        session.collect(state)
        assert time.monotonic() < end, "the job did not finish"
        time.sleep(0.05)


def test_a_duel_key_names_eps_only_in_the_rare_regime():
    assert session.duel_key("barbell", 600, 10, 0) == ("barbell", 600, 10.0, 0, "oracle", None)
    assert session.duel_key("barbell", 600, 10, 0, "rare", 0.1)[-1] == 0.1


def test_a_session_keeps_its_most_recent_duels_and_forgets_the_oldest():
    store: dict = {}
    keys = [session.duel_key("barbell", STEPS, 10, s) for s in range(session.MAX_DUELS + 1)]
    first = session.duel_state(store, keys[0], examples)
    assert session.duel_state(store, keys[0], examples) is first  # the same state again
    for k in keys[1:]:
        session.duel_state(store, k, examples)
    assert list(store["duels"]) == keys[1:] and store["duel_current"] == keys[-1]
    session.reset(store, keys[-1])
    assert keys[-1] not in store["duels"]


def test_train_then_sample_through_the_pool(pool):
    store: dict = {}
    state = session.duel_state(store, session.duel_key("barbell", STEPS, 10, 0), examples)
    before = session.signature(state)
    session.train(state, STEPS, pool=pool, owner="alice")
    assert session.in_flight(state) and session.signature(state) != before
    session.train(state, STEPS, pool=pool, owner="alice")  # asked already: one job
    wait_collected(state)
    assert state["error"] is None and state["duel"].step_count == STEPS
    assert session.live_duel(state) is state["duel"]
    assert session.samples_stale(state, 4)
    session.request_samples(state, 4, seed=1, pool=pool, owner="alice")
    wait_collected(state)
    assert not session.samples_stale(state, 4) and session.samples_stale(state, 8)
    (step, k, decoder), samples = state["samples"]
    assert (step, k, decoder) == (STEPS, 4, "chain") and samples is not None


class FullPool:
    def submit(self, *args, **kwargs):
        raise PoolFull("the server's queue is full: try again in a minute")


def test_a_full_pool_is_an_error_on_the_duel_not_an_exception():
    state = session.duel_state({}, session.duel_key("barbell", STEPS, 10, 0), examples)
    session.train(state, STEPS, pool=FullPool(), owner="bob")
    assert state["train_ticket"] is None and "queue is full" in state["error"]
    state["duel"].step(1)
    session.request_samples(state, 4, seed=0, pool=FullPool(), owner="bob")
    assert state["sample_ticket"] is None and "queue is full" in state["error"]
