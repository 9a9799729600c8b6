"""Finding experiment results already computed for the same settings.

A result is reused only when its experiment name, its full configuration, its seeds
and the package version (bumped whenever results would change) equal the request: nothing is matched by file name alone. Results bundled in
``assets/results`` (made by ``python -m specdiff_core reproduce``) are searched
first, then the user's cache directory.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..paths import ASSETS_DIR
from .config import ExperimentConfig

__all__ = [
    "BUNDLED_DIR",
    "cache_dir",
    "find_result",
    "find_protocol",
    "store_result",
    "result_key",
]

BUNDLED_DIR = ASSETS_DIR / "results"


def cache_dir() -> Path:
    """``$SPECDIFF_CACHE`` or ``~/.cache/specdiff/results``."""
    return Path(os.environ.get("SPECDIFF_CACHE", Path.home() / ".cache" / "specdiff" / "results"))


def _normalise(obj: Any) -> Any:
    """JSON round trip, so that tuples and lists compare equal."""
    return json.loads(json.dumps(obj, default=str))


def result_key(name: str, cfg: ExperimentConfig, seeds: Sequence[int]) -> str:
    blob = json.dumps([name, _normalise(asdict(cfg)), [int(s) for s in seeds]], sort_keys=True)
    return f"{name}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}"


def _matches(res: dict[str, Any], name: str, cfg: ExperimentConfig, seeds: Sequence[int]) -> bool:
    from .. import __version__

    return (
        res.get("version") == __version__
        and res.get("experiment") == name
        and res.get("seeds") == [int(s) for s in seeds]
        and _normalise(res.get("config")) == _normalise(asdict(cfg))
    )


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

    want = _normalise(asdict(cfg))
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
                and _normalise(res.get("config")) == want
            ):
                return res, path
    return None


def store_result(res: dict[str, Any], cfg: ExperimentConfig, directory: Path | None = None) -> Path:
    """Write ``res`` under its key (atomically) and return the path."""
    d = Path(directory) if directory is not None else cache_dir()
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{result_key(res['experiment'], cfg, res['seeds'])}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(res, default=float))
    tmp.replace(path)
    return path
