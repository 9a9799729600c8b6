"""CLI commands of the diffusion engine: ``train``, ``sparsify --model``, ``reproduce``.

Kept apart from cli.py so that the argument definitions live beside the code that
reads them; cli.py registers them with :func:`add_train_parser` and
:func:`add_reproduce_parser`.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from .config import REGIMES, TRAINING_METHODS, DuelConfig, TrainConfig, WeightConfig
from .errors import ConfigError
from .experiments.protocol import ProtocolConfig
from .graphs import (
    DEFAULT_LIMITS,
    FAMILIES,
    Limits,
    edge_weights,
    load_graph_dir,
    make_graph,
    write_graph,
)
from .jsonio import normalise, write_json
from .seeds import example_seed

__all__ = [
    "add_train_parser",
    "add_reproduce_parser",
    "train_cli",
    "reproduce_cli",
    "sparsify_with_model",
]


# ----------------------------------------------------------------------------- train


def add_train_parser(sub: argparse._SubParsersAction) -> None:
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
    p.set_defaults(func=train_cli)


def _training_graphs(args: argparse.Namespace) -> list[nx.Graph]:
    if args.graphs:
        return [lg.graph for lg in load_graph_dir(args.graphs)]
    if args.family in ("barbell", "asymmetric_chain"):
        from .experiments import PRESETS
        from .graphs import family_graphs

        return family_graphs(args.family, args.n_train, PRESETS["quick"], args.seed)
    return [make_graph(args.family, seed=example_seed(args.seed, i)) for i in range(args.n_train)]


def train_cli(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .checkpoints import save_model
    from .training import Duel, make_example

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
        args.out, duel.players[args.loss].model, cfg, args.loss, duel.diffusion.keep_rate, info
    )
    print(json.dumps({"model": str(path), **info}, indent=1, default=float))
    return 0


# -------------------------------------------------------------------- sparsify model


def sparsify_with_model(
    G: nx.Graph, model_path: str, *, samples: int = 16, seed: int = 0, out: str | None = None
) -> dict[str, Any]:
    """Sample ``samples`` sparsifications of ``G`` from a saved model; metrics summary."""
    from .checkpoints import load_model
    from .metrics import evaluate_batch, summarize

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
        from .sparsifiers import Sparsified, sparse_graph

        mask = res.masks[0]
        weights = np.where(mask, edge_weights(G), 0.0)
        sp = Sparsified(
            mask=mask, weights=weights, probs=np.full(len(mask), np.nan), method="model", notices=()
        )
        write_graph(sparse_graph(G, sp), out)
        masks_path = Path(out).with_suffix(".masks.csv")
        np.savetxt(
            masks_path,
            res.masks.T.astype(int),
            fmt="%d",
            delimiter=",",
            header=",".join(f"sample{i}" for i in range(samples)),
            comments="",
        )
        report.update({"out": str(out), "masks": str(masks_path)})
    return report


# ------------------------------------------------------------------------- reproduce


def add_reproduce_parser(sub: argparse._SubParsersAction) -> None:
    from .experiments import ALIASES, EXPERIMENTS
    from .experiments.runner import BACKENDS

    listing = "\n".join(
        f"  {name:22s} {desc}"
        for name, desc in [(PROTOCOL, PROTOCOL_DESCRIPTION)]
        + [(n, e.description) for n, e in EXPERIMENTS.items()]
    )
    p = sub.add_parser(
        "reproduce",
        help="run the paper's experiments; JSON, summary.md and plots",
        description="Run the paper's protocol and experiments with trained models; writes "
        "<experiment>.json, summary.md, PNGs and report.html to --out.",
        epilog="experiments:\n" + listing,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--experiment",
        default="all",
        choices=["all", PROTOCOL, *EXPERIMENTS, *ALIASES],
        metavar="NAME",
        help="one experiment (listed below) or all of them (custom needs --graphs)",
    )
    p.add_argument(
        "--trials",
        type=int,
        default=ProtocolConfig.trials,
        help=f"K, trials per method of {PROTOCOL} (default %(default)s, the paper's)",
    )
    p.add_argument("--seeds", type=int, default=3, help="number of seeds (0..N-1)")
    p.add_argument("--quick", action="store_true", help="small preset (minutes on a laptop)")
    p.add_argument(
        "--graphs",
        help="directory of graph files: the custom experiment (default), or the source "
        "graphs of --experiment real_networks",
    )
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--steps", type=int, help="override the preset's training steps")
    p.add_argument(
        "--regime",
        choices=list(REGIMES),
        help="training targets of the trained experiments: oracle (the preset's: rare in "
        "the graph) or rare (the paper's: rare in the data); paper_learned trains in both",
    )
    p.add_argument(
        "--backend",
        choices=BACKENDS,
        default="local",
        help="where seeds and settings run: this process, local processes (default) or Ray",
    )
    p.add_argument("--workers", type=int, help="parallel workers (default: the CPU count)")
    p.add_argument("--address", help="Ray cluster address (default: start Ray locally)")
    p.add_argument(
        "--no-resume",
        action="store_true",
        help="recompute everything, ignoring finished experiments and units in --out",
    )
    p.add_argument("--max-nodes", type=int, default=DEFAULT_LIMITS.max_nodes)
    p.add_argument("--max-edges", type=int, default=DEFAULT_LIMITS.max_edges)
    p.set_defaults(func=reproduce_cli)


PROTOCOL = "paper_protocol"  # the paper's own scoring simulation (protocol.py), not a duel
PROTOCOL_DESCRIPTION = "the paper's own protocol (Algorithm 5.1, Exp I-IV): a scoring simulation"


def _experiment_names(args: argparse.Namespace) -> list[str]:
    from .experiments import EXPERIMENTS

    if args.graphs:
        if args.experiment in ("all", "custom"):
            return ["custom"]
        if args.experiment == "real_networks":
            return ["real_networks"]
        raise ConfigError(
            "--graphs works with --experiment custom (the default) or real_networks, "
            f"not {args.experiment}"
        )
    if args.experiment == "all":
        return [PROTOCOL, *(n for n in EXPERIMENTS if n != "custom")]
    if args.experiment == "custom":
        raise ConfigError("the custom experiment needs --graphs DIR")
    if args.experiment == PROTOCOL:
        return [PROTOCOL]
    from .experiments import resolve_name

    return [resolve_name(args.experiment)]


def reproduce_cli(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .experiments import PRESETS, run_experiment
    from .experiments.store import find_result
    from .report import write_report

    if args.seeds < 1:
        raise ConfigError(f"--seeds must be >= 1, got {args.seeds}")
    if args.address and args.backend != "ray":
        raise ConfigError("--address needs --backend ray")
    if args.workers is not None and args.workers < 1:
        raise ConfigError(f"--workers must be >= 1, got {args.workers}")
    preset = PRESETS["quick" if args.quick else "full"]
    if args.steps is not None:
        if args.steps < 1:
            raise ConfigError(f"--steps must be >= 1, got {args.steps}")
        preset = replace(
            preset, duel=replace(preset.duel, train=replace(preset.duel.train, steps=args.steps))
        )
    if args.regime is not None:
        preset = replace(preset, regime=args.regime)
    names = _experiment_names(args)
    graphs = None
    if args.graphs:
        limits = Limits(max_nodes=args.max_nodes, max_edges=args.max_edges)
        graphs = [lg.graph for lg in load_graph_dir(args.graphs, limits=limits)]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    seeds = list(range(args.seeds))
    results = []
    for name in names:
        if name == PROTOCOL:
            results.append(_reproduce_protocol(args, out))
            continue
        found = None if args.no_resume or graphs else find_result(name, preset, seeds, [out])
        if found is not None and found[1] == out / f"{name}.json":
            print(f"{name}: finished result in {found[1]} reused", file=sys.stderr)
            results.append(found[0])
            continue
        with tqdm(desc=name, file=sys.stderr, bar_format="{desc}: {elapsed} {postfix}") as bar:
            res = run_experiment(
                name,
                preset=preset,
                seeds=seeds,
                graphs=graphs,
                progress=lambda msg, bar=bar: bar.set_postfix_str(msg),
                backend=args.backend,
                workers=args.workers,
                address=args.address,
                store_dir=None if args.no_resume else out,
            )
        res["preset"] = "quick" if args.quick else "full"
        path = write_json(res, out / f"{name}.json")
        _drop_units(out, name, preset, graphs)
        results.append(res)
        print(f"wrote {path} ({res['seconds']:.1f} s)", file=sys.stderr)
    summary = write_report(results, out)
    print(summary)
    return 0


def _reproduce_protocol(args: argparse.Namespace, out: Path) -> dict[str, Any]:
    """The paper's protocol: seconds, so it is rerun unless its result in --out has the
    same settings and version."""
    from . import __version__
    from .experiments.protocol import run_protocol

    cfg = replace(ProtocolConfig(), trials=args.trials)
    path = out / f"{PROTOCOL}.json"
    if path.exists() and not args.no_resume:
        try:
            old = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            old = None
        if (
            isinstance(old, dict)
            and old.get("version") == __version__
            and old.get("config") == normalise(asdict(cfg))
        ):
            print(f"{PROTOCOL}: finished result in {path} reused", file=sys.stderr)
            return old
    res = run_protocol(cfg)
    write_json(res, path)
    print(f"wrote {path} ({res['seconds']:.1f} s)", file=sys.stderr)
    return res


def _drop_units(out: Path, name: str, preset: Any, graphs: Any) -> None:
    """Remove an experiment's per-unit files once its result is written (the result
    itself now resumes the sweep), so that --out holds only results."""
    import shutil

    from .experiments.store import UnitStore

    shutil.rmtree(UnitStore(out, name, preset, graphs).dir, ignore_errors=True)
    try:
        (out / ".units").rmdir()  # only when no other experiment's units are left
    except OSError:
        pass
