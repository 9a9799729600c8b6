"""The test and benchmark harness cleans up after itself: an app server started by
``AppServer`` dies with the process that started it, however that process dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from browser_utils import ROOT

PARENT = """
import sys, time
sys.path.insert(0, {tests!r})
from browser_utils import AppServer
server = AppServer().wait_ready()
print(server.proc.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_load_test_leaves_no_app_server_behind():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT.format(tests=str(ROOT / "tests"))],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        server_pid = int(parent.stdout.readline())
        assert _alive(server_pid)
        os.kill(parent.pid, signal.SIGKILL)  # no finally, no atexit: only the kernel knows
        parent.wait(10)
        deadline = time.monotonic() + 20
        while _alive(server_pid):
            assert time.monotonic() < deadline, f"server {server_pid} outlived its starter"
            time.sleep(0.2)
    finally:
        parent.kill()
