"""Skolem IRIs depend on content, not on blank-node labels — including labels N-Triples
cannot write, which rdflib keeps from JSON-LD (``"_:@x"``; found by the JSON-LD fuzz test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef

from hwkg.turtle.parsing import parse_text
from hwkg.turtle.skolem import skolemize

HW = "https://w3id.org/hwkg/ontology#"


def document(label: str) -> str:
    """A chip with one statement whose blank node is called ``label``."""
    return json.dumps([
        {"@id": "https://w3id.org/hwkg/id/chip/test-gpu",
         HW + "computeFP16": [{"@id": label}]},
        {"@id": label, "@type": [HW + "Statement"],
         HW + "value": [{"@value": "165.2", "@type": "http://www.w3.org/2001/XMLSchema#decimal"}]},
    ])


@pytest.mark.parametrize("label", ["_:@odd", "_:with space", "_:ends.", "_:é"])
def test_any_label_gives_the_skolem_iri_of_a_plain_one(label: str, tmp_path: Path) -> None:
    plain = parse_text(document("_:b0"), tmp_path / "plain.jsonld", fmt="json-ld")
    odd = parse_text(document(label), tmp_path / "odd.jsonld", fmt="json-ld")
    assert plain.graph is not None and odd.graph is not None, (plain.problem, odd.problem)
    assert any(isinstance(s, BNode) for s, _, _ in odd.graph)  # the label reached rdflib
    ours, theirs = skolemize(plain.graph), skolemize(odd.graph)
    assert set(ours) == set(theirs) and len(ours) == 3
    assert not any(isinstance(term, BNode) for triple in theirs for term in triple)
    assert all(isinstance(s, URIRef) for s in theirs.subjects())


def test_a_graph_without_blank_nodes_is_unchanged() -> None:
    graph = Graph()
    graph.add((URIRef("https://example.org/a"), URIRef(HW + "x"), URIRef("https://example.org/b")))
    assert set(skolemize(graph)) == set(graph)
