"""Frames to an MP4 (H.264, yuv420p) with the static ffmpeg that the imageio-ffmpeg wheel
carries: no system package, no network. The same PIL frames and timing as :mod:`.gif`
(each frame repeated at a fixed frame rate, :func:`.limits.frame_rate`) and the same 5 MB
limit; ``+faststart`` puts the index first, so a slide plays it while it loads."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...errors import ConfigError, EncoderError
from .limits import durations, frame_rate, within_limit

INSTALL = "pip install imageio-ffmpeg==0.6.0"


def ffmpeg_exe() -> str:
    """The path of imageio-ffmpeg's ffmpeg, or an ``EncoderError`` that says how to get it."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise EncoderError(
            f"MP4 export needs imageio-ffmpeg, which is missing here ({INSTALL}); "
            "the GIFs do not need it"
        ) from exc


def mp4_unavailable() -> str | None:
    """Why MP4 cannot be made here (one line), or None when it can."""
    try:
        ffmpeg_exe()
    except EncoderError as exc:
        return str(exc)
    return None


def mp4_bytes(images: Sequence[Any], *, ms: int = 120, hold_ms: int = 1500, crf: int = 23) -> bytes:
    """An MP4 of PIL ``images`` (``ms`` each, the last held ``hold_ms``), H.264 at quality
    ``crf`` (lower is better), padded with white to even width and height (yuv420p needs
    them; nothing is scaled).

    Raises ``ConfigError`` over :data:`.limits.MAX_BYTES` and ``EncoderError`` when there is
    no encoder or it fails."""
    times = durations(len(images), ms, hold_ms)
    fps, repeats = frame_rate(times)
    size = images[0].size
    if any(im.size != size for im in images):
        raise ConfigError("the frames of an animation must all have the same size")
    w, h = size[0] + size[0] % 2, size[1] + size[1] % 2
    exe = ffmpeg_exe()
    with tempfile.TemporaryDirectory(prefix="specdiff-mp4-") as tmp:
        out, log = Path(tmp) / "clip.mp4", Path(tmp) / "ffmpeg.log"
        cmd = [
            exe, "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
            "-framerate", f"{fps.numerator}/{fps.denominator}", "-i", "-",
            "-an", "-c:v", "libx264", "-preset", "medium", "-tune", "animation",
            "-crf", str(crf), "-pix_fmt", "yuv420p", "-movflags", "+faststart",
            str(out),
        ]  # fmt: skip
        with log.open("wb") as err:  # a file, not a pipe: a chatty ffmpeg cannot block
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=err, stderr=err)
            try:
                for im, n in zip(images, repeats, strict=True):
                    raw = _padded(im, w, h).tobytes()
                    for _ in range(n):
                        proc.stdin.write(raw)
                proc.stdin.close()
            except BrokenPipeError:
                pass  # ffmpeg stopped early: its exit status and log say why
            except BaseException:  # Ctrl-C, a bad frame: stop ffmpeg, leave nothing behind
                proc.kill()
                raise
            finally:
                code = proc.wait()
        if code != 0 or not out.exists():
            lines = log.read_text(errors="replace").strip().splitlines()
            why = lines[-1] if lines else "no message"
            raise EncoderError(f"the MP4 encoder (ffmpeg) failed with exit status {code}: {why}")
        data = out.read_bytes()
    return within_limit(data, "MP4")


def _padded(im: Any, w: int, h: int) -> Any:
    """``im`` as RGB on a white ``w`` x ``h`` canvas, top left (at most a pixel more)."""
    from PIL import Image

    im = im.convert("RGB")
    if im.size == (w, h):
        return im
    canvas = Image.new("RGB", (w, h), "white")
    canvas.paste(im, (0, 0))
    return canvas
