"""Command line: ``python -m specdiff_core <command> ...``.

Each command is a thin path through the core. A user's mistake (bad file, bad
setting) prints one line ``error: ...`` and exits with status 2; a bug still
gives a traceback.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import SpecDiffError
from .graphs import DEFAULT_LIMITS, Limits

EXIT_USAGE = 2


class CLIError(SpecDiffError):
    """A user-facing CLI error (exit status 2, one line, no traceback)."""


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(
        max_nodes=args.max_nodes, max_edges=args.max_edges, max_bytes=DEFAULT_LIMITS.max_bytes
    )


def _add_limits(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-nodes",
        type=int,
        default=DEFAULT_LIMITS.max_nodes,
        help="refuse graphs with more nodes (default %(default)s)",
    )
    p.add_argument(
        "--max-edges",
        type=int,
        default=DEFAULT_LIMITS.max_edges,
        help="refuse graphs with more edges (default %(default)s)",
    )


def _add_format(p: argparse.ArgumentParser) -> None:
    # No argparse `choices`: load_graph refuses an unknown format with a one-line error.
    p.add_argument(
        "--format",
        help="input format: edgelist, gml, graphml or json (default: from the extension, "
        "else from the content)",
    )


def _print_notices(notices: Sequence[str]) -> None:
    for note in notices:
        print(f"note: {note}", file=sys.stderr)


# ------------------------------------------------------------------------- resistance


def cmd_resistance(args: argparse.Namespace) -> int:
    from .graphs import load_graph, node_labels

    loaded = load_graph(args.file, fmt=args.format, limits=_limits(args))
    _print_notices(loaded.notices)
    from .resistance import effective_resistance

    res = effective_resistance(loaded.graph, method=args.method, eps=args.eps, seed=args.seed)
    print(f"note: method={res.method} ({res.reason})", file=sys.stderr)
    labels = node_labels(loaded.graph)
    rows = [
        {
            "u": labels[u],
            "v": labels[v],
            "weight": float(loaded.graph.edges[int(u), int(v)]["weight"]),
            "resistance": float(r),
        }
        for (u, v), r in zip(res.edges, res.values, strict=True)
    ]
    out = args.out
    if out is None or str(out) == "-":
        _write_csv(rows, sys.stdout)
    elif str(out).lower().endswith(".json"):
        Path(out).write_text(
            json.dumps({"method": res.method, "reason": res.reason, "edges": rows}, indent=1)
        )
        print(f"wrote {len(rows)} edges to {out}", file=sys.stderr)
    else:
        with open(out, "w", newline="") as fh:
            _write_csv(rows, fh)
        print(f"wrote {len(rows)} edges to {out}", file=sys.stderr)
    return 0


def _write_csv(rows: list[dict], fh) -> None:
    writer = csv.DictWriter(fh, fieldnames=["u", "v", "weight", "resistance"])
    writer.writeheader()
    for r in rows:
        writer.writerow(
            {**r, "resistance": f"{r['resistance']:.12g}", "weight": f"{r['weight']:.12g}"}
        )


# --------------------------------------------------------------------------- sparsify


def cmd_sparsify(args: argparse.Namespace) -> int:
    from .graphs import format_of, load_graph, write_graph

    loaded = load_graph(args.file, fmt=args.format, limits=_limits(args))
    _print_notices(loaded.notices)
    G = loaded.graph
    if args.model:
        return _sparsify_with_model(args, G)
    from .metrics import evaluate
    from .sparsifiers import sparse_graph, sparsify

    sp = sparsify(G, method=args.method, budget=args.budget, seed=args.seed, variant=args.variant)
    _print_notices(sp.notices)
    H = sparse_graph(G, sp)
    metrics = evaluate(G, sp.mask, sp.weights)
    out = args.out or Path(args.file).with_suffix(f".{args.method}.edges")
    write_graph(H, out)
    isolated = sum(1 for _, d in H.degree() if d == 0)
    if isolated and format_of(out) == "edgelist":
        print(
            f"note: {isolated} node(s) lost all their edges and are not in {out} (an edge "
            "list cannot hold isolated nodes; write .gml, .graphml or .json to keep them)",
            file=sys.stderr,
        )
    report = {"method": args.method, "out": str(out), **metrics}
    # Strict JSON: a metric that is undefined (bridge survival without bridges) is null.
    report = {
        k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in report.items()
    }
    print(json.dumps(report, indent=1, allow_nan=False))
    return 0


def _sparsify_with_model(args: argparse.Namespace, G) -> int:
    from .commands import sparsify_with_model

    report = sparsify_with_model(
        G, args.model, samples=args.samples, seed=args.seed, out=args.out or None
    )
    print(json.dumps(report, indent=1, default=float))
    return 0


# ------------------------------------------------------------------------------ bench


BENCHMARKS = ("resistance", "diffusion", "cost", "protocol")  # modules of benchmarks/


def cmd_bench(args: argparse.Namespace) -> int:
    """Run one of the repository's benchmarks (benchmarks/, beside the library)."""
    import importlib

    from .paths import BENCHMARKS_DIR

    root = BENCHMARKS_DIR.parent
    if not (BENCHMARKS_DIR / f"{args.what}.py").is_file():
        raise CLIError(
            f"benchmark {args.what!r} not found: the benchmarks live in the repository's "
            f"benchmarks/ folder, which is not beside this installation ({root})"
        )
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    bench = importlib.import_module(f"benchmarks.{args.what}")
    return int(bench.main(quick=args.quick, out=args.out) or 0)


# ------------------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m specdiff_core",
        description="SpecDiff Explorer: effective resistance, spectral sparsification and "
        "standard vs spectrally-weighted graph diffusion.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("resistance", help="effective resistance of every edge of a graph file")
    p.add_argument("file", help="edge list, GML, GraphML or node-link JSON")
    _add_format(p)
    p.add_argument("--method", default="auto", choices=["auto", "dense", "sparse", "approx"])
    p.add_argument("--eps", type=float, default=0.3, help="accuracy of --method approx")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="CSV (default: stdout) or .json file")
    _add_limits(p)
    p.set_defaults(func=cmd_resistance)

    p = sub.add_parser("sparsify", help="sparsify a graph file with the oracle, uniform or a model")
    p.add_argument("file", help="edge list, GML, GraphML or node-link JSON")
    _add_format(p)
    p.add_argument("--method", default="oracle", choices=["oracle", "uniform"])
    p.add_argument(
        "--variant",
        default="independent",
        choices=["independent", "sampling"],
        help="oracle variant: keep each edge independently, or sample q edges",
    )
    p.add_argument(
        "--budget",
        type=float,
        default=0.5,
        help="target edges: a fraction in (0, 1] or an absolute count > 1",
    )
    p.add_argument("--model", help="a trained model directory (from `train`) to sample from")
    p.add_argument("--samples", type=int, default=16, help="samples to draw with --model")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="output path (extension picks the format)")
    _add_limits(p)
    p.set_defaults(func=cmd_sparsify)

    p = sub.add_parser("bench", help="benchmarks that print figures against in-run baselines")
    p.add_argument("what", choices=BENCHMARKS)
    p.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    p.add_argument("--out", help="also write the rows as JSON here")
    p.set_defaults(func=cmd_bench)

    _register_late(sub)
    return parser


def _register_late(sub: argparse._SubParsersAction) -> None:
    """Commands whose options live beside their implementation (training, experiments)."""
    from .commands import add_reproduce_parser, add_train_parser

    add_train_parser(sub)
    add_reproduce_parser(sub)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (SpecDiffError, OSError) as exc:  # the user's to fix: one line, no traceback
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
