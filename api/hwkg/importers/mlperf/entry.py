"""The one entry point: a results path (and optionally its round) to output files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rdflib import Graph

from hwkg.importers.mlperf.graphdata import Lookup
from hwkg.importers.mlperf.inference import Inference
from hwkg.importers.mlperf.rounds import detect
from hwkg.importers.mlperf.training import Training
from hwkg.importers.report import Report
from hwkg.importers.writer import Output, generated


def import_path(root: Path, graph: Graph, graph_dir: Path, report: Report, retrieved: date,
                round_given: str | None = None) -> list[Output]:
    """Every output file for the MLPerf round at ``root``; input problems go to ``report``;
    an unknown or mixed round raises :class:`hwkg.importers.mlperf.rounds.RoundError`."""
    rnd = detect(root, round_given)
    lookup = Lookup(graph, retrieved, graph_dir)
    if rnd.suite == "inference":
        outputs = Inference(root, rnd, lookup, report).outputs()
    else:
        outputs = Training(root, rnd, lookup, report).outputs()
    _stale(graph_dir, rnd.slug, {o.path for o in outputs}, report)
    return outputs


def _stale(graph_dir: Path, round_slug: str, written: set[str], report: Report) -> None:
    """Warn about the round's system files an earlier import wrote that this one does not:
    a system the corrected round dropped or renamed (a new submitter name gives a new file
    beside the old one) or one this import rejected. They are kept, not deleted."""
    for path in sorted((graph_dir / "systems").glob(f"{round_slug}-*.ttl")):
        relative = f"systems/{path.name}"
        if relative not in written and generated(path):
            report.warn(f"graph/{relative} was written by an earlier import of this round and "
                        "not by this one (a system the round no longer has, renamed, or "
                        "rejected here); it is kept: remove it if the round dropped it")
