"""``hwkg import mlperf|measured|csv``: bring real sources into the graph, validated and atomic.

Forms: ``hwkg import mlperf PATH``, ``hwkg import measured FILE…`` and
``hwkg import csv FILE --mapping MAPPING``.

(The module is ``importer`` because ``import`` is a Python keyword; the command is ``import``.)

Every import builds its Turtle files in memory, validates them against the shapes with
what they reference, and only then writes them into the graph folder (default: the
bundled ``graph/``; ``--graph-dir`` for another) atomically. By default any rejected input
item (a corrupt log, a system file missing a field, an unmatched accelerator, a CSV cell
in a bad unit) means nothing is written; ``--allow-rejected`` writes the rest and lists
what was left out. Exit codes: 0 written (or nothing to change), 1 rejected or invalid
input (nothing written), 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from rdflib import Graph

from hwkg.core import interrupts, resources
from hwkg.core.problems import Problem
from hwkg.importers import csv_table, measured
from hwkg.importers.report import Report
from hwkg.importers.writer import Output, existing, finish

Build = Callable[[Graph, Path, Report], list[Output]]


def _day(text: str) -> date:
    return date.fromisoformat(text)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser("import", help="import MLPerf results, measured files or a CSV")
    kinds = cmd.add_subparsers(dest="kind", metavar="KIND", required=True)
    ml = kinds.add_parser("mlperf", help="an MLPerf Training results tree or an MLPerf "
                          "Inference results table, of any round")
    ml.add_argument("path", type=Path, help="the round's folder: <submitter>/systems and "
                    "<submitter>/results (training), or summary_results.json (inference)")
    ml.add_argument("--round", dest="round_given", metavar="VERSION", help="the round (4.0 "
                    "or v4.0) when the folder, its SOURCE.md or its rows do not name it; "
                    "an error when they name another")
    ml.add_argument("--retrieved", type=_day, help="retrieval date of the copy "
                    "(default: the date its SOURCE.md, or the folder, was last modified)")
    ml.set_defaults(func=run_mlperf)
    me = kinds.add_parser("measured", help="probe measurement JSON files")
    me.add_argument("files", nargs="+", type=Path)
    me.set_defaults(func=run_measured)
    cs = kinds.add_parser("csv", help="a table of chip figures, with a column mapping")
    cs.add_argument("file", type=Path)
    cs.add_argument("--mapping", type=Path, required=True, help="JSON or TOML column mapping")
    cs.set_defaults(func=run_csv)
    for sub in (ml, me, cs):
        sub.add_argument("--graph-dir", type=Path, help="graph folder to write into "
                         "(default: the bundled graph/)")
        sub.add_argument("--dry-run", action="store_true", help="validate and report only")
        sub.add_argument("--allow-rejected", action="store_true",
                         help="write the valid part even when some input items are rejected")


def _modified(path: Path) -> date:
    probe = path / "SOURCE.md" if (path / "SOURCE.md").exists() else path
    return datetime.fromtimestamp(probe.stat().st_mtime, UTC).date()


def _run(args: argparse.Namespace, build: Build, missing: list[Path]) -> int:
    for path in missing:
        if not path.exists():
            print(f"hwkg import: no such file or folder: {path}", file=sys.stderr)
            return 2
    graph_dir = (args.graph_dir or resources.graph_dir()).resolve()
    if not graph_dir.is_dir():
        print(f"hwkg import: graph folder {graph_dir} does not exist", file=sys.stderr)
        return 2
    report = Report()
    old = existing(graph_dir)
    try:
        outputs = build(old, graph_dir, report)
    except ValueError as exc:
        report.reject(str(missing[0]) if missing else "input", str(exc))
        outputs = []
    if report.rejected and not args.allow_rejected or not outputs:
        print(report.summary())
        print(f"hwkg import: {len(report.rejected)} input item(s) rejected; nothing written"
              + ("" if not outputs else " (--allow-rejected writes the rest)"), file=sys.stderr)
        return 1
    problems = finish(outputs, graph_dir, report, dry_run=args.dry_run, old=old)
    if problems and args.allow_rejected:
        outputs = _without_invalid(outputs, problems, report)
        problems = finish(outputs, graph_dir, report, dry_run=args.dry_run, old=old)
    if problems:
        for problem in problems:
            print(problem)
        print(f"hwkg import: the generated data breaks {len(problems)} shape rule(s); "
              "nothing written", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def _without_invalid(outputs: list[Output], problems: list[Problem],
                     report: Report) -> list[Output]:
    """The outputs no problem names; each file left out is listed as rejected, with why."""
    bad: dict[str, list[str]] = {}
    for problem in problems:
        bad.setdefault(problem.file, []).append(problem.message)
    for path, messages in sorted(bad.items()):
        group = next((o.group for o in outputs if o.path == path), "")
        report.reject(path, "breaks the shapes: " + "; ".join(messages[:3]), "file", group)
    return [o for o in outputs if o.path not in bad]


def interruptible(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn Ctrl-C into exit code 130 with a line saying the graph folder is consistent; a
    Ctrl-C swallowed by code in between (a bare ``except:``) still stops the run at its next
    step (:mod:`hwkg.core.interrupts`)."""

    def wrapped(args: argparse.Namespace) -> int:
        try:
            with interrupts.latched():
                return run(args)
        except KeyboardInterrupt:
            print("hwkg import: interrupted; the graph folder is as before or fully updated, "
                  "never half-written", file=sys.stderr)
            return 130

    return wrapped


@interruptible
def run_mlperf(args: argparse.Namespace) -> int:
    root: Path = args.path
    if root.is_file() and root.name == "summary_results.json":
        root = root.parent  # an inference results table named by its file

    def build(old: Graph, graph_dir: Path, report: Report) -> list[Output]:
        from hwkg.importers import mlperf  # loads mlperf-logging (pandas): only when needed

        retrieved = args.retrieved or _modified(root)
        return mlperf.import_path(root, old, graph_dir, report, retrieved, args.round_given)

    return _run(args, build, [root])


@interruptible
def run_measured(args: argparse.Namespace) -> int:
    def build(old: Graph, graph_dir: Path, report: Report) -> list[Output]:
        return measured.import_files(list(args.files), old, report, graph_dir)

    return _run(args, build, list(args.files))


@interruptible
def run_csv(args: argparse.Namespace) -> int:
    def build(old: Graph, graph_dir: Path, report: Report) -> list[Output]:
        return csv_table.import_table(args.file, args.mapping, old, report)

    return _run(args, build, [args.file, args.mapping])
