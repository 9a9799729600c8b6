"""The job pool: bounded concurrency, FIFO places and estimates, cancellation (by the
watcher, by staleness, by a gone owner), failure isolation and deduplication."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import torch

from specdiff_core import experiments, server
from specdiff_core.server import JobPool, PoolFull, workers
from specdiff_core.training import Duel

WAIT = 10.0  # seconds; generous for a busy 2-core machine


class Gate:
    """Jobs that block until released, counting how many run at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.now = self.peak = 0
        self.order: list[str] = []

    def job(self, name: str, *, watch_cancel: bool = False):
        def fn(ctx):
            with self.lock:
                self.now += 1
                self.peak = max(self.peak, self.now)
                self.order.append(name)
            try:
                while not self.release.wait(0.01):
                    if watch_cancel and ctx.cancelled:
                        return "stopped"
                return name
            finally:
                with self.lock:
                    self.now -= 1

        return fn


def wait_until(cond, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


@pytest.fixture
def pool():
    p = JobPool(workers=2, reap_every=0, sec_per_unit=1.0)
    yield p
    p.shutdown(wait=True)


def test_at_most_workers_run_and_the_rest_queue_in_order_with_places_and_estimates(pool):
    gate = Gate()
    tickets = [pool.submit(gate.job(f"j{i}"), owner=f"s{i}", cost=10) for i in range(6)]
    wait_until(lambda: gate.now == 2)
    views = [t.poll() for t in tickets]
    assert [v.status for v in views] == ["running"] * 2 + ["queued"] * 4
    assert [v.position for v in views[2:]] == [1, 2, 3, 4]
    assert all(v.queued == 4 and v.running == 2 and v.workers == 2 for v in views)
    etas = [v.eta for v in views[2:]]
    # two workers, 10 s per job: places 1 and 2 start after the running ones, 3 and 4 after those
    assert etas[0] == pytest.approx(20, abs=1) and etas[1] == pytest.approx(20, abs=1)
    assert etas[2] == pytest.approx(30, abs=1) and etas[3] == pytest.approx(30, abs=1)
    gate.release.set()
    assert [t.wait(WAIT).status for t in tickets] == ["done"] * 6
    assert gate.peak == 2
    assert gate.order[:2] == ["j0", "j1"] and sorted(gate.order[2:]) == ["j2", "j3", "j4", "j5"]
    assert [t.result() for t in tickets] == [f"j{i}" for i in range(6)]
    assert pool.stats()["done"] == 6


def test_a_higher_priority_job_waits_only_behind_its_equals_and_running_jobs():
    pool = JobPool(workers=1, reap_every=0, sec_per_unit=1.0)
    gate = Gate()
    try:
        first = pool.submit(gate.job("t0"), owner="a", cost=10)
        wait_until(lambda: gate.now == 1)
        trains = [pool.submit(gate.job(f"t{i}"), owner="a", cost=10) for i in (1, 2)]
        s1 = pool.submit(gate.job("s1"), owner="b", cost=1, priority=1)
        s2 = pool.submit(gate.job("s2"), owner="c", cost=1, priority=1)
        assert first.poll().status == "running"  # a running job is never preempted
        assert [t.poll().position for t in (s1, s2, *trains)] == [1, 2, 3, 4]
        # the estimate follows the order: s1 after the running job, t1 after s1 and s2
        assert s1.poll().eta == pytest.approx(11, abs=1)
        assert trains[0].poll().eta == pytest.approx(22, abs=1)
        gate.release.set()
        assert all(t.wait(WAIT).status == "done" for t in (first, s1, s2, *trains))
        assert gate.order == ["t0", "s1", "s2", "t1", "t2"]
    finally:
        gate.release.set()
        pool.shutdown(wait=True)


def test_cancelling_a_queued_ticket_drops_its_job_and_moves_the_others_up(pool):
    gate = Gate()
    running = [pool.submit(gate.job(f"r{i}"), owner="a") for i in range(2)]
    q1 = pool.submit(gate.job("q1"), owner="gone")
    q2 = pool.submit(gate.job("q2"), owner="b")
    wait_until(lambda: gate.now == 2)
    assert q2.poll().position == 2
    q1.cancel()
    assert q1.poll().status == "cancelled"
    assert q2.poll().position == 1
    gate.release.set()
    assert q2.wait(WAIT).status == "done"
    assert "q1" not in gate.order and running[0].wait(WAIT).status == "done"


def test_cancelling_a_running_job_asks_it_to_stop(pool):
    gate = Gate()
    t = pool.submit(gate.job("long", watch_cancel=True), owner="a")
    wait_until(lambda: t.poll().status == "running")
    t.cancel()
    assert t.wait(WAIT).status == "cancelled"
    with pytest.raises(RuntimeError, match="cancelled"):
        t.result()


def test_an_exception_in_one_job_fails_only_that_job(pool):
    def boom(ctx):
        raise ValueError("injected failure")

    bad = [pool.submit(boom, owner=f"bad{i}") for i in range(3)]
    good = [pool.submit(lambda ctx, i=i: i * i, owner=f"good{i}") for i in range(4)]
    assert [t.wait(WAIT).status for t in bad] == ["failed"] * 3
    assert all(t.poll().error == "ValueError: injected failure" for t in bad)
    assert "injected failure" in bad[0].trace and "Traceback" in bad[0].trace
    assert [t.wait(WAIT).status for t in good] == ["done"] * 4
    assert [t.result() for t in good] == [0, 1, 4, 9]
    # the workers survived: later jobs still run
    assert pool.submit(lambda ctx: "still here", owner="c").wait(WAIT).status == "done"
    assert pool.stats()["failed"] == 3


def test_identical_keys_are_computed_once_and_every_watcher_gets_the_result(pool):
    gate, calls = Gate(), []

    def work(ctx):
        calls.append(1)
        return gate.job("shared")(ctx)

    a = pool.submit(work, owner="a", key=("duel", 0))
    b = pool.submit(work, owner="b", key=("duel", 0))
    other = pool.submit(work, owner="c", key=("duel", 1))
    assert not a.reused and b.reused and not other.reused
    wait_until(lambda: gate.now == 2)
    assert a.poll().watchers == 2
    b.cancel()  # one watcher leaves: the job goes on for the other
    assert a.poll().status == "running" and a.poll().watchers == 1
    gate.release.set()
    assert a.wait(WAIT).status == "done" and a.result() == "shared"
    late = pool.submit(work, owner="d", key=("duel", 0))  # finished: served from memory
    assert late.reused and late.poll().status == "done" and late.result() == "shared"
    assert len(calls) == 2
    assert pool.stats()["requests"] == 4 and pool.stats()["computed"] == 2


def test_a_job_nobody_watches_is_cancelled_and_a_new_request_starts_afresh(pool):
    gate = Gate()
    blockers = [pool.submit(gate.job(f"b{i}"), owner="x") for i in range(2)]
    wait_until(lambda: gate.now == 2)
    a = pool.submit(gate.job("k"), owner="a", key="k")
    b = pool.submit(gate.job("k"), owner="b", key="k")
    a.cancel()
    b.cancel()
    assert a.poll().status == "cancelled"
    c = pool.submit(gate.job("k"), owner="c", key="k")
    assert not c.reused and c.poll().status == "queued"
    gate.release.set()
    assert c.wait(WAIT).status == "done" and blockers[1].wait(WAIT).status == "done"


def test_failed_jobs_are_not_reused_and_finished_jobs_are_bounded():
    p = JobPool(workers=1, reap_every=0, keep_finished=2)
    try:
        fail = p.submit(lambda ctx: 1 / 0, owner="a", key="f")
        assert fail.wait(WAIT).status == "failed"
        again = p.submit(lambda ctx: "ok", owner="a", key="f")
        assert not again.reused and again.wait(WAIT).status == "done"
        for k in ("x", "y", "z"):
            p.submit(lambda ctx, k=k: k, owner="a", key=k).wait(WAIT)
        assert p.stats()["kept"] == 2
        assert not p.submit(lambda ctx: "x again", owner="a", key="x").reused  # forgotten
        assert p.submit(lambda ctx: "?", owner="a", key="z").reused
    finally:
        p.shutdown()


def test_stale_tickets_and_gone_owners_are_reaped():
    gone = {"left"}
    p = JobPool(
        workers=1, reap_every=0, stale_after=60, owner_grace=5, alive=lambda o: o not in gone
    )
    gate = Gate()
    try:
        p.submit(gate.job("busy"), owner="stay")
        wait_until(lambda: gate.now == 1)
        left = p.submit(gate.job("l"), owner="left")
        quiet = p.submit(gate.job("q"), owner="quiet")
        stay = p.submit(gate.job("s"), owner="stay")
        now = time.monotonic()
        assert p.reap(now) == 0  # gone, but not yet for the grace period
        stay.last_seen = now + 100  # polled recently
        p.touch("stay")
        assert p.reap(now + 6) == 1  # the owner that left
        assert left.poll().status == "cancelled"
        assert quiet.poll().status == "queued"
        stay.last_seen = quiet.last_seen = now
        quiet.last_seen = now - 100  # not polled for 100 s
        assert p.reap(now + 1) == 1
        assert quiet.poll().status == "cancelled" and stay.poll().position == 1
    finally:
        gate.release.set()
        p.shutdown()


def test_a_full_queue_refuses_new_work_with_a_message_but_lets_you_join():
    p = JobPool(workers=1, max_queue=2, reap_every=0)
    gate = Gate()
    try:
        p.submit(gate.job("run"), owner="a")
        wait_until(lambda: gate.now == 1)
        p.submit(gate.job("q1"), owner="a", key="q1")
        p.submit(gate.job("q2"), owner="a")
        with pytest.raises(PoolFull, match="busy"):
            p.submit(gate.job("q3"), owner="b")
        assert p.submit(gate.job("q1"), owner="b", key="q1").reused  # the same work: joins
    finally:
        gate.release.set()
        p.shutdown()


def test_the_estimate_learns_from_finished_jobs():
    p = JobPool(workers=1, reap_every=0, sec_per_unit=100.0)
    try:
        p.submit(lambda ctx: time.sleep(0.05), owner="a", cost=5).wait(WAIT)
        assert p.sec_per_unit < 1.0  # 0.05 s / 5 units, not the first guess of 100
    finally:
        p.shutdown()


def test_a_finished_job_is_timed_from_its_first_report():
    """What comes before the first report (a cold worker importing torch) is not the pace."""
    from types import SimpleNamespace

    from specdiff_core.server.eta import RateEstimator

    rate = RateEstimator(0.04)
    rate.learn(SimpleNamespace(cost=100.0, started=0.0, finished=14.0, first_report=(10.0, 0.0)))
    assert rate.sec_per_unit == pytest.approx(0.04)  # 4 s for 100 units, not 14 s


# ------------------------------------------------------------------------- duel jobs


def demo_duel(steps: int) -> Duel:
    train, probe, _ = server.demo_sets("barbell", 0)
    return Duel(experiments.demo_duel_config(0, steps=steps), train, probe=probe)


def same_models(a: Duel, b: Duel) -> bool:
    return all(
        torch.equal(x, y)
        for m in a.players
        for x, y in zip(
            a.players[m].model.state_dict().values(),
            b.players[m].model.state_dict().values(),
            strict=True,
        )
    )


def without_seconds(history):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in history]


@pytest.fixture(scope="module")
def process_pool():
    """One worker process, spawned once for the tests below (a few seconds)."""
    p = JobPool(workers=1, reap_every=0, processes=True).start()
    yield p
    p.shutdown()


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_chunked_training_in_the_pool_equals_training_in_one_go(mode, pool, process_pool):
    """The basis of sharing: a duel's state depends on its settings and step count only,
    wherever and in whatever chunks it was trained."""
    p = pool if mode == "thread" else process_pool
    ref = demo_duel(12)
    ref.step(12)
    duel = demo_duel(12)
    run = server.DuelRun(duel.clone())
    assert run.duel.train_set[0] is duel.train_set[0]  # examples shared, not copied
    t = p.submit(server.train_duel_job(12, chunk=5), owner="a", shared=run, cost=12)
    assert t.wait(60).status == "done", t.error
    got = t.result()
    assert got.step_count == 12 and duel.step_count == 0  # the session's duel is untouched
    assert got.train_set[0] is duel.train_set[0]  # joined again to the shared examples
    assert same_models(ref, got)
    assert without_seconds(got.history) == without_seconds(ref.history)
    assert run.duel.step_count == 12  # the mirror followed the progress
    assert without_seconds(run.duel.history) == without_seconds(ref.history)


def test_a_snapshot_pauses_a_shared_run_and_cancelling_stops_it(process_pool):
    run = server.DuelRun(demo_duel(100_000))
    t = process_pool.submit(server.train_duel_job(100_000, chunk=2), owner="a", shared=run)
    wait_until(lambda: run.duel.step_count >= 4, timeout=60)
    snap = run.request_snapshot().result(timeout=30)
    assert snap.step_count >= 4 and t.poll().status == "running"
    again = demo_duel(100_000)
    again.step(snap.step_count)
    assert same_models(snap, again)  # the snapshot is the real duel at that step
    t.cancel()
    assert t.wait(30).status == "cancelled"


def _die(code: int, *, chan) -> None:
    """Run in the worker process: exit at once, as a crash or the OOM killer would."""
    import os

    os._exit(code)


def test_a_failing_or_dying_worker_process_fails_only_its_job(process_pool):
    bad = process_pool.submit(
        lambda ctx: ctx.call(server.sample_remote, {}, ("no_such_family", 0), 1, 0, None), owner="a"
    )
    assert bad.wait(60).status == "failed"
    assert "ConfigError" in bad.error and "no_such_family" in bad.error
    assert "Traceback" in bad.trace  # the worker's own traceback
    died = process_pool.submit(lambda ctx: ctx.call(_die, 3), owner="a")
    assert died.wait(60).status == "failed"
    assert "worker process" in died.error and "exit code 3" in died.error
    ok = process_pool.submit(
        server.train_duel_job(3), owner="b", shared=server.DuelRun(demo_duel(3))
    )
    assert ok.wait(60).status == "done"  # a fresh worker process took over


def _niceness(*, chan) -> int:
    """Run in the worker process: its CPU priority (os.nice(0) reads it)."""
    import os

    return os.nice(0)


def test_worker_processes_yield_the_cpu_to_the_server(process_pool):
    import os

    t = process_pool.submit(lambda ctx: ctx.call(_niceness), owner="a")
    assert t.wait(60).status == "done", t.error
    assert t.result() >= os.nice(0) + min(server.WORKER_NICE, 19 - os.nice(0))
    assert t.result() > os.nice(0) or os.nice(0) == 19


def test_a_cancel_that_crosses_the_result_does_not_kill_the_worker(process_pool):
    """The parent sends "cancel" (or a snapshot "request") while the call may already be
    returning; the worker then finds it in the pipe before the next call."""
    first = process_pool.submit(lambda ctx: ctx.call(_niceness), owner="a")
    assert first.wait(60).status == "done"
    (worker,) = process_pool._workers
    pid = worker.pid
    workers._send(worker._conn, ("cancel",))  # as if they arrived just after the result
    workers._send(worker._conn, ("request", "snapshot"))
    nxt = process_pool.submit(lambda ctx: ctx.call(_niceness), owner="b")
    assert nxt.wait(60).status == "done", nxt.error
    assert worker.pid == pid  # the same process served it: nothing died


def test_a_running_jobs_pace_is_timed_from_its_first_report_not_its_start():
    """A worker's one-off start (importing torch, building the training set) is not the
    pace of the job: 10 s before the first report must not turn 25 s into minutes."""
    from types import SimpleNamespace

    from specdiff_core.server.eta import RateEstimator

    job = SimpleNamespace(cost=600.0, done_units=27.0, started=0.0, first_report=(10.0, 2.0))
    left = RateEstimator(0.04).remaining(job, now=11.0)
    assert left == pytest.approx(573 / 25)  # 25 units in the last second
    before = SimpleNamespace(cost=600.0, done_units=2.0, started=0.0, first_report=(10.0, 2.0))
    assert RateEstimator(0.04).remaining(before, now=10.5) == pytest.approx(598 * 0.04)


# ------------------------------------------------------------- shutdown (issue 14)


def _sleeps(seconds: float, polite: bool, *, chan) -> str:
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        if polite and chan.cancelled:
            return "stopped"
        time.sleep(0.02)
    return "done"


def _my_children() -> list[int]:
    """Live (not zombie) processes whose parent is this process, from /proc."""
    import os

    mine = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            mine.append(int(stat.parent.name))
    return mine


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize(
    "polite, wait",
    [(False, False), (True, False), (False, True)],
    ids=["stubborn-nowait", "polite-nowait", "stubborn-wait"],
)
def test_shutdown_with_a_running_job_never_raises_and_leaves_no_worker(monkeypatch, polite, wait):
    """Before: AttributeError from the worker's close ('NoneType' object has no attribute
    'close'), raised by shutdown or in the pool's thread, and a worker could be restarted."""
    errors = []
    monkeypatch.setattr(threading, "excepthook", lambda a: errors.append(a.exc_value))
    before = set(_my_children())
    p = JobPool(workers=1, reap_every=0, processes=True)
    t = p.submit(lambda ctx: ctx.call(_sleeps, 60, polite), owner="a")
    wait_until(lambda: t.poll().status == "running")
    time.sleep(0.5)  # the call is in the worker
    assert set(_my_children()) - before
    t0 = time.monotonic()
    p.shutdown(wait=wait, grace=0.5)
    assert time.monotonic() - t0 < 10
    wait_until(lambda: t.poll().status == "cancelled")
    wait_until(lambda: not set(_my_children()) - before)
    assert errors == [] and t.poll().status == "cancelled"
    p.shutdown()  # a second call does nothing more
