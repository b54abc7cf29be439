"""GraphQL over HTTP against a live ``hwkg serve``: protocol, limits, hostile requests, audit."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
GQL = "application/graphql-response+json"
pytestmark = pytest.mark.server


def post(url: str, body: object, accept: str = GQL, **kw: object) -> httpx.Response:
    return httpx.post(url + "/graphql", json=body, headers={"accept": accept}, timeout=60, **kw)


def assert_alive(url: str) -> None:
    assert httpx.get(url + "/health", timeout=10).status_code == 200
    r = post(url, {"query": "{ graphVersion }"})
    assert r.status_code == 200 and r.json()["data"]["graphVersion"]


def assert_clear_error(r: httpx.Response, status: int, *words: str) -> None:
    assert r.status_code == status, r.text[:500]
    errors = r.json()["errors"]
    text = " ".join(e["message"] for e in errors)
    for word in words:
        assert word in text, text
    assert "Traceback" not in r.text and 'File "' not in r.text


@pytest.mark.npm
def test_graphql_http_audit_has_no_errors_or_warnings(live_server: str) -> None:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "graphql-http").is_dir():
        if os.environ.get("CI"):
            pytest.fail("node or the graphql-http package is missing; scripts/setup installs them")
        pytest.skip("node or the graphql-http package is not installed (scripts/setup)")
    done = subprocess.run([node, str(ROOT / "tests/audit/graphql_http_audit.mjs"),
                           live_server + "/graphql"], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, check=False)
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["error"] == 0 and counts["warn"] == 0, done.stdout
    assert counts["ok"] >= 40


def test_get_and_post_give_the_same_answer(fixture_server: str) -> None:
    query = "{ chips(orderBy: [{name: ASC}]) { totalCount nodes { slug } } }"
    got = httpx.get(fixture_server + "/graphql", params={"query": query},
                    headers={"accept": "application/json"}, timeout=30)
    posted = post(fixture_server, {"query": query}, accept="application/json")
    assert got.status_code == posted.status_code == 200
    assert got.json() == posted.json()
    assert got.headers["content-type"].startswith("application/json")
    assert post(fixture_server, {"query": query}).headers["content-type"].startswith(GQL)


def test_repeated_query_is_served_identically_and_names_the_graph_version(
        fixture_server: str) -> None:
    body = {"query": "query V($n: Int) { graphVersion chips(first: $n) { totalCount } }",
            "variables": {"n": 2}}
    first, second = post(fixture_server, body), post(fixture_server, body)
    assert first.content == second.content
    version = httpx.get(fixture_server + "/health", timeout=10).json()["version"]
    assert first.json()["data"]["graphVersion"] == version


def test_graphiql_page_loads_only_local_assets(fixture_server: str) -> None:
    r = httpx.get(fixture_server + "/graphql", headers={"accept": "text/html"}, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    urls = re.findall(r'src="([^"]+)"', r.text) + re.findall(
        r'<link[^>]* rel="stylesheet"[^>]* href="([^"]+)"', r.text)
    assert urls and all(u.startswith("/assets/") for u in urls), urls
    links = re.findall(r'href="([^"]+)"', r.text)  # the site header's, and the icon
    assert all(u.startswith("/") or u == "data:," for u in links), links
    assert "unpkg" not in r.text and "cdn" not in r.text.lower()
    for url in urls:
        assert httpx.get(fixture_server + url, timeout=30).status_code == 200, url


def test_deep_nesting_is_refused_with_the_limit_named(fixture_server: str) -> None:
    inner = "name"
    for _ in range(15):
        inner = f"vendor {{ chips {{ {inner} }} }}"
    r = post(fixture_server, {"query": f"{{ chips {{ nodes {{ {inner} }} }} }}"})
    assert_clear_error(r, 400, "depth limit exceeded", "by")
    assert r.json()["errors"][0]["extensions"]["limit"] == "depth"
    assert_alive(fixture_server)


def test_a_thousand_aliases_are_refused(fixture_server: str) -> None:
    query = "{ " + " ".join(f"a{i}: graphVersion" for i in range(1000)) + " }"
    r = post(fixture_server, {"query": query})
    assert_clear_error(r, 400, "alias limit exceeded", "1000", "by 950")
    assert_alive(fixture_server)


def test_repeated_fields_and_fragments_are_refused_before_validation(fixture_server: str) -> None:
    """graphql-core compares every pair of same-named fields and every pair of fragments at
    one place (1,000 copies of a field: a recursion error, "Validation aborted."); the field
    merge limit names what was asked instead."""
    copies = "{ chips { nodes { " + "name " * 1000 + "} } }"
    r = post(fixture_server, {"query": copies})
    assert_clear_error(r, 400, "field merge limit exceeded", "499500", "by 497500")
    fragments = " ".join(f"fragment F{i} on Chip {{ slug }}" for i in range(100))
    spread = "{ chips { nodes { " + " ".join(f"...F{i}" for i in range(100)) + " } } } "
    r = post(fixture_server, {"query": spread + fragments})
    assert_clear_error(r, 400, "field merge limit exceeded")
    assert r.json()["errors"][0]["extensions"]["limit"] == "field merge"
    unused = "{ graphVersion } fragment F on Chip { " + "name " * 1000 + "}"  # never spread
    assert_clear_error(post(fixture_server, {"query": unused}), 400, "field merge limit")
    few = "{ chips(first: 1) { nodes { " + "name " * 40 + "} } }"  # 780 pairs: allowed
    assert "errors" not in post(fixture_server, {"query": few}).json()
    assert_alive(fixture_server)


def test_fragments_that_double_at_each_level_are_refused_quickly(fixture_server: str) -> None:
    """Each fragment spreads the next twice: 20 levels in a few hundred tokens stand for
    2^20 fields. The limits' own walk stops at the expanded-field limit (it took 1.5 s at
    18 levels before it had one, doubling with each level) and says so."""
    levels = " ".join(f"fragment F{i} on Chip {{ vendor {{ chips {{ nodes {{ ...F{i + 1} }} }} }} "
                      f"maker: vendor {{ chips {{ nodes {{ ...F{i + 1} }} }} }} }}"
                      for i in range(20))
    query = "{ chips { nodes { ...F0 } } } " + levels + " fragment F20 on Chip { name }"
    started = time.monotonic()
    r = post(fixture_server, {"query": query})
    assert time.monotonic() - started < 30  # a bound on a hang, not a timing
    assert_clear_error(r, 400, "expanded field limit exceeded", "counting stopped")
    error = r.json()["errors"][0]["extensions"]
    assert error["limit"] == "expanded field" and error["valueIsLowerBound"] is True
    assert_alive(fixture_server)


def test_deeply_nested_fragments_are_refused_with_the_limit_named(fixture_server: str) -> None:
    """A chain of fragments each spreading the next: graphql-core's own check ends in a bare
    "Validation aborted." (a recursion error) past a few hundred; the limit names it."""
    chain = " ".join(f"fragment F{i} on Chip {{ ...F{i + 1} }}" for i in range(300))
    r = post(fixture_server, {"query": "{ chips { nodes { ...F0 } } } " + chain
                              + " fragment F300 on Chip { name }"})
    assert_clear_error(r, 400, "fragment nesting limit exceeded", "maximum 32")
    short = " ".join(f"fragment F{i} on Chip {{ ...F{i + 1} }}" for i in range(10))
    r = post(fixture_server, {"query": "{ chips(first: 1) { nodes { ...F0 } } } " + short
                              + " fragment F10 on Chip { name }"})
    assert r.status_code == 200 and "errors" not in r.json(), r.text
    assert_alive(fixture_server)


def test_a_ten_megabyte_body_is_refused(fixture_server: str) -> None:
    padding = "#" + "x" * (10 * 1024 * 1024) + "\n"
    r = post(fixture_server, {"query": padding + "{ graphVersion }"})
    assert_clear_error(r, 413, "body size limit exceeded")
    assert_alive(fixture_server)


def test_malformed_json_is_a_400(fixture_server: str) -> None:
    r = httpx.post(fixture_server + "/graphql", content=b'{"query": "{ graphVersion }"',
                   headers={"content-type": "application/json", "accept": GQL}, timeout=30)
    assert_clear_error(r, 400, "not valid JSON")
    assert_alive(fixture_server)


def test_wrong_variable_types_are_a_400(fixture_server: str) -> None:
    body = {"query": "query Q($n: Int) { chips(first: $n) { totalCount } }",
            "variables": {"n": "five"}}
    r = post(fixture_server, body)
    assert_clear_error(r, 400, "$n", "Int")
    assert "data" not in r.json()
    assert_alive(fixture_server)


def test_page_size_token_and_cost_limits(fixture_server: str) -> None:
    r = post(fixture_server, {"query": "{ chips(first: 1000) { totalCount } }"})
    assert_clear_error(r, 400, "page size limit exceeded", "by 900")
    many = "{ graphVersion " + "graphVersion " * 6000 + "}"
    assert_clear_error(post(fixture_server, {"query": many}), 400, "token limit exceeded")
    costly = ("{ chips(first: 100) { nodes { systems { components { chip { statements "
              "{ sources { title url } } } } } } } }")
    assert_clear_error(post(fixture_server, {"query": costly}), 400, "cost limit exceeded")
    assert_alive(fixture_server)


def test_validation_errors_use_200_with_json_and_400_with_graphql_response(
        fixture_server: str) -> None:
    body = {"query": "{ noSuchField }"}
    assert post(fixture_server, body, accept="application/json").status_code == 200
    assert_clear_error(post(fixture_server, body), 400, "noSuchField")


def test_mutations_over_get_are_refused(fixture_server: str) -> None:
    r = httpx.get(fixture_server + "/graphql", params={"query": "mutation { x }"},
                  headers={"accept": GQL}, timeout=30)
    assert r.status_code == 405 and r.headers["allow"] == "POST"


@pytest.mark.parametrize("body", [
    b'{"query": "{ __typename }", "variables": ' + b'{"a":' * 100_000 + b'1' + b'}' * 100_001,
    b'[' * 100_000 + b']' * 100_000,
], ids=["deep-variables", "deep-array"])
def test_deeply_nested_json_is_a_400_naming_the_limit(fixture_server: str, body: bytes) -> None:
    r = httpx.post(fixture_server + "/graphql", content=body, timeout=60,
                   headers={"content-type": "application/json", "accept": GQL})
    assert_clear_error(r, 400, "JSON nesting depth", "limit")
    assert_alive(fixture_server)
