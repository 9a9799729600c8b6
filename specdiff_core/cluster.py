"""Joining a Ray cluster, or starting one on this machine: one way for every Ray user of the
library (``reproduce --backend ray`` and the job pool's Ray backend).

An address is ``host:port`` (a cluster's head node, when this machine is one of its nodes),
``ray://host:port`` (Ray Client, from any machine), ``auto`` (the cluster this machine
already belongs to) or ``local`` / none (a Ray started here, stopped by whoever started it).
On a cluster the workers get this package through Ray's runtime env (``py_modules``); its
dependencies must be installed there. Every Ray worker runs one torch and BLAS thread.

Examples
--------
>>> check_address("ray://head.example:10001")
('head.example', 10001)
>>> check_address("local") is None
True
>>> check_address("head.example")
Traceback (most recent call last):
...
specdiff_core.errors.ConfigError: Ray address 'head.example': give host:port, ray://host:port, 'auto' or 'local'
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

from .errors import ConfigError
from .paths import PACKAGE_DIR

__all__ = ["THREAD_VARS", "check_address", "import_ray", "join_ray"]

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_HERE = ("", "local")  # addresses that start a Ray on this machine
_QUIET = {"include_dashboard": False, "log_to_driver": False, "logging_level": "ERROR"}


def import_ray(what: str) -> Any:
    """``import ray``, or a :class:`ConfigError` saying that ``what`` needs it."""
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(f"{what} needs the ray package: pip install ray==2.60.0") from exc
    return ray


def check_address(address: str | None) -> tuple[str, int] | None:
    """The ``(host, port)`` of a cluster's address; None for ``auto``, ``local`` or none.

    Raises :class:`ConfigError` for an address of another shape.
    """
    address = (address or "").strip()
    if address in (*_HERE, "auto"):
        return None
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not (sep and host and port.isdigit() and 0 < int(port) < 65536):
        raise ConfigError(
            f"Ray address {address!r}: give host:port, ray://host:port, 'auto' or 'local'"
        )
    return host, int(port)


def _reachable(address: str, timeout: float) -> None:
    """Raise unless something listens at the address: ``ray.init`` retries a wrong address
    for minutes before it gives up, and the first page of the app would wait as long."""
    where = check_address(address)
    if where is None:
        return
    try:
        socket.create_connection(where, timeout=timeout).close()
    except OSError as exc:
        raise ConfigError(
            f"no Ray cluster answers at {address!r} ({exc.strerror or exc}): "
            "start one with `ray start --head`, or fix the address"
        ) from None


def join_ray(
    address: str | None, num_cpus: int, *, what: str = "the ray backend", timeout: float = 5.0
) -> bool:
    """Connect this process to Ray, unless it already is; True if it started Ray here.

    Parameters
    ----------
    address : str or None
        Where the cluster is (see the module docstring); ``None`` or ``"local"`` starts a
        Ray of ``num_cpus`` CPUs on this machine, whose workers import this package (and
        anything else this process can) from this process's ``sys.path``.
    num_cpus : int
        CPUs of a Ray started here (a cluster's own count is the cluster's).
    what : str
        Names the caller in the error when ray is not installed.
    timeout : float
        Seconds to wait for the cluster's port to answer before giving up.

    Returns
    -------
    bool
        Whether this call started Ray: then its caller stops it (``ray.shutdown()``).

    Raises
    ------
    ConfigError
        When ray is not installed, the address is malformed or nothing answers there.
    """
    ray = import_ray(what)
    address = (address or "").strip()
    check_address(address)  # a malformed address is refused even when Ray is joined already
    if ray.is_initialized():
        return False
    _reachable(address, timeout)
    threads = dict.fromkeys(THREAD_VARS, "1")
    if address in _HERE:
        paths = (str(PACKAGE_DIR.parent), *sys.path, os.environ.get("PYTHONPATH", ""))
        path = os.pathsep.join(dict.fromkeys(p for p in paths if p))
        env = {"env_vars": {**threads, "PYTHONPATH": path}}
        ray.init(num_cpus=max(1, int(num_cpus)), runtime_env=env, **_QUIET)
    else:
        env = {"py_modules": [str(PACKAGE_DIR)], "env_vars": threads}
        ray.init(address=address, runtime_env=env, **_QUIET)
    return True
