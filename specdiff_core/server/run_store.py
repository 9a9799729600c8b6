"""The run store: duels trained to their end, kept on disk and found again by their
settings, so that a duel the class asks for is replayed rather than trained.

A record is content-addressed: its file name is the digest
(:func:`~specdiff_core.experiments.store.identity_digest`, the result store's) of its
identity, which is the duel's full configuration (normalised like a stored result's), its
data (family, seed, regime, eps and the preset its examples are drawn from) and the engine
version ``specdiff_core.__version__``. A new version misses every stored run, which is
then trained again. A record is one safetensors file: its tensors are the checkpoints, its
header holds the history, the chunks and a sha256 over every field and every tensor (the
model files' checksum, :mod:`specdiff_core.checkpoints`); it is written atomically. A file
that is missing, truncated, tampered with, of another format or for other settings is no
record: :meth:`RunStore.load` logs one line and returns None, and the duel trains live.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..files import atomic_write
from .run_record import Checkpoint, RunRecord

__all__ = ["FORMAT_TAG", "RunStore", "default_dir", "run_identity"]

LOG = logging.getLogger("specdiff.run_store")
FORMAT_TAG = "specdiff-duel-run"
FORMAT_VERSION = "1"
MAX_BYTES = 256 * 1024 * 1024  # a record of the app's longest duel is ~10 MB
MAX_HEADER = 16 * 1024 * 1024
KEEP = 8  # records kept in memory (~6 MB each for the app's duel)
FIELDS = {"format", "version", "record", "sha256"}


def default_dir() -> Path:
    """``$SPECDIFF_RUN_STORE``, else ``~/.cache/specdiff/runs`` (not created here)."""
    env = os.environ.get("SPECDIFF_RUN_STORE", "").strip()
    return Path(env).expanduser() if env else Path.home() / ".cache" / "specdiff" / "runs"


def run_identity(key: tuple) -> dict[str, Any]:
    """What a stored run must match: the duel of ``session.duel_key`` ``key``'s settings,
    its examples' preset and the engine version (JSON-able, normalised)."""
    from .. import __version__
    from ..experiments import PRESETS, demo_duel_config
    from ..experiments.store import config_identity

    family, steps, lam, seed, regime, eps = key
    data = asdict(PRESETS["quick"])  # demo_examples draws the duel's graphs from it
    data.pop("duel")  # not the duel's settings: those are the next entry's
    return {
        "kind": "duel_run",
        "version": __version__,
        "duel": config_identity(asdict(demo_duel_config(seed, steps=steps, lam=lam))),
        "data": config_identity(
            {"family": family, "seed": seed, "regime": regime, "eps": eps, "preset": data}
        ),
    }


def _to_bytes(rec: RunRecord) -> bytes:
    from safetensors.torch import save as st_save

    from ..checkpoints import _digest  # the model files' checksum: every field, every tensor

    tensors = {
        f"{step}/{name}": t.contiguous()
        for step, ck in rec.checkpoints.items()
        for name, t in ck.tensors.items()
    }
    body = {
        "identity": rec.identity,
        "chunks": [list(c) for c in rec.chunks],
        "history": rec.history,
        "checkpoints": {str(s): ck.meta() for s, ck in rec.checkpoints.items()},
    }
    meta = {"format": FORMAT_TAG, "version": FORMAT_VERSION, "record": json.dumps(body)}
    meta["sha256"] = _digest(meta, tensors)
    return st_save(tensors, metadata=meta)


def _header(data: bytes) -> dict[str, str]:
    """The metadata table of a record file; ValueError when it is not one."""
    if len(data) < 8:
        raise ValueError("too short to be a record (truncated?)")
    (n,) = struct.unpack("<Q", data[:8])
    if n == 0 or n > MAX_HEADER or 8 + n > len(data):
        raise ValueError(f"header length {n} for a {len(data)}-byte file (truncated?)")
    meta = json.loads(data[8 : 8 + n]).get("__metadata__")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_TAG:
        raise ValueError("not a duel run record (format tag missing)")
    if meta.get("version") != FORMAT_VERSION or set(meta) != FIELDS:
        raise ValueError(f"record format {meta.get('version')!r} or fields not this version's")
    return meta


def _from_bytes(data: bytes) -> RunRecord:
    """The record in ``data``; ValueError (or a parser's error) when it is not sound."""
    from safetensors.torch import load as st_load

    from ..checkpoints import _digest

    meta = _header(data)
    tensors = st_load(data)
    if not hmac.compare_digest(str(meta.get("sha256", "")), _digest(meta, tensors)):
        raise ValueError("checksum mismatch: the file was modified or damaged")
    body = json.loads(meta["record"])
    checkpoints = {}
    for s, m in body["checkpoints"].items():
        prefix = f"{int(s)}/"
        ts = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
        checkpoints[int(s)] = Checkpoint(tensors=ts, **m)
    chunks = [(int(a), int(b), float(c)) for a, b, c in body["chunks"]]
    return RunRecord(body["identity"], chunks, body["history"], checkpoints)


class RunStore:
    """Duel runs under ``root`` (default :func:`default_dir`), one file per run.

    ``log`` receives one line per record that could not be used (default: this module's
    logger, at warning level).
    """

    def __init__(
        self,
        root: str | os.PathLike[str] | None = None,
        *,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.root = Path(root) if root is not None else default_dir()
        self.log = log or LOG.warning
        self._cache: OrderedDict[tuple, RunRecord] = OrderedDict()  # read-only records
        self._lock = threading.Lock()

    def path(self, key: tuple) -> Path:
        """Where the run of duel ``key`` is (or would be) stored."""
        from ..experiments.store import identity_digest

        return self.root / f"duel-{identity_digest(run_identity(key))}.safetensors"

    def save(self, rec: RunRecord) -> Path:
        """Write ``rec`` whole or not at all (over an older record of the same identity)."""
        from ..experiments.store import identity_digest

        data = _to_bytes(rec)
        path = self.root / f"duel-{identity_digest(rec.identity)}.safetensors"
        path.parent.mkdir(parents=True, exist_ok=True)
        return atomic_write(path, data)

    def load(self, key: tuple) -> RunRecord | None:
        """The stored run of duel ``key``, or None (absent, or unusable: logged).

        The last :data:`KEEP` records read are kept in memory, shared read-only by every
        replay of them (a class pressing Play on one preset reads its file once); a file
        that changed since is read again."""
        path = self.path(key)
        try:
            if not path.is_file():
                return None
            st = path.stat()
            if st.st_size > MAX_BYTES:
                raise ValueError(f"{st.st_size} bytes, more than any record")
            tag = (str(path), st.st_mtime_ns, st.st_size)
            with self._lock:
                if tag in self._cache:
                    self._cache.move_to_end(tag)
                    return self._cache[tag]
            rec = _from_bytes(path.read_bytes())
            if json.loads(json.dumps(rec.identity)) != json.loads(json.dumps(run_identity(key))):
                raise ValueError("its settings are not this duel's")
            with self._lock:
                self._cache[tag] = rec
                while len(self._cache) > KEEP:
                    self._cache.popitem(last=False)
            return rec
        except Exception as exc:  # noqa: BLE001 - any unusable file: train live instead
            self.log(f"run store: ignoring {path} ({type(exc).__name__}: {exc}); training live")
            return None

    def has(self, key: tuple) -> bool:
        """Whether a usable run of duel ``key`` is stored."""
        return self.load(key) is not None
