"""A query that needs too much memory is stopped at the workers' cap; the server goes on.

The server runs with ``HWKG_SPARQL_QUERY_MEMORY_MB=128``. A query that doubles a string 25
times builds a 256 MiB value (and more for its copies): past the cap its worker dies, the
answer is 503 naming the memory budget, ``hwkg_query_memory_limit_total`` counts it, and the
next queries are answered by a fresh worker. The same query doubling 15 times (256 KiB)
is answered as usual, so the cap is not simply refusing the shape of the query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from conftest import start_server, stop_server

pytestmark = pytest.mark.server


def doubling(times: int) -> str:
    """A query whose one answer is the length of "abcdefgh" doubled ``times`` times."""
    binds = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(times))
    return f'SELECT (STRLEN(?a{times}) AS ?n) WHERE {{ BIND("abcdefgh" AS ?a0) {binds} }}'


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    proc, url = start_server("--sparql-timeout", "30",
                             env={"HWKG_SPARQL_WORKERS": "1", "HWKG_SPARQL_QUERY_MEMORY_MB": "128"})
    try:
        yield url
    finally:
        stop_server(proc)


def memory_stops(client: httpx.Client) -> float:
    text = client.get("/metrics").text
    found = re.search(r"^hwkg_query_memory_limit_total(?:\{\})? (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def test_query_past_the_memory_cap_is_stopped(server: str) -> None:
    with httpx.Client(base_url=server, timeout=120) as client:
        small = client.post("/sparql", data={"query": doubling(15)},
                            headers={"Accept": "application/sparql-results+json"})
        assert small.status_code == 200, small.text
        value = small.json()["results"]["bindings"][0]["n"]["value"]
        assert int(value) == 8 * 2**15
        before = memory_stops(client)
        big = client.post("/sparql", data={"query": doubling(25)})
        assert big.status_code == 503, big.text
        assert "128 MiB" in big.text and "memory" in big.text
        assert memory_stops(client) == before + 1
        for _ in range(3):
            after = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            assert after.status_code == 200
