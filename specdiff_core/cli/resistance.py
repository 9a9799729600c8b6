"""``resistance``: the effective resistance of every edge of a graph file, as CSV or JSON."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from ..files import atomic_open, atomic_write
from .common import add_graph_file, add_seed_out, check_output, load_graph_file


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("resistance", help="effective resistance of every edge of a graph file")
    add_graph_file(p)
    p.add_argument("--method", default="auto", choices=["auto", "dense", "sparse", "approx"])
    p.add_argument("--eps", type=float, default=0.3, help="accuracy of --method approx")
    add_seed_out(p, "CSV (default: stdout) or .json file")
    return p


def run(args: argparse.Namespace) -> int:
    from ..graphs import node_labels

    out = args.out
    to_file = out is not None and str(out) != "-"
    if to_file:
        check_output(out, inputs=[args.file], force=args.force)
    loaded = load_graph_file(args)
    from ..resistance import effective_resistance

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
    if not to_file:
        _write_csv(rows, sys.stdout)
        return 0
    if str(out).lower().endswith(".json"):
        body = {"method": res.method, "reason": res.reason, "edges": rows}
        atomic_write(out, json.dumps(body, indent=1))
    else:
        with atomic_open(out, "w", newline="") as fh:  # whole or not at all
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
