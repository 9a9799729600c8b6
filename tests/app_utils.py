"""Shared helpers of the AppTest suites (test_app, test_app_duel, test_lesson): open the
app at a page with query parameters, rerun until a job has finished, and cancel a test's
unfinished jobs so they do not train on while the next tests run."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_app(page: str | None = None, *, timeout: float = 60, **query: str) -> AppTest:
    """app.py run once with ``query`` in the address bar, then switched to ``page``."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.query_params.update(query)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_until(
    at: AppTest,
    done: Callable[[AppTest], bool],
    timeout: float = 120.0,
    describe: Callable[[AppTest], str] = lambda at: "",
) -> AppTest:
    """Rerun the page until ``done(at)``; fail on an exception or after ``timeout`` s
    (the message adds ``describe(at)``: what the page showed last)."""
    deadline = time.monotonic() + timeout
    while True:
        assert not at.exception, [e.value for e in at.exception]
        if done(at):
            return at
        assert time.monotonic() < deadline, f"gave up waiting for the job {describe(at)}"
        time.sleep(0.2)
        at.run()


@pytest.fixture(autouse=True)  # in every module that imports it
def no_jobs_left_behind():
    """A test's unfinished jobs must not train on while the next tests run."""
    yield
    from specdiff_app.classroom import job_pool

    job_pool().cancel_all()
