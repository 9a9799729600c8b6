"""Parallel, Ray and resumable sweeps: identical results whatever runs the units."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from tiny import tiny

from specdiff_core.cli import main
from specdiff_core.errors import ConfigError
from specdiff_core.experiments import EXPERIMENTS, PRESETS, ExperimentConfig, run_experiment
from specdiff_core.experiments.runner import run_units, unit_id
from specdiff_core.experiments.store import UnitStore
from specdiff_core.jsonio import normalise as _normalise

TINY = tiny(clique_min=4, clique_max=6, rarity_fractions=(1.0, 0.5), rarity_n_train=4)
SWEEP = ("bridged_share", TINY, [0, 1])  # 4 units: 2 fractions x 2 seeds


def canonical(res: dict) -> str:
    """A result without its timing, as text (so that NaN compares equal to NaN)."""
    return json.dumps({k: v for k, v in res.items() if k not in ("seconds", "run")}, sort_keys=True)


@pytest.fixture(scope="module")
def serial():
    name, cfg, seeds = SWEEP
    return canonical(run_experiment(name, preset=cfg, seeds=seeds, backend="serial"))


def test_unit_ids_and_exact_json_round_trip():
    assert unit_id({"seed": 3}) == "seed=3"
    x = np.random.default_rng(0).random(100) * 10.0 ** np.arange(-50, 50)
    back = _normalise({"a": x, "b": np.float64(np.nan), "c": np.int64(4)})
    assert np.array_equal(np.array(back["a"]), x)  # every bit survives
    assert np.isnan(back["b"]) and back["c"] == 4


def test_local_processes_give_the_serial_result(serial):
    name, cfg, seeds = SWEEP
    res = run_experiment(name, preset=cfg, seeds=seeds, backend="local", workers=2)
    assert res["run"]["backend"] == "local" and res["run"]["workers"] == 2
    assert canonical(res) == serial


@pytest.mark.slow
def test_ray_gives_the_serial_result(serial):
    pytest.importorskip("ray", reason="ray is not installed (pip install -r requirements-dev.txt)")
    name, cfg, seeds = SWEEP
    res = run_experiment(name, preset=cfg, seeds=seeds, backend="ray", workers=2)
    assert res["run"]["backend"] == "ray"
    assert canonical(res) == serial


class Stop(Exception):
    pass


def test_an_interrupted_sweep_resumes_where_it_stopped(tmp_path, serial):
    name, cfg, seeds = SWEEP
    finished = []

    def stop_after_two(uid, payload):
        finished.append(uid)
        if len(finished) == 2:
            raise Stop  # as if the machine went down after two units

    with pytest.raises(Stop):
        run_units(EXPERIMENTS[name], cfg, seeds, store_dir=tmp_path, on_unit=stop_after_two)
    store = UnitStore(tmp_path, name, cfg)
    assert sorted(p.stem for p in store.dir.glob("*.json")) == sorted(finished)

    ran = []
    res = run_experiment(name, preset=cfg, seeds=seeds, store_dir=tmp_path)
    assert res["run"]["reused"] == 2 and res["run"]["units"] == 4
    assert canonical(res) == serial  # the resumed sweep equals an uninterrupted one

    again = run_units(
        EXPERIMENTS[name], cfg, seeds, store_dir=tmp_path, on_unit=lambda u, p: ran.append(u)
    )
    assert ran == [] and again.info["reused"] == 4  # nothing left to do


def test_stored_units_of_other_settings_are_not_reused(tmp_path):
    name, cfg, seeds = SWEEP
    run_units(EXPERIMENTS[name], cfg, [0], store_dir=tmp_path)
    other = ExperimentConfig(**{**TINY.__dict__, "samples": 5})
    assert run_units(EXPERIMENTS[name], other, [0], store_dir=tmp_path).info["reused"] == 0
    more = run_units(
        EXPERIMENTS[name], cfg, [0, 1], store_dir=tmp_path
    )  # a new seed reuses the old
    assert more.info["reused"] == 2
    store = UnitStore(tmp_path, name, cfg)
    path = next(store.dir.glob("*.json"))
    path.write_text("{ truncated")  # a damaged file is recomputed, never trusted
    assert store.load(path.stem) is None


def test_bad_backend_requests_are_refused():
    name, cfg, seeds = SWEEP
    with pytest.raises(ConfigError, match="backend"):
        run_units(EXPERIMENTS[name], cfg, seeds, backend="cluster")
    with pytest.raises(ConfigError, match="address"):
        run_units(EXPERIMENTS[name], cfg, seeds, backend="local", address="ray://x:1")
    with pytest.raises(ConfigError, match="workers"):
        run_units(EXPERIMENTS[name], cfg, seeds, backend="local", workers=0)


def test_missing_ray_is_a_user_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    name, cfg, seeds = SWEEP
    with pytest.raises(ConfigError, match="pip install ray"):
        run_units(EXPERIMENTS[name], cfg, seeds, backend="ray")


def test_reproduce_cli_resumes_and_reports_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(PRESETS, "quick", TINY)
    argv = ["reproduce", "--experiment", "barbell", "--seeds", "2", "--quick"]
    run_units(
        EXPERIMENTS["barbell"], TINY, [0], store_dir=tmp_path
    )  # as if a run had stopped after seed 0
    assert len(list((tmp_path / ".units").rglob("*.json"))) == 1
    assert main([*argv, "--backend", "serial", "--out", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "barbell.json").read_text())["run"]["reused"] == 1
    first = (tmp_path / "barbell.json").read_text()
    assert not (tmp_path / ".units").exists()  # units are dropped once the result is written
    capsys.readouterr()
    assert main([*argv, "--backend", "serial", "--out", str(tmp_path)]) == 0
    assert "reused" in capsys.readouterr().err
    assert (tmp_path / "barbell.json").read_text() == first
    assert main([*argv, "--backend", "local", "--address", "x:1", "--out", str(tmp_path)]) == 2
    assert main([*argv, "--workers", "0", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("error:") for line in err)
