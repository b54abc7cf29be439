"""The SPARQL endpoint on a live ``hwkg serve``: protocol, formats, errors, description, cap.

Expectations come from the served graph itself (counts through other paths), never from
today's data.
"""

from __future__ import annotations

import uuid

import httpx
import pyoxigraph as ox
import pytest

from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY
from hwkg.core.settings import Settings
from hwkg.sparql.negotiation import GRAPH_TYPES, RESULTS_TYPES

pytestmark = pytest.mark.server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ENTITIES = "SELECT ?s WHERE { ?s a ?type FILTER(STRSTARTS(STR(?s), 'https://w3id.org/hwkg/id/')) }"


def results(response: httpx.Response) -> ox.QuerySolutions | ox.QueryBoolean:
    media_type = response.headers["content-type"].split(";")[0]
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    assert fmt is not None, media_type
    return ox.parse_query_results(response.content, fmt)  # type: ignore[return-value]


def count(client: httpx.Client, query: str, **params: str) -> int:
    response = client.get("/sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    rows = list(results(response))  # type: ignore[arg-type]
    return int(rows[0]["n"].value)  # type: ignore[index]


@pytest.fixture(scope="module")
def client(live_server: str) -> httpx.Client:
    return httpx.Client(base_url=live_server, timeout=60)


def test_get_form_and_direct_post_agree(client: httpx.Client) -> None:
    by_get = client.get("/sparql", params={"query": COUNT})
    by_form = client.post("/sparql", data={"query": COUNT})
    by_direct = client.post("/sparql", content=COUNT,
                            headers={"content-type": "application/sparql-query"})
    answers = {r.status_code: r.content for r in (by_get, by_form, by_direct)}
    assert list(answers) == [200] and len(set(answers.values())) == 1
    total = int(list(results(by_get))[0]["n"].value)  # type: ignore[index]
    health = client.get("/health").json()
    assert total == len({(q.subject, q.predicate, q.object) for q in _dump(client)})
    assert health["triples"] >= total > 0


def _dump(client: httpx.Client) -> list[ox.Quad]:
    response = client.get("/dumps/hwkg.nq")
    assert response.status_code == 200
    return list(ox.parse(response.content, ox.RdfFormat.N_QUADS))


@pytest.mark.parametrize("media_type", RESULTS_TYPES)
def test_select_in_every_results_format(client: httpx.Client, media_type: str) -> None:
    response = client.get("/sparql", params={"query": ENTITIES}, headers={"accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers["vary"]
    if media_type == "text/csv":
        rows = response.text.strip().splitlines()[1:]
    else:
        rows = list(results(response))  # type: ignore[arg-type]
    assert len(rows) > 0


@pytest.mark.parametrize("media_type", ["application/sparql-results+json",
                                        "application/sparql-results+xml"])
def test_ask(client: httpx.Client, media_type: str) -> None:
    yes = client.get("/sparql", params={"query": "ASK { ?s a/rdfs:subClassOf* hw:Chip }"},
                     headers={"accept": media_type})
    no = client.get("/sparql", params={"query": "ASK { <urn:x:none> ?p ?o }"},
                    headers={"accept": media_type})
    assert bool(results(yes)) is True and bool(results(no)) is False


@pytest.mark.parametrize("media_type", GRAPH_TYPES)
def test_construct_and_describe_in_every_rdf_format(client: httpx.Client, media_type: str) -> None:
    first = "SELECT ?c { ?c a/rdfs:subClassOf* hw:Chip } LIMIT 1"
    chip = client.get("/sparql", params={"query": first})
    iri = list(results(chip))[0]["c"].value  # type: ignore[index]
    for query in (f"DESCRIBE <{iri}>", f"CONSTRUCT WHERE {{ <{iri}> ?p ?o }}"):
        response = client.post("/sparql", data={"query": query}, headers={"accept": media_type})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
        triples = list(ox.parse(response.content, ox.RdfFormat.from_media_type(media_type)))
        assert triples and all(t.subject.value == iri for t in triples if "DESCRIBE" not in query)


def test_format_parameter_for_clients_that_cannot_negotiate(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": ENTITIES, "format": "tsv"})
    assert response.headers["content-type"].startswith("text/tab-separated-values")


def test_predeclared_prefixes(client: httpx.Client) -> None:
    assert count(client, "SELECT (COUNT(*) AS ?n) { ?c a hw:Statement }") > 0


def test_protocol_dataset_selects_graphs(client: httpx.Client) -> None:
    quads = _dump(client)
    for graph in (GRAPH_ONTOLOGY, GRAPH_DATA):
        expected = sum(1 for q in quads if q.graph_name == ox.NamedNode(graph))
        assert count(client, COUNT, **{"default-graph-uri": graph}) == expected
        named = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
        assert count(client, named, **{"named-graph-uri": graph}) == expected


def test_the_query_dataset_selects_graphs(client: httpx.Client) -> None:
    """``FROM`` / ``FROM NAMED`` in the query (SPARQL 1.1 Query §13.2); the protocol's
    parameters override them (Protocol §2.1.4)."""
    quads = _dump(client)
    sizes = {g: sum(1 for q in quads if q.graph_name == ox.NamedNode(g))
             for g in (GRAPH_ONTOLOGY, GRAPH_DATA)}
    total = count(client, COUNT)
    assert total > max(sizes.values())
    both = "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    for graph, size in sizes.items():
        assert count(client, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {both}") == size
        assert count(client, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> WHERE {both}") == size
        assert count(client, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> {{ ?s ?p ?o }}") == 0
    other = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_ONTOLOGY}> WHERE {{ ?s ?p ?o }}"
    assert count(client, other, **{"default-graph-uri": GRAPH_DATA}) == sizes[GRAPH_DATA]


def test_rdf_xml_that_cannot_be_written_is_not_acceptable(client: httpx.Client) -> None:
    """A predicate IRI that does not end in an XML name cannot be an RDF/XML element: 406
    with the reason, never a malformed document."""
    query = "CONSTRUCT { <http://example.org/x> <http://example.org/p/> 1 } WHERE {}"
    refused = client.post("/sparql", data={"query": query},
                          headers={"accept": "application/rdf+xml"})
    assert refused.status_code == 406 and "<http://example.org/p/>" in refused.text
    turtle = client.post("/sparql", data={"query": query}, headers={"accept": "text/turtle"})
    assert turtle.status_code == 200


def test_describe_gives_the_entity_document(client: httpx.Client) -> None:
    """A chip's DESCRIBE carries its statements (values, units, ranks, sources), as the
    concise bounded description follows the blank nodes they were written as."""
    first = "SELECT ?c { ?c a/rdfs:subClassOf* hw:Chip ; hw:memoryCapacity ?st } LIMIT 1"
    iri = list(results(client.get("/sparql", params={"query": first})))[0]["c"].value  # type: ignore[index]
    response = client.post("/sparql", data={"query": f"DESCRIBE <{iri}>"},
                           headers={"accept": "application/n-triples"})
    described = {str(t) for t in ox.parse(response.content, ox.RdfFormat.N_TRIPLES)}
    page = client.get(iri.replace("https://w3id.org/hwkg/id/", "/data/") + ".nt")
    assert described == {str(t) for t in ox.parse(page.content, ox.RdfFormat.N_TRIPLES)}
    assert any("/ontology#value>" in t for t in described)


@pytest.mark.parametrize(("request_args", "status"), [
    ({"method": "GET", "url": "/sparql?query=SELECT%20*%20%7B"}, 400),
    ({"method": "GET", "url": "/sparql?query=ASK%7B%7D&query=ASK%7B%7D"}, 400),
    ({"method": "POST", "url": "/sparql", "content": b"ASK {}",
      "headers": {"content-type": "text/plain"}}, 415),
    ({"method": "POST", "url": "/sparql", "content": b"ASK {}"}, 415),
    ({"method": "POST", "url": "/sparql", "content": "ASK {}".encode("utf-16"),
      "headers": {"content-type": "application/sparql-query; charset=UTF-16"}}, 415),
    ({"method": "POST", "url": "/sparql", "content": b"ASK { ?s ?p \"\xff\" }",
      "headers": {"content-type": "application/sparql-query"}}, 400),
    ({"method": "PUT", "url": "/sparql?query=ASK%7B%7D"}, 405),
    ({"method": "POST", "url": "/sparql", "data": {"update": "CLEAR ALL"}}, 403),
    ({"method": "POST", "url": "/sparql", "content": b"INSERT DATA { <a:b> <a:c> 1 }",
      "headers": {"content-type": "application/sparql-update"}}, 403),
    ({"method": "GET", "url": "/sparql?update=CLEAR%20ALL"}, 405),
    ({"method": "GET", "url": "/sparql?query=SELECT%20*%20%7B%20SERVICE%20%3Chttp%3A%2F%2F"
      "example.org%2Fsparql%3E%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%7D"}, 400),
])
def test_bad_requests(client: httpx.Client, request_args: dict[str, object], status: int) -> None:
    response = client.request(**request_args)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    assert response.text.strip()


def test_syntax_error_carries_the_parser_message(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400 and "error at 1:" in response.text


def test_update_leaves_the_graph_unchanged(client: httpx.Client) -> None:
    before = count(client, COUNT)
    client.post("/sparql", data={"update": "CLEAR ALL"})
    assert count(client, COUNT) == before


@pytest.mark.parametrize("media_type", GRAPH_TYPES)
def test_service_description(client: httpx.Client, media_type: str) -> None:
    response = client.get("/sparql", headers={"accept": media_type})
    assert response.status_code == 200
    store = ox.Store()
    store.load(response.content, ox.RdfFormat.from_media_type(media_type))
    assert store.query("ASK { ?s a <http://www.w3.org/ns/sparql-service-description#Service> ; "
                       "<http://www.w3.org/ns/sparql-service-description#endpoint> ?e }")


def test_browsers_get_the_editor(client: httpx.Client) -> None:
    response = client.get("/sparql", headers={"accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert "/assets/yasgui/yasgui.min.js" in response.text
    assert "http://" not in response.text.split("<body>")[0].replace("http://www.w3.org", "")
    assert client.get("/assets/yasgui/yasgui.min.js").status_code == 200


def test_cors(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"},
                          headers={"origin": "http://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = {h.strip().lower() for h in
               response.headers["access-control-expose-headers"].split(",")}
    assert {"hwkg-results-truncated", "hwkg-cache"} <= exposed  # a browser client reads them


def test_row_cap_is_stated(client: httpx.Client) -> None:
    cap = Settings.from_env().sparql_row_cap
    query = f"SELECT * {{ ?a ?b ?c . ?d ?e ?f }} LIMIT {cap + 5}"
    response = client.get("/sparql", params={"query": query},
                          headers={"accept": "text/tab-separated-values"})
    assert response.status_code == 200
    assert response.headers["hwkg-results-truncated"] == str(cap)
    assert "truncated" in response.headers["warning"]
    assert len(response.text.splitlines()) == cap + 1
    small = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 3"})
    assert "hwkg-results-truncated" not in small.headers


def test_an_undeclared_prefix_is_named(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s nope:p ?o } LIMIT 1"})
    assert r.status_code == 400
    assert "undeclared prefix nope:" in r.text and "expected one of" not in r.text
    ok = client.get("/sparql", params={"query": "SELECT * WHERE { ?s hw:vendor ?o } LIMIT 1"})
    assert ok.status_code == 200


def test_a_repeated_query_is_answered_from_the_kept_answers(client: httpx.Client) -> None:
    """The same query, dataset and format asked again of the same graph version gets the
    same bytes without a worker; another format or dataset is another answer."""
    query = f"SELECT ?s WHERE {{ ?s a ?t }} ORDER BY ?s LIMIT 7 # {uuid.uuid4()}"
    first = client.get("/sparql", params={"query": query})
    second = client.post("/sparql", data={"query": query})
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.headers["hwkg-cache"] == "miss" and second.headers["hwkg-cache"] == "hit"
    assert second.content == first.content
    assert second.headers["content-type"] == first.headers["content-type"]
    as_csv = client.get("/sparql", params={"query": query}, headers={"accept": "text/csv"})
    assert as_csv.headers["hwkg-cache"] == "miss" and as_csv.content != first.content
    in_data = client.get("/sparql", params={"query": query, "default-graph-uri": GRAPH_DATA})
    assert in_data.headers["hwkg-cache"] == "miss"
    bad = f"SELECT ?s WHERE {{ ?s a }} # {uuid.uuid4()}"
    broken = client.get("/sparql", params={"query": bad})
    again = client.get("/sparql", params={"query": bad})
    assert broken.status_code == again.status_code == 400
    assert "hwkg-cache" not in again.headers or again.headers["hwkg-cache"] == "miss"
