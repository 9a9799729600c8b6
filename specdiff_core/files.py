"""Writing user-visible files whole or not at all, and telling whether two paths are one file.

Every writer of output a user keeps (graph files, model files, results, reports, the
CLI's CSV and JSON) goes through :func:`atomic_write` or :func:`atomic_open`: the bytes go
to a temporary file in the destination's own folder, are flushed to disk (``fsync``) and
only then renamed over the final name (``os.replace``, atomic on POSIX and Windows). On a
full disk, an interruption or any error, the temporary file is removed and the final name
keeps its old content, or stays absent; a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_open", "atomic_write", "same_file"]


def _umask() -> int:
    """The process's umask (read once, at import: os.umask can only be read by setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()  # what open() would give a new file


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", **kwargs: Any) -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; on a clean exit it is synced and
    renamed to ``path``, on an exception removed (``path`` is then untouched).

    ``mode`` is ``"w"`` (text; ``kwargs`` go to :func:`open`, e.g. ``newline=""``) or
    ``"wb"``.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with atomic_open(d / "a.txt") as fh:
    ...     _ = fh.write("whole")
    >>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('whole', ['a.txt'])
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes ('w' or 'wb'), not {mode!r}")
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _MODE)
        with open(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno is not None:  # say which file, and that
            msg = f"{exc.strerror}: {path} not written (left as it was)"
            raise OSError(exc.errno, msg) from None
        raise
    _sync_dir(path.parent)


def atomic_write(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` whole or not at all.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "b.bin"
    >>> atomic_write(p, b"bytes").read_bytes()
    b'bytes'
    """
    path = Path(path)
    if isinstance(data, str):
        with atomic_open(path, "w", encoding="utf-8") as fh:
            fh.write(data)
    else:
        with atomic_open(path, "wb") as fh:
            fh.write(data)
    return path


def _sync_dir(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system can sync a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file: the same resolved path (symbolic links followed),
    or an existing file under two names (a hard link).

    Examples
    --------
    >>> same_file("x/../y.txt", "y.txt")
    True
    """
    pa, pb = Path(a), Path(b)
    if pa.resolve() == pb.resolve():
        return True
    try:
        return os.path.samefile(pa, pb)
    except OSError:  # one of them does not exist
        return False
