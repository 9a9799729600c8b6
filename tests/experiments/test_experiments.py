"""The paper's experiments, the reproduce/train CLI, and the end-to-end duel."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pytest
from tiny import tiny

from specdiff_core.cli import main
from specdiff_core.errors import ConfigError
from specdiff_core.experiments import (
    EXPERIMENTS,
    PAPER_REPORTED,
    PRESETS,
    ExperimentConfig,
    evaluate_methods,
    run_experiment,
)
from specdiff_core.experiments.units import _duel_run
from specdiff_core.graphs import family_graphs, write_graph

TINY = tiny(clique_min=4, clique_max=6, rarity_fractions=(1.0, 0.5), rarity_n_train=4)
METHOD_KEYS = {
    "connectivity",
    "connectivity_ci",
    "bridge_survival",
    "bridge_survival_ci",
    "edge_retention",
    "spectral_error",
    "n_samples",
    "per_seed",
}


@pytest.mark.parametrize(
    "name", [n for n in EXPERIMENTS if n not in ("custom", "paper_learned", "paper_learned_map")]
)
def test_every_experiment_returns_the_documented_shape(name):
    res = run_experiment(name, preset=TINY, seeds=[0, 1])
    assert res["experiment"] == name and res["seeds"] == [0, 1]
    assert set(res["methods"]) == {"standard", "spectral", "oracle", "uniform"}
    for m in res["methods"].values():
        assert METHOD_KEYS <= set(m)
        lo, hi = m["connectivity_ci"]
        assert 0 <= lo <= m["connectivity"] <= hi <= 1
        assert len(m["per_seed"]) == 2
    assert res["methods"]["oracle"]["bridge_survival"] == 1.0  # the teacher never drops a bridge
    json.dumps(res)  # JSON-ready
    if name == "optimization_dynamics":
        assert {r["method"] for r in res["series"]} == {"standard", "spectral"}
        assert {r["seed"] for r in res["series"]} == {0, 1}
    if name == "bridged_share":
        assert [row["bridged_fraction"] for row in res["sweep"]] == [1.0, 0.5]


def test_family_graphs_are_seeded_and_shaped():
    a = family_graphs("asymmetric_chain", 3, TINY, 4)
    b = family_graphs("asymmetric_chain", 3, TINY, 4)
    assert [sorted(g.edges()) for g in a] == [sorted(g.edges()) for g in b]
    import networkx as nx

    assert all(len(list(nx.bridges(g))) == TINY.n_cliques - 1 for g in a)
    assert all(not nx.has_bridges(g) for g in family_graphs("double_joined", 3, TINY, 0))


def test_bad_experiment_requests_are_refused():
    with pytest.raises(ConfigError, match="unknown experiment"):
        run_experiment("nope")
    with pytest.raises(ConfigError, match="at least 2"):
        run_experiment("custom", preset=TINY, seeds=[0], graphs=[])
    with pytest.raises(ConfigError):
        ExperimentConfig(teacher_budget=0)


def test_an_unknown_preset_is_a_config_error_that_lists_the_presets():
    with pytest.raises(ConfigError) as info:
        run_experiment("barbell", preset="nope")
    assert not isinstance(info.value, KeyError)
    message = str(info.value)
    assert "\n" not in message and all(repr(name) in message for name in PRESETS)


def test_paper_figures_stay_with_the_papers_simulation():
    """The paper's figures come from a scoring simulation: a trained duel's result does
    not carry them (no verdict on unlike things); paper_protocol compares like with like."""
    res = run_experiment("barbell", preset=TINY, seeds=[0])
    assert "paper" not in res and "paper" not in res["methods"]["spectral"]
    assert res["regime"] == "oracle"
    assert PAPER_REPORTED["barbell"]["oracle"]["connectivity"] == 0.882  # Table 1, as printed
    assert set(PAPER_REPORTED["barbell"]) == {"random", "standard", "weighted", "oracle"}


def test_trained_intervals_are_over_seeds_and_the_pooled_figure_is_kept():
    res = run_experiment("barbell", preset=TINY, seeds=[0, 1, 2])
    spec = res["methods"]["spectral"]
    per = [s["connectivity"] for s in spec["per_seed"]]
    assert spec["ci_over"] == "seeds" and spec["connectivity"] == pytest.approx(np.mean(per))
    from specdiff_core.metrics import t_interval

    lo, hi = t_interval(per)
    assert spec["connectivity_ci"] == [max(0.0, lo), min(1.0, hi)]
    assert len(spec["connectivity_pooled_ci"]) == 2
    assert res["methods"]["oracle"]["ci_over"] == "samples"  # a sampler: draws are replicates
    one = run_experiment("barbell", preset=TINY, seeds=[0])["methods"]["spectral"]
    assert one["ci_over"] == "samples"  # one model: no interval over seeds exists


def test_old_experiment_names_still_resolve():
    from specdiff_core.experiments import resolve_name

    assert resolve_name("rarity") == "bridged_share"
    assert resolve_name("visible_bridge") == "flagged_bridge"
    with pytest.raises(ConfigError, match="unknown experiment"):
        resolve_name("nope")
    with pytest.raises(ConfigError, match="unknown preset"):
        run_experiment("barbell", preset="nope")


def test_reproduce_cli_writes_json_summary_and_plots(tmp_path, monkeypatch):
    monkeypatch.setitem(PRESETS, "quick", TINY)
    rc = main(
        ["reproduce", "--experiment", "barbell", "--seeds", "2", "--quick", "--out", str(tmp_path)]
    )
    assert rc == 0
    res = json.loads((tmp_path / "barbell.json").read_text())
    assert res["seeds"] == [0, 1] and "standard" in res["methods"]
    summary = (tmp_path / "summary.md").read_text()
    assert "interval over" in summary and "spectrally-weighted" in summary
    assert "paper: connectivity" not in summary  # no paper column under a trained duel
    assert (tmp_path / "barbell.png").stat().st_size > 1000
    html = (tmp_path / "report.html").read_text()
    assert "plotly" in html
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']https?:""", html)  # offline


def test_reproduce_custom_from_a_directory(tmp_path, monkeypatch):
    monkeypatch.setitem(PRESETS, "quick", TINY)
    gdir = tmp_path / "graphs"
    gdir.mkdir()
    for i, g in enumerate(family_graphs("barbell", 4, TINY, 0)):
        write_graph(g, gdir / f"g{i}.edges")
    rc = main(
        [
            "reproduce",
            "--graphs",
            str(gdir),
            "--seeds",
            "1",
            "--quick",
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert rc == 0
    assert json.loads((tmp_path / "o" / "custom.json").read_text())["n_graphs"] == 4


def test_reproduce_cli_user_errors_exit_2(tmp_path, capsys):
    assert main(["reproduce", "--experiment", "custom", "--quick", "--out", str(tmp_path)]) == 2
    assert main(["reproduce", "--graphs", str(tmp_path / "none"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert all(line.startswith("error:") for line in err) and len(err) == 2


def test_train_then_sparsify_with_model(tmp_path, examples_dir, capsys):
    model = tmp_path / "m.safetensors"
    assert (
        main(
            [
                "train",
                "--family",
                "barbell",
                "--loss",
                "spectral",
                "--steps",
                "3",
                "--n-train",
                "2",
                "--out",
                str(model),
            ]
        )
        == 0
    )
    assert model.is_file()
    capsys.readouterr()
    out = tmp_path / "s.edges"
    graph = examples_dir / "barbell_8_8.edges"
    assert (
        main(["sparsify", str(graph), "--model", str(model), "--samples", "3", "--out", str(out)])
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["method"] == "spectral" and report["n"] == 3
    assert out.is_file() and out.with_suffix(".masks.csv").is_file()
    # a tampered model is a one-line user error
    data = bytearray(model.read_bytes())
    data[-3] ^= 0xFF
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(bytes(data))
    assert main(["sparsify", str(graph), "--model", str(bad)]) == 2
    assert "checksum" in capsys.readouterr().err


# --------------------------------------------------------------- the end-to-end duel


@pytest.mark.slow
def test_weighted_model_keeps_the_bridge_more_often_than_standard():
    """The paper's central claim, end to end, over three seeds (pooled, with CIs).

    Robust rather than lucky: every seed is trained with the shared quick preset (no
    per-seed tuning), 2 held-out barbells x 32 samples per seed and model, and we
    require the Wilson intervals to be disjoint, not just the means ordered.
    """
    from specdiff_core.metrics import wilson_ci

    cfg = replace(PRESETS["quick"], n_test=2)
    kept = {"standard": 0, "spectral": 0}
    total = 0
    for seed in (0, 1, 2):
        duel, tests = _duel_run("barbell", cfg, seed)
        res = evaluate_methods(duel, tests, cfg, seed)
        per_seed = {m: int(res[m]["bridges_kept"].sum()) for m in kept}
        assert per_seed["spectral"] > per_seed["standard"], (seed, per_seed)
        for m in kept:
            kept[m] += per_seed[m]
        total += int(res["standard"]["n_bridges"].sum())
        assert np.all(res["oracle"]["bridges_kept"] == res["oracle"]["n_bridges"])
    std_ci, spec_ci = wilson_ci(kept["standard"], total), wilson_ci(kept["spectral"], total)
    assert spec_ci[0] > std_ci[1], (kept, total, std_ci, spec_ci)
    assert kept["spectral"] / total - kept["standard"] / total > 0.15


def test_duel_curves_legend_sits_below_the_panels_not_over_their_titles():
    from specdiff_core import report

    history = [
        {
            "method": m,
            "step": s,
            "loss": 1.0,
            "p_keep_bridge": 0.5,
            "p_keep_other": 0.6,
            "grad_share_bridge": 0.01,
            "edge_share_bridge": 0.02,
        }
        for m in ("standard", "spectral")
        for s in (0, 20)
    ]
    fig = report.duel_curves(history)
    titles = [a for a in fig.layout.annotations if a.text and "share of edges" not in a.text]
    assert len(titles) == 3 and min(a.y for a in titles) >= 1.0  # subplot titles: above
    legend = fig.layout.legend
    assert legend.y < 0 and legend.yanchor == "top"  # the legend: below the x axes
    assert fig.layout.margin.b >= 60  # with room for it
