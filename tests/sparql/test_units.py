"""Unit tests of the SPARQL pieces that need no server: negotiation, SERVICE guard, row cap."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from hwkg.sparql import negotiation, protocol
from hwkg.sparql.execution import Job, run


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv", "text/csv"),
    ("application/sparql-results+xml;q=0.9, text/csv;q=0.5", "application/sparql-results+xml"),
    ("application/json", "application/sparql-results+json"),
    ("text/*", "text/csv"),
    ("image/png", "application/sparql-results+json"),
])
def test_results_negotiation(accept: str | None, expected: str) -> None:
    assert negotiation.choose(accept, negotiation.RESULTS_TYPES) == expected


def test_refusing_every_offer_is_none() -> None:
    assert negotiation.choose("*/*;q=0", negotiation.GRAPH_TYPES) is None


@pytest.mark.parametrize(("accept", "html"), [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
    ("*/*", False),
    (None, False),
    ("text/turtle, text/html;q=0.5", False),
])
def test_html_only_when_asked(accept: str | None, html: bool) -> None:
    assert negotiation.prefers_html(accept, negotiation.GRAPH_TYPES) is html


@pytest.mark.parametrize(("query", "service"), [
    ("SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }", True),
    ("select * { service silent <http://x/> { ?s ?p ?o } }", True),
    ('SELECT * { ?s ?p "SERVICE" }', False),
    ("SELECT * { ?s <http://x/SERVICE> ?o } # SERVICE in a comment", False),
    ("SELECT * { ?s ex:service ?o }", False),
    ("SELECT ?service { ?service ?p ?o }", False),
])
def test_service_guard(query: str, service: bool) -> None:
    assert protocol.uses_service(query) is service


@pytest.fixture()
def store() -> ox.Store:
    store = ox.Store()
    for i in range(50):
        store.add(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"),
                          ox.Literal(f"line one\nline two {i}"), ox.NamedNode("http://e/g")))
    return store


@pytest.mark.parametrize("media_type", ["application/sparql-results+json",
                                        "application/sparql-results+xml", "text/csv",
                                        "text/tab-separated-values"])
def test_row_cap_cuts_and_says_so(store: ox.Store, media_type: str) -> None:
    answer = run(store, Job("SELECT ?s ?o { ?s ?p ?o }", results_type=media_type, cap=7))
    assert answer.status == 200 and answer.truncated and answer.rows == 7
    assert count_rows(answer.body, media_type) == 7


def count_rows(body: bytes, media_type: str) -> int:
    """Rows in a results document (CSV is lossy, so pyoxigraph does not read it)."""
    if media_type == "text/csv":
        return len(list(csv.reader(io.StringIO(body.decode())))) - 1
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    return len(list(ox.parse_query_results(body, fmt)))  # type: ignore[arg-type]


def test_under_the_cap_is_whole(store: ox.Store) -> None:
    answer = run(store, Job("SELECT ?s { ?s ?p ?o }", cap=len(store)))
    assert not answer.truncated and answer.rows == len(store)


@pytest.mark.parametrize("media_type", negotiation.GRAPH_TYPES)
def test_graph_cap(store: ox.Store, media_type: str) -> None:
    answer = run(store, Job("CONSTRUCT WHERE { ?s ?p ?o }", graph_type=media_type, cap=5))
    assert answer.truncated
    triples = list(ox.parse(answer.body, ox.RdfFormat.from_media_type(media_type)))
    assert len(triples) == 5


def test_syntax_error_is_400_with_message(store: ox.Store) -> None:
    answer = run(store, Job("SELECT * {"))
    assert answer.status == 400 and b"error at 1:" in answer.body
