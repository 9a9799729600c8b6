"""Fuzzing the model reader: random bytes, bit and byte flips of a real model file, and
hostile header tables. A CheckpointError with one line, or the very model that was saved
(same settings, same weights): an edit that changes what a model samples is never accepted."""

from __future__ import annotations

import json
import struct

import pytest
import torch
from fuzzing import JSON_VALUES, NUMBER_TEXT, fuzz_settings, refused_or
from hypothesis import given
from hypothesis import strategies as st

from specdiff_core.checkpoints import load_model, model_to_bytes
from specdiff_core.config import DiffusionConfig, DuelConfig, ModelConfig
from specdiff_core.model import EdgeDenoiser

CONFIG = DuelConfig(diffusion=DiffusionConfig(T=5), model=ModelConfig(width=4, depth=1))
torch.manual_seed(0)
MODEL = EdgeDenoiser(config=CONFIG.model, T=CONFIG.diffusion.T)
DATA = model_to_bytes(MODEL, CONFIG, "spectral", 0.25, {"steps": 3})
(HEADER_LEN,) = struct.unpack("<Q", DATA[:8])
META = json.loads(DATA[8 : 8 + HEADER_LEN])["__metadata__"]


def the_same_model(tm) -> None:
    assert (tm.config, tm.method, tm.info) == (CONFIG, "spectral", {"steps": 3})
    assert tm.diffusion.keep_rate == 0.25
    theirs = tm.model.state_dict()
    assert all(torch.equal(v, theirs[k]) for k, v in MODEL.state_dict().items())


def load(data: bytes):
    return lambda: load_model(data, device="cpu")


def test_the_fixture_loads():
    the_same_model(load_model(DATA, device="cpu"))


@fuzz_settings()
@given(data=st.binary(max_size=400))
def test_random_bytes(data):
    refused_or(load(data), the_same_model)


@fuzz_settings()
@given(bits=st.lists(st.integers(0, 8 * (8 + HEADER_LEN) - 1), min_size=1, max_size=3))
def test_bit_flips_in_the_header(bits):
    """Before: 520 of 4,888 single-bit header flips were accepted."""
    data = bytearray(DATA)
    for bit in bits:
        data[bit // 8] ^= 1 << (bit % 8)
    refused_or(load(bytes(data)), the_same_model)


@fuzz_settings()
@given(
    where=st.integers(0, len(DATA) - 1),
    new=st.binary(min_size=1, max_size=4),
    cut=st.one_of(st.none(), st.integers(0, len(DATA))),
)
def test_byte_edits_anywhere(where, new, cut):
    data = DATA[:where] + new + DATA[where + len(new) :]
    refused_or(load(data[:cut] if cut is not None else data), the_same_model)


FIELD = st.sampled_from(
    ["format", "version", "config", "method", "keep_rate", "info", "sha256", "x"]
)


@fuzz_settings()
@given(
    edits=st.dictionaries(
        FIELD, st.one_of(NUMBER_TEXT, st.text(max_size=10), JSON_VALUES.map(json.dumps))
    ),
    metadata=st.one_of(st.none(), JSON_VALUES),
    replace=st.booleans(),
)
def test_hostile_header_tables(edits, metadata, replace):
    header = json.loads(DATA[8 : 8 + HEADER_LEN])
    if replace:
        header["__metadata__"] = metadata
    else:
        header["__metadata__"] = {**META, **edits}
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    data = struct.pack("<Q", len(raw)) + raw + DATA[8 + HEADER_LEN :]
    refused_or(load(data), the_same_model)


@pytest.mark.parametrize("depth", [63, 64, 65, 100_000])
def test_nesting_in_the_header(depth):
    header = json.dumps(json.loads(DATA[8 : 8 + HEADER_LEN]))
    raw = (header[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}").encode()
    raw += b" " * (-len(raw) % 8)
    refused_or(load(struct.pack("<Q", len(raw)) + raw + DATA[8 + HEADER_LEN :]), the_same_model)
