"""Graph Lab's source controls: generator and its parameters, networkx classic, upload,
paste, draw. They describe a :class:`GraphSpec`; the page builds and draws it."""

from __future__ import annotations

import streamlit as st

from specdiff_app import graph_editor
from specdiff_core import graphs

ss = st.session_state

SOURCES = {
    "family": "Generator",
    "classic": "networkx classic",
    "upload": "Upload a file",
    "paste": "Paste an edge list",
    "draw": "Draw / edit",
}
UPLOAD_TYPES = ["txt", "edges", "edgelist", "el", "tsv", "csv", "gml", "graphml", "xml", "json"]
EXAMPLE_EDGES = """# u v [weight]: two triangles joined by the bridge c-d
a b
b c
c a
c d
d e
e f
f d
"""
# Widgets for the generators' parameters: (kind, widget arguments).
PARAM_UI: dict[str, tuple[str, dict]] = {
    "k1": ("int", {"label": "Left clique size k1", "min_value": 2, "max_value": 60}),
    "k2": ("int", {"label": "Right clique size k2", "min_value": 2, "max_value": 60}),
    "bridge_length": ("int", {"label": "Nodes along the bridge", "min_value": 0, "max_value": 20}),
    "n_cliques": ("int", {"label": "Number of cliques", "min_value": 2, "max_value": 10}),
    "min_size": ("int", {"label": "Smallest clique", "min_value": 2, "max_value": 60}),
    "max_size": ("int", {"label": "Largest clique", "min_value": 2, "max_value": 60}),
    "n": ("int", {"label": "Nodes n", "min_value": 2, "max_value": graphs.APP_LIMITS.max_nodes}),
    "k": ("int", {"label": "Ring neighbours k", "min_value": 2, "max_value": 40}),
    "p": ("float", {"label": "Probability p", "min_value": 0.0, "max_value": 1.0}),
    "p_in": ("float", {"label": "Within-block p_in", "min_value": 0.0, "max_value": 1.0}),
    "p_out": ("float", {"label": "Between-block p_out", "min_value": 0.0, "max_value": 1.0}),
    "radius": ("float", {"label": "Radius", "min_value": 0.01, "max_value": 1.0}),
    "sizes": ("list", {"label": "Block sizes (comma-separated)"}),
}


def init_widget_state(spec: graphs.GraphSpec) -> None:
    """Give every control of this page a value (from the current graph), once."""
    source = (
        spec.kind
        if spec.kind != "family"
        else ("classic" if spec.family in graphs.CLASSICS else "family")
    )
    ss.setdefault("lab_source", source)
    ss.setdefault("lab_family", spec.family if spec.family in graphs.GENERATORS else "barbell")
    ss.setdefault(
        "lab_classic", spec.family if spec.family in graphs.CLASSICS else graphs.CLASSICS[0]
    )
    ss.setdefault("lab_paste", spec.data.decode() if spec.kind == "paste" else EXAMPLE_EDGES)
    for fam in graphs.GENERATORS:
        values = spec.full_params if spec.kind == "family" and spec.family == fam else {}
        for name, default in graphs.FAMILIES[fam].defaults.items():
            value = values.get(name, default)
            if isinstance(value, list | tuple):
                value = ", ".join(str(v) for v in value)
            ss.setdefault(
                f"lab_{fam}_{name}", float(value) if isinstance(default, float) else value
            )


def param_widget(fam: str, name: str):
    kind, kw = PARAM_UI.get(name, ("list", {"label": name}))
    key = f"lab_{fam}_{name}"
    if kind == "int":
        return st.number_input(step=1, key=key, persist_state="session", **kw)
    if kind == "float":
        return st.slider(step=0.005, format="%.3f", key=key, persist_state="session", **kw)
    return st.text_input(key=key, persist_state="session", **kw)


def chosen_spec() -> graphs.GraphSpec | None:
    """Draw the source controls; return the spec they describe (None: nothing chosen yet)."""
    source = st.radio(
        "Graph source",
        list(SOURCES),
        format_func=SOURCES.get,
        key="lab_source",
        persist_state="session",
    )
    if source == "family":
        fam = st.selectbox(
            "Family",
            graphs.GENERATORS,
            key="lab_family",
            persist_state="session",
        )
        st.caption(graphs.FAMILIES[fam].doc.capitalize() + ".")  # a caption wraps; a select cuts
        params = {name: param_widget(fam, name) for name in graphs.FAMILIES[fam].defaults}
        if "sizes" in params:
            try:
                params["sizes"] = tuple(int(s) for s in params["sizes"].split(",") if s.strip())
            except ValueError:
                st.error(
                    f"Block sizes must be whole numbers separated by commas, got "
                    f"{params['sizes']!r}."
                )
                return None
        return graphs.GraphSpec.of_family(fam, **params)
    if source == "classic":
        return graphs.GraphSpec.of_family(
            st.selectbox(
                "Classic graph", graphs.CLASSICS, key="lab_classic", persist_state="session"
            )
        )
    if source == "draw":
        return graph_editor.drawn_spec()
    if source == "upload":
        up = st.file_uploader(
            "Graph file",
            type=UPLOAD_TYPES,
            key="lab_upload",
            help="Edge list (u v [weight] per line), GML, GraphML or node-link JSON.",
        )
        st.caption(
            f"Up to {graphs.APP_LIMITS.max_nodes:,} nodes and {graphs.APP_LIMITS.max_edges:,} edges "
            "(5 MB). Larger graphs: use the command line."
        )
        if up is not None:
            return graphs.GraphSpec(kind="upload", name=up.name, data=up.getvalue())
        if ss["graph_spec"].kind == "upload":
            st.caption(f"Using {ss['graph_spec'].name!r}, uploaded earlier.")
            return ss["graph_spec"]
        st.info("Choose a file to load it; meanwhile the previous graph is shown.")
        return None
    text = st.text_area(
        "Edge list: one `u v [weight]` per line, `#` starts a comment",
        key="lab_paste",
        height=220,
        persist_state="session",
    )
    return graphs.GraphSpec(kind="paste", data=text.encode())
