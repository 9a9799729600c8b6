"""The app's graph spec: a family and its parameters, an upload or a pasted edge list,
small enough to round-trip through a URL query string, so that a link rebuilds the view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import GraphError
from ..parsing import as_float, as_int
from .canonical import Limits, LoadedGraph, graph_fingerprint
from .families import FAMILIES, make_graph
from .io import load_graph

APP_LIMITS = Limits(max_nodes=2_000, max_edges=20_000, max_bytes=5_000_000)  # interactive


CLASSICS = tuple(name for name, f in FAMILIES.items() if not f.defaults)


GENERATORS = tuple(name for name, f in FAMILIES.items() if f.defaults)


PASTE_URL_MAX = 1_500  # longer pasted edge lists are not put in the link


@dataclass(frozen=True)
class GraphSpec:
    """What "the current graph" is, without the graph: enough to rebuild it.

    ``kind`` is ``"family"`` (a generator or a networkx classic from
    :data:`graphs.FAMILIES`, with ``params`` overriding its defaults), ``"upload"``
    (``name`` and the file's ``data``) or ``"paste"`` (``data`` is the edge list text).
    The seed is not part of the spec: it is the app's shared seed, passed to
    :func:`build_graph`.
    """

    kind: Literal["family", "upload", "paste"] = "family"
    family: str = "barbell"
    params: tuple[tuple[str, Any], ...] = ()  # sorted (name, value) overrides
    name: str = ""  # upload: the file name (its format is detected from it)
    data: bytes = field(default=b"", repr=False)  # upload bytes / pasted text (UTF-8)

    @classmethod
    def of_family(cls, family: str, **params: Any) -> GraphSpec:
        if family not in FAMILIES:
            raise GraphError(f"unknown graph family {family!r}; choose one of {sorted(FAMILIES)}")
        defaults = FAMILIES[family].defaults
        unknown = sorted(set(params) - set(defaults))
        if unknown:  # as make_graph says it, but now, not when the graph is built
            raise GraphError(f"{family} takes parameters {sorted(defaults)}; unknown: {unknown}")
        return cls(kind="family", family=family, params=tuple(sorted(params.items())))

    @property
    def full_params(self) -> dict[str, Any]:
        """The family's defaults with this spec's overrides applied."""
        return (
            {**FAMILIES[self.family].defaults, **dict(self.params)} if self.kind == "family" else {}
        )

    def describe(self) -> str:
        """One line for captions: ``barbell (k1=8, k2=8, bridge_length=0)``."""
        if self.kind == "upload":
            return f"uploaded file {self.name!r}"
        if self.kind == "paste":
            return f"pasted edge list ({len(self.data.splitlines())} lines)"
        p = ", ".join(f"{k}={_fmt_param(v)}" for k, v in self.full_params.items())
        return f"{self.family} ({p})" if p else self.family

    def to_query(self) -> dict[str, str]:
        """Query parameters that rebuild this spec (defaults omitted); see :meth:`from_query`."""
        if self.kind == "upload":
            return {"graph": "upload"}
        if self.kind == "paste":
            text = self.data.decode("utf-8", "replace")
            return (
                {"graph": "paste", "edges": text}
                if len(text) <= PASTE_URL_MAX
                else {"graph": "paste"}
            )
        out = {"graph": self.family} if self.family != "barbell" else {}
        defaults = FAMILIES[self.family].defaults
        for k, v in self.params:
            if k in defaults and _coerce(v, defaults[k]) != defaults[k]:
                out[f"g_{k}"] = _fmt_param(v)
        return out

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> tuple[GraphSpec, list[str]]:
        """Parse :meth:`to_query` output; bad values fall back to defaults with a notice."""
        notices: list[str] = []
        graph = str(_first(query.get("graph", "barbell")))
        if graph == "paste" and query.get("edges"):
            return cls(kind="paste", data=str(_first(query["edges"])).encode()), notices
        if graph in ("paste", "upload"):
            notices.append(
                f"the link names {'an uploaded' if graph == 'upload' else 'a pasted'} graph "
                "whose contents are not in the link; "
                "showing the default barbell instead"
            )
            graph = "barbell"
        if graph not in FAMILIES:
            notices.append(f"unknown graph {graph!r} in the link; showing the default barbell")
            graph = "barbell"
        params: dict[str, Any] = {}
        for k, default in FAMILIES[graph].defaults.items():
            if f"g_{k}" not in query:
                continue
            raw = str(_first(query[f"g_{k}"]))
            try:
                params[k] = _coerce(raw, default)
            except (TypeError, ValueError, OverflowError):
                notices.append(f"ignored {k}={raw!r} from the link (expected like {default!r})")
        try:
            spec = cls.of_family(graph, **params)
            build_graph(spec)  # a link's graph must be one the app can show
        except GraphError as exc:
            notices.append(f"the link's graph cannot be shown ({exc}); showing the default barbell")
            spec = cls()
        return spec, notices


def _first(v: Any) -> Any:
    return v[0] if isinstance(v, list | tuple) and v else v


def _fmt_param(v: Any) -> str:
    if isinstance(v, list | tuple):
        return ",".join(str(int(x)) for x in v)
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _coerce(value: Any, like: Any) -> Any:
    """Convert ``value`` (often a URL string) to the type of the default ``like``, through
    the checked conversions of :mod:`specdiff_core.parsing` (GraphError on anything else)."""
    where = f"the link's value {str(value)[:30]!r}"
    if isinstance(like, bool):
        return str(value).lower() in ("1", "true", "yes")
    if isinstance(like, int):
        return as_int(value, where=where, error=GraphError)
    if isinstance(like, float):
        return as_float(value, where=where, error=GraphError)
    if isinstance(like, list | tuple):
        items = value.split(",") if isinstance(value, str) else value
        return tuple(
            as_int(str(x).strip(), where=where, error=GraphError) for x in items if str(x).strip()
        )
    return value


def build_graph(spec: GraphSpec, *, seed: int = 0, limits: Limits = APP_LIMITS) -> LoadedGraph:
    """Build and validate the graph a spec names; oversized requests raise GraphError.

    The result's ``graph.graph["fingerprint"]`` identifies it for caches.
    """
    if spec.kind == "family":
        G = make_graph(spec.family, seed=int(seed), limits=limits, **dict(spec.params))
        loaded = LoadedGraph(graph=G, notices=[], source=spec.family)
    elif spec.kind == "upload":
        loaded = load_graph(spec.data, name=spec.name or "upload", limits=limits)
    elif spec.kind == "paste":
        loaded = load_graph(spec.data, fmt="edgelist", name="pasted edge list", limits=limits)
    else:
        raise GraphError(f"unknown graph source {spec.kind!r}")
    loaded.graph.graph["fingerprint"] = graph_fingerprint(loaded.graph)
    return loaded
