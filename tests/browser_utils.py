"""Drive the real app in Debian's chromium through Playwright's Python package.

Used by tests/app/test_browser.py and benchmarks/app_speed.py. Nothing here downloads a
browser: chromium comes from the system (``apt-get install chromium``), never from
``playwright install``.

* :class:`AppServer` starts ``streamlit run app.py`` on a free port of 127.0.0.1 and
  waits for its health endpoint; :func:`shared_server` keeps one per process.
* :class:`OfflineGuard` routes every request: the server's own address passes, anything
  else is aborted and recorded, so a test can fail if the page tried the internet.
* :func:`wait_idle` waits until the script has finished running and nothing is pending.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "_artifacts"  # screenshots and server logs (git-ignored)
REQUIRE_ENV = "SPECDIFF_REQUIRE_BROWSER"  # "1" (CI): a missing browser fails instead of skipping
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--mute-audio",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') === 'running') return false;
  if (app.getAttribute('data-test-script-state') === 'initial') return false;
  if (document.querySelector('[data-testid="stStatusWidget"] button')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  return !!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]');
}"""


def chromium_path() -> str | None:
    """The system chromium, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def browser_unavailable_reason() -> str | None:
    """Why a browser test cannot run here, or None if it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return (
            "the playwright Python package is not installed (pip install -r requirements-dev.txt)"
        )
    if chromium_path() is None:
        return "no chromium on PATH (apt-get install chromium; never `playwright install`)"
    return None


def require_browser() -> None:
    """Skip the calling test if no browser, or fail when SPECDIFF_REQUIRE_BROWSER=1 (CI)."""
    import pytest

    reason = browser_unavailable_reason()
    if reason is None:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but the browser tests cannot run: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


try:  # looked up here, not in the child: a child between fork and exec must not dlopen
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux
    _prctl = None


def die_with_parent() -> None:
    """(In a child, before exec; Linux.) SIGTERM the child when the process that started it
    dies, however it dies: a killed test run or load test leaves no server behind (one
    stopped by SIGTERM was left running under PID 1, its workers with it)."""
    if _prctl is not None:
        _prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class AppServer:
    """``python -m streamlit run app.py`` (or ``script``, with ``env`` added to this process's
    environment) on 127.0.0.1:<free port>; stop() ends only it."""

    def __init__(
        self,
        *,
        port: int | None = None,
        extra_args: tuple[str, ...] = (),
        script: str = "app.py",
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log_path = ARTIFACTS / f"server-{self.port}.log"
        cmd = [
            sys.executable, "-m", "streamlit", "run", script,
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            *extra_args,
        ]  # fmt: skip
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        # Tests and load benchmarks measure live training: an empty run store of their own
        # (never the user's) and no idle-time warming, unless the caller set them.
        environ = {**os.environ, **(env or {})}
        environ.setdefault("SPECDIFF_RUN_STORE", tempfile.mkdtemp(prefix="specdiff-runs-"))
        environ.setdefault("SPECDIFF_WARM_IDLE", "0")
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=environ,
            preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
        )

    def wait_ready(self, timeout: float = 90.0) -> AppServer:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with {self.proc.returncode}; log:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        raise TimeoutError(f"streamlit not ready after {timeout:.0f}s; log:\n{self.log_tail()}")

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if not self._log.closed:
            self._log.close()


@functools.cache
def shared_server() -> AppServer:
    """One server per test process, stopped when the process exits."""
    server = AppServer().wait_ready()
    atexit.register(server.stop)
    return server


def launch_chromium(playwright):
    """Launch the system chromium (never a downloaded one)."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
    )


def launch_chromium_or_skip(playwright):
    """:func:`launch_chromium` in a test: a chromium that does not start (present but
    missing shared libraries, say) skips the test, or fails it when
    SPECDIFF_REQUIRE_BROWSER=1 (CI)."""
    import pytest

    try:
        return launch_chromium(playwright)
    except Exception as exc:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but chromium did not start: {exc}")
        pytest.skip(f"chromium did not start: {exc}")


class OfflineGuard:
    """Route handler: requests to the app's own host pass, every other one is aborted."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def __call__(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def attach(self, context) -> OfflineGuard:
        context.route("**/*", self)
        return self


def wait_idle(page, timeout: float = 30.0, settle_ms: int = 150) -> float:
    """Wait until the app is connected, its script is not running and the main area has
    content; then a short settle. Returns the seconds waited."""
    t0 = time.perf_counter()
    page.wait_for_function(IDLE_JS, timeout=timeout * 1000, polling=50)
    if settle_ms:
        page.wait_for_timeout(settle_ms)
        page.wait_for_function(IDLE_JS, timeout=timeout * 1000, polling=50)
    return time.perf_counter() - t0


def exceptions_on(page) -> list[str]:
    """Texts of every Streamlit exception box on the page."""
    return [el.inner_text() for el in page.query_selector_all('[data-testid="stException"]')]


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
