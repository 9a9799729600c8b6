"""``reproduce``: the paper's protocol and the experiments with trained models; writes
``<experiment>.json``, ``summary.md``, PNGs and ``report.html`` to ``--out``.

Finished results in ``--out`` (and, within an experiment, finished units) are reused
unless ``--no-resume``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..config import REGIMES
from ..errors import ConfigError
from ..files import same_file
from ..graphs import DEFAULT_LIMITS, Limits
from ..jsonio import normalise, write_json
from ..seeds import SEED_MAX

if TYPE_CHECKING:
    from ..experiments import ExperimentConfig

PROTOCOL = "paper_protocol"  # the paper's own scoring simulation (protocol.py), not a duel
PROTOCOL_DESCRIPTION = "the paper's own protocol (Algorithm 5.1, Exp I-IV): a scoring simulation"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from ..experiments import ALIASES, EXPERIMENTS
    from ..experiments.protocol import ProtocolConfig

    p = sub.add_parser(
        "reproduce",
        help="run the paper's experiments; JSON, summary.md and plots",
        description="Run the paper's protocol and experiments with trained models; writes "
        "<experiment>.json, summary.md, PNGs and report.html to --out.",
        epilog="experiments:\n" + _listing(),
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
    p.add_argument(
        "--seeds",
        default="3",
        help="which seeds: a count N (seeds 0..N-1), a range A-B, or a list such as "
        "3,7,11 or 0-4,9 (default 3)",
    )
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
    _add_backend_options(p)
    p.add_argument("--max-nodes", type=int, default=DEFAULT_LIMITS.max_nodes)
    p.add_argument("--max-edges", type=int, default=DEFAULT_LIMITS.max_edges)
    return p


def _listing() -> str:
    """The epilog's table: every experiment with its one-line description."""
    from ..experiments import EXPERIMENTS

    return "\n".join(
        f"  {name:22s} {desc}"
        for name, desc in [(PROTOCOL, PROTOCOL_DESCRIPTION)]
        + [(n, e.description) for n, e in EXPERIMENTS.items()]
    )


def _add_backend_options(p: argparse.ArgumentParser) -> None:
    """Where the units run, and whether finished ones are reused."""
    from ..experiments.runner import BACKENDS

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


def run(args: argparse.Namespace) -> int:
    from ..report import write_report

    _check(args)
    preset = _preset(args)
    names = _experiment_names(args)
    graphs = None
    if args.graphs:
        from ..graphs import load_graph_dir

        limits = Limits(max_nodes=args.max_nodes, max_edges=args.max_edges)
        graphs = []
        for lg in load_graph_dir(args.graphs, limits=limits):
            lg.graph.graph.setdefault("source", Path(lg.source).stem)  # names the dataset's sources
            graphs.append(lg.graph)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    seeds = parse_seeds(args.seeds)
    results = [
        _reproduce_protocol(args, out)
        if name == PROTOCOL
        else _reproduce(name, args, preset, seeds, graphs, out)
        for name in names
    ]
    summary = write_report(results, out)
    print(summary)
    return 0


MAX_SEEDS = 1000  # seeds one command may run: each is a trained replicate


def parse_seeds(text: str) -> list[int]:
    """``--seeds``: a count ``N`` (0..N-1), a range ``A-B`` (both ends included) or a
    comma-separated list of seeds and ranges; raises ConfigError on anything else.

    Examples
    --------
    >>> parse_seeds("3"), parse_seeds("20-22"), parse_seeds("3,7,11"), parse_seeds("0-1,9")
    ([0, 1, 2], [20, 21, 22], [3, 7, 11], [0, 1, 9])
    """
    raw = str(text).strip()
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    if raw.isdigit():  # a bare number is a count
        if len(raw) > 12 or not 1 <= int(raw) <= MAX_SEEDS:
            alone = f" (one seed alone: {raw}-{raw})" if len(raw) <= 10 else ""
            raise ConfigError(f"--seeds {shown}: a count runs from 1 to {MAX_SEEDS}{alone}")
        return list(range(int(raw)))
    seeds: list[int] = []
    for part in raw.split(","):
        seeds.extend(_seed_part(part.strip(), shown))
        if len(seeds) > MAX_SEEDS:
            raise ConfigError(f"--seeds {shown}: more than {MAX_SEEDS} seeds; run them in parts")
    if len(set(seeds)) != len(seeds):
        raise ConfigError(f"--seeds {shown}: a seed is listed twice; give each seed once")
    return seeds


def _seed_part(part: str, whole: str) -> list[int]:
    lo, sep, hi = part.partition("-")
    ends = [lo, hi] if sep else [lo]
    if not all(e.isdigit() and len(e) <= len(str(SEED_MAX)) for e in ends):
        raise ConfigError(
            f"--seeds {whole}: {part[:20]!r} is not a seed or a range; use a count (5), a "
            "range (20-24) or a list (3,7,11)"
        )
    a, b = int(ends[0]), int(ends[-1])
    if b > SEED_MAX:
        raise ConfigError(f"--seeds {whole}: seeds go up to {SEED_MAX}")
    if b < a:
        raise ConfigError(f"--seeds {whole}: the range {part} runs backwards; write {b}-{a}")
    if b - a >= MAX_SEEDS:
        raise ConfigError(f"--seeds {whole}: more than {MAX_SEEDS} seeds; run them in parts")
    return list(range(a, b + 1))


def _check(args: argparse.Namespace) -> None:
    """Refuse settings that cannot run, before anything is computed."""
    parse_seeds(args.seeds)  # before --out is created
    if args.graphs and same_file(args.out, args.graphs):
        raise ConfigError(
            f"--out {args.out} is the --graphs folder: results written there would be read as "
            "graphs next time; choose another --out"
        )
    if args.address and args.backend != "ray":
        raise ConfigError("--address needs --backend ray")
    # --steps, --workers and --trials are checked with every command's caps (common.CAPS)


def _preset(args: argparse.Namespace) -> ExperimentConfig:
    """The preset of ``--quick`` with ``--steps`` and ``--regime`` applied."""
    from ..experiments import PRESETS

    preset = PRESETS["quick" if args.quick else "full"]
    if args.steps is not None:
        preset = replace(
            preset, duel=replace(preset.duel, train=replace(preset.duel.train, steps=args.steps))
        )
    if args.regime is not None:
        preset = replace(preset, regime=args.regime)
    return preset


def _experiment_names(args: argparse.Namespace) -> list[str]:
    from ..experiments import EXPERIMENTS

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
    from ..experiments import resolve_name

    return [resolve_name(args.experiment)]


def _reproduce(
    name: str,
    args: argparse.Namespace,
    preset: ExperimentConfig,
    seeds: list[int],
    graphs: list[nx.Graph] | None,
    out: Path,
) -> dict[str, Any]:
    """One trained experiment: its finished result in ``out`` reused, or run and written."""
    from tqdm import tqdm

    from ..experiments import run_experiment
    from ..experiments.store import find_result

    found = None if args.no_resume or graphs else find_result(name, preset, seeds, [out])
    if found is not None and found[1] == out / f"{name}.json":
        print(f"{name}: finished result in {found[1]} reused", file=sys.stderr)
        return found[0]
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
    print(f"wrote {path} ({res['seconds']:.1f} s)", file=sys.stderr)
    return res


def _reproduce_protocol(args: argparse.Namespace, out: Path) -> dict[str, Any]:
    """The paper's protocol: seconds, so it is rerun unless its result in --out has the
    same settings and version."""
    from .. import __version__
    from ..experiments.protocol import ProtocolConfig, run_protocol

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


def _drop_units(
    out: Path, name: str, preset: ExperimentConfig, graphs: list[nx.Graph] | None
) -> None:
    """Remove an experiment's per-unit files once its result is written (the result
    itself now resumes the sweep), so that --out holds only results."""
    import shutil

    from ..experiments.store import UnitStore

    shutil.rmtree(UnitStore(out, name, preset, graphs).dir, ignore_errors=True)
    try:
        (out / ".units").rmdir()  # only when no other experiment's units are left
    except OSError:
        pass
