"""Random and hostile SPARQL against a live server: no 5xx but the time or memory limit's, no
outbound connection, and the server still answers afterwards.

Random queries come from a grammar (:mod:`sparql_strategies`; ``HWKG_FUZZ_EXAMPLES`` cases,
150 in CI, 10,000 from ``bench/fuzz.py``), sent by GET, form POST or direct POST with a
random ``Accept``. The hostile list is fixed: huge literals, deep nesting, long operator
chains, property-path explosions, cross products, ``SERVICE`` to a listening socket of this
test and to remote hosts, ``LOAD`` and other updates, remote ``FROM`` graphs. The only 5xx
allowed is the documented 503 of a query stopped at its time limit or at its memory budget
(a property-path explosion with ORDER BY may reach either first). A socket listens on
127.0.0.1 throughout, named in every ``SERVICE`` and ``LOAD``: it must receive no
connection. A killed query must count in ``hwkg_query_timeouts_total``.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import FUZZ, count, report
from ops_support import Server, make_home, no_stack_trace, start
from sparql_strategies import queries

pytestmark = pytest.mark.server
TIMEOUT_S = 2
FORM = "application/x-www-form-urlencoded"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ACCEPTS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values", "text/turtle", "application/ld+json",
           "application/n-triples", "application/rdf+xml", "text/html", "*/*", "image/png",
           "", "text/*;q=0", "application/json;q=abc"]


class Canary:
    """A listening socket on 127.0.0.1 that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture(scope="module", autouse=True)
def cases_tried(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    report(request)


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    listening = Canary()
    try:
        yield listening
    finally:
        listening.close()
    assert listening.connections == 0, "a query made an outbound connection"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, canary: Canary) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("fuzz-sparql")
    live = start(make_home(folder / "home"), folder / "server.log", "--sparql-timeout",
                 str(TIMEOUT_S), env={"HWKG_SPARQL_WORKERS": "2"}, log_level="warning")
    try:
        yield live
    finally:
        assert httpx.get(live.url + "/health", timeout=30).status_code == 200
        live.stop()


def time_limited(response: httpx.Response) -> bool:
    """The documented answer of a query stopped at its time limit."""
    return (response.status_code == 503 and "s limit" in response.text
            and "stopped" in response.text)


def memory_limited(response: httpx.Response) -> bool:
    """The documented answer of a query stopped at its memory budget
    (``HWKG_SPARQL_QUERY_MEMORY_MB``)."""
    return (response.status_code == 503 and "MiB of memory a query may use" in response.text
            and "stopped" in response.text)


def assert_sane(response: httpx.Response, query: str) -> None:
    assert response.status_code < 500 or time_limited(response) or memory_limited(response), (
        query[:300], response.status_code, response.text[:500])
    assert no_stack_trace(response.text), (query[:300], response.text[:2000])


def send(server: Server, query: str, how: str = "get", accept: str = "") -> httpx.Response:
    """``query`` by GET, form POST or direct POST; lone surrogates go as their (invalid)
    UTF-8 bytes, percent-encoded where the protocol wants it."""
    headers = {"accept": accept} if accept else {}
    url = server.url + "/sparql"
    raw = query.encode("utf-8", "surrogatepass")
    if how == "get":
        return httpx.get(url + "?query=" + quote(raw, safe=""), headers=headers, timeout=120)
    if how == "form":
        return httpx.post(url, content=b"query=" + quote(raw, safe="").encode("ascii"),
                          timeout=120, headers={**headers, "content-type": FORM})
    return httpx.post(url, content=raw, timeout=120,
                      headers={**headers, "content-type": "application/sparql-query"})


def timeouts(server: Server) -> float:
    text = httpx.get(server.url + "/metrics", timeout=30).text
    found = re.search(r'^hwkg_query_timeouts_total\{endpoint="sparql"\} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


@FUZZ
@given(queries(), st.sampled_from(["get", "form", "direct"]), st.sampled_from(ACCEPTS))
def test_random_queries_never_get_a_5xx_or_a_trace(server: Server, canary: Canary, query: str,
                                                    how: str, accept: str) -> None:
    query = query.replace("127.0.0.1:9/", f"127.0.0.1:{canary.port}/")
    count(f"{__name__}::test_random_queries_never_get_a_5xx_or_a_trace")
    assert_sane(send(server, query, how, accept), query)


def hostile(port: int) -> list[tuple[str, str, set[int]]]:
    """(query, how to send it, the statuses it may get) for each hostile case."""
    here = f"http://127.0.0.1:{port}/"
    deep = 1000
    any_ok = {200, 400, 503}
    return [
        ('SELECT * WHERE { ?s ?p "' + "x" * 900_000 + '" }', "form", {200}),
        ('SELECT * WHERE { ?s ?p "' + "x" * 1_100_000 + '" }', "direct", {413}),
        ("SELECT * WHERE " + "{ " * deep + "?s ?p ?o" + " }" * deep, "form", {400}),
        ("SELECT * WHERE { FILTER(" + "(" * deep + "1" + ")" * deep + ") }", "form", {400}),
        ("SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * deep + "}" * deep + " }",
         "form", {400}),
        ("SELECT * WHERE { " + "{ ?s ?p ?o } UNION " * 20_000 + "{ ?s ?p ?o } }", "direct",
         any_ok),
        ("SELECT * WHERE { BIND(" + "1 + " * 50_000 + "1 AS ?x) }", "direct", any_ok),
        ("SELECT * WHERE { BIND(" + "!" * 100_000 + "true AS ?x) }", "direct", any_ok),
        ("SELECT * WHERE { ?s " + "rdf:type/" * 30_000 + "rdf:type ?o }", "direct", any_ok),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s (rdfs:subClassOf|^rdfs:subClassOf|rdf:type|"
         "^rdf:type)* ?o }", "get", {200, 503}),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s (<urn:p>|!<urn:p>)* ?o }", "get", {200, 503}),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ((!<urn:x>)*)/((!<urn:x>)*)/((!<urn:x>)*) ?o }",
         "get", {200, 503}),
        ("SELECT * WHERE { ?s (!rdf:type)+ ?o } ORDER BY ?o", "get", {200, 503}),
        (RUNAWAY, "get", {503}),
        ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i", "get",
         {200, 503}),
        ("SELECT * WHERE { VALUES ?v { " + " ".join(str(i) for i in range(50_000)) + " } }",
         "direct", {200}),
        ("SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), \"^(a+)+$\")) }", "get", {200}),
        ("DESCRIBE ?s WHERE { ?s ?p ?o }", "get", {200}),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999", "get", {200, 400}),
        ("SELECT * WHERE { ?s ?p \"\x00\" }", "form", {200, 400}),
        ("SELECT * WHERE { ?s ?p \"\ud800\" }", "get", {400}),
        ("SELECT * WHERE { ?s ?p \"\ud800\" }", "form", {400}),
        ("SELECT * WHERE { ?s ?p \"\ud800\" }", "direct", {400}),
        (f"SELECT * WHERE {{ SERVICE <{here}> {{ ?s ?p ?o }} }}", "get", {400}),
        (f"SELECT * WHERE {{ service silent <{here}> {{ ?s ?p ?o }} }}", "form", {400}),
        (f"SELECT * WHERE {{ OPTIONAL {{ SeRvIcE<{here}>{{ ?s ?p ?o }} }} }}", "direct", {400}),
        (f"PREFIX c: <{here}> SELECT * WHERE {{ SERVICE c: {{ ?s ?p ?o }} }}", "get", {400}),
        (f"SELECT * WHERE {{ # }}{{\nSERVICE <{here}> {{ ?s ?p ?o }} }}", "get", {400}),
        (f"SELECT * WHERE {{ BIND(<{here}> AS ?svc) SERVICE ?svc {{ ?s ?p ?o }} }}", "get",
         {400}),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "get", {400}),
        ("SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }", "form",
         {400}),
        (f"SELECT * FROM <{here}> WHERE {{ ?s ?p ?o }}", "get", {200}),
        (f"SELECT * FROM NAMED <{here}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "get", {200}),
        (f"LOAD <{here}>", "get", {400}),
        (f"LOAD <{here}>", "direct", {400}),
    ]


UPDATES = ["LOAD <{here}>", "LOAD SILENT <{here}> INTO GRAPH <urn:g>", "DROP ALL",
           "CLEAR DEFAULT", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CREATE GRAPH <urn:g>",
           "DELETE WHERE { ?s ?p ?o }", "COPY DEFAULT TO <{here}>"]


def test_hostile_queries_are_refused_stopped_or_answered(server: Server, canary: Canary) -> None:
    killed_before = timeouts(server)
    stopped = 0
    for query, how, expected in hostile(canary.port):
        response = send(server, query, how)
        count(f"{__name__}::test_hostile_queries_are_refused_stopped_or_answered")
        assert_sane(response, query)
        assert response.status_code in expected, (query[:200], response.status_code,
                                                  response.text[:300])
        stopped += time_limited(response)
        assert httpx.get(server.url + "/health", timeout=30).status_code == 200
    assert stopped >= 1
    assert timeouts(server) - killed_before == stopped


def test_updates_are_refused_and_load_fetches_nothing(server: Server, canary: Canary) -> None:
    here = f"http://127.0.0.1:{canary.port}/"
    for update in UPDATES:
        text = update.replace("{here}", here)
        for response in (
            httpx.post(server.url + "/sparql", data={"update": text}, timeout=60),
            httpx.post(server.url + "/sparql", content=text, timeout=60,
                       headers={"content-type": "application/sparql-update"}),
        ):
            count(f"{__name__}::test_updates_are_refused_and_load_fetches_nothing")
            assert response.status_code == 403, (text, response.status_code, response.text)
        response = httpx.get(server.url + "/sparql", params={"update": text}, timeout=60)
        assert response.status_code in (400, 405), (text, response.status_code)


def test_a_killed_query_is_counted(server: Server) -> None:
    before = timeouts(server)
    response = send(server, RUNAWAY)
    assert time_limited(response), (response.status_code, response.text)
    assert timeouts(server) == before + 1
    assert send(server, "ASK { ?s ?p ?o }").status_code == 200
