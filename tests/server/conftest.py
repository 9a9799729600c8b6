"""Fixtures of the server tests: a throwaway PostgreSQL server for the class store.

``postgres_dsn`` starts one from Debian's ``postgresql`` package (which ``.ci/run``
installs) with ``psycopg``; without them its tests are skipped and say why, and with
``SPECDIFF_REQUIRE_POSTGRES=1`` (as ``.ci/run`` sets) a missing server is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest


def _missing(why: str) -> None:
    if os.environ.get("SPECDIFF_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"SPECDIFF_REQUIRE_POSTGRES=1 but {why}")
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_dsn(tmp_path_factory):
    """A PostgreSQL server of its own in a temporary folder, trusting local connections."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing('psycopg is not installed (python -m pip install "psycopg[binary]>=3.1")')
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb")]
    if not found[-1]:
        _missing("no PostgreSQL server binaries (apt-get install -y postgresql)")
    bin_dir = Path(found[-1]).parent
    root = tmp_path_factory.mktemp("pg")
    data = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the server as Debian's postgres user
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
        for parent in root.parents:  # the user must be able to reach the folder
            if parent.stat().st_mode & 0o001 == 0 and parent != Path("/"):
                os.chmod(parent, parent.stat().st_mode | 0o001)
    run = dict(check=True, capture_output=True, text=True, timeout=120)
    subprocess.run(
        [*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "specdiff", "--auth=trust"],
        **run,
    )
    port = _free_port()
    opts = f"-p {port} -c listen_addresses=127.0.0.1 -k {root}"
    ctl = [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log")]
    subprocess.run([*ctl, "-o", opts, "-w", "start"], **run)
    try:
        yield f"postgresql://specdiff@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*ctl, "-m", "fast", "-w", "stop"], capture_output=True, timeout=120)
