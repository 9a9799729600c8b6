"""Model files against tampering, damage and diverged training (issue 14, class 3): the
checksum covers the whole header, a malformed header is a CheckpointError, and a model
whose weights are NaN or infinite is never saved and never loaded."""

from __future__ import annotations

import json
import struct

import pytest
import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from specdiff_core import checkpoints
from specdiff_core.checkpoints import load_model, model_to_bytes, save_model
from specdiff_core.config import DuelConfig, ModelConfig, TrainConfig
from specdiff_core.errors import CheckpointError
from specdiff_core.graphs import barbell
from specdiff_core.training import Duel, make_example


@pytest.fixture(scope="module")
def saved() -> tuple[bytes, Duel]:
    examples = [make_example(barbell(4, 4, seed=s), seed=s, n_targets=2) for s in range(2)]
    cfg = DuelConfig(model=ModelConfig(width=8, depth=1), train=TrainConfig(steps=2))
    duel = Duel(cfg, examples)
    duel.step(2)
    info = {"final": {"grad_share_bridge": float("nan"), "loss": 0.5}}  # NaN: undefined
    data = model_to_bytes(
        duel.players["spectral"].model, cfg, "spectral", duel.diffusion.keep_rate, info
    )
    return data, duel


def _parts(data: bytes) -> tuple[dict, bytes]:
    (n,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8 : 8 + n]), data[8 + n :]


def _with_header(header: dict | str, body: bytes) -> bytes:
    raw = (header if isinstance(header, str) else json.dumps(header)).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + body


def _edit(data: bytes, edit) -> bytes:
    header, body = _parts(data)
    meta = header["__metadata__"]
    edit(meta)
    return _with_header(header, body)


def _config(field: str, value):
    def edit(meta):
        cfg = json.loads(meta["config"])
        cfg["diffusion"][field] = value
        meta["config"] = json.dumps(cfg)

    return edit


def test_a_saved_model_loads_with_its_nan_metrics_as_null(saved):
    tm = load_model(saved[0], device="cpu")
    assert tm.method == "spectral" and tm.info["final"] == {"grad_share_bridge": None, "loss": 0.5}


@pytest.mark.parametrize(
    "edit",
    [
        _config("T", 40),
        _config("s", 0.5),
        lambda m: m.update(keep_rate="0.9"),
        lambda m: m.update(method="standard"),
        lambda m: m.update(info="{}"),
        lambda m: m.update(extra="1"),
    ],
    ids=["T", "s", "keep_rate", "method", "info", "extra-field"],
)
def test_editing_any_header_field_is_refused(saved, edit):
    """Before: the checksum covered the tensors only, and these edits were accepted."""
    with pytest.raises(CheckpointError, match="modified"):
        load_model(_edit(saved[0], edit))


@pytest.mark.parametrize("meta", ["[1, 2]", '"text"', "5", "null", '{"format": 5}'])
def test_metadata_of_the_wrong_type_is_refused(saved, meta):
    """Before: AttributeError ('list' object has no attribute 'get')."""
    header, body = _parts(saved[0])
    header["__metadata__"] = "@@"
    with pytest.raises(CheckpointError, match="__metadata__"):
        load_model(_with_header(json.dumps(header).replace('"@@"', meta), body))


@pytest.mark.parametrize(
    "junk, says",
    [("[" * 100_000 + "]" * 100_000, "nested 100,001 levels"), ("1" * 5000, "5,000 digits")],
    ids=["nested", "long-int"],
)
def test_a_hostile_header_is_refused(saved, junk, says):
    """Before: RecursionError, and Python's int-string limit ValueError."""
    header, body = _parts(saved[0])
    text = json.dumps(header)[:-1] + ', "x": ' + junk + "}"
    with pytest.raises(CheckpointError, match=says):
        load_model(_with_header(text, body))


def test_a_model_of_format_1_is_refused_with_a_reason(saved):
    with pytest.raises(CheckpointError, match="format 1, whose checksum did not cover"):
        load_model(_edit(saved[0], lambda m: m.update(version="1")))


def test_nan_weights_are_never_saved(saved, tmp_path):
    """Before: train --lam 1e308 saved a NaN model with exit 0; sampling it then failed
    an internal assert."""
    _, duel = saved
    model = duel.players["standard"].model
    with torch.no_grad():
        next(model.parameters()).fill_(float("nan"))
    try:
        with pytest.raises(CheckpointError, match="not finite .* training diverged"):
            save_model(tmp_path / "m", model, duel.config, "standard", 0.5)
        assert list(tmp_path.iterdir()) == []
    finally:
        with torch.no_grad():
            next(model.parameters()).zero_()


def test_nan_weights_are_never_loaded(saved):
    """A file whose checksum is right but whose weights are NaN (written by other code)."""
    header, _ = _parts(saved[0])
    meta = header["__metadata__"]
    tensors = st_load(saved[0])
    name = sorted(tensors)[0]
    tensors[name] = torch.full_like(tensors[name], float("inf"))
    meta["sha256"] = checkpoints._digest(meta, tensors)
    with pytest.raises(CheckpointError, match=f"NaN or inf \\({name}\\)"):
        load_model(st_save(tensors, metadata=meta))


def test_train_with_a_huge_lambda_exits_2_and_saves_nothing(tmp_path, capsys):
    from specdiff_core.cli import main

    out = tmp_path / "m.safetensors"
    argv = ["train", "--family", "barbell", "--loss", "spectral", "--lam", "1e308"]
    code = main([*argv, "--steps", "5", "--n-train", "2", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2 and err.startswith("error: the model's weights are not finite")
    assert not out.exists() and list(tmp_path.iterdir()) == []
