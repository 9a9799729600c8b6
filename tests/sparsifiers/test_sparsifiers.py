"""Spectral Oracle and uniform baseline: bridges, budgets, unbiasedness, errors."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specdiff_core import graphs
from specdiff_core.errors import ConfigError, GraphError
from specdiff_core.metrics import bridge_mask, spectral_quality
from specdiff_core.resistance import effective_resistance
from specdiff_core.sparsifiers import (
    Sparsified,
    _solve_scale,
    oracle_keep_probabilities,
    sparse_graph,
    sparsify,
    spectral_oracle,
    uniform_sparsifier,
)


def exact_resistance(G: nx.Graph) -> np.ndarray:
    """Exact R_eff from the project's resistance module (dense solver)."""
    return effective_resistance(G, method="dense").values


def pinv_resistance(G: nx.Graph) -> np.ndarray:
    """R_e = b_e^T L^+ b_e by a dense pseudo-inverse: the test's own reference."""
    e = graphs.edge_array(G)
    L = nx.laplacian_matrix(G, nodelist=range(G.number_of_nodes()), weight="weight").toarray()
    P = np.linalg.pinv(L)
    return P[e[:, 0], e[:, 0]] + P[e[:, 1], e[:, 1]] - 2 * P[e[:, 0], e[:, 1]]


def laplacian(G: nx.Graph, w: np.ndarray) -> np.ndarray:
    e = graphs.edge_array(G)
    H = nx.Graph()
    H.add_nodes_from(range(G.number_of_nodes()))
    H.add_weighted_edges_from((int(u), int(v), float(x)) for (u, v), x in zip(e, w, strict=True))
    return nx.laplacian_matrix(H, nodelist=range(G.number_of_nodes())).toarray()


def weighted(G: nx.Graph, seed: int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    H = G.copy()
    for u, v in H.edges():
        H.edges[u, v]["weight"] = float(rng.uniform(0.2, 5.0))
    return H


def tree_with_cliques() -> nx.Graph:
    """A K5 with a pendant path of 3 bridges and a pendant triangle on another bridge."""
    G = nx.complete_graph(5)
    nx.add_path(G, [4, 5, 6, 7])
    G.add_edges_from([(0, 8), (8, 9), (9, 10), (10, 8)])
    return graphs.validate_graph(G).graph


GRAPHS = {
    "barbell": graphs.barbell(6, 6, seed=3),
    "barbell_path": graphs.barbell(5, 7, bridge_length=2, seed=1),
    "asymmetric_chain": graphs.asymmetric_chain(seed=4),
    "weighted_chain": weighted(graphs.asymmetric_chain([3, 6, 4], seed=2), 7),
    "weighted_pendants": weighted(tree_with_cliques(), 3),
}


# --------------------------------------------------------------------------- bridges


@pytest.mark.parametrize("variant", ["independent", "sampling"])
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_oracle_never_drops_a_bridge(name: str, variant: str) -> None:
    G = GRAPHS[name]
    R = exact_resistance(G)
    b = bridge_mask(G)
    assert b.any()
    w = graphs.edge_weights(G)
    for seed in range(40):
        for budget in (0.05, 0.3, 0.7):
            sp = spectral_oracle(G, budget=budget, variant=variant, seed=seed, resistance=R)
            assert sp.mask[b].all(), (name, variant, seed, budget)
            np.testing.assert_allclose(sp.weights[b], w[b])  # kept with their own weight
            assert (sp.probs[b] == 1.0).all()


@pytest.mark.parametrize("variant", ["independent", "sampling"])
def test_oracle_keeps_bridges_even_with_inexact_resistance(variant: str) -> None:
    """An approximate R that puts a bridge at w R = 0.8 must not unseat it."""
    G = GRAPHS["asymmetric_chain"]
    b = bridge_mask(G)
    R = exact_resistance(G)
    R[b] *= 0.8
    for seed in range(30):
        sp = spectral_oracle(G, budget=0.3, variant=variant, seed=seed, resistance=R)
        assert sp.mask[b].all()


def test_uniform_drops_bridges_sometimes() -> None:
    G = GRAPHS["barbell"]
    b = bridge_mask(G)
    kept = [uniform_sparsifier(G, budget=0.5, seed=s).mask[b].all() for s in range(40)]
    assert 0 < sum(kept) < 40  # structure-blind: about half the time


# ---------------------------------------------------------------------------- budget


@pytest.mark.parametrize("budget", [0.4, 0.75, 1.0, 60, 60.5])
def test_oracle_probabilities_sum_to_budget(budget: float) -> None:
    G = graphs.erdos_renyi(40, 0.2, seed=1)
    m = G.number_of_edges()
    p = oracle_keep_probabilities(G, budget=budget, resistance=exact_resistance(G))
    target = budget * m if budget <= 1 else budget
    assert p.shape == (m,)
    assert p.sum() == pytest.approx(target, rel=1e-9)
    assert ((p > 0) & (p <= 1)).all()


@pytest.mark.parametrize("variant", ["independent", "sampling"])
def test_expected_kept_edges_match_budget(variant: str) -> None:
    G = graphs.stochastic_block_model((15, 15), 0.5, 0.05, seed=2)
    m = G.number_of_edges()
    R = exact_resistance(G)
    kept = [
        spectral_oracle(G, budget=0.4, variant=variant, seed=s, resistance=R).n_kept
        for s in range(300)
    ]
    sp = spectral_oracle(G, budget=0.4, variant=variant, seed=0, resistance=R)
    assert sp.probs.sum() == pytest.approx(0.4 * m, abs=1.0)  # q is an integer
    sd = np.sqrt(np.sum(sp.probs * (1 - sp.probs)) / 300) + 0.5  # + dependence slack
    assert abs(np.mean(kept) - sp.probs.sum()) < 5 * sd


def test_uniform_expected_kept_edges_match_budget() -> None:
    G = graphs.erdos_renyi(30, 0.3, seed=0)
    kept = [uniform_sparsifier(G, budget=40, seed=s).n_kept for s in range(300)]
    p = 40 / G.number_of_edges()
    assert abs(np.mean(kept) - 40) < 5 * np.sqrt(40 * (1 - p) / 300)


@pytest.mark.parametrize("variant", ["independent", "sampling"])
def test_budget_too_small_is_raised_with_a_notice(variant: str) -> None:
    G = GRAPHS["barbell"]  # n = 12, connected: the minimum is n - 1 = 11 expected edges
    R = exact_resistance(G)
    sp = spectral_oracle(G, budget=0.05, variant=variant, seed=0, resistance=R)
    raised = [s for s in sp.notices if "budget raised" in s]
    assert len(raised) == 1 and "11" in raised[0]
    if variant == "independent":
        assert sp.probs.sum() == pytest.approx(11.0)
    ok = spectral_oracle(G, budget=0.5, variant=variant, seed=0, resistance=R)
    assert not any("budget raised" in s for s in ok.notices)


def test_minimum_budget_is_n_minus_components() -> None:
    """Foster: with two components and an isolated node, the floor is n - c."""
    G = nx.disjoint_union(nx.complete_graph(4), nx.cycle_graph(5))
    G.add_node(9)
    G = graphs.validate_graph(G).graph
    p = oracle_keep_probabilities(G, budget=0.01, resistance=exact_resistance(G))
    assert p.sum() == pytest.approx(10 - 3)


@settings(max_examples=60, deadline=None)
@given(
    s=st.lists(st.floats(1e-4, 1.0), min_size=1, max_size=40),
    frac=st.floats(0.01, 1.0),
)
def test_solve_scale_hits_the_target(s: list[float], frac: float) -> None:
    s_arr = np.array(s)
    k = frac * len(s)
    C = _solve_scale(s_arr, k)
    assert np.minimum(1.0, C * s_arr).sum() == pytest.approx(k, rel=1e-9, abs=1e-9)


# --------------------------------------------------------------------- reweighting


@pytest.mark.parametrize("method,variant", [("oracle", "independent"), ("oracle", "sampling"),
                                            ("uniform", "independent")])  # fmt: skip
def test_reweighting_is_unbiased(method: str, variant: str) -> None:
    G = weighted(graphs.barbell(5, 4, seed=0), 1)
    R = exact_resistance(G)
    K = 3000
    rng = np.random.default_rng(5)
    W = np.array(
        [
            sparsify(G, method, budget=0.5, variant=variant, seed=rng, resistance=R).weights
            for _ in range(K)
        ]
    )  # (K, m)
    L_G = laplacian(G, graphs.edge_weights(G))
    L_mean = laplacian(G, W.mean(axis=0))  # the Laplacian is linear in the weights
    se = W.std(axis=0).max() / np.sqrt(K)
    assert np.abs(L_mean - L_G).max() < 6 * 2 * se + 1e-12
    # a biased reweighting (no 1/p) would be far off
    assert np.abs(laplacian(G, (W > 0).mean(axis=0)) - L_G).max() > 0.1


def core_with_satellites(seed: int = 0) -> nx.Graph:
    """A dense G(40, 0.5) core plus 10 degree-2 nodes: resistances are far from uniform."""
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(40, 0.5, seed=seed)
    for i in range(40, 50):
        a, b = rng.choice(40, 2, replace=False)
        G.add_edges_from([(i, int(a)), (i, int(b))])
    return graphs.validate_graph(G).graph


def test_oracle_spectral_error_beats_uniform() -> None:
    """Same budget: the oracle is a genuine spectral sparsifier (eps < 1), uniform is not.

    On a homogeneous G(n, p) the two are about equal (all R_e are alike); the oracle's
    edge comes from spending its budget where resistances are high.
    """
    G = core_with_satellites(0)
    R = exact_resistance(G)
    err: dict[str, list[float]] = {"oracle": [], "uniform": []}
    for seed in range(8):
        for method in err:
            sp = sparsify(G, method, budget=0.5, seed=seed, resistance=R)
            err[method].append(spectral_quality(G, sp.weights).epsilon)
    assert max(err["oracle"]) < 0.9
    assert np.mean(err["oracle"]) < 0.75 * np.mean(err["uniform"])


# ---------------------------------------------------------------------- reproducible


@pytest.mark.parametrize("method,variant", [("oracle", "independent"), ("oracle", "sampling"),
                                            ("uniform", "independent")])  # fmt: skip
def test_same_seed_same_result(method: str, variant: str) -> None:
    G = GRAPHS["weighted_chain"]
    R = exact_resistance(G)
    a = sparsify(G, method, budget=0.5, seed=7, variant=variant, resistance=R)
    b = sparsify(G, method, budget=0.5, seed=7, variant=variant, resistance=R)
    c = sparsify(G, method, budget=0.5, seed=np.random.default_rng(7), variant=variant,
                 resistance=R)  # fmt: skip
    d = sparsify(G, method, budget=0.5, seed=8, variant=variant, resistance=R)
    for x in (b, c):
        np.testing.assert_array_equal(a.mask, x.mask)
        np.testing.assert_array_equal(a.weights, x.weights)
    assert not np.array_equal(a.mask, d.mask)


def test_result_is_well_formed_and_input_untouched() -> None:
    G = GRAPHS["weighted_pendants"]
    before = sorted(G.edges(data="weight"))
    m = G.number_of_edges()
    for method in ("oracle", "uniform"):
        sp = sparsify(G, method, budget=0.5, seed=0, resistance=exact_resistance(G))
        assert sp.method == method
        assert sp.mask.shape == sp.weights.shape == sp.probs.shape == (m,)
        assert sp.mask.dtype == bool and sp.weights.dtype == np.float64
        assert (sp.weights[~sp.mask] == 0).all() and (sp.weights[sp.mask] > 0).all()
        assert isinstance(sp.notices, tuple)
    assert sorted(G.edges(data="weight")) == before


def test_sparse_graph_keeps_every_node() -> None:
    G = nx.path_graph(4)
    G.add_node(4)  # isolated
    G = graphs.validate_graph(G).graph
    sp = Sparsified(np.array([True, False, True]), np.array([2.0, 0.0, 3.0]), np.ones(3), "uniform")
    H = sparse_graph(G, sp)
    assert sorted(H.nodes()) == [0, 1, 2, 3, 4]
    assert H.nodes[4]["label"] == 4
    assert sorted(H.edges(data="weight")) == [(0, 1, 2.0), (2, 3, 3.0)]
    with pytest.raises(ConfigError, match="different|graph has"):
        sparse_graph(nx.path_graph(3), sp)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_oracle_computes_resistance_when_not_given(name: str) -> None:
    G = GRAPHS[name]
    a = spectral_oracle(G, budget=0.5, seed=3)
    b = spectral_oracle(G, budget=0.5, seed=3, resistance=pinv_resistance(G))
    c = spectral_oracle(G, budget=0.5, seed=3, resistance=effective_resistance(G))
    np.testing.assert_allclose(a.probs, b.probs, rtol=1e-6)
    np.testing.assert_array_equal(a.mask, b.mask)
    np.testing.assert_array_equal(a.mask, c.mask)  # a ResistanceResult is accepted as is
    assert not any("effective resistance" in note for note in a.notices)  # exact: silent


def test_oracle_with_approximate_resistance(monkeypatch: pytest.MonkeyPatch) -> None:
    import specdiff_core.resistance as resistance

    G = GRAPHS["asymmetric_chain"]
    R = effective_resistance(G, method="approx", eps=0.5, seed=1)
    sp = spectral_oracle(G, budget=0.5, seed=0, resistance=R)
    assert sp.mask[bridge_mask(G)].all()
    assert sp.probs.sum() == pytest.approx(0.5 * G.number_of_edges())

    def approx_only(G: nx.Graph, method: str = "auto", **kw: object) -> object:
        return effective_resistance(G, "approx", **kw)

    monkeypatch.setattr(resistance, "effective_resistance", approx_only)
    sp = spectral_oracle(G, budget=0.5, seed=0)  # computes R itself: must say how
    assert any("method=approx" in note for note in sp.notices)


# ------------------------------------------------------------------------- errors


@pytest.mark.parametrize("budget", [0, -0.5, float("nan"), float("inf"), "half", True, None, 1e6])
@pytest.mark.parametrize("method", ["oracle", "uniform"])
def test_bad_budget(budget: object, method: str) -> None:
    G = GRAPHS["barbell"]
    with pytest.raises(ConfigError, match="budget"):
        sparsify(G, method, budget=budget, resistance=exact_resistance(G))


def test_bad_variant_and_method() -> None:
    G = GRAPHS["barbell"]
    with pytest.raises(ConfigError, match="variant"):
        spectral_oracle(G, variant="importance", resistance=exact_resistance(G))
    with pytest.raises(ConfigError, match="variant"):
        sparsify(G, "uniform", variant="importance")
    with pytest.raises(ConfigError, match="sparsifier"):
        sparsify(G, "random")


def test_bad_resistance() -> None:
    G = GRAPHS["barbell"]
    R = exact_resistance(G)
    with pytest.raises(ConfigError, match="edges"):
        spectral_oracle(G, resistance=R[:-1])
    with pytest.raises(ConfigError, match="positive"):
        spectral_oracle(G, resistance=-R)
    with pytest.raises(ConfigError, match="positive"):
        spectral_oracle(G, resistance=np.where(np.arange(len(R)) == 0, np.nan, R))

    class Foreign:  # a ResistanceResult computed for another graph
        values = R
        edges = graphs.edge_array(G)[::-1]

    with pytest.raises(ConfigError, match="different graph"):
        spectral_oracle(G, resistance=Foreign())


def test_bad_graph_and_seed() -> None:
    empty = nx.empty_graph(3)
    with pytest.raises(GraphError, match="no edges"):
        uniform_sparsifier(empty)
    with pytest.raises(GraphError):
        uniform_sparsifier(nx.Graph([("a", "b")]))  # not canonical
    with pytest.raises(ConfigError, match="seed"):
        uniform_sparsifier(GRAPHS["barbell"], seed="0")
