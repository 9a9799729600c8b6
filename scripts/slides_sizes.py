"""How big and how slow each slide animation is, as GIF and as MP4: the README's table.

Usage: ``python scripts/slides_sizes.py [--steps 200] [--size 960x540]``. It trains the
app's default duel (as ``export duel --steps`` does) and runs the paper's protocol regime
map, draws each animation once (a ``Clip``), then encodes it both ways and prints one
markdown row per animation: frames, seconds on screen, drawing time, and each format's
size and encoding time. Times are wall-clock seconds on this machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from specdiff_core.experiments import (  # noqa: E402
    demo_duel_config,
    demo_examples,
    protocol,
    sample_duel,
)
from specdiff_core.report import export  # noqa: E402
from specdiff_core.training import Duel  # noqa: E402


def timed(make):
    t = time.perf_counter()
    out = make()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--size", default="960x540")
    args = ap.parse_args()
    size = export.slide_size(args.size)
    train, test = demo_examples(0)
    duel = Duel(demo_duel_config(0, steps=args.steps), train, probe=[test])
    while not duel.done:
        duel.step(min(50, duel.config.train.steps - duel.step_count))
    result = sample_duel(duel, test, k=8, seed=0)
    rm = protocol.regime_map(protocol.config_from(seed=0))
    makers = {
        "duel curves": lambda: export.duel_curves_clip(duel.history, size=size),
        "duel reverse chain": lambda: export.duel_chain_clip(test, result.samples, size=size),
        "protocol regime map (eps x λ)": lambda: export.regime_sweep_clip(rm, size=size),
    }
    print(f"steps {args.steps}, size {args.size}, imageio-ffmpeg {_ffmpeg()}")
    print(
        "| animation | frames | on screen | drawn in | GIF | GIF encoded in | MP4 | MP4 encoded in |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, make in makers.items():
        clip, draw_s = timed(make)
        gif, gif_s = timed(lambda clip=clip: clip.encode("gif"))
        mp4, mp4_s = timed(lambda clip=clip: clip.encode("mp4"))
        shown = ((len(clip.frames) - 1) * clip.ms + clip.hold_ms) / 1000
        print(
            f"| {name} | {len(clip.frames)} | {shown:.1f} s | {draw_s:.1f} s "
            f"| {len(gif) / 1024:.0f} KiB | {gif_s:.1f} s | {len(mp4) / 1024:.0f} KiB | {mp4_s:.1f} s |"
        )


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return f"{imageio_ffmpeg.__version__} (ffmpeg {imageio_ffmpeg.get_ffmpeg_version()})"


if __name__ == "__main__":
    main()
