"""Flip every single bit of a model file's header (its 8-byte length and its JSON) and load
each result: how many are refused with a CheckpointError, accepted as the very same model,
accepted as a *different* model (settings or weights changed: the bad case), or crash with
any other exception (a bug). docs/reliability.md quotes its output.

    python scripts/header_flips.py
"""

from __future__ import annotations

import struct
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from specdiff_core.checkpoints import load_model, model_to_bytes  # noqa: E402
from specdiff_core.config import DiffusionConfig, DuelConfig, ModelConfig  # noqa: E402
from specdiff_core.errors import SpecDiffError  # noqa: E402
from specdiff_core.model import EdgeDenoiser  # noqa: E402


def main() -> int:
    torch.manual_seed(0)
    config = DuelConfig(diffusion=DiffusionConfig(T=5), model=ModelConfig(width=4, depth=1))
    model = EdgeDenoiser(config=config.model, T=config.diffusion.T)
    data = model_to_bytes(model, config, "spectral", 0.25, {"steps": 3})
    (n,) = struct.unpack("<Q", data[:8])
    weights = model.state_dict()
    outcomes: Counter[str] = Counter()
    for bit in range(8 * (8 + n)):
        flipped = bytearray(data)
        flipped[bit // 8] ^= 1 << (bit % 8)
        try:
            tm = load_model(bytes(flipped), device="cpu")
        except SpecDiffError:
            outcomes["refused (CheckpointError)"] += 1
            continue
        except Exception as exc:  # noqa: BLE001 - what this script counts
            outcomes[f"crashed ({type(exc).__name__})"] += 1
            continue
        same = (
            (tm.config, tm.method, tm.info) == (config, "spectral", {"steps": 3})
            and tm.diffusion.keep_rate == 0.25
            and all(torch.equal(v, tm.model.state_dict()[k]) for k, v in weights.items())
        )
        outcomes["accepted, the same model" if same else "accepted, a DIFFERENT model"] += 1
    print(f"{8 * (8 + n):,} single-bit flips of a {n:,}-byte header:")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {outcome}: {count:,}")
    return 1 if any(k.startswith(("accepted, a DIFF", "crashed")) for k in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
