"""Command line: ``python -m specdiff_core <command> ...``.

One module per command, each with ``add_parser(sub)`` (its options; returns the
subparser) and ``run(args)`` (the command; returns the exit status). To add a command,
write such a module beside these and add it to :data:`COMMANDS`. What several commands
share (graph-size limits, ``--format``, notices, :class:`CLIError`) is in ``common``.

Each command is a thin path through the core. A user's mistake (bad file, bad
setting) prints one line ``error: ...`` and exits with status 2; a bug still
gives a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import SpecDiffError
from ..signals import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, sigterm_raises
from . import bench, export, reproduce, resistance, sparsify, train, warm
from .common import EXIT_USAGE, CLIError, check_caps

__all__ = ["COMMANDS", "EXIT_USAGE", "CLIError", "build_parser", "main"]

COMMANDS = (resistance, sparsify, bench, train, reproduce, export, warm)  # in the order of --help


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m specdiff_core",
        description="SpecDiff Explorer: effective resistance, spectral sparsification and "
        "standard vs spectrally-weighted graph diffusion.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(sub).set_defaults(func=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. A user's mistake: one ``error:`` line, exit 2. Ctrl-C: exit 130,
    SIGTERM: exit 143, each with one line, after the command has unwound (its temporary
    files removed, its worker processes stopped)."""
    try:
        with sigterm_raises():
            args = build_parser().parse_args(argv)
            check_caps(args)  # before anything is allocated or --out is created
            return int(args.func(args) or 0)
    except (SpecDiffError, OSError) as exc:  # the user's to fix: one line, no traceback
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("terminated", file=sys.stderr)
        return EXIT_TERMINATED
