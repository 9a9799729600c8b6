"""server.run_store, run_record, replay and warmer: a stored run replays the live run's
history and hands over its models bit for bit; a new version or a damaged file trains live;
the warmer fills the store when the pool is idle and steps aside when it is not."""

from __future__ import annotations

import time

import pytest
import torch

import specdiff_core
from specdiff_core import experiments
from specdiff_core.server import JobPool, Ticket, session
from specdiff_core.server.replay import Replay
from specdiff_core.server.run_record import record_duel
from specdiff_core.server.run_store import RunStore, run_identity
from specdiff_core.server.warmer import IdleWarmer, grid_keys, warm

STEPS = 30
KEY = session.duel_key("barbell", STEPS, 30.0, 0)


def examples(family, seed, regime, eps):
    return experiments.demo_examples(seed, family=family, regime=regime, eps=eps)


@pytest.fixture
def pool():
    p = JobPool(workers=1, reap_every=0).start()
    yield p
    p.shutdown()


def fresh_state(key=KEY):
    return session.duel_state({}, key, examples)


def stored(tmp_path, key=KEY, every=10) -> RunStore:
    """A store holding ``key``'s run, recorded with a checkpoint every ``every`` steps."""
    runs = RunStore(tmp_path, log=lambda line: None)
    duel = fresh_state(key)["duel"]
    runs.save(record_duel(duel, run_identity(key), chunk=session.TRAIN_CHUNK, every=every))
    return runs


def wait_collected(state, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while session.in_flight(state):
        session.collect(state)
        assert time.monotonic() < end, "the job did not finish"
        time.sleep(0.02)


def assert_same_duel(a, b) -> None:
    assert a.step_count == b.step_count and a.history == b.history
    for m in a.players:
        pa, pb = dict(a.players[m].model.named_parameters()), b.players[m].model.named_parameters()
        for name, p in pb:
            assert torch.equal(pa[name], p), f"{m}: {name} differs"


def trained_live(pool, until=STEPS, key=KEY):
    state = fresh_state(key)
    session.train(state, until, pool=pool, owner="live")
    wait_collected(state)
    return state["duel"]


def test_a_replay_shows_the_live_history_and_hands_over_identical_models(tmp_path, pool):
    runs = stored(tmp_path)
    state = fresh_state()
    session.train(state, STEPS, pool=pool, owner="alice", runs=runs)
    replay = state["train_ticket"]
    assert isinstance(replay, Replay) and pool.stats()["computed"] == 0  # no job: a replay
    assert replay.poll().status == "running" and session.live_duel(state).step_count < STEPS
    wait_collected(state)
    live = trained_live(pool)
    assert_same_duel(state["duel"], live)  # every parameter of both models, and the history


def test_a_replay_goes_at_the_live_runs_pace(tmp_path, pool):
    runs = stored(tmp_path)
    rec, now = runs.load(KEY), [0.0]
    state = fresh_state()
    replay = Replay(
        rec, state["duel"], key=KEY, pool=pool, owner="a", chunk=5, clock=lambda: now[0]
    )
    seen = []
    for step, rows, seconds in rec.chunks:
        now[0] = seconds - 1e-6  # just before the live run reported this chunk
        seen.append(replay.shared.duel.step_count if replay.poll().status == "running" else None)
        now[0] = seconds
        replay.poll()
        assert replay.shared.duel.step_count == step
        assert len(replay.shared.duel.history) == rows
    assert seen == [0, *(s for s, _, _ in rec.chunks[:-1])] and replay.status == "done"


def test_a_pause_in_a_replay_gives_the_models_of_that_step(tmp_path, pool):
    runs = stored(tmp_path, every=10)
    rec, now = runs.load(KEY), [0.0]
    state = fresh_state()
    replay = Replay(
        rec, state["duel"], key=KEY, pool=pool, owner="a", chunk=5, clock=lambda: now[0]
    )
    state["train_ticket"] = replay
    now[0] = next(sec for step, _, sec in rec.chunks if step == 15)  # between checkpoints
    session.pause(state)
    assert state["train_ticket"] is None and replay.status == "cancelled"
    assert_same_duel(state["duel"], trained_live(pool, 15))
    session.train(state, STEPS, pool=pool, owner="a", runs=runs)  # play on from there
    wait_collected(state)
    assert_same_duel(state["duel"], trained_live(pool))


def test_a_new_version_misses_the_stored_run(tmp_path, pool, monkeypatch):
    runs = stored(tmp_path)
    assert runs.has(KEY)
    monkeypatch.setattr(specdiff_core, "__version__", specdiff_core.__version__ + ".post1")
    assert not runs.has(KEY)
    state = fresh_state()
    session.train(state, STEPS, pool=pool, owner="alice", runs=runs)
    assert isinstance(state["train_ticket"], Ticket)  # trained live
    wait_collected(state)


def test_other_settings_miss_and_only_a_run_to_the_end_replays(tmp_path, pool):
    runs = stored(tmp_path)
    assert not runs.has(session.duel_key("barbell", STEPS, 10.0, 0))
    assert not runs.has(session.duel_key("barbell", STEPS, 30.0, 1))
    state = fresh_state()
    session.train(state, 10, pool=pool, owner="alice", runs=runs)  # a step, not the run
    assert isinstance(state["train_ticket"], Ticket)
    wait_collected(state)


@pytest.mark.parametrize("damage", ["flip a weight", "truncate", "not a record"])
def test_a_damaged_record_is_ignored_with_a_line_and_the_duel_trains(tmp_path, pool, damage):
    runs = stored(tmp_path)
    lines: list[str] = []
    runs = RunStore(tmp_path, log=lines.append)
    path = runs.path(KEY)
    data = bytearray(path.read_bytes())
    if damage == "flip a weight":
        data[-100] ^= 0x01
    elif damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data = bytearray(b"hello")
    path.write_bytes(bytes(data))
    state = fresh_state()
    session.train(state, STEPS, pool=pool, owner="alice", runs=runs)
    assert isinstance(state["train_ticket"], Ticket)  # trained live, no exception
    assert len(lines) == 1 and str(path) in lines[0] and "training live" in lines[0]
    wait_collected(state)
    assert state["error"] is None and state["duel"].step_count == STEPS


def test_warm_stores_what_is_missing_and_then_nothing(tmp_path, pool):
    keys = grid_keys(families=["barbell"], regimes=["oracle"], seeds=[0], steps=10)
    runs = RunStore(tmp_path)
    assert warm(keys, runs, pool=pool) == {"stored": 1, "skipped": 0}
    assert runs.has(keys[0])
    assert warm(keys, runs, pool=pool) == {"stored": 0, "skipped": 1}
    assert pool.stats()["computed"] == 1


def blocker(ctx):
    while not ctx.cancelled:
        time.sleep(0.01)


def test_the_idle_warmer_steps_aside_when_a_job_waits(tmp_path, pool):
    key = session.duel_key("barbell", 400, 30.0, 0)  # long enough to be preempted
    runs = RunStore(tmp_path)
    warmer = IdleWarmer(pool, runs, [key], every=0.01)
    busy = pool.submit(blocker, owner="student")  # the only worker is busy: no warming
    assert warmer.tick() and warmer.ticket is None
    busy.cancel()
    busy.wait(5)
    assert warmer.tick() and warmer.ticket is not None  # idle: it warms
    while warmer.ticket.poll().status == "queued":
        time.sleep(0.01)
    student = pool.submit(lambda ctx: 42, owner="student")  # waits behind the warming
    assert warmer.tick() and warmer.preempted == 1  # which steps aside at once
    assert student.wait(10).status == "done" and not runs.path(key).exists()


def test_the_idle_warmer_fills_the_store_then_stops(tmp_path, pool):
    keys = grid_keys(families=["barbell"], regimes=["oracle"], seeds=[0, 1], steps=10)
    runs = RunStore(tmp_path)
    warmer = IdleWarmer(pool, runs, keys, every=0.01)
    end = time.monotonic() + 60
    while warmer.tick():
        assert time.monotonic() < end, "the warmer did not finish"
        time.sleep(0.01)
    assert all(runs.has(k) for k in keys)
