"""``train``: train one denoiser (standard, spectral or a control loss) and save it."""

from __future__ import annotations

import argparse
import json
import sys

import networkx as nx

from ..config import TRAINING_METHODS, DuelConfig, TrainConfig, WeightConfig
from ..graphs import FAMILIES
from ..seeds import example_seed
from .common import add_force, check_output


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("train", help="train one denoiser (standard or spectral loss) and save it")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--family", choices=sorted(FAMILIES), help="graph family to train on")
    src.add_argument("--graphs", help="directory of graph files to train on")
    p.add_argument(
        "--loss",
        choices=list(TRAINING_METHODS),
        required=True,
        help="standard, spectral, or a control (docs/beyond.md)",
    )
    p.add_argument("--out", required=True, help="model file to write (.safetensors)")
    p.add_argument("--steps", type=int, default=TrainConfig.steps)
    p.add_argument("--n-train", type=int, default=16, help="training graphs drawn from --family")
    p.add_argument("--budget", type=float, default=0.6, help="teacher (oracle) edge fraction")
    p.add_argument("--lam", type=float, default=WeightConfig.lam, help="lambda of w = f(R)")
    p.add_argument("--weight-fn", choices=["linear", "power", "exp"], default=WeightConfig.fn)
    p.add_argument(
        "--focal-gamma", type=float, default=WeightConfig.focal_gamma, help="gamma of --loss focal"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    add_force(p)
    return p


def _training_graphs(args: argparse.Namespace) -> list[nx.Graph]:
    from ..graphs import load_graph_dir, make_graph

    if args.graphs:
        return [lg.graph for lg in load_graph_dir(args.graphs)]
    if args.family in ("barbell", "asymmetric_chain"):
        from ..experiments import PRESETS
        from ..graphs import family_graphs

        return family_graphs(args.family, args.n_train, PRESETS["quick"], args.seed)
    return [make_graph(args.family, seed=example_seed(args.seed, i)) for i in range(args.n_train)]


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..checkpoints import model_file, save_model
    from ..training import Duel, make_example

    out = check_output(model_file(args.out), force=args.force)  # before any training
    graphs = _training_graphs(args)
    examples = [
        make_example(G, budget=args.budget, seed=example_seed(args.seed, i))
        for i, G in enumerate(graphs)
    ]
    cfg = DuelConfig(
        train=TrainConfig(steps=args.steps, seed=args.seed, device=args.device),
        weighting=WeightConfig(fn=args.weight_fn, lam=args.lam, focal_gamma=args.focal_gamma),
        methods=(args.loss,),
    )
    duel = Duel(cfg, examples)
    with tqdm(total=cfg.train.steps, desc=f"train {args.loss}", file=sys.stderr) as bar:
        while not duel.done:
            n = min(25, cfg.train.steps - duel.step_count)
            duel.step(n)
            bar.update(n)
    last = duel.history[-1] if duel.history else {}
    info = {
        "steps": duel.step_count,
        "train_graphs": len(examples),
        "seconds": round(duel.seconds, 2),
        "source": args.graphs or args.family,
        "final": last,
    }
    path = save_model(
        out, duel.players[args.loss].model, cfg, args.loss, duel.diffusion.keep_rate, info
    )
    print(json.dumps({"model": str(path), **info}, indent=1, default=float))
    return 0
