"""Writing graph files: a canonical graph with its labels and weights, in any of the formats
:mod:`.io` reads, whole or not at all."""

from __future__ import annotations

import io
import json
import math
import os
import re
from pathlib import Path
from typing import Any

import networkx as nx

from ..errors import GraphError
from ..files import atomic_write
from .canonical import edge_array, node_labels
from .io import _EXTENSIONS, FORMATS

_ATTR_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def graph_to_bytes(G: nx.Graph, fmt: str = "edgelist", *, weights: bool = True) -> bytes:
    """Serialise a canonical graph with its original node labels.

    Only the structure, the weights, the labels and scalar node attributes are
    written. Loading the bytes back gives the same edges and weights; labels come
    back equal, except that text formats cannot tell ``1`` from ``"1"`` (all-integer
    labels load as ints, others as strings; node-link JSON keeps the types).

    Raises
    ------
    GraphError
        Unknown format, or (edge list) a label containing whitespace, ``#`` or ``,``.
    """
    if fmt not in FORMATS:
        raise GraphError(f"unknown format {fmt!r}; choose one of {FORMATS}")
    labels = node_labels(G)
    if fmt == "edgelist":
        for lab in labels:
            text = str(lab)
            if not text or any(c.isspace() or c in "#," for c in text):
                raise GraphError(
                    f"node label {text!r} cannot be written to an edge list (it is empty or "
                    "holds whitespace, '#' or ','); save as GML, GraphML or JSON instead"
                )
        if len({str(lab) for lab in labels}) != len(labels):
            raise GraphError("two node labels have the same text; relabel them before saving")
        buf = io.StringIO()
        buf.write("# u v weight\n" if weights else "# u v\n")
        for u, v in edge_array(G):
            a, b = labels[u], labels[v]
            if weights:
                buf.write(f"{a} {b} {G.edges[int(u), int(v)].get('weight', 1.0):.17g}\n")
            else:
                buf.write(f"{a} {b}\n")
        return buf.getvalue().encode()
    H = _export_graph(G, labels, native=fmt == "json")
    if fmt == "json":
        return json.dumps(nx.node_link_data(H, edges="links"), indent=1).encode()
    if fmt == "gml":
        return "\n".join(nx.generate_gml(H)).encode()
    return "\n".join(nx.generate_graphml(H)).encode()


def _export_graph(G: nx.Graph, labels: list[Any], *, native: bool) -> nx.Graph:
    """A plain copy keyed by label for the networkx writers: weights, scalar attributes.

    ``native`` keeps int labels (JSON); otherwise non-string labels become text.
    """
    keys = [
        lab
        if isinstance(lab, str) or (native and isinstance(lab, int) and not isinstance(lab, bool))
        else str(lab)
        for lab in labels
    ]
    if len(set(keys)) != len(keys):
        raise GraphError("two node labels have the same text; relabel them before saving")
    H = nx.Graph()
    for i, key in enumerate(keys):
        attrs = G.nodes[i].items()
        H.add_node(key, **{k: a for k, a in attrs if _plain_attr(k, a)})
    for u, v in edge_array(G):
        H.add_edge(keys[u], keys[v], weight=float(G.edges[int(u), int(v)].get("weight", 1.0)))
    return H


def _plain_attr(key: Any, value: Any) -> bool:
    """A node attribute every writer accepts: a GML-style name and a finite scalar value."""
    if not isinstance(key, str) or key in ("label", "id") or not _ATTR_NAME.fullmatch(key):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | int)


def format_of(path: str | os.PathLike[str]) -> str:
    """The format :func:`write_graph` uses for ``path``: by extension, else ``"edgelist"``."""
    return _EXTENSIONS.get(Path(path).suffix.lower(), "edgelist")


def write_graph(G: nx.Graph, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    """Write a canonical graph; the format follows the extension unless given.

    An edge list cannot hold isolated nodes: they are left out (the other formats keep them).
    """
    fmt = fmt or format_of(path)
    return atomic_write(path, graph_to_bytes(G, fmt))  # whole or not at all
