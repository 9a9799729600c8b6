"""What the commands share: the error a user can fix, graph-size limits, --format, notices,
and the graph file that ``resistance`` and ``sparsify`` read."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import SpecDiffError
from ..files import same_file
from ..graphs import DEFAULT_LIMITS, Limits, LoadedGraph
from ..seeds import SEED_MAX

EXIT_USAGE = 2  # a user's mistake: one line on stderr, no traceback

# Every option that is a seed or sizes an allocation, and the range it must be in;
# main() checks them all before a command runs, so a bad one allocates nothing and
# creates no --out. (The library checks the memory a setting needs as well: sampling
# many masks of a large graph is refused by sample_masks, however few --samples.)
CAPS: dict[str, tuple[int, int]] = {
    "seed": (0, SEED_MAX),
    "samples": (1, 1000),  # masks sampled at once (1000000 took 21 GB; 500, 35 CPU-s)
    "steps": (1, 1_000_000),  # training steps (reproduce, train)
    "n_train": (1, 10_000),  # training graphs drawn from a family
    "trials": (1, 100_000),  # K of the paper's protocol (ProtocolConfig's own bound)
    "workers": (1, 1024),  # processes of --backend local, CPUs of a local Ray
}  # (--max-nodes and --max-edges are limits a batch run raises on purpose: Limits checks them)


class CLIError(SpecDiffError):
    """A user-facing CLI error (exit status 2, one line, no traceback)."""


def check_caps(args: argparse.Namespace) -> None:
    """Refuse any option of :data:`CAPS` outside its range (CLIError: exit 2, one line).

    Examples
    --------
    >>> check_caps(argparse.Namespace(seed=-1))
    Traceback (most recent call last):
    ...
    specdiff_core.cli.common.CLIError: --seed -1: must be a whole number from 0 to 2,147,483,647
    """
    for dest, (low, high) in CAPS.items():
        value = getattr(args, dest, None)
        if value is not None and not low <= value <= high:
            raise CLIError(
                f"--{dest.replace('_', '-')} {value}: must be a whole number from {low:,} to "
                f"{high:,}"
            )


def limits(args: argparse.Namespace) -> Limits:
    """The graph-size limits of ``--max-nodes`` / ``--max-edges`` (see :func:`add_limits`)."""
    return Limits(
        max_nodes=args.max_nodes, max_edges=args.max_edges, max_bytes=DEFAULT_LIMITS.max_bytes
    )


def add_limits(p: argparse.ArgumentParser) -> None:
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


def add_format(p: argparse.ArgumentParser) -> None:
    # No argparse `choices`: load_graph refuses an unknown format with a one-line error.
    p.add_argument(
        "--format",
        help="input format: edgelist, gml, graphml or json (default: from the extension, "
        "else from the content)",
    )


def print_notices(notices: Sequence[str]) -> None:
    for note in notices:
        print(f"note: {note}", file=sys.stderr)


def add_graph_file(p: argparse.ArgumentParser) -> None:
    """The graph file a command reads, and its ``--format``."""
    p.add_argument("file", help="edge list, GML, GraphML or node-link JSON")
    add_format(p)


def add_seed_out(p: argparse.ArgumentParser, out_help: str) -> None:
    """``--seed``, ``--out``, ``--force`` and the graph-size limits: the last options of a
    command that reads a graph file (see :func:`load_graph_file`)."""
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help=out_help)
    add_force(p)
    add_limits(p)


def add_force(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true", help="overwrite output files that already exist")


def check_output(
    out: str | os.PathLike[str], *, inputs: Sequence[str | os.PathLike[str]] = (), force: bool
) -> Path:
    """An output path a command may write: never one of its ``inputs`` (compared as
    resolved paths and as files, so a link or a hard link is caught), and not an existing
    file unless ``force``. Call it before any work, so a refusal costs nothing.

    Raises
    ------
    CLIError
        The output is an input, a folder, or an existing file without ``--force``.
    """
    path = Path(out)
    for inp in inputs:
        if same_file(path, inp):
            raise CLIError(
                f"{path}: the output would replace the input {inp}; write it to another file"
            )
    if path.is_dir():
        raise CLIError(f"{path}: is a folder; give a file name for the output")
    if path.exists() and not force:
        raise CLIError(f"{path} already exists; pass --force to overwrite it, or choose --out")
    return path


def load_graph_file(args: argparse.Namespace) -> LoadedGraph:
    """The graph file of ``args`` within its limits, its notices printed on stderr."""
    from ..graphs import load_graph  # at call time, so that a replaced one is the one used

    loaded = load_graph(args.file, fmt=args.format, limits=limits(args))
    print_notices(loaded.notices)
    return loaded
