"""A graph being drawn by hand: nodes at positions, weighted edges, an undo stack, and the
checks every edit from a browser goes through.

A :class:`Drawing` is immutable; :class:`GraphEditor` holds the current one and the ones
before it. Edits arrive as plain dicts (JSON from a browser, so untrusted): each is checked
before it changes anything, and a bad one raises :class:`GraphError` with one line that
says what was wrong. The drawn graph leaves as an edge list (:meth:`Drawing.to_edgelist`),
the same text a pasted graph is, so it reaches every page the way a pasted one does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from ..errors import GraphError
from ..parsing import as_float, as_int
from .canonical import MAX_WEIGHT_SPAN, _as_weight, edge_array, edge_weights, node_labels


@dataclass(frozen=True)
class EditLimits:
    """Caps on what the editor holds and on what one message from the browser may carry."""

    max_nodes: int = 200  # the canvas and a dense solve per edit stay instant
    max_edges: int = 2_000
    max_ops: int = 500  # edits in one message
    max_undo: int = 200  # drawings kept for undo
    max_coord: float = 1e6  # |x|, |y| on the canvas
    max_id: int = 10**6  # node ids are 0..max_id-1


EDIT_LIMITS = EditLimits()
OPS = ("add_node", "delete_node", "move_node", "add_edge", "delete_edge", "set_weight", "undo")
_FIELDS = {  # the fields each edit needs besides "op"
    "add_node": ("id", "x", "y"),
    "delete_node": ("id",),
    "move_node": ("id", "x", "y"),
    "add_edge": ("u", "v"),
    "delete_edge": ("u", "v"),
    "set_weight": ("u", "v", "weight"),
    "undo": (),
}


@dataclass(frozen=True)
class Drawing:
    """Nodes ``id -> (x, y)`` and edges ``(u, v) -> weight`` with ``u < v``; never mutated."""

    nodes: Mapping[int, tuple[float, float]] = field(default_factory=dict)
    edges: Mapping[tuple[int, int], float] = field(default_factory=dict)

    @classmethod
    def from_graph(
        cls,
        G: nx.Graph,
        pos: np.ndarray,
        *,
        scale: float = 300.0,
        limits: EditLimits = EDIT_LIMITS,
    ) -> Drawing:
        """A canonical graph at layout ``pos`` (one row per node), ``scale`` px per unit.

        >>> d = Drawing.from_graph(nx.Graph([(0, 1)]), np.array([[0.0, 0.0], [1.0, 0.0]]))
        >>> d.nodes[1], d.edges[(0, 1)]
        ((300.0, -0.0), 1.0)
        """
        n, m = G.number_of_nodes(), G.number_of_edges()
        if n > limits.max_nodes or m > limits.max_edges:
            raise GraphError(
                f"this graph has {n:,} nodes and {m:,} edges; the editor takes at most "
                f"{limits.max_nodes} nodes and {limits.max_edges:,} edges: pick a smaller one"
            )
        pos = np.asarray(pos, dtype=np.float64)
        if pos.shape != (n, 2) or not np.isfinite(pos).all():
            raise GraphError(f"the layout must give finite (x, y) for each of the {n} nodes")
        nodes = {i: (float(pos[i, 0] * scale), float(-pos[i, 1] * scale)) for i in range(n)}
        edges = edge_array(G)
        w = edge_weights(G, edges)
        return cls(nodes, {(int(u), int(v)): float(x) for (u, v), x in zip(edges, w, strict=True)})

    @property
    def isolated(self) -> list[int]:
        """Nodes no edge touches: an edge list cannot hold them, so the graph leaves them out."""
        touched = {x for e in self.edges for x in e}
        return sorted(set(self.nodes) - touched)

    def to_edgelist(self) -> str:
        """The drawn edges as ``u v [weight]`` lines (weight 1 omitted), sorted.

        >>> Drawing({0: (0, 0), 1: (1, 0), 2: (2, 0)}, {(0, 1): 1.0, (1, 2): 2.5}).to_edgelist()
        '0 1\\n1 2 2.5\\n'
        """
        lines = [
            f"{u} {v}" + ("" if w == 1.0 else f" {w!r}") for (u, v), w in sorted(self.edges.items())
        ]
        return "".join(line + "\n" for line in lines)

    def edge_index(self, G: nx.Graph) -> np.ndarray:
        """For each edge of ``G`` (canonical order; ``G`` read from :meth:`to_edgelist`), its
        ``(u, v)`` as drawing ids: node ``i`` of ``G`` is the drawing's node ``label[i]``."""
        labels = node_labels(G)
        edges = edge_array(G)
        ids = np.array([int(x) for x in labels], dtype=np.int64)
        return np.sort(ids[edges], axis=1) if len(edges) else np.zeros((0, 2), dtype=np.int64)


def edge_number(
    drawing: Drawing, G: nx.Graph, value: Any, limits: EditLimits = EDIT_LIMITS
) -> int | None:
    """The index in ``G``'s canonical order of the edge the browser names as ``[u, v]``
    (drawing ids); None when it names none or an edge no longer drawn. GraphError for a
    value that is no pair of node ids.

    >>> d = Drawing({0: (0, 0), 1: (1, 0), 2: (2, 0)}, {(0, 1): 1.0, (1, 2): 1.0})
    >>> G = nx.Graph([(0, 1), (1, 2)])
    >>> edge_number(d, G, [2, 1]), edge_number(d, G, [0, 2]), edge_number(d, G, None)
    (1, None, None)
    """
    if value is None:
        return None
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise GraphError(f"an edge is a pair of node ids, not {str(value)[:40]!r}")
    u, v = sorted(_node_id(x, limits) for x in value)
    if (u, v) not in drawing.edges:
        return None
    hits = np.flatnonzero((drawing.edge_index(G) == (u, v)).all(axis=1))
    return int(hits[0]) if len(hits) else None


class GraphEditor:
    """The current :class:`Drawing`, the drawings before it (for undo) and the browser's
    place in the edit stream: ``base`` names the drawing the stream started from, ``applied``
    counts the edits of that stream already taken (each edit is taken once, good or bad).

    >>> ed = GraphEditor(base="b0")
    >>> ed.receive({"base": "b0", "seq": 0, "ops": [
    ...     {"op": "add_node", "id": 0, "x": 0, "y": 0},
    ...     {"op": "add_node", "id": 1, "x": 50, "y": 0},
    ...     {"op": "add_edge", "u": 0, "v": 1},
    ...     {"op": "add_edge", "u": 0, "v": 0}]})
    ['edit 4 (add_edge): an edge joins two different nodes, not node 0 to itself']
    >>> sorted(ed.drawing.edges), ed.applied
    ([(0, 1)], 4)
    """

    def __init__(
        self, drawing: Drawing | None = None, *, base: str = "", limits: EditLimits = EDIT_LIMITS
    ) -> None:
        self.drawing = drawing if drawing is not None else Drawing()
        self.base = str(base)
        self.limits = limits
        self.applied = 0
        self.history: list[Drawing] = []

    @property
    def next_id(self) -> int:
        """An id no node of the current drawing or of the undo stack has."""
        seen = [max(d.nodes, default=-1) for d in [*self.history, self.drawing]]
        return max(seen) + 1

    def undo(self) -> bool:
        """Go back one edit; False when there is nothing to undo."""
        if not self.history:
            return False
        self.drawing = self.history.pop()
        return True

    def apply(self, op: Any) -> None:
        """Check one edit and apply it (it becomes undoable); GraphError if it is unusable."""
        kind, args = _parse_op(op, self.limits)
        if kind == "undo":
            self.undo()
            return
        new = _APPLY[kind](self.drawing, self.limits, **args)
        self.history.append(self.drawing)
        del self.history[: -self.limits.max_undo]
        self.drawing = new

    def receive(self, message: Any) -> list[str]:
        """Take a browser message ``{"base", "seq", "ops"}``: the edits from number ``seq``
        of the stream that started at ``base``. Edits already taken are skipped; a message
        for another base (sent before the drawing was replaced) is ignored. Returns one
        line per edit that was refused; the others are applied in order."""
        if message is None:
            return []
        if not isinstance(message, Mapping):
            return [f"the editor sent {type(message).__name__}, not an edit message; ignored"]
        if str(message.get("base", "")) != self.base:
            return []
        ops = message.get("ops")
        if not isinstance(ops, list):
            return ["the editor's message has no list of edits; ignored"]
        try:
            seq = as_int(message.get("seq"), where="the editor's seq", error=GraphError)
        except GraphError as exc:
            return [f"{exc}; ignored"]
        if not 0 <= seq <= self.applied:
            return [f"the editor's edits start at {seq}, not at or before {self.applied}; ignored"]
        if len(ops) > self.limits.max_ops:
            self.applied = max(self.applied, seq + len(ops))
            return [f"{len(ops):,} edits in one message, more than {self.limits.max_ops}; ignored"]
        errors = []
        for k in range(self.applied - seq, len(ops)):
            try:
                self.apply(ops[k])
            except GraphError as exc:
                errors.append(f"edit {seq + k + 1} ({_op_name(ops[k])}): {exc}")
            self.applied = seq + k + 1
        return errors


def _op_name(op: Any) -> str:
    name = op.get("op") if isinstance(op, Mapping) else None
    return name if name in OPS else "unknown"


def _parse_op(op: Any, limits: EditLimits) -> tuple[str, dict[str, Any]]:
    """``(kind, checked arguments)`` of one edit from the browser."""
    if not isinstance(op, Mapping):
        raise GraphError(f"an edit is an object with an 'op', not {type(op).__name__}")
    kind = op.get("op")
    if kind not in OPS:
        raise GraphError(f"unknown edit {str(kind)[:30]!r}; edits are {', '.join(OPS)}")
    args: dict[str, Any] = {}
    for name in _FIELDS[kind]:
        if name not in op:
            raise GraphError(f"{kind} needs {', '.join(_FIELDS[kind])}; {name!r} is missing")
        value = op[name]
        if name in ("id", "u", "v"):
            args[name] = _node_id(value, limits)
        elif name in ("x", "y"):
            args[name] = _coord(value, name, limits)
        else:
            args[name] = _weight(value)
    if kind == "add_edge":
        args["weight"] = _weight(op["weight"]) if op.get("weight") is not None else 1.0
    return kind, args


def _node_id(value: Any, limits: EditLimits) -> int:
    if not isinstance(value, int | float | str):
        raise GraphError(f"a node id is a whole number, not {type(value).__name__}")
    return as_int(
        value, where="the edit", error=GraphError, what="node id", low=0, high=limits.max_id - 1
    )


def _coord(value: Any, name: str, limits: EditLimits) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GraphError(f"{name} is a number, not {str(value)[:30]!r}")
    x = as_float(value, where=f"the node's {name}", error=GraphError)
    if abs(x) > limits.max_coord:
        raise GraphError(f"{name} = {x:g} is off the canvas (|{name}| <= {limits.max_coord:g})")
    return x


def _weight(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise GraphError(f"a weight is a positive number, not {str(value)[:30]!r}")
    return _as_weight(value, "the edge")


def _need_node(d: Drawing, i: int) -> None:
    if i not in d.nodes:
        raise GraphError(f"there is no node {i} (it may have just been deleted)")


def _edge_key(d: Drawing, u: int, v: int, *, exists: bool) -> tuple[int, int]:
    if u == v:
        raise GraphError(f"an edge joins two different nodes, not node {u} to itself")
    _need_node(d, u)
    _need_node(d, v)
    key = (min(u, v), max(u, v))
    if exists and key not in d.edges:
        raise GraphError(f"there is no edge {key[0]}–{key[1]}")
    if not exists and key in d.edges:
        raise GraphError(f"edge {key[0]}–{key[1]} is already there; set its weight instead")
    return key


def _check_span(edges: Mapping[tuple[int, int], float]) -> None:
    if edges and max(edges.values()) / min(edges.values()) > MAX_WEIGHT_SPAN:
        raise GraphError(
            f"the weights would span more than {math.log10(MAX_WEIGHT_SPAN):.0f} orders of "
            "magnitude, more than effective resistance is computed accurately over"
        )


def _add_node(d: Drawing, limits: EditLimits, *, id: int, x: float, y: float) -> Drawing:
    if id in d.nodes:
        raise GraphError(f"node {id} is already there")
    if len(d.nodes) >= limits.max_nodes:
        raise GraphError(f"the editor holds at most {limits.max_nodes} nodes")
    return Drawing({**d.nodes, id: (x, y)}, d.edges)


def _delete_node(d: Drawing, limits: EditLimits, *, id: int) -> Drawing:
    _need_node(d, id)
    nodes = {k: p for k, p in d.nodes.items() if k != id}
    return Drawing(nodes, {e: w for e, w in d.edges.items() if id not in e})


def _move_node(d: Drawing, limits: EditLimits, *, id: int, x: float, y: float) -> Drawing:
    _need_node(d, id)
    return Drawing({**d.nodes, id: (x, y)}, d.edges)


def _add_edge(d: Drawing, limits: EditLimits, *, u: int, v: int, weight: float) -> Drawing:
    key = _edge_key(d, u, v, exists=False)
    if len(d.edges) >= limits.max_edges:
        raise GraphError(f"the editor holds at most {limits.max_edges:,} edges")
    edges = {**d.edges, key: weight}
    _check_span(edges)
    return Drawing(d.nodes, edges)


def _delete_edge(d: Drawing, limits: EditLimits, *, u: int, v: int) -> Drawing:
    key = _edge_key(d, u, v, exists=True)
    return Drawing(d.nodes, {e: w for e, w in d.edges.items() if e != key})


def _set_weight(d: Drawing, limits: EditLimits, *, u: int, v: int, weight: float) -> Drawing:
    key = _edge_key(d, u, v, exists=True)
    edges = {**d.edges, key: weight}
    _check_span(edges)
    return Drawing(d.nodes, edges)


_APPLY = {
    "add_node": _add_node,
    "delete_node": _delete_node,
    "move_node": _move_node,
    "add_edge": _add_edge,
    "delete_edge": _delete_edge,
    "set_weight": _set_weight,
}
