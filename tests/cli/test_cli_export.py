"""``export``: files written from a duel run and from the protocol (GIF, MP4 or both),
never over a file without --force, and one-line errors for bad choices."""

from __future__ import annotations

import io
import sys

import pytest
from PIL import Image

from specdiff_core import cli
from specdiff_core.experiments import DEMO


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_protocol_writes_a_gif_and_a_page(capsys, tmp_path):
    args = ("export", "protocol", "--out", str(tmp_path), "--trials", "50", "--map-trials", "20")
    code, out, _ = run(capsys, *args)
    assert code == 0
    gif = tmp_path / "protocol_regime_lam_s0.gif"
    im = Image.open(io.BytesIO(gif.read_bytes()))
    assert im.n_frames == 21 and gif.stat().st_size < 5 * 2**20
    assert "<script src" not in (tmp_path / "protocol_s0.html").read_text()
    before = gif.read_bytes()
    code, _, err = run(capsys, *args)
    assert code == 2 and "--force" in err and err.count("\n") == 1
    assert gif.read_bytes() == before
    assert run(capsys, *args, "--force", "--what", "regime")[0] == 0


def test_export_duel_writes_the_chain_and_the_page(capsys, tmp_path):
    code, out, err = run(
        capsys,
        "export",
        "duel",
        "--out",
        str(tmp_path),
        "--steps",
        "5",
        "--samples",
        "2",
        "--what",
        "chain,html",
    )
    assert code == 0, err
    names = sorted(p.name for p in tmp_path.iterdir())
    lam = f"lam{DEMO.lam:g}"  # the app's default duel
    assert names == [
        f"duel_barbell_oracle_{lam}_s0.html",
        f"duel_chain_barbell_oracle_{lam}_s0.gif",
    ]
    im = Image.open(tmp_path / names[1])
    assert im.n_frames == 26 and im.size == (960, 540)


def test_export_user_errors(capsys, tmp_path):
    code, _, err = run(capsys, "export", "duel", "--out", str(tmp_path), "--what", "movie")
    assert code == 2 and "curves,chain,html" in err
    code, _, err = run(capsys, "export", "protocol", "--out", str(tmp_path), "--size", "huge")
    assert code == 2 and "960x540" in err
    (tmp_path / "file").write_text("x")
    code, _, err = run(
        capsys,
        "export",
        "protocol",
        "--out",
        str(tmp_path / "file"),
        "--what",
        "html",
        "--trials",
        "20",
        "--map-trials",
        "5",
    )
    assert code == 2 and "not a directory" in err
    assert not list(tmp_path.iterdir())[1:]  # nothing written beside the file


def test_export_atlas_writes_the_table_and_a_certificate_per_network(capsys, tmp_path):
    code, out, err = run(
        capsys, "export", "atlas", "--out", str(tmp_path), "--what", "table,json", "--draws", "5"
    )
    assert code == 0, err
    names = {p.name for p in tmp_path.iterdir()}
    assert "bridge_atlas_b0.9_s0.md" in names and "case118_oracle_b0.9_s0.json" in names
    assert len(names) == 8  # the table and seven networks
    assert "case118: lambda_2" in out and "bridges kept 9/9" in out


def test_export_writes_an_mp4_beside_the_gif_and_never_over_one(capsys, tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    args = ("export", "protocol", "--out", str(tmp_path), "--what", "regime", "--map-trials", "5")
    code, out, err = run(capsys, *args, "--format", "mp4", "--size", "640x360")
    assert code == 0, err
    mp4 = tmp_path / "protocol_regime_lam_s0.mp4"
    assert [p.name for p in tmp_path.iterdir()] == [mp4.name] and "KiB" in out
    data = mp4.read_bytes()
    assert data[4:8] == b"ftyp" and len(data) < 5 * 2**20
    code, _, err = run(capsys, *args, "--format", "both")  # the GIF is new, the MP4 is not
    assert code == 2 and f"{mp4.name} exists" in err and err.count("\n") == 1
    assert mp4.read_bytes() == data and not (tmp_path / "protocol_regime_lam_s0.gif").exists()
    code, out, err = run(capsys, *args, "--format", "both", "--size", "640x360", "--force")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "protocol_regime_lam_s0.gif",
        "protocol_regime_lam_s0.mp4",
    ]
    assert not list(tmp_path.glob(".*"))  # no temporary file left


def test_export_mp4_without_the_encoder_says_so_before_any_work(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # as if not installed
    code, _, err = run(capsys, "export", "duel", "--out", str(tmp_path), "--format", "mp4")
    assert code == 2 and err.count("\n") == 1
    assert "imageio-ffmpeg" in err and "--format gif" in err
    assert "trained" not in err and not list(tmp_path.iterdir())
