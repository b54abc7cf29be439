"""``hwkg coverage [--format text|json] [--missing]``: how complete the core figures are.

For each group of chips (accelerators, CPUs) and each core property: how many chips have a
preferred value, how many a sourced statement that there is none, the share of the values
whose preferred statement cites a primary source and how many of the stated absences cite
one (figure properties), and (with
``--missing``) which have neither (:mod:`hwkg.derived.coverage`). Reads the cached validated store.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hwkg.core.settings import Settings
from hwkg.derived import coverage


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser("coverage", help="how complete the core figures are")
    cmd.add_argument("--format", choices=("text", "json"), default="text")
    cmd.add_argument("--missing", action="store_true", help="list the chips lacking each")
    cmd.add_argument("--absent", action="store_true",
                     help="list the chips whose value is stated absent")
    cmd.add_argument("--home", type=Path, help="folder with ontology/, shapes/, graph/")
    cmd.set_defaults(func=run)


def _text(rows: list[coverage.Row], missing: bool, absent: bool) -> str:
    lines = [f"{'group':<12} {'property':<16} {'value':>6} {'absent':>7} {'neither':>8} "
             f"{'covered':>8} {'primary':>8} {'absent, primary':>16}"]
    for row in rows:
        primary = "-" if row.primary_share is None else f"{row.primary_share:.0%}"
        backed = ("-" if row.absent_primary is None
                  else f"{len(row.absent_primary)} of {len(row.absent)}")
        lines.append(f"{row.group:<12} {row.prop:<16} {len(row.valued):>6} {len(row.absent):>7} "
                     f"{len(row.missing):>8} {row.covered:>8.0%} {primary:>8} {backed:>16}")
        if missing and row.missing:
            lines.append("    neither: " + ", ".join(row.missing))
        if absent and row.absent:
            lines.append("    absent: " + ", ".join(row.absent))
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from hwkg.readmodel import cached
    from hwkg.serving import cache

    snapshot = cache.open_snapshot(Settings.from_env(home=args.home).home)
    rows = coverage.report(cached.for_snapshot(snapshot))
    if args.format == "json":
        body = [row.as_json() for row in rows]
        sys.stdout.write(json.dumps(body, indent=1) + "\n")
    else:
        sys.stdout.write(_text(rows, args.missing, args.absent))
    return 0
