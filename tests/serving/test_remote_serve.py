"""The three serving modes answer alike: ``hwkg serve --store PATH --workers 2`` and
``hwkg serve --sparql-endpoint`` over a real Oxigraph server (PyPI ``oxigraph``,
``oxigraph serve --location DIR`` on 127.0.0.1) answer as the embedded store does.

The remote-mode server is a real ``hwkg serve`` process that loads the bundled graph into the
Oxigraph server itself (``--load``); every answer is compared with the embedded-mode server
(``live_server``) on the same graph version: the GraphQL examples, the cross-engine SPARQL
queries, entity pages in Turtle and HTML, ``/health``, the dumps and the ontology pages.
The Oxigraph server is started without ``--union-default-graph``: hwkg names its dataset
in every request, so the answers must not depend on the server's default graph. The same
tests run against Virtuoso 7 (Debian ``virtuoso-opensource-7-bin``) when it is installed,
loading through its Digest-authenticated ``/sparql-auth``.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import graphql_client
import remote_support
from conftest import start_server, stop_server
from queries_support import (
    DEVICES_FOR_65B_FP16,
    MEASURED_VS_DATASHEET_BF16,
    QUERIES,
    ROCM_AT_LEAST_1_TBPS,
    TOP_FIVE_MEMORY_PER_DOLLAR,
    rows,
)

pytestmark = pytest.mark.server

TIMEOUT_S = 3.0  # the remote-mode server's SPARQL time limit (the comparisons take ms)
EXAMPLES: dict[str, tuple[str, dict[str, Any]]] = {
    "top-five-memory-per-dollar": (TOP_FIVE_MEMORY_PER_DOLLAR, {}),
    "rocm-at-least-1-tbps": (ROCM_AT_LEAST_1_TBPS, {}),
    "devices-for-65b-fp16": (DEVICES_FOR_65B_FP16, {"after": None}),
    "h100-measured-vs-datasheet": (MEASURED_VS_DATASHEET_BF16,
                                   {"chip": "nvidia-h100-sxm5-80gb"}),
    "relative-memory": ("""{ chip(id: "apple-m2-ultra") {
        relativeTo(chip: "nvidia-geforce-rtx-4090", metric: MEMORY_CAPACITY) { value unit } } }""",
                        {}),
}


@pytest.fixture(scope="module", params=["store", "oxigraph", "virtuoso"])
def remote(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[remote_support.Server]:
    """The third serving mode first: no SPARQL server, an on-disk store served by two
    worker processes (``hwkg serve --store PATH --workers 2``; ``query_url`` is the store's
    folder). Then an Oxigraph server storing its data on disk (with its own 10 s query
    limit), then a Virtuoso when ``virtuoso-t`` is installed (optional: skipped without it)."""
    folder = tmp_path_factory.mktemp(f"{request.param}-server")
    if request.param == "store":
        yield remote_support.Server(str(folder / "store"), "", name="store")
        return
    if request.param == "oxigraph":
        with remote_support.oxigraph(folder / "store", timeout_s=10) as server:
            yield server
        return
    if remote_support.virtuoso_binary() is None:
        pytest.skip("Virtuoso not installed (Debian: apt-get install virtuoso-opensource-7-bin)")
    with remote_support.virtuoso(folder) as server:
        yield server


@pytest.fixture(scope="module")
def remote_server(remote: remote_support.Server) -> Iterator[str]:
    """``hwkg serve --sparql-endpoint … --load`` (or ``--store … --workers 2``) as a real
    process; yields its base URL."""
    args = ["--store", remote.query_url, "--workers", "2"] if remote.name == "store" else \
        [*remote.load_args(), "--load"]
    proc, url = start_server(*args, "--sparql-timeout", str(TIMEOUT_S), env=remote.env())
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def both(remote_server: str, live_server: str) -> tuple[httpx.Client, httpx.Client]:
    """Clients for the remote-mode and the embedded-mode server, on one graph version."""
    clients = (httpx.Client(base_url=remote_server, timeout=60),
               httpx.Client(base_url=live_server, timeout=60))
    versions = {c.get("/health").json()["version"] for c in clients}
    if len(versions) != 1:
        pytest.skip("graph/ changed while the tests ran; rerun for a consistent comparison")
    return clients


def test_health_reports_the_same_graph(both: tuple[httpx.Client, httpx.Client]) -> None:
    mine, theirs = (c.get("/health").json() for c in both)
    assert mine["status"] == "ok"
    assert (mine["version"], mine["triples"]) == (theirs["version"], theirs["triples"])


@pytest.mark.parametrize("name", EXAMPLES)
def test_graphql_examples_answer_the_same(both: tuple[httpx.Client, httpx.Client],
                                          remote: remote_support.Server, name: str) -> None:
    query, variables = EXAMPLES[name]
    mine, theirs = (graphql_client.run(str(c.base_url).rstrip("/"), query, variables)
                    for c in both)
    assert canonical(mine, digits=digits(remote)) == canonical(theirs, digits=digits(remote))
    assert any(v not in (None, [], {}) for v in mine.values())


def canonical(value: Any, key: str = "", digits: int | None = None) -> Any:
    """``value`` with every list sorted except ordered pages (``nodes``): nested lists
    (a chip's benchmark results, a system's components) follow the store's scan order,
    which is the engine's own. With ``digits``, numbers are rounded to that many
    significant digits."""
    if isinstance(value, dict):
        return {k: canonical(v, k, digits) for k, v in value.items()}
    if isinstance(value, list):
        items = [canonical(v, "", digits) for v in value]
        return items if key == "nodes" else sorted(items, key=repr)
    if isinstance(value, float) and digits:
        return float(f"{value:.{digits}g}")
    return value


def digits(remote: remote_support.Server) -> int | None:
    """Virtuoso keeps 16 significant digits of an xsd:decimal (Oxigraph keeps them all):
    compare its numbers to 15 digits."""
    return 15 if remote.name == "virtuoso" else None


def _sparql(client: httpx.Client, query: str, accept: str, **params: str) -> httpx.Response:
    response = client.post("/sparql", data={"query": query, **params},
                           headers={"accept": accept})
    assert response.status_code == 200, response.text
    return response


def _answer(response: httpx.Response) -> object:
    if response.headers["content-type"].startswith("application/n-triples"):
        return {str(t) for t in ox.parse(response.content, ox.RdfFormat.N_TRIPLES)}
    return rows(ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON))


@pytest.mark.parametrize("name", QUERIES)
def test_sparql_queries_answer_the_same(both: tuple[httpx.Client, httpx.Client],
                                        remote: remote_support.Server, name: str) -> None:
    """Ordered answers in the same order on Oxigraph; on Virtuoso as multisets: SPARQL leaves
    the order of literals with different language tags to the engine (Virtuoso sorts by
    language first)."""
    query, ordered = QUERIES[name]
    ordered = ordered and remote.name == "oxigraph"
    accept = "application/n-triples" if query.lstrip().startswith("CONSTRUCT") else \
        "application/sparql-results+json"
    mine, theirs = (_answer(_sparql(c, query, accept)) for c in both)
    if ordered or not isinstance(mine, list):
        assert mine == theirs
    else:
        assert Counter(mine) == Counter(theirs)  # type: ignore[arg-type]


@pytest.mark.parametrize("params", [
    {"default-graph-uri": "https://w3id.org/hwkg/graph/ontology"},
    {"named-graph-uri": "https://w3id.org/hwkg/graph/truthy"},
])
def test_the_request_dataset_is_forwarded(both: tuple[httpx.Client, httpx.Client],
                                          params: dict[str, str]) -> None:
    query = ("SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } "
             "GROUP BY ?g ORDER BY ?g")
    mine, theirs = (_answer(_sparql(c, query, "application/sparql-results+json", **params))
                    for c in both)
    assert mine == theirs and len(mine) == 1  # type: ignore[arg-type]


@pytest.mark.parametrize("query", [
    "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/hwkg/graph/ontology> WHERE { ?s ?p ?o }",
    "PREFIX g: <https://w3id.org/hwkg/graph/> SELECT ?g (COUNT(*) AS ?n) FROM NAMED g:truthy "
    "WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g ORDER BY ?g",
])
def test_the_query_dataset_is_honoured(both: tuple[httpx.Client, httpx.Client],
                                       query: str) -> None:
    """``FROM`` / ``FROM NAMED`` in the query text select the dataset in both modes."""
    mine, theirs = (_answer(_sparql(c, query, "application/sparql-results+json")) for c in both)
    whole = _answer(_sparql(both[0], "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                            "application/sparql-results+json"))
    assert mine == theirs and mine != whole and len(mine) == 1  # type: ignore[arg-type]


def test_describe_carries_the_statements(both: tuple[httpx.Client, httpx.Client]) -> None:
    """A chip's DESCRIBE holds its entity document in both modes: statements included."""
    chip = "https://w3id.org/hwkg/id/chip/nvidia-h100-sxm5-80gb"
    found = _sparql(both[0], f"ASK {{ <{chip}> ?p ?o }}", "application/sparql-results+json")
    if not found.json()["boolean"]:
        pytest.skip("the bundled chip is not in this graph")
    remote, embedded = (_answer(_sparql(c, f"DESCRIBE <{chip}>", "application/n-triples"))
                        for c in both)
    page = both[0].get("/data/chip/nvidia-h100-sxm5-80gb.nt")
    document = {str(t) for t in ox.parse(page.content, ox.RdfFormat.N_TRIPLES)}
    # the server's own DESCRIBE may say more (Virtuoso's adds the triples pointing at it)
    assert embedded == document and document <= remote  # type: ignore[operator]


def test_from_named_cannot_reach_the_bookkeeping_graph(remote_server: str) -> None:
    query = ("SELECT (COUNT(*) AS ?n) FROM NAMED <https://w3id.org/hwkg/graph/meta> "
             "FROM <https://w3id.org/hwkg/graph/meta> "
             "WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    with httpx.Client(base_url=remote_server, timeout=60) as client:
        answer = _answer(_sparql(client, query, "application/sparql-results+json"))
    assert answer == [('"0"^^<http://www.w3.org/2001/XMLSchema#integer>',)]


def test_only_the_published_graphs_are_served(both: tuple[httpx.Client, httpx.Client]) -> None:
    """The bookkeeping graph (``graph/meta``: version, signature) of an on-disk store or an
    external server is neither a named graph nor part of the default graph."""
    names = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    meta = "ASK { ?s <https://w3id.org/hwkg/graph/meta#filesSignature> ?o }"
    mine, theirs = (_answer(_sparql(c, names, "application/sparql-results+json")) for c in both)
    assert mine == theirs and len(mine) == 4  # type: ignore[arg-type]
    for client in both:
        asked = _sparql(client, meta, "application/sparql-results+json").json()
        assert asked["boolean"] is False


def _row_count(response: httpx.Response) -> int:
    kind = response.headers["content-type"]
    if kind.startswith("text/csv"):
        return len(list(csv.reader(io.StringIO(response.text)))) - 1
    if kind.startswith("application/sparql-results+xml"):
        return response.content.count(b"<result>")
    return response.content.count(b"\n") - 1  # TSV escapes newlines in values


def test_every_results_format_and_the_row_cap(both: tuple[httpx.Client, httpx.Client]) -> None:
    # more rows than the cap, but not the whole graph: a server that reads every triple out
    # (Virtuoso: ~5 s for 86k) would meet the 3 s limit before the cap is tested
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10005"
    for accept in ("text/tab-separated-values", "text/csv", "application/sparql-results+xml"):
        mine, theirs = (_sparql(c, query, accept) for c in both)
        assert mine.headers["content-type"] == theirs.headers["content-type"]
        assert mine.headers["hwkg-results-truncated"] == theirs.headers["hwkg-results-truncated"]
        assert _row_count(mine) == _row_count(theirs) == 10_000
    turtle = [_sparql(c, "CONSTRUCT WHERE { ?s a hw:Vendor }", "text/turtle") for c in both]
    graphs = [Graph().parse(data=r.text, format="turtle") for r in turtle]
    assert isomorphic(graphs[0], graphs[1]) and len(graphs[0]) > 0


def test_updates_service_and_bad_queries_are_refused(remote_server: str) -> None:
    with httpx.Client(base_url=remote_server, timeout=60) as client:
        update = client.post("/sparql", data={"update": "DROP ALL"})
        assert update.status_code == 403
        service = client.get("/sparql", params={
            "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
        assert service.status_code == 400 and "SERVICE" in service.text
        bad = client.get("/sparql", params={"query": "SELECT WHERE {"})
        assert bad.status_code == 400
        deep = client.get("/sparql", params={"query": "ASK " + "{" * 300 + "}" * 300})
        assert deep.status_code == 400 and "nests" in deep.text
        count = client.get("/sparql",
                           params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                           headers={"accept": "text/csv"})
    assert count.status_code == 200 and int(count.text.split()[-1]) > 0  # DROP ALL did nothing


def test_a_query_past_the_time_limit_answers_503(remote_server: str) -> None:
    runaway = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
               "FILTER(STR(?c) != STR(?i)) }")
    response = httpx.get(remote_server + "/sparql", params={"query": runaway}, timeout=60)
    assert response.status_code == 503
    assert f"longer than the {TIMEOUT_S:g} s limit" in response.text
    assert httpx.get(remote_server + "/health", timeout=10).status_code == 200


@pytest.mark.parametrize("suffix", ["ttl", "html", "jsonld"])
def test_entity_pages_are_the_same(both: tuple[httpx.Client, httpx.Client], suffix: str) -> None:
    accept = {"ttl": "text/turtle", "html": "text/html", "jsonld": "application/ld+json"}[suffix]
    responses = [c.get("/id/chip/nvidia-h100-sxm5-80gb", headers={"accept": accept},
                       follow_redirects=True) for c in both]
    assert [r.status_code for r in responses] == [200, 200]
    assert str(responses[0].url).endswith(f".{suffix}")
    assert responses[0].content == responses[1].content
    missing = [c.get("/id/chip/no-such-chip") for c in both]
    assert [r.status_code for r in missing] == [404, 404]


def test_home_and_ontology_pages_are_the_same(both: tuple[httpx.Client, httpx.Client]) -> None:
    for path in ("/", "/browse", "/ontology"):
        mine, theirs = (c.get(path, headers={"accept": "text/html"}) for c in both)
        assert mine.status_code == 200 and mine.content == theirs.content, path
    shapes = [Graph().parse(data=c.get("/shapes.ttl").text, format="turtle") for c in both]
    assert isomorphic(shapes[0], shapes[1])


def test_dumps_hold_the_same_quads(both: tuple[httpx.Client, httpx.Client],
                                   remote: remote_support.Server) -> None:
    dumps = [list(ox.parse(c.get("/dumps/hwkg.nq").content, ox.RdfFormat.N_QUADS))
             for c in both]
    assert len(dumps[0]) == len(dumps[1]) > 0

    def value(term: object) -> object:
        if isinstance(term, ox.Literal) and term.datatype.value.endswith("#decimal"):
            return canonical(float(term.value), digits=digits(remote))
        return str(term)

    def named(quads: list[ox.Quad]) -> set[tuple[object, ...]]:  # blank nodes: per server
        return {(str(q.subject), str(q.predicate), value(q.object), str(q.graph_name))
                for q in quads
                if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}

    assert named(dumps[0]) == named(dumps[1])


def test_a_server_without_a_graph_is_refused() -> None:
    with remote_support.oxigraph() as empty:
        done = subprocess.run(
            [sys.executable, "-m", "hwkg", "serve", "--port", "9", *empty.load_args()],
            capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "holds no hwkg graph" in done.stderr and "hwkg load --sparql-endpoint" in done.stderr


def test_load_without_update_url_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hwkg", "serve", "--port", "9", "--sparql-endpoint",
         "http://127.0.0.1:9/query", "--load"],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "--load needs --sparql-endpoint and --update-url" in done.stderr


def test_reload_follows_the_version_on_the_server(tmp_path: Path) -> None:
    generate = remote_support.bench_module("generate")
    homes = []
    for seed in (1, 2):
        home = tmp_path / f"home-{seed}"
        generate.write_home(generate.generate(12, seed=seed), home)
        homes.append(home)
    with remote_support.oxigraph() as server:
        assert remote_support.hwkg_load(server, homes[0]).returncode == 0
        proc, url = start_server(*server.load_args(), env={"HWKG_ADMIN_TOKEN": "t0ken"})
        try:
            first = httpx.get(url + "/health", timeout=10).json()["version"]
            admin = {"authorization": "Bearer t0ken"}
            same = httpx.post(url + "/admin/reload", headers=admin, timeout=60).json()
            assert (same["status"], same["version"]) == ("unchanged", first)
            loaded = remote_support.hwkg_load(server, homes[1])
            assert loaded.returncode == 0, loaded.stderr
            result = httpx.post(url + "/admin/reload", headers=admin, timeout=60)
            assert result.status_code == 200, result.text
            body = result.json()
            assert body["status"] == "ok" and body["previous"] == first != body["version"]
            health = httpx.get(url + "/health", timeout=10).json()
            assert health["version"] == body["version"]
            chips = graphql_client.run(url, "{ chips { totalCount } }")["chips"]["totalCount"]
            assert chips == 12
        finally:
            stop_server(proc)


def test_settings_keep_the_password_out_of_repr() -> None:
    from hwkg.core.settings import Settings

    settings = Settings.from_env(sparql_endpoint="http://x/q", sparql_password="s3cret")
    assert "s3cret" not in repr(settings)
