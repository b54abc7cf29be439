"""``hwkg probe``: measure this machine and write the result as Turtle (or JSON).

The Turtle holds a system with the measured chip (matched by name to a chip in the graph,
or named with ``--chip``), the run as its source, one result per figure, and the probe
benchmarks it refers to — ready for ``hwkg validate FILE`` and a pull request. ``--json``
writes the measured-file format instead (for ``hwkg import measured``). Exit codes: 0
written, 1 the chip cannot be matched or the Turtle would not validate, 2 usage errors.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path

from rdflib import URIRef

from hwkg.core import resources
from hwkg.importers import measured
from hwkg.importers import terms as t
from hwkg.importers.matching import Index
from hwkg.importers.probe import measure
from hwkg.importers.report import Report
from hwkg.importers.writer import Output, check, existing


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser("probe", help="measure this machine's accelerator or CPU")
    cmd.add_argument("--cpu", action="store_true", help="measure the CPU even if PyTorch "
                     "sees an accelerator")
    cmd.add_argument("--chip", help="slug of the measured chip in the graph (default: match "
                     "the device name)")
    cmd.add_argument("--count", type=int, default=1, help="how many of the chip the machine "
                     "has (default 1)")
    cmd.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    cmd.add_argument("--json", action="store_true", help="write the measured-file JSON")
    cmd.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    cmd.add_argument("--graph-dir", type=Path, help="graph folder to match chips in")
    cmd.set_defaults(func=run)


def _chip(args: argparse.Namespace, name: str, chips: Index) -> URIRef | None:
    if args.chip:
        return chips.slugs.get(args.chip)
    return chips.match(name)


def turtle(data: dict[str, object], chip: URIRef, url: str, report: Report,
           stacks: Index) -> str:
    """The whole probe run as one Turtle document (system, source, results, benchmarks)."""
    stamp = str(data["measured_at"]).replace(":", "").replace("+0000", "z")
    host = re.sub(r"[^a-z0-9]+", "-", socket.gethostname().lower()).strip("-") or "host"
    run_slug = f"probe-{host}-{re.sub(r'[^a-z0-9]+', '-', stamp.lower()).strip('-')}"
    source = f"src:{run_slug}"
    data = {**data, "system_slug": run_slug}
    made = measured.parts(data, "probe", chip, source, url,
                          datetime.now(UTC).date(), stacks, report)
    blocks = list(made.blocks)
    for figure in made.figures:
        if all(b.subject != f"bench:{figure.slug}" for b in blocks):
            blocks.append(measured.benchmark_block(figure))
    if made.version is not None:
        blocks.append(made.version)
    blocks.append(measured.probe_source_block())
    return t.render(blocks, f"hwkg probe on {socket.gethostname()} at {data['measured_at']}.")


def run(args: argparse.Namespace) -> int:
    data = measure(cpu=args.cpu, quick=args.quick)
    device = data.get("device") if isinstance(data.get("device"), dict) else {}
    assert isinstance(device, dict)
    name = str(device.get("name", ""))
    if device.get("kind") == "cpu":
        data["chip_role"] = "hw:HostCPURole"
    data["chip_count"] = args.count
    if args.json:
        return _write(args.output, json.dumps(data, indent=2) + "\n")
    graph_dir = (args.graph_dir or resources.graph_dir()).resolve()
    graph = existing(graph_dir)
    chip = _chip(args, name, Index.build(graph, "chip"))
    if chip is None:
        wanted = f"--chip {args.chip!r}" if args.chip else f"device {name!r}"
        print(f"hwkg probe: {wanted} matches no chip in the graph; pass --chip SLUG naming "
              "the measured chip (see graph/chips/)", file=sys.stderr)
        return 1
    url = args.output.resolve().as_uri() if args.output else \
        f"file://{socket.gethostname()}/hwkg-probe-{data['measured_at']}"
    report = Report()
    text = turtle(data, chip, url, report, Index.build(graph, "stack"))
    problems = check([Output("probe.ttl", text)], graph)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    for rejection in report.rejected:
        print(f"hwkg probe: left out {rejection}", file=sys.stderr)
    return _write(args.output, text)


def _write(output: Path | None, text: str) -> int:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"hwkg probe: wrote {output}", file=sys.stderr)
    return 0
