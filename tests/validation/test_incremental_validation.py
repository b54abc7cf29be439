"""An import validates only what it touches, with its neighbours taken from the store.

hwkg.importers.writer.check(..., store=...) fetches the touched entities (with their
statements) and the types of what the new data points to from an on-disk store, instead
of parsing the whole graph; a violation that needs an existing node must still be found.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from conftest import generated_home
from hwkg.core.namespaces import sparql_prefixes
from hwkg.importers.writer import Output, check
from hwkg.serving import stores as persistence

PREFIXES = """@prefix hw: <https://w3id.org/hwkg/ontology#> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ox.Store]:
    folder = tmp_path_factory.mktemp("increment")
    home = generated_home(30, folder / "home")
    persistence.build(folder / "store", home, with_catalog=False)
    return home, ox.Store.read_only(str(folder / "store"))


def first(store: ox.Store, query: str) -> dict[str, str]:
    found = store.query(sparql_prefixes() + query, use_default_graph_as_union=True)
    names = [v.value for v in found.variables]  # type: ignore[union-attr]
    row = next(iter(found))  # type: ignore[arg-type]
    return {name: row[name].value for name in names if row[name] is not None}


def statement_on(store: ox.Store, rank: str) -> Output:
    """A new memory-capacity statement of ``rank`` on a chip that already has a preferred one."""
    found = first(store, """SELECT ?chip ?src WHERE { ?chip hw:memoryCapacity ?s .
        ?s hw:rank hw:PreferredRank ; prov:wasDerivedFrom ?src .
        FILTER NOT EXISTS { ?s hw:sparsity ?x } FILTER NOT EXISTS { ?s hw:scope ?y } } LIMIT 1""")
    text = PREFIXES + (f"<{found['chip']}> hw:memoryCapacity [ a hw:Statement ; hw:value 999 ; "
                       f"hw:unit unit:GigaBYTE ; hw:rank hw:{rank} ; "
                       f"prov:wasDerivedFrom <{found['src']}> ] .\n")
    return Output("measured/extra.ttl", text)


def result_for(store: ox.Store, system: str | None = None) -> Output:
    """One new benchmark result of an existing (or the given) system."""
    found = first(store, """SELECT ?sys ?bench ?src WHERE { ?r a hw:BenchmarkResult ;
        hw:system ?sys ; hw:benchmark ?bench ; prov:wasDerivedFrom ?src } LIMIT 1""")
    text = PREFIXES + f"""<https://w3id.org/hwkg/id/result/new-one> a hw:BenchmarkResult ;
    rdfs:label "A new result"@en ;
    hw:benchmark <{found['bench']}> ; hw:system <{system or found['sys']}> ;
    hw:result [ a hw:Statement ; hw:value 42.5 ; hw:unit unit:MIN ; hw:rank hw:PreferredRank ;
                prov:wasDerivedFrom <{found['src']}> ] ;
    hw:method "median of five runs" ; hw:resultTime "2025-01-01"^^xsd:date ;
    hw:division hw:Closed ; hw:category hw:Available ;
    prov:wasDerivedFrom <{found['src']}> .
"""
    return Output("results/new.ttl", text)


def test_a_second_preferred_statement_on_an_existing_chip_is_caught(
    built: tuple[Path, ox.Store]
) -> None:
    home, store = built
    problems = check([statement_on(store, "PreferredRank")], Graph(), home, store=store)
    assert any("QA-onePreferred" in p.message for p in problems), problems
    assert all(p.file == "measured/extra.ttl" for p in problems)


def test_a_normal_rank_statement_on_the_same_chip_passes(built: tuple[Path, ox.Store]) -> None:
    home, store = built
    assert check([statement_on(store, "NormalRank")], Graph(), home, store=store) == []


def test_a_new_result_validates_against_the_existing_system_and_benchmark(
    built: tuple[Path, ox.Store]
) -> None:
    home, store = built
    assert check([result_for(store)], Graph(), home, store=store) == []
    missing = "https://w3id.org/hwkg/id/system/not-in-the-graph"
    problems = check([result_for(store, missing)], Graph(), home, store=store)
    assert problems and all(p.file == "results/new.ttl" for p in problems), problems
