"""Every page of the app under streamlit.testing.v1.AppTest: it runs without an exception,
and an interaction changes what is shown. No server, no browser (see test_browser.py)."""

from __future__ import annotations

import networkx as nx
import pytest
from app_utils import open_app
from streamlit.testing.v1 import AppTest

from specdiff_core import graphs

try:
    import specdiff_core.resistance  # noqa: F401

    HAVE_RESISTANCE = True
except ImportError:  # being written in parallel; the app needs it on every page
    HAVE_RESISTANCE = False
needs_core = pytest.mark.skipif(not HAVE_RESISTANCE, reason="resistance.py has not landed yet")

LAB = "pages/graph-lab.py"
RES = "pages/r-eff.py"
TIMEOUT = 60  # seconds per run; the 2-core CI machine is shared


def run_app(page: str | None = None, **query: str) -> AppTest:
    return open_app(page, timeout=TIMEOUT, **query)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


# ------------------------------------------------------------------------------------ home


@needs_core
def test_home_draws_the_barbell_and_the_slider_resizes_it():
    at = run_app()
    assert at.title[0].value == "SpecDiff Explorer"
    assert metric(at, "Edges") == "57" and metric(at, "Bridges") == "1"
    assert metric(at, "R_eff of the bridge") == "1.000"
    assert any(b.key == "home_show_failure" and not b.disabled for b in at.button)
    at.slider(key="home_k").set_value(5).run()
    assert not at.exception
    assert metric(at, "Edges") == "21"  # two K5 (10 edges each) + the bridge
    assert metric(at, "R_eff in a clique") == "0.400"  # 2/k


# ------------------------------------------------------------------------------- graph lab


@needs_core
def test_graph_lab_family_and_parameters_change_the_graph():
    at = run_app(LAB)
    assert metric(at, "Edges") == "57" and metric(at, "Bridges") == "1"
    at.number_input(key="lab_barbell_k1").set_value(10).run()
    assert metric(at, "Edges") == "74"  # K10 (45) + K8 (28) + bridge
    at.selectbox(key="lab_family").set_value("watts_strogatz").run()
    assert not at.exception
    assert metric(at, "Nodes") == "60" and metric(at, "Edges") == "120"
    assert at.session_state["graph_spec"].family == "watts_strogatz"


@needs_core
def test_graph_lab_networkx_classic():
    at = run_app(LAB)
    at.radio(key="lab_source").set_value("classic").run()
    at.selectbox(key="lab_classic").set_value("karate_club").run()
    assert not at.exception
    assert metric(at, "Nodes") == "34" and metric(at, "Edges") == "78"


@needs_core
def test_bad_pasted_edge_list_shows_an_error_and_the_page_keeps_working():
    at = run_app(LAB)
    at.radio(key="lab_source").set_value("paste").run()
    assert metric(at, "Edges") == "7" and metric(at, "Bridges") == "1"  # the example
    at.text_area(key="lab_paste").set_value("a b\nb c -1\n").run()
    assert not at.exception
    assert "line 2" in at.error[0].value and "not positive" in at.error[0].value
    assert metric(at, "Edges") == "7"  # the last graph that worked is still shown
    at.text_area(key="lab_paste").set_value("a b\nb c\nb a\nc c\n").run()
    assert not at.error and metric(at, "Edges") == "2"
    notices = " ".join(i.value for i in at.info)  # repairs are reported, never silent
    assert "duplicate edge" in notices and "self-loop" in notices


@needs_core
def test_upload_loads_a_file_and_a_bad_one_shows_why():
    gml = "\n".join(nx.generate_gml(nx.cycle_graph(7))).encode()
    at = run_app(LAB)
    at.radio(key="lab_source").set_value("upload").run()
    at.file_uploader(key="lab_upload").set_value(("ring.gml", gml, "text/plain")).run()
    assert not at.exception and not at.error
    assert metric(at, "Edges") == "7" and metric(at, "Bridges") == "0"
    at.file_uploader(key="lab_upload").set_value(("bad.json", b"{not json", "text/plain")).run()
    assert not at.exception
    assert "not valid JSON" in at.error[0].value
    assert metric(at, "Edges") == "7"


@needs_core
def test_graphs_above_the_interactive_limits_are_refused_with_the_reason():
    big = "\n".join(f"{i} {i + 1}" for i in range(2_500)).encode()  # 2,501 nodes
    at = run_app(LAB)
    at.radio(key="lab_source").set_value("upload").run()
    at.file_uploader(key="lab_upload").set_value(("path.txt", big, "text/plain")).run()
    assert not at.exception
    assert "exceeds the limit" in at.error[0].value


@needs_core
def test_a_link_reproduces_the_graph():
    at = run_app(LAB, graph="erdos_renyi", g_n="30", g_p="0.2", seed="3")
    assert metric(at, "Nodes") == "30"
    assert at.session_state["seed"] == 3
    assert at.selectbox(key="lab_family").value == "erdos_renyi"
    assert "erdos_renyi (n=30, p=0.2)" in markdown_text(at)


# ------------------------------------------------------------------------------ resistance


@needs_core
def test_resistance_page_follows_the_current_graph_and_the_budget():
    at = run_app(LAB)
    at.number_input(key="lab_barbell_k2").set_value(5).run()
    at.switch_page(RES).run()
    assert not at.exception and not at.error
    assert "barbell (k1=8, k2=5, bridge_length=0)" in markdown_text(at)
    assert at.dataframe[0].value["R_eff"].iloc[0] == pytest.approx(1.0)  # bridge
    at.session_state["res_view"] = "Exact vs approximate"
    at.run()
    assert not at.exception
    assert {m.label for m in at.metric} >= {"Exact", "Approximate", "Max |error|"}
    at.session_state["res_view"] = "Spectral Oracle"
    at.run()
    assert not at.exception
    assert "**Spectral Oracle** keeps" in markdown_text(at) and "bridges kept 1/1" in markdown_text(
        at
    )
    before = [m.value for m in at.markdown if "keeps" in m.value]
    at.slider(key="res_budget").set_value(0.9).run()
    assert not at.exception
    after = [m.value for m in at.markdown if "keeps" in m.value]
    assert after != before


# ------------------------------------------------------------------- figures (no streamlit)


def test_graph_spec_round_trips_through_a_link():
    spec = graphs.GraphSpec.of_family("stochastic_block_model", sizes=(10, 12), p_in=0.5)
    query = spec.to_query()
    assert query == {"graph": "stochastic_block_model", "g_sizes": "10,12", "g_p_in": "0.5"}
    assert graphs.GraphSpec.from_query(query) == (spec, [])
    _, notices = graphs.GraphSpec.from_query({"graph": "erdos_renyi", "g_p": "lots"})
    assert "ignored p='lots'" in notices[0]


@pytest.mark.parametrize(
    ("page", "key", "link", "value", "spelled"),
    [
        (
            "pages/duel.py",
            "duel_lam",
            "3.0",
            3.0,
            "3",
        ),  # not the default (a default leaves the link)
        ("pages/duel.py", "duel_eps", "0.10", 0.1, "0.1"),
        ("pages/protocol.py", "proto_lam", "1.20", 1.2, "1.2"),
        ("pages/protocol.py", "proto_omega", "5", 5.0, "5"),
    ],
)
def test_numbers_in_links_reach_their_sliders_however_they_are_spelled(
    page, key, link, value, spelled
):
    at = open_app(page, timeout=120, **{key: link})
    assert at.select_slider(key=key).value == value
    assert at.query_params[key] == spelled


def test_the_server_config_offers_no_links_off_the_server():
    """Tracebacks must not offer 'Ask Google / Ask ChatGPT' on an offline classroom server."""
    import tomllib
    from pathlib import Path

    cfg = tomllib.loads((Path(__file__).parents[2] / ".streamlit/config.toml").read_text())
    assert cfg["client"]["showErrorLinks"] is False
    assert cfg["browser"]["gatherUsageStats"] is False


def test_graph_lab_says_how_exact_its_numbers_are_in_plain_words():
    at = open_app("pages/graph-lab.py")
    assert any(c.value.startswith("Exact: every value is exact") for c in at.caption)
    assert not any("Cholesky" in c.value or "envelope" in c.value for c in at.caption)
    family = at.selectbox(key="lab_family")
    assert family.value == "barbell" and "two cliques + one bridge path" not in family.options
    assert any(c.value == "Two cliques + one bridge path." for c in at.caption)


def test_a_tampered_link_is_said_and_the_page_stays_consistent():
    """``g_n=999999&g_p=abc&seed=-5`` once gave Erdős–Rényi n = 2 in the controls, a 'no
    edges' error and a barbell drawn, and seed 0 without a word."""
    at = open_app(graph="erdos_renyi", g_n="999999", g_p="abc", seed="-5")
    said = " ".join(w.value for w in at.warning)
    assert "p='abc'" in said
    assert "link's graph cannot be shown" in said and "about 999,999 nodes" in said
    assert "seed='-5' is not a whole number from 0 to 2,147,483,647" in said
    assert at.number_input(key="seed").value == 0
    lab = at.switch_page("pages/graph-lab.py").run()
    assert not lab.error and lab.selectbox(key="lab_family").value == "barbell"
    assert lab.number_input(key="lab_barbell_k1").value == 8  # the controls show what is drawn
    assert not lab.warning  # said once, not on every page


def test_the_protocol_scores_the_current_graph_under_exp_is_rules():
    # two triangles joined by a bridge, a pendant node on the right: two bridges
    edges = "a b\nb c\nc a\nc d\nd e\ne f\nf d\nf g\n"
    at = open_app("pages/protocol.py", timeout=120, graph="paste", edges=edges, proto_eps="0.05")
    assert not at.exception
    (table,) = [m.value for m in at.markdown if "Your graph (Exp I's rules)" in m.value]
    assert "7 nodes, 8 edges, 2 bridge(s); keep 4" in table
    rows = {line.split(" | ")[0].strip("| "): line for line in table.splitlines()}
    # eps = 0.05 < p_common: the standard score ranks both bridges last and keeps 4 of 8
    assert rows["standard (S = P_freq)"].split(" | ")[1].startswith("0.0%")
    assert "no paper figure exists here" in table
    at = open_app("pages/protocol.py", timeout=120, graph="paste", edges="a b\nb c\nc a\n")
    assert any(
        "cannot be scored by the protocol" in i.value and "no bridge" in i.value for i in at.info
    )


def test_graph_lab_takes_the_current_graph_to_the_duel_and_the_protocol():
    edges = "a b\nb c\nc a\nc d\n"
    at = open_app("pages/graph-lab.py", timeout=120, graph="paste", edges=edges)
    links = {p.proto.label: p.proto for p in at.get("page_link")}
    duel = links["Train a duel on this graph"]
    assert "duel_family=your_graph" in duel.query_string and "graph=paste" in duel.query_string
    assert "Score it by the paper's protocol" in links
    at = open_app("pages/graph-lab.py", timeout=120, graph="paste", edges="a b\nb c\nc a\n")
    labels = [p.proto.label for p in at.get("page_link")]
    assert "Train a duel on this graph" not in labels
    assert any(
        "A duel cannot train on this graph" in c.value and "no bridge" in c.value
        for c in at.caption
    )
