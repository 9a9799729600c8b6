"""Fuzzing the graph loaders (every format, bytes and directories) and the app's URL state
parser: a SpecDiffError with one line, or a valid canonical graph, never anything else."""

from __future__ import annotations

import json
import math

import networkx as nx
from fuzzing import JSON_VALUES, NUMBER_TEXT, finite_positive, fuzz_settings, refused_or
from hypothesis import given
from hypothesis import strategies as st

from specdiff_core import graphs as g
from specdiff_core.graphs.canonical import MAX_WEIGHT, MAX_WEIGHT_SPAN, MIN_WEIGHT

FORMATS = st.sampled_from([None, "edgelist", "gml", "graphml", "json"])


def valid_graph(loaded: g.LoadedGraph) -> None:
    """What the gate promises: canonical nodes, at least one edge, usable weights."""
    G = loaded.graph
    assert isinstance(G, nx.Graph) and not G.is_directed() and not G.is_multigraph()
    assert sorted(G.nodes()) == list(range(G.number_of_nodes()))
    assert G.number_of_edges() >= 1
    w = g.edge_weights(G)
    assert all(finite_positive(float(x)) and MIN_WEIGHT <= x <= MAX_WEIGHT for x in w)
    assert w.max() / w.min() <= MAX_WEIGHT_SPAN * (1 + 1e-12)
    for label in g.node_labels(G):
        assert not (isinstance(label, float) and not math.isfinite(label))
    g.edge_array(G)  # the canonical order can be built


@fuzz_settings()
@given(data=st.binary(max_size=600), fmt=FORMATS)
def test_random_bytes(data, fmt):
    refused_or(lambda: g.load_graph(data, fmt=fmt, name="fuzz"), valid_graph)


TOKEN = st.one_of(NUMBER_TEXT, st.text(alphabet="ab#,\t -.é\x00", min_size=1, max_size=5))


@fuzz_settings()
@given(
    rows=st.lists(
        st.lists(TOKEN, min_size=0, max_size=4).map(" ".join),
        min_size=1,
        max_size=12,
    ),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_edge_lists(rows, newline):
    text = newline.join(rows).encode("utf-8", "surrogatepass")
    refused_or(lambda: g.load_graph(text, fmt="edgelist", name="fuzz.edges"), valid_graph)


NODE_ID = st.one_of(st.integers(-3, 8), st.sampled_from(["a", "b", ""]), st.floats(), JSON_VALUES)
WEIGHT = st.one_of(JSON_VALUES, st.floats(min_value=1e-4, max_value=1e4))


@fuzz_settings()
@given(
    nodes=st.lists(st.fixed_dictionaries({"id": NODE_ID}), max_size=6),
    links=st.lists(
        st.fixed_dictionaries({"source": NODE_ID, "target": NODE_ID}, optional={"weight": WEIGHT}),
        max_size=8,
    ),
    extra=st.dictionaries(st.sampled_from(["directed", "multigraph", "graph", "x"]), JSON_VALUES),
    depth=st.sampled_from([0, 0, 0, 63, 65, 5000]),
)
def test_node_link_json(nodes, links, extra, depth):
    payload = {**extra, "nodes": nodes, "links": links}
    text = json.dumps(payload)  # NaN and Infinity as Python writes them
    if depth:
        text = text[:-1] + ', "deep": ' + "[" * depth + "]" * depth + "}"
    refused_or(lambda: g.load_graph(text.encode(), name="fuzz.json"), valid_graph)


GML_VALUE = st.one_of(NUMBER_TEXT, st.text(alphabet='ab"[] 0', max_size=6).map(lambda s: f'"{s}"'))


@fuzz_settings()
@given(
    nodes=st.lists(st.tuples(GML_VALUE, GML_VALUE), max_size=5),
    edges=st.lists(st.tuples(GML_VALUE, GML_VALUE, GML_VALUE), max_size=6),
    depth=st.sampled_from([0, 0, 3, 70]),
)
def test_gml(nodes, edges, depth):
    body = "".join(f" node [ id {i} label {lab} ]\n" for i, lab in nodes)
    body += "".join(f" edge [ source {s} target {t} weight {w} ]\n" for s, t, w in edges)
    body += " x " + "[ a " * depth + "]" * depth + "\n" if depth else ""
    text = f"graph [\n{body}]\n".encode()
    refused_or(lambda: g.load_graph(text, fmt="gml", name="fuzz.gml"), valid_graph)


@fuzz_settings()
@given(
    ids=st.lists(st.one_of(NUMBER_TEXT, st.text(alphabet="ab<>&", max_size=3)), max_size=5),
    edges=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), NUMBER_TEXT), max_size=6),
    kind=st.sampled_from(["double", "long", "int", "string", "boolean"]),
)
def test_graphml(ids, edges, kind):
    from xml.sax.saxutils import quoteattr

    nodes = "".join(f"<node id={quoteattr(i)}/>" for i in ids)
    names = [quoteattr(ids[i]) if i < len(ids) else quoteattr(str(i)) for i in range(6)]
    links = "".join(
        f'<edge source={names[s]} target={names[t]}><data key="w">{w}</data></edge>'
        for s, t, w in edges
    )
    text = (
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        f'<key id="w" for="edge" attr.name="weight" attr.type="{kind}"/>'
        f'<graph edgedefault="undirected">{nodes}{links}</graph></graphml>'
    ).encode()
    refused_or(lambda: g.load_graph(text, fmt="graphml", name="fuzz.graphml"), valid_graph)


@fuzz_settings(quick=10)
@given(
    files=st.lists(
        st.tuples(st.sampled_from(["a.json", "b.edges", "c.gml"]), st.binary(max_size=200)),
        min_size=1,
        max_size=3,
    )
)
def test_graph_directories(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("graphs")
    for name, data in files:
        (folder / name).write_bytes(data)
    refused_or(lambda: g.load_graph_dir(folder), lambda out: [valid_graph(x) for x in out])


QUERY_KEYS = st.sampled_from(
    ["graph", "edges", *sorted({f"g_{k}" for f in g.FAMILIES.values() for k in f.defaults})]
)
QUERY_VALUES = st.one_of(
    NUMBER_TEXT,
    st.sampled_from(sorted(g.FAMILIES) + ["paste", "upload", "nope", "1,2,3", "5,-1", ","]),
    st.text(max_size=12),
)


@fuzz_settings()
@given(
    query=st.dictionaries(
        QUERY_KEYS, st.one_of(QUERY_VALUES, st.lists(QUERY_VALUES, max_size=2)), max_size=5
    )
)
def test_url_state(query):
    """A link never raises: bad values fall back with a notice, and its graph builds."""
    spec, notices = g.GraphSpec.from_query(query)
    assert all(isinstance(n, str) and "\n" not in n for n in notices)
    if spec.kind == "family":
        valid_graph(g.build_graph(spec))
    else:
        refused_or(lambda: g.build_graph(spec), valid_graph)
    again = g.GraphSpec.from_query(spec.to_query())[0]  # the link it writes: the same graph
    assert (again.kind, again.family, again.full_params) == (
        spec.kind,
        spec.family,
        spec.full_params,
    ) or spec.kind == "paste"
