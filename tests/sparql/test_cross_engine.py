"""Cross-engine answers: the endpoint agrees with pyoxigraph run here on the server's dump.

Each query is sent to the live endpoint (SPARQL JSON over HTTP, through a worker process)
and run in this process on a store loaded from ``/dumps/hwkg.nq``; the answers must be equal
(ordered where the query orders, as multisets otherwise).
"""

from __future__ import annotations

from collections import Counter

import httpx
import pyoxigraph as ox
import pytest

from hwkg.core.namespaces import PREFIXES
from queries_support import QUERIES, rows

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def client(live_server: str) -> httpx.Client:
    return httpx.Client(base_url=live_server, timeout=60)


@pytest.fixture(scope="module")
def local(client: httpx.Client) -> ox.Store:
    store = ox.Store()
    store.load(client.get("/dumps/hwkg.nq").content, ox.RdfFormat.N_QUADS)
    return store


def test_queries_cover_the_graph(local: ox.Store) -> None:
    non_empty = [name for name, (q, _) in QUERIES.items()
                 if rows(local.query(q, use_default_graph_as_union=True, prefixes=PREFIXES))]
    assert len(non_empty) >= len(QUERIES) - 2, non_empty


@pytest.mark.parametrize("name", QUERIES)
def test_endpoint_equals_pyoxigraph(client: httpx.Client, local: ox.Store, name: str) -> None:
    query, ordered = QUERIES[name]
    expected = rows(local.query(query, use_default_graph_as_union=True, prefixes=PREFIXES))
    construct = isinstance(expected, set)
    accept = "application/n-triples" if construct else "application/sparql-results+json"
    response = client.post("/sparql", data={"query": query}, headers={"accept": accept})
    assert response.status_code == 200, response.text
    if construct:
        got: object = {str(t) for t in ox.parse(response.content, ox.RdfFormat.N_TRIPLES)}
    else:
        got = rows(ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON))
    if ordered or isinstance(expected, bool | set):
        assert got == expected
    else:
        assert Counter(got) == Counter(expected)  # type: ignore[arg-type]
