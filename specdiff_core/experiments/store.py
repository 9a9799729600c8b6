"""The one result store: results already computed for the same settings, whole (an
experiment's result) or in pieces (the finished units of a run that may resume).

Both are keyed by one identity, :func:`ident`: the experiment's name, the package version
(bumped whenever results would change), the full configuration, and the seeds (results)
or the user's graphs (units). Nothing is matched by file name alone. Results bundled in
``assets/results`` (made by ``python -m specdiff_core reproduce``) are searched first,
then the user's cache directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from ..jsonio import normalise, write_json
from ..paths import ASSETS_DIR
from .config import ExperimentConfig

__all__ = [
    "BUNDLED_DIR",
    "cache_dir",
    "find_result",
    "find_protocol",
    "store_result",
    "result_key",
    "ident",
    "identity_digest",
    "config_identity",
    "NEUTRAL_SETTINGS",
    "graphs_digest",
    "UnitStore",
]

BUNDLED_DIR = ASSETS_DIR / "results"


def cache_dir() -> Path:
    """``$SPECDIFF_CACHE`` or ``~/.cache/specdiff/results``."""
    return Path(os.environ.get("SPECDIFF_CACHE", Path.home() / ".cache" / "specdiff" / "results"))


def graphs_digest(graphs: Sequence[nx.Graph] | None) -> str:
    """A hash of the user's graphs (edges and weights), so stored units match them."""
    if not graphs:
        return ""
    from ..graphs import edge_array, edge_weights

    h = hashlib.sha256()
    for G in graphs:
        e = edge_array(G)
        h.update(np.int64(G.number_of_nodes()).tobytes())
        h.update(e.tobytes())
        h.update(edge_weights(G, e).tobytes())
    return h.hexdigest()[:16]


# Settings added after results were stored, with the value at which they change nothing
# (today's behaviour): at that value a setting is left out of a result's identity, so that
# results stored before it existed (assets/results among them) still match.
NEUTRAL_SETTINGS: dict[tuple[str, ...], Any] = {("duel", "train", "lr_hold"): 1.0}


def config_identity(config: dict[str, Any]) -> dict[str, Any]:
    """A normalised configuration without the settings of :data:`NEUTRAL_SETTINGS` that
    sit at their neutral value (a copy; ``config`` is left as it is)."""
    out = normalise(config)
    for (*parents, leaf), neutral in NEUTRAL_SETTINGS.items():
        d = out
        for key in parents:
            d = d.get(key) if isinstance(d, dict) else None
        if isinstance(d, dict) and leaf in d and d[leaf] == neutral:
            del d[leaf]
    return out


def ident(
    name: str,
    cfg: ExperimentConfig,
    *,
    seeds: Sequence[int] | None = None,
    graphs: Sequence[nx.Graph] | None = None,
) -> dict[str, Any]:
    """What a stored result or unit must match to be reused."""
    from .. import __version__

    out: dict[str, Any] = {
        "experiment": name,
        "version": __version__,
        "config": config_identity(asdict(cfg)),
    }
    if seeds is not None:
        out["seeds"] = [int(s) for s in seeds]
    if graphs is not None:
        out["graphs"] = graphs_digest(graphs)
    return out


def identity_digest(identity: dict[str, Any]) -> str:
    """A short sha256 of an identity's canonical JSON: the name under which it is stored
    (results, units, and the duel runs of ``server.run_store``)."""
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


def result_key(name: str, cfg: ExperimentConfig, seeds: Sequence[int]) -> str:
    return f"{name}-{identity_digest(ident(name, cfg, seeds=seeds))}"


def _matches(res: dict[str, Any], name: str, cfg: ExperimentConfig, seeds: Sequence[int]) -> bool:
    want = ident(name, cfg, seeds=seeds)
    have = {k: normalise(res.get(k)) for k in want}
    if isinstance(have["config"], dict):
        have["config"] = config_identity(have["config"])
    return have == want


def find_result(
    name: str, cfg: ExperimentConfig, seeds: Sequence[int], dirs: Sequence[Path] | None = None
) -> tuple[dict[str, Any], Path] | None:
    """A stored result for exactly these settings, and where it was found; else None."""
    for d in dirs if dirs is not None else (BUNDLED_DIR, cache_dir()):
        if not Path(d).is_dir():
            continue
        for path in sorted(Path(d).rglob(f"{name}*.json")):
            try:
                res = json.loads(path.read_text())
            except (OSError, json.JSONDecodeError):
                continue  # an unreadable file is skipped, never trusted
            if isinstance(res, dict) and _matches(res, name, cfg, seeds):
                return res, path
    return None


def find_protocol(
    cfg: Any, dirs: Sequence[Path] | None = None
) -> tuple[dict[str, Any], Path] | None:
    """A stored ``paper_protocol`` result for exactly ``cfg`` (a ProtocolConfig) and this
    version, and where it was found; else None. (It takes seconds to recompute, so the
    app only needs it to open instantly.)"""
    from .. import __version__

    want = normalise(asdict(cfg))
    for d in dirs if dirs is not None else (BUNDLED_DIR, cache_dir()):
        if not Path(d).is_dir():
            continue
        for path in sorted(Path(d).rglob("paper_protocol*.json")):
            try:
                res = json.loads(path.read_text())
            except (OSError, json.JSONDecodeError):
                continue
            if (
                isinstance(res, dict)
                and res.get("version") == __version__
                and res.get("experiment") == "paper_protocol"
                and normalise(res.get("config")) == want
            ):
                return res, path
    return None


def store_result(res: dict[str, Any], cfg: ExperimentConfig, directory: Path | None = None) -> Path:
    """Write ``res`` under its key (atomically) and return the path."""
    d = Path(directory) if directory is not None else cache_dir()
    d.mkdir(parents=True, exist_ok=True)
    return write_json(res, d / f"{result_key(res['experiment'], cfg, res['seeds'])}.json")


class UnitStore:
    """Finished units of one experiment and configuration, one JSON file each."""

    def __init__(
        self,
        root: str | Path,
        name: str,
        cfg: ExperimentConfig,
        graphs: Sequence[nx.Graph] | None = None,
    ) -> None:
        self.ident = ident(name, cfg, graphs=graphs or ())
        self.dir = Path(root) / ".units" / f"{name}-{identity_digest(self.ident)}"

    def _path(self, uid: str) -> Path:
        return self.dir / (re.sub(r"[^A-Za-z0-9=.,_-]", "_", uid) + ".json")

    def load(self, uid: str) -> dict[str, Any] | None:
        """A stored unit's payload, or None (missing, unreadable or for other settings)."""
        try:
            data = json.loads(self._path(uid).read_text())
        except (OSError, json.JSONDecodeError):
            return None
        if not isinstance(data, dict) or data.get("ident") != self.ident:
            return None
        return data.get("payload") if data.get("unit") == uid else None

    def save(self, uid: str, payload: dict[str, Any]) -> Path:
        """Write one unit atomically (a reader never sees half a file)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        return write_json({"ident": self.ident, "unit": uid, "payload": payload}, self._path(uid))
