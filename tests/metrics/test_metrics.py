"""Metrics: hand-worked components, bridges, Wilson intervals, spectral error, batches."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from specdiff_core import graphs
from specdiff_core.errors import ConfigError
from specdiff_core.metrics import (
    bridge_mask,
    bridge_survival,
    edge_retention,
    evaluate,
    evaluate_batch,
    n_components,
    preserves_connectivity,
    spectral,
    spectral_quality,
    summarize,
    wilson_ci,
)

Z = 1.959963984540054


def canon(G: nx.Graph) -> nx.Graph:
    return graphs.validate_graph(G).graph


def two_triangles() -> nx.Graph:
    """Triangles {0,1,2} and {3,4,5} joined by the edge (2, 3).

    Canonical edges: (0,1) (0,2) (1,2) (2,3) (3,4) (3,5) (4,5); only (2,3) is a bridge.
    """
    return canon(nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (4, 5), (3, 5)]))


# --------------------------------------------------------------------- combinatorial


def test_path_graph_by_hand() -> None:
    G = canon(nx.path_graph(5))  # edges (0,1) (1,2) (2,3) (3,4), all bridges
    assert bridge_mask(G).tolist() == [True] * 4
    assert n_components(G, [True] * 4) == 1
    assert n_components(G, [True, False, True, True]) == 2
    assert n_components(G, [False, True, False, True]) == 3  # {0} {1,2} {3,4}
    assert n_components(G, [False] * 4) == 5
    assert preserves_connectivity(G, [True] * 4)
    assert not preserves_connectivity(G, [True, True, False, True])
    assert bridge_survival(G, [True, False, False, True]) == 0.5
    assert edge_retention([True, False, False, True]) == 0.5


def test_two_triangles_by_hand() -> None:
    G = two_triangles()
    assert graphs.edge_array(G).tolist()[3] == [2, 3]
    assert bridge_mask(G).tolist() == [False, False, False, True, False, False, False]
    drop_triangle_edge = [False, True, True, True, True, True, True]
    assert preserves_connectivity(G, drop_triangle_edge)
    assert bridge_survival(G, drop_triangle_edge) == 1.0
    drop_bridge = [True, True, True, False, True, True, True]
    assert n_components(G, drop_bridge) == 2
    assert not preserves_connectivity(G, drop_bridge)
    assert bridge_survival(G, drop_bridge) == 0.0


def test_components_count_isolated_nodes() -> None:
    G = nx.disjoint_union(nx.complete_graph(3), nx.path_graph(2))
    G.add_node(5)
    G = canon(G)  # 3 components: a triangle, an edge, an isolated node
    m = G.number_of_edges()
    assert n_components(G, [True] * m) == 3
    assert preserves_connectivity(G, [True] * m)
    assert n_components(G, [False] * m) == 6
    assert math.isnan(bridge_survival(canon(nx.complete_graph(4)), [True] * 6))
    assert math.isnan(edge_retention([]))


def test_components_match_networkx_on_random_masks() -> None:
    G = graphs.asymmetric_chain([4, 6, 5], seed=3)  # shuffled labels: components interleave
    m = G.number_of_edges()
    edges = graphs.edge_array(G)
    rng = np.random.default_rng(1)
    masks = rng.random((40, m)) < 0.4
    batch = evaluate_batch(G, masks, spectral=False)
    for k, mask in enumerate(masks):
        H = nx.Graph()
        H.add_nodes_from(G.nodes())
        H.add_edges_from(map(tuple, edges[mask]))
        expected = nx.number_connected_components(H)
        assert n_components(G, mask) == expected
        assert batch["n_components"][k] == expected


def test_mask_errors() -> None:
    G = two_triangles()
    with pytest.raises(ConfigError, match="shape"):
        n_components(G, [True] * 6)
    with pytest.raises(ConfigError, match="0/1"):
        n_components(G, [0, 1, 2, 1, 1, 1, 1])
    with pytest.raises(ConfigError, match="weights"):
        evaluate(G, [True] * 7, -np.ones(7))
    with pytest.raises(ConfigError, match="weights"):
        evaluate(G, [True] * 7, np.ones(6))
    assert n_components(G, np.ones(7, dtype=int)) == 1  # 0/1 integers are fine


# -------------------------------------------------------------------------- Wilson


def wilson_by_roots(k: int, n: int, z: float = Z) -> tuple[float, float]:
    """Independent reference: the roots in p of (k/n - p)^2 = z^2 p (1 - p) / n."""
    ph = k / n
    a = 1 + z * z / n
    b = -(2 * ph + z * z / n)
    c = ph * ph
    lo, hi = sorted(np.roots([a, b, c]).real)
    return float(lo), float(hi)


@pytest.mark.parametrize(
    "k,n,expected",
    [
        (0, 10, (0.0, 0.27753)),  # z^2 / (n + z^2)
        (5, 10, (0.23659, 0.76341)),
        (10, 10, (0.72247, 1.0)),
        (1, 10, (0.01787, 0.40415)),
    ],
)
def test_wilson_known_values(k: int, n: int, expected: tuple[float, float]) -> None:
    lo, hi = wilson_ci(k, n)
    assert (lo, hi) == pytest.approx(expected, abs=5e-5)
    assert (lo, hi) == pytest.approx(wilson_by_roots(k, n), abs=1e-7)


def test_wilson_bounds_are_exact_at_the_extremes() -> None:
    for n in range(1, 300):
        for z in (1.0, Z, 2.576):
            assert wilson_ci(0, n, z)[0] == 0.0 and wilson_ci(n, n, z)[1] == 1.0
            lo, hi = wilson_ci(n // 3, n, z)
            assert 0.0 <= lo <= n // 3 / n <= hi <= 1.0


def test_wilson_edges() -> None:
    assert wilson_ci(0, 10)[0] == 0.0
    assert wilson_ci(10, 10)[1] == 1.0
    assert wilson_ci(0, 10)[1] == pytest.approx(Z**2 / (10 + Z**2), rel=1e-12)
    lo, hi = wilson_ci(0, 0)
    assert math.isnan(lo) and math.isnan(hi)
    for bad in [(-1, 10), (11, 10), (1.5, 10)]:
        with pytest.raises(ConfigError):
            wilson_ci(*bad)
    with pytest.raises(ConfigError, match="z"):
        wilson_ci(1, 2, z=0)


# ------------------------------------------------------------------------ spectral


def test_spectral_quality_of_G_and_scaled_G() -> None:
    G = canon(nx.les_miserables_graph())  # weighted, connected
    w = graphs.edge_weights(G)
    q = spectral_quality(G, w)
    assert (q.lambda_min, q.lambda_max, q.epsilon) == pytest.approx((1, 1, 0), abs=1e-9)
    assert q.lambda2_ratio == pytest.approx(1.0)
    q2 = spectral_quality(G, 2 * w)
    assert (q2.lambda_min, q2.lambda_max, q2.epsilon) == pytest.approx((2, 2, 1), abs=1e-9)
    assert q2.lambda2_ratio == pytest.approx(2.0)


def test_spectral_quality_of_a_tree_is_the_weight_ratios() -> None:
    """For a tree L = B^T W B with B invertible off the constants: lambda = h_e / w_e."""
    G = canon(nx.Graph([(0, 1, {"weight": 2.0}), (1, 2, {"weight": 1.0}), (1, 3, {"weight": 4})]))
    q = spectral_quality(G, np.array([1.0, 3.0, 2.0]))  # ratios 0.5, 3, 0.5
    assert (q.lambda_min, q.lambda_max, q.epsilon) == pytest.approx((0.5, 3.0, 2.0))


def test_spectral_quality_of_disconnecting_H() -> None:
    G = two_triangles()
    w = np.ones(7)
    w[3] = 0.0  # drop the bridge
    q = spectral_quality(G, w)
    assert q.lambda_min == 0.0 and q.epsilon >= 1.0 and q.lambda2_ratio == 0.0
    w = np.ones(7)
    w[0] = w[1] = 0.0  # isolate node 0
    assert spectral_quality(G, w).epsilon >= 1.0


@pytest.mark.parametrize("a,b", [(2.0, 3.0), (3.0, 2.0)])
def test_spectral_quality_per_component(a: float, b: float) -> None:
    G = nx.disjoint_union(nx.complete_graph(4), nx.cycle_graph(5))
    G.add_node(9)  # an isolated node is ignored
    G = canon(G)
    first = graphs.edge_array(G)[:, 0] < 4  # the K4's edges
    q = spectral_quality(G, np.where(first, a, b))
    assert (q.lambda_min, q.lambda_max, q.epsilon) == pytest.approx((2, 3, 2))
    assert math.isnan(q.lambda2_ratio)  # G is not connected


def test_spectral_quality_too_big_is_nan_with_a_note() -> None:
    G = two_triangles()
    q = spectral_quality(G, np.ones(7), max_dense_nodes=3)
    assert math.isnan(q.epsilon) and "max_dense_nodes" in q.note


# ------------------------------------------------------------------------ evaluate


def test_evaluate_one_sample_by_hand() -> None:
    G = two_triangles()
    out = evaluate(G, [True, True, False, False, True, True, True])
    assert out["connected"] == 0.0 and out["n_components"] == 2.0
    assert out["bridge_survival"] == 0.0 and out["edge_retention"] == pytest.approx(5 / 7)
    assert out["spectral_error"] >= 1.0 and out["lambda2_ratio"] == 0.0
    full = evaluate(G, [True] * 7)  # unweighted mask of everything: H = G
    assert full["connected"] == 1.0 and full["spectral_error"] == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize("weighted", [False, True])
def test_evaluate_batch_matches_evaluate(weighted: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spectral, "_CHUNK_BYTES", 8 * 9 * 9 * 4)  # eigensolve in chunks of 4
    G = nx.disjoint_union(graphs.barbell(4, 5, seed=1), nx.path_graph(3))
    G.add_node(20)
    G = canon(G)  # two components with edges, an isolated node, several bridges
    m = G.number_of_edges()
    rng = np.random.default_rng(0)
    masks = rng.random((25, m)) < 0.7  # (K, m)
    masks[0] = True
    weights = rng.uniform(0.5, 2.0, (25, m)) if weighted else None
    batch = evaluate_batch(G, masks, weights)
    for k in range(len(masks)):
        one = evaluate(G, masks[k], None if weights is None else weights[k])
        assert set(one) == set(batch)
        for key, value in one.items():
            np.testing.assert_allclose(batch[key][k], value, rtol=1e-9, atol=1e-9, err_msg=key)
    assert 0 < batch["connected"].sum() < 25


def test_evaluate_batch_connected_graph_and_no_spectral() -> None:
    G = two_triangles()
    masks = np.array([[True] * 7, [True, True, True, False, True, True, True]])
    out = evaluate_batch(G, masks, spectral=False)
    assert out["connected"].tolist() == [1.0, 0.0]
    assert np.isnan(out["spectral_error"]).all()
    full = evaluate_batch(G, masks, np.ones((2, 7)))
    assert full["lambda2_ratio"] == pytest.approx([1.0, 0.0], abs=1e-9)


def test_summarize_pools_bridges_and_uses_wilson() -> None:
    G = canon(nx.path_graph(5))  # 4 bridges
    masks = np.array([[True] * 4, [True, False, True, True], [True] * 4])
    out = summarize(evaluate_batch(G, masks))
    assert out["n"] == 3
    assert out["connectivity"] == pytest.approx(2 / 3)
    assert out["connectivity_ci"] == pytest.approx(list(wilson_ci(2, 3)))
    assert out["bridge_survival"] == pytest.approx(11 / 12)
    assert out["bridge_survival_ci"] == pytest.approx(list(wilson_ci(11, 12)))
    assert out["edge_retention"] == pytest.approx(11 / 12)
    assert out["spectral_error"] == pytest.approx(1 / 3, abs=1e-9)  # 0, 1, 0
    # pooled over bridges, not a mean of per-sample shares: 4/4 kept and 0/1 kept
    tri = two_triangles()
    a = evaluate_batch(G, np.ones((1, 4), dtype=bool))
    b = evaluate_batch(tri, np.array([[True, True, True, False, True, True, True]]))
    both = summarize({k: np.concatenate([a[k], b[k]]) for k in a})
    assert both["bridge_survival"] == pytest.approx(4 / 5)
    assert both["bridge_survival_ci"] == pytest.approx(list(wilson_ci(4, 5)))
    none = summarize(evaluate_batch(G, np.zeros((0, 4), dtype=bool)))
    assert none["n"] == 0 and math.isnan(none["connectivity_ci"][0])
    with pytest.raises(ConfigError, match="evaluate_batch"):
        summarize({"connected": np.ones(3)})


def test_a_laplacian_past_double_precision_is_a_user_error_not_an_assert() -> None:
    """Issue 14: a canonical graph (built by hand, past the loaders' weight gate) whose
    weights span 600 orders of magnitude failed an internal assert; it is a GraphError."""
    from specdiff_core.errors import GraphError

    G = nx.Graph()
    G.add_weighted_edges_from([(0, 1, 1e-300), (1, 2, 1e300), (2, 0, 1.0), (2, 3, 1e-300)])
    with pytest.raises(GraphError, match="numerically singular Laplacian"):
        spectral_quality(G, graphs.edge_weights(G))
