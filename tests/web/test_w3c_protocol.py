"""The W3C SPARQL 1.1 Protocol test suite, run against a live endpoint over its own data.

The manifest (tests/fixtures/w3c-sparql11-protocol/manifest.ttl, see its SOURCE.md) describes
each test as HTTP requests and expected responses. Every test is run. Tests whose requests
perform a SPARQL Update and expect it to succeed cannot pass on a read-only endpoint: for those
we check that the update is refused with 403 (as designed) and report them as not applicable.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from conftest import ROOT, free_port

SUITE = ROOT / "tests" / "fixtures" / "w3c-sparql11-protocol"
MANIFEST = SUITE / "manifest.ttl"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest#"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
EXPECTED_TESTS = 34
RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml",
                "text/csv", "text/tab-separated-values")
RDF_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")


@dataclass
class Step:
    """One HTTP request of a test and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: list[range]
    format: str | None
    boolean: bool | None

    @property
    def is_update(self) -> bool:
        kind = self.headers.get("content-type", "")
        text = (self.body or b"").decode("utf-8", "replace")
        return "sparql-update" in kind or text.startswith("update=") or "update=" in self.path

    @property
    def expects_success(self) -> bool:
        return any(200 in r for r in self.statuses)


@dataclass
class Case:
    name: str
    title: str
    steps: list[Step] = field(default_factory=list)
    graphs: dict[str, Path] = field(default_factory=dict)

    @property
    def not_applicable(self) -> str | None:
        """Why this test cannot pass on a read-only endpoint, or None."""
        if any(s.is_update and s.expects_success for s in self.steps):
            return "needs SPARQL Update to succeed; this endpoint is read-only by design"
        return None


def _status_range(node: URIRef) -> range:
    digit = int(str(node).removeprefix(str(HTS) + "StatusCode")[0])
    return range(digit * 100, digit * 100 + 100)


def _step(g: Graph, req: URIRef) -> Step:
    headers = {}
    for h in Collection(g, g.value(req, HT.headers)) if g.value(req, HT.headers) else []:
        headers[str(g.value(h, HT.fieldName)).lower()] = str(g.value(h, HT.fieldValue))
    body = None
    if (node := g.value(req, HT.body)) is not None:
        encoding = str(g.value(node, CNT.characterEncoding) or "UTF-8")
        body = str(g.value(node, CNT.chars)).encode(encoding.lower())
    resp = g.value(req, HT.resp)
    fmt = g.value(resp, MF.expectedFormat)
    boolean = g.value(resp, MF.expectedBoolean)
    return Step(
        method=str(g.value(req, HT.methodName)),
        path=str(g.value(req, HT.absolutePath)),
        headers=headers,
        body=body,
        statuses=[_status_range(s) for s in g.objects(resp, MF.expectedStatus)],
        format=str(fmt) if fmt is not None else None,
        boolean=boolean.toPython() if boolean is not None else None,
    )


def load_cases() -> list[Case]:
    g = Graph().parse(MANIFEST, publicID=BASE)
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    cases = []
    for test in Collection(g, g.value(manifest, MF.entries)):
        case = Case(str(test).removeprefix(BASE), str(g.value(test, MF.name)))
        for data in g.objects(test, UT.graphData):
            path = SUITE / Path(str(g.value(data, UT.graph))).name
            case.graphs[str(g.value(data, RDFS.label))] = path
        action = g.value(test, MF.action)
        for req in Collection(g, g.value(action, HT.requests)):
            case.steps.append(_step(g, req))
        cases.append(case)
    return cases


CASES = load_cases()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A live endpoint over every graph the manifest's tests load (one per label)."""
    graphs = {name: path for case in CASES for name, path in case.graphs.items()}
    port = free_port()
    cmd = [sys.executable, "-m", "hwkg.web.sparql_standalone", "--port", str(port)]
    for name, path in sorted(graphs.items()):
        cmd += ["--graph", f"{name}={path}"]
    proc = subprocess.Popen(cmd, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_manifest_has_every_case() -> None:
    assert len(CASES) == EXPECTED_TESTS
    assert all(case.steps for case in CASES)


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def _boolean(response: httpx.Response) -> bool:
    fmt = ox.QueryResultsFormat.from_media_type(_media_type(response))
    assert fmt is not None, response.headers
    result = ox.parse_query_results(response.content, fmt)
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)


def check(step: Step, response: httpx.Response) -> None:
    assert any(response.status_code in r for r in step.statuses), (
        response.status_code, response.text[:300])
    if step.format == "boolean":
        assert _boolean(response) is (step.boolean if step.boolean is not None else True)
    elif step.format == "tabular":
        assert _media_type(response) in RESULT_TYPES
        fmt = ox.QueryResultsFormat.from_media_type(_media_type(response))
        assert isinstance(ox.parse_query_results(response.content, fmt), ox.QuerySolutions)
    elif step.format == "RDF":
        assert _media_type(response) in RDF_TYPES
        list(ox.parse(response.content, ox.RdfFormat.from_media_type(_media_type(response))))


@pytest.mark.server
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_protocol(case: Case, endpoint: str) -> None:
    with httpx.Client(base_url=endpoint, timeout=30) as client:
        if reason := case.not_applicable:
            first = next(s for s in case.steps if s.is_update)
            response = client.request(first.method, first.path, headers=first.headers,
                                      content=first.body)
            assert response.status_code == 403, response.text
            pytest.skip(f"not applicable: {case.name} ({case.title}): {reason}")
        for step in case.steps:
            response = client.request(step.method, step.path, headers=step.headers,
                                      content=step.body)
            check(step, response)
