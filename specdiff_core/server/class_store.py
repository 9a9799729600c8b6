"""The class store: what a class did in the lesson and the duel, kept for the teacher view
so that a server restart loses nothing. No streamlit here; the app records through
``specdiff_app/class_log.py`` and reads through ``pages/teacher.py``.

It holds three kinds of row (``class_db.TABLES``): each answer to a check question, each
prediction made before the duel (with the duel it was made for), and each finished duel's
result. A student is a hash of their browser session's id (:func:`student_id`): no name,
no address, no raw session id is ever written.

One writer. Every write goes onto a queue that one thread of this process drains, each
batch in one transaction on the one writer connection, in the order they were asked for;
a page never waits for the disk. Readers open their own connection per read (SQLite's WAL
mode lets them read while the writer writes). Several processes may share one SQLite file:
each has its own writer, and SQLite's lock takes them in turn (waiting up to 30 s).
A write that still fails is retried, then counted in :attr:`ClassStore.stats` as failed and
logged; nothing is raised into the page that asked for it.

Examples
--------
>>> import tempfile, pathlib
>>> store = ClassStore(pathlib.Path(tempfile.mkdtemp()) / "class.sqlite3")
>>> store.record_answer("session-1", "bridge", "R = 1", correct=True, prompt="A bridge's R?")
>>> store.flush()
True
>>> [(r["question"], r["answer"], r["correct"]) for r in store.rows("answers")]
[('bridge', 'R = 1', 1)]
>>> store.clear(), store.counts()
(1, {'answers': 0, 'predictions': 0, 'duels': 0})
>>> store.close()
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..jsonio import json_default
from .class_db import TABLES, Target, connect, ensure_schema, parse_target, placeholder

__all__ = ["ClassStore", "student_id", "duel_tag", "LOG"]

LOG = logging.getLogger("specdiff.class_store")
RETRIES = 3  # attempts at a batch before its rows are counted as failed
BATCH = 500  # most rows in one transaction


def student_id(session_id: str) -> str:
    """The only name a student has in the store: a one-way hash of their session's id.

    Examples
    --------
    >>> student_id("3f2b...")
    '69b778d7fcefc308'
    >>> len(student_id("another session"))
    16
    """
    return hashlib.sha256(f"specdiff-class:{session_id}".encode()).hexdigest()[:16]


def duel_tag(
    family: str,
    steps: int,
    lam: float,
    seed: int,
    regime: str,
    eps: float | None,
    *,
    decoder: str,
    k: int,
) -> str:
    """One duel's name in the store: its settings (as ``session.duel_key`` gives them),
    decoder and samples per model. A duel is deterministic given these, so a prediction
    made for it joins every result of it.

    Examples
    --------
    >>> duel_tag("barbell", 600, 10.0, 3, "oracle", None, decoder="chain", k=32)
    'barbell/600/10/3/oracle/-/chain/32'
    """
    e = "-" if eps is None else f"{float(eps):g}"
    return f"{family}/{int(steps)}/{float(lam):g}/{int(seed)}/{regime}/{e}/{decoder}/{int(k)}"


class ClassStore:
    """The class's answers, predictions and duel results (see the module docstring).

    Parameters
    ----------
    target : str, Path, Target or None
        Where the store is: ``class_db.parse_target`` reads it (None: the default file).
    clock : callable
        Seconds since the epoch for each row's ``at`` (tests pass a fake one).
    log : callable
        Where a failed write is reported (default: this module's logger, as a warning).

    Raises
    ------
    ConfigError
        The setting cannot be read, the file cannot be opened, PostgreSQL is asked for
        without psycopg, or the schema is newer than this app's.
    """

    def __init__(
        self,
        target: str | Path | Target | None = None,
        *,
        clock: Callable[[], float] = time.time,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.target = target if isinstance(target, Target) else parse_target(target)
        self._clock = clock
        self._log = log or LOG.warning
        self._p = placeholder(self.target)
        self.stats = {"written": 0, "failed": 0, "cleared": 0}
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        if not self.enabled:
            return
        self._conn = connect(self.target, write=True)
        try:
            ensure_schema(self._conn, self.target)
        except Exception:
            self._conn.close()
            raise
        self._thread = threading.Thread(target=self._write_loop, name="class-store", daemon=True)
        self._thread.start()
        atexit.register(self.close)  # what is queued when the server stops is written

    @property
    def enabled(self) -> bool:
        return self.target.kind != "off"

    # ------------------------------------------------------------------- recording

    def record_answer(
        self, session_id: str, question: str, answer: str, *, correct: bool, prompt: str = ""
    ) -> None:
        """One answer picked to check question ``question`` (returns at once)."""
        self._put("answers", student_id(session_id), question, prompt, answer, int(bool(correct)))

    def record_prediction(
        self,
        session_id: str,
        question: str,
        answer: str,
        *,
        predicted: float,
        duel: str,
        trained: bool,
    ) -> None:
        """One prediction: ``predicted`` is the bridge survival the answer stands for (0 to
        1), ``duel`` the :func:`duel_tag` of the duel it is about, ``trained`` whether that
        duel had started training when the prediction was made."""
        if not 0.0 <= float(predicted) <= 1.0:
            raise ConfigError(f"a prediction is a share from 0 to 1, got {predicted}")
        sid = student_id(session_id)
        self._put("predictions", sid, question, answer, float(predicted), duel, int(trained))

    def record_duel(self, session_id: str, settings: Mapping[str, Any], board: Mapping) -> None:
        """One finished duel: ``settings`` has ``family, steps, lam, seed, regime, eps,
        decoder, k``; ``board`` is the samples' scoreboard (method -> summary, as
        ``experiments.sample_duel`` gives it) with at least ``standard`` and ``spectral``."""
        s, std, wtd = dict(settings), board["standard"], board["spectral"]
        key = (s["family"], s["steps"], s["lam"], s["seed"], s["regime"], s.get("eps"))
        tag = duel_tag(*key, decoder=s["decoder"], k=s["k"])
        eps = None if s.get("eps") is None else float(s["eps"])
        self._put(
            "duels",
            student_id(session_id),
            tag,
            str(s["family"]),
            int(s["steps"]),
            float(s["lam"]),
            int(s["seed"]),
            str(s["regime"]),
            eps,
            str(s["decoder"]),
            int(s["k"]),
            float(std["bridge_survival"]),
            float(wtd["bridge_survival"]),
            float(std["connectivity"]),
            float(wtd["connectivity"]),
            json.dumps(dict(board), default=json_default, sort_keys=True),
        )

    def _put(self, table: str, *values: Any) -> None:
        if not self.enabled:
            return
        if self._thread is None:  # closed: nobody would write it
            self.stats["failed"] += 1
            self._log(f"class store: closed, a row of {table} was not written")
            return
        self._queue.put(("insert", table, (float(self._clock()), *values)))

    # ------------------------------------------------------------- control and reading

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until everything asked for so far is written (or, failing, counted in
        :attr:`stats`); False on timeout."""
        if not self.enabled:
            return True
        done: Future = Future()
        self._queue.put(("flush", done))
        try:
            done.result(timeout=timeout)
            return True
        except TimeoutError:
            return False

    def clear(self, timeout: float = 30.0) -> int:
        """Delete every row (the class is cleared); returns how many rows went. Rows asked
        for before the call go too; rows asked for after it stay."""
        if not self.enabled:
            return 0
        done: Future = Future()
        self._queue.put(("clear", done))
        return int(done.result(timeout=timeout))

    def rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of ``table`` (``answers``, ``predictions`` or ``duels``), oldest first."""
        if table not in TABLES:
            raise ConfigError(f"no table {table!r} in the class store; one of {list(TABLES)}")
        if not self.enabled:
            return []
        names = ["id", *(c for c, _ in TABLES[table])]
        conn = connect(self.target, write=False)
        try:
            cur = conn.cursor()
            cur.execute(f"SELECT {', '.join(names)} FROM {table} ORDER BY id")
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            conn.close()

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        if not self.enabled:
            return {t: 0 for t in TABLES}
        conn = connect(self.target, write=False)
        try:
            cur = conn.cursor()
            out = {}
            for t in TABLES:
                cur.execute(f"SELECT COUNT(*) FROM {t}")
                out[t] = int(cur.fetchone()[0])
            return out
        finally:
            conn.close()

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, then stop the writer (idempotent)."""
        if self._thread is None:
            return
        thread, self._thread = self._thread, None
        self._queue.put(("stop", None))
        thread.join(timeout)
        self._conn.close()
        atexit.unregister(self.close)

    # ----------------------------------------------------------------- the one writer

    def _write_loop(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._apply(batch)
            if any(op == "stop" for op, *_ in batch):
                return

    def _apply(self, batch: list[tuple]) -> None:
        """Write one batch in one transaction; retry it, then count its rows as failed."""
        inserts = sum(op == "insert" for op, *_ in batch)
        deleted: dict[int, int] | None = None
        for attempt in range(RETRIES):
            try:
                deleted = self._transaction(batch)
                break
            except Exception as exc:  # noqa: BLE001 - a write must never take the server down
                self._rollback()
                if attempt < RETRIES - 1:
                    time.sleep(0.2 * (attempt + 1))
                    continue
                self.stats["failed"] += inserts
                where = self.target.describe()
                self._log(f"class store: {inserts} row(s) not written to {where}: {exc}")
        if deleted is not None:
            self.stats["written"] += inserts
            self.stats["cleared"] += sum(deleted.values())
        for op, *rest in batch:
            if op not in ("flush", "clear"):
                continue
            fut: Future = rest[0]
            if deleted is None and op == "clear":
                fut.set_exception(ConfigError("the class store could not be cleared; see the log"))
            else:
                fut.set_result((deleted or {}).get(id(fut), 0))

    def _transaction(self, batch: list[tuple]) -> dict[int, int]:
        cur, deleted = self._conn.cursor(), {}
        for op, *rest in batch:
            if op == "insert":
                table, values = rest
                cols = [c for c, _ in TABLES[table]]
                marks = ", ".join([self._p] * len(cols))
                cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", values)
            elif op == "clear":
                n = 0
                for t in TABLES:
                    cur.execute(f"DELETE FROM {t}")
                    n += max(cur.rowcount, 0)
                deleted[id(rest[0])] = n
        self._conn.commit()
        return deleted

    def _rollback(self) -> None:
        try:
            self._conn.rollback()
        except Exception:  # noqa: BLE001 - the connection itself may be gone
            pass
