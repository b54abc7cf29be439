"""The in-memory read model: built from the store, agrees with the graph and the truthy triples."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from hwkg.core.namespaces import CUR, GRAPH_TRUTHY, HW, HWT, UNIT
from hwkg.derived import figures as D
from hwkg.loading.snapshot import Snapshot, load_snapshot
from hwkg.readmodel import cached


@pytest.fixture(scope="module")
def fixture_snapshot(fixture_home: Path) -> Snapshot:
    return load_snapshot(fixture_home)


def test_every_typed_chip_in_the_data_is_in_the_catalog(snapshot: Snapshot) -> None:
    cat = cached.for_snapshot(snapshot)
    chip_classes = {str(HW.Chip)} | {
        str(r[0].value) for r in snapshot.store.query(
            "SELECT ?c WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
            f"<{HW.Chip}> }}", use_default_graph_as_union=True)}
    rows = snapshot.store.query("SELECT DISTINCT ?s ?t WHERE { ?s a ?t }",
                                use_default_graph_as_union=True)
    chips = {r[0].value for r in rows if r[1].value in chip_classes}
    assert chips, "the bundled graph has no chips"
    assert chips == set(cat.chips)


def test_preferred_figures_agree_with_truthy_triples(snapshot: Snapshot) -> None:
    """The catalog's preferred dense value, converted with the unit data, equals hwt:<prop>."""
    cat = cached.for_snapshot(snapshot)
    rows = snapshot.store.query(
        f"SELECT ?s ?p ?v WHERE {{ GRAPH <{GRAPH_TRUTHY}> {{ ?s ?p ?v }} }}")
    checked = 0
    for s, p, v in rows:
        entity = cat.chips.get(s.value)
        prop = p.value[len(str(HWT)):]
        if entity is None or prop.startswith("linkBandwidth"):
            continue
        sparse, per_direction = prop.endswith("Sparse"), prop.endswith("PerDirection")
        prop = prop.removesuffix("Sparse").removesuffix("PerDirection")
        fig = D.best(entity, prop, sparse=sparse, per_direction=per_direction)
        assert fig is not None, (s.value, prop)
        value = cat.convert(fig.value, fig.unit_iri, cat.canonical[prop])
        assert value == pytest.approx(float(Decimal(v.value)), rel=1e-9), (s.value, prop)
        checked += 1
    assert checked > 0


def test_conversion_factors_come_from_the_unit_vocabulary(snapshot: Snapshot) -> None:
    cat = cached.for_snapshot(snapshot)
    rows = snapshot.store.query(
        "SELECT ?u ?m WHERE { ?u <https://w3id.org/hwkg/unit/multiplier> ?m }",
        use_default_graph_as_union=True)
    found = {r[0].value: float(Decimal(r[1].value)) for r in rows}
    assert found and found == cat.multipliers
    gb, gib = str(UNIT.GigaBYTE), str(UNIT.GibiBYTE)
    assert cat.convert(1, gib, gb) == pytest.approx(found[gib] / found[gb])


def test_catalog_is_built_once_per_version(snapshot: Snapshot) -> None:
    assert cached.for_snapshot(snapshot) is cached.for_snapshot(snapshot)


def test_fixture_catalog_contents(fixture_snapshot: Snapshot) -> None:
    cat = cached.for_snapshot(fixture_snapshot)
    assert {c.slug for c in cat.chips.values()} == {"testco-alpha", "testco-beta", "testco-gamma"}
    assert len(cat.offers) == 3 and len(cat.rates) == 3 and len(cat.results) == 3
    alpha = cat.resolve(cat.chips, "testco-alpha")
    assert alpha is cat.resolve(cat.chips, "chip:testco-alpha") is cat.chips[alpha.id]
    ranks = sorted(f.rank for f in alpha.figures["memoryBandwidth"])
    assert ranks == ["DEPRECATED", "PREFERRED"]
    assert [s.title for s in alpha.figures["memoryCapacity"][0].sources] == [
        "Testco datasheet (test fixture)"]
    box8 = cat.resolve(cat.systems, "testco-box-8")
    assert {(cat.chips[c.chip_id].slug, c.count) for c in box8.components} == {
        ("testco-alpha", 8), ("testco-gamma", 2)}
    assert [s.slug for s in cat.systems_with[alpha.id]]


def test_currency_conversion_uses_the_nearest_dated_rate(fixture_snapshot: Snapshot) -> None:
    cat = cached.for_snapshot(fixture_snapshot)
    beta = cat.resolve(cat.chips, "testco-beta")
    usd = D.price(cat, beta.id, "USD")
    offer = cat.offers_for[beta.id][0]
    rates = {r.rate_date: r for r in cat.rates.values()
             if {r.from_currency, r.to_currency} == {offer.currency, str(CUR.USD)}}
    nearest = min(rates, key=lambda d: abs((d - offer.offer_date).days))
    assert usd.value == pytest.approx(offer.amount / rates[nearest].rate)
    assert [i.rate.id for i in usd.inputs if i.rate] == [rates[nearest].id]
    assert D.price(cat, beta.id, "CNY").value == offer.amount


def test_retired_iris_resolve_to_the_entity_that_replaced_them(snapshot: Snapshot) -> None:
    cat = cached.for_snapshot(snapshot)
    rows = list(snapshot.store.query(
        "SELECT ?old ?new WHERE { ?old <http://purl.org/dc/terms/isReplacedBy> ?new }",
        use_default_graph_as_union=True))
    assert rows and cat.replaced_by == {r["old"].value: r["new"].value for r in rows}
    for old, new in cat.replaced_by.items():
        assert old not in cat.sources and new in cat.sources
        assert cat.resolve(cat.sources, old) is cat.sources[new]
        assert cat.resolve(cat.sources, old.rsplit("/", 1)[-1]) is cat.sources[new]
        assert cat.resolve(cat.chips, old) is None  # only within the replacement's own kind
