"""``warm``: trains a grid's missing duels into the run store, then nothing; bad options are
one-line errors (exit 2)."""

from __future__ import annotations

import pytest

from specdiff_core import cli

TINY = ["--families", "barbell", "--regimes", "oracle", "--seeds", "1", "--steps", "10"]


def test_warm_stores_a_tiny_grid_and_a_second_warm_trains_nothing(tmp_path, capsys):
    args = ["warm", *TINY, "--store", str(tmp_path / "runs"), "--workers", "1"]
    assert cli.main(args) == 0
    assert "1 duel(s) trained and stored, 0 already stored" in capsys.readouterr().out
    assert len(list((tmp_path / "runs").glob("duel-*.safetensors"))) == 1
    assert cli.main(args) == 0
    assert "0 duel(s) trained and stored, 1 already stored" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--families", "karate"], "--families karate: choose from barbell, asymmetric_chain"),
        (["--regimes", ","], "--regimes ,: choose from oracle, rare"),
        (["--seeds", "3-1"], "runs backwards"),
        (["--steps", "0"], "--steps 0: must be a whole number"),
    ],
)
def test_warm_refuses_bad_options_in_one_line(tmp_path, capsys, option, message):
    assert cli.main(["warm", "--store", str(tmp_path), *option]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_warm_refuses_a_store_that_is_a_file(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("mine")
    assert cli.main(["warm", *TINY, "--store", str(f)]) == 2
    assert "not a folder" in capsys.readouterr().err and f.read_text() == "mine"
