"""The response cache is keyed on the graph version: a reload changes the answer at once.

In-process (the app with a real GraphHolder swap, as a reload does), since a live server's
graph only changes on a reload.
"""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from hwkg.app import create_app
from hwkg.core.settings import Settings
from hwkg.graphql.cache import BoundedLRU, ResponseCache, make_key
from hwkg.loading.snapshot import GraphHolder, Snapshot, load_snapshot

PACKAGE = Path(__file__).resolve().parents[2] / "api" / "hwkg" / "graphql"


def test_a_reload_changes_the_cached_answer(snapshot: Snapshot, fixture_home: Path) -> None:
    other = load_snapshot(fixture_home)
    body = {"query": "{ graphVersion chips { totalCount } }"}
    app = create_app(Settings(), snapshot=snapshot)
    app.state.graph = GraphHolder(snapshot)  # what the lifespan does

    async def ask() -> Any:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return (await client.post("/graphql", json=body)).json()["data"]

    first = asyncio.run(ask())
    assert asyncio.run(ask()) == first
    app.state.graph.swap(other)
    after = asyncio.run(ask())
    assert first["graphVersion"] == snapshot.version
    assert after == {"graphVersion": other.version, "chips": {"totalCount": 3}}


def test_cache_key_ignores_variable_order_and_evicts_oldest() -> None:
    a = make_key("v1", "q", {"x": 1, "y": 2}, None, "json")
    assert a == make_key("v1", "q", {"y": 2, "x": 1}, None, "json")
    assert a != make_key("v2", "q", {"x": 1, "y": 2}, None, "json")
    cache = ResponseCache(size=2)
    for i in range(3):
        cache.put(make_key("v", str(i), None, None, "json"), (200, b"%d" % i))
    assert cache.get(make_key("v", "0", None, None, "json")) is None
    assert cache.get(make_key("v", "2", None, None, "json")) == (200, b"2")


def test_resolvers_never_touch_the_rdf_store() -> None:
    """The GraphQL package reads the catalog only: no rdflib / pyoxigraph import in it."""
    for module in PACKAGE.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(("rdflib", "pyoxigraph")), f"{module.name}: {name}"


@pytest.mark.server
def test_a_live_reload_is_served_by_graphql_at_once(tmp_path: Path) -> None:
    """Against a live server: a repeated (cached) query answers the new graph after a reload."""
    from ops_support import CHIP_FILE, TOKEN, make_home, start

    home = make_home(tmp_path / "home")
    server = start(home, tmp_path / "server.log", env={"HWKG_ADMIN_TOKEN": TOKEN})
    body = {"query": '{ graphVersion chips { nodes { maxPower { value unit } } } }'}
    try:
        def ask() -> Any:
            r = httpx.post(server.url + "/graphql", json=body, timeout=30)
            assert r.status_code == 200, r.text
            return r.json()["data"]

        before = ask()
        assert ask() == before  # answered from the cache the second time
        powers = [n["maxPower"]["value"] for n in before["chips"]["nodes"] if n["maxPower"]]
        assert 700.0 in powers
        path = home / "graph" / CHIP_FILE
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("hw:value 700 ; hw:unit unit:W",
                                     "hw:value 650 ; hw:unit unit:W"), encoding="utf-8")
        r = httpx.post(server.url + "/admin/reload",
                       headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
        assert r.status_code == 200, r.text
        after = ask()
        assert after["graphVersion"] != before["graphVersion"]
        assert 650.0 in [n["maxPower"]["value"] for n in after["chips"]["nodes"] if n["maxPower"]]
    finally:
        server.stop()


def test_unexpected_resolver_errors_reach_clients_without_details() -> None:
    from graphql import ExecutionResult, GraphQLError

    from hwkg.graphql.endpoint import masked

    boom = GraphQLError("division by zero in /srv/hwkg/x.py", path=["chip"],
                        original_error=ZeroDivisionError("secret"))
    mine = GraphQLError("invalid cursor 'x'", path=["chips"])
    out = masked(ExecutionResult(data={"chip": None}, errors=[boom, mine]))
    assert [e["message"] for e in out["errors"]] == ["internal error", "invalid cursor 'x'"]
    assert out["errors"][0]["path"] == ["chip"] and "secret" not in str(out)


def _counting_validate(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count graphql-core validation runs made by the endpoint."""
    from hwkg.graphql import documents

    calls: list[int] = []
    real = documents.validate

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(documents, "validate", counted)
    monkeypatch.setattr(documents, "VALID", documents.ValidDocuments())
    monkeypatch.setattr(documents, "DOCUMENTS", BoundedLRU(1024, 400_000, lambda k, _v: len(k[0])))
    return calls


def test_a_new_text_of_a_validated_document_is_not_validated_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from hwkg.graphql.documents import parsed, validated

    calls = _counting_validate(monkeypatch)
    query = "{ chips(first: 2) { nodes { name } } }"
    texts = [query, f"# a comment\n{query}", query.replace(" ", "\n  ") + " # end",
             "query { chips(first: 2) { nodes { name, } } }", query]
    for text in texts:
        assert validated(parsed(text, 5000)) == ()
    assert len(calls) == 1
    other = "{ chips(first: 3) { nodes { name } } }"  # another document: validated
    assert validated(parsed(other, 5000)) == ()
    assert len(calls) == 2


def test_invalid_documents_are_checked_per_text_with_their_own_locations(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from hwkg.graphql.documents import parsed, validated

    calls = _counting_validate(monkeypatch)
    query = "{ chips { nodes { nosuchfield } } }"
    assert validated(parsed("{ chips { nodes { name } } }", 5000)) == ()
    first = validated(parsed(query, 5000))
    moved = validated(parsed("\n\n" + query, 5000))
    assert validated(parsed(query, 5000)) == first  # the same text: its errors kept
    assert first and moved and len(calls) == 3
    assert "nosuchfield" in first[0].message
    assert first[0].locations is not None and moved[0].locations is not None
    assert moved[0].locations[0].line == first[0].locations[0].line + 2


def test_valid_documents_are_bounded() -> None:
    from graphql import parse, print_ast

    from hwkg.graphql.documents import ValidDocuments

    valid = ValidDocuments(size=2)
    docs = [parse(f"{{ chips(first: {n}) {{ totalCount }} }}") for n in (1, 2, 3)]
    for doc in docs:
        assert valid.errors(doc) == ()
    assert len(valid.forms) == 2 and print_ast(docs[0]) not in valid.forms


def test_bounded_lru_keeps_to_its_weight_budget() -> None:
    cache: BoundedLRU[str, bytes] = BoundedLRU(size=10, budget=100, weigh=lambda _k, v: len(v))
    for i in range(5):
        cache.put(f"k{i}", b"x" * 30)
    assert cache.weight <= 100 and len(cache) == 3  # the two oldest went for the weight
    assert cache.get("k0") is None and cache.get("k4") == b"x" * 30
    cache.put("huge", b"x" * 101)  # heavier than the whole budget: not kept, nothing evicted
    assert "huge" not in cache and len(cache) == 3
    cache.put("k4", b"y")  # replacing an entry replaces its weight
    assert cache.weight == 61


def test_response_cache_is_bounded_by_bytes() -> None:
    cache = ResponseCache(size=100, budget=1_000)
    for i in range(10):
        cache.put(make_key("v", str(i), None, None, "json"), (200, b"x" * 300))
    assert cache.weight <= 1_000 and len(cache) == 3


def test_large_distinct_documents_do_not_grow_the_parse_cache_past_its_budget(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A client sending many distinct large documents (each rejected later by the limits)
    cannot make the endpoint keep their syntax trees beyond the budget."""
    from hwkg.graphql import documents

    calls = _counting_validate(monkeypatch)
    fields = " ".join(f"a{i}: name" for i in range(1200))  # over the alias limit, still parsed
    for k in range(60):
        documents.parsed(f"{{ chips(first: 1) {{ nodes {{ {fields} }} }} }} # {k}", 5000)
    assert documents.DOCUMENTS.weight <= 400_000
    assert 0 < len(documents.DOCUMENTS) < 60
    assert not calls  # parsing alone validates nothing


def test_a_document_over_the_limits_is_refused_before_validation(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """graphql-core's rules cost ~50 ms on 1,200 aliases; the alias limit answers first."""
    from hwkg.graphql import endpoint
    from hwkg.graphql.query_limits import LIMITS

    calls = _counting_validate(monkeypatch)
    fields = " ".join(f"a{i}: name" for i in range(1200))
    params = endpoint.Params(f"{{ chips(first: 1) {{ nodes {{ {fields} }} }} }}", None, None)
    with pytest.raises(endpoint.RequestError) as refused:
        endpoint.prepare(params, "POST", LIMITS)
    assert refused.value.status == 400 and "alias" in refused.value.errors[0]["message"]
    assert not calls
