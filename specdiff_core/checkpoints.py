"""Model files: weights in safetensors, configuration as JSON in its header.

A checkpoint is one ``.safetensors`` file. Its header metadata holds the duel
configuration, the method (loss) it was trained with, the training keep rate and a
SHA-256 over every tensor's name, dtype, shape and bytes. Loading parses the
header ourselves (bounded), checks the format tag, version and hash, and only
then builds the network and loads the weights with ``strict=True``. Nothing in
the file is ever executed (no pickle).
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from .config import DuelConfig
from .diffusion import MarginalEdgeDiffusion, SampleResult, sample_masks
from .errors import CheckpointError, SpecDiffError
from .model import EdgeDenoiser, featurize
from .training import resolve_device

__all__ = [
    "FORMAT_TAG",
    "FORMAT_VERSION",
    "TrainedModel",
    "save_model",
    "model_to_bytes",
    "load_model",
]

FORMAT_TAG = "specdiff-edge-denoiser"
FORMAT_VERSION = "1"
MAX_BYTES = 512 * 1024 * 1024
MAX_HEADER = 10 * 1024 * 1024


def _tensor_digest(tensors: dict[str, torch.Tensor]) -> str:
    h = hashlib.sha256()
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        h.update(f"{name}|{t.dtype}|{tuple(t.shape)}|".encode())
        h.update(t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.float().numpy().tobytes())
    return h.hexdigest()


@dataclass
class TrainedModel:
    """A denoiser plus what is needed to sample from it."""

    model: EdgeDenoiser
    diffusion: MarginalEdgeDiffusion
    config: DuelConfig
    method: str
    info: dict[str, Any]

    def sample(
        self,
        G: nx.Graph,
        k: int = 16,
        *,
        seed: int = 0,
        keep_chain: bool = False,
        flag: np.ndarray | None = None,
    ) -> SampleResult:
        """``k`` sparsification masks of a canonical graph ``G``."""
        device = next(self.model.parameters()).device
        return sample_masks(
            self.model,
            self.diffusion,
            featurize(G, flag=flag),
            k,
            seed=seed,
            keep_chain=keep_chain,
            device=device,
        )


def model_to_bytes(
    model: EdgeDenoiser,
    config: DuelConfig,
    method: str,
    keep_rate: float,
    info: dict[str, Any] | None = None,
) -> bytes:
    """Serialise a trained denoiser to safetensors bytes."""
    tensors = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    meta = {
        "format": FORMAT_TAG,
        "version": FORMAT_VERSION,
        "config": json.dumps(config.to_dict()),
        "method": method,
        "keep_rate": repr(float(keep_rate)),
        "info": json.dumps(info or {}, default=str),
        "sha256": _tensor_digest(tensors),
    }
    return st_save(tensors, metadata=meta)


def save_model(
    path: str | Path,
    model: EdgeDenoiser,
    config: DuelConfig,
    method: str,
    keep_rate: float,
    info: dict[str, Any] | None = None,
) -> Path:
    """Write a checkpoint file (``.safetensors`` is appended if missing)."""
    path = Path(path)
    if path.suffix != ".safetensors":
        path = path.with_name(path.name + ".safetensors")
    path.parent.mkdir(parents=True, exist_ok=True)
    data = model_to_bytes(model, config, method, keep_rate, info)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)  # never leave a half-written checkpoint under the final name
    return path


def _read_header(data: bytes, source: str) -> dict[str, Any]:
    if len(data) < 8:
        raise CheckpointError(f"{source}: file is too short to be a model checkpoint (truncated?)")
    (n,) = struct.unpack("<Q", data[:8])
    if n == 0 or n > MAX_HEADER or 8 + n > len(data):
        raise CheckpointError(
            f"{source}: not a safetensors model file, or truncated (header length {n} "
            f"for a {len(data)}-byte file)"
        )
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CheckpointError(f"{source}: corrupted checkpoint header (not valid JSON)") from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{source}: corrupted checkpoint header")
    meta = header.get("__metadata__") or {}
    if meta.get("format") != FORMAT_TAG:
        raise CheckpointError(
            f"{source}: this safetensors file is not a SpecDiff model (format tag missing); "
            "train one with `python -m specdiff_core train`"
        )
    if meta.get("version") != FORMAT_VERSION:
        raise CheckpointError(
            f"{source}: checkpoint format version {meta.get('version')!r} is not supported "
            f"(expected {FORMAT_VERSION}); retrain the model with this version"
        )
    return meta


def load_model(
    src: str | Path | bytes, *, device: str = "auto", max_bytes: int = MAX_BYTES
) -> TrainedModel:
    """Load and verify a checkpoint from a path or bytes.

    Raises
    ------
    CheckpointError
        Missing, truncated, foreign, tampered (hash mismatch) or inconsistent files.
    """
    if isinstance(src, bytes | bytearray):
        data, source = bytes(src), "uploaded model"
    else:
        path = Path(src)
        source = str(path)
        if not path.is_file():
            raise CheckpointError(f"{path}: no such model file")
        if path.stat().st_size > max_bytes:
            raise CheckpointError(f"{path}: larger than {max_bytes:,} bytes; not a model of ours")
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise CheckpointError(f"{source}: larger than {max_bytes:,} bytes; not a model of ours")
    meta = _read_header(data, source)
    try:
        tensors = st_load(data)
    except (SafetensorError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"{source}: corrupted or truncated tensor data ({exc})") from None
    if _tensor_digest(tensors) != meta.get("sha256"):
        raise CheckpointError(
            f"{source}: weights do not match the checksum in the header; the file was modified "
            "or damaged. Re-download or retrain it"
        )
    try:
        config = DuelConfig.from_dict(json.loads(meta["config"]))
        keep_rate = float(meta["keep_rate"])
        method = str(meta["method"])
        info = json.loads(meta.get("info", "{}"))
    except (KeyError, TypeError, ValueError, SpecDiffError) as exc:
        raise CheckpointError(f"{source}: checkpoint configuration is invalid ({exc})") from None
    dev = resolve_device(device)
    model = EdgeDenoiser(config=config.model, T=config.diffusion.T)
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as exc:
        first = str(exc).splitlines()[0]
        raise CheckpointError(
            f"{source}: weights do not fit the stored configuration ({first})"
        ) from None
    model.to(dev).eval()
    return TrainedModel(
        model=model,
        diffusion=MarginalEdgeDiffusion(config.diffusion, keep_rate),
        config=config,
        method=method,
        info=info,
    )
