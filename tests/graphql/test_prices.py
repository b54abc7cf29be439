"""Prices per unit, cloud hourly prices, system prices for chips sold inside systems, sourced
absences, and answers that are never silently wrong (tests/fixtures/pricing-graph: its round
numbers make each expected value a hand computation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pricing_support import Ask


def test_a_kit_price_is_divided_by_its_unit_count(ask: Ask) -> None:
    data = ask('''{ chip(id: "pt-accel") {
        price { value unit inputs { role value offer { unitCount } } }
        memoryPerDollar { value unit }
        offers { unitCount pricePerUnit { value } provider region instanceType } } }''')["chip"]
    assert data["price"]["value"] == pytest.approx(80000 / 8)
    roles = {i["role"]: i["value"] for i in data["price"]["inputs"]}
    assert roles == {"price": 80000.0, "unitCount": 8.0}
    assert data["memoryPerDollar"]["value"] == pytest.approx(96 / 10000)
    cloud = [o for o in data["offers"] if o["provider"]]
    on_demand = {"unitCount": 8, "pricePerUnit": {"value": 2.0}, "provider": "Pricetest Cloud",
                 "region": "test-1", "instanceType": "pt8.xlarge"}
    assert cloud == [on_demand, {**on_demand, "pricePerUnit": {"value": 1.0}}]


def test_cloud_hourly_prices_are_asked_for_and_named(ask: Ask) -> None:
    """The on-demand rate, although the chip's reserved rate is newer and cheaper."""
    data = ask('''{ chip(id: "pt-accel") {
        price(priceBasis: CLOUD_HOURLY) { value unit inputs { offer { offerKind { name } } } }
        flopsPerDollar(priceBasis: CLOUD_HOURLY) { value unit } } }''')["chip"]
    assert data["price"]["value"] == pytest.approx(2.0) and data["price"]["unit"] == "USD/h"
    assert data["price"]["inputs"][0]["offer"]["offerKind"]["name"] == "CloudHourly"
    assert data["flopsPerDollar"]["value"] == pytest.approx(1000 / 2.0)
    ranked = ask('''{ chips(priceBasis: CLOUD_HOURLY, where: {price: {isNull: false}}) {
        nodes { slug } } }''')["chips"]["nodes"]
    assert ranked == [{"slug": "pt-accel"}, {"slug": "pt-dual"}]


def test_a_vendor_list_price_is_a_purchase_price_after_the_launch_msrp(ask: Ask) -> None:
    data = ask('''{ chip(id: "pt-accel") { offers { id offerKind { name label } }
        price { value inputs { offer { id } } } } }''')["chip"]
    kinds = [(o["id"].rsplit("/", 1)[-1], o["offerKind"]["name"]) for o in data["offers"]]
    assert kinds == [("pt-accel-kit", "LaunchMSRP"), ("pt-accel-list", "ListPrice"),
                     ("pt-accel-cloud", "CloudHourly"), ("pt-accel-reserved", "CloudReserved")]
    assert data["offers"][1]["offerKind"]["label"] == "list price"
    assert data["price"]["value"] == pytest.approx(10000)
    assert data["price"]["inputs"][0]["offer"]["id"].endswith("/offer/pt-accel-kit")


def test_a_reserved_cloud_rate_is_used_only_where_there_is_no_on_demand_one() -> None:
    import datetime as dt

    from hwkg.derived.prices import CLOUD_KINDS, PriceBasis, offer_order, offers_of
    from hwkg.readmodel.catalog import Catalog, Concept, Offer

    def offer(kind: str, day: int) -> Offer:
        return Offer(f"o-{kind}", kind, kind, None, [], {}, offer_for_id="c",
                     offer_kind=Concept(kind, kind, kind), offer_date=dt.date(2025, 1, day),
                     rank="PREFERRED")

    reserved, on_demand = offer("CloudReserved", 9), offer("CloudHourly", 1)
    assert [o.slug for o in sorted([reserved, on_demand], key=offer_order)] == list(CLOUD_KINDS)
    cat = Catalog(version="v", multipliers={}, symbols={}, canonical={})
    cat.offers_for["c"] = [reserved]
    assert offers_of(cat, "c", PriceBasis.CLOUD_HOURLY) == [reserved]
    assert offers_of(cat, "c", PriceBasis.PURCHASE) == []


def test_purchase_offers_rank_launch_then_list_then_street_prices() -> None:
    import datetime as dt

    from hwkg.derived.prices import PURCHASE_KINDS, offer_order
    from hwkg.readmodel.catalog import Concept, Offer

    def offer(kind: str, day: int) -> Offer:
        return Offer(f"o-{kind}", kind, kind, None, [], {}, offer_kind=Concept(kind, kind, kind),
                     offer_date=dt.date(2025, 1, day), rank="PREFERRED")

    shuffled = [offer("StreetPrice", 3), offer("ListPrice", 2), offer("LaunchMSRP", 1)]
    assert [o.slug for o in sorted(shuffled, key=offer_order)] == list(PURCHASE_KINDS)
    assert PURCHASE_KINDS == ("LaunchMSRP", "ListPrice", "StreetPrice")


def test_a_chip_sold_only_inside_a_system_takes_its_price(ask: Ask) -> None:
    data = ask('''{ chip(id: "pt-soc") { price { value reason inputs { role entityId } }
        fitsModel(parameters: 40e9) { fits devices neededGb deviceGb } } }''')["chip"]
    # the box (4,000), not the dearer tower (7,000) whose IRI sorts first
    assert data["price"]["value"] == pytest.approx(4000)
    assert data["price"]["inputs"][0]["entityId"].endswith("/system/pt-box")
    # GPU-usable memory (96 GB), not the 128 GB of shared RAM, decides whether it fits
    assert data["fitsModel"] == {"fits": True, "devices": 1, "neededGb": 80.0, "deviceGb": 96.0}
    big = ask('{ chip(id: "pt-soc") { fitsModel(parameters: 60e9) { fits devices } } }')
    assert big["chip"]["fitsModel"] == {"fits": False, "devices": 2}


def test_a_machine_price_buys_the_memory_its_offer_states(ask: Ask) -> None:
    """The box's price buys its 64 GB base configuration, not the SoC's 128 GB maximum;
    bandwidth, which the offer does not state, is the chip's."""
    data = ask('''{ chip(id: "pt-soc") {
        memoryPerDollar { value inputs { role value offer { id } } }
        bandwidthPerDollar { value } } }''')["chip"]
    assert data["memoryPerDollar"]["value"] == pytest.approx(64 / 4000)
    memory = data["memoryPerDollar"]["inputs"][0]
    assert memory["role"] == "memoryCapacity" and memory["value"] == 64
    assert memory["offer"]["id"].endswith("/offer/pt-box-launch")
    assert data["bandwidthPerDollar"]["value"] == pytest.approx(800 / 4000)


def test_a_machine_price_that_states_no_memory_gives_no_memory_per_dollar(ask: Ask) -> None:
    """The kiosk's offer does not say which configuration it prices: memory per dollar is
    null with the reason, never the SoC's 32 GB over the kiosk's price; the price stands."""
    data = ask('''{ chip(id: "pt-soc-lite") { price { value }
        memoryPerDollar { value reason } bandwidthPerDollar { value } } }''')["chip"]
    assert data["price"]["value"] == pytest.approx(1000)
    assert data["memoryPerDollar"]["value"] is None
    reason = data["memoryPerDollar"]["reason"]
    assert "Pricetest SoC Lite" in reason and "does not state the memory" in reason, reason
    assert "Pricetest Kiosk" in reason, reason
    assert data["bandwidthPerDollar"]["value"] == pytest.approx(200 / 1000)


def test_a_missing_figure_is_explained_with_the_chip_and_the_figure(ask: Ask) -> None:
    data = ask('''{ chip(id: "pt-mystery") { flopsPerDollar { value reason }
        absences { property kind note sources { title } } } }''')["chip"]
    reason = data["flopsPerDollar"]["reason"]
    assert data["flopsPerDollar"]["value"] is None
    assert "Pricetest Mystery" in reason and "computeBF16" in reason and "no quantity" not in reason
    assert data["absences"] == [{"property": "computeBF16", "kind": "NotPublished",
                                 "note": "The datasheet lists no BF16 rate (fixture).",
                                 "sources": [{"title": "Pricetest datasheet (test fixture)"}]}]


def test_a_figure_not_found_is_not_a_stated_absence(ask: Ask, pricing_home: Path) -> None:
    """``hw:NotFound`` says what was searched, not that the vendor publishes nothing: the
    reason says so, and coverage counts the chip as having neither, unlike ``NotPublished``."""
    from hwkg.derived import coverage
    from hwkg.derived.figures import missing_figure
    from hwkg.loading.snapshot import load_snapshot
    from hwkg.readmodel import cached

    data = ask('{ chip(id: "pt-soc-lite") { absences { property kind note } } }')["chip"]
    assert data["absences"] == [{"property": "maxPower", "kind": "NotFound",
                                 "note": "The review read gives no power figure (fixture)."}]
    cat = cached.for_snapshot(load_snapshot(pricing_home))
    lite = next(c for c in cat.chips.values() if c.slug == "pt-soc-lite")
    reason = missing_figure(lite, "maxPower")
    assert "none was found in the sources read" in reason and "publishes no" not in reason
    rows = {(r.group, r.prop): r for r in coverage.report(cat)}
    assert "pt-soc-lite" in rows[("accelerator", "maxPower")].missing
    assert "pt-soc-lite" not in rows[("accelerator", "maxPower")].absent
    assert "pt-mystery" in rows[("accelerator", "computeBF16")].absent  # NotPublished counts


def test_filters_say_what_they_dropped_for_a_missing_value(ask: Ask) -> None:
    under = ask('''{ chips(where: {maxPower: {lt: 2000}}) { totalCount excludedMissing
        nodes { slug } } }''')["chips"]
    assert under["nodes"] == [{"slug": "pt-accel"}, {"slug": "pt-dual"}]
    assert under["excludedMissing"] == 3  # pt-mystery, pt-soc and pt-soc-lite have no power figure
    unknown = ask('{ chips(where: {maxPower: {isNull: true}}) { nodes { slug } } }')
    assert [n["slug"] for n in unknown["chips"]["nodes"]] == ["pt-mystery", "pt-soc", "pt-soc-lite"]


def test_an_order_item_with_two_keys_is_an_error(ask: Ask) -> None:
    answer = ask('{ chips(orderBy: [{computeBF16: DESC, maxPower: ASC}]) { nodes { slug } } }')
    assert answer["errors"] and "one key" in answer["errors"][0]
    assert "maxPower" in answer["errors"][0] and "computeBF16" in answer["errors"][0]
    fine = ask('{ chips(orderBy: [{computeBF16: DESC}, {maxPower: ASC}]) { nodes { slug } } }')
    assert fine["chips"]["nodes"][0] == {"slug": "pt-accel"}


def test_model_sizes_in_billions_are_refused_not_misread(ask: Ask) -> None:
    answer = ask('{ chip(id: "pt-accel") { devicesNeeded(parameters: 70) { value } } }')
    assert answer["errors"] and "count of parameters" in answer["errors"][0]
    ok = ask('{ chip(id: "pt-accel") { devicesNeeded(parameters: 70e9) { value } } }')
    assert ok["chip"]["devicesNeeded"]["value"] == 2  # 140 GB of weights over 96 GB devices


def test_launch_month_is_stated_with_its_precision(ask: Ask) -> None:
    data = ask('{ chip(id: "pt-accel") { launchDate launchDatePrecision altNames } }')["chip"]
    assert data == {"launchDate": "2024-05-01", "launchDatePrecision": "month",
                    "altNames": ["PT-ACCEL-96GB"]}


def test_an_approximate_amount_is_named_where_it_is_used(ask: Ask) -> None:
    soc = ask('''{ chip(id: "pt-soc") { price { value inputs { offer {
        id amountQualifier { name label } } } } } }''')["chip"]["price"]
    assert soc["value"] == pytest.approx(4000)
    used = [i["offer"] for i in soc["inputs"] if i["offer"]]
    assert used and used[0]["id"].endswith("/offer/pt-box-launch")
    assert used[0]["amountQualifier"] == {"name": "Approximate", "label": "approximate"}
    exact = ask('''{ chip(id: "pt-accel") { offers { amountQualifier { name } } } }''')
    assert [o["amountQualifier"] for o in exact["chip"]["offers"]] == [None] * 4
