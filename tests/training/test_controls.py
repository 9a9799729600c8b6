"""Controls: focal loss, class-balanced, shuffled-R_eff and degree weights as duel methods."""

from __future__ import annotations

import math
from dataclasses import replace

import networkx as nx
import numpy as np
import pytest
import torch
from tiny import tiny

from specdiff_core.config import TRAINING_METHODS, DuelConfig, TrainConfig, WeightConfig
from specdiff_core.diffusion import DiffusionConfig
from specdiff_core.errors import ConfigError
from specdiff_core.experiments import ExperimentConfig, control_verdicts, run_experiment
from specdiff_core.graphs import barbell
from specdiff_core.model import ModelConfig
from specdiff_core.training import (
    Duel,
    class_balanced_weights,
    degree_proxy,
    edge_loss,
    edge_weights_for,
    logit_gradients,
    make_example,
)

ALL = tuple(TRAINING_METHODS)
TINY = tiny(clique_min=4, clique_max=6)


@pytest.fixture(scope="module")
def examples():
    return [make_example(barbell(4, 5, seed=s), seed=s, n_targets=2) for s in range(3)]


def tiny_duel(examples, methods=ALL, steps=3, log_every=1):
    cfg = DuelConfig(
        model=ModelConfig(width=8, depth=1),
        diffusion=DiffusionConfig(T=5),
        train=TrainConfig(steps=steps, log_every=log_every),
        methods=methods,
    )
    return Duel(cfg, examples[:2], probe=examples[2:])


def params(duel, method):
    return {k: v.clone() for k, v in duel.players[method].model.state_dict().items()}


def same(a, b):
    return all(torch.equal(a[k], b[k]) for k in a)


# ----------------------------------------------------------------------------- focal


def test_focal_by_hand_and_zero_gamma_is_cross_entropy():
    z, y = torch.tensor([0.0, 2.0]), torch.tensor([1.0, 1.0])
    # p_t = 0.5: (1 - 0.5)^2 ln 2; p_t = sigmoid(2): (1 - p)^2 (-ln p)
    p = 1 / (1 + math.exp(-2.0))
    want = (0.25 * math.log(2) + (1 - p) ** 2 * -math.log(p)) / 2
    assert float(edge_loss(z, y, focal_gamma=2.0)) == pytest.approx(want, rel=1e-6)
    assert torch.equal(edge_loss(z, y, focal_gamma=0.0), edge_loss(z, y))


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0, 5.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_focal_logit_gradients_match_autograd(gamma, weighted):
    gen = torch.Generator().manual_seed(3)
    z = (torch.randn(40, generator=gen) * 4).requires_grad_()  # confident and unsure edges
    y = (torch.rand(40, generator=gen) < 0.5).float()
    w = torch.rand(40, generator=gen) * 3 + 0.1 if weighted else None
    (grad,) = torch.autograd.grad(edge_loss(z, y, w, focal_gamma=gamma), z)
    got = logit_gradients(z.detach(), y, w, focal_gamma=gamma)
    assert torch.allclose(got, grad, rtol=1e-5, atol=1e-8)
    assert torch.isfinite(grad).all()


def test_focal_gradient_stays_finite_at_confident_predictions():
    z = torch.tensor([40.0, -40.0], requires_grad=True)
    (grad,) = torch.autograd.grad(edge_loss(z, torch.tensor([1.0, 0.0]), focal_gamma=0.5), z)
    assert torch.isfinite(grad).all()


def test_focal_gamma_is_validated():
    with pytest.raises(ConfigError, match="focal_gamma"):
        WeightConfig(focal_gamma=-1.0)
    with pytest.raises(ConfigError, match="focal_gamma"):
        WeightConfig(focal_gamma=float("nan"))


# --------------------------------------------------------------------- other weights


def test_class_balanced_gives_each_class_half_the_weight():
    y = torch.tensor([1.0, 1.0, 1.0, 0.0])
    w = class_balanced_weights(y, keep_rate=0.75)
    assert float(w[y == 1].sum()) == pytest.approx(float(w[y == 0].sum()))
    with pytest.raises(ConfigError, match="keep rate"):
        class_balanced_weights(y, 1.0)


def test_shuffled_weights_permute_the_spectral_values_seeded():
    R = np.linspace(0.1, 1.0, 12)
    spec = edge_weights_for("spectral", R, WeightConfig())
    a = edge_weights_for("shuffled", R, WeightConfig(), seed=(0, 1))
    b = edge_weights_for("shuffled", R, WeightConfig(), seed=(0, 1))
    c = edge_weights_for("shuffled", R, WeightConfig(), seed=(1, 1))
    np.testing.assert_array_equal(np.sort(a), np.sort(spec))  # same values
    np.testing.assert_array_equal(a, b)  # same seed, same result
    assert not np.array_equal(a, spec) and not np.array_equal(a, c)
    with pytest.raises(ConfigError, match="seed"):
        edge_weights_for("shuffled", R, WeightConfig())


def test_degree_proxy_by_hand_and_blind_to_the_barbell_bridge():
    # path 0-1-2: both edges 1/1 + 1/2 capped at 1
    assert degree_proxy(nx.path_graph(3)).tolist() == [1.0, 1.0]
    np.testing.assert_allclose(degree_proxy(nx.complete_graph(5)), 0.5)  # 1/4 + 1/4
    ex = make_example(barbell(6, 6, seed=0), seed=0, n_targets=1)
    proxy = degree_proxy(ex.graph)
    # the bridge joins two degree-6 nodes (1/6 + 1/6), the cliques hold edges between
    # degree-5 nodes (1/5 + 1/5): the proxy ranks the bridge below them, blind to the cut
    assert proxy[ex.bridges][0] < proxy[~ex.bridges].max()
    w = edge_weights_for("degree", ex.resistance, WeightConfig(), graph=ex.graph)
    np.testing.assert_allclose(w, 1 + 10 * proxy)
    with pytest.raises(ConfigError, match="graph"):
        edge_weights_for("degree", ex.resistance, WeightConfig())


def test_unknown_or_repeated_methods_are_refused():
    with pytest.raises(ConfigError, match="unknown training method"):
        DuelConfig(methods=("standard", "focal?"))
    with pytest.raises(ConfigError, match="once"):
        DuelConfig(methods=("focal", "focal"))
    with pytest.raises(ConfigError, match="controls"):
        ExperimentConfig(controls=("spectral",))


# --------------------------------------------------------------------------- fairness


def test_every_method_starts_identical_and_controls_change_training(examples):
    duel = tiny_duel(examples)
    start = params(duel, "standard")
    assert all(same(start, params(duel, m)) for m in ALL)
    duel.step(3)
    after = {m: params(duel, m) for m in ALL}
    assert all(not same(after["standard"], after[m]) for m in ALL if m != "standard")


@pytest.mark.parametrize("method", ALL)
def test_a_method_trained_alone_equals_its_player_in_the_full_duel(examples, method):
    """Same init, batches, noise and optimiser for every method: training a method by
    itself gives bit-identical weights to its player beside all the others."""
    full = tiny_duel(examples)
    alone = tiny_duel(examples, methods=(method,))
    full.step(3)
    alone.step(3)
    assert same(params(full, method), params(alone, method))


def test_instrumentation_never_changes_training(examples):
    logged = tiny_duel(examples, log_every=1)
    quiet = tiny_duel(examples, log_every=10**6)
    logged.step(3)
    quiet.step(3)
    assert all(same(params(logged, m), params(quiet, m)) for m in ALL)
    rows = [r for r in logged.history if r["step"] == 3]
    assert {r["method"] for r in rows} == set(ALL)
    assert all(np.isfinite(r["loss"]) and 0 <= r["grad_share_bridge"] <= 1 for r in rows)


def test_per_edge_gradients_for_every_method(examples):
    duel = tiny_duel(examples, steps=1)
    grads = duel.per_edge_gradients(examples[2], n_t=2)
    assert set(grads) == set(ALL)
    assert all(g.shape == (examples[2].m,) and np.isfinite(g).all() for g in grads.values())


# ------------------------------------------------------------------------ experiment


def test_controls_experiment_shares_the_duel_of_the_barbell_experiment():
    res = run_experiment("controls", preset=TINY, seeds=[0, 1])
    base = run_experiment("barbell", preset=TINY, seeds=[0, 1])
    assert res["methods"] == base["methods"]  # standard, spectral, baselines: same runs
    assert set(res["extra_methods"]) == set(TINY.controls)
    v = res["verdict"]
    assert sorted(v["matches"] + v["falls_short"] + v["exceeds"]) == sorted(TINY.controls)
    assert len(v["lines"]) == len(TINY.controls)
    assert "match the spectral weighting" in v["summary"]
    assert set(res["grad_share_bridge"]) == {"standard", "spectral", *TINY.controls}


def _summary(conn, bridge, half=0.02, seeds=(0.5, 0.5)):
    return {
        "connectivity": conn,
        "connectivity_ci": [conn - half, conn + half],
        "bridge_survival": bridge,
        "bridge_survival_ci": [bridge - half, bridge + half],
        "per_seed": [{"bridge_survival": s} for s in seeds],
    }


def test_control_verdicts_follow_the_intervals():
    methods = {"standard": _summary(0.6, 0.6), "spectral": _summary(0.9, 0.9)}
    controls = {
        "focal": _summary(0.6, 0.61),  # like standard
        "degree": _summary(0.89, 0.91),  # overlaps spectral
        "shuffled": _summary(0.99, 0.99),  # above spectral
    }
    v = control_verdicts(methods, controls)
    assert v["falls_short"] == ["focal"]
    assert v["matches"] == ["degree"]
    assert v["exceeds"] == ["shuffled"]
    assert "not distinguishable from standard" in v["lines"][0]
    assert "better than standard" in v["lines"][1]
    assert "degree weights" in v["summary"].split("fall short")[0]


def test_train_cli_accepts_a_control(tmp_path, capsys):
    from specdiff_core.cli import main

    out = tmp_path / "focal.safetensors"
    argv = ["train", "--family", "barbell", "--loss", "focal", "--focal-gamma", "1.5"]
    assert main([*argv, "--steps", "2", "--n-train", "2", "--out", str(out)]) == 0
    assert out.is_file()
    capsys.readouterr()
    assert main([*argv[:-2], "--focal-gamma", "-1", "--n-train", "2", "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith("error:")


def test_controls_keep_other_settings_out_of_the_paper_experiments():
    """New settings have defaults and leave the paper's duel untouched."""
    assert DuelConfig().methods == ("standard", "spectral")
    assert replace(TINY, controls=("degree",)).duel == TINY.duel
