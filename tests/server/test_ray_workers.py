"""The job pool's Ray backend on a local Ray of 2 CPUs, started once for this module: the
same results as the local worker processes, the channel both ways, cancellation, and a job
that raises or a worker that dies failing only its own job."""

from __future__ import annotations

import sys
import time
from types import SimpleNamespace

import pytest
import torch

from specdiff_core import experiments, server
from specdiff_core.cluster import join_ray
from specdiff_core.errors import ConfigError
from specdiff_core.server import JobPool, RemoteError, WorkerDied
from specdiff_core.server.ray_workers import RayWorker
from specdiff_core.training import Duel

ray = pytest.importorskip(
    "ray", reason="ray is not installed (pip install -r requirements-dev.txt)"
)

WAIT = 60.0  # seconds; generous for a busy 2-core machine


@pytest.fixture(scope="module")
def local_ray():
    started = join_ray(None, 2)
    yield
    if started:
        ray.shutdown()


@pytest.fixture(scope="module")
def ray_pool(local_ray):
    p = JobPool(workers=1, reap_every=0, backend="ray").start()
    yield p
    p.shutdown()


@pytest.fixture(scope="module")
def process_pool():
    p = JobPool(workers=1, reap_every=0, backend="process").start()
    yield p
    p.shutdown()


def demo_duel(steps: int) -> Duel:
    train, probe, _ = server.demo_sets("barbell", 0)
    return Duel(experiments.demo_duel_config(0, steps=steps), train, probe=probe)


def weights(duel: Duel) -> list[torch.Tensor]:
    return [t for m in duel.players for t in duel.players[m].model.state_dict().values()]


def without_seconds(history):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in history]


def wait_until(cond, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_a_duel_trained_on_ray_equals_one_trained_in_a_local_process(ray_pool, process_pool):
    got = {}
    for name, pool in (("ray", ray_pool), ("process", process_pool)):
        run = server.DuelRun(demo_duel(12))
        t = pool.submit(server.train_duel_job(12, chunk=5), owner="a", shared=run, cost=12)
        assert t.wait(WAIT).status == "done", t.error
        got[name] = t.result()
        assert run.duel.step_count == 12  # the mirror followed the streamed progress
        assert without_seconds(run.duel.history) == without_seconds(got[name].history)
    a, b = got["ray"], got["process"]
    assert a.step_count == b.step_count == 12
    assert all(torch.equal(x, y) for x, y in zip(weights(a), weights(b), strict=True))
    assert without_seconds(a.history) == without_seconds(b.history)


def _count(n: int, *, chan) -> int:
    """Run on Ray: send 0..n-1, then return n."""
    for i in range(n):
        chan.send(i)
    return n


def test_every_message_arrives_in_order_before_the_result(ray_pool):
    seen: list[int] = []
    t = ray_pool.submit(lambda ctx: ctx.call(_count, 300, on_message=seen.append), owner="a")
    assert t.wait(WAIT).status == "done", t.error
    assert t.result() == 300 and seen == list(range(300))


def test_a_snapshot_pauses_a_shared_run_and_cancelling_stops_it(ray_pool):
    run = server.DuelRun(demo_duel(100_000))
    t = ray_pool.submit(server.train_duel_job(100_000, chunk=2), owner="a", shared=run)
    wait_until(lambda: run.duel.step_count >= 4)
    snap = run.request_snapshot().result(timeout=WAIT)  # a request, in through the channel
    assert snap.step_count >= 4 and t.poll().status == "running"
    again = demo_duel(100_000)
    again.step(snap.step_count)
    assert all(torch.equal(x, y) for x, y in zip(weights(snap), weights(again), strict=True))
    t.cancel()
    assert t.wait(WAIT).status == "cancelled"
    nxt = ray_pool.submit(lambda ctx: ctx.call(_count, 3), owner="b")
    assert nxt.wait(WAIT).status == "done" and nxt.result() == 3  # the same actor goes on


def test_a_job_that_raises_gives_remote_error_with_the_remote_traceback(local_ray):
    worker, ctx = RayWorker(), SimpleNamespace(cancelled=False)
    try:
        with pytest.raises(RemoteError, match="ConfigError.*no_such_family") as info:
            worker.call(server.sample_remote, ({}, ("no_such_family", 0), 1, 0, None), {}, ctx=ctx)
        assert "Traceback" in info.value.trace and "demo_sets" in info.value.trace
        assert worker.call(_count, (2,), {}, ctx=ctx) == 2  # the actor survived its error
    finally:
        worker.close(final=True)
    with pytest.raises(WorkerDied, match="shutting down"):
        worker.call(_count, (2,), {}, ctx=ctx)


def _die(code: int, *, chan) -> None:
    """Run on Ray: exit at once, as a crash or the out-of-memory killer would."""
    import os

    os._exit(code)


def test_a_failing_or_dying_ray_worker_fails_only_its_job(ray_pool):
    bad = ray_pool.submit(
        lambda ctx: ctx.call(server.sample_remote, {}, ("no_such_family", 0), 1, 0, None), owner="a"
    )
    assert bad.wait(WAIT).status == "failed"
    assert "ConfigError" in bad.error and "Traceback" in bad.trace
    died = ray_pool.submit(lambda ctx: ctx.call(_die, 3), owner="a")
    assert died.wait(WAIT).status == "failed"
    assert "Ray worker running this job died" in died.error
    ok = ray_pool.submit(server.train_duel_job(3), owner="b", shared=server.DuelRun(demo_duel(3)))
    assert ok.wait(WAIT).status == "done", ok.error  # a fresh actor took over


def test_bad_backend_settings_are_one_line_errors(monkeypatch):
    with pytest.raises(ConfigError, match="choose one of thread, process, ray"):
        JobPool(backend="cluster")
    with pytest.raises(ConfigError, match="Ray address is for the ray backend"):
        JobPool(backend="process", ray_address="ray://head:10001")
    with pytest.raises(ConfigError, match="give host:port"):
        JobPool(backend="ray", ray_address="head")
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(ConfigError, match="pip install ray"):
        JobPool(backend="ray")


def _sleep(seconds: float, *, chan) -> str:
    """Run on Ray: a job that ignores cancellation."""
    time.sleep(seconds)
    return "slept"


def test_shutdown_with_a_running_job_kills_its_actor_and_leaves_rays_own_running(local_ray):
    pool = JobPool(workers=1, reap_every=0, backend="ray")
    t = pool.submit(lambda ctx: ctx.call(_sleep, 60), owner="a")
    wait_until(lambda: t.poll().status == "running" and pool._workers[0].alive())
    time.sleep(1.0)  # the call is in the actor now
    start = time.monotonic()
    pool.shutdown(wait=True, grace=0.5)
    assert time.monotonic() - start < 30  # not the job's 60 s
    assert t.poll().status in ("cancelled", "failed") and not pool._workers[0].alive()
    assert ray.is_initialized()  # the pool joined this Ray, so it leaves it to its owner
