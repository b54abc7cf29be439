"""Every MLPerf Training score hwkg stores equals MLCommons' own scorer's.

The reference is ``mlperf_logging.result_summarizer.summarize_results`` — the function
MLCommons runs to publish a round's table — on a temporary copy of each fixture round
(its RCP checker rewrites or deletes ``scaling.json`` in the tree it reads). The fixture
logs are trimmed copies (see tests/fixtures/mlperf/SOURCE.md), which the package's
compliance checker cannot pass as they are: the reference's log reader runs that checker
and disregards only its complaints about the events the trimming removed (the same rule
the importer applies), everything else — which runs count, olympic averaging, scaling
factors, system descriptions, folders — is the package's.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from mlperf_logging.compliance_checker.mlp_parser import parse_file
from mlperf_logging.result_summarizer import result_summarizer as rs
from rdflib import Graph, Namespace

from hwkg.core import resources
from hwkg.importers.mlperf import import_path, scoring
from hwkg.importers.report import Report
from hwkg.importers.writer import existing

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "mlperf"
ROUNDS = {"3.0": "3.0.0", "4.0": "4.0.0", "5.0": "5.0.0"}
HW = Namespace("https://w3id.org/hwkg/ontology#")
Key = tuple[str, str, str]  # (submitter folder, system, benchmark)


def reader(result_file: str, usage: str, ruleset: str) -> list[Any]:
    """The package's log reader, less the complaints the trimming of the copies causes."""
    complaints = scoring.compliance(Path(result_file), ruleset)
    loglines, failed = parse_file(result_file, ruleset=ruleset)
    if failed:
        raise ValueError("Parse error")
    if complaints is None:  # a rule needs a line the trimming removed: the status decides
        stop = next((x for x in loglines if x.key == "run_stop"), None)
        complaints = [] if stop and stop.value["metadata"].get("status") == "success" else ["x"]
    if complaints:
        raise ValueError("Compliance check failed")
    return loglines


def official(tree: Path, ruleset: str, tmp: Path, monkeypatch: pytest.MonkeyPatch
             ) -> dict[Key, float]:
    """The package's scores for every system and benchmark of a copy of ``tree``."""
    monkeypatch.setattr(rs, "_read_result_file", reader)
    copy = tmp / tree.name
    shutil.copytree(tree, copy)
    scores: dict[Key, float] = {}
    for org in sorted(p for p in copy.iterdir() if (p / "systems").is_dir()):
        if not (org / "results").is_dir():
            continue
        logging.disable(logging.CRITICAL)
        with contextlib.redirect_stdout(io.StringIO()):
            strong, *_ = rs.summarize_results(str(org), "training", ruleset)
        logging.disable(logging.NOTSET)
        for row in strong.to_dict("records"):
            system = Path(row["details_url"]).stem
            for bench in rs.get_allowed_benchmarks("training", ruleset):
                value = row.get(bench)
                if value is not None and value == value:  # not NaN
                    scores[(org.name, system, bench)] = float(value)
    return scores


@pytest.fixture(scope="module")
def bundled() -> Graph:
    return existing(resources.graph_dir())


def stored(outputs_text: list[str]) -> dict[str, Decimal]:
    """Result IRI → stored minutes, from generated Turtle."""
    graph = Graph()
    for text in outputs_text:
        graph.parse(data=text, format="turtle")
    return {str(r): Decimal(str(graph.value(graph.value(r, HW.result), HW.value)))
            for r in graph.subjects(HW.result, None)}


@pytest.mark.parametrize("version", sorted(ROUNDS))
def test_every_stored_score_is_the_official_one(version: str, bundled: Graph, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    tree = FIXTURES / f"mlperf-training-v{version}"
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    report = Report()
    outputs = import_path(tree, bundled, resources.graph_dir(), report, date(2026, 12, 2))
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before, \
        "the importer only reads the tree"
    ours = stored([o.text for o in outputs if o.path.startswith("systems/")])
    theirs = official(tree, ROUNDS[version], tmp_path, monkeypatch)
    assert len(theirs) >= 3, "the package scored the fixture round"
    compared = 0
    for (folder, system, bench), minutes in sorted(theirs.items()):
        matches = [v for iri, v in ours.items()
                   if iri.endswith("-" + bench.replace("_", "-"))
                   and f"-{system.lower().replace('_', '-')}-" in iri + "-"]
        assert len(matches) == 1, f"{folder}/{system}/{bench}: stored {matches}"
        assert abs(float(matches[0]) - minutes) <= 0.5e-5, (folder, system, bench)
        compared += 1
    assert compared == len(ours), "hwkg stores no score the package does not give"
    rejected = {r.item for r in report.rejected if r.kind == "result"}
    for item in rejected:  # what hwkg rejects, the package scores as nothing either
        folder, _, system, bench = item.split("/")
        assert (folder, system, bench) not in theirs, item


def test_the_bundled_graph_stores_the_official_scores_of_the_fixture_systems(
        bundled: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed graph (imported from the full rounds) agrees on the fixture systems."""
    tree = FIXTURES / "mlperf-training-v4.0"
    theirs = official(tree, "4.0.0", tmp_path, monkeypatch)
    found = 0
    for (_, system, bench), minutes in theirs.items():
        for result in bundled.subjects(HW.benchmark, None):
            iri = str(result)
            if "/mlperf-training-v4.0-" in iri and iri.endswith(
                    f"-{system.lower().replace('_', '-')}-{bench.replace('_', '-')}"):
                value = bundled.value(bundled.value(result, HW.result), HW.value)
                assert abs(float(value) - minutes) <= 0.5e-5, iri  # type: ignore[arg-type]
                found += 1
    assert found >= 8
