"""The ``hwkg`` command line: one subcommand per module in :mod:`hwkg.cli`.

Exit codes: 0 success, 1 the input has problems, 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from hwkg import __version__

#: Subcommand modules, each with ``register(subparsers)`` that sets ``func`` on its parser.
COMMANDS = (
    "validate",
    "serve",
    "query",
    "export",
    "importer",
    "probe",
    "load",
    "coverage",
)


def parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand registered."""
    top = argparse.ArgumentParser(prog="hwkg", description="The AI hardware knowledge graph.")
    top.add_argument("--version", action="version", version=f"hwkg {__version__}")
    subparsers = top.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"hwkg.cli.{name}").register(subparsers)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help(sys.stderr)
        return 2
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
