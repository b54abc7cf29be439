"""Queries against a live server on the fixture graph (tests/fixtures/graphql-graph).

The fixture's round numbers (README there) make each derived metric a plain-number check:
memory per dollar = GB ÷ USD; prices in CNY convert at the rate nearest the offer date;
a package the host sees as 2 devices holds 64 GB per device; and so on.
"""

from __future__ import annotations

import json

import httpx
import pytest

from graphql_client import run

pytestmark = pytest.mark.server
ALPHA_PRICE = 10_000.0            # USD, launch MSRP
BETA_PRICE = 72_000.0 / 7.0       # CNY at the 2024-01-01 rate (nearer 2024-03-01 than June's)


def chip(url: str, slug: str, fields: str) -> dict:
    return run(url, f'{{ chip(id: "{slug}") {{ {fields} }} }}')["chip"]


def test_chip_by_slug_iri_and_prefixed_name(fixture_server: str) -> None:
    iri = "https://w3id.org/hwkg/id/chip/testco-alpha"
    for key in ("testco-alpha", "chip:testco-alpha", iri):
        assert chip(fixture_server, key, "id")["id"] == iri
    assert run(fixture_server, '{ chip(id: "no-such-chip") { id } }')["chip"] is None


def test_figures_carry_unit_source_rank_and_all_statements(fixture_server: str) -> None:
    c = chip(fixture_server, "testco-alpha", """
        memoryBandwidth { value unit unitIri rank source { title url date } }
        statements(property: "memoryBandwidth") { value unit rank rankReason }
        computeBF16 { value } sparse: computeBF16(sparse: true) { value sparsity { name } }""")
    assert c["memoryBandwidth"] == {
        "value": 2.0, "unit": "TB/s", "unitIri": "https://w3id.org/hwkg/unit/TeraBYTE-PER-SEC",
        "rank": "PREFERRED", "source": {"title": "Testco datasheet (test fixture)",
                                        "url": "https://example.org/testco/datasheet",
                                        "date": "2024-01-01"}}
    ranks = {s["rank"]: s for s in c["statements"]}
    assert set(ranks) == {"PREFERRED", "DEPRECATED"} and ranks["DEPRECATED"]["rankReason"]
    assert c["computeBF16"]["value"] == 400 and c["sparse"]["value"] == 800
    assert c["sparse"]["sparsity"]["name"] == "Sparse"


def test_per_dollar_metrics_and_their_inputs(fixture_server: str) -> None:
    c = chip(fixture_server, "testco-alpha", """
        memoryPerDollar { value unit reason inputs { role value unit
                                                    offer { id sources { url archivedAt } }
                                                    figure { id sources { archivedAt } } } }
        bandwidthPerDollar { value unit }
        flopsPerDollar(precision: BF16) { value unit }
        sparseFlops: flopsPerDollar(precision: BF16, sparse: true) { value }
        flopsPerWatt(precision: BF16) { value unit }
        bytesPerFlop(precision: BF16) { value unit }""")
    m = c["memoryPerDollar"]
    assert m["value"] == pytest.approx(80 / ALPHA_PRICE) and m["unit"] == "GB/USD"
    roles = {i["role"]: i for i in m["inputs"]}
    assert roles["memoryCapacity"]["figure"]["id"] and roles["price"]["value"] == ALPHA_PRICE
    assert roles["price"]["offer"]["sources"][0] == {  # the original, and the copy read
        "url": "https://example.org/testco/prices",
        "archivedAt": ["https://mirror.example.net/testco-prices"]}
    assert roles["memoryCapacity"]["figure"]["sources"][0]["archivedAt"] == []  # read at its url
    assert c["bandwidthPerDollar"]["value"] == pytest.approx(2000 / ALPHA_PRICE)
    assert c["flopsPerDollar"] == {"value": pytest.approx(400 / ALPHA_PRICE),
                                   "unit": "TFLOPS/USD"}
    assert c["sparseFlops"]["value"] == pytest.approx(800 / ALPHA_PRICE)
    assert c["flopsPerWatt"] == {"value": pytest.approx(1.0), "unit": "TFLOPS/W"}
    assert c["bytesPerFlop"]["value"] == pytest.approx(2e12 / 400e12)


def test_prices_in_another_currency_name_the_rate_used(fixture_server: str) -> None:
    c = chip(fixture_server, "testco-beta", """
        price { value unit inputs { role value rate { id rate rateDate } } }
        cny: price(currency: "CNY") { value unit }""")
    assert c["price"]["value"] == pytest.approx(BETA_PRICE) and c["price"]["unit"] == "USD"
    rate = [i["rate"] for i in c["price"]["inputs"] if i["rate"]][0]
    assert rate["rateDate"] == "2024-01-01" and rate["rate"] == 7.0
    assert c["cny"] == {"value": 72000.0, "unit": "CNY"}
    alpha = chip(fixture_server, "testco-alpha", 'flopsPerDollar(currency: "CNY") { value }')
    assert alpha["flopsPerDollar"]["value"] == pytest.approx(400 / (ALPHA_PRICE * 7.0))


def test_a_currency_without_a_direct_rate_goes_through_us_dollars(fixture_server: str) -> None:
    """Beta's CNY offer in euros: no CNY→EUR rate, so CNY→USD then USD→EUR, both named."""
    c = chip(fixture_server, "testco-beta", """
        eur: price(currency: "EUR") { value unit inputs { role value unit rate { id } } }""")
    assert c["eur"]["value"] == pytest.approx(BETA_PRICE * 0.9) and c["eur"]["unit"] == "EUR"
    rates = [(i["value"], i["unit"]) for i in c["eur"]["inputs"] if i["role"] == "exchangeRate"]
    assert rates == [(7.0, "CNY/USD"), (0.9, "EUR/USD")]


@pytest.mark.parametrize("code", ["ZZ", "usd ", "USD> . ?s ?p ?o } #", ""])
def test_a_currency_that_is_not_a_code_is_refused(fixture_server: str, code: str) -> None:
    query = ('{ chip(id: "testco-beta") { price(currency: ' + json.dumps(code)
             + ") { value } } }")
    answer = httpx.post(fixture_server + "/graphql", json={"query": query}, timeout=60).json()
    assert "three-letter ISO 4217 code" in answer["errors"][0]["message"], answer


def test_an_unknown_currency_code_says_which_rate_is_missing(fixture_server: str) -> None:
    c = chip(fixture_server, "testco-beta", 'price(currency: "ZZZ") { value unit reason }')
    assert c["price"]["value"] is None and c["price"]["unit"] == "ZZZ"
    assert "no exchange rate between CNY and ZZZ" in c["price"]["reason"]
    assert "http" not in c["price"]["reason"]


def test_missing_inputs_give_null_with_a_reason(fixture_server: str) -> None:
    c = chip(fixture_server, "testco-gamma", """
        memoryPerDollar { value reason } devicesNeeded(parameters: 65e9) { value reason }
        flopsPerWatt { value reason } fitsModel(parameters: 7e9) { fits reason }""")
    for metric in c.values():
        assert metric.get("value", metric.get("fits")) is None and metric["reason"]


def test_devices_needed_respects_host_devices(fixture_server: str) -> None:
    q = """devicesNeeded(parameters: 65e9) { value unit inputs { role value } }
           fitsModel(parameters: 30e9) { fits } big: fitsModel(parameters: 65e9) { fits }
           overhead: devicesNeeded(parameters: 50e9, overheadFraction: 0.5) { value }"""
    beta = chip(fixture_server, "testco-beta", q)
    # 65e9 × 2 B = 130 GB over 64 GB devices (the package is 128 GB but 2 host devices).
    assert beta["devicesNeeded"]["value"] == 3 and beta["devicesNeeded"]["unit"] == "devices"
    assert {i["role"] for i in beta["devicesNeeded"]["inputs"]} >= {"hostDevices",
                                                                   "memoryCapacity"}
    assert beta["fitsModel"]["fits"] is True and beta["big"]["fits"] is False
    assert beta["overhead"]["value"] == 3  # 150 GB / 64 GB
    alpha = chip(fixture_server, "testco-alpha", q)
    assert alpha["devicesNeeded"]["value"] == 2 and alpha["fitsModel"]["fits"] is True


def test_relative_to(fixture_server: str) -> None:
    c = chip(fixture_server, "testco-beta", """
        mem: relativeTo(chip: "testco-alpha", metric: MEMORY_CAPACITY) { value unit }
        bf16: relativeTo(chip: "testco-alpha", metric: COMPUTE, precision: BF16) { value }
        none: relativeTo(chip: "nope", metric: PRICE) { value reason }""")
    assert c["mem"] == {"value": pytest.approx(128 / 80), "unit": "×"}
    assert c["bf16"]["value"] == pytest.approx(380 / 400)
    assert c["none"]["value"] is None and c["none"]["reason"]


def slugs(data: dict) -> list[str]:
    return [n["slug"] for n in data["chips"]["nodes"]]


def test_filters_on_stored_derived_and_related_figures(fixture_server: str) -> None:
    def where(w: str) -> list[str]:
        return slugs(run(fixture_server, f"{{ chips(where: {w}) {{ nodes {{ slug }} }} }}"))

    assert where('{softwareStack: {name: {eq: "ROCm"}}, memoryBandwidth: {gte: 1000}}') == [
        "testco-beta"]
    assert where("{interconnect: {linkBandwidth: {gte: 600}}}") == ["testco-alpha"]
    assert where("{memoryPerDollar: {gt: 0.01}}") == ["testco-beta"]
    assert where("{flopsPerWatt: {precision: BF16, gte: 0.9}}") == ["testco-alpha"]
    assert where("{devicesNeeded: {parameters: 65e9, lte: 2}}") == ["testco-alpha"]
    assert where("{fitsModel: {parameters: 30e9}}") == ["testco-alpha", "testco-beta"]
    assert where('{kind: {eq: "CPU"}}') == ["testco-gamma"]
    assert where('{NOT: {kind: {eq: "CPU"}}}') == ["testco-alpha", "testco-beta"]
    assert where('{OR: [{name: {contains: "gamma"}}, {memoryCapacity: {in: [80]}}]}') == [
        "testco-alpha", "testco-gamma"]
    assert where('{AND: [{vendor: {name: {eq: "Testco"}}}, {maxPower: {lt: 450}}]}') == [
        "testco-alpha"]


def test_order_by_derived_metrics_puts_missing_values_last(fixture_server: str) -> None:
    def order(o: str) -> list[str]:
        return slugs(run(fixture_server, f"{{ chips(orderBy: {o}) {{ nodes {{ slug }} }} }}"))

    assert order("[{memoryPerDollar: DESC}]") == ["testco-beta", "testco-alpha", "testco-gamma"]
    assert order("[{memoryPerDollar: ASC}]") == ["testco-alpha", "testco-beta", "testco-gamma"]
    assert order("[{devicesNeeded: {parameters: 65e9}}]") == [
        "testco-alpha", "testco-beta", "testco-gamma"]
    assert order("[{flopsPerWatt: {precision: BF16}}]")[:2] == ["testco-alpha", "testco-beta"]


def test_pagination_is_stable_and_complete(fixture_server: str) -> None:
    q = """query P($after: String) { chips(orderBy: [{memoryType: ASC}], first: 2, after: $after)
           { totalCount edges { cursor node { slug } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    for _ in range(5):
        page = run(fixture_server, q, {"after": after})["chips"]
        assert page["totalCount"] == 3
        seen += [e["node"]["slug"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == ["testco-alpha", "testco-beta", "testco-gamma"]
    assert len(seen) == 3


def test_nested_traversal(fixture_server: str) -> None:
    c = chip(fixture_server, "testco-alpha", """
        vendor { name } softwareStacks { name } interconnects { name }
        memory { capacity { value } type { name } }
        systems { slug components { count chip { slug } } }
        benchmarkResults { id } offers { offerKind { name } sources { title } }""")
    assert c["vendor"]["name"] == "Testco" and c["softwareStacks"][0]["name"] == "TestStack"
    assert c["memory"] == {"capacity": {"value": 80.0}, "type": {"name": "HBM3"}}
    box8 = [s for s in c["systems"] if s["slug"] == "testco-box-8"][0]
    assert {(p["chip"]["slug"], p["count"]) for p in box8["components"]} == {
        ("testco-alpha", 8), ("testco-gamma", 2)}
    assert len(c["benchmarkResults"]) == 3
    assert [o["offerKind"]["name"] for o in c["offers"]] == ["LaunchMSRP", "CloudHourly"]


def test_system_metrics(fixture_server: str) -> None:
    data = run(fixture_server, """{ systems(orderBy: [{acceleratorCount: ASC}]) { nodes {
        slug acceleratorCount totalAcceleratorMemory { value unit }
        aggregateBandwidth { value unit } price { value reason } } } }""")
    by = {n["slug"]: n for n in data["systems"]["nodes"]}
    assert [n["slug"] for n in data["systems"]["nodes"]] == [
        "testco-box-1", "testco-box-8", "testco-box-64"]
    assert by["testco-box-8"]["totalAcceleratorMemory"] == {"value": 640.0, "unit": "GB"}
    assert by["testco-box-8"]["aggregateBandwidth"] == {"value": 16000.0, "unit": "GB/s"}
    assert by["testco-box-8"]["price"]["value"] is None  # the host CPU has no price
    assert by["testco-box-8"]["price"]["reason"]
    assert by["testco-box-64"]["price"]["value"] == 64 * ALPHA_PRICE


def test_benchmark_result_metrics(fixture_server: str) -> None:
    data = run(fixture_server, """{
        big: benchmarkResult(id: "test-train-64") {
            speedupOver(other: "test-train-8") { value unit }
            scalingEfficiency(other: "test-train-8") { value inputs { role value } } }
        small: benchmarkResult(id: "test-train-8") {
            scalingEfficiency(other: "test-train-64") { value } }
        odd: benchmarkResult(id: "test-train-64") { speedupOver(other: "test-matmul-1") { reason } }
        mm: benchmarkResult(id: "test-matmul-1") {
            measuredVsPeak { value unit inputs { role value } } }
        filtered: benchmarkResults(where: {measuredVsPeak: {gte: 0.5}}) { nodes { id } } }""")
    assert data["big"]["speedupOver"] == {"value": pytest.approx(120 / 20), "unit": "×"}
    assert data["big"]["scalingEfficiency"]["value"] == pytest.approx((120 / 20) / (64 / 8))
    assert data["small"]["scalingEfficiency"]["value"] == pytest.approx((120 / 20) / (64 / 8))
    assert data["odd"]["speedupOver"]["reason"]
    assert data["mm"]["measuredVsPeak"]["value"] == pytest.approx(300 / 400)
    assert [n["id"].rsplit("/", 1)[-1] for n in data["filtered"]["nodes"]] == ["test-matmul-1"]


def test_named_connections(fixture_server: str) -> None:
    data = run(fixture_server, """{
        vendors { totalCount nodes { name nameZh } }
        softwareStacks(where: {name: {eq: "ROCm"}}) { nodes { name chips { slug } } }
        interconnects { nodes { name linkBandwidth { value unit direction { name } } } }
        sources(orderBy: [{name: DESC}]) { totalCount nodes { title } } }""")
    assert data["vendors"]["nodes"] == [{"name": "Testco", "nameZh": "测试公司"}]
    assert data["softwareStacks"]["nodes"][0]["chips"] == [{"slug": "testco-beta"}]
    link = data["interconnects"]["nodes"][0]["linkBandwidth"]
    assert link == {"value": 300.0, "unit": "GB/s", "direction": {"name": "Bidirectional"}}
    assert data["sources"]["totalCount"] == 2
