"""Cutting one edge: Rayleigh monotonicity, bridges, and hand-worked values."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from specdiff_core import graphs, resistance
from specdiff_core.errors import GraphError


def test_cutting_an_edge_of_a_four_cycle_makes_the_rest_a_path():
    G = nx.cycle_graph(4)  # every edge 3/4; cut one and the other three are bridges
    eff = resistance.cut_effect(G, 0)
    assert eff.before == pytest.approx([0.75] * 4)
    assert np.isnan(eff.after[0]) and eff.after[1:] == pytest.approx([1.0] * 3)
    assert not eff.disconnects


@pytest.mark.parametrize("seed", range(5))
def test_no_resistance_goes_down_rayleigh(seed):
    G = graphs.make_graph("erdos_renyi", n=25, p=0.25, seed=seed)
    m = G.number_of_edges()
    for j in np.random.default_rng(seed).choice(m, size=5, replace=False):
        delta = resistance.cut_effect(G, int(j)).delta
        assert np.isnan(delta[j])
        assert np.nanmin(delta) >= -1e-9


def test_cutting_a_bridge_changes_no_other_edge():
    G = graphs.make_graph("barbell", k1=4, k2=4)
    j = int(np.flatnonzero(graphs.bridge_mask(G))[0])
    eff = resistance.cut_effect(G, j)
    assert eff.disconnects
    assert np.nanmax(np.abs(eff.delta)) < 1e-12


@pytest.mark.parametrize("bad", [-1, 3, True, 1.0, "0"])
def test_an_edge_that_is_not_there_is_refused(bad):
    with pytest.raises(GraphError, match="not an edge index"):
        resistance.cut_effect(nx.path_graph(4), bad)
