"""The bridge atlas: its numbers (bridges by networkx.bridges, the oracle keeps every
bridge) and the certified sparsifier's export (round-trips, lambda_2 recomputed)."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest

from specdiff_core.errors import ConfigError
from specdiff_core.experiments import atlas
from specdiff_core.graphs import load_graph
from specdiff_core.graphs.real import load_network

CFG = atlas.AtlasConfig(budget=0.9, draws=40, seed=0)


@pytest.fixture(scope="module")
def rows():
    return atlas.bridge_atlas(["case14", "case118", "celegans_gap"], CFG)


def test_bridges_agree_with_networkx(rows):
    for r in rows:
        G = load_network(r["name"]).graph
        assert r["bridges"] == len(list(nx.bridges(G)))
        assert r["bridge_share"] == pytest.approx(r["bridges"] / G.number_of_edges())


def test_the_oracle_keeps_every_bridge_and_uniform_does_not(rows):
    for r in rows:
        assert r["kept"]["oracle"]["bridge_survival"] == 1.0
        assert r["kept"]["uniform"]["bridge_survival"] < 1.0
        assert r["topk_bridges_kept"] == r["bridges"]  # a bridge has the top w R = 1
    table = atlas.atlas_markdown(rows)
    assert len(table) == 2 + len(rows) and "IEEE 118-bus system" in table[3]


def test_lambda2_by_hand():
    assert atlas.lambda2(nx.cycle_graph(4)) == pytest.approx(2.0)
    assert atlas.lambda2(nx.path_graph(3), np.array([1.0, 0.0])) == 0.0  # split


@pytest.mark.parametrize("fmt", ["graphml", "json"])
def test_certificate_round_trips_and_its_lambda2_is_right(fmt):
    cert = atlas.certified_sparsifier("celegans_gap", budget=0.9, seed=3)
    data = atlas.certificate_bytes(cert, fmt)
    if fmt == "json":
        H = nx.node_link_graph(json.loads(data), edges="links")
    else:
        H = nx.parse_graphml(data.decode())
    info = H.graph
    G = cert["graph"]
    assert info["n"] == G.number_of_nodes() == H.number_of_nodes()
    assert info["kept_edges"] == H.number_of_edges()
    assert (
        info["bridges_kept"] == info["bridges"] == sum(int(b) for *_, b in H.edges(data="bridge"))
    )
    fresh_G = nx.laplacian_spectrum(G, weight="weight")[1]
    fresh_H = nx.laplacian_spectrum(H, weight="weight")[1]
    assert info["lambda2_original"] == pytest.approx(fresh_G, rel=1e-8)
    assert info["lambda2_sparsifier"] == pytest.approx(fresh_H, rel=1e-6, abs=1e-9)
    back = load_graph(data, fmt=fmt)  # the app's own loader reads it
    assert back.m == H.number_of_edges()


def test_bad_settings_are_refused():
    with pytest.raises(ConfigError, match="budget"):
        atlas.AtlasConfig(budget=0)
    with pytest.raises(ConfigError, match="graphml or json"):
        atlas.certificate_bytes(atlas.certified_sparsifier("case14"), "csv")
