"""Where the class store lives and how to talk to it: the setting's forms (a SQLite file,
a PostgreSQL URL, or off), one DB-API connection per dialect, and the versioned schema.

The setting (``SPECDIFF_CLASS_DB``) is read by :func:`parse_target`:

* unset or empty: the SQLite file ``class.sqlite3`` in :func:`~specdiff_core.paths.data_dir`;
* a path, or a SQLite URL (``sqlite:///class.sqlite3`` relative, ``sqlite:////srv/class.sqlite3``
  absolute, as SQLAlchemy writes them): that SQLite file (its folder is created);
* ``postgresql://user:password@host:5432/dbname`` (or ``postgres://``): a PostgreSQL
  database, for a department server that outlives one machine. It needs the optional
  ``psycopg`` package (``python -m pip install "psycopg[binary]>=3.1"``); without it the
  store refuses to open and says so;
* ``off``: nothing is recorded (the teacher view shows an empty class).

Every table holds session *hashes*, never a session id, a name or an address.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..paths import data_dir

__all__ = [
    "ENV",
    "SCHEMA_VERSION",
    "TABLES",
    "Target",
    "parse_target",
    "default_path",
    "connect",
    "ensure_schema",
    "placeholder",
]

ENV = "SPECDIFF_CLASS_DB"
SCHEMA_VERSION = 1
OFF = {"off", "none", "0", "false", "no"}

# table -> its columns (name, type) besides the id; every row also has an ``id`` that
# grows with insertion order (the latest answer of a student is the one with the largest).
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "answers": (  # one row per answer picked to a check question
        ("at", "real"),  # seconds since the epoch
        ("student", "text"),  # a hash of the browser session's id
        ("question", "text"),  # the question's id (the lesson step's slug)
        ("prompt", "text"),  # the question as the student read it
        ("answer", "text"),
        ("correct", "int"),  # 1 or 0
    ),
    "predictions": (  # one row per prediction made at the lesson's predict step
        ("at", "real"),
        ("student", "text"),
        ("question", "text"),
        ("answer", "text"),
        ("predicted", "real"),  # the bridge survival the answer predicts (0 to 1)
        ("duel", "text"),  # the duel it was made for (duel_tag); results join on it
        ("trained", "int"),  # 1 if the student's duel had started training already
    ),
    "duels": (  # one row per finished duel (trained to the end, then sampled)
        ("at", "real"),
        ("student", "text"),
        ("duel", "text"),
        ("family", "text"),
        ("steps", "int"),
        ("lam", "real"),
        ("seed", "int"),
        ("regime", "text"),
        ("eps", "real"),  # NULL unless the regime is "rare"
        ("decoder", "text"),
        ("k", "int"),  # samples per model
        ("standard_bridge", "real"),  # bridge survival of the standard model's samples
        ("weighted_bridge", "real"),  # ... of the spectrally-weighted model's
        ("standard_connected", "real"),  # connectivity (share of connected samples)
        ("weighted_connected", "real"),
        ("board", "text"),  # the whole scoreboard, as JSON
    ),
}


@dataclass(frozen=True)
class Target:
    """Where the store is: ``kind`` is ``"sqlite"`` (``path``), ``"postgresql"`` (``dsn``)
    or ``"off"``."""

    kind: str
    path: Path | None = None
    dsn: str | None = None

    def describe(self) -> str:
        """For a page: the file, or the database without its password."""
        if self.kind == "sqlite":
            return f"SQLite file {self.path}"
        if self.kind == "postgresql":
            u = urlsplit(self.dsn or "")
            who = f"{u.username}@" if u.username else ""
            return f"PostgreSQL database {who}{u.hostname or 'localhost'}{u.path or ''}"
        return "off: nothing is recorded"


def default_path() -> Path:
    return data_dir() / "class.sqlite3"


def parse_target(raw: str | Path | None) -> Target:
    """Read the class store's setting (the module docstring lists its forms).

    Raises
    ------
    ConfigError
        An unknown scheme, a PostgreSQL URL without a database name or host, or a
        path that is a folder.

    Examples
    --------
    >>> parse_target("off").kind
    'off'
    >>> parse_target("postgresql://ta:secret@db.example.org/class").describe()
    'PostgreSQL database ta@db.example.org/class'
    >>> parse_target("sqlite:////srv/specdiff/class.sqlite3").path.as_posix()
    '/srv/specdiff/class.sqlite3'
    """
    text = str(raw).strip() if raw is not None else ""
    if not text:
        return Target("sqlite", path=default_path())
    if text.lower() in OFF:
        return Target("off")
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        if scheme in ("postgresql", "postgres"):
            return _postgres(text)
        if scheme == "sqlite":
            rest = text.split("://", 1)[1]
            if not rest.startswith("/") or rest == "/":
                raise ConfigError(
                    f"{ENV}={text!r}: write sqlite:///<path>, e.g. "
                    "sqlite:////srv/specdiff/class.sqlite3, or just the path"
                )
            text = rest[1:]  # sqlite:////abs -> /abs (three slashes, then the path)
        else:
            raise ConfigError(
                f"{ENV}={text!r}: unknown scheme {scheme!r}; use a file path, "
                "sqlite:///<path>, postgresql://user:password@host/dbname or off"
            )
    path = Path(text).expanduser()
    if path.is_dir():
        raise ConfigError(f"{ENV}={text!r} is a folder; name a file, e.g. {path / 'class.sqlite3'}")
    return Target("sqlite", path=path)


def _postgres(url: str) -> Target:
    u = urlsplit(url)
    try:
        u.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise ConfigError(f"{ENV}: bad port in the PostgreSQL URL ({exc})") from None
    if not u.hostname or not u.path.strip("/"):
        raise ConfigError(
            f"{ENV}: a PostgreSQL URL names a host and a database: "
            "postgresql://user:password@host:5432/dbname"
        )
    return Target("postgresql", dsn=url)


# ----------------------------------------------------------------------- connections


def placeholder(target: Target) -> str:
    """The DB-API parameter marker of the target's driver."""
    return "%s" if target.kind == "postgresql" else "?"


def connect(target: Target, *, write: bool) -> Any:
    """A DB-API connection to ``target``: the writer's (WAL mode, waits up to 30 s for a
    lock held by another process) or a reader's (``query_only``)."""
    if target.kind == "postgresql":
        return _connect_postgres(target)
    if target.kind != "sqlite":
        raise ConfigError(f"the class store is {target.kind}: nothing to connect to")
    assert target.path is not None
    if write:
        try:
            target.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"{ENV}: cannot create {target.path.parent} ({exc})") from None
    try:
        conn = sqlite3.connect(target.path, timeout=30.0, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 30000")
        if write:
            conn.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
            conn.execute("PRAGMA synchronous = NORMAL")  # durable at each checkpoint
        else:
            conn.execute("PRAGMA query_only = 1")
    except sqlite3.Error as exc:
        raise ConfigError(f"{ENV}: cannot open {target.path} ({exc})") from None
    return conn


def _connect_postgres(target: Target) -> Any:
    try:
        import psycopg  # optional: only a department server that asks for PostgreSQL needs it
    except ImportError:
        raise ConfigError(
            f"{ENV} names a PostgreSQL database, which needs the psycopg package: "
            'python -m pip install "psycopg[binary]>=3.1" (or use a SQLite file path)'
        ) from None
    try:
        return psycopg.connect(target.dsn, connect_timeout=10)
    except psycopg.Error as exc:
        raise ConfigError(f"{ENV}: cannot connect to {target.describe()} ({exc})") from None


# ---------------------------------------------------------------------------- schema


def _ddl(target: Target) -> list[str]:
    pg = target.kind == "postgresql"
    types = {"real": "DOUBLE PRECISION" if pg else "REAL", "int": "BIGINT" if pg else "INTEGER"}
    ident = "BIGSERIAL PRIMARY KEY" if pg else "INTEGER PRIMARY KEY AUTOINCREMENT"
    out = ["CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"]
    for table, cols in TABLES.items():
        body = ", ".join(f"{name} {types.get(kind, 'TEXT')}" for name, kind in cols)
        out.append(f"CREATE TABLE IF NOT EXISTS {table} (id {ident}, {body})")
    return out


def ensure_schema(conn: Any, target: Target) -> int:
    """Create the tables if they are missing and check the schema's version; returns it.

    Raises
    ------
    ConfigError
        The store was written by a newer version of the app (a schema this one does
        not know): point the setting at another file, or upgrade the app.
    """
    p = placeholder(target)
    cur = conn.cursor()
    for statement in _ddl(target):
        cur.execute(statement)
    cur.execute(
        f"INSERT INTO meta (key, value) VALUES ({p}, {p}) ON CONFLICT (key) DO NOTHING",
        ("schema_version", str(SCHEMA_VERSION)),
    )
    cur.execute(f"SELECT value FROM meta WHERE key = {p}", ("schema_version",))
    version = int(cur.fetchone()[0])
    conn.commit()
    if version > SCHEMA_VERSION:
        raise ConfigError(
            f"{ENV}: {target.describe()} has class-store schema v{version}; this app knows "
            f"v{SCHEMA_VERSION}. Upgrade the app or point {ENV} at another file"
        )
    # version < SCHEMA_VERSION: a migration from that version would run here (none yet)
    return version
