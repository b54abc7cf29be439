"""``hwkg query``: the command line answers like the store, in each format, and fails cleanly."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pyoxigraph as ox
import pytest

from conftest import ROOT
from hwkg.core.namespaces import PREFIXES
from hwkg.loading.snapshot import Snapshot

QUERY = "SELECT ?s ?label WHERE { ?s a hw:Source ; rdfs:label ?label } ORDER BY ?s ?label"


def hwkg(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "hwkg", "query", *args], cwd=ROOT,
                          capture_output=True, check=False, timeout=300)


def expected(snapshot: Snapshot) -> list[tuple[str, str]]:
    rows = snapshot.store.query(QUERY, use_default_graph_as_union=True, prefixes=PREFIXES)
    return [(r["s"].value, r["label"].value) for r in rows]  # type: ignore[union-attr]


def test_csv_and_json_agree_with_the_store(snapshot: Snapshot) -> None:
    want = expected(snapshot)
    assert want, "the graph has no sources"
    as_csv = hwkg(QUERY, "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.reader(io.StringIO(as_csv.stdout.decode())))
    assert rows[0] == ["s", "label"] and [tuple(r) for r in rows[1:]] == want
    as_json = hwkg(QUERY, "--format", "json")
    parsed = ox.parse_query_results(as_json.stdout, ox.QueryResultsFormat.JSON)
    assert [(r["s"].value, r["label"].value) for r in parsed] == want  # type: ignore[union-attr, index]


@pytest.mark.parametrize(("fmt", "rdf"), [("ttl", ox.RdfFormat.TURTLE),
                                          ("nt", ox.RdfFormat.N_TRIPLES)])
def test_construct(snapshot: Snapshot, fmt: str, rdf: ox.RdfFormat) -> None:
    done = hwkg("CONSTRUCT { ?s a hw:Source } WHERE { ?s a hw:Source }", "--format", fmt)
    assert done.returncode == 0, done.stderr
    subjects = {t.subject.value for t in ox.parse(done.stdout, rdf)}
    assert subjects == {s for s, _ in expected(snapshot)}


def test_bad_query_exits_1_with_the_parser_message() -> None:
    done = hwkg("SELECT * WHERE {")
    assert done.returncode == 1 and b"error at 1:" in done.stderr and not done.stdout


@pytest.mark.parametrize(("query", "fmt", "says"), [
    (QUERY, "ttl", "cannot write a SELECT answer; use json, csv, tsv or xml"),
    ("ASK { ?s ?p ?o }", "csv", "cannot write an ASK answer; use json or xml"),
    ("CONSTRUCT WHERE { ?s a hw:Source }", "csv", "cannot write a CONSTRUCT/DESCRIBE answer"),
])
def test_a_format_that_does_not_fit_the_answer_is_refused(query: str, fmt: str,
                                                          says: str) -> None:
    done = hwkg(query, "--format", fmt)
    assert done.returncode == 2 and says in done.stderr.decode() and not done.stdout


def test_rdf_xml_refuses_a_predicate_it_cannot_write() -> None:
    done = hwkg("CONSTRUCT { <http://example.org/x> <http://example.org/p/> 1 } WHERE {}",
                "--format", "rdf")
    assert done.returncode == 1 and b"RDF/XML cannot write the predicate" in done.stderr
    fine = hwkg("CONSTRUCT { <http://example.org/x> <http://example.org/p> 1 } WHERE {}",
                "--format", "rdf")
    assert fine.returncode == 0 and b"<rdf:RDF" in fine.stdout
