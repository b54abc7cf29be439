"""Schema-driven GraphQL fuzzing of a live server: never a 5xx, never a trace, always a
well-formed GraphQL response.

Queries come from the committed schema (``api/hwkg/graphql/schema.graphql``) through
hypothesis-graphql: valid ones (every field and argument the schema has, random argument
values, ``Date`` as ISO dates or nonsense) and, in a second test, ones that break the schema
(wrong types, missing required arguments: hypothesis-graphql's negative mode). Each goes by
GET or POST with either GraphQL media type. ``HWKG_FUZZ_EXAMPLES`` cases per test, 150 in
CI, 10,000 from ``bench/fuzz.py``.

A well-formed response (GraphQL over HTTP): a JSON object with ``data`` and/or ``errors``
and nothing else but ``extensions``; ``errors`` a non-empty list of objects each with a
string ``message``; status 200, or 4xx for a request error (then no ``data``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import graphql
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema

from fuzz_support import FUZZ, count, report
from ops_support import no_stack_trace

pytestmark = pytest.mark.server
SCHEMA = (Path(__file__).resolve().parents[2] / "api" / "hwkg" / "graphql" /
          "schema.graphql").read_text(encoding="utf-8")
DATES = st.one_of(st.dates().map(lambda d: d.isoformat()),
                  st.sampled_from(["2024-13-45", "", "yesterday", "0000-00-00", "2024-02-30"]))
SCALARS = {"Date": DATES.map(lambda text: graphql.StringValueNode(value=text))}
MEDIA = ["application/graphql-response+json", "application/json"]


@pytest.fixture(scope="module", autouse=True)
def cases_tried(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    report(request)


def send(base: str, query: str, how: str, accept: str) -> httpx.Response:
    headers = {"accept": accept}
    if how == "get":
        return httpx.get(base + "/graphql", params={"query": query}, headers=headers,
                         timeout=120)
    return httpx.post(base + "/graphql", json={"query": query}, headers=headers, timeout=120)


def assert_well_formed(response: httpx.Response, query: str) -> None:
    """The response contract in the module's docstring."""
    context = (query[:500], response.status_code, response.text[:800])
    assert response.status_code < 500, context
    assert no_stack_trace(response.text), context
    body = json.loads(response.text)
    assert isinstance(body, dict) and ("data" in body or "errors" in body), context
    assert set(body) <= {"data", "errors", "extensions"}, context
    if "errors" in body:
        errors = body["errors"]
        assert isinstance(errors, list) and errors, context
        assert all(isinstance(e, dict) and isinstance(e.get("message"), str) for e in errors), \
            context
        assert not any("Traceback" in e["message"] for e in errors), context
    if response.status_code == 200:
        assert "data" in body or "errors" in body, context
    else:
        assert 400 <= response.status_code < 500 and "data" not in body, context


@FUZZ
@given(from_schema(SCHEMA, custom_scalars=SCALARS), st.sampled_from(["get", "post"]),
       st.sampled_from(MEDIA))
def test_schema_queries_get_well_formed_answers(fixture_server: str, query: str, how: str,
                                                accept: str) -> None:
    count(f"{__name__}::test_schema_queries_get_well_formed_answers")
    assert_well_formed(send(fixture_server, query, how, accept), query)


@FUZZ
@given(from_schema(SCHEMA, custom_scalars=SCALARS, mode=Mode.NEGATIVE),
       st.sampled_from(["get", "post"]), st.sampled_from(MEDIA))
def test_schema_breaking_queries_get_well_formed_errors(fixture_server: str, query: str,
                                                        how: str, accept: str) -> None:
    count(f"{__name__}::test_schema_breaking_queries_get_well_formed_errors")
    response = send(fixture_server, query, how, accept)
    assert_well_formed(response, query)


def test_the_fuzzed_schema_is_the_served_one(fixture_server: str) -> None:
    """The committed SDL the fuzzer reads is what the server answers introspection with."""
    served = graphql.build_client_schema(httpx.post(
        fixture_server + "/graphql", json={"query": graphql.get_introspection_query()},
        timeout=60).json()["data"])
    committed = graphql.build_schema(SCHEMA)
    assert sorted(served.type_map) == sorted(committed.type_map)
