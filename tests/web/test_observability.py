"""Structured request logs, ``/metrics`` and graceful shutdown, on live servers.

No timing assertions: the slow request here is slow because the test holds its body back.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Route

from hwkg.web import request_log as observability
from ops_support import Server, make_home, no_stack_trace, start, wait_for

pytestmark = pytest.mark.server
SAMPLE = re.compile(r'^([a-z_]+)(\{[^}]*\})? (\S+)$')


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("observability")
    live = start(make_home(folder / "home"), folder / "server.log")
    try:
        yield live
    finally:
        live.stop()


def access_lines(server: Server) -> list[dict]:  # type: ignore[type-arg]
    lines = [json.loads(line) for line in server.log_lines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "hwkg.access"]


def samples(text: str) -> dict[str, float]:
    """Prometheus text → {'name{labels}': value}; every non-comment line must parse."""
    found: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a Prometheus sample line: {line!r}"
        found[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    return found


def test_every_request_logs_one_json_line_with_its_id(server: Server) -> None:
    r = httpx.get(server.url + "/health", headers={"X-Request-ID": "trace-abc.123"}, timeout=10)
    assert r.headers["x-request-id"] == "trace-abc.123"
    missing = httpx.get(server.url + "/no/such/route", timeout=10)
    assert missing.status_code == 404
    generated = missing.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)

    def logged() -> list[dict]:  # type: ignore[type-arg]
        ids = {"trace-abc.123", generated}
        return [line for line in access_lines(server) if line.get("request_id") in ids]

    lines = {line["request_id"]: line for line in wait_for(lambda: len(logged()) == 2 and logged())}
    ok = lines["trace-abc.123"]
    assert (ok["method"], ok["route"], ok["status"], ok["level"]) == ("GET", "/health", 200, "info")
    assert isinstance(ok["duration_ms"], float) and ok["duration_ms"] >= 0 and ok["ts"]
    assert (lines[generated]["route"], lines[generated]["status"]) == ("<unmatched>", 404)


def test_a_hostile_request_id_is_replaced(server: Server) -> None:
    r = httpx.get(server.url + "/health", headers={"X-Request-ID": "x" * 500}, timeout=10)
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])


def test_metrics_count_requests_and_describe_the_graph(server: Server) -> None:
    for _ in range(3):
        httpx.get(server.url + "/health", timeout=10)
    health = httpx.get(server.url + "/health", timeout=10).json()
    r = httpx.get(server.url + "/metrics", timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    found = samples(r.text)
    assert found['hwkg_http_requests_total{method="GET",route="/health",status="200"}'] >= 4
    count = found['hwkg_http_request_duration_seconds_count{route="/health"}']
    assert found['hwkg_http_request_duration_seconds_bucket{route="/health",le="+Inf"}'] == count
    assert found["hwkg_graph_triples"] == health["triples"]
    assert found[f'hwkg_graph_info{{version="{health["version"]}"}}'] == 1
    assert found["process_resident_memory_bytes"] > 0
    assert "# TYPE hwkg_query_timeouts_total counter" in r.text
    assert "# TYPE hwkg_reloads_total counter" in r.text


def test_metrics_and_health_are_never_cached(server: Server) -> None:
    for path in ("/metrics", "/health"):
        r = httpx.get(server.url + path, timeout=10)
        assert "etag" not in r.headers, path


def test_an_unhandled_error_is_logged_with_its_cause_and_answered_without_a_trace() -> None:
    async def broken(request: Request) -> None:
        try:
            {}["missing"]  # noqa: B018
        except KeyError as exc:
            raise RuntimeError("the handler failed") from exc

    app = Starlette(routes=[Route("/broken", broken)],
                    middleware=[Middleware(observability.RequestLog)])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(observability.JsonFormatter())
    observability.log.addHandler(handler)
    try:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                return await client.get("/broken", headers={"X-Request-ID": "err-1"})

        r = asyncio.run(call())
    finally:
        observability.log.removeHandler(handler)
    assert r.status_code == 500
    assert r.json() == {"error": "internal server error", "request_id": "err-1"}
    assert no_stack_trace(r.text)
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    error = next(e for e in entries if e["msg"] == "unhandled error")
    assert error["request_id"] == "err-1" and error["level"] == "error"
    assert "RuntimeError: the handler failed" in error["error"]
    assert "KeyError" in error["error"] and "Traceback" in error["traceback"]
    done = next(e for e in entries if e["msg"] == "request")
    assert done["status"] == 500 and done["route"] == "/broken"


def _slow_post_path() -> tuple[str, bytes, str]:
    """A POST route that reads its body: GraphQL."""
    return "/graphql", b'{"query": "{ __typename }"}', "application/json"


def test_sigterm_lets_the_request_in_flight_finish(tmp_path: Path) -> None:
    path, body, content_type = _slow_post_path()
    live = start(make_home(tmp_path / "home"), tmp_path / "log")
    first_sent, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def slow_body() -> Iterator[bytes]:
        yield body[:5]
        first_sent.set()
        release.wait(60)
        yield body[5:]

    def client() -> None:
        try:
            r = httpx.post(live.url + path, content=slow_body(), timeout=90,
                           headers={"content-type": content_type, "accept": "application/json"})
            outcome["status"], outcome["text"] = r.status_code, r.text
        except httpx.HTTPError as exc:  # pragma: no cover - reported by the assert below
            outcome["error"] = repr(exc)

    thread = threading.Thread(target=client)
    thread.start()
    try:
        assert first_sent.wait(30)
        live.proc.send_signal(signal.SIGTERM)

        def refuses_new_connections() -> bool:
            try:
                httpx.get(live.url + "/health", timeout=2)
            except httpx.HTTPError:
                return True
            return False

        wait_for(refuses_new_connections, timeout=30)
        assert live.proc.poll() is None, "the server exited with a request in flight"
    finally:
        release.set()
        thread.join(90)
    assert outcome.get("status") == 200, outcome
    # uvicorn re-raises the signal once it has shut down gracefully: exit by SIGTERM, or 0
    assert live.proc.wait(timeout=60) in (0, -signal.SIGTERM)
    live.stop()


#: mode -> (serve's extra arguments, HWKG_STORE_IN_MEMORY, whether workers get a copy)
SIGTERM_MODES = {"memory": (False, None, True), "store": (True, "never", False),
                 "store-in-memory": (True, "always", True)}


@pytest.mark.parametrize("mode", sorted(SIGTERM_MODES))
def test_sigterm_leaves_no_temporary_files(tmp_path: Path, mode: str) -> None:
    """The SPARQL workers' copy of the graph and the dump files go at shutdown, although
    uvicorn ends a SIGTERM'd process by the signal (no ``atexit``). A store served from disk
    needs no copy; one served from memory (HWKG_STORE_IN_MEMORY) does."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    on_store, policy, copies = SIGTERM_MODES[mode]
    extra = ("--store", str(tmp_path / "store")) if on_store else ()
    env = {"TMPDIR": str(temp), **({"HWKG_STORE_IN_MEMORY": policy} if policy else {})}
    live = start(make_home(tmp_path / "home"), tmp_path / "log", *extra, env=env)
    try:
        assert httpx.get(live.url + "/dumps/hwkg.nt", timeout=60).status_code == 200
        assert httpx.get(live.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                         timeout=60).status_code == 200
        made = sorted(p.name.rsplit("-", 1)[0] for p in temp.iterdir())
        assert "hwkg-dumps" in made, made
        assert ("hwkg-sparql" in made) == copies, made
        live.proc.send_signal(signal.SIGTERM)
        assert live.proc.wait(timeout=60) in (0, -signal.SIGTERM)
    finally:
        live.stop()
    assert list(temp.iterdir()) == []
