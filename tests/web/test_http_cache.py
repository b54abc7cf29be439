"""ETag / Last-Modified / 304 on every GET answer, following the graph's version (live server).

The URLs are found from the app's routes list: every GET route without path parameters,
the fixture chip's documents for the linked-data routes, and a GET query for GraphQL and
SPARQL when those routes exist.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.routing import Route

from hwkg.app import create_app
from hwkg.core.settings import Settings
from hwkg.web.http_cache import EXCLUDED
from ops_support import CHIP_FILE, TOKEN, Server, make_home, start

pytestmark = pytest.mark.server
FILLED = {
    "/data/{kind}/{doc}": "/data/chip/test-gpu.ttl",
    "/ontology.{ext}": "/ontology.ttl",
    "/shapes.{ext}": "/shapes.ttl",
    "/dumps/{name}": None,  # named in the /dumps listing; found below when it exists
}
QUERIES = {
    "/graphql": "/graphql?" + urllib.parse.urlencode({"query": "{ __typename }"}),
    "/sparql": "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}),
}


def get_urls() -> list[str]:
    """GET URLs to try, from the app's routes (those that need a value we lack are left out)."""
    urls: list[str] = []
    for route in create_app(Settings()).routes:
        if not isinstance(route, Route) or "GET" not in (route.methods or ()):
            continue
        if any(route.path == p or route.path.startswith(p + "/") for p in EXCLUDED):
            continue
        if route.path in QUERIES:
            urls.append(QUERIES[route.path])
        elif "{" not in route.path:
            urls.append(route.path)
        elif FILLED.get(route.path):
            urls.append(FILLED[route.path])  # type: ignore[arg-type]
    return urls


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    folder = tmp_path_factory.mktemp("http-cache")
    home = make_home(folder / "home")
    live = start(home, folder / "server.log", env={"HWKG_ADMIN_TOKEN": TOKEN})
    try:
        yield live, home
    finally:
        live.stop()


def test_every_get_answer_carries_validators_and_revalidates(
        server: tuple[Server, Path]) -> None:
    live, _ = server
    tried = 0
    for url in get_urls():
        r = httpx.get(live.url + url, timeout=60, headers={"accept": "*/*"})
        if r.status_code != 200:
            continue
        tried += 1
        etag, modified = r.headers.get("etag"), r.headers.get("last-modified")
        assert etag and modified, f"{url}: no validators"
        again = httpx.get(live.url + url, timeout=60,
                          headers={"accept": "*/*", "if-none-match": etag})
        assert again.status_code == 304, f"{url}: If-None-Match gave {again.status_code}"
        assert again.content == b"" and again.headers["etag"] == etag
        since = httpx.get(live.url + url, timeout=60,
                          headers={"accept": "*/*", "if-modified-since": modified})
        assert since.status_code == 304, f"{url}: If-Modified-Since gave {since.status_code}"
        head = httpx.head(live.url + url, timeout=60, headers={"accept": "*/*"})
        assert head.headers.get("etag") == etag, url
    assert tried >= 5, f"only {tried} GET routes answered 200"


def test_the_tag_names_the_graph_version_and_the_format(server: tuple[Server, Path]) -> None:
    live, _ = server
    version = httpx.get(live.url + "/health", timeout=10).json()["version"]
    url = live.url + "/data/chip/test-gpu.ttl"
    tag = httpx.get(url, timeout=30).headers["etag"]
    assert tag.startswith(f'W/"{version}-')
    if "/sparql" in {getattr(r, "path", "") for r in create_app(Settings()).routes}:
        query = live.url + QUERIES["/sparql"]
        as_json = httpx.get(query, headers={"accept": "application/sparql-results+json"})
        as_xml = httpx.get(query, headers={"accept": "application/sparql-results+xml"})
        assert as_json.status_code == as_xml.status_code == 200
        assert as_json.headers["etag"] != as_xml.headers["etag"]
        cross = httpx.get(query, headers={"accept": "application/sparql-results+xml",
                                          "if-none-match": as_json.headers["etag"]})
        assert cross.status_code == 200 and cross.content == as_xml.content


def test_stale_tags_and_dates_get_the_new_graph_after_a_reload(
        server: tuple[Server, Path]) -> None:
    live, home = server
    url = live.url + "/data/chip/test-gpu.ttl"
    first = httpx.get(url, timeout=30)
    path = home / "graph" / CHIP_FILE
    path.write_text(path.read_text(encoding="utf-8") + "\n# touched by test_http_cache\n",
                    encoding="utf-8")
    r = httpx.post(live.url + "/admin/reload", timeout=120,
                   headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and r.json()["status"] == "ok", r.text
    after = httpx.get(url, timeout=30, headers={"if-none-match": first.headers["etag"]})
    assert after.status_code == 200 and after.content
    assert after.headers["etag"] != first.headers["etag"]
    assert after.headers["etag"].startswith(f'W/"{r.json()["version"]}-')


def test_a_dump_keeps_its_own_checksum_tag(server: tuple[Server, Path]) -> None:
    live, _ = server
    listing = httpx.get(live.url + "/dumps", headers={"accept": "application/json"}, timeout=30)
    names = [part for part in listing.text.replace('"', " ").split() if part.endswith(".nt")]
    assert listing.status_code == 200 and names, "/dumps lists an N-Triples dump"
    url = live.url + "/dumps/" + names[0].rsplit("/", 1)[-1]
    r = httpx.get(url, timeout=60)
    assert r.status_code == 200 and not r.headers["etag"].startswith("W/")
    again = httpx.get(url, timeout=60, headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_errors_and_redirects_carry_no_tag(server: tuple[Server, Path]) -> None:
    live, _ = server
    missing = httpx.get(live.url + "/data/chip/no-such-chip.ttl", timeout=30)
    assert missing.status_code == 404 and "etag" not in missing.headers
    redirect = httpx.get(live.url + "/id/chip/test-gpu", timeout=30)
    assert redirect.status_code == 303 and "etag" not in redirect.headers
