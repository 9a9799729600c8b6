"""The one loss, the gradient instrumentation, the fair duel and model files."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from specdiff_core.config import DuelConfig, TrainConfig, WeightConfig
from specdiff_core.errors import CheckpointError, ConfigError
from specdiff_core.graphs import barbell
from specdiff_core.model import EdgeDenoiser, ModelConfig, batch_graphs, featurize
from specdiff_core.training import (
    Duel,
    edge_loss,
    edge_weights_for,
    logit_gradients,
    make_example,
    probes,
)


@pytest.fixture(scope="module")
def examples():
    return [make_example(barbell(5, 6, seed=s), seed=s, n_targets=2) for s in range(3)]


def small_duel(examples, steps=4, **train):
    cfg = DuelConfig(
        model=ModelConfig(width=8, depth=1), train=TrainConfig(steps=steps, log_every=1, **train)
    )
    return Duel(cfg, examples[:2], probe=examples[2:])


# ---------------------------------------------------------------------------- loss


def test_unit_weights_give_exactly_the_standard_loss():
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(50, generator=gen)
    y = (torch.rand(50, generator=gen) < 0.5).float()
    assert torch.equal(edge_loss(z, y), torch.nn.functional.binary_cross_entropy_with_logits(z, y))
    assert float(edge_loss(z, y, torch.ones(50))) == pytest.approx(float(edge_loss(z, y)), abs=1e-7)
    # a constant weight is normalised away
    assert float(edge_loss(z, y, torch.full((50,), 7.0))) == pytest.approx(
        float(edge_loss(z, y)), abs=1e-6
    )


def test_weights_change_the_loss_when_they_vary():
    z = torch.tensor([2.0, -2.0])
    y = torch.tensor([0.0, 0.0])
    assert float(edge_loss(z, y, torch.tensor([10.0, 1.0]))) > float(edge_loss(z, y))


@pytest.mark.parametrize("weighted", [False, True])
def test_logit_gradients_match_autograd(weighted):
    gen = torch.Generator().manual_seed(1)
    z = torch.randn(30, generator=gen, requires_grad=True)
    y = (torch.rand(30, generator=gen) < 0.4).float()
    w = torch.rand(30, generator=gen) * 3 + 0.1 if weighted else None
    (grad,) = torch.autograd.grad(edge_loss(z, y, w), z)
    assert torch.allclose(logit_gradients(z.detach(), y, w), grad, atol=1e-7)


def test_spectral_weights_follow_resistance():
    R = np.array([0.25, 1.0])
    np.testing.assert_allclose(
        edge_weights_for("spectral", R, WeightConfig("linear", 10.0)), [3.5, 11.0]
    )
    np.testing.assert_allclose(edge_weights_for("spectral", R, WeightConfig("power", 1.0)), R)
    assert edge_weights_for("standard", R, WeightConfig()) is None
    with pytest.raises(ConfigError, match="unknown training method"):
        edge_weights_for("focal?", R, WeightConfig())
    with pytest.raises(ConfigError):
        WeightConfig("linear", -1.0)


# ------------------------------------------------------------------ model / examples


def test_example_targets_keep_every_bridge(examples):
    for ex in examples:
        assert ex.bridges.sum() == 1
        assert ex.targets[:, ex.bridges].all()  # the teacher never drops the bridge
        assert abs(ex.resistance[ex.bridges][0] - 1.0) < 1e-9
        assert 0 < ex.targets.mean() < 1


def test_denoiser_is_symmetric_and_batch_consistent(examples):
    torch.manual_seed(0)
    net = EdgeDenoiser(config=ModelConfig(width=8, depth=2), T=10)
    g1, g2 = examples[0].tensors, examples[1].tensors
    x1, x2 = torch.ones(g1.n_edges), torch.zeros(g2.n_edges)
    t1, t2 = torch.full((g1.n_edges,), 3), torch.full((g2.n_edges,), 7)
    alone = net(g1, x1, t1)
    both = net(batch_graphs([g1, g2]), torch.cat([x1, x2]), torch.cat([t1, t2]))
    assert torch.allclose(both[: g1.n_edges], alone, atol=1e-5)  # no leakage across graphs
    flipped = featurize(examples[0].graph)
    flipped.edges = flipped.edges.flip(1)  # (v, u) instead of (u, v)
    assert torch.allclose(net(flipped, x1, t1), alone, atol=1e-5)


# ---------------------------------------------------------------------------- duel


def test_duel_starts_identical_and_only_weights_differ(examples):
    duel = small_duel(examples)
    a, b = (duel.players[m].model.state_dict() for m in ("standard", "spectral"))
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert duel.players["standard"].weights[0] is None
    assert duel.players["spectral"].weights[0] is not None
    duel.step(2)
    a, b = (duel.players[m].model.state_dict() for m in ("standard", "spectral"))
    assert any(not torch.equal(a[k], b[k]) for k in a)  # the loss weights made them diverge


def test_duel_with_equal_methods_stays_identical(examples):
    """Fairness: two 'standard' players see the same data and noise, so they stay equal."""
    cfg = DuelConfig(model=ModelConfig(width=8, depth=1), train=TrainConfig(steps=3, log_every=1))
    duel = Duel(cfg, examples[:2])
    twin = Duel(cfg, examples[:2])
    duel.step(3)
    twin.step(3)
    a, b = duel.players["standard"].model.state_dict(), twin.players["standard"].model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_lr_schedule_holds_then_decays_and_is_off_by_default(examples):
    """TrainConfig.lr_hold: the full lr for that share of the steps, then a cosine decay;
    at 1 (the default) the lr stays constant and the optimiser is never touched."""
    f = TrainConfig(steps=8, lr_hold=0.5).lr_factor
    factors = [f(s) for s in range(1, 9)]
    assert factors[:5] == [1.0] * 5 and all(
        a > b > 0 for a, b in zip(factors[4:-1], factors[5:], strict=True)
    )
    assert all(TrainConfig(steps=8).lr_factor(s) == 1.0 for s in range(1, 9))
    for bad in (-0.1, 1.5):
        with pytest.raises(ConfigError, match="lr_hold"):
            TrainConfig(lr_hold=bad)

    duel = small_duel(examples, steps=8, lr_hold=0.5)
    duel.step(7)
    assert duel.opt.param_groups[0]["lr"] == pytest.approx(3e-3 * f(7))  # one for all models
    constant = small_duel(examples, steps=8)
    constant.step(8)
    assert constant.opt.param_groups[0]["lr"] == 3e-3
    # the schedule is shared: two duels differing only in it diverge, both models alike
    a = small_duel(examples, steps=8, lr_hold=0.0)
    a.step(8)
    w = {m: constant.players[m].model.state_dict() for m in constant.players}
    v = {m: a.players[m].model.state_dict() for m in a.players}
    assert all(any(not torch.equal(w[m][k], v[m][k]) for k in w[m]) for m in w)


def test_a_setting_at_its_neutral_value_leaves_stored_results_matching():
    """Results stored before lr_hold existed have no such key: at 1 (no schedule) it is
    left out of their identity, at any other value it counts."""
    from dataclasses import asdict, replace

    from specdiff_core.experiments import PRESETS, store

    cfg = PRESETS["quick"]
    stored = asdict(cfg)
    del stored["duel"]["train"]["lr_hold"]  # as written before the setting existed
    assert store.config_identity(stored) == store.ident("x", cfg)["config"]
    scheduled = replace(cfg, duel=replace(cfg.duel, train=replace(cfg.duel.train, lr_hold=0.5)))
    assert store.ident("x", scheduled)["config"]["duel"]["train"]["lr_hold"] == 0.5
    assert store.ident("x", scheduled) != store.ident("x", cfg)


def test_history_rows_and_callback(examples):
    seen = []
    duel = small_duel(examples, steps=3)
    duel.callback = seen.append
    rows = duel.step(10)  # capped at the configured steps
    assert duel.step_count == 3 and duel.done
    assert len(rows) == 6 and rows == seen == duel.history
    row = rows[-1]
    for key in (
        "loss",
        "p_keep_bridge",
        "p_keep_other",
        "grad_share_bridge",
        "edge_share_bridge",
        "grad_logit_bridge",
        "grad_logit_other",
        "grad_norm_bridge",
        "grad_norm_other",
    ):
        assert np.isfinite(row[key]), key
    assert 0 <= row["grad_share_bridge"] <= 1


def test_gradient_group_norms_match_manual_autograd(examples):
    """The instrumented gradient norms (every group of every model in one batched backward
    through the grouped network) equal a direct autograd computation on each model alone."""
    duel = small_duel(examples, steps=1)
    batch = duel._batch()
    dev = duel.device  # the batch is built on the CPU; the duel moves it (CUDA when present)
    g, x0, x_t, t = (v.to(dev) for v in (batch.g, batch.x0, batch.x_t, batch.t))
    keep = duel.diffusion.keep_rate
    players = list(duel.players.values())
    ws = [p.batch_weights(batch.idx, x0, keep, dev) for p in players]
    logits = duel.group(g, x_t, t)
    rows = probes.instrument(
        list(duel.players),
        duel.group,
        logits,
        x0,
        ws,
        [0.0] * len(ws),
        batch,
        step=1,
        probe=duel._probe,
    )
    bridges = torch.tensor(batch.bridges, device=dev)
    rbin = torch.tensor(np.digitize(batch.R, probes.R_BINS[1:-1]) == 4, device=dev)
    for row, player, w in zip(rows, players, ws, strict=True):
        model = player.model  # the model on its own: a view of its row of the group
        z = model(g, x_t, t)
        ce = torch.nn.functional.binary_cross_entropy_with_logits(z, x0, reduction="none")
        terms = ce / len(ce) if w is None else w * ce / w.sum()
        for key, sel in (("grad_norm_bridge", bridges), ("grad_norm_rbin4", rbin)):
            grads = torch.autograd.grad(
                (terms * sel).sum(), list(model.parameters()), retain_graph=True
            )
            norm = float(torch.sqrt(sum((gr**2).sum() for gr in grads)))
            assert row[key] == pytest.approx(norm, rel=1e-4), (row["method"], key)


def test_the_grouped_network_is_each_model_and_keeps_them_apart(examples):
    """Row m of the grouped forward is model m's own forward; equal weights give
    bit-identical rows; each model's parameters are views of its row, so training the
    group trains the models, through a clone and a transport too."""
    import pickle

    duel = small_duel(examples, steps=6)
    duel.step(3)
    b = duel._batch()
    z = duel.group(b.g.to(duel.device), b.x_t.to(duel.device), b.t.to(duel.device))
    for m, player in enumerate(duel.players.values()):
        own = player.model(b.g.to(duel.device), b.x_t.to(duel.device), b.t.to(duel.device))
        assert torch.allclose(z[m], own, atol=1e-5)
    for twin in (
        duel.clone(),
        Duel.from_state(pickle.loads(pickle.dumps(duel.state())), duel.train_set, duel.probe_set),
    ):
        twin.step(2)
        for m, player in enumerate(twin.players.values()):
            for name, p in player.model.named_parameters():
                assert torch.equal(p, twin.group.param(name)[m]), name
        before = duel.players["standard"].model.state_dict()["head.2.bias"].clone()
        assert torch.equal(before, duel.group.param("head.2.bias")[0])  # the original untouched


def test_per_edge_gradients_shape(examples):
    duel = small_duel(examples, steps=1)
    grads = duel.per_edge_gradients(examples[2], n_t=2)
    assert set(grads) == {"standard", "spectral"}
    assert all(g.shape == (examples[2].m,) and (g >= 0).all() for g in grads.values())


def test_sampling_is_seeded_and_shaped(examples):
    duel = small_duel(examples, steps=1)
    a = duel.sample(examples[2], 3, seed=5, keep_chain=True)
    b = duel.sample(examples[2], 3, seed=5)
    assert a["standard"].masks.shape == (3, examples[2].m)
    assert a["standard"].chain.shape == (duel.config.diffusion.T + 1, 3, examples[2].m)
    assert np.array_equal(a["spectral"].masks, b["spectral"].masks)


def test_bad_duel_input_is_refused(examples):
    with pytest.raises(ConfigError):
        Duel(DuelConfig(), [])
    with pytest.raises(ConfigError):
        TrainConfig(lr=0)


def test_asking_a_duel_for_a_method_it_does_not_train_is_a_config_error(examples):
    duel = small_duel(examples, steps=1)
    for ask in (duel.probe_keep, duel.predictor):
        with pytest.raises(
            ConfigError, match=r"no 'focal' model; it trains \['standard', 'spectral'\]"
        ):
            ask("focal")


# ---------------------------------------------------------------------- checkpoints


def test_checkpoint_round_trip_and_tamper_rejection(examples, tmp_path):
    from specdiff_core.checkpoints import load_model, save_model

    duel = small_duel(examples, steps=2)
    duel.step(2)
    model = duel.players["spectral"].model
    path = save_model(
        tmp_path / "m", model, duel.config, "spectral", duel.diffusion.keep_rate, {"x": 1}
    )
    assert path.suffix == ".safetensors"
    tm = load_model(path, device="cpu")
    assert tm.method == "spectral" and tm.config == duel.config and tm.info == {"x": 1}
    sd = model.state_dict()
    assert all(torch.equal(sd[k].cpu(), tm.model.state_dict()[k]) for k in sd)
    # same samples from the loaded model as from the live one
    live = duel.sample(examples[2], 2, seed=9)["spectral"].masks
    assert np.array_equal(tm.sample(examples[2].graph, 2, seed=9).masks, live)

    data = path.read_bytes()
    tampered = bytearray(data)
    tampered[-5] ^= 0xFF  # flip bits in the last tensor's payload
    with pytest.raises(CheckpointError, match="checksum"):
        load_model(bytes(tampered))
    with pytest.raises(CheckpointError, match="truncated"):
        load_model(data[: len(data) // 2])
    with pytest.raises(CheckpointError):
        load_model(b"\x80\x04K\x01.")  # a pickle, never unpickled
    with pytest.raises(CheckpointError, match="no such"):
        load_model(tmp_path / "missing.safetensors")


def test_foreign_safetensors_file_is_refused(tmp_path):
    from safetensors.torch import save_file

    from specdiff_core.checkpoints import load_model

    p = tmp_path / "other.safetensors"
    save_file({"w": torch.zeros(3)}, str(p))
    with pytest.raises(CheckpointError, match="not a SpecDiff model"):
        load_model(p)
