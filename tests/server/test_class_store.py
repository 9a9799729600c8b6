"""server.class_store and class_db: the class store alone. Rows round-trip with hashed
students only; many threads and processes write while readers read and no row is lost;
a restart keeps everything; clear clears; the setting's forms and refusals. The tests
that hold for both backends run on SQLite and on a live PostgreSQL (conftest.py)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from specdiff_core.errors import ConfigError
from specdiff_core.server import class_db
from specdiff_core.server.class_store import ClassStore, duel_tag, student_id

ROOT = Path(__file__).resolve().parents[2]
BOARD = {
    "standard": {"bridge_survival": 0.5, "connectivity": 0.5, "n": 32},
    "spectral": {"bridge_survival": 0.875, "connectivity": 0.875, "n": 32},
}
SETTINGS = dict(family="barbell", steps=600, lam=10.0, seed=3, regime="oracle", eps=None,
                decoder="chain", k=32)  # fmt: skip


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "class" / "class.sqlite3"


@pytest.fixture
def store(db):
    s = ClassStore(db)
    yield s
    s.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def where(request, db) -> str:
    """Where a store is, for the tests that hold for both backends: the SQLite file, or a
    live PostgreSQL (conftest.postgres_dsn), emptied first."""
    if request.param == "sqlite":
        return str(db)
    dsn = request.getfixturevalue("postgres_dsn")
    s = ClassStore(dsn)
    s.clear()
    s.close()
    return dsn


@pytest.fixture
def live_store(where):
    s = ClassStore(where)
    yield s
    s.close()


def test_each_kind_of_row_round_trips_and_only_a_hash_names_the_student(store, db):
    store.record_answer("sess-secret-1", "bridge", "R = 1", correct=True, prompt="R of a bridge?")
    tag = duel_tag("barbell", 600, 10.0, 3, "oracle", None, decoder="chain", k=32)
    store.record_prediction("sess-secret-1", "predict", "Never", predicted=0.0, duel=tag,
                            trained=False)  # fmt: skip
    store.record_duel("sess-secret-2", SETTINGS, BOARD)
    assert store.flush()
    (a,) = store.rows("answers")
    assert (a["student"], a["question"], a["answer"], a["correct"]) == (
        student_id("sess-secret-1"), "bridge", "R = 1", 1)  # fmt: skip
    (p,) = store.rows("predictions")
    assert (p["duel"], p["predicted"], p["trained"]) == (tag, 0.0, 0)
    (d,) = store.rows("duels")
    assert d["duel"] == tag and d["eps"] is None and d["seed"] == 3
    assert (d["standard_bridge"], d["weighted_bridge"]) == (0.5, 0.875)
    assert store.counts() == {"answers": 1, "predictions": 1, "duels": 1}
    store.close()
    raw = b"".join(f.read_bytes() for f in db.parent.iterdir())  # the file, WAL included
    assert b"sess-secret" not in raw and student_id("sess-secret-1").encode() in raw


def test_on_postgresql_rows_round_trip_and_only_a_hash_names_the_student(postgres_dsn):
    import psycopg

    store = ClassStore(postgres_dsn)
    try:
        store.clear()
        store.record_answer("sess-secret-1", "bridge", "R = 1", correct=True, prompt="R?")
        store.record_duel("sess-secret-2", SETTINGS, BOARD)
        assert store.flush()
        (a,) = store.rows("answers")
        assert (a["student"], a["correct"]) == (student_id("sess-secret-1"), 1)
        (d,) = store.rows("duels")
        assert d["eps"] is None and (d["standard_bridge"], d["weighted_bridge"]) == (0.5, 0.875)
        assert store.target.describe().startswith("PostgreSQL database specdiff@127.0.0.1")
    finally:
        store.close()
    with psycopg.connect(postgres_dsn) as conn:  # nothing in any table names the session
        rows = [conn.execute(f"SELECT * FROM {t}").fetchall() for t in ("answers", "duels")]
    assert "sess-secret" not in repr(rows) and student_id("sess-secret-1") in repr(rows)


def test_the_file_is_in_wal_mode_with_the_schema_version(store, db):
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "1"


def test_threads_write_while_a_reader_reads_and_no_row_is_lost(live_store):
    store = live_store
    writers, per = 8, 150
    seen, errors, stop = [], [], threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                seen.append(store.counts()["answers"])
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    def write(w: int) -> None:
        for i in range(per):
            store.record_answer(f"s{w}", f"q{i % 9}", f"a{i}", correct=i % 2 == 0)

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
    assert not errors and seen == sorted(seen)  # a reader only ever sees more rows
    rows = store.rows("answers")
    assert len(rows) == writers * per == store.stats["written"]
    assert len({r["id"] for r in rows}) == len(rows) and store.stats["failed"] == 0
    for w in range(writers):  # each writer's rows in the order it asked for them
        mine = [r["answer"] for r in rows if r["student"] == student_id(f"s{w}")]
        assert mine == [f"a{i}" for i in range(per)]


WRITER = textwrap.dedent(
    """
    import os, sys, time
    from specdiff_core.server.class_store import ClassStore
    path, name, n, end = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    store = ClassStore(path)
    time.sleep(max(0.0, float(sys.argv[5]) - time.time()))  # all start writing at once
    for i in range(n):
        store.record_answer(name, "q", str(i), correct=True)
        if end == "commit-each":  # one transaction per row: the processes contend for the lock
            store.flush()
    if end == "flush-then-die":
        store.flush()
        os._exit(0)  # no atexit: what flush wrote must be there
    # end == "exit": a normal exit; atexit writes what is still queued
    """
)


def spawn(
    db: Path | str, name: str, n: int, end: str = "exit", start: float = 0.0
) -> subprocess.Popen:
    cmd = [sys.executable, "-c", WRITER, str(db), name, str(n), end, str(start)]
    return subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)


def test_processes_write_one_store_while_the_teacher_reads_and_no_row_is_lost(live_store, where):
    """Several app processes (a lecture hall's, behind one proxy) write one store, one
    transaction per row, while the teacher reads."""
    store = live_store
    start = time.time() + 8.0  # after every process has imported the library
    procs = [spawn(where, f"p{i}", 300, "commit-each", start) for i in range(4)]
    seen = []
    while any(p.poll() is None for p in procs):
        seen.append(store.counts()["answers"])
        time.sleep(0.01)
    for p in procs:
        assert p.wait(60) == 0, p.stderr.read()
    assert seen == sorted(seen)
    rows = store.rows("answers")
    assert len(rows) == 1200
    for i in range(4):
        assert [r["answer"] for r in rows if r["student"] == student_id(f"p{i}")] == [
            str(j) for j in range(300)
        ]


def test_a_restart_keeps_every_row(where):
    first = ClassStore(where)
    first.record_duel("s", SETTINGS, BOARD)
    first.close()  # the server stops
    assert spawn(where, "died", 50, "flush-then-die").wait(60) == 0
    assert spawn(where, "exited", 50, "exit").wait(60) == 0  # never flushed: atexit did it
    again = ClassStore(where)  # the server starts again
    try:
        assert again.counts() == {"answers": 100, "predictions": 0, "duels": 1}
    finally:
        again.close()


def test_clear_deletes_what_came_before_it_and_keeps_what_came_after(live_store):
    store = live_store
    for i in range(5):
        store.record_answer("a", "q", str(i), correct=False)
    store.record_duel("a", SETTINGS, BOARD)
    assert store.clear() == 6
    store.record_answer("b", "q", "after", correct=True)
    store.flush()
    assert [r["answer"] for r in store.rows("answers")] == ["after"]
    assert store.counts()["duels"] == 0 and store.stats["cleared"] == 6


def test_a_failing_write_is_logged_and_counted_never_raised(db):
    lines = []
    s = ClassStore(db, log=lines.append)

    class Broken:
        def cursor(self):
            raise sqlite3.OperationalError("disk I/O error")

        def rollback(self):
            pass

        def close(self):
            pass

    s._conn = Broken()  # the disk goes away under the writer
    s.record_answer("a", "q", "x", correct=True)  # returns at once, raises nothing
    assert s.flush()
    assert s.stats["failed"] == 1 and s.stats["written"] == 0
    assert "1 row(s) not written" in lines[0] and "disk I/O error" in lines[0]
    s.close()
    s.record_answer("a", "q", "late", correct=True)  # after close: counted, not raised
    assert s.stats["failed"] == 2


def test_off_records_nothing_and_reads_an_empty_class():
    s = ClassStore("off")
    s.record_answer("a", "q", "x", correct=True)
    assert s.flush() and s.rows("answers") == [] and s.clear() == 0
    assert s.counts() == {"answers": 0, "predictions": 0, "duels": 0}


def test_bad_values_and_tables_are_refused_with_the_fix(store):
    with pytest.raises(ConfigError, match="from 0 to 1"):
        store.record_prediction("a", "predict", "x", predicted=1.5, duel="d", trained=False)
    with pytest.raises(ConfigError, match="no table 'people'"):
        store.rows("people")


def test_a_store_from_a_newer_app_is_refused(db):
    ClassStore(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(ConfigError, match="schema v99; this app knows v1"):
        ClassStore(db)


# ------------------------------------------------------------------------ the setting


def test_the_default_file_is_in_the_servers_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    t = class_db.parse_target(None)
    assert (t.kind, t.path) == ("sqlite", tmp_path / "specdiff" / "class.sqlite3")
    assert class_db.parse_target("  ").path == t.path


@pytest.mark.parametrize(
    ("raw", "path"),
    [("class.db", "class.db"), ("sqlite:///rel/class.db", "rel/class.db"),
     ("sqlite:////srv/class.db", "/srv/class.db")],
)  # fmt: skip
def test_sqlite_paths_and_urls(raw, path):
    t = class_db.parse_target(raw)
    assert (t.kind, t.path) == ("sqlite", Path(path))


def test_a_postgresql_url_is_read_and_described_without_its_password():
    for scheme in ("postgresql", "postgres"):
        t = class_db.parse_target(f"{scheme}://ta:s3cret@db.dept.example:5433/classroom")
        assert (t.kind, t.dsn) == (
            "postgresql",
            f"{scheme}://ta:s3cret@db.dept.example:5433/classroom",
        )
        assert t.describe() == "PostgreSQL database ta@db.dept.example/classroom"
        assert "s3cret" not in t.describe()
    assert class_db.placeholder(t) == "%s"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("mysql://u@h/db", "unknown scheme 'mysql'"),
        ("postgresql://u@h", "names a host and a database"),
        ("postgresql:///db", "names a host and a database"),
        ("postgresql://u@h:port/db", "bad port"),
        ("sqlite://relative", "write sqlite:///<path>"),
    ],
)
def test_a_bad_setting_says_what_to_write(raw, message):
    with pytest.raises(ConfigError, match=message):
        class_db.parse_target(raw)


def test_a_folder_is_not_a_store(tmp_path):
    with pytest.raises(ConfigError, match="is a folder; name a file"):
        class_db.parse_target(str(tmp_path))


def test_postgresql_without_psycopg_is_refused_with_the_install_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg -> ImportError
    with pytest.raises(ConfigError, match=r'pip install "psycopg\[binary\]>=3.1"'):
        ClassStore("postgresql://ta@localhost/classroom")


def test_a_folder_that_cannot_be_made_says_so(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match="cannot create"):
        ClassStore(tmp_path / "file" / "sub" / "class.sqlite3")
