"""Worker processes: one per pool slot, started with ``subprocess`` (multiprocessing's spawn
would re-run the Streamlit page as ``__main__``), talking to its thread over a socket pair
with pickled messages; a crash or a kill fails one job, and the process is restarted."""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import subprocess
import sys
import threading
import traceback
from typing import Any, Protocol


class Watched(Protocol):
    """What a worker needs of a job's context: whether anybody still watches the job."""

    @property
    def cancelled(self) -> bool: ...


class RemoteError(RuntimeError):
    """An exception raised by a function run in a worker process; ``str`` is the remote
    ``"Type: message"`` and ``trace`` its traceback."""

    def __init__(self, message: str, trace: str) -> None:
        super().__init__(message)
        self.trace = trace


class WorkerDied(RuntimeError):
    """The worker process exited while running a job (a crash, or out of memory)."""


def _send(conn, obj: Any) -> None:
    """Send with the plain pickle. A Connection's own send uses multiprocessing's pickler,
    for which torch registers reducers that move tensors to shared memory: the receiver
    would get live views of the sender's parameters, which go on changing as it trains."""
    conn.send_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def _recv(conn) -> Any:
    return pickle.loads(conn.recv_bytes())


class _LocalChannel:
    """The channel of a function run in the job's own thread."""

    def __init__(self, ctx: Watched, on_message, pump) -> None:
        self._ctx, self._on_message, self._pump = ctx, on_message, pump

    def send(self, payload: Any) -> None:
        if self._on_message is not None:
            self._on_message(pickle.loads(pickle.dumps(payload)))

    @property
    def cancelled(self) -> bool:
        return self._ctx.cancelled

    def requests(self) -> list[Any]:
        return list(self._pump()) if self._pump is not None else []


class _ChildChannel:
    """The channel of a function run in a worker process (talks over the pipe)."""

    def __init__(self, conn) -> None:
        self._conn, self._cancelled, self._requests = conn, False, []

    def _drain(self) -> None:
        while self._conn.poll():
            msg = _recv(self._conn)
            if msg[0] == "cancel":
                self._cancelled = True
            elif msg[0] == "request":
                self._requests.append(msg[1])

    def send(self, payload: Any) -> None:
        _send(self._conn, ("msg", payload))

    @property
    def cancelled(self) -> bool:
        self._drain()
        return self._cancelled

    def requests(self) -> list[Any]:
        self._drain()
        out, self._requests = self._requests, []
        return out


def _worker_entry(fd: int) -> None:  # pragma: no cover - runs in the worker process
    """Entry point of a worker process: serve calls on the inherited socket ``fd``."""
    from multiprocessing.connection import Connection

    _child_main(Connection(fd))


WORKER_NICE = 5  # how much worker processes yield the CPU to the server (os.nice)


def settle_worker() -> None:  # pragma: no cover - runs in the worker process
    """Settle a worker process (a subprocess of the server, or a Ray actor): one torch
    thread, and a lower CPU priority than the server's (``WORKER_NICE``).

    Why the priority: on a machine with
    as many busy workers as cores, pages waited for the CPU behind training (a key press
    on the duel page took up to 1.9 s to show while the duel trained on 2 cores, and the
    live progress line stalled for up to 3.5 s). Training loses nothing when a core is
    idle; when the server needs one, the students' pages come first. 5 rather than 10:
    with 10 the load test's shared duel took 44 s instead of 32 s to finish (a heavily
    niced process is preempted often and did the same training in ~40% more CPU time),
    and 5 kept every figure of app_speed --duel under 1 s as well."""
    try:
        os.nice(int(os.environ.get("SPECDIFF_WORKER_NICE", WORKER_NICE)))
    except (OSError, ValueError):  # not allowed, or a bad value: run at normal priority
        pass
    try:
        import torch

        torch.set_num_threads(1)  # one small model per process: one thread is fastest
    except ImportError:
        pass


def _child_main(conn) -> None:  # pragma: no cover - runs in the worker process
    """A worker process: run calls one at a time until told to stop or the pipe closes."""
    settle_worker()
    while True:
        try:
            msg = _recv(conn)
        except (EOFError, OSError):
            return
        if msg[0] == "stop":
            return
        if msg[0] != "call":
            # A "cancel" or "request" that crossed the last call's result in the pipe
            # (the parent sent it as the call finished): nothing to act on now. Unpacking
            # it as a call killed the worker, and the next student's job with it.
            continue
        _, fn, args, kwargs = msg
        try:
            result = fn(*args, chan=_ChildChannel(conn), **kwargs)
            reply = ("result", result)
        except (BrokenPipeError, ConnectionResetError):
            return  # the parent is gone (it exited or was killed): nobody to tell, so quietly
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
            reply = ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc())
        try:
            _send(conn, reply)
        except (BrokenPipeError, ConnectionResetError):
            return  # as above: a worker outliving its parent printed two tracebacks here
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
            _send(conn, ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))


class ProcessWorker:
    """One persistent worker process that runs :meth:`JobContext.call` for one pool thread.

    A fresh interpreter started with ``subprocess`` (``python -c`` importing only this
    module), joined by a socket pair: not ``multiprocessing``'s spawn, which re-imports the
    parent's ``__main__``, and inside Streamlit that is whichever page script is running,
    so every worker would run the app. The child gets the parent's ``sys.path``.
    """

    POLL = 0.05  # seconds between checks for messages, cancellation and requests

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._conn = None
        self._lock = threading.Lock()  # start/close come from the pool thread and shutdown
        self._closed = False  # once closed by the pool, never restarted

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return None if proc is None else proc.pid

    def alive(self) -> bool:
        proc = self._proc
        return proc is not None and proc.poll() is None

    def start(self) -> None:
        from multiprocessing.connection import Connection

        with self._lock:
            if self._closed:
                raise WorkerDied("the job pool is shutting down")
            mine, theirs = socket.socketpair()
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
            code = f"from specdiff_core.server.workers import _worker_entry; _worker_entry({theirs.fileno()})"
            # Its own process group: a Ctrl-C at the server's terminal reaches the server,
            # which closes its workers, not each worker with a traceback of its own.
            self._proc = subprocess.Popen(
                [sys.executable, "-c", code],
                pass_fds=(theirs.fileno(),),
                env=env,
                close_fds=True,
                process_group=0,
            )
            theirs.close()
            self._conn = Connection(mine.detach())

    def close(self, timeout: float = 5.0, *, final: bool = False) -> None:
        """Stop the process: ask it to, wait up to ``timeout`` s, then kill it. Safe to call
        from any thread, any number of times; ``final`` (the pool's shutdown) also makes
        sure it is never restarted, and a job running in it ends with WorkerDied."""
        with self._lock:
            self._closed = self._closed or final
            proc, conn = self._proc, self._conn
            self._proc = self._conn = None
        if proc is None:
            return
        try:
            _send(conn, ("stop",))
        except (OSError, ValueError):
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        with contextlib.suppress(OSError):
            conn.close()

    def _died(self, proc: subprocess.Popen | None) -> WorkerDied:
        if self._closed:  # closed by the pool's shutdown while the job ran
            return WorkerDied("the job pool shut down while this job ran")
        code = None
        if proc is not None:
            try:
                code = proc.wait(timeout=5)  # the socket closes just before the exit
            except subprocess.TimeoutExpired:
                pass
        self.close()
        with contextlib.suppress(WorkerDied):  # unless the pool is closing meanwhile
            self.start()  # a fresh process for the next job
        return WorkerDied(f"the worker process running this job died (exit code {code})")

    def call(self, fn, args, kwargs, *, ctx: Watched, on_message=None, pump=None) -> Any:
        if not self.alive():
            self.close()
            self.start()
        proc, conn = self._proc, self._conn  # this call's own: close() may clear them
        if proc is None or conn is None:
            raise self._died(proc)
        try:
            _send(conn, ("call", fn, args, kwargs))
        except (OSError, ValueError):
            raise self._died(proc) from None
        cancel_sent = False
        while True:
            try:
                ready = conn.poll(self.POLL)
                msg = _recv(conn) if ready else None
            except (EOFError, OSError, ValueError):  # ValueError: closed by shutdown
                raise self._died(proc) from None
            if msg is not None:
                if msg[0] == "msg":
                    if on_message is not None:
                        on_message(msg[1])
                elif msg[0] == "result":
                    return msg[1]
                else:
                    raise RemoteError(msg[1], msg[2])
            elif proc.poll() is not None:
                raise self._died(proc)
            try:
                if ctx.cancelled and not cancel_sent:
                    _send(conn, ("cancel",))
                    cancel_sent = True
                for request in pump() if pump is not None else ():
                    _send(conn, ("request", request))
            except (OSError, ValueError):  # the process went away meanwhile
                raise self._died(proc) from None
