"""Beyond the paper: real networks, fine-tuning, sensitivity sweeps, the cost bench."""

from __future__ import annotations

import json
from dataclasses import replace

import networkx as nx
import numpy as np
import pytest
from tiny import tiny

from specdiff_core import report
from specdiff_core.cli import build_parser, main
from specdiff_core.errors import ConfigError, GraphError
from specdiff_core.experiments import PRESETS, ExperimentConfig, run_experiment
from specdiff_core.graphs import (
    bridge_classes,
    edge_array,
    family_graphs,
    real_sources,
    sample_subgraphs,
    validate_graph,
    write_graph,
)

TINY = tiny(
    steps=4,
    clique_min=4,
    clique_max=6,
    subgraph_min=8,
    subgraph_max=14,
    finetune_grid=(0.0, 0.5, 1.0),
    weight_grid=(("linear", 1.0), ("linear", 10.0), ("power", 2.0)),
    capacity_grid=((8, 1), (16, 2)),
)


@pytest.fixture(scope="module")
def barbell_result():
    return run_experiment("barbell", preset=TINY, seeds=[0, 1])


# --------------------------------------------------------------------- real networks


def test_bridge_classes_by_hand():
    # triangle 0-1-2, tail 2-3-4 (tree bridges then a pendant), square 5..8 joined to 0
    G = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (5, 6), (6, 7), (7, 8), (8, 5), (0, 5)])
    G = validate_graph(G).graph
    codes = {
        tuple(e): int(c) for e, c in zip(edge_array(G).tolist(), bridge_classes(G), strict=True)
    }
    label = {v: G.nodes[v]["label"] for v in G}
    named = {tuple(sorted((label[u], label[v]))): c for (u, v), c in codes.items()}
    assert named[(3, 4)] == 1  # pendant
    assert named[(2, 3)] == 2  # tree: the side {3, 4} holds no cycle
    assert named[(0, 5)] == 3  # core: a triangle+tail on one side, a square on the other
    assert sum(c == 0 for c in named.values()) == 7


def test_subgraphs_are_seeded_connected_and_sized():
    sources = real_sources(TINY)
    assert [name for name, _ in sources] == list(TINY.real_sources)
    a = sample_subgraphs(sources, 6, TINY, 3)
    b = sample_subgraphs(sources, 6, TINY, 3)
    assert [sorted(g.edges()) for g in a] == [sorted(g.edges()) for g in b]
    assert all(nx.is_connected(g) for g in a)
    assert all(3 <= g.number_of_nodes() <= TINY.subgraph_max for g in a)
    with_bridge = sample_subgraphs(sources, 4, TINY, 3, need_bridge=True)
    assert all(nx.has_bridges(g) for g in with_bridge)
    joined = sample_subgraphs(sources, 4, replace(TINY, real_joined=1.0), 3)
    assert all(" + " in g.graph["source"] and nx.has_bridges(g) for g in joined)
    assert all(nx.is_connected(g) for g in joined)
    cliques = [("k6", validate_graph(nx.complete_graph(6)).graph)]
    with pytest.raises(GraphError, match="with a bridge"):
        sample_subgraphs(cliques, 1, replace(TINY, real_joined=0.0), 0, need_bridge=True)
    with pytest.raises(GraphError, match="unknown classic"):
        real_sources(ExperimentConfig(real_sources=("no_such_graph",)))


def test_real_networks_report_pendant_and_core_bridges_apart():
    res = run_experiment("real_networks", preset=TINY, seeds=[0])
    classes = res["bridge_classes"]
    assert set(classes) == {"standard", "spectral", "oracle", "uniform"}
    assert classes["oracle"]["pendant"]["survival"] == 1.0  # the teacher keeps every bridge
    total = sum(classes["standard"][c]["n_bridges"] for c in ("pendant", "tree", "core"))
    assert total > 0  # every test subgraph has a bridge
    assert res["dataset"]["sources"] == list(TINY.real_sources)
    assert 0 <= res["dataset"]["joined_share"] <= 1
    text = report.experiment_markdown(res)
    assert "pendant bridges" in text and "core bridges" in text
    assert "bridge_classes" in report.result_figures(res)


def test_real_networks_from_a_user_directory(tmp_path, monkeypatch):
    monkeypatch.setitem(PRESETS, "quick", TINY)
    gdir = tmp_path / "graphs"
    gdir.mkdir()
    for i, g in enumerate(family_graphs("asymmetric_chain", 2, TINY, 0)):
        write_graph(g, gdir / f"g{i}.edges")  # chains of cliques: core bridges
    out = tmp_path / "o"
    argv = ["reproduce", "--experiment", "real_networks", "--graphs", str(gdir), "--seeds", "1"]
    assert main([*argv, "--quick", "--backend", "serial", "--out", str(out)]) == 0
    res = json.loads((out / "real_networks.json").read_text())
    assert res["dataset"]["sources"] == ["g0", "g1"]  # named after their files
    assert res["bridge_classes"]["oracle"]["core"]["survival"] == 1.0
    assert main([*argv[:2], "barbell", *argv[3:], "--out", str(out)]) == 2  # --graphs + barbell


# ------------------------------------------------------------------------ fine-tuning


def test_finetune_starts_from_the_trained_standard_model(barbell_result):
    res = run_experiment("finetune", preset=TINY, seeds=[0, 1])
    assert res["methods"] == barbell_result["methods"]  # same duel as the barbell experiment
    assert set(res["extra_methods"]) == {"finetuned"}
    ft = res["finetune"]
    steps = TINY.duel.train.steps
    curve = {(r["model"], r["step"]): r for r in ft["curve"]}
    assert {s for m, s in curve if m == "finetuned"} == {0, 2, 4}
    # before any fine-tuning step the model is the trained standard model: same samples
    assert curve[("finetuned", 0)]["kept"] == curve[("standard", steps)]["kept"]
    assert curve[("scratch", 0)]["kept"] == curve[("standard", 0)]["kept"]  # same init
    assert set(ft["steps_to_recover_per_seed"]) == {"scratch", "finetuned"}
    assert "Recovered = sampled bridge survival" in ft["statement"]
    assert "finetune" in report.result_figures(res)
    assert "spectral fine-tuning" in report.experiment_markdown(res)


# ------------------------------------------------------------------ sensitivity sweeps


def test_sensitivity_shares_its_default_with_the_barbell_experiment(barbell_result):
    res = run_experiment("sensitivity", preset=TINY, seeds=[0, 1])
    assert res["methods"] == barbell_result["methods"]
    labels = [(g["setting"]["fn"], g["setting"]["lam"]) for g in res["grid"]]
    assert labels == [("linear", 10.0), ("linear", 1.0), ("power", 2.0)]  # default first
    assert [g["default"] for g in res["grid"]] == [True, False, False]
    std = [g["methods"]["standard"] for g in res["grid"]]
    assert all(s == std[0] for s in std)  # one standard model serves every setting
    assert "weighting settings" in res["grid_statement"]


def test_capacity_sweep_grows_the_model(barbell_result):
    res = run_experiment("capacity", preset=TINY, seeds=[0])
    params = [g["setting"]["params"] for g in res["grid"]]
    assert [(g["setting"]["width"], g["setting"]["depth"]) for g in res["grid"]] == [
        (32, 3),
        (8, 1),
        (16, 2),
    ]
    assert params[1] < params[2] < params[0]
    base = run_experiment("barbell", preset=TINY, seeds=[0])
    assert res["methods"] == base["methods"]
    md = report.experiment_markdown(res)
    assert "(default)" in md and "parameters" in md


def test_new_settings_are_validated():
    with pytest.raises(ConfigError, match="subgraph_min"):
        ExperimentConfig(subgraph_min=2)
    with pytest.raises(ConfigError, match="finetune_grid"):
        ExperimentConfig(finetune_grid=(1.5,))
    with pytest.raises(ConfigError, match="real_joined"):
        ExperimentConfig(real_joined=1.5)
    with pytest.raises(ConfigError, match="recover_survival"):
        ExperimentConfig(recover_survival=0)
    with pytest.raises(ConfigError, match="weight function"):
        ExperimentConfig(weight_grid=(("cubic", 1.0),))
    with pytest.raises(ConfigError, match="width"):
        ExperimentConfig(capacity_grid=((2, 1),))


def test_reports_render_every_new_experiment(tmp_path):
    results = [
        run_experiment(name, preset=TINY, seeds=[0])
        for name in ("controls", "finetune", "sensitivity")
    ]
    summary = report.write_report(results, tmp_path)
    assert "Which controls match the spectral weighting?" in summary
    for res in results:
        assert (tmp_path / f"{res['experiment']}.png").stat().st_size > 1000
    bars = report.result_figures(results[0])["bars"]
    names = list(bars.data[0].x)
    assert "focal loss (control)" in names and "degree weights (control)" in names
    assert len(set(report.METHOD_COLOUR.values())) == len(report.METHOD_COLOUR)


# ------------------------------------------------------------------------ cost bench


def test_cost_bench_measures_and_plots(tmp_path):
    from benchmarks import cost as bench_cost

    row = bench_cost.measure_size(20, reps=1, steps=1)
    assert row["n"] == 20 and row["m"] > row["n"]
    assert all(row[k] > 0 for k in ("r_exact_s", "r_approx_s", "step_spectral_s"))
    assert 0 < row["r_share_exact"] < 1
    table = bench_cost._table([row])
    assert "break-even" in table and "R share exact" in table
    bench_cost._plot([row, {**row, "n": 40}], tmp_path / "cost.png")
    assert (tmp_path / "cost.png").stat().st_size > 1000
    assert build_parser().parse_args(["bench", "cost", "--quick"]).what == "cost"
    # power laws t = n / 1000 (model) and t = (n / 1000)^3 (dense R) cross at n = 1000
    rows = [{"n": n, "sample_spectral_s": n / 1e3, "r_dense_s": (n / 1e3) ** 3} for n in (10, 100)]
    c = bench_cost.crossover(rows)
    assert c["crossover_n"] == pytest.approx(1000.0, rel=1e-9)
    assert c["dense_exponent"] == pytest.approx(3.0)


def test_subgraph_sampling_never_mutates_its_sources():
    sources = real_sources(TINY)
    before = [sorted(g.edges(data=True)) for _, g in sources]
    sample_subgraphs(sources, 3, TINY, 0)
    assert [sorted(g.edges(data=True)) for _, g in sources] == before
    assert np.all(bridge_classes(sources[0][1]) >= 0)


# ---------------------------------------------------------------------------- the app


@pytest.mark.parametrize("name", ["controls", "real_networks", "finetune", "capacity"])
def test_experiments_page_renders_the_bundled_results(name):
    """The bundled quick results match the current settings and the page draws them."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parents[2] / "app.py")
    at = AppTest.from_file(app, default_timeout=120)
    at.run()
    at.switch_page("pages/experiments.py")
    at.run()
    at.selectbox(key="exp_name").set_value(name).run()
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "spectrally-weighted" in text and "No stored result" not in text
    want = {
        "controls": "Which controls match the spectral weighting?",
        "real_networks": "pendant bridges",
        "finetune": "Recovered = sampled bridge survival",
        "capacity": "parameters",
    }[name]
    assert want in text
    charts = [c for c in at.get("plotly_chart") if str(c.key).startswith("exp_fig_")]
    assert len(charts) == (1 if name == "controls" else 2)  # the bars, and its own figure
