"""Tests of the command line (specdiff_core.cli).

One subprocess run checks ``python -m specdiff_core --help``; everything else calls
``cli.main([...])`` in-process. A user's mistake must exit with status 2 and print
exactly one line, ``error: ...``, with no traceback.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from specdiff_core import cli, graphs
from specdiff_core.errors import GraphError

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ("resistance", "sparsify")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_user_error(code: int, out: str, err: str, *fragments: str) -> None:
    lines = err.splitlines()
    assert code == cli.EXIT_USAGE == 2
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err and out == ""
    for fragment in fragments:
        assert fragment in lines[0]


def test_help_lists_the_commands():
    proc = subprocess.run(
        [sys.executable, "-m", "specdiff_core", "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    for command in ("resistance", "sparsify", "bench"):
        assert command in proc.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_file(capsys, tmp_path, command):
    code, out, err = run(capsys, command, tmp_path / "nope.edges")
    assert_user_error(code, out, err, "nope.edges", "no such file")


@pytest.mark.parametrize("command", COMMANDS)
def test_malformed_edge_list_names_the_line(capsys, make_file, command):
    path = make_file("bad.edges", "# ok so far\n1 2\n2 3 4 5\n")
    code, out, err = run(capsys, command, path)
    assert_user_error(code, out, err, "bad.edges, line 3", "found 4 fields")


@pytest.mark.parametrize("command", COMMANDS)
def test_negative_weight(capsys, make_file, command):
    path = make_file("neg.edges", "1 2 1.0\n2 3 -0.5\n")
    code, out, err = run(capsys, command, path)
    assert_user_error(code, out, err, "neg.edges, line 2", "-0.5 is not positive")


@pytest.mark.parametrize("command", COMMANDS)
def test_unknown_format(capsys, make_file, command):
    path = make_file("g.edges", "1 2\n")
    code, out, err = run(capsys, command, path, "--format", "dot")
    assert_user_error(code, out, err, "unknown format 'dot'")


@pytest.mark.parametrize("command", COMMANDS)
def test_binary_file(capsys, make_file, command):
    path = make_file("g.bin", bytes(range(256)))
    code, out, err = run(capsys, command, path)
    assert_user_error(code, out, err, "binary file")


@pytest.mark.parametrize("command", COMMANDS)
def test_too_many_nodes(capsys, examples_dir, command):
    path = examples_dir / "barbell_8_8.edges"
    code, out, err = run(capsys, command, path, "--max-nodes", "10")
    assert_user_error(code, out, err, "16 nodes exceeds the limit of 10", "--max-nodes")


@pytest.mark.parametrize("command", COMMANDS)
def test_too_many_edges(capsys, examples_dir, command):
    path = examples_dir / "barbell_8_8.edges"
    code, out, err = run(capsys, command, path, "--max-edges", "20")
    assert_user_error(code, out, err, "57 edges exceeds the limit of 20", "--max-edges")


@pytest.mark.parametrize("command", COMMANDS)
def test_nonpositive_limit(capsys, examples_dir, command):
    code, out, err = run(capsys, command, examples_dir / "karate.gml", "--max-nodes", "0")
    assert_user_error(code, out, err, "max_nodes must be a positive integer")


@pytest.mark.parametrize(
    "exc,expected",
    [
        (GraphError("first line\n  second line"), "error: first line second line"),
        (PermissionError(13, "Permission denied"), "error: [Errno 13] Permission denied"),
    ],
)
def test_user_errors_print_one_line(capsys, monkeypatch, examples_dir, exc, expected):
    def fail(*args, **kwargs):
        raise exc

    monkeypatch.setattr(graphs, "load_graph", fail)
    code, out, err = run(capsys, "sparsify", examples_dir / "karate.gml")
    assert_user_error(code, out, err)
    assert err == expected + "\n"


def test_bugs_still_give_a_traceback(monkeypatch, examples_dir):
    def bug(*args, **kwargs):
        raise KeyError("a bug, not the user's fault")

    monkeypatch.setattr(graphs, "load_graph", bug)
    with pytest.raises(KeyError):
        cli.main(["resistance", str(examples_dir / "karate.gml")])


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["frobnicate"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


# ---------------------------------------------------------------------------- sparsify


def sparsify(capsys, path, out, *extra: str) -> dict:
    code, stdout, err = run(capsys, "sparsify", path, "--out", out, *extra)
    assert code == 0, err
    assert "Traceback" not in err
    return json.loads(stdout)


def labelled_edge_set(G) -> set[frozenset]:
    lab = graphs.node_labels(G)
    return {frozenset((lab[u], lab[v])) for u, v in G.edges()}


def test_sparsify_uniform_runs(capsys, examples_dir, tmp_path):
    src = examples_dir / "barbell_8_8.edges"
    report = sparsify(capsys, src, tmp_path / "u.edges", "--method", "uniform", "--budget", "0.5")
    assert report["method"] == "uniform" and report["out"] == str(tmp_path / "u.edges")
    assert 0.3 < report["edge_retention"] < 0.7
    kept = graphs.load_graph(tmp_path / "u.edges").graph
    original = graphs.load_graph(src).graph
    assert labelled_edge_set(kept) <= labelled_edge_set(original)
    assert kept.number_of_edges() == round(report["edge_retention"] * original.number_of_edges())


@pytest.mark.parametrize("ext", ["gml", "graphml", "json"])
def test_sparsify_output_format_follows_the_extension(capsys, examples_dir, tmp_path, ext):
    out = tmp_path / f"k.{ext}"
    sparsify(capsys, examples_dir / "karate.gml", out, "--method", "uniform", "--budget", "0.3")
    kept = graphs.load_graph(out)
    assert kept.n == 34  # these formats keep nodes that lost all their edges


def test_sparsify_edge_list_output_says_isolated_nodes_are_dropped(capsys, examples_dir, tmp_path):
    out = tmp_path / "k.edges"
    code = cli.main(
        ["sparsify", str(examples_dir / "karate.gml"), "--method", "uniform", "--budget", "0.1"]
        + ["--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 0
    assert "cannot hold isolated nodes" in err
    assert graphs.load_graph(out).n < 34


def test_sparsify_same_seed_same_output(capsys, examples_dir, tmp_path):
    src = examples_dir / "karate.gml"
    args = ("--method", "uniform", "--budget", "0.5")
    a = sparsify(capsys, src, tmp_path / "a.edges", *args, "--seed", "3")
    b = sparsify(capsys, src, tmp_path / "b.edges", *args, "--seed", "3")
    sparsify(capsys, src, tmp_path / "c.edges", *args, "--seed", "4")
    assert (tmp_path / "a.edges").read_bytes() == (tmp_path / "b.edges").read_bytes()
    assert (tmp_path / "a.edges").read_bytes() != (tmp_path / "c.edges").read_bytes()
    assert {**a, "out": ""} == {**b, "out": ""}


def test_sparsify_report_is_strict_json(capsys, examples_dir, tmp_path):
    # Davis' graph has no bridges, so bridge survival is undefined: null, not NaN.
    src = tmp_path / "davis.json"
    src.write_bytes(graphs.graph_to_bytes(graphs.classic("davis_southern_women"), "json"))
    code, stdout, err = run(
        capsys, "sparsify", src, "--method", "uniform", "--out", tmp_path / "d.json"
    )
    assert code == 0, err
    report = json.loads(stdout, parse_constant=lambda c: pytest.fail(f"non-JSON {c}"))
    assert report["bridge_survival"] is None and report["n_bridges"] == 0


def test_sparsify_unwritable_output_is_a_user_error(capsys, examples_dir, tmp_path):
    out = tmp_path / "no" / "such" / "dir.edges"
    code, stdout, err = run(
        capsys, "sparsify", examples_dir / "karate.gml", "--method", "uniform", "--out", out
    )
    assert_user_error(code, stdout, err, "No such file or directory")


def test_sparsify_labels_an_edge_list_cannot_hold(capsys, tmp_path):
    src = tmp_path / "davis.graphml"
    src.write_bytes(graphs.graph_to_bytes(graphs.classic("davis_southern_women"), "graphml"))
    code, stdout, err = run(
        capsys, "sparsify", src, "--method", "uniform", "--out", tmp_path / "d.edges"
    )
    assert_user_error(code, stdout, err, "cannot be written to an edge list")


def test_sparsify_bad_budget_is_a_user_error(capsys, examples_dir, tmp_path):
    code, stdout, err = run(
        capsys, "sparsify", examples_dir / "karate.gml", "--method", "uniform",
        "--budget", "-1", "--out", tmp_path / "x.edges",
    )  # fmt: skip
    assert_user_error(code, stdout, err)


# ---------------------------------------------------------------- resistance, oracle

BARBELL = "barbell_8_8.edges"


def barbell_bridge(examples_dir) -> frozenset:
    """The labels of the one bridge of the example barbell, found by networkx."""
    G = graphs.load_graph(examples_dir / BARBELL).graph
    ((u, v),) = nx.bridges(G)
    lab = graphs.node_labels(G)
    return frozenset((lab[u], lab[v]))


def check_barbell_rows(rows: list[dict], bridge: frozenset) -> None:
    """57 rows; the bridge has R = 1 and every K8 edge R = 2/8 (worked by hand)."""
    assert len(rows) == 28 + 28 + 1
    by_edge = {frozenset((int(r["u"]), int(r["v"]))): float(r["resistance"]) for r in rows}
    assert len(by_edge) == 57
    assert by_edge[bridge] == pytest.approx(1.0, abs=1e-9)
    assert all(r == pytest.approx(0.25, abs=1e-9) for e, r in by_edge.items() if e != bridge)
    assert all(float(r["weight"]) == 1.0 for r in rows)


@pytest.mark.parametrize("method", ["auto", "dense", "sparse"])
def test_resistance_csv_to_stdout(capsys, examples_dir, method):
    code, out, err = run(capsys, "resistance", examples_dir / BARBELL, "--method", method)
    assert code == 0, err
    assert out.splitlines()[0] == "u,v,weight,resistance"
    check_barbell_rows(list(csv.DictReader(io.StringIO(out))), barbell_bridge(examples_dir))
    assert f"note: method={'dense' if method == 'auto' else method}" in err


def test_resistance_csv_file(capsys, examples_dir, tmp_path):
    out_path = tmp_path / "r.csv"
    code, out, err = run(capsys, "resistance", examples_dir / BARBELL, "--out", out_path)
    assert code == 0 and out == ""
    assert "wrote 57 edges" in err
    with open(out_path, newline="") as fh:
        check_barbell_rows(list(csv.DictReader(fh)), barbell_bridge(examples_dir))


def test_resistance_json_file(capsys, examples_dir, tmp_path):
    out_path = tmp_path / "r.json"
    code, _, err = run(capsys, "resistance", examples_dir / BARBELL, "--out", out_path)
    assert code == 0, err
    payload = json.loads(out_path.read_text())
    assert payload["method"] == "dense" and payload["reason"]
    check_barbell_rows(payload["edges"], barbell_bridge(examples_dir))


def test_resistance_keeps_string_labels_and_weights(capsys, examples_dir):
    code, out, err = run(capsys, "resistance", examples_dir / "weighted_barbell.edges")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    G = graphs.load_graph(examples_dir / "weighted_barbell.edges").graph
    assert len(rows) == G.number_of_edges()
    # Foster's theorem: sum over edges of w_e R_e = n - 1 for a connected graph.
    foster = sum(float(r["weight"]) * float(r["resistance"]) for r in rows)
    assert foster == pytest.approx(G.number_of_nodes() - 1, rel=1e-9)
    rows = list(csv.DictReader(io.StringIO(run(capsys, "resistance",
                examples_dir / "florentine.graphml")[1])))  # fmt: skip
    assert {"Medici", "Strozzi"} <= {r["u"] for r in rows} | {r["v"] for r in rows}


def test_resistance_approx_same_seed_same_output(capsys, examples_dir):
    argv = ("resistance", examples_dir / "karate.gml", "--method", "approx", "--eps", "0.5")
    a = run(capsys, *argv, "--seed", "1")
    b = run(capsys, *argv, "--seed", "1")
    c = run(capsys, *argv, "--seed", "2")
    exact = run(capsys, "resistance", examples_dir / "karate.gml", "--method", "dense")
    assert a[0] == 0 and a == b and a[1] != c[1]
    approx = [float(r["resistance"]) for r in csv.DictReader(io.StringIO(a[1]))]
    truth = [float(r["resistance"]) for r in csv.DictReader(io.StringIO(exact[1]))]
    assert np.median(np.abs(np.array(approx) / np.array(truth) - 1)) < 0.5


def test_resistance_bad_eps_is_a_user_error(capsys, examples_dir):
    code, out, err = run(capsys, "resistance", examples_dir / BARBELL, "--eps", "2")
    assert code == 2 and out == ""
    (last,) = [line for line in err.splitlines() if not line.startswith("note:")]
    assert last.startswith("error: ") and "eps" in last


@pytest.mark.parametrize("variant", ["independent", "sampling"])
def test_sparsify_oracle_keeps_the_bridge(capsys, examples_dir, tmp_path, variant):
    out = tmp_path / "o.edges"
    report = sparsify(capsys, examples_dir / BARBELL, out, "--variant", variant)
    assert report["method"] == "oracle"
    assert report["connected"] == 1.0 and report["bridges_kept"] == report["n_bridges"] == 1
    kept = graphs.load_graph(out)
    assert barbell_bridge(examples_dir) in labelled_edge_set(kept.graph)
    assert nx.is_connected(kept.graph) and kept.n == 16
    assert kept.m < 57
    assert all(w >= 1.0 for _, _, w in kept.graph.edges(data="weight"))  # reweighted by 1/p


def test_sparsify_oracle_same_seed_same_output(capsys, examples_dir, tmp_path):
    src = examples_dir / "karate.gml"
    a = sparsify(capsys, src, tmp_path / "a.gml", "--seed", "5")
    b = sparsify(capsys, src, tmp_path / "b.gml", "--seed", "5")
    sparsify(capsys, src, tmp_path / "c.gml", "--seed", "6")
    assert (tmp_path / "a.gml").read_bytes() == (tmp_path / "b.gml").read_bytes()
    assert (tmp_path / "a.gml").read_bytes() != (tmp_path / "c.gml").read_bytes()
    assert {**a, "out": ""} == {**b, "out": ""}


def test_sparsify_default_output_path(capsys, examples_dir, tmp_path):
    src = tmp_path / BARBELL
    src.write_bytes((examples_dir / BARBELL).read_bytes())
    code = cli.main(["sparsify", str(src)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["out"] == str(tmp_path / "barbell_8_8.oracle.edges")
    assert graphs.load_graph(report["out"]).m > 0


@pytest.mark.parametrize(
    ("text", "seeds"),
    [("3", [0, 1, 2]), ("20-22", [20, 21, 22]), ("3,7,11", [3, 7, 11]), ("0-1,9", [0, 1, 9])],
)
def test_seeds_take_a_count_a_range_or_a_list(text, seeds):
    from specdiff_core.cli.reproduce import parse_seeds

    assert parse_seeds(text) == seeds


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0", "a count runs from 1 to 1000"),
        ("10000000000", "a count runs from 1 to 1000"),
        ("5-3", "runs backwards; write 3-5"),
        ("1,1", "listed twice"),
        ("-1", "is not a seed or a range"),
        ("0-5000", "more than 1000 seeds"),
        ("2147483648-2147483649", "seeds go up to 2147483647"),
    ],
)
def test_bad_seeds_are_refused_before_anything_is_written(tmp_path, capsys, text, says):
    out = tmp_path / "out"
    assert (
        cli.main(["reproduce", "--experiment", "barbell", "--seeds", text, "--out", str(out)]) == 2
    )
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1
    assert not out.exists()


# ------------------------------------------------------------------ caps (issue 14)

CAPPED = [
    (["resistance", "{g}", "--method", "approx", "--seed", "-1"], "--seed -1"),
    (["resistance", "{g}", "--seed", "-1"], "--seed -1"),
    (["sparsify", "{g}", "--seed", "-1", "--out", "{out}"], "--seed -1"),
    (["sparsify", "{g}", "--method", "uniform", "--seed", "-1", "--out", "{out}"], "--seed -1"),
    (["sparsify", "{g}", "--model", "{out}.st", "--seed", "-1"], "--seed -1"),
    (["sparsify", "{g}", "--model", "{out}.st", "--samples", "1000000"], "--samples 1000000"),
    (["sparsify", "{g}", "--seed", str(2**31)], "--seed 2147483648"),
    (
        ["train", "--family", "barbell", "--loss", "standard", "--seed", "-1", "--out", "{out}"],
        "--seed -1",
    ),
    (["train", "--family", "barbell", "--loss", "standard", "--steps", "0", "--out", "{out}"], "1"),
    (["train", "--family", "barbell", "--loss", "spectral", "--n-train", "10000000000"], "10,000"),
    (["reproduce", "--experiment", "barbell", "--steps", "0", "--out", "{out}"], "--steps 0"),
    (["reproduce", "--experiment", "barbell", "--workers", "0", "--out", "{out}"], "--workers 0"),
    (
        [
            "reproduce",
            "--experiment",
            "paper_protocol",
            "--trials",
            "10000000000",
            "--out",
            "{out}",
        ],
        "1",
    ),
    (["reproduce", "--experiment", "barbell", "--seeds", "10000000000", "--out", "{out}"], "1000"),
]


@pytest.mark.parametrize(
    "argv, says", CAPPED, ids=lambda x: " ".join(x) if isinstance(x, list) else None
)
def test_capped_options_are_refused_before_anything_runs(
    capsys, examples_dir, tmp_path, argv, says
):
    """A seed of -1 gave a numpy traceback (exit 1) in resistance, sparsify and train;
    --samples 1000000 took 21 GB; --trials 10**10 created --out before it was refused."""
    out = tmp_path / "out"
    args = [a.format(g=examples_dir / "barbell_8_8.edges", out=out) for a in argv]
    if args[0] == "train" and "--out" not in args:
        args += ["--out", str(out)]
    code, stdout, err = run(capsys, *args)
    assert_user_error(code, stdout, err, says)
    assert not out.exists() and not list(tmp_path.iterdir())


# ------------------------------------------------------- outputs never lose a file (issue 14)


@pytest.fixture
def graph_copy(examples_dir, tmp_path) -> Path:
    path = tmp_path / "g.edges"
    path.write_bytes((examples_dir / "barbell_8_8.edges").read_bytes())
    return path


@pytest.mark.parametrize("spelling", ["same", "symlink", "hardlink", "dotted"])
def test_sparsify_never_writes_over_its_input(capsys, graph_copy, spelling):
    """Before: `sparsify G --out G` replaced the graph with its sparsification."""
    import os

    before = graph_copy.read_bytes()
    out = graph_copy
    if spelling == "symlink":
        out = graph_copy.with_name("link.edges")
        out.symlink_to(graph_copy)
    elif spelling == "hardlink":
        out = graph_copy.with_name("hard.edges")
        os.link(graph_copy, out)
    elif spelling == "dotted":
        out = graph_copy.parent / "x" / ".." / graph_copy.name
    code, stdout, err = run(capsys, "sparsify", graph_copy, "--out", out, "--force")
    assert_user_error(code, stdout, err, "would replace the input")
    assert graph_copy.read_bytes() == before


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("model") / "m.safetensors"
    argv = ["train", "--family", "barbell", "--loss", "standard", "--steps", "2"]
    assert cli.main([*argv, "--n-train", "2", "--out", str(out)]) == 0
    return out


def test_sparsify_with_a_model_never_writes_over_the_model(capsys, graph_copy, tiny_model):
    """Before: `sparsify --model M --out M` replaced the model with an edge list."""
    before = tiny_model.read_bytes()
    code, stdout, err = run(
        capsys, "sparsify", graph_copy, "--model", tiny_model, "--out", tiny_model, "--force"
    )
    assert_user_error(code, stdout, err, "would replace the input", "m.safetensors")
    assert tiny_model.read_bytes() == before


def test_existing_outputs_need_force(capsys, graph_copy, tiny_model):
    """Before: train --out, the default sparsify output and resistance --out overwrote
    existing files without a word."""
    default = graph_copy.with_suffix(".oracle.edges")
    for path in (default, graph_copy.with_name("r.csv"), graph_copy.with_name("m.safetensors")):
        path.write_text("mine\n")
    cases = [
        ["sparsify", graph_copy],
        ["resistance", graph_copy, "--out", graph_copy.with_name("r.csv")],
        [
            "train",
            "--family",
            "barbell",
            "--loss",
            "standard",
            "--steps",
            "2",
            "--out",
            graph_copy.with_name("m"),
        ],  # .safetensors is appended: the same file
    ]
    for argv in cases:
        code, stdout, err = run(capsys, *argv)
        assert_user_error(code, stdout, err, "already exists; pass --force")
    assert all(
        p.read_text() == "mine\n"
        for p in (default, graph_copy.with_name("r.csv"), graph_copy.with_name("m.safetensors"))
    )
    code, _, _ = run(capsys, "sparsify", graph_copy, "--force")
    assert code == 0 and default.read_text().startswith("# u v weight")
    masks = graph_copy.with_name("s.masks.csv")
    masks.write_text("mine\n")
    code, stdout, err = run(
        capsys,
        "sparsify",
        graph_copy,
        "--model",
        tiny_model,
        "--out",
        graph_copy.with_name("s.edges"),
    )
    assert_user_error(code, stdout, err, "s.masks.csv already exists")


@pytest.mark.parametrize("command", ["sparsify", "resistance"])
def test_a_full_disk_leaves_no_truncated_output(capsys, monkeypatch, graph_copy, command):
    """Before: on a full disk the output was left truncated under its final name."""
    import errno

    from specdiff_core import files

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    out = graph_copy.with_name("out.csv")
    code, stdout, err = run(capsys, command, graph_copy, "--out", out)
    assert code == 2 and err.strip().splitlines()[-1].startswith("error: [Errno 28]")
    assert "out.csv not written" in err
    assert sorted(p.name for p in graph_copy.parent.iterdir()) == ["g.edges"]


def test_reproduce_out_is_never_the_graphs_folder(capsys, graph_copy):
    folder = graph_copy.parent
    code, stdout, err = run(capsys, "reproduce", "--graphs", folder, "--out", folder, "--quick")
    assert_user_error(code, stdout, err, "is the --graphs folder")
    assert sorted(p.name for p in folder.iterdir()) == ["g.edges"]
