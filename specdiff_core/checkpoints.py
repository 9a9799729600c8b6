"""Model files: weights in safetensors, configuration as JSON in its header.

A checkpoint is one ``.safetensors`` file. Its header metadata holds the duel
configuration, the method (loss) it was trained with, the training keep rate, an info
table and a SHA-256 over all of these *and* every tensor's name, dtype, shape and bytes:
editing T, the schedule's s, keep_rate or the method in place changes what the model
samples, so the checksum covers every field of the header. Loading parses the header
ourselves, through the bounded parser of :mod:`.parsing`, checks the format tag, version
and hash, that every weight is finite, and only then builds the network and loads the
weights with ``strict=True``. Nothing in the file is ever executed (no pickle). A model
whose weights are NaN or infinite (a training that diverged) is refused when saved.

Format 1 (before 0.2.0's hardening) hashed the tensors only, so its header cannot be
verified; such files are refused with a message to retrain (seconds for the CLI's
models). The repository ships no model files.
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
from .files import atomic_write
from .model import EdgeDenoiser, featurize
from .parsing import as_float, loads_json
from .training import resolve_device

__all__ = [
    "FORMAT_TAG",
    "FORMAT_VERSION",
    "TrainedModel",
    "save_model",
    "model_file",
    "model_to_bytes",
    "load_model",
]

FORMAT_TAG = "specdiff-edge-denoiser"
FORMAT_VERSION = "2"  # 2: the checksum covers the whole header; 1: the tensors only
MAX_BYTES = 512 * 1024 * 1024
MAX_HEADER = 10 * 1024 * 1024
FIELDS = ("format", "version", "config", "method", "keep_rate", "info", "sha256")


def _digest(meta: dict[str, str], tensors: dict[str, torch.Tensor]) -> str:
    """SHA-256 over every metadata field but the hash itself, then every tensor."""
    h = hashlib.sha256()
    fields = {k: v for k, v in meta.items() if k != "sha256"}
    h.update(json.dumps(fields, sort_keys=True).encode())
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
    """Serialise a trained denoiser to safetensors bytes.

    Raises
    ------
    CheckpointError
        A weight is NaN or infinite (the training diverged): nothing is written.
    """
    tensors = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    bad = _not_finite(tensors)
    if bad:
        w = config.weighting
        raise CheckpointError(
            f"the model's weights are not finite (NaN or inf in {bad}): its training "
            f"diverged, so it is not saved; lower lambda ({w.lam:g}, weights {w.fn!r}) or the "
            f"learning rate ({config.train.lr:g}) and train again"
        )
    meta = {
        "format": FORMAT_TAG,
        "version": FORMAT_VERSION,
        "config": json.dumps(config.to_dict(), allow_nan=False),
        "method": method,
        "keep_rate": repr(float(keep_rate)),
        "info": json.dumps(_finite_json(info or {}), default=str, allow_nan=False),
    }
    meta["sha256"] = _digest(meta, tensors)
    return st_save(tensors, metadata=meta)


def _not_finite(tensors: dict[str, torch.Tensor]) -> str | None:
    """The name of the first tensor holding a NaN or an infinity, or None."""
    for name in sorted(tensors):
        t = tensors[name]
        if t.is_floating_point() and not bool(torch.isfinite(t).all()):
            return name
    return None


def _finite_json(obj: Any) -> Any:
    """``obj`` with every NaN or infinite float made ``None`` (strict JSON, which the
    bounded reader insists on; a metric undefined for the training graphs is NaN)."""
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite_json(v) for v in obj]
    if isinstance(obj, np.generic):
        return _finite_json(obj.item())
    return obj


def save_model(
    path: str | Path,
    model: EdgeDenoiser,
    config: DuelConfig,
    method: str,
    keep_rate: float,
    info: dict[str, Any] | None = None,
) -> Path:
    """Write a checkpoint file (``.safetensors`` is appended if missing)."""
    path = model_file(path)
    data = model_to_bytes(model, config, method, keep_rate, info)  # refuses a NaN model
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, data)  # never a half-written checkpoint under the final name


def model_file(path: str | Path) -> Path:
    """The file :func:`save_model` writes for ``path``: ``.safetensors`` appended if missing.

    Examples
    --------
    >>> model_file("runs/m").name, model_file("m.safetensors").name
    ('m.safetensors', 'm.safetensors')
    """
    path = Path(path)
    return path if path.suffix == ".safetensors" else path.with_name(path.name + ".safetensors")


def _read_header(data: bytes, source: str) -> dict[str, str]:
    """The metadata table of a SpecDiff model file, its shape checked (not yet its hash)."""
    if len(data) < 8:
        raise CheckpointError(f"{source}: file is too short to be a model checkpoint (truncated?)")
    (n,) = struct.unpack("<Q", data[:8])
    if n == 0 or n > MAX_HEADER or 8 + n > len(data):
        raise CheckpointError(
            f"{source}: not a safetensors model file, or truncated (header length {n} "
            f"for a {len(data)}-byte file)"
        )
    header = loads_json(data[8 : 8 + n], where=f"{source}: header", error=CheckpointError)
    if not isinstance(header, dict):
        raise CheckpointError(f"{source}: corrupted checkpoint header (not a JSON object)")
    meta = header.get("__metadata__")
    if not isinstance(meta, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in meta.items()
    ):
        raise CheckpointError(
            f"{source}: the header's __metadata__ is {type(meta).__name__}, not a table of "
            "text fields: this safetensors file is not a SpecDiff model (or it is damaged); "
            "train one with `python -m specdiff_core train`"
        )
    if meta.get("format") != FORMAT_TAG:
        raise CheckpointError(
            f"{source}: this safetensors file is not a SpecDiff model (format tag missing); "
            "train one with `python -m specdiff_core train`"
        )
    _check_version(meta, source)
    extra = sorted(set(meta) - set(FIELDS))
    if extra or "sha256" not in meta:
        raise CheckpointError(
            f"{source}: the header has fields {extra or ['no sha256']} that no SpecDiff model "
            "writes; the file was modified. Re-download or retrain it"
        )
    return meta


def _check_version(meta: dict[str, str], source: str) -> None:
    version = meta.get("version")
    if version == "1":
        raise CheckpointError(
            f"{source}: a model file of format 1, whose checksum did not cover its settings "
            "(T, schedule, keep rate, method), so they cannot be verified; retrain it with "
            "`python -m specdiff_core train` (or download it again from the app)"
        )
    if version != FORMAT_VERSION:
        raise CheckpointError(
            f"{source}: checkpoint format version {version!r} is not supported "
            f"(expected {FORMAT_VERSION}); retrain the model with this version"
        )


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
    if _digest(meta, tensors) != meta["sha256"]:
        raise CheckpointError(
            f"{source}: the header or the weights do not match the checksum in the header; the "
            "file was modified or damaged. Re-download or retrain it"
        )
    bad = _not_finite(tensors)
    if bad:
        raise CheckpointError(
            f"{source}: weights hold NaN or inf ({bad}): the model comes from a training "
            "that diverged; retrain it with a smaller lambda or learning rate"
        )
    config, method, keep_rate, info = _settings(meta, source)
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


def _settings(meta: dict[str, str], source: str) -> tuple[DuelConfig, str, float, dict]:
    """The verified header's configuration, method, keep rate and info, each checked."""
    where = f"{source}: header"
    try:
        raw = loads_json(meta["config"], where=f"{where} config", error=CheckpointError)
        config = DuelConfig.from_dict(raw)
        keep_rate = as_float(
            meta["keep_rate"], where=where, error=CheckpointError, what="keep_rate"
        )
        method = meta["method"]
        info = loads_json(meta["info"], where=f"{where} info", error=CheckpointError)
    except CheckpointError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, SpecDiffError) as exc:
        raise CheckpointError(f"{source}: checkpoint configuration is invalid ({exc})") from None
    if not 0 < keep_rate < 1 or method not in config.methods or not isinstance(info, dict):
        raise CheckpointError(
            f"{source}: checkpoint settings are inconsistent (keep_rate {keep_rate:g}, method "
            f"{method!r} of {list(config.methods)}); retrain the model"
        )
    return config, method, keep_rate, info
