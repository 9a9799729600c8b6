"""JSON the project writes and compares: numpy values as plain numbers, a round trip that
makes tuples and lists compare equal, and writes that never leave half a file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from .files import atomic_write

__all__ = ["json_default", "normalise", "write_json"]


def json_default(o: Any) -> Any:
    """``json.dumps(default=...)`` for numpy scalars and arrays; anything else is an error.

    Examples
    --------
    >>> json.dumps({"a": np.float64(0.5), "b": np.arange(2)}, default=json_default)
    '{"a": 0.5, "b": [0, 1]}'
    """
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON-able: {type(o).__name__}")


def normalise(obj: Any) -> Any:
    """A JSON round trip: arrays and tuples become lists, floats keep every bit (repr
    round-trips), so that two configurations or results compare as their files would."""
    return json.loads(json.dumps(obj, default=json_default))


def write_json(obj: Any, path: str | os.PathLike[str], *, indent: int | None = 1) -> Path:
    """Write ``obj`` to ``path`` whole or not at all (:func:`.files.atomic_write`), so a
    reader, or a rerun after an interruption, never sees half a file."""
    return atomic_write(path, json.dumps(obj, indent=indent, default=json_default))
