"""Noise schedule, transitions, posterior and sampler of the edge-mask diffusion."""

from __future__ import annotations

import pytest
import torch

from specdiff_core.diffusion import DiffusionConfig, MarginalEdgeDiffusion, cosine_alpha_bar
from specdiff_core.errors import ConfigError


def test_cosine_schedule_endpoints_and_monotone():
    a = cosine_alpha_bar(50)
    assert a.shape == (51,)
    assert float(a[0]) == 1.0 and float(a[-1]) == 0.0
    assert bool((a[1:] < a[:-1]).all())


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.8])
def test_transition_rows_sum_to_one_and_converge_to_marginal(keep):
    d = MarginalEdgeDiffusion(DiffusionConfig(T=20), keep)
    assert torch.allclose(d.Q.sum(-1), torch.ones(21, 2, dtype=torch.float64))
    assert torch.allclose(d.Qbar.sum(-1), torch.ones(21, 2, dtype=torch.float64))
    # Qbar_T forgets x0: both rows equal the marginal (1 - keep, keep)
    assert torch.allclose(d.Qbar[-1], torch.tensor([[1 - keep, keep]] * 2, dtype=torch.float64))
    # Qbar_t is the product of the Q_s (closed form agrees with the chain)
    prod = torch.eye(2, dtype=torch.float64)
    for t in range(1, 21):
        prod = prod @ d.Q[t]
        assert torch.allclose(prod, d.Qbar[t], atol=1e-10)


def test_posterior_matches_bayes_rule_by_enumeration():
    d = MarginalEdgeDiffusion(DiffusionConfig(T=10), 0.3)
    for t in (2, 5, 10):
        for xt in (0, 1):
            for p0 in (0.0, 0.4, 1.0):
                got = d.posterior_keep_prob(
                    torch.tensor([float(xt)]), torch.tensor([t]), torch.tensor([p0])
                )
                # brute force: sum over x0 of p0(x0) * q(x_{t-1}=1 | x_t, x0)
                want = 0.0
                for x0, px0 in ((0, 1 - p0), (1, p0)):
                    num = [float(d.Qbar[t - 1][x0, j] * d.Q[t][j, xt]) for j in (0, 1)]
                    want += px0 * num[1] / sum(num)
                assert float(got) == pytest.approx(want, abs=1e-6)


def test_forward_marginal_matches_closed_form():
    d = MarginalEdgeDiffusion(DiffusionConfig(T=10), 0.25)
    gen = torch.Generator().manual_seed(0)
    x0 = torch.ones(200_000)
    t = torch.full((200_000,), 5)
    xt = d.noise(x0, t, gen)
    want = float(d.abar[5]) + (1 - float(d.abar[5])) * 0.25
    assert float(xt.mean()) == pytest.approx(want, abs=0.005)


def test_reverse_chain_with_perfect_denoiser_recovers_x0():
    """Forward-then-reverse sanity: a denoiser that knows x0 makes the chain end at x0."""
    d = MarginalEdgeDiffusion(DiffusionConfig(T=15), 0.4)
    gen = torch.Generator().manual_seed(1)
    x0 = (torch.rand(5_000, generator=gen) < 0.4).float()
    out, chain = d.sample(lambda x, t: x0, len(x0), gen, keep_chain=True)
    assert torch.equal(out.float(), x0)
    assert chain.shape == (16, 5_000)
    assert abs(float(chain[0].float().mean()) - 0.4) < 0.03  # x_T from the prior


def test_reverse_chain_with_marginal_denoiser_keeps_marginal():
    d = MarginalEdgeDiffusion(DiffusionConfig(T=15), 0.3)
    gen = torch.Generator().manual_seed(2)
    out, _ = d.sample(lambda x, t: torch.full_like(x, 0.3), 50_000, gen)
    assert float(out.float().mean()) == pytest.approx(0.3, abs=0.01)


def test_sampler_is_seeded():
    d = MarginalEdgeDiffusion(DiffusionConfig(T=8), 0.5)
    f = lambda x, t: torch.full_like(x, 0.7)  # noqa: E731
    a, _ = d.sample(f, 1000, torch.Generator().manual_seed(3))
    b, _ = d.sample(f, 1000, torch.Generator().manual_seed(3))
    c, _ = d.sample(f, 1000, torch.Generator().manual_seed(4))
    assert torch.equal(a, b) and not torch.equal(a, c)


@pytest.mark.parametrize("keep", [0.0, 1.0, -0.1])
def test_degenerate_keep_rate_is_refused(keep):
    with pytest.raises(ConfigError, match="keep rate"):
        MarginalEdgeDiffusion(DiffusionConfig(), keep)


@pytest.mark.parametrize("kwargs", [{"T": 0}, {"schedule": "linear"}, {"s": 0.0}])
def test_bad_diffusion_config_is_refused(kwargs):
    with pytest.raises(ConfigError):
        DiffusionConfig(**kwargs)


def test_sample_masks_refuses_a_batch_too_large_before_allocating(monkeypatch):
    """--samples 1000000 of a 16-node graph allocated 21 GB before failing (issue 14)."""
    import networkx as nx

    from specdiff_core import diffusion
    from specdiff_core.config import ModelConfig
    from specdiff_core.graphs import validate_graph
    from specdiff_core.model import EdgeDenoiser, featurize

    G = validate_graph(nx.barbell_graph(8, 0)).graph
    model = EdgeDenoiser(config=ModelConfig(), T=5)

    def no_batch(*_a, **_k):
        raise AssertionError("allocated the batch")

    monkeypatch.setattr(diffusion, "batch_graphs", no_batch)
    with pytest.raises(ConfigError, match=r"1,000,000 samples of a graph of 73 nodes and edges"):
        diffusion.sample_masks(
            model, MarginalEdgeDiffusion(DiffusionConfig(T=5), 0.5), featurize(G), 1_000_000
        )
