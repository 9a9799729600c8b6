"""Ctrl-C and SIGTERM (specdiff_core.signals; issue 14, class 6): a command that runs a
process pool exits 130 / 143 with one line, no worker prints a traceback, and no worker
or resource tracker is left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from specdiff_core.signals import (
    Terminated,
    children_ignore_sigint,
    deferred_signals,
    sigterm_raises,
)

ROOT = Path(__file__).resolve().parents[1]
main_thread_only = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(), reason="signals need the main thread"
)


@main_thread_only
def test_sigterm_raises_terminated_and_the_old_handler_comes_back():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated):
        with sigterm_raises():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler runs at the next bytecode of the main thread
    assert signal.getsignal(signal.SIGTERM) is before


@main_thread_only
@pytest.mark.parametrize(
    "signum, raised", [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, Terminated)]
)
def test_deferred_signals_wait_for_check(signum, raised):
    with pytest.raises(raised):
        with deferred_signals() as pending:
            os.kill(os.getpid(), signum)
            time.sleep(0.2)  # recorded, not raised
            reached = True
            pending.check()
    assert reached


@main_thread_only
def test_children_started_in_the_block_ignore_sigint():
    with children_ignore_sigint():
        child = subprocess.Popen(
            [sys.executable, "-c", "import signal; print(signal.getsignal(2) == signal.SIG_IGN)"],
            stdout=subprocess.PIPE,
            text=True,
        )
    assert child.communicate(timeout=60)[0].strip() == "True"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def _descendants(pid: int) -> set[int]:
    """Live processes under ``pid`` (children, theirs, ...), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    out, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - out
        out |= frontier
    return out


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for p in pids:
        try:
            state = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(p)
    return alive


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize(
    "signum, code, line", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")]
)
def test_a_signal_stops_reproduce_and_its_pool(tmp_path, signum, code, line):
    """Before: SIGTERM left the workers and the resource tracker orphaned under PID 1,
    waiting forever; Ctrl-C printed 3-10 worker tracebacks."""
    argv = ["reproduce", "--experiment", "barbell", "--seeds", "2", "--quick", "--backend", "local"]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "specdiff_core",
            *argv,
            "--workers",
            "2",
            "--out",
            str(tmp_path / "r"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: a Ctrl-C reaches all of it
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 120
    while len(_descendants(proc.pid)) < 3:  # two workers and the resource tracker
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.1)
    workers = _descendants(proc.pid)
    time.sleep(1.0)
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)  # what the terminal does on Ctrl-C
    else:
        proc.send_signal(signum)
    try:
        _, err = proc.communicate(timeout=60)
        time.sleep(1.0)
        left = _alive(workers)
    finally:  # leave nothing to the next test, whatever happened
        for p in _alive(workers):
            os.kill(p, signal.SIGKILL)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code
    assert "Traceback" not in err and err.strip().splitlines()[-1] == line, err
    assert not left, f"left running: {left}"
