"""The class store on a live PostgreSQL: a throwaway server started for this module
(Debian's ``postgresql`` package, which ``.ci/run`` installs, and ``psycopg``). Rows
round-trip with hashed students only; threads and processes write while the teacher
reads and no row is lost; a restart of the app keeps everything; clear clears.

Skipped, with the reason, where no PostgreSQL server binaries are installed; with
``SPECDIFF_REQUIRE_POSTGRES=1`` (as ``.ci/run`` sets) a missing server is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from specdiff_core.server.class_store import ClassStore, student_id

ROOT = Path(__file__).resolve().parents[2]
BOARD = {
    "standard": {"bridge_survival": 0.5, "connectivity": 0.5, "n": 32},
    "spectral": {"bridge_survival": 0.875, "connectivity": 0.875, "n": 32},
}
SETTINGS = dict(family="barbell", steps=600, lam=10.0, seed=3, regime="oracle", eps=None,
                decoder="chain", k=32)  # fmt: skip


def _missing(why: str) -> None:
    if os.environ.get("SPECDIFF_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"SPECDIFF_REQUIRE_POSTGRES=1 but {why}")
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dsn(tmp_path_factory):
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


@pytest.fixture
def store(dsn):
    s = ClassStore(dsn)
    s.clear()
    s.flush()
    yield s
    s.close()


def test_rows_round_trip_and_only_a_hash_names_the_student(store, dsn):
    store.record_answer("sess-secret-1", "bridge", "R = 1", correct=True, prompt="R?")
    store.record_duel("sess-secret-2", SETTINGS, BOARD)
    assert store.flush()
    (a,) = store.rows("answers")
    assert (a["student"], a["answer"], a["correct"]) == (student_id("sess-secret-1"), "R = 1", 1)
    (d,) = store.rows("duels")
    assert d["eps"] is None and (d["standard_bridge"], d["weighted_bridge"]) == (0.5, 0.875)
    assert store.target.describe().startswith("PostgreSQL database specdiff@127.0.0.1")
    import psycopg

    with psycopg.connect(dsn) as conn:  # nothing in any table names the session
        rows = conn.execute("SELECT * FROM answers").fetchall()
        rows += conn.execute("SELECT * FROM duels").fetchall()
    assert "sess-secret" not in repr(rows) and student_id("sess-secret-1") in repr(rows)


def test_threads_write_while_the_teacher_reads_and_no_row_is_lost(store):
    writers, per = 6, 100
    seen, errors, stop = [], [], threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                seen.append(store.counts()["answers"])
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    def write(w: int) -> None:
        for i in range(per):
            store.record_answer(f"s{w}", "q", f"a{i}", correct=True)

    reader = threading.Thread(target=read)
    reader.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.flush()
    stop.set()
    reader.join()
    assert not errors and seen == sorted(seen)
    rows = store.rows("answers")
    assert len(rows) == writers * per and store.stats["failed"] == 0
    for w in range(writers):
        mine = [r["answer"] for r in rows if r["student"] == student_id(f"s{w}")]
        assert mine == [f"a{i}" for i in range(per)]


WRITER = """
import sys, time
from specdiff_core.server.class_store import ClassStore
store = ClassStore(sys.argv[1])
time.sleep(max(0.0, float(sys.argv[3]) - time.time()))
for i in range(200):
    store.record_answer(sys.argv[2], "q", str(i), correct=True)
    store.flush()
"""


def test_app_processes_write_one_database_and_a_restart_keeps_every_row(store, dsn):
    """Several app processes (a lecture hall's, behind one proxy) write the one database,
    one transaction per row, while the teacher reads; then the app restarts."""
    start = time.time() + 6.0  # after every process has imported the library
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, dsn, f"p{i}", str(start)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    seen = []
    while any(p.poll() is None for p in procs):
        seen.append(store.counts()["answers"])
        time.sleep(0.02)
    for p in procs:
        assert p.wait(60) == 0, p.stderr.read()
    assert seen == sorted(seen)
    store.close()  # the server stops
    again = ClassStore(dsn)  # and starts again
    try:
        rows = again.rows("answers")
        assert len(rows) == 600
        for i in range(3):
            mine = [r["answer"] for r in rows if r["student"] == student_id(f"p{i}")]
            assert mine == [str(j) for j in range(200)]
        assert again.clear() == 600 and again.counts()["answers"] == 0
    finally:
        again.close()
