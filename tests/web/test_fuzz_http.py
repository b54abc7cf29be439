"""HTTP fuzzing of a live server on every route the app has: never a 5xx, never a stack trace.

The routes come from the app's own routes list (so new routes are fuzzed as they appear).
Each case picks a route, fills its path parameters (with known or random values), and sends
a method, query string, ``Accept`` and ``Content-Type`` headers and a body drawn by
hypothesis: bad percent-encodings, invalid UTF-8, odd media types, random bytes. Separate
tests send oversized bodies (with and without a length), slow bodies, and malformed raw
requests over a socket, and one sweep sends every route each hostile ``Accept`` header and
each bad percent-encoding (so no route is left to chance). The only 5xx allowed is the
documented ``503`` of ``/sparql`` when a query passes its time limit or every worker is busy.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from starlette.routing import Mount, Route

from fuzz_support import FUZZ, count, report
from hwkg.app import create_app
from hwkg.core.settings import Settings
from ops_support import Server, make_home, no_stack_trace, start

pytestmark = pytest.mark.server
BODY_TIMEOUT_S = 1
LIMIT = 1_000_000
PARAM = re.compile(r"\{([^}]+)\}")
KNOWN = {"kind": "chip", "slug": "test-gpu", "doc": "test-gpu.ttl", "ext": "ttl",
         "name": "hwkg.nt", "file": "x"}


def discovered() -> list[tuple[str, list[str]]]:
    """(path template, methods) for every route of the app; mounts as ``<path>/{file}``."""
    found: list[tuple[str, list[str]]] = []
    for route in create_app(Settings()).routes:
        if isinstance(route, Route):
            found.append((route.path, sorted(route.methods or ["GET"])))
        elif isinstance(route, Mount):
            found.append((route.path + "/{file}", ["GET", "HEAD"]))
    return found


ROUTES = discovered()
POST_ROUTES = [path for path, methods in ROUTES if "POST" in methods and "{" not in path]


@pytest.fixture(scope="module", autouse=True)
def cases_tried(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    report(request)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("fuzz-http")
    env = {"HWKG_BODY_TIMEOUT": str(BODY_TIMEOUT_S), "HWKG_MAX_BODY_BYTES": str(LIMIT),
           "HWKG_ADMIN_TOKEN": "fuzz-token"}
    live = start(make_home(folder / "home"), folder / "server.log", env=env,
                 log_level="warning")
    try:
        yield live
    finally:
        live.stop()


def allowed(path: str, response: httpx.Response) -> bool:
    """Every answer is below 500 but the SPARQL time limit's documented 503."""
    if response.status_code < 500:
        return True
    return response.status_code == 503 and path.startswith("/sparql")


def assert_sane(path: str, response: httpx.Response) -> None:
    assert allowed(path, response), (path, response.status_code, response.text[:500])
    assert no_stack_trace(response.text), (path, response.text[:2000])


HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80)
ACCEPTS = st.sampled_from([
    "*/*", "text/html", "application/json", "application/sparql-results+json",
    "application/graphql-response+json", "text/turtle", "application/ld+json", "text/csv",
    "image/png", "text/*;q=0", "*/*;q=abc", "application/json;q=1.5", ";;;", ",", "",
    "text/html, application/xhtml+xml;q=0.9, */*;q=0.8", "a" * 4000, "x/y; charset=utf-99",
]) | HEADER_TEXT
CONTENT_TYPES = st.sampled_from([
    "application/json", "application/x-www-form-urlencoded", "application/sparql-query",
    "application/sparql-update", "application/graphql", "multipart/form-data",
    "multipart/form-data; boundary=x", "text/plain; charset=latin-1",
    "application/json; charset=utf-16",
    "", "garbage", "application/json;;",
]) | HEADER_TEXT
BODIES = st.one_of(
    st.binary(max_size=3000),
    st.sampled_from([b"\xff\xfe\x00", b'{"query": "\xff"}', b"query=%FF%FE", b"{", b"[]",
                     b'{"query": "{ __typename }", "variables": "x"}', b"query=SELECT%20*",
                     b'{"query": 1}', b"update=DROP%20ALL", b"\x00" * 100, b"%" * 50]),
    st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
QUERY_STRINGS = st.one_of(
    st.just(""),
    st.sampled_from(["query=%FF", "query=%", "query=SELECT%20*%20WHERE%20%7B%7D",
                     "query={__typename}", "query=ASK%7B%7D&query=ASK%7B%7D", "format=xml",
                     "default-graph-uri=%00", "query=" + "a" * 5000, "a=%E0%A4%A",
                     "query=SELECT%20*%20WHERE%20%7BSERVICE%20%3Chttp%3A%2F%2Fx%3E%7B%7D%7D"]),
    HEADER_TEXT.map(lambda t: t.replace("#", "%23").replace(" ", "%20")),
)
SEGMENT = st.one_of(st.sampled_from(["test-gpu", "x", "..", "%2e%2e", "%FF", "a.b.c", ""]),
                    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E,
                                          exclude_characters="/?#%"), max_size=30))


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, dict[str, str], bytes]:
    template, methods = draw(st.sampled_from(ROUTES))
    names = PARAM.findall(template)
    values = iter([draw(st.sampled_from([KNOWN.get(n.split(":")[0], "x")]) | SEGMENT) or "x"
                   for n in names])
    path = PARAM.sub(lambda _: next(values), template)
    method = draw(st.sampled_from(methods) | st.sampled_from(["PUT", "DELETE", "PATCH",
                                                                 "OPTIONS"]))
    headers = {"accept": draw(ACCEPTS)}
    body = b""
    if method in ("POST", "PUT", "PATCH"):
        headers["content-type"] = draw(CONTENT_TYPES)
        body = draw(BODIES)
    query = draw(QUERY_STRINGS)
    return method, path + ("?" + query if query else ""), headers, body


@FUZZ
@given(requests())
def test_random_requests_never_get_a_5xx_or_a_trace(server: Server,
                                                     case: tuple[str, str, dict[str, str],
                                                                 bytes]) -> None:
    method, target, headers, body = case
    try:
        response = httpx.request(method, server.url + target, headers=headers, content=body,
                                 timeout=60)
    except (httpx.LocalProtocolError, httpx.InvalidURL, UnicodeEncodeError):
        assume(False)  # the client refused to send it: not a server case
        return
    count(f"{__name__}::test_random_requests_never_get_a_5xx_or_a_trace")
    assert_sane(target, response)


def test_routes_were_discovered() -> None:
    paths = {path for path, _ in ROUTES}
    assert "/health" in paths and len(paths) >= 3, paths


def test_oversized_bodies_are_refused(server: Server) -> None:
    big = b"x" * (LIMIT * 3)
    assert POST_ROUTES, "no POST route to send a body to"
    for path in POST_ROUTES:
        for content in (big, iter([big[i:i + 65536] for i in range(0, len(big), 65536)])):
            response = httpx.post(server.url + path, content=content, timeout=60,
                                  headers={"content-type": "application/json"})
            count(f"{__name__}::test_oversized_bodies_are_refused")
            assert_sane(path, response)
            assert 400 <= response.status_code < 500, (path, response.status_code)
        assert httpx.get(server.url + "/health", timeout=10).status_code == 200


def test_slow_bodies_are_cut_off(server: Server) -> None:
    for path in POST_ROUTES:
        def stalled() -> Iterator[bytes]:
            yield b'{"query": '
            time.sleep(BODY_TIMEOUT_S * 3)
            yield b'"{ __typename }"}'

        try:
            response = httpx.post(server.url + path, content=stalled(), timeout=60,
                                  headers={"content-type": "application/json"})
        except httpx.RemoteProtocolError:
            continue  # the server answered and closed while the rest was still being sent
        count(f"{__name__}::test_slow_bodies_are_cut_off")
        assert_sane(path, response)
        assert response.status_code in (408, 401, 403), (path, response.status_code)
        assert httpx.get(server.url + "/health", timeout=10).status_code == 200


RAW = [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: \x00\x01\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\nAccept: \xff\xfe\xfd\r\n\r\n",
    b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /id/chip/%FF%FE HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nx\r\n0\r\n\r\n",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    b"Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc",
    b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 70000 + b"\r\n\r\n",
    b"GET /sparql?query=%FF HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n",
]


def raw_status(server: Server, payload: bytes) -> int | None:
    """Send ``payload`` on a fresh connection; the status of the answer, None if it closed."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert no_stack_trace(data.decode("latin-1")), data[:2000]
    if not data:
        return None
    return int(data.split(b" ", 2)[1])


def test_malformed_raw_requests_get_a_4xx_or_a_closed_connection(server: Server) -> None:
    for payload in RAW:
        status = raw_status(server, payload)
        count(f"{__name__}::test_malformed_raw_requests_get_a_4xx_or_a_closed_connection")
        assert status is None or status < 500, (payload[:80], status)
    assert httpx.get(server.url + "/health", timeout=10).status_code == 200


BAD_ACCEPTS = ["", "*/*;q=abc", "text/*;q=0, */*;q=0", ";;;,,,", "application/json;q=1.5",
               "x/y; charset=utf-99", "a" * 4000, "text/html;level=1;q=0.5, image/*",
               "\u00e9/\u00e9"]
BAD_QUERIES = ["%FF%FE", "query=%ED%A0%80", "a=%", "format=%00", "query=%C3%28&query=%C3%28"]


def test_every_route_survives_bad_accept_headers_and_encodings(server: Server) -> None:
    for template, methods in ROUTES:
        path = PARAM.sub(lambda m: KNOWN.get(m.group(1).split(":")[0], "x"), template)
        method = "GET" if "GET" in methods else methods[0]
        for accept in BAD_ACCEPTS:
            response = httpx.request(method, server.url + path, timeout=60,
                                     headers={"accept": accept.encode("utf-8")})
            count(f"{__name__}::test_every_route_survives_bad_accept_headers_and_encodings")
            assert_sane(path, response)
        for query in BAD_QUERIES:
            response = httpx.request(method, server.url + path + "?" + query, timeout=60)
            count(f"{__name__}::test_every_route_survives_bad_accept_headers_and_encodings")
            assert_sane(path, response)
        bad_path = path.rstrip("/") + "/%FF%C0%AF"
        assert_sane(bad_path, httpx.request(method, server.url + bad_path, timeout=60))
    assert httpx.get(server.url + "/health", timeout=10).status_code == 200
