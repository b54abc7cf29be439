"""The set-based SPARQL constraints bind ``$this`` by the shape's target: a class, the
subjects or the objects of a property. A shape whose target the engine cannot run is
refused, never skipped (a skipped constraint would let invalid data through)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from hwkg.validation import constraints

HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:c a sh:SPARQLConstraint ; sh:message "m" ; sh:select "SELECT $this WHERE { $this ex:p ?o }" .
"""


def shapes(target: str) -> Graph:
    return Graph().parse(data=HEAD + f"ex:s a sh:NodeShape ; {target} sh:sparql ex:c .",
                         format="turtle")


@pytest.mark.parametrize("target,pattern", [
    ("sh:targetClass ex:K ;", "?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
                              "<https://example.org/K>"),
    ("sh:targetSubjectsOf ex:q ;", "?this <https://example.org/q> []"),
    ("sh:targetObjectsOf ex:q ;", "[] <https://example.org/q> ?this"),
])
def test_each_target_binds_this(target: str, pattern: str) -> None:
    [found] = constraints.collect(shapes(target))
    assert pattern in found.query and "$this" not in found.query


@pytest.mark.parametrize("target", ["sh:targetNode ex:n ;", "",
                                    "sh:targetClass ex:K ; sh:targetSubjectsOf ex:q ;"])
def test_a_target_it_cannot_run_is_refused(target: str) -> None:
    with pytest.raises(ValueError, match="ex|example"):
        constraints.collect(shapes(target))
