"""The issue's four example questions, each one query, asked by a real client (gql).

On the fixture graph the answers are checked against plain numbers. On the bundled graph
(which grows as data is added) they are checked against the graph itself: the inputs each
answer names are looked up in the store with SPARQL, and the arithmetic is redone here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from gql import Client, gql
from gql.transport.requests import RequestsHTTPTransport

from hwkg.core.namespaces import HWT
from hwkg.loading.snapshot import Snapshot, load_snapshot
from queries_support import (
    DEVICES_FOR_65B_FP16,
    MEASURED_VS_DATASHEET_BF16,
    ROCM_AT_LEAST_1_TBPS,
    TOP_FIVE_MEMORY_PER_DOLLAR,
)

pytestmark = pytest.mark.server

def client(base: str) -> Client:
    transport = RequestsHTTPTransport(url=base + "/graphql", timeout=60)
    return Client(transport=transport, fetch_schema_from_transport=True)


def ask(base: str, query: str, **variables: Any) -> Any:
    request = gql(query)
    request.variable_values = variables or None
    with client(base) as session:
        return session.execute(request)


# ----------------------------------------------------------------- the fixture graph


def test_examples_on_the_fixture_graph(fixture_server: str) -> None:
    top = ask(fixture_server, TOP_FIVE_MEMORY_PER_DOLLAR)["chips"]["nodes"]
    assert [n["name"] for n in top] == ["Testco Beta", "Testco Alpha"]
    assert top[0]["memoryPerDollar"]["value"] == pytest.approx(128 / (72000 / 7.0))
    offer = [i["offer"] for i in top[1]["memoryPerDollar"]["inputs"] if i["offer"]][0]
    assert offer["sources"][0]["url"] == "https://example.org/testco/prices"

    rocm = ask(fixture_server, ROCM_AT_LEAST_1_TBPS)["chips"]
    assert [n["name"] for n in rocm["nodes"]] == ["Testco Beta"]

    hold = ask(fixture_server, DEVICES_FOR_65B_FP16)["chips"]["nodes"]
    assert [(n["name"], n["devicesNeeded"]["value"]) for n in hold] == [
        ("Testco Alpha", 2), ("Testco Beta", 3), ("Testco Gamma", None)]

    measured = ask(fixture_server, MEASURED_VS_DATASHEET_BF16, chip="testco-alpha")["chip"]
    bf16 = [r for r in measured["benchmarkResults"] if r["benchmark"]["measures"] == "computeBF16"]
    assert len(bf16) == 1 and bf16[0]["measuredVsPeak"]["value"] == pytest.approx(300 / 400)


# ----------------------------------------------------------------- the bundled graph


@pytest.fixture(scope="module")
def current(live_server: str) -> Iterator[Snapshot]:
    """The bundled graph as the live server has it (skips if it changed since the start)."""
    snap = load_snapshot()
    served = httpx.get(live_server + "/health", timeout=10).json()["version"]
    if served != snap.version:
        pytest.skip("graph/ changed while the tests ran; rerun for a consistent comparison")
    yield snap


def sparql_values(snap: Snapshot, query: str) -> list[tuple[Any, ...]]:
    return [tuple(term.value if term is not None else None for term in row)
            for row in snap.store.query(query, use_default_graph_as_union=True)]


def truthy(snap: Snapshot, prop: str) -> dict[str, float]:
    rows = sparql_values(snap, f"SELECT ?s ?v WHERE {{ ?s <{HWT[prop]}> ?v }}")
    return {s: float(Decimal(v)) for s, v in rows}


def test_top_five_memory_per_dollar_on_the_graph(live_server: str, current: Snapshot) -> None:
    nodes = ask(live_server, TOP_FIVE_MEMORY_PER_DOLLAR)["chips"]["nodes"]
    memory = truthy(current, "memoryCapacity")
    amounts = dict(sparql_values(current, "PREFIX hw: <https://w3id.org/hwkg/ontology#> "
                                 "SELECT ?o ?a WHERE { ?o a hw:Offer ; hw:amount ?a }"))
    assert amounts, "the bundled graph has offers (graph/offers/)"
    assert 1 <= len(nodes) <= 5
    values = [n["memoryPerDollar"]["value"] for n in nodes]
    assert values == sorted(values, reverse=True)
    for n in nodes:
        inputs = {i["role"]: i for i in n["memoryPerDollar"]["inputs"]}
        offer = inputs["price"]["offer"]
        assert float(Decimal(amounts[offer["id"]])) == offer["amount"]
        assert offer["sources"] and all(s["url"] for s in offer["sources"])
        usd = offer["amount"]
        if offer["currency"] != "USD":
            rate = inputs["exchangeRate"]["rate"]
            usd = usd / rate["rate"] if rate["fromCurrency"] == "USD" else usd * rate["rate"]
        # The memory the price buys: the offer's configuration where it states one.
        bought = inputs["memoryCapacity"]["offer"]
        held = memory[bought["id"]] if bought else memory[n["id"]]
        assert n["memoryPerDollar"]["value"] == pytest.approx(held / usd)
    # Nothing priced outside the top five beats the fifth.
    everyone = ask(live_server, TOP_FIVE_MEMORY_PER_DOLLAR.replace("first: 5", "first: 100"))
    rest = [n["memoryPerDollar"]["value"] for n in everyone["chips"]["nodes"][len(nodes):]]
    assert all(v <= values[-1] for v in rest)


def test_memory_per_dollar_is_the_memory_the_price_buys(live_server: str,
                                                         current: Snapshot) -> None:
    """A unified-memory chip priced through a machine (a Mac's starting price): the memory of
    the configuration the offer prices, never the chip's maximum over the cheapest price."""
    rows = sparql_values(current, """
        PREFIX hw: <https://w3id.org/hwkg/ontology#>
        SELECT DISTINCT ?chip WHERE { ?chip hw:unifiedMemory true ;
            ^hw:componentChip/^hw:component/^hw:offerFor ?offer }""")
    chips = sorted(r[0] for r in rows)
    memory = truthy(current, "memoryCapacity")
    stated, unknown = 0, 0
    for chip in chips:
        got = ask(live_server, """query($id: ID!) { chip(id: $id) {
            memoryPerDollar { value reason inputs { role value offer { id } } }
            price { value inputs { entityId offer { id } } } } }""", id=chip)["chip"]
        per, cost = got["memoryPerDollar"], got["price"]
        if cost["value"] is None:
            continue
        offer = cost["inputs"][0]["offer"]["id"]
        if offer in memory:
            stated += 1
            assert per["value"] == pytest.approx(memory[offer] / cost["value"])
            held = [i for i in per["inputs"] if i["role"] == "memoryCapacity"]
            assert held and held[0]["offer"] == {"id": offer}
        elif cost["inputs"][0]["entityId"] != chip and chip in memory:  # via a machine
            unknown += 1
            assert per["value"] is None
            assert "does not state the memory" in per["reason"], per
    # Every bundled machine offer now states its memory; the null case (an offer that does
    # not) is tested on the pricing fixture (test_prices.py).
    assert stated, (stated, unknown)


def test_rocm_chips_with_at_least_1_tbps_on_the_graph(live_server: str,
                                                      current: Snapshot) -> None:
    got = {n["id"] for n in ask(live_server, ROCM_AT_LEAST_1_TBPS)["chips"]["nodes"]}
    rows = sparql_values(current, """
        PREFIX hw: <https://w3id.org/hwkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?chip WHERE {
            ?chip hw:softwareStack ?s . ?s a hw:SoftwareStack ; rdfs:label ?name .
            FILTER (LANGMATCHES(LANG(?name), "en") && CONTAINS(LCASE(STR(?name)), "rocm"))
            ?chip <https://w3id.org/hwkg/truthy/memoryBandwidth> ?gbps .
            FILTER (?gbps >= 1000) }""")
    assert got == {r[0] for r in rows}


def test_devices_for_a_65b_fp16_model_on_the_graph(live_server: str, current: Snapshot) -> None:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = ask(live_server, DEVICES_FOR_65B_FP16, after=after)["chips"]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(nodes) == page["totalCount"] > 0
    memory = truthy(current, "memoryCapacity")
    checked = 0
    for n in nodes:
        metric = n["devicesNeeded"]
        if n["id"] not in memory:
            assert metric["value"] is None and metric["reason"]
            continue
        device = [i for i in metric["inputs"] if i["role"] in ("memoryCapacity", "gpuUsableMemory")]
        hosts = [i["value"] for i in metric["inputs"] if i["role"] == "hostDevices"]
        used = device[0]["figure"]
        per_die = used["scope"] is not None and used["scope"]["name"] == "PerDie"
        gb = (memory[n["id"]] / (hosts[0] if hosts else 1) if not per_die and
              device[0]["role"] == "memoryCapacity" else None)
        if gb is not None:
            assert metric["value"] == math.ceil(round(130 / gb, 9)), n["name"]
            checked += 1
        else:
            assert metric["value"] >= 1
    assert checked > 0


def test_h100_measured_vs_datasheet_bf16_on_the_graph(live_server: str,
                                                      current: Snapshot) -> None:
    chip = ask(live_server, MEASURED_VS_DATASHEET_BF16, chip="nvidia-h100-sxm5-80gb")["chip"]
    assert chip is not None and chip["computeBF16"]["unit"] == "TFLOPS"
    peak = chip["computeBF16"]["value"]
    measured = [r for r in chip["benchmarkResults"] if r["benchmark"]["measures"] == "computeBF16"]
    assert measured, "the measured H100 SXM5 system has a BF16 matrix-product result"
    for r in measured:
        only_h100 = all(c["chip"]["id"].endswith("/nvidia-h100-sxm5-80gb")
                        for c in r["system"]["components"])
        if only_h100 and r["result"]["unit"] == "TFLOPS":
            expected = r["result"]["value"] / (peak * r["system"]["acceleratorCount"])
            assert r["measuredVsPeak"]["value"] == pytest.approx(expected)
        assert r["measuredVsPeak"]["value"] is None or 0 < r["measuredVsPeak"]["value"] < 1.5


def test_relative_memory_on_the_graph(live_server: str, current: Snapshot) -> None:
    """E.g. the M2 Ultra's memory ÷ an RTX 4090's, checked against the truthy triples."""
    memory = truthy(current, "memoryCapacity")
    ids = {i.rsplit("/", 1)[-1]: i for i in memory}
    pair = ("apple-m2-ultra", "nvidia-geforce-rtx-4090")
    if not all(p in ids for p in pair):
        pair = tuple(sorted(ids)[:2])  # type: ignore[assignment]
    assert len(pair) == 2, "fewer than two chips with a memory capacity"
    data = ask(live_server, """query R($a: ID!, $b: ID!) { chip(id: $a) {
        relativeTo(chip: $b, metric: MEMORY_CAPACITY) { value unit } } }""",
               a=pair[0], b=pair[1])
    expected = memory[ids[pair[0]]] / memory[ids[pair[1]]]
    assert data["chip"]["relativeTo"] == {"value": pytest.approx(expected), "unit": "×"}
