"""Slides: GIFs made of the app's figures (frame counts, size under 5 MB, a valid animated
image) and offline HTML (plotly inlined, no script from the network)."""

from __future__ import annotations

import io
import re
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


def test_curves_gif_is_a_valid_animation_under_the_slide_limit(history):
    data = export.duel_curves_gif(history, n_frames=11)
    n, size = gif_info(data)
    assert n == 11 and size == export.SLIDE
    assert len(data) < export.MAX_BYTES


def test_chain_gif_shows_both_models_from_noise_to_sample(chain_case):
    test, samples = chain_case
    frames = export.chain_frames(test, samples, n_frames=6)
    assert len(frames) == 6
    first, last = frames[0][1], frames[-1][1]
    assert "t = 10" in first[0] and "t = 0" in last[0]
    assert "bridges kept 0/1" in last[0] and "bridges kept 1/1" in last[1]
    data = export.duel_chain_gif(test, samples, size=(1280, 720), n_frames=11)
    n, size = gif_info(data)
    assert n == 11 and size == (1280, 720) and len(data) < export.MAX_BYTES


def test_chain_needs_a_chain(chain_case):
    test, samples = chain_case
    no_chain = {m: replace(r, chain=None) for m, r in samples.items()}
    with pytest.raises(ConfigError, match="no reverse chain"):
        export.chain_frames(test, no_chain)
    with pytest.raises(ConfigError, match="out of range"):
        export.chain_frames(test, samples, index=3)


def test_regime_sweep_has_one_frame_per_eps(regime):
    frames = export.regime_frames(regime)
    assert len(frames) == len(regime["eps"])
    z = frames[3].data[0].z  # standard's map at eps column 3: later columns hidden
    assert all(v is None for row in z for v in row[4:])
    assert all(v is not None for row in z for v in row[:4])
    data = export.regime_sweep_gif(regime, axis="rho")
    n, _ = gif_info(data)
    assert n == len(regime["eps"]) and len(data) < export.MAX_BYTES
    with pytest.raises(ConfigError, match="axis"):
        export.regime_frames(regime, "omega")


def test_render_draws_the_figure_not_a_blank(regime):
    png = export.render_png(export.regime_frames(regime)[-1], width=640, height=360)
    im = Image.open(io.BytesIO(png)).convert("RGB")
    assert im.size == (640, 360)
    assert len(im.getcolors(1 << 16) or []) > 50  # heatmap colours, text, axes


def test_a_gif_over_the_limit_is_refused(monkeypatch, history):
    monkeypatch.setattr("specdiff_core.report.export.gif.MAX_BYTES", 1000)
    with pytest.raises(ConfigError, match="over the slide limit"):
        export.duel_curves_gif(history, n_frames=3)


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
