"""Sorted lists are kept per graph version: answers equal a fresh catalog's, whatever was
asked before, and the memo keeps at most ORDERS_KEPT orders (TABLES_KEPT metric tables)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hwkg.derived.figures import TABLES_KEPT
from hwkg.graphql.ordering import ORDERS_KEPT
from hwkg.graphql.schema import schema
from hwkg.loading.snapshot import load_snapshot
from hwkg.readmodel import cached
from hwkg.readmodel import catalog as C

QUERIES = [
    '{ chips(orderBy: [{memoryPerDollar: DESC}], first: 50) { totalCount nodes { slug } } }',
    '{ chips(orderBy: [{memoryPerDollar: DESC}], where: {maxPower: {lt: 2000}}, first: 50) '
    '{ totalCount excludedMissing nodes { slug } } }',
    '{ chips(orderBy: [{maxPower: ASC}, {memoryCapacity: DESC}], first: 50) { nodes { slug } } }',
    '{ chips(priceBasis: CLOUD_HOURLY, orderBy: [{memoryPerDollar: DESC}], first: 50) '
    '{ nodes { slug } } }',
    '{ chips(where: {NOT: {vendor: {name: {contains: "x"}}}}, first: 50) { nodes { slug } } }',
]


def run(catalog: C.Catalog, query: str) -> Any:
    result = schema().execute_sync(query, context_value={"catalog": catalog})
    assert not result.errors, result.errors
    return result.data


def test_kept_orders_give_a_fresh_catalogs_answers(pricing_home: Path) -> None:
    snapshot = load_snapshot(pricing_home)
    warm = cached.for_snapshot(snapshot)
    for query in QUERIES + QUERIES[::-1]:  # each order asked again after the others
        fresh = C.of_store(snapshot.store, snapshot.version)
        expected = run(fresh, query)
        assert expected["chips"]["nodes"], query
        assert run(warm, query) == expected, query


def test_the_memo_keeps_a_bounded_number_of_orders(pricing_home: Path) -> None:
    catalog = cached.for_snapshot(load_snapshot(pricing_home))
    for n in range(TABLES_KEPT + 10):
        run(catalog, f'{{ chips(orderBy: [{{devicesNeeded: {{parameters: {1e9 + n}}}}}]) '
                     '{ nodes { slug } } }')
    orders = catalog.memo[("kept", "order")]
    assert len(orders) == ORDERS_KEPT
    # each model size made a metric table too: those are bounded the same way
    tables = catalog.memo[("kept", "metric")]
    assert len(tables) == TABLES_KEPT
