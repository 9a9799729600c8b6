"""``sparsify``: sparsify a graph file with the Spectral Oracle, uniformly, or with a
trained model (``--model``, from ``train``)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from ..errors import ConfigError
from ..files import atomic_open
from .common import add_graph_file, add_seed_out, check_output, load_graph_file, print_notices


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("sparsify", help="sparsify a graph file with the oracle, uniform or a model")
    add_graph_file(p)
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
    add_seed_out(p, "output path (extension picks the format)")
    return p


def run(args: argparse.Namespace) -> int:
    from ..graphs import format_of, write_graph

    if args.model:
        if args.out:
            for path in (args.out, masks_path(args.out)):
                check_output(path, inputs=[args.file, args.model], force=args.force)
        G = load_graph_file(args).graph
        report = sparsify_with_model(
            G, args.model, samples=args.samples, seed=args.seed, out=args.out or None
        )
        print(json.dumps(report, indent=1, default=float))
        return 0
    out = check_output(
        args.out or Path(args.file).with_suffix(f".{args.method}.edges"),
        inputs=[args.file],
        force=args.force,
    )
    G = load_graph_file(args).graph
    from ..metrics import evaluate
    from ..sparsifiers import sparse_graph, sparsify

    sp = sparsify(G, method=args.method, budget=args.budget, seed=args.seed, variant=args.variant)
    print_notices(sp.notices)
    H = sparse_graph(G, sp)
    metrics = evaluate(G, sp.mask, sp.weights)
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


def sparsify_with_model(
    G: nx.Graph, model_path: str, *, samples: int = 16, seed: int = 0, out: str | None = None
) -> dict[str, Any]:
    """Sample ``samples`` sparsifications of ``G`` from a saved model; metrics summary.

    With ``out``, the first sample is written there (the extension picks the format) and
    every sample as a column of ``<out>.masks.csv``.
    """
    from ..checkpoints import load_model
    from ..metrics import evaluate_batch, summarize

    if samples < 1:
        raise ConfigError(f"--samples must be >= 1, got {samples}")
    tm = load_model(model_path)
    res = tm.sample(G, samples, seed=seed)
    report: dict[str, Any] = {
        "model": str(model_path),
        "method": tm.method,
        "samples": samples,
        "seconds": round(res.seconds, 4),
        **summarize(evaluate_batch(G, res.masks)),
    }
    if out:
        report.update(_write_model_sample(G, res.masks, out))
    return report


def _write_model_sample(G: nx.Graph, masks_of: np.ndarray, out: str) -> dict[str, str]:
    """The first of ``masks_of`` as a graph file at ``out``; all of them as ``.masks.csv``."""
    from ..graphs import edge_weights, write_graph
    from ..sparsifiers import Sparsified, sparse_graph

    mask = masks_of[0]
    weights = np.where(mask, edge_weights(G), 0.0)
    sp = Sparsified(
        mask=mask, weights=weights, probs=np.full(len(mask), np.nan), method="model", notices=()
    )
    write_graph(sparse_graph(G, sp), out)
    masks = masks_path(out)
    with atomic_open(masks, "w") as fh:  # whole or not at all
        np.savetxt(
            fh,
            masks_of.T.astype(int),
            fmt="%d",
            delimiter=",",
            header=",".join(f"sample{i}" for i in range(masks_of.shape[0])),
            comments="",
        )
    return {"out": str(out), "masks": str(masks)}


def masks_path(out: str | Path) -> Path:
    """Where ``sparsify --model --out OUT`` writes every sample: ``OUT`` as ``.masks.csv``."""
    return Path(out).with_suffix(".masks.csv")
