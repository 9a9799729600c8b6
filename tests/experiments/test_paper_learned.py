"""The paper's claim on trained models: the two regimes, the two decoders, the
positive-class weights, and the learned fixed points against the ones the losses predict."""

from __future__ import annotations

import json
from dataclasses import replace

import networkx as nx
import numpy as np
import pytest
import torch
from tiny import tiny

from specdiff_core.config import DECODERS, REGIMES, DuelConfig, TrainConfig
from specdiff_core.errors import ConfigError
from specdiff_core.experiments import (
    PRESETS,
    ExperimentConfig,
    decode_samples,
    demo_examples,
    run_experiment,
)
from specdiff_core.experiments.protocol import fixed_point
from specdiff_core.graphs import barbell, paper_graphs, thickened
from specdiff_core.metrics import bridge_mask
from specdiff_core.training import (
    Duel,
    make_example,
    positive_class_weights,
)

TINY = tiny(paper_thickness=(2,), learned_map_eps=(0.05, 0.5), learned_map_lam=(1.0,))


# ------------------------------------------------------------------------------ regimes


def test_rare_regime_targets_follow_the_papers_frequencies():
    G = barbell(8, 8, seed=0)
    ex = make_example(G, regime="rare", n_targets=4000, seed=1, p_common=0.95, p_rare=0.05)
    br = ex.bridges
    assert ex.targets[:, br].mean() == pytest.approx(0.05, abs=0.01)
    assert ex.targets[:, ~br].mean() == pytest.approx(0.95, abs=0.005)
    np.testing.assert_allclose(ex.oracle_probs[br], 0.05)  # P_freq, not the oracle's p
    oracle = make_example(G, regime="oracle", n_targets=50, seed=1, budget=0.5)
    assert oracle.targets[:, oracle.bridges].all()  # the oracle keeps every bridge


def test_a_custom_rare_mask_and_bad_regimes():
    G = barbell(5, 5, seed=0)
    rare = np.zeros(G.number_of_edges(), dtype=bool)
    rare[:3] = True
    ex = make_example(G, regime="rare", rare=rare, n_targets=2000, p_rare=0.2, seed=0)
    assert ex.targets[:, :3].mean() == pytest.approx(0.2, abs=0.03)
    np.testing.assert_array_equal(ex.rare_mask, rare)
    with pytest.raises(ConfigError, match="regime"):
        make_example(G, regime="paper")
    with pytest.raises(ConfigError, match="p_rare"):
        make_example(G, regime="rare", p_rare=1.5)
    with pytest.raises(ConfigError):
        ExperimentConfig(regime="both")
    assert set(REGIMES) == {"oracle", "rare"} and set(DECODERS) == {"chain", "topk"}


def test_regime_setting_changes_what_the_duel_trains_on():
    cfg = replace(PRESETS["quick"], n_train=4)
    oracle, _ = demo_examples(0, cfg=cfg)
    rare, _ = demo_examples(0, cfg=cfg, regime="rare", eps=0.1)
    assert [ex.graph.edges() for ex in oracle] == [ex.graph.edges() for ex in rare]  # same graphs
    assert all(ex.targets[:, ex.bridges].all() for ex in oracle)
    kept = np.concatenate([ex.targets[:, ex.bridges].ravel() for ex in rare])
    assert kept.mean() < 0.5  # the bridge is rare in the data now
    a = Duel(DuelConfig(train=TrainConfig(steps=1)), oracle)
    b = Duel(DuelConfig(train=TrainConfig(steps=1)), rare)
    assert b.diffusion.keep_rate > a.diffusion.keep_rate  # ~0.95 of edges kept vs ~0.6


def test_thickened_barbell_has_k_crossing_edges_and_no_bridge():
    rng = np.random.default_rng(0)
    H, rare = thickened(barbell(8, 8, seed=0), 4, rng)
    assert int(rare.sum()) == 4 and not nx.has_bridges(H)
    assert H.number_of_edges() == 57 + 3
    e = np.array(sorted(H.edges()))[rare]
    assert len(set(e[:, 0])) == 4 and len(set(e[:, 1])) == 4  # distinct endpoints
    cut = H.copy()
    cut.remove_edges_from(map(tuple, e))
    assert nx.number_connected_components(cut) == 2


def test_paper_graphs_are_the_papers_with_shuffled_labels():
    gs = paper_graphs("asymmetric_chain", 1, 2, TINY, 0)
    assert all(G.number_of_edges() == 342 and int(r.sum()) == 2 for G, r in gs)
    assert sorted(gs[0][0].edges()) != sorted(gs[1][0].edges())  # labels differ per copy
    ((G, r),) = paper_graphs("barbell", 1, 1, TINY, 0)
    assert G.number_of_edges() == 57 and np.array_equal(r, bridge_mask(G))


# ------------------------------------------------------------------------ the losses


def test_positive_class_weights_apply_to_kept_targets_only():
    w = torch.tensor([11.0, 11.0, 3.5])
    y = torch.tensor([1.0, 0.0, 1.0])
    assert positive_class_weights(w, y).tolist() == [11.0, 1.0, 3.5]


def test_duel_weights_of_the_positive_class_method():
    exs = [make_example(barbell(4, 5, seed=s), seed=s, n_targets=2) for s in range(2)]
    duel = Duel(DuelConfig(train=TrainConfig(steps=1), methods=("spectral", "spectral_pos")), exs)
    idx = np.array([0, 1])
    x0 = torch.tensor(np.concatenate([exs[i].targets[0] for i in idx]), dtype=torch.float32)
    keep, dev = duel.diffusion.keep_rate, duel.device
    w_spec = duel.players["spectral"].batch_weights(idx, x0, keep, dev)
    w_pos = duel.players["spectral_pos"].batch_weights(idx, x0, keep, dev)
    assert torch.equal(w_pos[x0 > 0.5], w_spec[x0 > 0.5])
    assert torch.all(w_pos[x0 < 0.5] == 1.0) and torch.any(w_spec[x0 < 0.5] > 1.0)


# ----------------------------------------------------------------------------- decoders


def test_topk_decoder_keeps_exactly_rho_e_edges_and_the_score_shift_moves_them():
    rng = np.random.default_rng(0)
    masks = np.zeros((32, 10), dtype=bool)
    masks[:, :6] = True  # edges 0..5 always kept by the chain, 6..9 never
    top = decode_samples(masks, 5, 8, rng)
    assert top.sum(axis=1).tolist() == [5] * 8 and not top[:, 6:].any()
    shift = np.zeros(10)
    shift[9] = 2.0
    assert decode_samples(masks, 5, 8, rng, shift)[:, 9].all()  # + lambda R lifts edge 9


# ------------------------------------------------------------------------ experiments


def test_paper_learned_shape_with_a_tiny_preset():
    res = run_experiment("paper_learned", preset=TINY, seeds=[0, 1], backend="serial")
    json.dumps(res)
    labels = [st["exp"] for st in res["settings"]]
    assert labels == ["barbell", "asymmetric_chain", "thick"]
    for st in res["settings"]:
        assert list(st["trained"]) == ["rare", "oracle"]
        for regime in st["trained"].values():
            assert set(regime) == {"topk", "chain"}
            assert set(regime["topk"]) == {"standard", "spectral", "spectral_pos", "score_shift"}
            r = regime["topk"]["standard"]
            assert len(r["per_seed"]) == 2 and 0 <= r["connectivity"] <= 1
        assert {"standard", "weighted", "random", "oracle_sampling"} <= set(st["protocol"])
        fp = st["fixed_points"]["rare"]["spectral_pos"]
        assert 0 < fp["predicted_rare"]["mean"] < 1
    assert res["settings"][0]["paper"]["weighted"]["connectivity"] == 0.896
    assert res["settings"][2]["paper"] == {}  # Exp III has no table to copy
    assert res["statement"]


def test_paper_learned_map_shape_with_a_tiny_preset():
    res = run_experiment("paper_learned_map", preset=TINY, seeds=[0, 1], backend="serial")
    for m in ("standard", "spectral", "spectral_pos", "score_shift"):
        assert np.array(res["connectivity"][m]).shape == (1, 2)  # lambda x eps
    assert res["predicted_rare"]["spectral"] == [[0.05, 0.5]]  # Eq. 4.1: the frequency
    assert res["predicted_rare"]["spectral_pos"][0][0] == pytest.approx(fixed_point(2.0, 0.05))
    assert res["boundary_lam"][0] == pytest.approx(1.2)


@pytest.mark.slow
def test_learned_fixed_points_follow_the_losses_in_the_papers_regime():
    """Trained models on the paper's barbell with the bridge in 5% of targets: the
    standard loss and Eq. 4.1 learn the bridge's frequency (both classes scaled alike),
    the positive-class form moves it far above; top rho|E| decoding then never keeps
    the bridge for the first two, and the score shift p + lambda R always does.

    Read over seeds 0-2 (each trained duel one replicate), as a median: on seed 0 the
    Eq. 4.1 model sits on a knife edge. Trained one model after the other it learned
    0.02 for the bridge; trained by the grouped network, whose sums round differently
    in the last bit, 0.92: the two runs agree to 1e-5 for 100 steps, then that model
    alone drifts away. Seeds 1 and 2 give ~0.03 with either."""
    from statistics import median

    from specdiff_core.experiments.learned import _paper_unit

    cfg = replace(PRESETS["quick"], n_train=8, n_test=2, samples=16, paper_regimes=("rare",))
    parts = [
        _paper_unit(cfg, {"regime": "rare", "exp": "barbell", "k": 1, "seed": s}) for s in range(3)
    ]
    fps = [p["fixed_points"] for p in parts]
    for m in ("standard", "spectral"):
        assert all(fp[m]["predicted_rare"] == pytest.approx(0.05) for fp in fps)
        assert median(fp[m]["learned_rare"] for fp in fps) < 0.25, (m, fps)
        assert median(fp[m]["learned_common"] for fp in fps) == pytest.approx(0.95, abs=0.05)
    assert fps[0]["spectral_pos"]["predicted_rare"] == pytest.approx(fixed_point(11.0, 0.05))
    assert median(fp["spectral_pos"]["learned_rare"] for fp in fps) > 0.15 + median(
        fp["spectral"]["learned_rare"] for fp in fps
    )
    for m in ("standard", "spectral"):
        assert median(p["stats"][f"{m}/topk"]["connected"] for p in parts) == 0.0
    for p in parts:
        st = p["stats"]["score_shift/topk"]
        assert st["rare_kept"] == st["rare_total"]


def test_paper_learned_report_tables_are_well_formed():
    from tables import table_shapes_ok

    from specdiff_core import report

    res = run_experiment("paper_learned", preset=TINY, seeds=[0, 1], backend="serial")
    md = report.experiment_markdown(res)
    assert table_shapes_ok(md) and "Exp II" in md and "optimum" in md
    assert len(report.result_figures(res)) == len(res["settings"])
    grid = run_experiment("paper_learned_map", preset=TINY, seeds=[0, 1], backend="serial")
    assert table_shapes_ok(report.experiment_markdown(grid))
