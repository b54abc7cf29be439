"""``hwkg validate [PATH…]``: parse and validate the bundled graph, or given files against it.

Prints one problem per line (``file:line: message`` for syntax errors,
``file: focus property: message (shape)`` for violations) and exits 0 when clean, 1 when
not, 2 when a given path does not exist.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyoxigraph as ox

from hwkg.core import resources
from hwkg.core.namespaces import compact
from hwkg.core.problems import InvalidGraph, Problem
from hwkg.loading.snapshot import load_snapshot
from hwkg.turtle.parsing import data_files
from hwkg.turtle.parsing import triples_of as parse_file


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser(
        "validate", help="check Turtle files against the ontology and shapes")
    cmd.add_argument("paths", nargs="*", type=Path,
                     help="files or folders (default: the bundled graph)")
    cmd.add_argument("--warnings", action="store_true", help="also print warnings")
    cmd.set_defaults(func=run)


def _expand(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        out += resources.turtle_files(path) if path.is_dir() else [path]
    return out


def check(given: list[Path]) -> tuple[list[Problem], int]:
    """Problems of ``given`` files (all bundled files when empty) and how many files were read.

    The files are loaded exactly as the server loads them (:func:`load_snapshot`: the given
    files replace their bundled copies, every other bundled file is context), with every
    SHACL constraint checked; only problems of the given files are reported.
    """
    home = resources.home()
    bundled = data_files(home)
    chosen = {p.resolve() for p in given}
    data = [p for p in bundled if p.resolve() not in chosen] + given
    try:
        problems = list(load_snapshot(home, data).warnings)
    except InvalidGraph as exc:
        problems = exc.problems
    if given:
        names = {str(p) for p in given}
        described = _subjects(given)
        problems = [p for p in problems if p.file in names
                    or (p.focus or "").partition("[")[0] in described]
    parts = [resources.turtle_files(home / part) for part in ("ontology", "shapes")]
    return problems, len(given or data) + sum(len(files) for files in parts)


def _subjects(paths: list[Path]) -> set[str]:
    """The entities ``paths`` describe, as problems name them (``chip:…``): a problem of an
    entity another file also describes is reported against that other (first) file, and is
    still one of these files' problems."""
    found: set[str] = set()
    for path in paths:
        try:
            triples = parse_file(path)
        except InvalidGraph:
            continue  # its syntax problems are reported already
        found |= {compact(s.value) for s, _p, _o in triples if isinstance(s, ox.NamedNode)}
    return found


def run(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"hwkg validate: no such file or folder: {path}", file=sys.stderr)
        return 2
    given = _expand(args.paths)
    if args.paths and not given:
        print("hwkg validate: no .ttl files in the given folders", file=sys.stderr)
        return 2
    problems, count = check(given)
    # One line per distinct problem: two values breaking one rule of one node read the same.
    distinct = list(dict.fromkeys(problems))
    for problem in distinct:
        if args.warnings or problem.severity == "Violation":
            print(problem)
    errors = sum(1 for p in distinct if p.severity == "Violation")
    if errors:
        print(f"hwkg validate: {errors} problem(s) in {count} file(s)", file=sys.stderr)
        return 1
    print(f"hwkg validate: {count} file(s) conform", file=sys.stderr)
    return 0
