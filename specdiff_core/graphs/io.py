"""Reading graph files: edge lists, GML, GraphML and node-link JSON, from a path, bytes or a
directory, each through the hardened parsing layer and the validation gate, with
line-numbered errors (writing them is :mod:`.writing`'s)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from ..errors import GraphError
from ..parsing import (
    MAX_INT_DIGITS,
    check_digit_runs,
    check_nesting,
    is_int_token,
    loads_json,
)
from .canonical import (
    DEFAULT_LIMITS,
    Limits,
    LoadedGraph,
    _as_weight,
    validate_graph,
)

FORMATS = ("edgelist", "gml", "graphml", "json")


_EXTENSIONS = {
    ".txt": "edgelist",
    ".edges": "edgelist",
    ".edgelist": "edgelist",
    ".el": "edgelist",
    ".tsv": "edgelist",
    ".gml": "gml",
    ".graphml": "graphml",
    ".xml": "graphml",
    ".json": "json",
}


FORMAT_NAMES = {  # a format as a message names it, with its article
    "edgelist": "an edge-list",
    "gml": "a GML",
    "graphml": "a GraphML",
    "json": "a JSON",
}
# Words that start a header row of an edge list exported from a spreadsheet or a tool.
_HEADER_WORDS = {"source", "target", "weight", "from", "to", "src", "dst", "node"}


def parse_edgelist(text: str, *, source: str = "edge list") -> nx.MultiGraph:
    """Parse a whitespace edge list: ``u v [weight]`` per line, ``#`` starts a comment.

    Duplicate lines and self-loops are kept here (as a multigraph) so that
    :func:`validate_graph` can report them. Node tokens that all look like integers
    become ints; otherwise all stay strings. Nodes are numbered in sorted label
    order, so the canonical graph does not depend on the order of the lines and a
    graph written by :func:`graph_to_bytes` reads back with the same edge order.
    An edge list cannot hold isolated nodes.

    Raises
    ------
    GraphError
        Naming the line number for a missing node, extra fields or a bad weight.

    Examples
    --------
    >>> g = parse_edgelist("# demo\\n1 2\\n2 3 0.5\\n")
    >>> sorted(g.edges(data="weight"))
    [(1, 2, 1.0), (2, 3, 0.5)]
    """
    rows: list[tuple[str, str, float]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.replace(",", " ").split()
        where = f"{source}, line {lineno}"
        if not rows and _is_header(parts):
            raise GraphError(
                f"{where}: {line!r} looks like a header row, not an edge; delete it or "
                "start it with '#'"
            )
        if len(parts) < 2:
            raise GraphError(f"{where}: expected 'u v [weight]', found only {line!r}")
        if len(parts) > 3:
            hint = (
                " (commas separate fields: write a decimal weight with a point, 1.5 not 1,5)"
                if "," in line
                else ""
            )
            raise GraphError(
                f"{where}: expected 'u v [weight]', found {len(parts)} fields in {line!r}; "
                f"remove the extra columns{hint}"
            )
        for token in parts[:2]:
            if token.lstrip("-").isdigit() and len(token.lstrip("-")) > MAX_INT_DIGITS:
                raise GraphError(
                    f"{where}: a node id of {len(token):,} digits; ids have at most "
                    f"{MAX_INT_DIGITS} digits"
                )
        w = _as_weight(parts[2], where) if len(parts) == 3 else 1.0
        rows.append((parts[0], parts[1], w))
    tokens = {t for u, v, _ in rows for t in (u, v)}
    convert: Callable[[str], Any] = int if tokens and all(is_int_token(t) for t in tokens) else str
    G = nx.MultiGraph()
    G.add_nodes_from(sorted(convert(t) for t in tokens))
    for u, v, w in rows:
        G.add_edge(convert(u), convert(v), weight=w)
    return G


def _too_big(source: str, size: int, limits: Limits) -> str:
    return (
        f"{source}: {size:,} bytes exceeds the limit of {limits.max_bytes:,} bytes "
        f"({size / 1e6:.1f} MB against {limits.max_bytes / 1e6:g} MB); use a smaller file, "
        "or the command line for large graphs"
    )


def _is_header(parts: list[str]) -> bool:
    """A first row of column names (``source,target,weight``), not an edge."""
    if len(parts) not in (2, 3) or any(_number(p) is not None for p in parts):
        return False
    names = [p.strip("\"'").lower().rstrip("0123456789_") for p in parts]
    return names[-1] == "weight" or all(n in _HEADER_WORDS for n in names)


def _number(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def _intify_labels(G: nx.Graph) -> nx.Graph:
    """Text formats store labels as strings: make them ints when all are integers.

    The same rule as :func:`parse_edgelist`, so a graph's labels do not depend on
    which text format it was saved in.
    """
    nodes = list(G.nodes())
    if nodes and all(isinstance(v, str) and is_int_token(v) for v in nodes):
        return nx.relabel_nodes(G, {v: int(v) for v in nodes}, copy=True)
    return G


def _parse_gml(text: str) -> nx.Graph:
    """GML keyed by node ``label`` when every node has a distinct one, else by ``id``."""
    try:
        G = nx.parse_gml(text.splitlines(), label="label")
    except nx.NetworkXError as exc:
        if "label" not in str(exc):
            raise
        G = nx.parse_gml(text.splitlines(), label=None)
    return _intify_labels(G)


def _detect_format(name: str | None, data: bytes) -> str:
    if name:
        ext = Path(name).suffix.lower()
        if ext in _EXTENSIONS:
            return _EXTENSIONS[ext]
    head = data[:2000].lstrip()
    if head.startswith(b"{"):
        return "json"
    if head.startswith(b"<"):
        return "graphml"
    if b"graph" in head[:200] and b"[" in head[:400]:
        return "gml"
    return "edgelist"


def _decode(data: bytes, source: str, fmt: str) -> str:
    if b"\x00" in data[:4096]:
        raise GraphError(
            f"{source}: this looks like a binary file, not {FORMAT_NAMES.get(fmt, fmt)} text file"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GraphError(
            f"{source}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 {fmt}"
        ) from None


def _parse(data: bytes, fmt: str, source: str) -> nx.Graph:
    text = _decode(data, source, fmt)
    if fmt == "edgelist":
        return parse_edgelist(text, source=source)
    if fmt == "gml":
        check_nesting(data, where=source, error=GraphError, kind="gml")
        check_digit_runs(data, where=source, error=GraphError)
        try:
            return _parse_gml(text)
        except Exception as exc:  # networkx raises several types for malformed GML
            raise GraphError(
                f"{source}: not valid GML ({exc}); check the file or its format"
            ) from None
    if fmt == "graphml":
        if "<!ENTITY" in text or "<!DOCTYPE" in text:
            raise GraphError(f"{source}: GraphML with DOCTYPE/ENTITY declarations is refused")
        check_digit_runs(data, where=source, error=GraphError)
        try:
            return _intify_labels(nx.parse_graphml(text))
        except RecursionError:
            raise GraphError(f"{source}: GraphML nested too deeply (graphs in graphs)") from None
        except Exception as exc:
            raise GraphError(
                f"{source}: not valid GraphML ({exc}); check the file or its format"
            ) from None
    if fmt == "json":
        payload = loads_json(text, where=source, error=GraphError)
        if not isinstance(payload, dict) or "nodes" not in payload:
            raise GraphError(
                f"{source}: JSON must be a node-link object with 'nodes' and 'links' (or 'edges')"
            )
        key = "links" if "links" in payload else "edges"
        if key not in payload:
            raise GraphError(f"{source}: JSON node-link data has no 'links' or 'edges' list")
        _check_node_link(payload, key, source)
        try:
            # Always a multigraph, so repeated links are merged *and reported* by
            # validation (node_link_graph lets the payload's own flag override ours).
            return nx.node_link_graph(
                {**payload, "multigraph": True},
                directed=bool(payload.get("directed", False)),
                edges=key,
            )
        except Exception as exc:
            raise GraphError(f"{source}: malformed node-link JSON ({exc!r})") from None
    raise GraphError(f"unknown format {fmt!r}; choose one of {FORMATS}")


def _check_node_link(payload: dict, key: str, source: str) -> None:
    """The node-link shape: lists of objects under 'nodes' and ``key``, 'graph' an object."""
    for name in ("nodes", key):
        items = payload[name]
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            raise GraphError(
                f"{source}: malformed node-link JSON: '{name}' must be a list of objects"
            )
    if not isinstance(payload.get("graph", {}), dict):
        raise GraphError(f"{source}: malformed node-link JSON: 'graph' must be an object")


def load_graph(
    src: str | os.PathLike[str] | bytes,
    *,
    fmt: str | None = None,
    name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    duplicates: Literal["max", "sum"] = "max",
) -> LoadedGraph:
    """Load and validate a graph from a path or from raw bytes (an upload).

    Parameters
    ----------
    src : path or bytes
    fmt : {"edgelist", "gml", "graphml", "json"}, optional
        Detected from the file name's extension, else from the content.
    name : str, optional
        The file name of uploaded bytes (used for the format and for messages).

    Raises
    ------
    GraphError
        Missing file, too large, not the stated format, or any validation error.
    """
    if isinstance(src, bytes | bytearray):
        data = bytes(src)
        source = name or "upload"
    else:
        path = Path(src)
        source = name or path.name
        if not path.is_file():
            raise GraphError(f"{path}: no such file")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise GraphError(_too_big(source, size, limits))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise GraphError(f"{path}: cannot read the file ({exc.strerror})") from None
        name = name or path.name
    if len(data) > limits.max_bytes:
        raise GraphError(_too_big(source, len(data), limits))
    if not data.strip():
        raise GraphError(f"{source}: the file is empty; give at least one edge")
    fmt = fmt or _detect_format(name, data)
    if fmt not in FORMATS:
        raise GraphError(f"unknown format {fmt!r}; choose one of {FORMATS}")
    raw = _parse(data, fmt, source)
    return validate_graph(raw, limits=limits, duplicates=duplicates, source=source)


def load_graph_dir(
    path: str | os.PathLike[str],
    *,
    limits: Limits = DEFAULT_LIMITS,
    max_files: int = 10_000,
) -> list[LoadedGraph]:
    """Load every graph file (by extension) in a directory, sorted by name.

    Files with other extensions are skipped and reported in the first graph's
    notices. Any unreadable graph file raises GraphError naming that file.
    """
    root = Path(path)
    if not root.is_dir():
        raise GraphError(f"{root}: not a directory")
    files = sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith("."))
    usable = [p for p in files if p.suffix.lower() in _EXTENSIONS]
    skipped = [p.name for p in files if p.suffix.lower() not in _EXTENSIONS]
    if not usable:
        raise GraphError(
            f"{root}: no graph files found (expected extensions {sorted(_EXTENSIONS)})"
        )
    if len(usable) > max_files:
        raise GraphError(f"{root}: {len(usable):,} graph files exceeds the limit of {max_files:,}")
    out = [load_graph(p, limits=limits) for p in usable]
    if skipped:
        out[0].notices.append(f"skipped {len(skipped)} non-graph file(s): {skipped[:5]}")
    return out
