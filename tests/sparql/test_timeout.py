"""A runaway query is killed at its time limit while the server keeps answering.

The server runs with a short limit; a cross product of the whole graph with itself three
times cannot finish within it. While it runs, /health and a normal query are answered; the
runaway gets 503 with a message; afterwards queries still work (its worker was replaced).
Only status codes and the order of events are asserted, never durations.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest

from conftest import start_server, stop_server

pytestmark = pytest.mark.server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    proc, url = start_server("--sparql-timeout", "3", env={"HWKG_SPARQL_WORKERS": "2"})
    try:
        yield url
    finally:
        stop_server(proc)


def test_runaway_query_is_stopped_and_others_are_answered(server: str) -> None:
    with httpx.Client(base_url=server, timeout=120) as client:
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200  # warm up
        outcome: dict[str, httpx.Response] = {}
        started = threading.Event()

        def runaway() -> None:
            started.set()
            outcome["runaway"] = httpx.post(server + "/sparql", data={"query": RUNAWAY},
                                            timeout=120)

        thread = threading.Thread(target=runaway)
        thread.start()
        started.wait()
        health = client.get("/health")
        normal = client.get("/sparql", params={"query": "SELECT ?s { ?s a ?t } LIMIT 5"})
        answered_during = thread.is_alive()
        thread.join()
        assert health.status_code == 200
        assert normal.status_code == 200
        assert answered_during, "the runaway query ended before the other requests came back"
        stopped = outcome["runaway"]
        assert stopped.status_code == 503
        assert "limit" in stopped.text and "stopped" in stopped.text
        assert "hwkg-cache" not in stopped.headers  # a stopped query is never kept:
        again = client.post("/sparql", data={"query": RUNAWAY})  # it runs again, is stopped
        assert again.status_code == 503 and "stopped" in again.text
        for _ in range(3):
            assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
