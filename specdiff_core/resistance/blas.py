"""OpenBLAS threads: run loops of small BLAS calls on one thread."""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@functools.cache
def _openblas_thread_setters() -> tuple[Any, ...]:
    """``openblas_set_num_threads_local`` of every OpenBLAS loaded (Linux only)."""
    if not sys.platform.startswith("linux"):
        return ()
    try:
        with open("/proc/self/maps") as fh:
            paths = sorted({ln.split()[-1] for ln in fh if "openblas" in ln.lower()})
    except OSError:
        return ()
    setters = []
    for path in paths:
        try:
            fn = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.restype, fn.argtypes = ctypes.c_int, [ctypes.c_int]
        setters.append(fn)
    return tuple(setters)


@contextmanager
def _blas_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` OpenBLAS threads in this thread (``None``: unchanged).

    Many small BLAS calls with several threads each wait for every thread to wake up;
    on a busy machine that costs milliseconds per call, so loops of small calls are run
    single-threaded. The setting is thread-local and restored afterwards.
    """
    setters = _openblas_thread_setters() if n is not None else ()
    old = [fn(n) for fn in setters]
    try:
        yield
    finally:
        for fn, value in zip(setters, old, strict=True):
            fn(value)
