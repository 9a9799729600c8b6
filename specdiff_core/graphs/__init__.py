"""Graphs: the one validation gate and canonical order, families, file formats, the app's graph
spec and the data sets of the experiments.

Every graph the project works with is *canonical*: undirected, simple, nodes relabelled
``0..n-1`` (the original label kept in the node attribute ``label``), every edge carrying a
finite positive float ``weight``. Per-edge arrays everywhere align with :func:`edge_array`,
the canonical edge order. Bad input raises :class:`GraphError` with a message that says
what to fix; usable input that is not canonical is repaired and the repair *reported*.

Modules, lowest first: ``canonical`` (validation, edge order, bridges), ``families``
(generators), ``io`` (edge list, GML, GraphML, node-link JSON), ``spec`` (a graph named
by a few URL parameters), ``datasets`` (the experiments' graph collections), ``editing``
(a graph drawn by hand: its edits, their checks and undo), ``custom`` (a user's graph as
a duel's training family, the graph itself in the family's name).
"""

from ..errors import GraphError
from .canonical import (
    BRIDGE_CLASSES,
    DEFAULT_LIMITS,
    Limits,
    LoadedGraph,
    bridge_classes,
    bridge_mask,
    edge_array,
    edge_weights,
    graph_fingerprint,
    iter_components,
    node_labels,
    validate_graph,
)
from .custom import (
    CUSTOM_PREFIX,
    DUEL_LIMITS,
    check_duel_graph,
    custom_copies,
    custom_family,
    custom_graph,
    family_label,
    family_stem,
    is_custom,
)
from .datasets import family_graphs, paper_graphs, real_sources, sample_subgraphs, thickened
from .editing import EDIT_LIMITS, Drawing, EditLimits, GraphEditor, edge_number
from .families import (
    FAMILIES,
    Family,
    asymmetric_chain,
    barbell,
    classic,
    cliques_joined_by_bridges,
    erdos_renyi,
    make_graph,
    random_geometric,
    stochastic_block_model,
    watts_strogatz,
)
from .io import FORMATS, load_graph, load_graph_dir, parse_edgelist
from .spec import APP_LIMITS, CLASSICS, GENERATORS, PASTE_URL_MAX, GraphSpec, build_graph
from .writing import format_of, graph_to_bytes, write_graph

__all__ = [
    "CUSTOM_PREFIX",
    "DUEL_LIMITS",
    "check_duel_graph",
    "custom_copies",
    "custom_family",
    "custom_graph",
    "family_label",
    "family_stem",
    "is_custom",
    "EDIT_LIMITS",
    "Drawing",
    "EditLimits",
    "GraphEditor",
    "edge_number",
    "family_graphs",
    "paper_graphs",
    "real_sources",
    "sample_subgraphs",
    "thickened",
    "BRIDGE_CLASSES",
    "bridge_classes",
    "bridge_mask",
    "graph_fingerprint",
    "APP_LIMITS",
    "CLASSICS",
    "GENERATORS",
    "PASTE_URL_MAX",
    "GraphSpec",
    "build_graph",
    "GraphError",
    "DEFAULT_LIMITS",
    "Limits",
    "LoadedGraph",
    "edge_array",
    "edge_weights",
    "iter_components",
    "node_labels",
    "validate_graph",
    "FAMILIES",
    "Family",
    "asymmetric_chain",
    "barbell",
    "classic",
    "cliques_joined_by_bridges",
    "erdos_renyi",
    "make_graph",
    "random_geometric",
    "stochastic_block_model",
    "watts_strogatz",
    "FORMATS",
    "format_of",
    "graph_to_bytes",
    "load_graph",
    "load_graph_dir",
    "parse_edgelist",
    "write_graph",
]
