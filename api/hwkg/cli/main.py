"""The ``hwkg`` command line: one subcommand per module in :mod:`hwkg.cli`.

Only the module of the subcommand being run is imported (``hwkg query`` does not import the
server, the validator or the importers), so a query answered from the cached store starts at
once; ``hwkg --help`` and an unknown command import them all. Exit codes: 0 success, 1 the
input has problems, 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from hwkg import __version__

#: Subcommand name -> its module, which has ``register(subparsers)`` setting ``func``.
COMMANDS = {
    "validate": "validate",
    "serve": "serve",
    "query": "query",
    "export": "export",
    "import": "importer",
    "probe": "probe",
    "load": "load",
    "coverage": "coverage",
}


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with subcommand ``only`` registered, or all of them when None."""
    top = argparse.ArgumentParser(prog="hwkg", description="The AI hardware knowledge graph.")
    top.add_argument("--version", action="version", version=f"hwkg {__version__}")
    subparsers = top.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(f"hwkg.cli.{module}").register(subparsers)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    command = words[0] if words and words[0] in COMMANDS else None
    args = parser(command).parse_args(words)
    if not getattr(args, "func", None):
        parser().print_help(sys.stderr)
        return 2
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
