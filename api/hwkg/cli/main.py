"""The ``hwkg`` command line: one subcommand per module in :mod:`hwkg.cli`.

Only the module of the subcommand being run is imported (``hwkg query`` does not import the
server, the validator or the importers), so a query answered from the cached store starts at
once; ``hwkg --help`` and an unknown command import them all. Exit codes: 0 success, 1 the
input has problems (a graph that does not parse or conform is reported problem by problem on
stderr, whichever command met it), 2 usage errors.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

from hwkg import __version__
from hwkg.core.problems import InvalidGraph

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
    try:
        result: int = args.func(args)
    except InvalidGraph as exc:
        return _invalid(args.command, exc)
    return result


def _invalid(command: str, exc: InvalidGraph) -> int:
    """Report a graph that does not parse or conform, problem by problem (``file: focus
    property: message``), instead of a traceback; exit 1, as for any input with problems."""
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    print(f"hwkg {command}: the graph has {len(exc.problems)} problem(s); run "
          "'hwkg validate' for the full report", file=sys.stderr)
    return 1


def entry() -> NoReturn:
    """The ``hwkg`` console command: run :func:`main` and exit with its code.

    A closed stdout (a pipe into ``head``) ends it with status 141 and no traceback. A
    Ctrl-C that lands while the command is returning (its work done: an import has
    written everything or nothing) exits 130 with a line on stderr, not with a traceback
    or a death by signal; once the code is known, Ctrl-C is ignored while Python shuts down.
    An interrupted command (130) runs the exit handlers, then exits at once, so that the
    status is 130 and not -2.
    """
    try:
        code = main()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except KeyboardInterrupt:
        print("hwkg: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        # The reader of stdout went away (``hwkg query … | head``): no traceback, and no
        # second error when Python flushes stdout at exit. 141 is what a shell reports for
        # a command killed by SIGPIPE.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141
    if code == 130:
        # Interrupted, and the command has said so and left its files consistent. CPython
        # remembers a KeyboardInterrupt that escaped C-level evaluation (PyRun_*, which
        # compiled extensions use) even when Python code then caught it, and at exit kills
        # the process by SIGINT (status -2) instead of returning 130: skip that exit path,
        # after the exit handlers (worker processes stopped, temporary folders removed).
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: cleanup goes on
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(code)


if __name__ == "__main__":
    entry()
