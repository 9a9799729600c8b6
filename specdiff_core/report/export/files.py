"""Writing exports: every file whole or not at all (a temporary file, then a rename), and
never over an existing file unless told to."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ...errors import ConfigError


def write_new(
    files: Mapping[str, bytes | str], out: str | os.PathLike[str], *, force: bool = False
) -> list[Path]:
    """Write ``files`` (name -> content) into directory ``out``; refuse, before writing
    anything, if one exists and ``force`` is not set.

    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> [p.name for p in write_new({"a.html": "<p>"}, d)]
    ['a.html']
    >>> write_new({"a.html": "<p>"}, d)
    Traceback (most recent call last):
    ...
    specdiff_core.errors.ConfigError: a.html exists in ... pass --force to overwrite it
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} is a file, not a directory: give a directory for the exports")
    there = [name for name in files if (out / name).exists()]
    if there and not force:
        raise ConfigError(f"{', '.join(there)} exists in {out}: pass --force to overwrite it")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = out / name
        tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
        try:
            data = content.encode() if isinstance(content, str) else content
            tmp.write_bytes(data)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        written.append(path)
    return written
