"""Shared test fixtures: small and generic (paths to the bundled assets, temp files)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


LONG = os.environ.get("SPECDIFF_LONG_TESTS") == "1"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``long`` (more seeds, more sessions, a second screen size of what a
    cheaper sibling checks in the default run) run only with SPECDIFF_LONG_TESTS=1, so
    the default suite stays well under 15 minutes on two cores."""
    if LONG:
        return
    skip = pytest.mark.skip(reason="a long variant: SPECDIFF_LONG_TESTS=1 runs it")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """``assets/examples``: the small example graph files shipped with the project."""
    return REPO_ROOT / "assets" / "examples"


@pytest.fixture
def make_file(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write text or bytes to ``tmp_path / name`` and return the path."""

    def make(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return make


@pytest.fixture(scope="session", autouse=True)
def class_store_in_a_temp_folder(tmp_path_factory):
    """The app records answers and duels (specdiff_app/class_log.py): in the tests, into a
    temporary file, never a real data folder (servers the tests start inherit it)."""
    before = os.environ.get("SPECDIFF_CLASS_DB")
    os.environ["SPECDIFF_CLASS_DB"] = str(tmp_path_factory.mktemp("class") / "class.sqlite3")
    yield
    if before is None:
        os.environ.pop("SPECDIFF_CLASS_DB", None)
    else:
        os.environ["SPECDIFF_CLASS_DB"] = before


@pytest.fixture(scope="session", autouse=True)
def run_store_in_a_temp_folder(tmp_path_factory):
    """The app replays stored duels (specdiff_core/server/run_store.py): in the tests, from
    an empty temporary folder, and the pool warms nothing in idle time (a test's duel
    trains live unless the test stores its run itself)."""
    names = ("SPECDIFF_RUN_STORE", "SPECDIFF_WARM_IDLE")
    before = {n: os.environ.get(n) for n in names}
    os.environ["SPECDIFF_RUN_STORE"] = str(tmp_path_factory.mktemp("runs"))
    os.environ["SPECDIFF_WARM_IDLE"] = "0"
    yield
    for n, v in before.items():
        if v is None:
            os.environ.pop(n, None)
        else:
            os.environ[n] = v


# The fuzzers' long run (tests/fuzz/README.md): `--hypothesis-profile long`. Registered
# here, in a conftest pytest always loads first, so that the option finds it.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "long",
    max_examples=5_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "medium",
    parent=settings.get_profile("long"),
    max_examples=400,
)
