"""Cached wrappers around the core, shared by the pages (not a page: st.navigation lists
pages). One definition means one cache: the same graph is built, solved and laid out once
for every page and every session."""

import networkx as nx
import streamlit as st

from specdiff_core import graphs, metrics, resistance, viz

HASH = {nx.Graph: graphs.graph_fingerprint}  # canonical graphs hash by content, quickly
cache = st.cache_data(max_entries=32, show_spinner=False, hash_funcs=HASH)


def slow(message: str):
    """Like ``cache``, with a spinner while a miss computes."""
    return st.cache_data(max_entries=32, show_spinner=message, hash_funcs=HASH)


build_graph = slow("Building the graph…")(graphs.build_graph)
effective_resistance = slow("Computing effective resistance…")(resistance.effective_resistance)
bridge_mask = cache(metrics.bridge_mask)
layout = slow("Laying out the graph…")(viz.layout)
graph_figure = cache(viz.graph_figure)
graph_svg = cache(viz.graph_svg)
edge_table = cache(viz.edge_table)
