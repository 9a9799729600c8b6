"""Tests of specdiff_core.resistance: exact values worked out by hand or by networkx,
Foster's theorem as a property, the approximation's accuracy and seeding, and one test
per error path."""

from __future__ import annotations

import functools
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specdiff_core import graphs
from specdiff_core.errors import ConfigError, GraphError
from specdiff_core.resistance import (
    METHODS,
    ResistanceResult,
    effective_resistance,
    laplacian,
)

EXACT = ("dense", "sparse")


def canonical(G: nx.Graph) -> nx.Graph:
    return graphs.validate_graph(G, limits=graphs.Limits(10**5, 10**6)).graph


def weighted(G: nx.Graph, seed: int = 0) -> nx.Graph:
    """A copy of canonical G with weights spread over two orders of magnitude."""
    H = G.copy()
    rng = np.random.default_rng(seed)
    for u, v in graphs.edge_array(H):
        H.edges[int(u), int(v)]["weight"] = float(10 ** rng.uniform(-1, 1))
    return H


def value_of(res: ResistanceResult, u: int, v: int) -> float:
    u, v = min(u, v), max(u, v)
    i = np.flatnonzero((res.edges[:, 0] == u) & (res.edges[:, 1] == v))
    assert len(i) == 1, f"edge ({u}, {v}) missing"
    return float(res.values[i[0]])


def networkx_values(G: nx.Graph) -> np.ndarray:
    """networkx.resistance_distance per edge, on the edge's component (weights = conductances).

    One call per distinct first endpoint (each call takes a dense pseudoinverse).
    """
    comps = {int(x): c for c in nx.connected_components(G) for x in c}
    rows: dict[int, dict] = {}
    out = []
    for u, v in graphs.edge_array(G):
        u, v = int(u), int(v)
        if u not in rows:
            H = G.subgraph(comps[u])
            rows[u] = nx.resistance_distance(H, u, weight="weight", invert_weight=False)
        out.append(rows[u][v])
    return np.array(out)


@functools.cache
def small_graph(name: str, is_weighted: bool) -> tuple[nx.Graph, np.ndarray]:
    G = SMALL_GRAPHS[name]()
    if is_weighted:
        G = weighted(G, seed=len(name))
    return G, networkx_values(G)


SMALL_GRAPHS = {
    "karate": lambda: graphs.classic("karate_club"),
    "barbell": lambda: graphs.barbell(6, 4, bridge_length=2, seed=3),
    "er_disconnected": lambda: canonical(
        nx.union(nx.gnp_random_graph(25, 0.2, seed=1), nx.cycle_graph(range(25, 31)))
    ),
    "ws": lambda: graphs.watts_strogatz(40, 4, 0.2, seed=2),
}


# ------------------------------------------------------------------------ exact values


@pytest.mark.parametrize("method", EXACT)
@pytest.mark.parametrize("name", sorted(SMALL_GRAPHS))
@pytest.mark.parametrize("is_weighted", [False, True])
def test_matches_networkx(method: str, name: str, is_weighted: bool) -> None:
    G, expected = small_graph(name, is_weighted)
    res = effective_resistance(G, method)
    np.testing.assert_allclose(res.values, expected, rtol=1e-9, atol=0)


def test_hand_worked_series_parallel() -> None:
    # Triangle 0-1-2 with conductances 2, 3, 6, a pendant 2-3 of conductance 0.5,
    # a second component 4-5-6 (conductances 1, 4) and an isolated node 7.
    G = nx.Graph()
    G.add_nodes_from(range(8))
    G.add_weighted_edges_from(
        [(0, 1, 2.0), (1, 2, 3.0), (0, 2, 6.0), (2, 3, 0.5), (4, 5, 1.0), (5, 6, 4.0)]
    )
    G = canonical(G)
    expected = {
        (0, 1): 1 / (2 + 1 / (1 / 3 + 1 / 6)),  # 2 in parallel with (3 series 6) = 1/4
        (1, 2): 1 / (3 + 1 / (1 / 2 + 1 / 6)),  # = 2/9
        (0, 2): 1 / (6 + 1 / (1 / 2 + 1 / 3)),  # = 5/36
        (2, 3): 2.0,  # a bridge of conductance 1/2
        (4, 5): 1.0,
        (5, 6): 0.25,
    }
    assert expected[(0, 1)] == pytest.approx(1 / 4) and expected[(1, 2)] == pytest.approx(2 / 9)
    for method in EXACT:
        res = effective_resistance(G, method)
        for (u, v), r in expected.items():
            assert value_of(res, u, v) == pytest.approx(r, rel=1e-12), (method, u, v)


@pytest.mark.parametrize("k", [2, 3, 7, 40])
@pytest.mark.parametrize("method", EXACT)
def test_complete_graph_is_two_over_k(k: int, method: str) -> None:
    res = effective_resistance(canonical(nx.complete_graph(k)), method)
    np.testing.assert_allclose(res.values, 2.0 / k, rtol=1e-12)


@pytest.mark.parametrize("method", EXACT)
def test_bridges_of_unweighted_graphs_are_one(method: str) -> None:
    G = graphs.cliques_joined_by_bridges([5, 8, 3, 6], bridge_length=1, seed=4)
    res = effective_resistance(G, method)
    bridges = {tuple(sorted(e)) for e in nx.bridges(G)}
    assert len(bridges) == 6
    is_bridge = np.array([(int(u), int(v)) in bridges for u, v in res.edges])
    np.testing.assert_allclose(res.values[is_bridge], 1.0, rtol=1e-12)
    assert np.all(res.values[~is_bridge] < 1.0 - 1e-6)  # every other edge has a detour


@pytest.mark.parametrize("method", EXACT)
def test_clique_barbell_bridge_is_exact(method: str) -> None:
    G = graphs.barbell(50, 50, seed=0)  # badly conditioned: two K_50 and one bridge
    res = effective_resistance(G, method)
    (bridge,) = [tuple(sorted(e)) for e in nx.bridges(G)]
    assert abs(value_of(res, *bridge) - 1.0) < 1e-9
    others = res.values[res.values < 0.5]
    assert len(others) == G.number_of_edges() - 1


def test_dense_equals_sparse_on_a_grid_with_many_supernodes() -> None:
    G = weighted(canonical(nx.grid_2d_graph(25, 30)), seed=5)
    dense = effective_resistance(G, "dense").values
    sparse = effective_resistance(G, "sparse").values
    np.testing.assert_allclose(sparse, dense, rtol=1e-9)


# --------------------------------------------------------------------- property tests


@st.composite
def random_graphs(draw: st.DrawFn) -> nx.Graph:
    """Random weighted graphs, often disconnected, with isolated nodes, >= 1 edge."""
    n = draw(st.integers(2, 24))
    pairs = [(u, v) for u in range(n) for v in range(u + 1, n)]
    mask = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    chosen = [p for p, keep in zip(pairs, mask, strict=True) if keep] or [pairs[0]]
    weights = draw(
        st.lists(
            st.floats(0.05, 20.0, allow_nan=False),
            min_size=len(chosen),
            max_size=len(chosen),
        )
    )
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_weighted_edges_from((u, v, w) for (u, v), w in zip(chosen, weights, strict=True))
    return canonical(G)


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(random_graphs())
def test_foster_theorem(G: nx.Graph) -> None:
    n_active = sum(1 for _, d in G.degree() if d > 0)
    n_comps = sum(1 for c in nx.connected_components(G) if len(c) > 1)
    w = graphs.edge_weights(G)
    for method in EXACT:
        res = effective_resistance(G, method)
        assert float(w @ res.values) == pytest.approx(n_active - n_comps, rel=1e-9, abs=1e-9)


@PROPERTY
@given(random_graphs())
def test_dense_equals_sparse(G: nx.Graph) -> None:
    dense = effective_resistance(G, "dense")
    sparse = effective_resistance(G, "sparse")
    np.testing.assert_allclose(sparse.values, dense.values, rtol=1e-9)
    np.testing.assert_array_equal(dense.edges, graphs.edge_array(G))


@settings(max_examples=15, deadline=None)
@given(random_graphs(), st.integers(0, 2**31 - 1))
def test_approx_obeys_foster_loosely_and_is_positive(G: nx.Graph, seed: int) -> None:
    res = effective_resistance(G, "approx", eps=0.3, seed=seed)
    assert np.all(res.values > 0) and np.all(np.isfinite(res.values))
    exact = effective_resistance(G, "dense").values
    assert np.median(np.abs(res.values / exact - 1)) < 0.5


# ----------------------------------------------------------------------- approximation


@pytest.mark.parametrize("solver", ["cg", "factor"])
@pytest.mark.parametrize(
    "make",
    [
        lambda: weighted(graphs.erdos_renyi(250, 0.06, seed=2)),
        lambda: graphs.watts_strogatz(300, 6, 0.1, seed=3),
        lambda: graphs.barbell(30, 30, seed=1),
    ],
)
def test_approx_median_error_within_eps(solver: str, make) -> None:
    G = make()
    exact = effective_resistance(G, "dense").values
    for eps in (0.3, 0.15):
        res = effective_resistance(G, "approx", eps=eps, seed=1, solver=solver)
        rel = np.abs(res.values / exact - 1)
        # k = 4 ln n / eps^2 gives a median near eps / 5; eps / 2 leaves room, not much.
        assert np.median(rel) < eps / 2, (eps, np.median(rel))
        assert res.method == "approx" and res.eps == eps


def test_cg_and_factor_solve_the_same_projection() -> None:
    G = weighted(graphs.watts_strogatz(200, 4, 0.3, seed=7))
    a = effective_resistance(G, "approx", seed=3, solver="cg", tol=1e-10).values
    b = effective_resistance(G, "approx", seed=3, solver="factor").values
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_approx_is_unbiased() -> None:
    # E ||Q x||^2 = ||x||^2 for rows of +-1/sqrt(k): averaged over many edges and seeds the
    # ratio to the exact value is 1 even when k is tiny (eps = 0.9 gives k = 29 here).
    G = graphs.erdos_renyi(300, 0.07, seed=4)
    exact = effective_resistance(G, "dense").values
    ratios = [effective_resistance(G, "approx", eps=0.9, seed=s).values / exact for s in range(30)]
    assert effective_resistance(G, "approx", eps=0.9).reason.count("k=29 ") == 1
    assert abs(np.mean(ratios) - 1) < 0.015  # noise ~0.005; a 1/k slip is 0.035


def test_approx_seed_reproducibility() -> None:
    G = graphs.watts_strogatz(120, 4, 0.2, seed=1)
    a = effective_resistance(G, "approx", seed=11).values
    b = effective_resistance(G, "approx", seed=11).values
    c = effective_resistance(G, "approx", seed=12).values
    d = effective_resistance(G, "approx", seed=np.random.default_rng(11)).values
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, d)
    assert not np.allclose(a, c)


def test_cg_not_converging_warns() -> None:
    G = graphs.watts_strogatz(200, 4, 0.05, seed=1)
    with pytest.warns(RuntimeWarning, match="raise maxiter"):
        res = effective_resistance(G, "approx", solver="cg", maxiter=1)
    assert "not converged" in res.reason


# --------------------------------------------------------------------------- contract


def test_result_contract_and_no_mutation() -> None:
    G = weighted(graphs.barbell(5, 7, bridge_length=1, seed=2))
    before = nx.to_dict_of_dicts(G), dict(G.nodes(data=True)), dict(G.graph)
    assert METHODS == ("auto", "dense", "sparse", "approx")
    for method in METHODS:
        res = effective_resistance(G, method)
        assert res.values.dtype == np.float64 and res.values.shape == (G.number_of_edges(),)
        assert res.edges.dtype == np.int64
        np.testing.assert_array_equal(res.edges, graphs.edge_array(G))
        assert res.method in ("dense", "sparse", "approx")
        assert res.method == method or method == "auto"
        assert res.eps == (0.3 if res.method == "approx" else None)
        assert res.reason and "\n" not in res.reason
    assert before == (nx.to_dict_of_dicts(G), dict(G.nodes(data=True)), dict(G.graph))


def test_edges_follow_canonical_order_whatever_the_insertion_order() -> None:
    G = nx.Graph()
    G.add_nodes_from([3, 1, 0, 2, 4])
    G.add_weighted_edges_from([(3, 1, 2.0), (4, 0, 1.0), (2, 1, 0.5), (0, 3, 1.0), (2, 0, 3.0)])
    for method in METHODS:
        res = effective_resistance(G, method)
        np.testing.assert_array_equal(res.edges, graphs.edge_array(G))
        if method != "approx":
            np.testing.assert_allclose(res.values, networkx_values(G), rtol=1e-12)


def test_auto_picks_by_size_and_fill() -> None:
    small = effective_resistance(graphs.erdos_renyi(80, 0.1, seed=1))
    assert small.method == "dense" and "80 nodes" in small.reason
    grid = canonical(nx.grid_2d_graph(40, 40))  # 1,600 nodes, narrow envelope
    res = effective_resistance(grid)
    assert res.method == "sparse" and "envelope" in res.reason
    er = graphs.erdos_renyi(1100, 0.01, seed=1)  # fills in: dense below the cap ...
    assert effective_resistance(er).method == "dense"
    forced = effective_resistance(er, dense_max_nodes=1000, sparse_max_envelope=1000)
    assert forced.method == "approx" and "exceeds sparse_max_envelope" in forced.reason


def test_weight_none_ignores_weights() -> None:
    G = weighted(graphs.classic("karate_club"))
    plain = effective_resistance(graphs.classic("karate_club"), "dense").values
    np.testing.assert_allclose(effective_resistance(G, weight=None).values, plain, rtol=1e-12)
    assert not np.allclose(effective_resistance(G).values, plain)


@pytest.mark.parametrize("method", METHODS)
def test_scaling_weights_scales_resistance_even_near_overflow(method: str) -> None:
    # R(c w) = R(w) / c. With c = 1e305 the weighted degrees would overflow without the
    # internal rescaling; a power of two keeps the rescaling exact.
    G = graphs.classic("karate_club")
    big = G.copy()
    for u, v in big.edges:
        big.edges[u, v]["weight"] = 1e305
    a = effective_resistance(G, method, seed=1).values
    b = effective_resistance(big, method, seed=1).values
    np.testing.assert_allclose(b * 1e305, a, rtol=1e-12)


def test_graph_without_edges_gives_empty_result() -> None:
    G = nx.empty_graph(3)
    res = effective_resistance(G)
    assert res.values.shape == (0,) and res.edges.shape == (0, 2)


def test_laplacian() -> None:
    G = weighted(graphs.watts_strogatz(30, 4, 0.3, seed=1))
    L = laplacian(G)
    assert L.shape == (30, 30) and L.format == "csr"
    expected = nx.laplacian_matrix(G, nodelist=range(30), weight="weight").toarray()
    np.testing.assert_allclose(L.toarray(), expected, rtol=1e-14)
    np.testing.assert_allclose(np.asarray(L.sum(axis=1)).ravel(), 0.0, atol=1e-12)
    unweighted = laplacian(G, weight=None).toarray()
    assert set(np.unique(unweighted[~np.eye(30, dtype=bool)])) <= {-1.0, 0.0}


# ------------------------------------------------------------------------- error paths


def test_bad_method_name() -> None:
    with pytest.raises(ConfigError, match="unknown method 'exact'; choose one of auto"):
        effective_resistance(graphs.barbell(3, 3), "exact")


@pytest.mark.parametrize("eps", [0.0, 1.0, -0.1, 2.0, math.nan, math.inf])
def test_eps_out_of_range(eps: float) -> None:
    with pytest.raises(ConfigError, match="eps must be in"):
        effective_resistance(graphs.barbell(3, 3), "approx", eps=eps)


@pytest.mark.parametrize("eps, k_constant", [(1e-300, 4.0), (1e-160, 4.0), (0.3, 1e308)])
def test_tiny_eps_or_huge_k_constant_is_a_config_error(eps: float, k_constant: float) -> None:
    """Found probing issue 14: eps=1e-300 gave ZeroDivisionError (eps**2 underflows)."""
    with pytest.raises(ConfigError, match="more than 2\\^53 random projections"):
        effective_resistance(graphs.barbell(3, 3), "approx", eps=eps, k_constant=k_constant)


def test_eps_not_a_number() -> None:
    with pytest.raises(ConfigError, match="eps must be a number"):
        effective_resistance(graphs.barbell(3, 3), eps="0.3")  # type: ignore[arg-type]


@pytest.mark.parametrize("k_constant", [0.0, -1.0, math.inf])
def test_k_constant_out_of_range(k_constant: float) -> None:
    with pytest.raises(ConfigError, match="k_constant must be a positive"):
        effective_resistance(graphs.barbell(3, 3), "approx", k_constant=k_constant)


def test_unknown_solver_option() -> None:
    with pytest.raises(ConfigError, match=r"unknown solver option\(s\) \['tolerance'\]"):
        effective_resistance(graphs.barbell(3, 3), tolerance=1e-3)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("solver", "lu", "solver must be 'auto', 'cg' or 'factor'"),
        ("tol", 1.5, "tol must be in"),
        ("tol", -1e-3, "tol must be positive"),
        ("maxiter", 0, "maxiter must be positive"),
        ("dense_max_nodes", "big", "dense_max_nodes must be a number"),
    ],
)
def test_bad_solver_option_values(option: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        effective_resistance(graphs.barbell(3, 3), "approx", **{option: value})


def test_projection_too_big_for_memory() -> None:
    with pytest.raises(ConfigError, match="raise eps, lower k_constant, or use an exact method"):
        effective_resistance(graphs.barbell(30, 30), "approx", eps=0.001, max_memory_gib=0.5)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: nx.DiGraph([(0, 1)]), "undirected simple graph"),
        (lambda: nx.MultiGraph([(0, 1), (0, 1)]), "undirected simple graph"),
        (lambda: nx.Graph([("a", "b")]), "integer nodes 0..n-1"),
        (lambda: nx.Graph([(1, 2)]), "nodes 0..n-1"),
        (lambda: nx.Graph([(0, 1), (1, 1)]), "is a self-loop"),
        (lambda: [(0, 1)], "expected a networkx graph"),
    ],
)
def test_non_canonical_graph(make, message: str) -> None:
    with pytest.raises(GraphError, match=message):
        effective_resistance(make())


def test_sparse_refuses_weights_spread_beyond_floating_point() -> None:
    G = nx.Graph()
    G.add_weighted_edges_from([(0, 1, 1e200), (1, 2, 1e200), (0, 2, 1e-200), (2, 3, 1e-200)])
    with pytest.raises(GraphError, match="span 400 orders of magnitude.*method='dense'"):
        effective_resistance(G, "sparse")
    assert effective_resistance(G, "dense").values[-1] == pytest.approx(1e200, rel=1e-12)


@pytest.mark.parametrize("bad", [-1.0, 0.0, math.nan, math.inf, "heavy"])
def test_bad_weight(bad: object) -> None:
    G = nx.Graph()
    G.add_edge(0, 1, weight=1.0)
    G.add_edge(1, 2, weight=bad)
    with pytest.raises(GraphError, match=r"edge \(1, 2\).*validate_graph"):
        effective_resistance(G)
    with pytest.raises(GraphError, match=r"edge \(1, 2\)"):
        laplacian(G)
