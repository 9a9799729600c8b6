"""Joining Ray: what an address may look like, and the errors a user can cause (a cluster
itself is joined in tests/server/test_ray_workers.py and tests/experiments/test_runner.py)."""

from __future__ import annotations

import socket
import sys
import time

import pytest

from specdiff_core.cluster import check_address, join_ray
from specdiff_core.errors import ConfigError


@pytest.mark.parametrize(
    ("address", "where"),
    [
        ("head:6379", ("head", 6379)),
        ("ray://10.0.0.5:10001", ("10.0.0.5", 10001)),
        (" auto ", None),
        ("local", None),
        (None, None),
    ],
)
def test_addresses_a_user_may_give(address, where):
    assert check_address(address) == where


@pytest.mark.parametrize("address", ["head", "head:", ":6379", "head:port", "head:0", "h:70000"])
def test_a_malformed_address_is_refused_with_what_to_give(address):
    with pytest.raises(ConfigError, match="give host:port, ray://host:port"):
        check_address(address)


def test_an_address_where_nothing_listens_is_refused_at_once():
    """``ray.init`` would retry it for minutes; the check answers in well under a second."""
    ray = pytest.importorskip("ray")
    if ray.is_initialized():
        pytest.skip("Ray is already joined in this process")
    with socket.socket() as s:  # a free port, closed again: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(ConfigError, match="no Ray cluster answers at 'ray://127.0.0.1:"):
        join_ray(f"ray://127.0.0.1:{port}", 1)
    assert time.monotonic() - start < 5 and not ray.is_initialized()


def test_missing_ray_names_the_caller_and_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(ConfigError, match="the job pool needs the ray package: pip install ray"):
        join_ray(None, 1, what="the job pool")
