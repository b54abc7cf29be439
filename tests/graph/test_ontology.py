"""The vocabulary itself: every term is labelled in English and Chinese and defined."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from hwkg.core import resources
from hwkg.core.namespaces import HW, HWUNIT
from hwkg.turtle.parsing import read

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
              HW.FigureProperty, HW.DerivedProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph, _, problems = read(resources.turtle_files(resources.ontology_dir()))
    assert not problems
    return graph


def terms(graph: Graph) -> list[URIRef]:
    found = {s for t in TERM_TYPES for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}
    found |= {s for s in graph.subjects(RDF.type, None)
              if isinstance(s, URIRef) and str(s).startswith(str(HW))}
    return sorted(found)


def test_terms_found(ontology: Graph) -> None:
    assert len(terms(ontology)) > 150


def test_every_term_has_english_and_chinese_labels_and_a_definition(ontology: Graph) -> None:
    missing = []
    for term in terms(ontology):
        langs = {getattr(label, "language", None) for label in ontology.objects(term, RDFS.label)}
        if not {"en", "zh"} <= langs:
            missing.append(f"{term}: labels {langs}")
        if str(term).startswith(str(HW)) and (term, SKOS.definition, None) not in ontology:
            missing.append(f"{term}: no skos:definition")
    assert missing == []


def test_every_figure_property_has_canonical_unit_and_quantity_kind(ontology: Graph) -> None:
    props = list(ontology.subjects(RDF.type, HW.FigureProperty))
    assert len(props) > 20
    for prop in props:
        if prop in (HW.result, HW.quantity):  # any unit: the benchmark or claim decides
            continue
        unit = ontology.value(prop, HW.canonicalUnit)
        assert unit is not None, prop
        kind = ontology.value(prop, HW.quantityKind)
        assert ontology.value(unit, HWUNIT.quantityKind) == kind, prop


def test_gb_and_gib_are_different_units(ontology: Graph) -> None:
    gb = ontology.value(URIRef("http://qudt.org/vocab/unit/GigaBYTE"), HWUNIT.multiplier)
    gib = ontology.value(URIRef("http://qudt.org/vocab/unit/GibiBYTE"), HWUNIT.multiplier)
    assert gb is not None and gib is not None
    assert int(gb) == 10**9 and int(gib) == 2**30
