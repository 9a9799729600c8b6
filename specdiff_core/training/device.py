"""Where a duel trains: the CPU, or CUDA with deterministic kernels."""

from __future__ import annotations

import os

import torch

from ..errors import ConfigError


def resolve_device(name: str) -> torch.device:
    """``"auto"`` -> CUDA when available, else CPU. Choosing CUDA makes torch's CUDA
    kernels deterministic for this process (see :func:`deterministic_cuda`)."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device 'cuda' requested but no CUDA device is available; use 'cpu'")
    if name not in ("cpu", "cuda"):
        raise ConfigError(f"device must be auto, cpu or cuda, got {name!r}")
    if name == "cuda":
        deterministic_cuda()
    return torch.device(name)


def deterministic_cuda() -> None:
    """Make CUDA runs bit-for-bit repeatable, as CPU runs are.

    The message passing sums with ``index_add_``, whose CUDA kernel adds with atomics in
    whatever order the threads arrive: on an H100, two players with the same loss, init
    and batches drifted apart within 3 steps, and a duel trained in a worker process
    differed from the same duel trained in place. A duel's fairness (the only difference
    between the players is the loss) and the sharing of identical runs between students
    both rest on determinism, so CUDA uses torch's deterministic kernels. cuBLAS needs
    its workspace fixed for that, before its first use; a value already set is kept.
    """
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True)
