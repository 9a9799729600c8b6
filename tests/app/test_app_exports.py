"""AppTest for the pages' exports, made only when a button is clicked: the slides (the Duel
page, after a duel has samples, and the Paper protocol page offer GIFs, MP4s drawn from the
same frames, and offline HTML) and the Bridge atlas's certified sparsifier."""

from __future__ import annotations

import io
import json
import sys

import pytest
from app_utils import no_jobs_left_behind, open_app, run_until  # noqa: F401 - an autouse fixture
from PIL import Image
from streamlit.runtime.media_file_manager import MediaFileManager


@pytest.fixture
def managers(monkeypatch):
    """The media file managers of the AppTest runs: a deferred download's callable is
    registered there, and run there when the test 'clicks' it."""
    made: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MediaFileManager", Recording)
    return made


def download(at, managers, key: str) -> bytes:
    """What a click on download button ``key`` would fetch: its deferred callable run."""
    (button,) = [b for b in at.get("download_button") if key in b.proto.id]
    file_id = button.proto.deferred_file_id
    assert file_id, f"{key} is not made on click"
    url = managers[-1].execute_deferred(file_id)
    stored = managers[-1].read_file(url.rsplit("/", 1)[-1].split(".")[0])
    return bytes(stored.content)


def keys(at) -> list[str]:
    return [b.proto.id for b in at.get("download_button")]


def test_protocol_page_offers_the_regime_sweep_and_the_page(managers, monkeypatch):
    from specdiff_core.report import export

    drawn = []
    draw = export.regime_sweep_clip
    monkeypatch.setattr(
        export, "regime_sweep_clip", lambda *a, **k: drawn.append(1) or draw(*a, **k)
    )
    at = open_app("pages/protocol.py", proto_trials="100")
    ids = " ".join(keys(at))
    for key in (
        "dl_slides_regime_lam",
        "dl_slides_regime_rho",
        "dl_slides_mp4_regime_lam",
        "dl_slides_mp4_regime_rho",
        "dl_slides_protocol_html",
    ):
        assert key in ids
    gif = Image.open(io.BytesIO(download(at, managers, "dl_slides_regime_lam")))
    assert gif.n_frames == 21
    mp4 = download(at, managers, "dl_slides_mp4_regime_lam")
    assert mp4[4:8] == b"ftyp" and len(mp4) < export.MAX_BYTES
    assert len(drawn) <= 1  # the MP4 reused the GIF's frames (none if an earlier test drew them)
    page = download(at, managers, "dl_slides_protocol_html").decode()
    assert "Regime maps" in page and "<script src=" not in page


def test_duel_page_offers_slides_once_it_has_samples(managers):
    at = open_app("pages/duel.py", duel_steps="100", duel_k="8", timeout=180)
    assert "dl_slides_curves" not in " ".join(keys(at))  # nothing to animate yet
    at.button(key="duel_step").click().run()
    run_until(at, lambda at: "s of training" in " ".join(p.proto.text for p in at.get("progress")))
    at.button(key="duel_sample_now").click().run()
    run_until(at, lambda at: len(at.dataframe) > 0, timeout=180)
    gif = Image.open(io.BytesIO(download(at, managers, "dl_slides_chain")))
    assert gif.n_frames > 1 and gif.size == (960, 540)
    curves = Image.open(io.BytesIO(download(at, managers, "dl_slides_curves")))
    assert curves.n_frames > 1
    ids = " ".join(keys(at))
    assert "dl_slides_mp4_curves" in ids and "dl_slides_mp4_chain" in ids
    assert download(at, managers, "dl_slides_mp4_chain")[4:8] == b"ftyp"
    page = download(at, managers, "dl_slides_duel_html").decode()
    assert "Training curves" in page and "family=barbell" in page


def test_without_the_encoder_the_page_says_so_in_place_of_the_mp4(monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # as if not installed
    at = open_app("pages/protocol.py", proto_trials="100")
    ids = " ".join(keys(at))
    assert "dl_slides_regime_lam" in ids and "dl_slides_mp4" not in ids
    said = [c.value for c in at.caption if c.value.startswith("No MP4 here")]
    assert len(said) == 2 and "pip install imageio-ffmpeg" in said[0] and "\n" not in said[0]


def test_bridge_atlas_shows_a_network_and_its_certificate(managers):
    at = open_app("pages/bridge-atlas.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["nodes, edges"] == "14, 20" and metrics["bridges (5.0% of edges)"] == "1"
    assert metrics["oracle keeps of the bridges"] == "100%"
    at.selectbox(key="atlas_net").set_value("celegans_gap").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["nodes, edges"] == "248, 511"
    assert any("largest" in c.value for c in at.caption)  # the component used, said so
    cert = json.loads(download(at, managers, "atlas_dl_json"))
    assert cert["graph"]["network"] == "celegans_gap"
    assert cert["graph"]["bridges_kept"] == cert["graph"]["bridges"] == 42
    assert "<graphml" in download(at, managers, "atlas_dl_graphml").decode()
