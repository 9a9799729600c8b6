"""Ctrl-C and SIGTERM: what the CLI and the process pools do with them.

* :func:`sigterm_raises` turns SIGTERM into :class:`Terminated` in the main thread, so a
  terminated command unwinds like an interrupted one (temporary files removed, pools
  stopped) and exits 143 with one line, instead of dying where it stood.
* :func:`children_ignore_sigint` starts worker processes ignoring SIGINT: Ctrl-C,
  which the terminal sends to the whole process group, then reaches only the parent,
  which stops its workers itself (before, each worker printed its own traceback).
* :func:`deferred_signals` holds SIGINT and SIGTERM while a parent waits on its pool and
  raises them at a point of its choosing, never inside the pool's locks (a Ctrl-C that
  landed there once gave "RuntimeError: release unlocked lock").
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_TERMINATED",
    "Terminated",
    "children_ignore_sigint",
    "deferred_signals",
    "sigterm_raises",
]

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt (a BaseException: ``except Exception``
    blocks do not swallow it)."""


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise_terminated(signum, frame) -> None:
    raise Terminated


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block (main thread only; elsewhere a no-op), SIGTERM raises Terminated."""
    if not _in_main_thread():
        yield
        return
    old = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextlib.contextmanager
def children_ignore_sigint() -> Iterator[None]:
    """Processes started inside the block ignore SIGINT: it is set to SIG_IGN meanwhile,
    which a child keeps across exec (a blocked mask is not kept: spawn resets it). It is
    also blocked in this thread, so that on Linux a Ctrl-C arriving meanwhile stays
    pending and reaches this process's own handler when the block ends."""
    if not _in_main_thread():
        yield
        return
    can_block = hasattr(signal, "pthread_sigmask")
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if can_block else None
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
        if can_block:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)


class _Pending:
    """The first SIGINT or SIGTERM received inside :func:`deferred_signals`."""

    def __init__(self) -> None:
        self.signum: int | None = None

    def record(self, signum, frame) -> None:
        if self.signum is None:
            self.signum = signum

    def check(self) -> None:
        """Raise KeyboardInterrupt or Terminated now if a signal came; else nothing."""
        if self.signum == signal.SIGINT:
            raise KeyboardInterrupt
        if self.signum is not None:
            raise Terminated


@contextlib.contextmanager
def deferred_signals() -> Iterator[_Pending]:
    """Within the block, SIGINT and SIGTERM are only recorded; call ``.check()`` where
    raising is safe (between waits). On leaving, the old handlers come back."""
    pending = _Pending()
    if not _in_main_thread():
        yield pending
        return
    old = {s: signal.signal(s, pending.record) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield pending
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
