"""benchmarks/diffusion.py's naive reference trains the same science as the duel: the
same models on the same batches end where the grouped network's training ends (to float
rounding), so the ratio the benchmark prints compares like with like."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks import diffusion as bench  # noqa: E402


def test_the_naive_reference_reports_both_timings():
    r = bench._naive_reference(4)
    assert r["steps"] == 4
    assert all(r[k] > 0 for k in ("ours_cpu", "naive_cpu", "ours_wall", "naive_wall"))


def test_the_naive_loop_and_the_grouped_duel_train_the_same_models():
    from specdiff_core.config import with_steps
    from specdiff_core.experiments import demo_duel_config, demo_examples
    from specdiff_core.training import Duel
    from specdiff_core.training.losses import edge_loss

    cfg = with_steps(demo_duel_config(0), 5)
    train, test = demo_examples(0)
    duel, ref = Duel(cfg, train, probe=[test]), Duel(cfg, train, probe=[test])
    batches = [ref._batch() for _ in range(5)]
    duel.step(5)
    for p, mine in zip(ref.players.values(), duel.players.values(), strict=True):
        model = copy.deepcopy(p.model)
        opt = torch.optim.Adam(model.parameters(), lr=cfg.train.lr)
        for b in batches:
            w = p.batch_weights(b.idx, b.x0, ref.diffusion.keep_rate, ref.device)
            loss = edge_loss(model(b.g, b.x_t, b.t), b.x0, w)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.train.grad_clip)
            opt.step()
        theirs, ours, init = model.state_dict(), mine.model.state_dict(), p.model.state_dict()

        def dist(a, b):
            return float(torch.sqrt(sum(((a[k] - b[k]) ** 2).sum() for k in a)))

        # Adam's first steps move each weight by about lr, whatever the gradient's size, so
        # a weight whose gradient is near 0 may step either way by rounding: compare the
        # two trainings' distance with how far training moved the weights
        moved, apart = dist(theirs, init), dist(theirs, ours)
        assert moved > 0 and apart < 0.05 * moved, (p, apart, moved)
