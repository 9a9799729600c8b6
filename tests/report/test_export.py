"""Slides: GIFs and MP4s made of the app's figures (frame counts, size under 5 MB, a valid
animated image, an H.264 video of the same frames and timing) and offline HTML (plotly
inlined, no script from the network)."""

from __future__ import annotations

import io
import re
import sys
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from specdiff_core import graphs
from specdiff_core.diffusion import SampleResult
from specdiff_core.errors import ConfigError
from specdiff_core.experiments import protocol
from specdiff_core.report import export
from specdiff_core.training import make_example


@pytest.fixture(scope="module")
def regime():
    cfg = replace(protocol.ProtocolConfig(), map_trials=20)
    return protocol.regime_map(cfg)


@pytest.fixture(scope="module")
def history():
    rows = []
    for step in range(0, 101, 10):
        for m, loss in (("standard", 0.7 - step / 400), ("spectral", 0.8 - step / 300)):
            rows.append(
                {
                    "step": step,
                    "method": m,
                    "loss": loss,
                    "p_keep_bridge": step / 100 if m == "spectral" else 0.1,
                    "p_keep_other": 0.6,
                    "grad_share_bridge": 0.02 if m == "standard" else 0.2,
                    "edge_share_bridge": 0.01,
                }
            )
    return rows


@pytest.fixture(scope="module")
def chain_case():
    """A barbell and two made-up chains (T = 10, 3 samples): the spectral one keeps the
    bridge, the standard one drops it at the end."""
    G = graphs.make_graph("barbell", k1=5, k2=5)
    test = make_example(G, budget=0.6, seed=0)
    rng = np.random.default_rng(0)
    T, k, m = 10, 3, test.m
    out = {}
    for method in ("standard", "spectral"):
        chain = rng.random((T + 1, k, m)) < 0.7  # (T + 1, k, m)
        chain[-1][:, test.bridges] = method == "spectral"
        out[method] = SampleResult(masks=chain[-1], chain=chain, seconds=0.0)
    return test, out


@pytest.fixture(scope="module")
def curves_clip(history):
    return export.duel_curves_clip(history, n_frames=11)


@pytest.fixture(scope="module")
def chain_clip(chain_case):
    """The reverse chain drawn once at the larger slide size, for its GIF and its MP4."""
    test, samples = chain_case
    return export.duel_chain_clip(test, samples, size=(1280, 720), n_frames=11)


@pytest.fixture(scope="module")
def regime_clip(regime):
    return export.regime_sweep_clip(regime, axis="rho")


def gif_info(data: bytes) -> tuple[int, tuple[int, int]]:
    im = Image.open(io.BytesIO(data))
    assert im.format == "GIF" and im.is_animated
    return im.n_frames, im.size


def test_pick_spreads_frames_and_keeps_the_last():
    assert export.pick(100, 5) == [0, 25, 50, 74, 99]
    assert export.pick(4, 30) == [0, 1, 2, 3]
    assert export.pick(0, 3) == []


def test_curve_frames_grow_with_fixed_axes(history):
    frames = export.curve_frames(history, n_frames=6)
    assert len(frames) == 6
    counts = [len(f.data[0].x) for f in frames]
    assert counts == sorted(counts) and counts[-1] == 11  # every logged step at the end
    assert {tuple(f.layout.xaxis.range) for f in frames} == {(0, 100)}


def test_curves_gif_is_a_valid_animation_under_the_slide_limit(curves_clip):
    data = curves_clip.encode("gif")
    n, size = gif_info(data)
    assert n == 11 and size == export.SLIDE
    assert len(data) < export.MAX_BYTES


def test_chain_gif_shows_both_models_from_noise_to_sample(chain_case, chain_clip):
    test, samples = chain_case
    frames = export.chain_frames(test, samples, n_frames=6)
    assert len(frames) == 6
    first, last = frames[0][1], frames[-1][1]
    assert "t = 10" in first[0] and "t = 0" in last[0]
    assert "bridges kept 0/1" in last[0] and "bridges kept 1/1" in last[1]
    data = chain_clip.encode("gif")
    n, size = gif_info(data)
    assert n == 11 and size == (1280, 720) and len(data) < export.MAX_BYTES


def test_chain_needs_a_chain(chain_case):
    test, samples = chain_case
    no_chain = {m: replace(r, chain=None) for m, r in samples.items()}
    with pytest.raises(ConfigError, match="no reverse chain"):
        export.chain_frames(test, no_chain)
    with pytest.raises(ConfigError, match="out of range"):
        export.chain_frames(test, samples, index=3)


def test_regime_sweep_has_one_frame_per_eps(regime, regime_clip):
    frames = export.regime_frames(regime)
    assert len(frames) == len(regime["eps"])
    z = frames[3].data[0].z  # standard's map at eps column 3: later columns hidden
    assert all(v is None for row in z for v in row[4:])
    assert all(v is not None for row in z for v in row[:4])
    data = regime_clip.encode("gif")
    n, _ = gif_info(data)
    assert n == len(regime["eps"]) and len(data) < export.MAX_BYTES
    with pytest.raises(ConfigError, match="axis"):
        export.regime_frames(regime, "omega")


def test_render_draws_the_figure_not_a_blank(regime):
    png = export.render_png(export.regime_frames(regime)[-1], width=640, height=360)
    im = Image.open(io.BytesIO(png)).convert("RGB")
    assert im.size == (640, 360)
    assert len(im.getcolors(1 << 16) or []) > 50  # heatmap colours, text, axes


def test_a_gif_or_mp4_over_the_limit_is_refused(monkeypatch, history):
    clip = export.duel_curves_clip(history, n_frames=3, size=(640, 360))
    monkeypatch.setattr("specdiff_core.report.export.limits.MAX_BYTES", 1000)
    with pytest.raises(ConfigError, match="the GIF .* over the slide limit"):
        clip.encode("gif")
    with pytest.raises(ConfigError, match="the MP4 .* over the slide limit"):
        clip.encode("mp4")


def no_network_scripts(html: str) -> bool:
    return not re.search(r"<script[^>]+src=['\"]?(https?:)?//", html, re.I)


def test_protocol_html_is_offline(regime):
    cfg = replace(protocol.ProtocolConfig(), trials=50, map_trials=20)
    res = protocol.run_protocol(cfg, maps=False, long_run=False, variants=False)
    page = export.protocol_html(res, regime)
    assert page.startswith("<!doctype html>") and no_network_scripts(page)
    assert page.count("Plotly.newPlot") == 6  # Exp I, II, III, IV and two regime maps
    assert page.count("<table>") == 2 and "Regime maps" in page
    assert len(page) > 3_000_000  # plotly.js itself, inlined once


def test_duel_html_is_offline(history, chain_case):
    from specdiff_core.experiments import DuelSamples

    test, samples = chain_case
    board = {
        m: {
            "connectivity": 0.5,
            "connectivity_ci": [0.4, 0.6],
            "bridge_survival": 0.5,
            "bridge_survival_ci": [0.4, 0.6],
            "edge_retention": 0.6,
            "spectral_error": 0.3,
        }
        for m in ("standard", "spectral", "oracle", "uniform")
    }
    result = DuelSamples(samples=samples, board=board, per_sample={})
    page = export.duel_html(history, test, result, settings={"family": "barbell"})
    assert no_network_scripts(page) and page.count("Plotly.newPlot") == 4
    assert "bridges kept 1/1" in page and "family=barbell" in page


def test_no_network_scripts_can_fail():
    assert not no_network_scripts("<script src='https://cdn.plot.ly/plotly.js'></script>")


def test_write_new_refuses_to_overwrite(tmp_path):
    export.write_new({"a.gif": b"GIF89a"}, tmp_path)
    with pytest.raises(ConfigError, match="--force"):
        export.write_new({"a.gif": b"new", "b.html": "x"}, tmp_path)
    assert (tmp_path / "a.gif").read_bytes() == b"GIF89a" and not (tmp_path / "b.html").exists()
    export.write_new({"a.gif": b"new"}, tmp_path, force=True)
    assert (tmp_path / "a.gif").read_bytes() == b"new"
    assert not list(tmp_path.glob(".*.tmp"))


def test_slide_size_names_the_choices():
    with pytest.raises(ConfigError, match="960x540"):
        export.slide_size("4k")


# MP4: the same frames as the GIF, through imageio-ffmpeg's ffmpeg


def top_level_boxes(data: bytes) -> list[str]:
    """The ISO BMFF boxes of an MP4, in file order (each: 4-byte size, 4-byte type)."""
    boxes, at = [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        boxes.append(data[at + 4 : at + 8].decode("latin-1"))
        if size == 1:  # a 64-bit size follows the type
            size = int.from_bytes(data[at + 8 : at + 16], "big")
        if size < 8:
            break
        at += size
    return boxes


def decode_mp4(data: bytes, tmp_path) -> tuple[dict, list[np.ndarray]]:
    """The video's metadata and its frames (h, w, 3), decoded by ffmpeg."""
    import imageio_ffmpeg

    path = tmp_path / "clip.mp4"
    path.write_bytes(data)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    w, h = meta["size"]
    frames = [np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in reader]
    return meta, frames


def gif_ms(data: bytes) -> list[int]:
    im = Image.open(io.BytesIO(data))
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        out.append(im.info["duration"])
    return out


def test_mp4_is_h264_with_the_gifs_frames_and_timing(curves_clip, tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    gif, mp4 = curves_clip.encode("gif"), curves_clip.encode("mp4")
    assert mp4[4:8] == b"ftyp" and len(mp4) < export.MAX_BYTES
    boxes = top_level_boxes(mp4)
    assert boxes.index("moov") < boxes.index("mdat")  # +faststart: the index first
    meta, frames = decode_mp4(mp4, tmp_path)
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p")
    assert meta["size"] == export.SLIDE == Image.open(io.BytesIO(gif)).size
    ms = gif_ms(gif)
    assert ms == [120] * 10 + [1500]
    assert len(frames) / meta["fps"] == pytest.approx(sum(ms) / 1000, rel=0.005)  # 2.7 s
    assert len(frames) == round(meta["fps"] * sum(ms) / 1000)
    first = np.asarray(curves_clip.images()[0], dtype=float)
    last = np.asarray(curves_clip.images()[-1], dtype=float)
    shown = frames[0].astype(float)
    assert np.abs(shown - first).mean() < 2.0  # the same picture, through yuv420p
    assert np.abs(frames[-1].astype(float) - last).mean() < 2.0
    assert np.abs(shown - last).mean() > 2 * np.abs(shown - first).mean()  # could tell them apart


def test_chain_and_sweep_mp4s_stay_under_the_limit(chain_clip, regime_clip, regime, tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    data = chain_clip.encode("mp4")  # the chain's 160 ms a frame: 8 frames at 50 fps
    meta, frames = decode_mp4(data, tmp_path)
    assert len(data) < export.MAX_BYTES and meta["size"] == (1280, 720)
    assert len(frames) == 8 * (len(chain_clip.frames) - 1) + 75
    sweep = regime_clip.encode("mp4")  # 300 ms a frame: 3 frames at 10 fps, not 3.3 fps
    meta, frames = decode_mp4(sweep, tmp_path)
    assert len(sweep) < export.MAX_BYTES and meta["size"] == export.SLIDE
    assert meta["fps"] == 10 and len(frames) == 3 * (len(regime["eps"]) - 1) + 15


def test_mp4_pads_an_odd_size_and_leaves_no_files(monkeypatch, tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    images = [Image.new("RGB", (641, 361), c) for c in ("black", "navy", "black")]
    data = export.mp4_bytes(images, ms=100, hold_ms=200)
    assert not list((tmp_path / "tmp").iterdir())  # the temporary directory is gone
    meta, frames = decode_mp4(data, tmp_path)
    assert meta["size"] == (642, 362)  # padded by a pixel each way, not scaled
    assert len(frames) == 4  # 100, 100, 200 ms at 10 fps
    assert frames[0][:361, :641].mean() < 20 and frames[0][:, 641].mean() > 200  # white pad
    with pytest.raises(ConfigError, match="same size"):
        export.mp4_bytes([images[0], Image.new("RGB", (640, 360))])


def test_no_encoder_is_one_clear_line(monkeypatch, history):
    from specdiff_core.errors import EncoderError, SpecDiffError

    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # import fails as if missing
    images = [Image.new("RGB", (64, 36), c) for c in ("black", "white")]
    with pytest.raises(EncoderError) as err:
        export.mp4_bytes(images)
    msg = str(err.value)
    assert isinstance(err.value, SpecDiffError) and "\n" not in msg
    assert "pip install imageio-ffmpeg==0.6.0" in msg
    assert export.mp4_unavailable() == msg
    assert export.gif_bytes(images)[:6] == b"GIF89a"  # the GIF does not need it


def test_a_failing_encoder_is_one_clear_line(monkeypatch, tmp_path):
    from specdiff_core.errors import EncoderError

    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\necho 'Unknown encoder libx264' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr("specdiff_core.report.export.mp4.ffmpeg_exe", lambda: str(fake))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    images = [Image.new("RGB", (64, 36), c) for c in ("black", "white")]
    with pytest.raises(EncoderError, match="exit status 1: Unknown encoder libx264$"):
        export.mp4_bytes(images)
    assert [p.name for p in tmp_path.iterdir()] == ["ffmpeg"]  # no temporary file left


def test_clip_names_its_formats(curves_clip):
    with pytest.raises(ConfigError, match="gif or mp4"):
        curves_clip.encode("webm")
