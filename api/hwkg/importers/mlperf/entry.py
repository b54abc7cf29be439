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
from hwkg.importers.writer import Output


def import_path(root: Path, graph: Graph, graph_dir: Path, report: Report, retrieved: date,
                round_given: str | None = None) -> list[Output]:
    """Every output file for the MLPerf round at ``root``; input problems go to ``report``;
    an unknown or mixed round raises :class:`hwkg.importers.mlperf.rounds.RoundError`."""
    rnd = detect(root, round_given)
    lookup = Lookup(graph, retrieved, graph_dir)
    if rnd.suite == "inference":
        return Inference(root, rnd, lookup, report).outputs()
    return Training(root, rnd, lookup, report).outputs()
